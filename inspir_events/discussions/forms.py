"""Discussion forms: the shape of the input; the services check the rest."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from inspir_events.discussions import rules


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(_l("Write your comment.")),
            Length(max=rules.BODY_MAX,
                   message=_l("A comment has at most %(max)d characters.", max=rules.BODY_MAX)),
        ],
        description=_l("Markdown is accepted (**bold**, lists, links). You can edit it for "
                       "15 minutes."),
        render_kw={"rows": 4},
    )
    # The comment answered (empty: a new comment); a reply to a reply joins its thread.
    parent = HiddenField(validators=[Optional(), Regexp(r"^\d{1,10}$")])

    def parent_id(self) -> int | None:
        return int(self.parent.data) if self.parent.data else None


class ReportForm(FlaskForm):
    reason = TextAreaField(
        _l("Why should moderators look at this comment?"),
        validators=[
            DataRequired(_l("Say what is wrong.")),
            Length(max=rules.REPORT_REASON_MAX,
                   message=_l("At most %(max)d characters.", max=rules.REPORT_REASON_MAX)),
        ],
        render_kw={"rows": 2},
    )


class HideForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is it hidden?"),
        validators=[
            DataRequired(_l("Give a reason.")),
            Length(max=rules.HIDE_REASON_MAX,
                   message=_l("At most %(max)d characters.", max=rules.HIDE_REASON_MAX)),
        ],
        render_kw={"rows": 2},
    )


class EmptyForm(FlaskForm):
    """A button-only form (CSRF token only)."""

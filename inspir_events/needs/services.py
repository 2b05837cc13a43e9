"""Need-board use cases. Each owns its transaction: load, check the rules, change, commit once."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, Text, bindparam, cast, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from inspir_events import markdown
from inspir_events.accounts.models import User
from inspir_events.database import (
    ID_MAX,
    begin_write,
    containing_words,
    insert_ignoring_conflicts,
    json_map_agg,
    page_rows,
    related_list,
    retrying,
    shape_of,
    use_case,
    with_paging,
)
from inspir_events.discussions import moderation as comment_moderation
from inspir_events.discussions.services import public_count_column
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.follows import services as follows
from inspir_events.needs import rules
from inspir_events.needs.following import SUBJECT_TYPE
from inspir_events.needs.models import (
    Need,
    NeedPublicCount,
    NeedReport,
    NeedSupport,
    NeedTag,
)
from inspir_events.needs.rules import BoardFilters, NeedStatus, Sort, Visibility
from inspir_events.reference import services as reference
from inspir_events.reference.models import Commune, Department, Theme
from inspir_events.timeutil import utcnow


class NeedError(DomainError):
    """A need use case refused (422 unless a subclass says otherwise)."""


class NeedNotFound(NeedError):
    status = 404

    def __init__(self):
        super().__init__(_l("This need does not exist or is not public."))


class NotAllowed(NeedError):
    status = 403


class QuotaExceeded(NeedError):
    status = 429


class AlreadyReported(NeedError):
    status = 409

    def __init__(self):
        super().__init__(_l("You have already reported this need: the moderators will look "
                            "at it."))


class InvalidState(NeedError):
    """The need's status forbids this change (it has moved on in the process)."""

    status = 409


@dataclass
class NeedInput:
    """What the author typed, already shaped by the form."""

    title: str
    description: str
    department_code: str
    theme_code: str
    commune: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class BoardPage:
    items: list  # each need's CARD_FIELDS (rows)
    total: int
    page: int
    per_page: int
    supported_ids: set[int]
    tags: dict[int, list[str]] = field(default_factory=dict)  # per need id, in order
    comments: dict[int, int] = field(default_factory=dict)  # public comments per need id
    # Public needs per department (the map's figures), read with the page.
    department_counts: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def is_moderator(user) -> bool:
    """Committee members and administrators moderate needs (and comments: one rule)."""
    return comment_moderation.is_moderator(user)



# ---- reading ---------------------------------------------------------------------------

def get_public(need_id: int) -> Need:
    """A need on the public boards, or NeedNotFound (hidden, pending, withdrawn, missing)."""
    need = db.session.get(Need, need_id)
    if need is None or not need.is_public:
        raise NeedNotFound()
    return need


# What a need's page shows, loaded with the need: two queries (the need with its
# territory, theme and author; its tags), whatever the page shows of them.
NEED_PAGE_OPTIONS = (
    joinedload(Need.department),
    joinedload(Need.theme),
    joinedload(Need.author).lazyload(User.role_rows),
    selectinload(Need.tag_rows),
)


def get_for_viewer(need_id: int, viewer) -> Need:
    """A public need, or a non-public one for its author and the moderators."""
    need = db.session.get(Need, need_id, options=NEED_PAGE_OPTIONS)
    if need is None:
        raise NeedNotFound()
    if need.is_public or is_moderator(viewer):
        return need
    if viewer and viewer.is_authenticated and need.author_id == viewer.id:
        return need
    raise NeedNotFound()


def board_statement(filters: BoardFilters, options: tuple = (),
                    paged: bool = False) -> tuple[Select, dict]:
    """The public needs ``filters`` keep, in the board's order: a statement and the values
    of its parameters (with ``paged``, it also takes ``limit`` and ``offset``).

    The statement is built once per shape of the filters — which of them are set, how many
    words, the order — with ``options`` and the paging (:func:`_shaped_board`): building
    a page's statement and computing its cache key again for each request cost more than
    running it (0.23 ms of a page's 0.44 ms on SQLite)."""
    shape, params = _board_shape(filters)
    return _shaped_board(shape, options, paged), params


def _board_shape(filters: BoardFilters) -> tuple[tuple, dict]:
    """The shape of a board's filters (which are set, how many words, the order) and the
    values of its statement's parameters."""
    params = {name: getattr(filters, name) for name in ("department", "theme", "epci", "status")
              if getattr(filters, name)}
    if filters.tag:
        params["tag"] = rules.normalise_tag(filters.tag)
    shape = shape_of(params, BOARD_FILTERS, rules.search_terms(filters.query), filters.sort)
    return shape, params


BOARD_FILTERS = ("department", "theme", "epci", "status", "tag")


@functools.lru_cache(maxsize=512)
def _shaped_board(shape: tuple, options: tuple, paged: bool, columns: tuple = (),
                  fields: tuple = (Need,)) -> Select:
    """The board's statement for one shape of filters (see board_statement); each need
    (``fields``: the need, or the columns of it a page shows: CARD_FIELDS) comes with
    ``columns`` beside it (CARD_COLUMNS: what its card shows; TAGS)."""
    filtered, terms, sort = shape
    stmt = select(*fields, *columns).where(Need.is_public)
    if "department" in filtered:
        stmt = stmt.where(Need.department_code == bindparam("department"))
    if "theme" in filtered:
        stmt = stmt.where(Need.theme_code == bindparam("theme"))
    if "epci" in filtered:
        stmt = stmt.where(Need.commune_code.in_(
            select(Commune.code).where(Commune.epci_siren == bindparam("epci"))))
    if "status" in filtered:
        stmt = stmt.where(Need.status == bindparam("status"))
    if "tag" in filtered:
        stmt = stmt.where(Need.id.in_(
            select(NeedTag.need_id).where(NeedTag.tag == bindparam("tag"))))
    stmt = containing_words(stmt, Need.search_text, terms)
    if sort == Sort.SUPPORTED:
        stmt = stmt.order_by(Need.supporters_count.desc(), Need.created_at.desc(),
                             Need.id.desc())
    else:
        stmt = stmt.order_by(Need.created_at.desc(), Need.id.desc())
    return with_paging(stmt, options, paged)


@functools.lru_cache(maxsize=512)
def _counted(stmt: Select) -> Select:
    """How many rows ``stmt`` (one of _shaped_board's) gives."""
    return select(func.count()).select_from(stmt.order_by(None).subquery())


# A need's tags in their order, read with it (they were a second statement for the page).
TAGS = related_list(NeedTag.tag, where=NeedTag.need_id == Need.id, order_by=NeedTag.position,
                    outer=Need).label("tags")

# What a board's card shows beside its need, read with it (each was a query of its own):
# its tags, the viewer's support (its need id, or NULL: a scalar subquery, looked up for
# each of the page's needs by the primary key; as an EXISTS, PostgreSQL hashed all of the
# viewer's supports first, 1.2 ms for the bench user's 1,429) and the public comments.
CARD_COLUMNS = (
    TAGS,
    select(NeedSupport.need_id).where(NeedSupport.need_id == Need.id,
                                      NeedSupport.user_id == bindparam("viewer_id"))
    .scalar_subquery().label("supported"),
    public_count_column("need", Need.id).label("comments"),
)


def board_rows(filters: BoardFilters, fields: tuple, offset: int,
               limit: int) -> tuple[list[tuple], int]:
    """``limit`` of the needs ``filters`` keep, from ``offset``, as their ``fields`` (columns
    of Need: rows, not objects), each with its tags; and how many needs ``filters`` keep in
    all (:func:`public_total`; when the counts per department give it, they come with the
    rows: one statement)."""
    shape, params = _board_shape(filters)
    by_counts = rules.narrowed_by_department_at_most(filters)
    stmt = _shaped_board(shape, (), True, (TAGS, DEPARTMENT_COUNTS) if by_counts
                         else (TAGS,), fields)
    rows = page_rows(stmt, {**params, "limit": limit, "offset": offset})
    if rows and by_counts:
        total = rules.total_from_department_counts(filters, _department_counts(rows))
    else:  # counted, or past the last need: the counts read on their own
        total = public_total(filters)
    return [(row, row.tags or []) for row in rows], total


# Built once (building and keying a statement again for each page cost more than running
# it): the public needs per department (kept by the database's triggers: NeedPublicCount).
PUBLIC_PER_DEPARTMENT = select(NeedPublicCount.department_code, NeedPublicCount.needs).where(
    NeedPublicCount.needs > 0)
# The same, as one column of a page's statement (the databases compute it once for the
# statement): a page and its total in one statement (board_rows). Its JSON is the same text
# on every row of the page, decoded once (_department_counts): as a JSON column, it was
# decoded for each of the page's rows.
DEPARTMENT_COUNTS = (select(cast(json_map_agg(NeedPublicCount.department_code,
                                              NeedPublicCount.needs), Text))
                     .where(NeedPublicCount.needs > 0).scalar_subquery()
                     .label("department_counts"))


def _department_counts(rows) -> dict[str, int]:
    """The public needs per department, as read with a page's rows (DEPARTMENT_COUNTS)."""
    return json.loads(rows[0].department_counts or "{}")

# What a board's cards show of a need (needs/cards.py), read as plain columns: loading each
# need as an object cost as much as running the page's statement. Its long texts stay in
# the database; its tags come as a column (TAGS) and its territory and theme from the
# reference rows the page reads for its filters: loading them as related objects of each
# need (selectinload, joinedload) cost more than the rest of the page's queries together.
CARD_FIELDS = (Need.id, Need.title, Need.status, Need.department_code, Need.commune,
               Need.theme_code, Need.created_at, Need.supporters_count)


def board(filters: BoardFilters, page: int = 1, per_page: int | None = None,
          viewer=None) -> BoardPage:
    """One page of a board: one statement whatever the page size (the needs, each with its
    tags, whether the viewer supports it and its public comments; and the public needs per
    department, the map's figures, which give the page's total when a department at most
    narrows it), plus their count when another filter does.

    A page past the last one shows the last one: it is read again once its total is known
    (an offset beyond the database's integers is never asked: ID_MAX bounds it).
    """
    per_page = rules.clamp_per_page(per_page)
    page = max(1, min(page or 1, ID_MAX // per_page))
    shape, params = _board_shape(filters)
    stmt = _shaped_board(shape, (), True, (*CARD_COLUMNS, DEPARTMENT_COUNTS), CARD_FIELDS)
    signed_in = viewer is not None and viewer.is_authenticated
    params = {**params, "limit": per_page,
              "viewer_id": viewer.id if signed_in else None}
    rows = page_rows(stmt, {**params, "offset": (page - 1) * per_page})
    # No row: past the last page, or nothing to show; the counts read on their own.
    counts = _department_counts(rows) if rows else public_counts()
    total = public_total(filters, counts)
    last = rules.clamp_page(page, total, per_page)
    if not rows and last != page:
        page = last
        rows = page_rows(stmt, {**params, "offset": (page - 1) * per_page})
    return BoardPage(rows, total, page, per_page,
                     {row.id for row in rows if row.supported is not None},
                     {row.id: row.tags or [] for row in rows},
                     {row.id: row.comments for row in rows if row.comments},
                     counts)


def public_total(filters: BoardFilters,
                 department_counts: dict[str, int] | None = None) -> int:
    """How many public needs ``filters`` keep: from the counts per department
    (``department_counts`` when already read, else ``public_counts()``) when a department
    at most narrows them, counted otherwise."""
    if rules.narrowed_by_department_at_most(filters):
        counts = public_counts() if department_counts is None else department_counts
        return rules.total_from_department_counts(filters, counts)
    stmt, params = board_statement(filters)
    return db.session.scalar(_counted(stmt), params)


def public_counts(by: str = "department") -> dict[str, int]:
    """Public needs per department (``by="department"``: read from the counts the database
    keeps, NeedPublicCount) or per intercommunality (``by="epci"``, the needs whose commune
    is known, counted): the map's and the statistics' figures."""
    if by == "epci":
        stmt = (select(Commune.epci_siren, func.count())
                .join(Need, Need.commune_code == Commune.code).where(Need.is_public)
                .group_by(Commune.epci_siren))
    else:
        stmt = PUBLIC_PER_DEPARTMENT
    return {key: count for key, count in db.session.execute(stmt).all() if key}


def export_needs(filters: BoardFilters):
    """Every public need matching ``filters`` (open data), streamed in batches."""
    stmt, params = board_statement(filters)
    stmt = stmt.options(
        selectinload(Need.tag_rows), joinedload(Need.department), joinedload(Need.theme)
    ).execution_options(yield_per=500)
    return db.session.scalars(stmt, params)


def has_supported(need: Need, user) -> bool:
    if not (user and user.is_authenticated):
        return False
    return db.session.get(NeedSupport, (need.id, user.id)) is not None


def my_needs(user: User) -> list[Need]:
    return list(db.session.scalars(
        select(Need).where(Need.author_id == user.id)
        .options(selectinload(Need.tag_rows), joinedload(Need.department), joinedload(Need.theme))
        .order_by(Need.created_at.desc())
    ))


# ---- writing ---------------------------------------------------------------------------

def _check_references(data: NeedInput) -> None:
    if db.session.get(Department, data.department_code) is None:
        raise NeedError(_l("Choose a department of Hauts-de-France."), field="department")
    if db.session.get(Theme, data.theme_code) is None:
        raise NeedError(_l("Choose a theme from the list."), field="theme")
    problem = rules.tags_problem(data.tags)
    if problem == "too_many":
        raise NeedError(_l("At most %(max)d tags.", max=rules.TAGS_MAX), field="tags")
    if problem == "too_long":
        raise NeedError(_l("A tag has at most %(max)d characters.", max=rules.TAG_MAX_LENGTH),
                        field="tags")


def fill(need: Need, data: NeedInput) -> None:
    """Copy validated input onto ``need`` (rendered HTML, search text, tags); no commit.

    The commune must be one of the reference list, in the need's department (issue 20 §3):
    a refusal comes before anything is changed.
    """
    commune = reference.find_commune(data.commune, data.department_code)
    need.title = data.title.strip()
    need.description = data.description
    need.description_html = markdown.render(data.description)
    need.search_text = rules.fold(f"{need.title}\n{markdown.to_text(data.description, 20_000)}")
    need.department_code = data.department_code
    need.commune = commune.name if commune else None
    need.commune_code = commune.code if commune else None
    need.theme_code = data.theme_code
    need.tag_rows = [NeedTag(tag=t, position=i) for i, t in enumerate(data.tags)]
    need.updated_at = utcnow()


@use_case
def submit(author: User, data: NeedInput) -> Need:
    """Post a need. At most NEEDS_PER_DAY a day per account; pre-moderated if so configured."""
    begin_write()
    _check_references(data)
    # The author's row is locked so that simultaneous posts count one another
    # (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers).
    db.session.execute(select(User.id).where(User.id == author.id).with_for_update())
    since = utcnow() - timedelta(days=1)
    posted = db.session.scalar(select(func.count()).select_from(Need).where(
        Need.author_id == author.id, Need.created_at > since))
    if posted >= rules.NEEDS_PER_DAY:
        raise QuotaExceeded(_l("You have posted %(max)d needs in the last 24 hours, the most "
                               "allowed. Please come back tomorrow.", max=rules.NEEDS_PER_DAY))
    need = Need(author_id=author.id, status=NeedStatus.PUBLISHED, supporters_count=0)
    need.visibility = (Visibility.PENDING if current_app.config["NEEDS_PREMODERATION"]
                       else Visibility.PUBLIC)
    fill(need, data)
    db.session.add(need)
    db.session.commit()
    return need


def _own_need(user: User, need_id: int) -> Need:
    need = db.session.get(Need, need_id)
    if need is None:
        raise NeedNotFound()
    if need.author_id != user.id:
        if need.is_public:
            raise NotAllowed(_l("Only the author of a need can change it."))
        raise NeedNotFound()
    return need


def editable_need(user: User, need_id: int) -> Need:
    """The author's need, if they may still edit it: until an event addresses it.

    NeedNotFound, NotAllowed (someone else's public need) or InvalidState otherwise.
    """
    need = _own_need(user, need_id)
    if need.status == NeedStatus.WITHDRAWN:
        raise InvalidState(_l("This need is withdrawn: it can no longer be edited."))
    if not rules.is_editable(need.status):
        raise InvalidState(_l("This need can no longer be edited: an event already addresses "
                              "it."))
    return need


@use_case
def edit(user: User, need_id: int, data: NeedInput) -> Need:
    """The author edits their need, until an event addresses it."""
    begin_write()
    need = editable_need(user, need_id)
    _check_references(data)
    fill(need, data)
    db.session.commit()
    return need


@use_case
def withdraw(user: User, need_id: int) -> Need:
    """The author withdraws their need from the boards (its supports stay counted)."""
    begin_write()
    need = _own_need(user, need_id)
    if not rules.can_move(need.status, NeedStatus.WITHDRAWN):
        raise InvalidState(_l("This need can no longer be withdrawn: an event already "
                              "addresses it."))
    need.status = NeedStatus.WITHDRAWN
    need.updated_at = utcnow()
    db.session.commit()
    return need

@retrying

def set_support(user: User, need_id: int, supported: bool) -> tuple[bool, int]:
    """Support ("moi aussi") on or off; returns (supported, supporters_count).

    One support row per person per need (primary key); the counter moves in the
    same transaction as the row, by the number of rows actually added or removed,
    so it always equals the number of rows, even under concurrent clicks.
    Supporting a need follows it (issue 17 §4: its supporters are told what becomes
    of it); withdrawing the support leaves following it to the person.
    """
    begin_write()
    need = get_public(need_id)
    if supported:
        changed = insert_ignoring_conflicts(NeedSupport, need_id=need.id, user_id=user.id,
                                            created_at=utcnow()).rowcount
        delta = changed
        follows.add(user.id, SUBJECT_TYPE, need.id)
    else:
        changed = db.session.execute(delete(NeedSupport).where(
            NeedSupport.need_id == need.id, NeedSupport.user_id == user.id)).rowcount
        delta = -changed
    if delta:
        db.session.execute(update(Need).where(Need.id == need.id)
                           .values(supporters_count=Need.supporters_count + delta))
    db.session.commit()
    count = db.session.scalar(select(Need.supporters_count).where(Need.id == need_id))
    return supported, count


@use_case
def report(user: User, need_id: int, reason: str) -> NeedReport:
    """Anyone signed in reports a public need to the moderators: once per need (unique in
    the database too) and at most REPORTS_PER_DAY in 24 hours (issue 18, 1.6: one account
    had reported one need 40 times)."""
    begin_write()
    need = get_public(need_id)
    # The reporter's row is locked so that simultaneous reports count one another
    # (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers).
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    if db.session.scalar(select(NeedReport.id).where(
            NeedReport.need_id == need.id, NeedReport.reporter_id == user.id)) is not None:
        raise AlreadyReported()
    since = utcnow() - timedelta(days=1)
    sent = db.session.scalar(select(func.count()).select_from(NeedReport).where(
        NeedReport.reporter_id == user.id, NeedReport.created_at > since))
    if sent >= rules.REPORTS_PER_DAY:
        raise QuotaExceeded(_l("You have reported %(max)d needs in the last 24 hours, the most "
                               "allowed. Please come back tomorrow.", max=rules.REPORTS_PER_DAY))
    entry = NeedReport(need_id=need.id, reporter_id=user.id, reason=reason.strip())
    db.session.add(entry)
    try:
        db.session.commit()
    except IntegrityError:  # a simultaneous report of the same need won
        raise AlreadyReported() from None  # rolled back by use_case
    return entry


def mark_addressed(need_ids) -> None:
    """Move needs to "addressed" (an event declares it addresses them), in the caller's
    transaction; needs further along stay where they are."""
    for need in db.session.scalars(select(Need).where(Need.id.in_(list(need_ids)))):
        if need.status in rules.BOARD_STATUSES:
            need.status = rules.advance(need.status, NeedStatus.ADDRESSED)


def mark_in_experimentation(need_id: int) -> NeedStatus | None:
    """Move a need to "in experimentation" (a project answering it reaches that stage), in
    the caller's transaction, when ``rules.can_move`` allows it; returns its previous
    status, or None when it stays where it is (closed, withdrawn, already there, gone)."""
    need = db.session.scalar(select(Need).where(Need.id == need_id).with_for_update())
    if need is None or not rules.can_move(need.status, NeedStatus.IN_EXPERIMENTATION):
        return None
    before = need.status
    need.status = NeedStatus.IN_EXPERIMENTATION
    return before

"""Every model module, imported once so the metadata (and Alembic) sees all tables."""

from inspir_events.accounts import models as accounts_models  # noqa: F401
from inspir_events.aid import models as aid_models  # noqa: F401
from inspir_events.aid.calls import models as aid_calls_models  # noqa: F401
from inspir_events.aid.cofunding import models as aid_cofunding_models  # noqa: F401
from inspir_events.aid.envelopes import models as aid_envelopes_models  # noqa: F401
from inspir_events.aid.followup import models as aid_followup_models  # noqa: F401
from inspir_events.aid.jury import models as aid_jury_models  # noqa: F401
from inspir_events.aid.projects import models as aid_projects_models  # noqa: F401
from inspir_events.aid.years import models as aid_years_models  # noqa: F401
from inspir_events.audit import models as audit_models  # noqa: F401
from inspir_events.discussions import models as discussions_models  # noqa: F401
from inspir_events.events import models as events_models  # noqa: F401
from inspir_events.follows import models as follows_models  # noqa: F401
from inspir_events.labels import models as labels_models  # noqa: F401
from inspir_events.mail import models as mail_models  # noqa: F401
from inspir_events.needs import models as needs_models  # noqa: F401
from inspir_events.notifications import models as notifications_models  # noqa: F401
from inspir_events.recusal import models as recusal_models  # noqa: F401
from inspir_events.reference import models as reference_models  # noqa: F401
from inspir_events.search import models as search_models  # noqa: F401
from inspir_events.store import models as store_models  # noqa: F401
from inspir_events.teams import models as teams_models  # noqa: F401
from inspir_events.uploads import models as uploads_models  # noqa: F401
from inspir_events.voting import models as voting_models  # noqa: F401

"""Account use cases. Each one owns its transaction: load, check, change, commit once."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, delete, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.sql.visitors import replacement_traverse

from inspir_events import security
from inspir_events.accounts.models import Role, User, UserRole, UserSession
from inspir_events.accounts.passwords import Passwords
from inspir_events.accounts.rules import (
    SessionCutoffs,
    normalise_email,
    session_alive,
    session_cutoffs,
    session_touch_due,
)
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, fixed, related_list, use_case
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.reference.models import Department, Skill
from inspir_events.timeutil import utcnow


class AccountError(DomainError):
    """An account use case refused."""


class EmailTaken(AccountError):
    def __init__(self):
        super().__init__(_l("An account already uses this email address."), field="email")


class InvalidCredentials(AccountError):
    def __init__(self):
        # Never says which of the two was wrong.
        super().__init__(_l("Unknown email address or wrong password."))


class UnknownReference(AccountError):
    pass


def passwords() -> Passwords:
    """The application's hasher, built once from its settings."""
    hasher = current_app.extensions.get("inspir_passwords")
    if hasher is None:
        cfg = current_app.config
        hasher = Passwords(
            cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"]
        )
        current_app.extensions["inspir_passwords"] = hasher
    return hasher


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


@use_case
def authenticate(email: str, password: str) -> User:
    """The account for these credentials, or InvalidCredentials (same time either way)."""
    user = find_by_email(email)
    hasher = passwords()
    if not hasher.verify(user.password_hash if user else None, password):
        raise InvalidCredentials()
    if hasher.needs_rehash(user.password_hash):
        new_hash = hasher.hash(password)
        begin_write()
        user.password_hash = new_hash
        db.session.commit()
    return user


def token_hash(token: str) -> str:
    """A session token as it is stored: its SHA-256 (the database never holds a usable
    token)."""
    return hashlib.sha256(token.encode()).hexdigest()


def session_limits() -> tuple[timedelta, timedelta]:
    """The deployment's idle timeout and absolute lifetime of a session (settings)."""
    cfg = current_app.config
    return cfg["SESSION_IDLE_TIMEOUT"], cfg["SESSION_ABSOLUTE_LIFETIME"]


def sessions_cutoffs(now: datetime) -> SessionCutoffs:
    """The session rules at ``now`` with the deployment's periods (rules.session_cutoffs)."""
    return session_cutoffs(now, *session_limits())


def alive_sessions(now: datetime) -> ColumnElement[bool]:
    """rules.session_alive as a condition on ``user_session`` rows (for a query)."""
    cutoffs = sessions_cutoffs(now)
    return ((UserSession.last_seen_at >= cutoffs.alive_after)
            & (UserSession.created_at >= cutoffs.born_after))


@use_case
def open_session(user: User) -> str:
    """Start a new server-side session for ``user`` and return its token.

    A fresh random token at every log-in: a session id planted before log-in
    is worthless after it (session fixation, ASVS 3.2.1).
    """
    begin_write()
    token = new_session(user)
    db.session.commit()
    user.session_token = token
    return token


def new_session(user: User) -> str:
    """Add a session row for ``user`` to the current transaction; return its token."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(UserSession(token_hash=token_hash(token), user_id=user.id,
                               created_at=now, last_seen_at=now))
    user.last_login_at = now
    return token


# The user's roles as one column of the session's statement (codes, in order).
ROLE_CODES = related_list(UserRole.role, where=UserRole.user_id == User.id,
                          order_by=UserRole.role, outer=User).label("role_codes")


# The user's columns as the session's statement reads them, and their attributes' keys.
USER_COLUMNS = tuple(attribute.columns[0] for attribute in sa_inspect(User).column_attrs)
USER_KEYS = tuple(attribute.key for attribute in sa_inspect(User).column_attrs)
USER_MAPPER = sa_inspect(User)


def session_statement(*columns) -> Select:
    """The statement of :func:`load_session`: the session's user's columns with their roles'
    codes, the session's own columns, and ``columns`` beside them (what every page of the
    layer above shows of its signed-in user, read in the same statement; ``with_session_user``
    makes a statement on the user into such a column).

    Plain columns, no entity: :func:`load_session` makes the user's object of them
    (:func:`_session_user`). Loaded as objects (the session, its user, their roles: three
    entities joined), then as one entity, the ORM's work on the row cost more than running
    the statement, on every signed-in page."""
    return (select(*USER_COLUMNS, UserSession.id, UserSession.created_at,
                   UserSession.last_seen_at, ROLE_CODES, *columns)
            .select_from(User)
            .join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.token_hash == bindparam("token_hash")))


def _session_user(values) -> User:
    """The user whose columns are ``values`` (USER_KEYS' order), as the session's object:
    the one it already holds, or a new one attached to it as if loaded (its relationships
    load when used, its changes are flushed), without the ORM's loading of a row."""
    session = db.session()
    user = session.identity_map.get(USER_MAPPER.identity_key_from_primary_key((values[0],)))
    if user is None:
        user = USER_MAPPER.class_manager.new_instance()
        user.__dict__.update(zip(USER_KEYS, values, strict=True))
        make_transient_to_detached(user)  # loaded as it is, nothing changed
        session.add(user)
    return user


def with_session_user(stmt: Select) -> Select:
    """``stmt``, whose ``user_id`` parameter is the signed-in user, with the session's own
    user instead (a scalar subquery of it is a column of :func:`session_statement`)."""
    def session_user(element):
        if isinstance(element, BindParameter) and element.key == "user_id":
            return UserSession.user_id
        return None

    return replacement_traverse(stmt, {}, session_user)


# The statement every signed-in request runs, built once: building it and computing its
# cache key again for each request cost more than running it.
SESSION_WITH_USER = session_statement()


@use_case
def load_session(token: str, statement: Select = SESSION_WITH_USER) -> User | None:
    """The user of a live session (rules.session_alive), or None: a session that ended,
    idled out or grew too old is deleted; a live one is touched when due. ``statement``
    (one of :func:`session_statement`'s): its columns' values are the user's
    ``session_columns``."""
    if not token:
        return None
    # One query for the session, its user and their roles (run on every signed-in page).
    connection = db.session.connection()
    found = connection.execute(fixed(statement, connection.dialect.name),
                               {"token_hash": token_hash(token)}).first()
    if found is None:
        return None
    user_columns = len(USER_KEYS)
    session_id, created_at, last_seen_at, role_codes = found[user_columns:user_columns + 4]
    now = utcnow()
    if not session_alive(created_at, last_seen_at, now, *session_limits()):
        begin_write()  # a write after the page's reads: a transaction of its own
        db.session.execute(delete(UserSession).where(UserSession.id == session_id))
        db.session.commit()
        return None
    if session_touch_due(last_seen_at, now):
        begin_write()
        db.session.execute(update(UserSession).where(UserSession.id == session_id)
                           .values(last_seen_at=now))
        db.session.commit()
    user = _session_user(found[:user_columns])
    user.session_token = token
    user.session_roles = frozenset(Role(code) for code in role_codes or ())
    user.session_columns = tuple(found[user_columns + 4:])
    return user


@use_case
def close_session(token: str | None) -> None:
    """End one session server-side (log-out)."""
    if token:
        begin_write()
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))
        db.session.commit()


@use_case
def update_profile(user: User, *, display_name: str, department_code: str | None,
                   skill_codes: Iterable[str], bio: str) -> User:
    """Change the profile's display name, territory, skills and short bio."""
    begin_write()
    if department_code and db.session.get(Department, department_code) is None:
        raise UnknownReference(_l("Unknown department."), field="department")
    skill_codes = set(skill_codes)
    skills = list(db.session.scalars(select(Skill).where(Skill.code.in_(skill_codes))))
    if len(skills) != len(skill_codes):
        raise UnknownReference(_l("Unknown skill."), field="skills")
    user.display_name = display_name.strip()
    user.department_code = department_code or None
    user.skills = skills
    user.bio = bio.strip()
    db.session.commit()
    return user


@use_case
def set_locale(user: User, language: str) -> None:
    """Remember a signed-in user's interface language on their account."""
    if user.locale != language:
        begin_write()
        user.locale = language
        db.session.commit()


@use_case
def set_roles(admin: User, user: User, roles: Iterable[Role]) -> tuple[set[Role], set[Role]]:
    """Give ``user`` exactly ``roles``; every grant and revocation is audited.

    Returns (granted, revoked). An admin cannot remove their own admin role,
    so the platform never loses its last administrator by accident.
    """
    begin_write()
    wanted = set(roles)
    current = user.roles
    if admin.id == user.id and Role.ADMIN in current and Role.ADMIN not in wanted:
        raise AccountError(_l("You cannot remove your own administrator role."))
    granted, revoked = wanted - current, current - wanted
    for role in granted:
        user.role_rows.append(UserRole(role=role, granted_by_id=admin.id))
        audit.record(admin, "role.grant", "user", user.id, role=role.value)
    for row in [r for r in user.role_rows if r.role in revoked]:
        user.role_rows.remove(row)
        audit.record(admin, "role.revoke", "user", user.id, role=row.role.value)
    db.session.commit()
    for role in sorted(granted):
        security.log_event("role.granted", target_user_id=user.id, role=role.value)
    for role in sorted(revoked):
        security.log_event("role.revoked", target_user_id=user.id, role=role.value)
    return granted, revoked


@use_case
def create_admin(email: str, display_name: str, password: str) -> User:
    """Create an administrator account (``flask create-admin``), audited."""
    begin_write()
    email = normalise_email(email)
    if find_by_email(email) is not None:
        raise EmailTaken()
    user = User(email=email, display_name=display_name.strip(),
                password_hash=passwords().hash(password))
    user.role_rows.append(UserRole(role=Role.ADMIN))
    db.session.add(user)
    db.session.flush()
    audit.record(None, "role.grant", "user", user.id, role=Role.ADMIN.value, via="cli")
    db.session.commit()
    security.log_event("role.granted", target_user_id=user.id, role=Role.ADMIN.value, via="cli")
    return user


def list_users(query: str = "", limit: int = 200) -> list[User]:
    stmt = select(User).order_by(User.created_at.desc()).limit(limit)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(User.email.like(like) | User.display_name.ilike(like))
    return list(db.session.scalars(stmt))

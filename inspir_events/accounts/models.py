"""Accounts, their roles and skills, and server-side sessions.

A deleted account keeps its row (what its person published stays, anonymised): its
password hash is :data:`DELETED_PASSWORD` and its name is shown as « Deleted account » in
the reader's language (issue 18, 4.3), never stored in one language.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import gettext
from flask_login import UserMixin
from sqlalchemy import (
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.extensions import db
from inspir_events.timeutil import utcnow

# A deleted account's password hash: not an argon2 hash, no password ever matches it.
DELETED_PASSWORD = "!deleted"  # noqa: S105  # nosec B105 # matches no password


class Role(enum.StrEnum):
    """Roles granted by an admin; every account is a citizen without a row."""

    ORGANISER = "organiser"
    COMMITTEE = "committee"
    SUPPORT_STRUCTURE = "support_structure"
    ADMIN = "admin"


user_skill = Table(
    "user_skill",
    db.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_code", ForeignKey("skill.code"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-cased: unique case-insensitively on every backend.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Read and written through ``display_name`` (a deleted account's is translated).
    _display_name: Mapped[str] = mapped_column("display_name", String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    department_code: Mapped[str | None] = mapped_column(ForeignKey("department.code"))
    bio: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # When the person proved the address is theirs (None: not yet; they browse and edit
    # their profile but take part in nothing: accounts/verification.py).
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A new address asked for, taking the place of ``email`` once its link is followed.
    pending_email: Mapped[str | None] = mapped_column(String(254))

    department = relationship("Department")
    skills = relationship("Skill", secondary=user_skill, order_by="Skill.position")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="selectin",
        foreign_keys="UserRole.user_id",
    )

    # The server-side session this object was loaded through (see get_id), and the values
    # of the columns read with it (accounts.services.session_statement).
    session_token = None
    session_columns = ()
    # The roles read with the session (None: not read so): what ``roles`` gives, without
    # loading the role rows, until those rows change (_roles_changed), then the rows'.
    session_roles = None  # frozenset[Role] | None

    @property
    def is_deleted(self) -> bool:
        return self.password_hash == DELETED_PASSWORD

    @hybrid_property
    def display_name(self) -> str:
        """The name shown: « Deleted account » in the reader's language once deleted."""
        if self.is_deleted:
            return gettext("Deleted account")
        return self._display_name

    @display_name.inplace.setter
    def _display_name_setter(self, value: str) -> None:
        self._display_name = value

    @display_name.inplace.expression
    @classmethod
    def _display_name_expression(cls):
        return cls._display_name

    @property
    def roles(self) -> set[Role]:
        if self.session_roles is not None:
            return set(self.session_roles)
        return {Role(row.role) for row in self.role_rows}

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    def get_id(self) -> str | None:
        # Flask-Login stores this in the cookie: the server-side session token,
        # never the user id, so ending the session row logs the browser out.
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


@event.listens_for(User.role_rows, "append")
@event.listens_for(User.role_rows, "remove")
@event.listens_for(User.role_rows, "bulk_replace")
def _roles_changed(user: User, *_args) -> None:
    """A role granted or revoked on a user read with their session: their roles are the
    rows' from now on (set_roles, on one's own account, then shows the new ones)."""
    user.session_roles = None


class UserRole(db.Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=32, validate_strings=True,
             values_callable=lambda e: [m.value for m in e]),
        primary_key=True,
    )
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(back_populates="role_rows", foreign_keys=[user_id])


class UserSession(db.Model):
    """A signed-in browser. Deleting the row ends that session at once."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 of the token held in the signed cookie: a leaked table opens nothing.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()


class DeletedAccount(db.Model):
    """The register of deleted accounts, replayed after a backup is restored.

    No foreign key on purpose: the register outlives what it names, and a restore
    reads it to delete again the accounts deleted after the backup was taken. It
    holds no e-mail address, only its SHA-256 (proof that a request was handled).
    """

    __tablename__ = "deleted_account"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    email_sha256: Mapped[str] = mapped_column(String(64))
    # "self" (the person asked), "retention" (inactive), "restore" (replayed).
    reason: Mapped[str] = mapped_column(String(20))
    deleted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

"""``flask`` commands: create-admin, seed-demo, open-budget-year, load-envelopes,
purge-expired, backup, restore, replay-deletions, mail-worker, search-reindex."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from inspir_events import backup, demo
from inspir_events.accounts import retention
from inspir_events.accounts import services as account_services
from inspir_events.accounts.rules import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from inspir_events.aid import rules as aid_rules
from inspir_events.aid.years import services as aid_years
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.mail import worker as mail_worker
from inspir_events.search import services as search_services
from inspir_events.uploads import storage


@click.command("create-admin")
@click.option("--email", prompt=True, help="The administrator's email address.")
@click.option("--name", "display_name", prompt="Display name", help="Name shown to others.")
@click.password_option(help="At least 12 characters (asked for when omitted).")
@with_appcontext
def create_admin_command(email: str, display_name: str, password: str) -> None:
    """Create an administrator account."""
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise click.UsageError(
            f"The password must have between {PASSWORD_MIN_LENGTH} and "
            f"{PASSWORD_MAX_LENGTH} characters."
        )
    try:
        user = account_services.create_admin(email, display_name, password)
    except account_services.EmailTaken:
        raise click.UsageError(f"An account already uses {email}.") from None
    click.echo(f"Administrator {user.email} created.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Fill an empty database with demo data (development only) and print the logins."""
    if not current_app.config.get("DEMO_ACCOUNTS_ALLOWED"):
        raise click.UsageError(
            "Demo accounts are only created in development (INSPIR_CONFIG=development)."
        )
    created = demo.seed()
    click.echo("Demo data created." if created else "The database already holds data: "
               "demo data left as it is.")
    if demo.has_demo_accounts():
        click.echo(demo.logins_text())


@click.command("open-budget-year")
@click.argument("year", type=int)
@click.option("--start", type=click.Choice([aid_years.START_PREVIOUS,
                                            aid_years.START_DELIBERATION]),
              default=aid_years.START_PREVIOUS, show_default=True,
              help="Start from the previous year's rules, or from the deliberation's 2016 "
                   "figures.")
@click.option("--vote-reference", required=True,
              help="The reference of the vote that set the year's rules.")
@click.option("--vote-date", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The date of that vote (YYYY-MM-DD).")
@with_appcontext
def open_budget_year_command(year: int, start: str, vote_reference: str, vote_date) -> None:
    """Open a budget year: its aid rules (version 1) and its envelopes (audited)."""
    data = aid_years.starting_rules(year, start)
    data = aid_years.RulesInput(**{**data.__dict__, "vote_reference": vote_reference,
                                   "vote_date": date(vote_date.year, vote_date.month,
                                                     vote_date.day)})
    try:
        aid_years.open_year(None, year, data)
    except DomainError as exc:
        raise click.UsageError(str(exc.message)) from None
    click.echo(f"The budget year {year} is open ({start} rules), with its envelopes.")


@click.command("load-envelopes")
@click.option("--year", type=int, default=None,
              help="The budget year whose rules give the envelopes (default: the latest in "
                   "force).")
@with_appcontext
def load_envelopes_command(year: int | None) -> None:
    """Create a budget year's missing envelopes from its aid rules (idempotent)."""
    year = year if year is not None else aid_years.latest_year()
    try:
        added = aid_years.load_envelopes(year)
    except aid_rules.UnknownYear:
        raise click.UsageError(f"There are no aid rules for the budget year {year}.") from None
    click.echo(f"{added} envelope(s) created for {year}." if added
               else f"The envelopes of {year} were already loaded.")


@click.command("purge-expired")
@click.option("--dry-run", is_flag=True, help="Count what would be purged; change nothing.")
@with_appcontext
def purge_expired_command(dry_run: bool) -> None:
    """Delete what is past its retention period (docs/privacy.md)."""
    report = retention.purge_expired(dry_run=dry_run)
    verb = "would be" if dry_run else "were"
    click.echo(f"{len(report.accounts)} inactive account(s) {verb} deleted"
               + (f" (ids {', '.join(map(str, report.accounts))})" if report.accounts else "")
               + ".")
    click.echo(f"{report.sessions} expired session(s), {report.notifications} read "
               f"notification(s), {report.mail_messages} e-mail(s) sent or failed, "
               f"{report.audit_entries} audit entrie(s) and "
               f"{report.register_entries} deletion register row(s) {verb} removed.")


@click.command("search-reindex")
@with_appcontext
def search_reindex_command() -> None:
    """Rebuild the site's search index from the needs, events, ideas, projects and support
    structures (it is kept fresh by every change; this mends one restored or repaired
    by hand)."""
    count = search_services.reindex()
    click.echo(f"Search index rebuilt: {count} document(s).")


def _pg_schema() -> str | None:
    """The schema a ``-csearch_path=...`` connection option points to (tests use one each)."""
    options = (current_app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
               .get("connect_args", {}).get("options", ""))
    match = re.search(r"search_path=([A-Za-z0-9_]+)", options)
    return match.group(1) if match else None


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Back the database up into PATH (a new file) and the uploaded files into the folder
    PATH.uploads, while the application runs."""
    engine = db.engine
    source = backup.sqlite_file(engine)
    if path.exists():
        raise click.UsageError(f"{path} already exists: choose a new file name.")
    try:
        # The files first: every file a backed-up row names is then in the copy.
        files = backup.backup_files(storage.root(), backup.files_path(path))
        if source is not None:
            backup.backup_sqlite(source, path)
        else:
            command = backup.pg_dump_command(engine.url, path, _pg_schema())
            if not backup.pg_tools_available():
                raise click.UsageError("pg_dump is not installed; run:\n  "
                                       + command.shell_text())
            backup.run_pg(command)
    except (backup.BackupError, click.UsageError) as exc:
        if not path.exists():  # no database copy: no half backup left beside it
            shutil.rmtree(backup.files_path(path), ignore_errors=True)
        if isinstance(exc, click.UsageError):
            raise
        raise click.UsageError(str(exc)) from None
    click.echo(f"Database backed up into {path}; {files} uploaded file(s) into "
               f"{backup.files_path(path)}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="The database's current content is replaced. Go on?")
@with_appcontext
def restore_command(path: Path) -> None:
    """Restore the backup PATH (and the files of PATH.uploads the uploads folder lacks),
    then delete again the accounts deleted since it was taken."""
    engine = db.engine
    register = retention.current_register()  # read before the restore overwrites it
    db.session.remove()
    engine.dispose()
    target = backup.sqlite_file(engine)
    try:
        # The files first (each checked against its name): a damaged copy stops the
        # restore before the database is touched.
        files = backup.restore_files(backup.files_path(path), storage.root())
        if target is not None:
            backup.restore_sqlite(path, target)
        else:
            command = backup.pg_restore_command(engine.url, path, _pg_schema())
            if not backup.pg_tools_available():
                raise click.UsageError("pg_restore is not installed; run:\n  "
                                       + command.shell_text()
                                       + "\nthen: flask replay-deletions")
            backup.run_pg(command)
    except backup.BackupError as exc:
        raise click.UsageError(str(exc)) from None
    engine.dispose()
    replayed = retention.replay_deletions(register)
    click.echo(f"Database restored from {path}; {files} uploaded file(s) copied back; "
               f"{len(replayed)} account(s) deleted again from the deletion register.")


@click.command("replay-deletions")
@with_appcontext
def replay_deletions_command() -> None:
    """Delete again the accounts of the deletion register file (after a manual pg_restore)."""
    replayed = retention.replay_deletions(retention.current_register())
    click.echo(f"{len(replayed)} account(s) deleted again from the deletion register.")


@click.command("mail-worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Threads delivering at once.")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Run the periodic tasks (the outbox's sweep) in this worker.")
@with_appcontext
def mail_worker_command(workers: int, periodic: bool) -> None:
    """Deliver the outbox's e-mail (the Huey consumer); Ctrl-C stops it after its batches."""
    mail_worker.run(current_app._get_current_object(), workers=workers, periodic=periodic)


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_admin_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(open_budget_year_command)
    app.cli.add_command(load_envelopes_command)
    app.cli.add_command(purge_expired_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(replay_deletions_command)
    app.cli.add_command(mail_worker_command)
    app.cli.add_command(search_reindex_command)

"""``flask`` commands: create-admin, seed-demo, load-envelopes."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from inspir_events import demo
from inspir_events.accounts import services as account_services
from inspir_events.accounts.rules import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from inspir_events.aid import envelopes as aid_envelopes
from inspir_events.aid import rules as aid_rules


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


@click.command("load-envelopes")
@click.option("--year", type=int, default=aid_rules.LATEST_YEAR, show_default=True,
              help="The budget year whose policy gives the envelopes.")
@with_appcontext
def load_envelopes_command(year: int) -> None:
    """Create a budget year's envelopes from its aid policy (idempotent)."""
    try:
        added = aid_envelopes.load_envelopes(year)
    except aid_rules.UnknownYear:
        raise click.UsageError(f"There are no aid rules for the budget year {year}.") from None
    click.echo(f"{added} envelope(s) created for {year}." if added
               else f"The envelopes of {year} were already loaded.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_admin_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(load_envelopes_command)

"""A deleted account's name is shown in the reader's language (issue 18, 4.3): nothing of
it is stored, in no language; the pages show « Deleted account » / « Compte supprimé »."""

from __future__ import annotations

from sqlalchemy import select, text

from inspir_events.accounts.models import Role, User
from tests.conftest import PASSWORD


def test_a_deleted_accounts_name_follows_the_readers_language(app, client, db, login,
                                                              make_user):
    leaver = make_user(display_name="Lucie Départ")
    login(leaver)
    assert client.post_form("/account/delete", {"current_password": PASSWORD, "confirm": "y"},
                            token_from="/account/delete").status_code == 302
    stored = db.session.execute(text("SELECT display_name FROM user_account WHERE id = :id"),
                                {"id": leaver.id}).scalar_one()
    assert stored == ""  # neither the name nor a French placeholder

    admin = app.test_client()
    login(make_user(roles=(Role.ADMIN,)), on=admin)
    # The audit log names the actor of the deletion: the deleted account itself.
    french = admin.get(f"/admin/audit?actor={leaver.id}").get_data(as_text=True)
    english = admin.get(f"/admin/audit?actor={leaver.id}",
                        headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Compte supprimé" in french and "Deleted account" not in french
    assert "Deleted account" in english and "Compte supprimé" not in english
    assert "Lucie Départ" not in french + english


def test_searching_by_name_still_reads_the_column(db, make_user):
    make_user(display_name="Nadia Recherche")
    assert db.session.scalar(select(User).where(User.display_name.ilike("%recherche%")))

"""Who a message about an account goes to, for the packages below the accounts.

The in-app notifications name people by their account's id and know nothing of the
accounts (they sit below them). The accounts feature provides, with its blueprint, the
one function that turns ids into the accounts a notice may be e-mailed to (each with
``id``, ``email``, ``display_name``, ``locale``): :func:`provide`; :func:`load` calls
it. Without a provider (an application without the accounts blueprint) nobody is found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Blueprint, current_app

EXTENSION_KEY = "inspir_mail_recipients"


def provide(bp: Blueprint, loader: Callable[[list[int]], list]) -> None:
    """Register ``loader(ids) -> accounts`` with ``bp`` (one provider per application)."""
    bp.record_once(lambda state: state.app.extensions.__setitem__(EXTENSION_KEY, loader))


def load(user_ids: Iterable[int]) -> list:
    """The accounts among ``user_ids`` that may receive a notice by e-mail, by id."""
    ids = sorted(set(user_ids))
    loader = current_app.extensions.get(EXTENSION_KEY)
    return loader(ids) if ids and loader else []

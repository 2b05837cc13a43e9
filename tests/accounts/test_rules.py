"""The pure account rules and the argon2id hasher, without an application."""

from datetime import datetime, timedelta

from inspir_events.accounts import rules
from inspir_events.accounts.passwords import Passwords


def test_email_normalisation():
    assert rules.normalise_email("  Camille.Martin@Example.ORG ") == "camille.martin@example.org"


def test_password_policy_bounds():
    assert rules.PASSWORD_MIN_LENGTH == 12
    assert rules.PASSWORD_MAX_LENGTH == 128


def test_hashes_are_argon2id_and_verify():
    hasher = Passwords(time_cost=1, memory_cost=8, parallelism=1)
    hashed = hasher.hash("une phrase de passe")
    assert hashed.startswith("$argon2id$")
    assert hasher.verify(hashed, "une phrase de passe")
    assert not hasher.verify(hashed, "une autre phrase")
    assert not hasher.verify(None, "une phrase de passe")  # unknown account
    assert not hasher.verify("garbage", "x")


def test_weaker_hashes_are_flagged_for_rehash():
    weak = Passwords(time_cost=1, memory_cost=8, parallelism=1).hash("secret phrase!")
    strong = Passwords(time_cost=2, memory_cost=16, parallelism=1)
    assert strong.needs_rehash(weak)


# ---- sessions (issue 10): the one liveness rule of pages, socket votes and the purge ----

NOW = datetime(2031, 6, 15, 12, 0)
IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
SECOND = timedelta(seconds=1)


def alive(opened_ago: timedelta, seen_ago: timedelta) -> bool:
    return rules.session_alive(NOW - opened_ago, NOW - seen_ago, NOW, IDLE, ABSOLUTE)


def test_a_session_lives_up_to_its_idle_timeout_and_absolute_lifetime_included():
    assert alive(timedelta(hours=1), IDLE)
    assert not alive(timedelta(hours=1), IDLE + SECOND)
    assert alive(ABSOLUTE, timedelta(0))
    assert not alive(ABSOLUTE + SECOND, timedelta(0))  # however active


def test_the_cutoffs_say_the_same_as_the_rule():
    cutoffs = rules.session_cutoffs(NOW, IDLE, ABSOLUTE)
    assert (cutoffs.alive_after, cutoffs.born_after) == (NOW - IDLE, NOW - ABSOLUTE)
    assert cutoffs.touch_before == NOW - rules.SESSION_TOUCH_INTERVAL
    assert cutoffs.fresh_after == NOW - rules.SESSION_TOUCH_INTERVAL
    short = rules.session_cutoffs(NOW, SECOND, ABSOLUTE)  # an idle timeout under a minute
    assert short.fresh_after == NOW - SECOND


def test_a_live_session_is_touched_once_a_minute_at_most():
    assert not rules.session_touch_due(NOW - rules.SESSION_TOUCH_INTERVAL, NOW)
    assert rules.session_touch_due(NOW - rules.SESSION_TOUCH_INTERVAL - SECOND, NOW)

"""The delivery rules, without an app (mail/rules.py)."""

from inspir_events.mail.rules import (
    MailMode,
    MailStatus,
    held,
    is_permanent,
    once_key,
    retry_delay,
    status_after_failure,
    stopped,
)


def test_the_delay_doubles_at_each_attempt_up_to_its_ceiling():
    assert [retry_delay(n, 60, 3600) for n in range(1, 9)] == [
        60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert retry_delay(0, 60, 3600) == 0
    assert retry_delay(10_000, 60, 3600) == 3600  # no overflow however many attempts


def test_only_5xx_replies_are_permanent():
    assert is_permanent(550) and is_permanent(554)
    assert not is_permanent(451) and not is_permanent(421)
    assert not is_permanent(None)  # a network error: try again


def test_a_failure_is_final_at_the_last_attempt_or_when_permanent():
    assert status_after_failure(1, 8, permanent=False) == MailStatus.PENDING
    assert status_after_failure(7, 8, permanent=False) == MailStatus.PENDING
    assert status_after_failure(8, 8, permanent=False) == MailStatus.FAILED
    assert status_after_failure(1, 8, permanent=True) == MailStatus.FAILED


def test_only_a_non_essential_kind_set_to_never_is_stopped():
    assert stopped(essential=False, mode=MailMode.NEVER)
    assert not stopped(essential=True, mode=MailMode.NEVER)
    assert not stopped(essential=False, mode=None)
    assert not stopped(essential=False, mode=MailMode.DAILY)


def test_only_a_non_essential_digestible_kind_set_to_daily_is_held():
    assert held(essential=False, mode=MailMode.DAILY)
    assert not held(essential=True, mode=MailMode.DAILY)
    assert not held(essential=False, mode=MailMode.DAILY, digestible=False)  # a digest itself
    assert not held(essential=False, mode=None) and not held(False, MailMode.IMMEDIATE)


def test_a_periodic_message_is_keyed_by_kind_period_and_person():
    assert once_key("digest.daily", "2026-03-02", 7) == "digest.daily:2026-03-02:7"
    assert once_key("digest.daily", "2026-03-02", 7) != once_key("digest.daily", "2026-03-03", 7)

"""The pure account rules and the argon2id hasher, without an application."""


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

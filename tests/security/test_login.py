"""Finding 3: strangers could lock users out. Throttling is per account-and-address and per account, with
exponential backoff; failures for other accounts from the same address never refuse a correct password."""

from __future__ import annotations

import datetime as dt

from tests.security.conftest import API, PASSWORD

from wsis.registry import throttle
from wsis.registry.models import LoginAttempt, utcnow


def _login(http, email, password, address=None):
    headers = {"X-Forwarded-For": address} if address else {}
    return http.post(f"{API}/auth/login", json={"email": email, "password": password}, headers=headers)


def test_a_strangers_100_failures_from_the_same_address_do_not_stop_a_real_user(http, reg, users):
    for i in range(100):
        r = _login(http, f"made-up-{i}@example.org", "not-the-password")
        assert r.status_code in (401, 429), r.text
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1  # the address is slowed down...
    r = _login(http, "alice@example.org", PASSWORD)
    assert r.status_code == 200, r.text  # ...but the real user, with the right password, gets in


def test_wrong_passwords_from_a_stranger_do_not_lock_the_admin(http, reg, users):
    free = reg.settings.login_free_attempts
    for _ in range(free * 2):
        r = _login(http, "admin@example.org", "guessing-wrong", address="203.0.113.66")
    assert r.status_code == 429 and "retry-after" in r.headers  # the guesser waits
    assert r.headers["content-type"].startswith("application/problem+json")
    assert _login(http, "admin@example.org", PASSWORD, address="198.51.100.7").status_code == 200


def test_the_same_account_and_address_waits_before_its_password_is_checked(http, reg, users):
    for _ in range(reg.settings.login_free_attempts):
        assert _login(http, "bob@example.org", "wrong-password", address="192.0.2.9").status_code == 401
    r = _login(http, "bob@example.org", PASSWORD, address="192.0.2.9")
    assert r.status_code == 429 and r.json()["retry_after"] >= 1


def test_backoff_doubles_and_expires(reg, users):
    """The wait grows 1x, 2x, 4x the base per further failure, capped; once it has passed, a try is allowed."""
    s = reg.settings
    free, base = s.login_free_attempts, s.login_backoff_base
    assert [throttle.backoff(free - 1 + n, free, s) for n in range(4)] == [0.0, base, 2 * base, 4 * base]
    assert throttle.backoff(free + 60, free, s) == s.login_backoff_max
    keys = throttle.keys_for("bob@example.org", "192.0.2.10")

    def fail(n, seconds_ago):
        at = utcnow() - dt.timedelta(seconds=seconds_ago)
        reg.write(lambda x: x.add_all([LoginAttempt(key=keys.pair, ok=False, at=at) for _ in range(n)]))

    fail(free, base + 5)  # the first backoff (base seconds) has passed
    with reg.read() as x:
        assert throttle.wait_before_check(x, keys, s) == 0
    fail(1, base + 5)  # one more failure: the wait doubles, and has not passed yet
    with reg.read() as x:
        assert 0 < throttle.wait_before_check(x, keys, s) <= base


def test_a_known_address_is_not_slowed_by_failures_elsewhere(http, reg, users):
    assert _login(http, "alice@example.org", PASSWORD, address="198.51.100.20").status_code == 200
    for i in range(reg.settings.login_free_attempts * 5):  # a distributed guess from many addresses
        _login(http, "alice@example.org", "wrong-password", address=f"203.0.113.{i + 1}")
    assert _login(http, "alice@example.org", PASSWORD, address="198.51.100.20").status_code == 200


def test_the_login_page_says_when_to_try_again(http, reg, users):
    page = http.get("/registry/login")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    for _ in range(reg.settings.login_free_attempts + 1):
        r = http.post("/registry/login", data={"email": "bob@example.org", "password": "wrong-password",
                                               "csrf_token": csrf}, headers={"X-Forwarded-For": "192.0.2.77"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert "try again in" in r.text

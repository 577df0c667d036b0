"""Login throttling that strangers cannot turn against users.

Every attempt is recorded under three keys in ``login_attempts``:

* ``pair:<account, address>`` — one account from one address. After ``login_free_attempts`` failures in a
  row the next try must wait ``base``, then ``2 x base``, ``4 x base``... up to ``login_backoff_max``
  (exponential backoff, never a flat lock). Checked *before* the password.
* ``acct:<account>`` — one account from every address (a distributed guess). Backoff after four times the
  free attempts, but an address that logged into the account successfully in the last 30 days is exempt,
  so a stranger cannot keep the owner out.
* ``ip:<address>`` — every account from one address (password spraying). Past four times the free
  attempts in an hour, a *wrong* password is answered 429 with ``Retry-After``; a correct password still
  logs in, because failures for other accounts from the same address (a shared NAT, a proxy) must never
  refuse a real user.

A success resets the consecutive-failure counts of its pair and account keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from wsis.registry.models import LoginAttempt, utcnow
from wsis.settings import Settings

KNOWN_ADDRESS_DAYS = 30
ADDRESS_WINDOW = dt.timedelta(hours=1)
HISTORY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Keys:
    """The three throttling keys of one login attempt."""

    pair: str
    account: str
    address: str

    def all(self) -> tuple[str, str, str]:
        """Every key, in recording order."""
        return self.pair, self.account, self.address


def keys_for(email: str, address: str) -> Keys:
    """Throttling keys of ``email`` tried from ``address`` (hashed where they could pass the column size)."""
    pair = hashlib.sha256(f"{email}\x00{address}".encode()).hexdigest()
    return Keys(f"pair:{pair}", f"acct:{email}"[:300], f"ip:{address}"[:300])


def backoff(failures: int, free: int, settings: Settings) -> float:
    """Seconds to wait after ``failures`` consecutive failures (0 while within the free attempts)."""
    if failures < free:
        return 0.0
    return min(settings.login_backoff_max, settings.login_backoff_base * 2.0 ** min(failures - free, 40))


def _streak(s: Session, key: str, since: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Consecutive failures of ``key`` since its last success (or ``since``), and the newest one's time."""
    last_ok = s.scalar(select(func.max(LoginAttempt.at)).where(LoginAttempt.key == key, LoginAttempt.ok.is_(True)))
    start = max(since, last_ok) if last_ok else since
    n, newest = s.execute(select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.key == key, LoginAttempt.ok.is_(False), LoginAttempt.at > start)).one()
    return int(n or 0), newest


def _remaining(newest: dt.datetime | None, delay: float, now: dt.datetime) -> float:
    if not delay or newest is None:
        return 0.0
    return max(0.0, (newest + dt.timedelta(seconds=delay) - now).total_seconds())


def wait_before_check(s: Session, k: Keys, settings: Settings, now: dt.datetime | None = None) -> float:
    """Seconds this account-and-address must still wait before its password is even checked."""
    now = now or utcnow()
    free = settings.login_free_attempts
    n, newest = _streak(s, k.pair, now - HISTORY)
    wait = _remaining(newest, backoff(n, free, settings), now)
    known = s.scalar(select(LoginAttempt.id).where(
        LoginAttempt.key == k.pair, LoginAttempt.ok.is_(True),
        LoginAttempt.at >= now - dt.timedelta(days=KNOWN_ADDRESS_DAYS)).limit(1)) is not None
    if not known:
        n, newest = _streak(s, k.account, now - HISTORY)
        wait = max(wait, _remaining(newest, backoff(n, 4 * free, settings), now))
    return wait


def address_wait(s: Session, k: Keys, settings: Settings, now: dt.datetime | None = None) -> float:
    """Seconds a *wrong* password from this address is answered 429 (failures over every account)."""
    now = now or utcnow()
    n, newest = s.execute(select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.key == k.address, LoginAttempt.ok.is_(False), LoginAttempt.at > now - ADDRESS_WINDOW)).one()
    return _remaining(newest, backoff(int(n or 0), 4 * settings.login_free_attempts, settings), now)


def record(s: Session, k: Keys, ok: bool) -> None:
    """Store one attempt under every key, and forget old ones (failures after a day, successes after 30)."""
    now = utcnow()
    s.execute(delete(LoginAttempt).where(
        ((LoginAttempt.ok.is_(False)) & (LoginAttempt.at < now - HISTORY))
        | (LoginAttempt.at < now - dt.timedelta(days=KNOWN_ADDRESS_DAYS))))
    for key in k.all():
        s.add(LoginAttempt(key=key, ok=ok, at=now))

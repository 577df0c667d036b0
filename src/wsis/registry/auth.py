"""Accounts: argon2 passwords, server-side sessions, CSRF tokens, scoped API tokens, login rate limits."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import logging
import math
import os
import re
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wsis.errors import WsisError
from wsis.registry import throttle
from wsis.registry.common import record
from wsis.registry.db import Registry
from wsis.registry.models import ApiToken, User, WebSession, utcnow
from wsis.registry.policy import ROLE_RANK, ROLE_SCOPES, SCOPES, Actor, require, session_actor, token_actor
from wsis.settings import Settings

SESSION_HOURS = 12
_EPHEMERAL: list[bytes] = []  # the fallback key of this process (read-only home)
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("not-a-real-password")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}$")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def secret_key(settings: Settings) -> bytes:
    """The signing key: ``WSIS_SECRET_KEY``, else a random key kept in ``{home}/secret_key`` (mode 0600 from
    the start). When the home cannot be written, a key for this process only is used (logged once)."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = Path(settings.home) / "secret_key"
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".secret_key.{secrets.token_hex(4)}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
            with contextlib.suppress(FileExistsError):
                path.hardlink_to(tmp)  # first writer wins, never overwritten
            tmp.unlink()
        return path.read_text().strip().encode()
    except OSError as exc:
        if not _EPHEMERAL:
            _EPHEMERAL.append(secrets.token_bytes(32))
            logging.getLogger("wsis.registry").warning(
                "cannot create %s (%s): using a per-process key; set WSIS_SECRET_KEY", path, exc.strerror)
        return _EPHEMERAL[0]


def hash_password(password: str) -> str:
    """argon2id hash of ``password``."""
    return _HASHER.hash(password)


def _check_password(password: str) -> None:
    if len(password) < 10 or len(password) > 1024:
        raise WsisError("weak-password", "password must have 10 to 1024 characters", column="password",
                        expected="10 to 1024 characters", status=422)


def create_user(reg: Registry, actor: Actor, email: str, password: str, role: str = "contributor",
                name: str = "", organisation: str = "") -> dict:
    """Create an account (admins and the CLI only)."""
    require(actor, "user.manage")
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise WsisError("bad-email", "not an e-mail address", column="email", expected="name@example.org",
                        status=422)
    if role not in ROLE_RANK:
        raise WsisError("bad-role", f"unknown role {role!r}", column="role", expected=", ".join(ROLE_RANK),
                        status=422)
    _check_password(password)
    pw_hash = hash_password(password)

    def txn(s: Session) -> dict:
        if s.scalar(select(User.id).where(User.email == email)) is not None:
            raise WsisError("user-exists", f"an account for {email} already exists", column="email", status=409)
        user = User(email=email, name=name, password_hash=pw_hash, role=role, organisation=organisation[:300])
        s.add(user)
        s.flush()
        record(s, "user", user.id, 1, "create", actor, {"email": email, "role": role})
        return {"id": user.id, "email": user.email, "role": user.role, "name": user.name,
                "organisation": user.organisation}

    return reg.write(txn)


def login(reg: Registry, email: str, password: str, client_ip: str = "") -> tuple[str, str, Actor]:
    """Check a password and open a session: returns (cookie token, CSRF token, actor).

    Throttled per account and per address with exponential backoff (see :mod:`wsis.registry.throttle`):
    429 with ``retry_after`` while an account-and-address must wait; failures for other accounts from the
    same address never refuse a correct password.
    """
    email = (email or "").strip().lower()[:254]
    keys = throttle.keys_for(email, client_ip)
    settings = reg.settings
    with reg.read() as s:
        wait = throttle.wait_before_check(s, keys, settings)
        user = s.scalar(select(User).where(User.email == email))
    if wait > 0:
        raise _too_many(wait)
    ok = False
    try:
        ok = _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password or "") and bool(user)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.is_active
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)

    def txn(s: Session) -> float:
        throttle.record(s, keys, ok)
        if ok:
            s.add(WebSession(id=_sha(token), user_id=user.id, csrf_secret=csrf,
                             expires_at=utcnow() + dt.timedelta(hours=SESSION_HOURS)))
            return 0.0
        return throttle.address_wait(s, keys, settings)

    address_wait = reg.write(txn)
    if not ok:
        if address_wait > 0:
            raise _too_many(address_wait)
        raise WsisError("bad-credentials", "e-mail or password is wrong", status=401)
    return token, csrf, session_actor(user.id, user.role)


def _too_many(wait: float) -> WsisError:
    seconds = max(1, math.ceil(wait))
    return WsisError("too-many-attempts", f"too many failed logins; try again in {seconds} s", status=429,
                     extra={"retry_after": seconds})


def resolve_session(reg: Registry, token: str | None) -> tuple[Actor, str] | None:
    """The actor and CSRF token of a live session cookie, or None."""
    if not token or len(token) > 200:
        return None
    with reg.read() as s:
        row = s.execute(select(WebSession, User).join(User, User.id == WebSession.user_id)
                        .where(WebSession.id == _sha(token))).first()
    if row is None or row[0].expires_at < utcnow() or not row[1].is_active:
        return None
    return session_actor(row[1].id, row[1].role), row[0].csrf_secret


def logout(reg: Registry, token: str | None) -> None:
    """End a session (no error if it is already gone)."""
    if token:
        reg.write(lambda s: s.execute(delete(WebSession).where(WebSession.id == _sha(token))))


def check_csrf(expected: str | None, given: str | None) -> None:
    """Raise 403 unless the submitted CSRF token matches."""
    if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise WsisError("csrf", "missing or wrong CSRF token; reload the form and submit again", status=403,
                        column="csrf_token")


def anonymous_csrf(settings: Settings, cookie_value: str) -> str:
    """CSRF token for forms shown before login (bound to a random pre-session cookie)."""
    return hmac.new(secret_key(settings), cookie_value.encode(), hashlib.sha256).hexdigest()


def create_token(reg: Registry, actor: Actor, name: str, scopes: list[str], days: int | None = 365) -> str:
    """Issue an API token for the calling user; scopes are capped by the user's role. Returns it once."""
    require(actor, "token.create")
    if actor.via == "token" or actor.user_id is None:
        raise WsisError("forbidden", "API tokens are created from a logged-in session", status=403)
    bad = [sc for sc in scopes if sc not in SCOPES]
    if bad or not scopes:
        raise WsisError("bad-scope", f"unknown scope {bad[:1] or scopes!r}", column="scopes",
                        expected=", ".join(SCOPES), status=422)
    over = set(scopes) - ROLE_SCOPES[actor.role or "contributor"]
    if over:
        raise WsisError("forbidden", f"your role cannot grant scope {sorted(over)[0]!r}", status=403)
    token = "wsis_" + secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(days=days) if days else None
    reg.write(lambda s: s.add(ApiToken(user_id=actor.user_id, name=name[:100], token_hash=_sha(token),
                                       scopes=" ".join(sorted(set(scopes))), expires_at=expires)))
    return token


def resolve_token(reg: Registry, token: str | None) -> Actor | None:
    """The actor of a valid, unrevoked, unexpired API token, or None."""
    if not token or len(token) > 200:
        return None
    with reg.read() as s:
        row = s.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                        .where(ApiToken.token_hash == _sha(token))).first()
    if row is None:
        return None
    tok, user = row
    if tok.revoked_at or (tok.expires_at and tok.expires_at < utcnow()) or not user.is_active:
        return None
    return token_actor(user.id, user.role, set(tok.scopes.split()))

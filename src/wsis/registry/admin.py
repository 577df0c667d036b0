"""Account management for admins: list accounts, disable or enable one, set its role, revoke its API
tokens. Every change is written to the audit trail (``versions``, entity type ``user``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from wsis.errors import WsisError
from wsis.registry.common import iso, record
from wsis.registry.db import Registry
from wsis.registry.models import ApiToken, User, Version, WebSession, utcnow
from wsis.registry.policy import ROLE_RANK, Actor, require


def _user(s: Session, ident: int | str) -> User:
    """An account by id or e-mail (404 when there is none)."""
    if isinstance(ident, int) or str(ident).isdigit():
        user = s.get(User, int(ident)) if int(ident) < 2**31 else None
    else:
        user = s.scalar(select(User).where(User.email == str(ident).strip().lower()))
    if user is None:
        raise WsisError("not-found", f"no account {str(ident)[:254]}", column="user", status=404,
                        expected="an existing e-mail or account id")
    return user


def _audit(s: Session, actor: Actor, user: User, action: str, data: dict[str, Any]) -> None:
    n = s.scalar(select(func.count()).select_from(Version).where(Version.entity_type == "user",
                                                                Version.entity_id == user.id)) or 0
    record(s, "user", user.id, n + 1, action, actor, {"email": user.email, **data})


def user_dict(user: User, tokens: int = 0) -> dict[str, Any]:
    """What an admin sees of an account (never the password hash)."""
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role, "active": user.is_active,
            "organisation": user.organisation, "created_at": iso(user.created_at), "live_tokens": tokens}


def list_users(reg: Registry, actor: Actor) -> list[dict[str, Any]]:
    """Every account with its number of live API tokens (admins)."""
    require(actor, "user.manage")
    now = utcnow()
    with reg.read() as s:
        live = dict(s.execute(select(ApiToken.user_id, func.count()).where(
            ApiToken.revoked_at.is_(None), (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now))
            .group_by(ApiToken.user_id)).all())
        return [user_dict(u, live.get(u.id, 0)) for u in s.scalars(select(User).order_by(User.id))]


def _no_self_lockout(actor: Actor, user: User) -> None:
    if actor.via != "system" and actor.user_id == user.id:
        raise WsisError("forbidden", "admins cannot disable or demote themselves", status=403,
                        hint="ask another admin, or use the 'wsis registry user' command")


def set_active(reg: Registry, actor: Actor, ident: int | str, active: bool) -> dict[str, Any]:
    """Disable (or enable again) an account; disabling ends its sessions and stops its tokens at once."""
    require(actor, "user.manage")

    def txn(s: Session) -> dict[str, Any]:
        user = _user(s, ident)
        if not active:
            _no_self_lockout(actor, user)
            s.execute(delete(WebSession).where(WebSession.user_id == user.id))
        user.is_active = active
        _audit(s, actor, user, "enable" if active else "disable", {"active": active})
        return user_dict(user)

    return reg.write(txn)


def set_role(reg: Registry, actor: Actor, ident: int | str, role: str) -> dict[str, Any]:
    """Set an account's role (contributor, moderator, admin); its sessions start again with the new role."""
    require(actor, "user.manage")
    if role not in ROLE_RANK:
        raise WsisError("bad-role", f"unknown role {role[:40]!r}", column="role", expected=", ".join(ROLE_RANK),
                        status=422)

    def txn(s: Session) -> dict[str, Any]:
        user = _user(s, ident)
        if ROLE_RANK[role] < ROLE_RANK[user.role]:
            _no_self_lockout(actor, user)
        before = user.role
        user.role = role
        s.execute(delete(WebSession).where(WebSession.user_id == user.id))
        _audit(s, actor, user, "role", {"from": before, "to": role})
        return user_dict(user)

    return reg.write(txn)


def list_tokens(reg: Registry, actor: Actor, ident: int | str) -> list[dict[str, Any]]:
    """An account's API tokens (never the token itself)."""
    require(actor, "user.manage")
    with reg.read() as s:
        user = _user(s, ident)
        rows = s.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
        return [{"id": t.id, "name": t.name, "scopes": t.scopes.split(), "created_at": iso(t.created_at),
                 "expires_at": iso(t.expires_at), "revoked_at": iso(t.revoked_at)} for t in rows]


def revoke_tokens(reg: Registry, actor: Actor, ident: int | str, token_id: int | None = None) -> dict[str, Any]:
    """Revoke one API token of an account, or all of them (``token_id`` None)."""
    require(actor, "user.manage")

    def txn(s: Session) -> dict[str, Any]:
        user = _user(s, ident)
        cond = (ApiToken.user_id == user.id) & ApiToken.revoked_at.is_(None)
        if token_id is not None:
            cond = cond & (ApiToken.id == token_id)
        n = s.execute(update(ApiToken).where(cond).values(revoked_at=utcnow())).rowcount or 0
        if token_id is not None and n == 0:
            raise WsisError("not-found", f"no live token {token_id} for {user.email}", column="token", status=404)
        _audit(s, actor, user, "revoke-tokens", {"token_id": token_id, "revoked": n})
        return {"user": user.email, "revoked": n}

    return reg.write(txn)

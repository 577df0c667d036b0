"""Who may do what. Every service function calls :func:`require` before it reads or writes.

Roles are ranked contributor < moderator < admin. An API token carries scopes (``read``, ``submit``,
``moderate``, ``admin``) that can only narrow what its user's role allows; a browser session has every scope
of its role. Some actions are allowed to an entry's owner, or else need a higher role.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wsis.errors import WsisError

ROLE_RANK = {"contributor": 1, "moderator": 2, "admin": 3}
SCOPES = ("read", "submit", "moderate", "admin")
ROLE_SCOPES = {"contributor": {"read", "submit"}, "moderator": {"read", "submit", "moderate"},
               "admin": set(SCOPES)}

# action -> (lowest role, scope needed, role that may act on other people's entries or None)
ACTIONS: dict[str, tuple[str, str, str | None]] = {
    "initiative.submit": ("contributor", "submit", None),
    "initiative.edit": ("contributor", "submit", "moderator"),
    "initiative.delete": ("contributor", "submit", "admin"),
    "initiative.history": ("contributor", "read", "moderator"),
    "initiative.view_unpublished": ("contributor", "read", "moderator"),
    "initiative.moderate": ("moderator", "moderate", None),
    "commitment.submit": ("contributor", "submit", None),
    "commitment.edit": ("contributor", "submit", "moderator"),
    "commitment.delete": ("contributor", "submit", "admin"),
    "commitment.report": ("contributor", "submit", "moderator"),
    "commitment.view_unpublished": ("contributor", "read", "moderator"),
    "commitment.moderate": ("moderator", "moderate", None),
    "moderation.queue": ("moderator", "moderate", None),
    "duplicates.check": ("contributor", "read", None),
    "roadmap.edit": ("moderator", "moderate", None),
    "deliverable.edit": ("moderator", "moderate", None),
    "data.import": ("moderator", "moderate", None),
    "data.backup": ("admin", "admin", None),
    "user.manage": ("admin", "admin", None),
    "token.create": ("contributor", "read", None),
}


@dataclass(frozen=True)
class Actor:
    """Who is calling: a user (via session or token), the anonymous public, or the local system (CLI)."""

    user_id: int | None = None
    role: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    via: str = "anonymous"

    @property
    def authenticated(self) -> bool:
        """True for a logged-in user or the system."""
        return self.role is not None

    def at_least(self, role: str) -> bool:
        """True when the actor's role ranks at least ``role`` (the system ranks above everyone)."""
        if self.via == "system":
            return True
        return self.role is not None and ROLE_RANK[self.role] >= ROLE_RANK[role]


ANONYMOUS = Actor()
SYSTEM = Actor(user_id=None, role="admin", scopes=frozenset(SCOPES), via="system")


def session_actor(user_id: int, role: str) -> Actor:
    """Actor of a browser session: every scope of the role."""
    return Actor(user_id=user_id, role=role, scopes=frozenset(ROLE_SCOPES[role]), via="session")


def token_actor(user_id: int, role: str, scopes: set[str]) -> Actor:
    """Actor of an API token: the token's scopes, capped by the role."""
    return Actor(user_id=user_id, role=role, scopes=frozenset(scopes & ROLE_SCOPES[role]), via="token")


def can(actor: Actor, action: str, owner_id: int | None = None) -> bool:
    """True when ``actor`` may perform ``action`` (on an entry owned by ``owner_id``)."""
    min_role, scope, others_role = ACTIONS[action]
    if not actor.authenticated or not actor.at_least(min_role):
        return False
    if actor.via != "system" and scope not in actor.scopes:
        return False
    if others_role is not None and owner_id is not None and owner_id != actor.user_id:
        return actor.at_least(others_role)
    return True


def require(actor: Actor, action: str, owner_id: int | None = None) -> None:
    """Raise ``WsisError`` 401 (not logged in) or 403 (not allowed) unless ``can(...)``."""
    if action not in ACTIONS:
        raise KeyError(action)
    if not actor.authenticated:
        raise WsisError("login-required", "you must log in to do this", status=401,
                        hint="log in, or send an API token as 'Authorization: Bearer ...'")
    if not can(actor, action, owner_id):
        raise WsisError("forbidden", f"your account may not perform '{action}'", status=403)

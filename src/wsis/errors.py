"""The one structured error type. Every failure a user can cause is a ``WsisError``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class WsisError(Exception):
    """A user-facing failure: a stable ``code``, a message, where it happened and a hint.

    ``str(err)`` is the one line the CLI prints: ``file:row:col: message (expected ...)``.
    """

    code: str
    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    expected: str | None = None
    hint: str | None = None
    status: int = 400
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def where(self) -> str:
        """``file:row:column`` with the known parts."""
        parts = [p for p in (self.file, None if self.row is None else f"row {self.row}",
                             None if self.column is None else f"column {self.column}") if p]
        return ", ".join(parts)

    def __str__(self) -> str:
        line = self.message
        if self.where:
            line = f"{self.where}: {line}"
        if self.expected:
            line += f" (expected {self.expected})"
        if self.hint:
            line += f"; {self.hint}"
        return " ".join(line.split())  # always one line

    def to_problem(self) -> dict[str, Any]:
        """RFC 9457 problem+json body."""
        body: dict[str, Any] = {
            "type": f"https://wsis-monitor.org/problems/{self.code}",
            "title": self.code.replace("-", " "),
            "status": self.status,
            "detail": str(self),
        }
        for k in ("file", "row", "column", "expected", "hint"):
            if getattr(self, k) is not None:
                body[k] = getattr(self, k)
        return body | self.extra

"""Input models of the registry (pydantic): shapes and bounds. Vocabulary checks live in the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from wsis.registry.texts import merge_texts

Lang = Literal["ar", "en", "es", "fr", "ru", "zh"]
StakeholderGroup = Literal["government", "private_sector", "civil_society", "international_organisation",
                           "technical_community", "academia", "youth"]
ProjectStatus = Literal["planned", "ongoing", "completed", "suspended"]
FinanceType = Literal["grant", "loan", "blended", "in_kind"]
Code = Field(min_length=1, max_length=40)


def _check_strings(value: Any) -> Any:
    """Refuse NUL characters and lone surrogates anywhere in the input (neither database stores them)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("text must be valid Unicode") from exc
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_strings(k)
            _check_strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            _check_strings(v)
    return value


class Strict(BaseModel):
    """Base of every input: unknown fields are refused, text is checked."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _clean(cls, data: Any) -> Any:
        return _check_strings(data)


class TextIn(Strict):
    lang: Lang
    title: str = Field(min_length=3, max_length=300)
    description: str = Field(default="", max_length=20000)


class OrganisationIn(Strict):
    name: str = Field(min_length=2, max_length=300)
    stakeholder_group: StakeholderGroup
    country: str | None = Field(default=None, min_length=3, max_length=3)


class InitiativeIn(Strict):
    """A stocktaking entry as submitted."""

    texts: list[TextIn] = Field(min_length=1, max_length=6)
    organisation: OrganisationIn
    countries: list[str] = Field(default_factory=list, max_length=300)
    action_lines: list[str] = Field(default_factory=list, max_length=30)
    sdg_targets: list[str] = Field(default_factory=list, max_length=200)
    gdc_objectives: list[str] = Field(default_factory=list, max_length=5)
    groups: list[str] = Field(default_factory=list, max_length=10)
    paragraphs: list[str] = Field(default_factory=list, max_length=130)
    status: ProjectStatus = "ongoing"
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    links: list[str] = Field(default_factory=list, max_length=20)
    contact_name: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=254)
    contact_public: bool = False

    @field_validator("countries", "action_lines", "sdg_targets", "gdc_objectives", "groups", "paragraphs")
    @classmethod
    def _short_codes(cls, v: list[str]) -> list[str]:
        if any(len(c) > 40 for c in v):
            raise ValueError("codes have at most 40 characters")
        return v

    @field_validator("texts")
    @classmethod
    def _one_text_per_lang(cls, v: list[TextIn]) -> list[TextIn]:
        if len({t.lang for t in v}) != len(v):
            raise ValueError("one title/description per language")
        return v


class InitiativePatch(Strict):
    """Fields to change; omitted fields keep their value."""

    texts: list[TextIn] | None = Field(default=None, min_length=1, max_length=6)
    countries: list[str] | None = Field(default=None, max_length=300)
    action_lines: list[str] | None = Field(default=None, max_length=30)
    sdg_targets: list[str] | None = Field(default=None, max_length=200)
    gdc_objectives: list[str] | None = Field(default=None, max_length=5)
    groups: list[str] | None = Field(default=None, max_length=10)
    paragraphs: list[str] | None = Field(default=None, max_length=130)
    status: ProjectStatus | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    links: list[str] | None = Field(default=None, max_length=20)
    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: str | None = Field(default=None, max_length=254)
    contact_public: bool | None = None


class ModerationIn(Strict):
    decision: Literal["approve", "reject"]
    reason: str = Field(default="", max_length=2000)


class CommitmentTextIn(Strict):
    """A commitment's title, description and measurable target in one language."""

    lang: Lang
    title: str = Field(min_length=3, max_length=300)
    description: str = Field(default="", max_length=20000)
    target: str = Field(min_length=3, max_length=2000)


_COMMITMENT_TEXT = ("title", "description", "target")


class CommitmentIn(Strict):
    """A pledge; ``amount``/``currency``/``finance_type``/period make it a financial commitment.

    ``title``/``description``/``target`` are the text in ``lang`` (default 'en'), the commitment's own
    language; ``texts`` adds (or, without ``title``, gives) texts in other languages. The first text's
    language is the commitment's.
    """

    title: str | None = Field(default=None, min_length=3, max_length=300)
    lang: Lang = "en"
    description: str = Field(default="", max_length=20000)
    target: str | None = Field(default=None, min_length=3, max_length=2000)
    texts: list[CommitmentTextIn] = Field(default_factory=list, max_length=6)
    deadline: dt.date
    organisation: OrganisationIn
    initiative_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    indicator_code: str | None = Field(default=None, max_length=60, pattern=r"^[A-Za-z0-9_.\-]+$")
    countries: list[str] = Field(default_factory=list, max_length=300)
    action_lines: list[str] = Field(default_factory=list, max_length=30)
    sdg_targets: list[str] = Field(default_factory=list, max_length=200)
    paragraphs: list[str] = Field(default_factory=list, max_length=130)
    amount: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    finance_type: FinanceType | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    registered_on: dt.date | None = None

    @model_validator(mode="after")
    def _texts(self) -> CommitmentIn:
        if self.title is not None and self.target is None:
            raise ValueError("a target is required with the title (field target)")
        return merge_texts(self, _COMMITMENT_TEXT, CommitmentTextIn)


class CommitmentPatch(Strict):
    """Fields of a commitment to change; omitted fields keep their value.

    ``title``/``description``/``target`` change the text in ``lang`` (default: the commitment's own language;
    a language it has no text in yet needs a title and a target). ``texts``, when given, replaces every text:
    a language left out loses its text (the commitment's own language moves to the first text if its own is
    left out).
    """

    title: str | None = Field(default=None, min_length=3, max_length=300)
    description: str | None = Field(default=None, max_length=20000)
    target: str | None = Field(default=None, min_length=3, max_length=2000)
    lang: Lang | None = None
    texts: list[CommitmentTextIn] | None = Field(default=None, min_length=1, max_length=6)
    deadline: dt.date | None = None
    indicator_code: str | None = Field(default=None, max_length=60, pattern=r"^[A-Za-z0-9_.\-]+$")
    countries: list[str] | None = Field(default=None, max_length=300)
    action_lines: list[str] | None = Field(default=None, max_length=30)
    sdg_targets: list[str] | None = Field(default=None, max_length=200)
    paragraphs: list[str] | None = Field(default=None, max_length=130)

    @model_validator(mode="after")
    def _one_per_language(self) -> CommitmentPatch:
        if self.texts is not None and len({t.lang for t in self.texts}) != len(self.texts):
            raise ValueError("one title per language")
        return self


class ProgressIn(Strict):
    """A progress report; ``disbursed_*`` record what was paid out (amount, ISO 4217 currency, date)."""

    reported_on: dt.date
    summary: str = Field(min_length=3, max_length=20000)
    percent_complete: int | None = Field(default=None, ge=0, le=100)
    disbursed_amount: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    disbursed_currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    disbursed_on: dt.date | None = None


class MilestoneIn(Strict):
    title: str = Field(min_length=3, max_length=300)
    target: str = Field(default="", max_length=2000)
    indicator_codes: list[str] = Field(default_factory=list, max_length=20)
    paragraphs: list[str] = Field(default_factory=list, max_length=130)
    due_date: dt.date | None = None
    status: Literal["planned", "on_track", "at_risk", "done", "missed"] = "planned"


class DeliverablePatch(Strict):
    status: Literal["pending", "in_progress", "delivered", "overdue", "recurring"]


class LoginIn(Strict):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class TokenIn(Strict):
    name: str = Field(default="", max_length=100)
    scopes: list[Literal["read", "submit", "moderate", "admin"]] = Field(min_length=1, max_length=4)
    days: int | None = Field(default=365, ge=1, le=3650)

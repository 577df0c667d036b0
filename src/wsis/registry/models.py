"""SQLAlchemy 2 models of the registry. The schema itself is created by the Alembic migrations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    """Timezone-naive UTC now (stored the same way on SQLite and PostgreSQL)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base of every registry table."""


ROLES = ("contributor", "moderator", "admin")
MODERATION = ("pending", "approved", "rejected")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="contributor")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    organisation: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class WebSession(Base):
    """A server-side login session; the cookie holds a random token, the table its SHA-256."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200), default="read")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    ok: Mapped[bool] = mapped_column(Boolean, default=False)


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("name", "country", name="uq_organisation_name_country"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    stakeholder_group: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(3), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Initiative(Base):
    """A stocktaking entry."""

    __tablename__ = "initiatives"
    __table_args__ = (UniqueConstraint("owner_id", "idempotency_key", name="uq_initiative_idem"),
                      Index("ix_initiative_moderation", "moderation", "deleted_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    moderation: Mapped[str] = mapped_column(String(20), default="pending")
    moderation_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="ongoing")
    start_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    links: Mapped[list] = mapped_column(JSON, default=list)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_public: Mapped[bool] = mapped_column(Boolean, default=False)
    original_lang: Mapped[str] = mapped_column(String(2), default="en")
    version: Mapped[int] = mapped_column(Integer, default=1)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    texts: Mapped[list[InitiativeText]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                       order_by="InitiativeText.lang")


class InitiativeText(Base):
    __tablename__ = "initiative_texts"
    __table_args__ = (UniqueConstraint("initiative_id", "lang", name="uq_initiative_text_lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")


class Tag(Base):
    """A classification of an initiative or commitment: country, action line, SDG target, GDC objective, group."""

    __tablename__ = "tags"
    __table_args__ = (Index("ix_tag_lookup", "kind", "code", "entity_type"),
                      Index("ix_tag_entity", "entity_type", "entity_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40))


class Commitment(Base):
    """A pledge with a measurable target and deadline; financial ones carry amount, currency and type."""

    __tablename__ = "commitments"
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id"), nullable=True, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(Text)
    deadline: Mapped[dt.date] = mapped_column(Date)
    indicator_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    is_financial: Mapped[bool] = mapped_column(Boolean, default=False)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(20, 2), nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    period_start: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    period_end: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    finance_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    original_lang: Mapped[str] = mapped_column(String(2), default="en")
    moderation: Mapped[str] = mapped_column(String(20), default="pending")
    moderation_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    registered_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    reports: Mapped[list[ProgressReport]] = relationship(lazy="selectin", order_by="ProgressReport.reported_on")
    texts: Mapped[list[CommitmentText]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                       order_by="CommitmentText.lang")


class CommitmentText(Base):
    """A commitment's title, description and target in one language (revision 0006_commitment_texts)."""

    __tablename__ = "commitment_texts"
    __table_args__ = (UniqueConstraint("commitment_id", "lang", name="uq_commitment_text_lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(Text)


class ProgressReport(Base):
    __tablename__ = "progress_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reported_on: Mapped[dt.date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    percent_complete: Mapped[int | None] = mapped_column(Integer, nullable=True)
    moderation: Mapped[str] = mapped_column(String(20), default="pending")
    moderation_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # what was paid out since the previous report (para 67); all three or none
    disbursed_amount: Mapped[Decimal | None] = mapped_column(Numeric(20, 2), nullable=True)
    disbursed_currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    disbursed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class RoadMap(Base):
    __tablename__ = "roadmaps"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    facilitator: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    version: Mapped[int] = mapped_column(Integer, default=1)
    milestones: Mapped[list[Milestone]] = relationship(lazy="selectin", order_by="Milestone.due_date",
                                                       cascade="all, delete-orphan")


class Milestone(Base):
    __tablename__ = "milestones"
    id: Mapped[int] = mapped_column(primary_key=True)
    roadmap_id: Mapped[int] = mapped_column(ForeignKey("roadmaps.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    target: Mapped[str] = mapped_column(Text, default="")
    indicator_codes: Mapped[list] = mapped_column(JSON, default=list)
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="planned")


class Deliverable(Base):
    """A dated request of the outcome document (seeded from ``deliverables_index``)."""

    __tablename__ = "deliverables"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(20), unique=True)
    para: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(Text)
    responsible: Mapped[list] = mapped_column(JSON, default=list)
    forum: Mapped[str] = mapped_column(String(200), default="")
    due: Mapped[str] = mapped_column(String(40), default="")
    due_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recurrence: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    version: Mapped[int] = mapped_column(Integer, default=1)


class Version(Base):
    """The audit trail: every change, who made it, when, and the entity's state after it."""

    __tablename__ = "versions"
    __table_args__ = (Index("ix_version_entity", "entity_type", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    data: Mapped[dict] = mapped_column(JSON, default=dict)


class SearchDoc(Base):
    """Search text of a public entry, one row per language (FTS5 / tsvector index kept beside it).

    Exactly one of ``initiative_id``, ``igf_forum_id`` and ``igf_output_id`` is set (revision 0005_igf_texts).
    """

    __tablename__ = "search_docs"
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"),
                                                      nullable=True, index=True)
    igf_forum_id: Mapped[int | None] = mapped_column(ForeignKey("igf_forums.id", ondelete="CASCADE"),
                                                     nullable=True, index=True)
    igf_output_id: Mapped[int | None] = mapped_column(ForeignKey("igf_outputs.id", ondelete="CASCADE"),
                                                      nullable=True, index=True)
    lang: Mapped[str] = mapped_column(String(2))
    body: Mapped[str] = mapped_column(Text)


# Tables in insertion order (backup/restore, export, test cleanup).
TABLES = [User, WebSession, ApiToken, LoginAttempt, Organisation, Initiative, InitiativeText, Tag, Commitment,
          ProgressReport, RoadMap, Milestone, Deliverable, Version, SearchDoc]


IGF_SCOPES = ("national", "regional", "subregional", "youth")
IGF_OUTPUT_KINDS = ("messages", "bpf_report", "pn_report", "dc_output")


class IgfForum(Base):
    """A national, regional, subregional or youth IGF initiative (para 97), moderated like initiatives."""

    __tablename__ = "igf_forums"
    __table_args__ = (Index("ix_igf_forum_moderation", "moderation", "deleted_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(300))  # the name in original_lang (a copy of that text)
    scope: Mapped[str] = mapped_column(String(20))
    countries: Mapped[list] = mapped_column(JSON, default=list)
    year_founded: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    website: Mapped[str] = mapped_column(String(500), default="")
    original_lang: Mapped[str] = mapped_column(String(2), default="en")
    moderation: Mapped[str] = mapped_column(String(20), default="pending")
    moderation_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    texts: Mapped[list[IgfForumText]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                     order_by="IgfForumText.lang")


class IgfOutput(Base):
    """An IGF output: messages, a best-practice-forum or policy-network report, a dynamic-coalition output."""

    __tablename__ = "igf_outputs"
    __table_args__ = (Index("ix_igf_output_moderation", "moderation", "deleted_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(300))  # the title in original_lang (a copy of that text)
    kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    original_lang: Mapped[str] = mapped_column(String(2), default="en")
    moderation: Mapped[str] = mapped_column(String(20), default="pending")
    moderation_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    texts: Mapped[list[IgfOutputText]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                      order_by="IgfOutputText.lang")
    uptakes: Mapped[list[IgfUptake]] = relationship(lazy="selectin", order_by="IgfUptake.id",
                                                    cascade="all, delete-orphan", back_populates="output")


class IgfUptake(Base):
    """A reported use of an IGF output by a UN process, a body or a national policy, with a link."""

    __tablename__ = "igf_uptakes"
    id: Mapped[int] = mapped_column(primary_key=True)
    output_id: Mapped[int] = mapped_column(ForeignKey("igf_outputs.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    used_by: Mapped[str] = mapped_column(String(300))
    used_by_kind: Mapped[str] = mapped_column(String(20))
    link: Mapped[str] = mapped_column(String(500))
    note: Mapped[str] = mapped_column(Text, default="")
    moderation: Mapped[str] = mapped_column(String(20), default="pending")
    moderation_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    output: Mapped[IgfOutput] = relationship(back_populates="uptakes")


class IgfForumText(Base):
    """An IGF initiative's name and description in one language (revision 0005_igf_texts)."""

    __tablename__ = "igf_forum_texts"
    __table_args__ = (UniqueConstraint("forum_id", "lang", name="uq_igf_forum_text_lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("igf_forums.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")


class IgfOutputText(Base):
    """An IGF output's title and description in one language (revision 0005_igf_texts)."""

    __tablename__ = "igf_output_texts"
    __table_args__ = (UniqueConstraint("output_id", "lang", name="uq_igf_output_text_lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    output_id: Mapped[int] = mapped_column(ForeignKey("igf_outputs.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")


# the IGF ecosystem (revisions 0003_igf, 0005_igf_texts); search_docs now refers to IGF rows, so it goes last
TABLES.remove(SearchDoc)  # noqa: E305
TABLES += [IgfForum, IgfOutput, IgfUptake, IgfForumText, IgfOutputText, CommitmentText, SearchDoc]

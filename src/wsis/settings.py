"""The one typed settings object. Every setting comes from here; env prefix ``WSIS_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    # The offline mirror lives beside the checkout (../shared/data) on every machine and in CI.
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        cand = (base / ".." / "shared" / "data").resolve()
        if cand.is_dir():
            return cand
    return (Path.cwd() / "data").resolve()


class Settings(BaseSettings):
    """Runtime configuration. Read from the environment (``WSIS_*``) when constructed, never at import."""

    model_config = SettingsConfigDict(env_prefix="WSIS_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="input data folder or packed mirror")
    home: Path = Field(default=Path("./var"), description="releases, registry and caches")
    registry_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite under home")
    secret_key: str = Field(default="", description="session signing key; generated under home if empty")
    registry_pool_size: int = Field(default=10, ge=1, le=500,
                                    description="PostgreSQL connections one server process holds at most; "
                                    "workers x this must stay below the server's max_connections")
    coverage_threshold: float = Field(default=2 / 3, ge=0, le=1)
    income_classification: str = Field(default="current", pattern="^(current|historical)$")
    host: str = "127.0.0.1"
    port: int = 8000
    proxy_headers: bool = Field(default=False, description="trust X-Forwarded-For/-Proto from the addresses "
                                "in forwarded_allow_ips (set it behind nginx)")
    forwarded_allow_ips: str = Field(default="127.0.0.1", description="comma-separated proxy addresses whose "
                                     "X-Forwarded-* headers are trusted ('*' trusts every address)")
    max_body_bytes: int = Field(default=1_000_000, ge=1_000, le=100_000_000,
                                description="largest JSON or form request body (bytes); larger ones get 413")
    bake: bool = Field(default=True, description="bake ready-made answers in the background after publishing "
                                                 "and when serving a release whose baked store is incomplete")
    warm_selections: bool = Field(default=True, description="after serving an indicator page, build in the "
                                  "background what a new selection of areas on it needs (once per indicator, "
                                  "language and breakdown in each worker)")
    cache_max_bytes: int = Field(default=128_000_000, ge=0, le=16_000_000_000,
                                 description="response cache of one worker, bodies plus gzip copies (bytes)")
    login_free_attempts: int = Field(default=5, ge=1, le=1000,
                                     description="failed logins per account and address before backoff starts")
    login_backoff_base: float = Field(default=30.0, ge=0, le=3600,
                                      description="first login backoff (s); doubles with each further failure")
    login_backoff_max: float = Field(default=900.0, ge=0, le=86400, description="cap on one login backoff (s)")
    deadline_max_years: int = Field(default=15, ge=1, le=100,
                                    description="a commitment deadline lies at most this many years ahead")
    lang_default: str = "en"
    compute_backend: str = Field(default="duckdb", pattern="^(duckdb|pyspark)$")
    impute: str = Field(default="none", pattern="^(none|interpolate|nearest|both)$",
                        description="gap filling of country values before aggregating (flagged OBS_STATUS=E)")
    impute_max_years: int = Field(default=3, ge=0, description="longest gap / distance filled by imputation")
    survey_max_cv: float = 0.30
    survey_min_n: int = 30
    survey_flag_cv: float = 0.15
    survey_flag_n: int = 50
    fetch_timeout: float = 30.0
    fetch_retries: int = 5
    fetch_backoff_base: float = Field(default=1.0, ge=0, description="first retry delay (s); doubles each try")
    fetch_backoff_max: float = Field(default=60.0, ge=0, description="cap on one backoff or Retry-After wait (s)")
    fetch_page_size: int = Field(default=1000, ge=1, description="records per page for paged APIs")
    wb_api_url: str = "https://api.worldbank.org/v2"
    sdg_api_url: str = "https://unstats.un.org/sdgapi/v1/sdg"
    itu_api_url: str = "https://api.datahub.itu.int/v2"
    sdmx_sources: dict[str, str] = Field(default_factory=dict, description="extra SDMX sources: id -> REST URL")

    @property
    def releases_dir(self) -> Path:
        """Folder that holds every published release."""
        return self.home / "releases"

    @property
    def registry_db_url(self) -> str:
        """The registry database URL (SQLite under ``home`` unless ``WSIS_REGISTRY_URL`` is set)."""
        return self.registry_url or f"sqlite:///{(self.home / 'registry.sqlite').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests call ``get_settings.cache_clear()``)."""
    return Settings()

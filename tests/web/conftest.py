"""Web fixtures: one release built from the offline mirror for the session, the app, and a live uvicorn
server on 127.0.0.1 (for the SDMX client, schemathesis, the page-weight test and headless Chromium)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import serve_in_thread

from wsis.build import build_release
from wsis.settings import Settings
from wsis.web.app import create_app


@pytest.fixture(scope="session")
def web_settings(tmp_path_factory, shared_data) -> Settings:
    """Settings whose home holds a release built from the real offline mirror."""
    s = Settings(data_dir=shared_data, home=tmp_path_factory.mktemp("web_home"))
    build_release(s)
    return s


@pytest.fixture(scope="session")
def app(web_settings):
    """The web app bound to the session's release."""
    return create_app(web_settings)


@pytest.fixture(scope="session")
def client(app):
    """An in-process client."""
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def live_server(app):
    """The app served by uvicorn on 127.0.0.1 in a background thread; yields its base URL."""
    with serve_in_thread(app) as url:
        yield url



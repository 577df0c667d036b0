"""Property-based run of the open API against its own OpenAPI document: no 5xx, ever (bounded examples)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error


def test_api_never_answers_5xx(app, client):
    client.get("/api/v1/progress")  # the first full progress assessment takes seconds: compute it once first
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app).exclude(path_regex="^/api/v1/registry")
    ran = []
    for result in schema.get_all_operations():
        op = result.ok()

        @given(case=op.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate(checks=[not_a_server_error])

        check()
        ran.append(op.label)
    assert len(ran) >= 10, ran
    print(f"schemathesis: {len(ran)} operations")

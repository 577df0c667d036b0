"""Property-based API test: Schemathesis generates requests from the registry's OpenAPI document and
no answer may be a 5xx (anonymous and admin callers, bounded number of examples per operation)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wsis.registry import auth

EXAMPLES = 8


def test_no_server_errors(app, reg, users):
    admin_token = auth.create_token(reg, users["admin"][1], "fuzz", ["read", "submit", "moderate", "admin"])
    schema = schemathesis.openapi.from_asgi("/api/v1/registry/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures: list[str] = []
    calls = 0
    for op in operations:
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy(), as_admin=st.booleans())
        def run(case, as_admin):
            nonlocal calls
            headers = {"Authorization": f"Bearer {admin_token}"} if as_admin else {}
            response = case.call(headers=headers)
            calls += 1
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                f"{response.text[:200]}")

        run()
    print(f"schemathesis: {len(operations)} operations, {calls} calls")
    assert calls >= len(operations)
    assert not failures, "\n".join(failures[:10])

"""A bounded schemathesis run over the OpenAPI schema, on SQLite and PostgreSQL, with every check
schemathesis has (server errors, status codes and content types the schema documents, response schemas,
negative data rejected, ...): no failure, and in particular no 5xx.

Driven operation by operation through Hypothesis (schemathesis's lazy pytest fixture loader does not
work with pytest 9); every operation x up to 20 examples, with the right role's token on each call.
"""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from clinwgs.service.app import create_app
from clinwgs.service.auth import ANONYMOUS
from clinwgs.service.reports import publish
from tests.service.service_support import bundle_for, harness_for, make_settings

EXAMPLES_PER_OPERATION = 20
# Every check, with one setting: a request the schema allows may still break a rule the schema cannot
# express (NHS number modulus 11, a birth date in the past, a registered sample, If-Match when amending, no
# NUL character), and the service answers those 400/412/422/428 by design; they count as accepted here.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "428"]
            }
        }
    }
)


def _user_for(method: str, path: str) -> str:
    if path.startswith("/api/audit"):
        return "auditor"
    if method == "GET" or path.startswith(("/api/reports", "/ui")):
        return "checker"
    return "pipeline"


def test_no_server_errors_and_every_check_passes(tmp_path: Path, database_url: str) -> None:
    cfg = make_settings(tmp_path, database_url)
    app = create_app(cfg)
    harness = harness_for(app.state.db, cfg)
    publish(app.state.db, bundle_for(next(iter(harness.samples))), ANONYMOUS)  # one real report to hit
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
    failures: list[str] = []
    calls = 0

    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            # the same examples on every CI run: a landing is never blocked by chance; regressions of what
            # random runs found are pinned as their own tests (test_service_security.py)
            derandomize=True,
        )
        def check(case: schemathesis.Case) -> None:
            nonlocal calls
            user = harness.tokens[_user_for(case.method.upper(), case.path)]
            headers = {"Authorization": f"Bearer {user}"}
            response = case.call(headers=headers)
            calls += 1
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
                )
            try:
                case.validate_response(response, headers=headers)
            except AssertionError as failure:  # schemathesis's failures (all checks) are AssertionErrors
                failures.append(f"{case.method} {case.formatted_path}: {str(failure)[:400]}")

        check()
    app.state.db.engine.dispose()
    assert calls >= 100, calls
    assert failures == []

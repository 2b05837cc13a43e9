"""schemathesis against /api/v1/openapi.json, through the WSGI app, on the demo's story.

Every documented operation is called with data generated from its parameters' schemas
(deterministic: derandomized, a fixed number of examples, no deadline); every answer
must not be a server error, must use a documented status code and content type, and
must conform to its documented schema.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = 25
# The demo's rows have small ids: every detail operation meets found rows and 404s.
KNOWN_IDS = st.one_of(st.none(), st.integers(min_value=1, max_value=15))


def test_every_operation_conforms_to_the_document(app, seeded):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    documented = {f"GET {path}" for path in schema.raw_schema["paths"]}
    # schemathesis leaves out the document's own address; every other operation is run.
    assert {o.label for o in operations} == documented - {"GET /api/v1/openapi.json"}
    assert len(operations) >= 13
    called: dict[str, int] = {}

    def run(operation) -> None:
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(), known=KNOWN_IDS)
        def check(case, known):
            if case.path_parameters and known is not None:
                # Half the time an id the demo holds, so found rows are checked too.
                case.path_parameters = dict.fromkeys(case.path_parameters, known)
            case.call_and_validate(checks=CHECKS)
            called[operation.label] = called.get(operation.label, 0) + 1

        check()

    for operation in operations:
        run(operation)
    assert set(called) == {operation.label for operation in operations}
    print(f"schemathesis: {len(operations)} operations, {sum(called.values())} calls, "
          "all conform")

"""Schemathesis hooks for the schemathesis step of .ci/run (SCHEMATHESIS_HOOKS).

A create replayed with an `Idempotency-Key` used before returns the first
response, for 30 days, even when the record it created was deleted since (the
contract of docs/sync-guide.md). Schemathesis draws short keys such as "0" over
and over, for identical minimal bodies, so its stateful phase would replay a
create whose record a DELETE before removed and then find that id gone. Each
request that carries a well-formed key gets a fresh one just before it is sent;
a malformed key (the server's rule: 1 to 200 visible ASCII characters) is left
as drawn, so that its refusal is still checked.
"""

import uuid

import schemathesis

HEADER = "Idempotency-Key"


def well_formed(key: str) -> bool:
    return 1 <= len(key) <= 200 and all("!" <= c <= "~" for c in key)


@schemathesis.hook
def before_call(ctx, case, kwargs):
    headers = case.headers or {}
    name = next((name for name in headers if name.lower() == HEADER.lower()), None)
    if name is not None and isinstance(headers[name], str) and well_formed(headers[name]):
        headers[name] = str(uuid.uuid4())

#!/usr/bin/env python3
"""Times the door-to-door batch sync: a 500-visit batch of new visits, and the
replay of the same batch (all duplicates), against a running server.

Usage: batch_sync.py BASE_URL ADMIN_EMAIL ADMIN_PASSWORD [ROUNDS]
Prints one JSON object: per kind, the sample count and p50/p95/max in ms.
"""
import json
import sys
import time
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

BASE, EMAIL, PASSWORD = sys.argv[1], sys.argv[2], sys.argv[3]
ROUNDS = int(sys.argv[4]) if len(sys.argv) > 4 else 20
STOPS = 500


def call(method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


def percentile(samples, share):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


token = call("POST", "/api/v1/auth/login", {"email": EMAIL, "password": PASSWORD})["access_token"]
locality = call("POST", "/api/v1/localities", {"branch": "KZ-71", "kind": "district", "name": {"kk": "Бенч", "ru": "Бенч"}}, token)
sync, replay = [], []
for round_number in range(ROUNDS):
    stops = [{"street": "Абай даңғылы", "building": str(n + 1), "doors": 60} for n in range(STOPS)]
    route = call("POST", "/api/v1/routes", {"locality_id": locality["id"], "name": f"bench {round_number}", "stops": stops}, token)
    at = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
    visits = [
        {"id": str(uuid.uuid4()), "stop_id": stop["id"], "visited_at": at, "doors_knocked": 20, "conversations": 8,
         "not_at_home": 10, "refused": 2, "materials_left": 12, "questions": ["voting_procedure"],
         "note": "Подъезд закрыт, код 12"}
        for stop in route["stops"]
    ]
    path = f"/api/v1/routes/{route['id']}/visits:batch"
    for samples, expected in ((sync, "created"), (replay, "duplicates")):
        started = time.perf_counter()
        result = call("POST", path, {"visits": visits}, token)
        samples.append((time.perf_counter() - started) * 1000)
        assert result[expected] == STOPS, result

summary = {
    kind: {"samples": len(samples), "p50_ms": round(percentile(samples, 0.5), 1), "p95_ms": round(percentile(samples, 0.95), 1),
           "max_ms": round(max(samples), 1)}
    for kind, samples in (("sync_500_new", sync), ("replay_500_duplicates", replay))
}
print(json.dumps(summary))

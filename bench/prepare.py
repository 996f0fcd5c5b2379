#!/usr/bin/env python3
"""What bench/run needs before the wrk scenarios that wrk cannot set up itself.

  prepare.py volunteers API BRANCHES PASSWORD OUT
      Signs in the demo volunteer accounts volunteer.<branch>.<n>@demo.outreach.kz
      (n = 1..5 per branch of the BRANCHES file) and writes "BRANCH TOKEN" lines
      to OUT. If the first account does not exist (a seed without volunteer
      accounts) it says so, writes an empty OUT and exits 0.

  prepare.py routes API TOKENS COUNT OUT REPLAY_DIR
      As the coordinators of TOKENS ("BRANCH TOKEN" lines), round robin over
      the branches, creates COUNT routes of 500 stops in a locality of the
      branch, syncs one batch of 500 new visits to each (the body the replay
      scenario re-sends, written to REPLAY_DIR/<route id>.json) and writes
      "BRANCH ROUTE_ID VISITED_AT STOP_ID,..." lines to OUT for bench/lua/sync.lua.

  prepare.py materials API TOKENS OUT
      As the coordinators of TOKENS, stocks their branches with the first material
      of the catalogue (seed-demo fills it): adjustments of +1,000,000, enough for
      thousands of 500-visit batches handing out 12 each. Writes the material's id
      to OUT (bench/lua/sync.lua's BENCH_MATERIAL_FILE).

Each login carries its own X-Forwarded-For (the benchmark's server trusts
127.0.0.1 as a proxy), so these sign-ins do not count against the address of
the login scenarios.
"""
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone

STOPS = 500
DOMAIN = "demo.outreach.kz"
PER_BRANCH = 5


def call(base, method, path, body=None, token=None, forwarded_for=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", "Bearer " + token)
    if forwarded_for:
        request.add_header("x-forwarded-for", forwarded_for)
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read() or b"null")


def pairs(path):
    with open(path) as file:
        return [line.split() for line in file if line.strip()]


def volunteers(base, branches_path, password, out):
    with open(branches_path) as file:
        branches = [line.strip() for line in file if line.strip()]
    lines, missing = [], []
    for index, branch in enumerate(branches):
        for n in range(1, PER_BRANCH + 1):
            email = f"volunteer.{branch.lower()}.{n}@{DOMAIN}"
            try:
                token = call(base, "POST", "/api/v1/auth/login", {"email": email, "password": password},
                             forwarded_for=f"10.254.{index}.{n}")["access_token"]
            except urllib.error.HTTPError as err:
                if err.code not in (400, 401, 403, 404):
                    raise
                missing.append(email)
                if index == 0 and n == 1:
                    print(f"prepare: {email} cannot sign in (HTTP {err.code}): this seed has no demo volunteer "
                          "accounts; the volunteer_schedule scenario is skipped", file=sys.stderr)
                    open(out, "w").close()
                    return
                continue
            lines.append(f"{branch} {token}")
    with open(out, "w") as file:
        file.write("".join(line + "\n" for line in lines))
    print(f"prepare: {len(lines)} volunteer accounts signed in"
          + (f", {len(missing)} missing (e.g. {missing[0]})" if missing else ""), file=sys.stderr)


def visit_tail(stop_id, at):
    return {"stop_id": stop_id, "visited_at": at, "doors_knocked": 20, "conversations": 8, "not_at_home": 10,
            "refused": 2, "materials_left": 12, "questions": ["voting_procedure"], "note": "Подъезд закрыт, код 12"}


def routes(base, tokens_path, count, out, replay_dir):
    tokens = pairs(tokens_path)
    localities = {}
    created = []
    started = time.monotonic()
    for number in range(count):
        branch, token = tokens[number % len(tokens)]
        if branch not in localities:
            page = call(base, "GET", f"/api/v1/localities?branch={branch}&limit=1", token=token)
            if not page["items"]:
                raise SystemExit(f"prepare: branch {branch} has no locality to put a route in")
            localities[branch] = page["items"][0]["id"]
        stops = [{"street": "Абай даңғылы", "building": str(n + 1), "doors": 60} for n in range(STOPS)]
        route = call(base, "POST", "/api/v1/routes",
                     {"locality_id": localities[branch], "name": f"bench sync {number + 1}", "stops": stops}, token)
        created.append((branch, token, route))
    # After every route's creation and not in the future: valid for all of them.
    at = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    lines = []
    for branch, token, route in created:
        stop_ids = [stop["id"] for stop in route["stops"]]
        body = {"visits": [{"id": str(uuid.uuid4()), **visit_tail(stop, at)} for stop in stop_ids]}
        result = call(base, "POST", f"/api/v1/routes/{route['id']}/visits:batch", body, token)
        if result["created"] != STOPS:
            raise SystemExit(f"prepare: the first sync of route {route['id']} created {result['created']} visits, "
                             f"rejected {result['rejected']}: {json.dumps(result['items'][:2], ensure_ascii=False)}")
        with open(f"{replay_dir}/{route['id']}.json", "w") as file:
            json.dump(body, file, ensure_ascii=False, separators=(",", ":"))
        lines.append(f"{branch} {route['id']} {at} {','.join(stop_ids)}")
    with open(out, "w") as file:
        file.write("".join(line + "\n" for line in lines))
    print(f"prepare: {count} routes of {STOPS} stops created and synced once in "
          f"{time.monotonic() - started:.1f} s", file=sys.stderr)


STOCK_ADJUSTMENTS = 10


def materials(base, tokens_path, out):
    tokens = pairs(tokens_path)
    if not tokens:
        raise SystemExit("prepare: no coordinator tokens to stock the branches with")
    page = call(base, "GET", "/api/v1/materials?limit=1", token=tokens[0][1])
    if not page["items"]:
        raise SystemExit("prepare: the catalogue is empty (seed-demo fills it)")
    material = page["items"][0]["id"]
    for branch, token in tokens:
        for _ in range(STOCK_ADJUSTMENTS):
            call(base, "POST", "/api/v1/stock-movements",
                 {"kind": "adjustment", "material_id": material, "direction": "increase", "quantity": 1_000_000,
                  "reason": "bench stock"}, token)
    with open(out, "w") as file:
        file.write(material + "\n")
    print(f"prepare: {len(tokens)} branches stocked with {STOCK_ADJUSTMENTS:,}M of material {material}",
          file=sys.stderr)


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "volunteers":
        volunteers(*sys.argv[2:6])
    elif len(sys.argv) == 7 and sys.argv[1] == "routes":
        routes(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6])
    elif len(sys.argv) == 5 and sys.argv[1] == "materials":
        materials(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()

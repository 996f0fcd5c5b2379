#!/usr/bin/env python3
"""Correctness across API instances on one PostgreSQL (run by bench/cluster).

  cluster_checks.py OUT_JSON ADMIN_EMAIL ADMIN_PASSWORD URL1 URL2 [URL3...]

Each check talks to the instances directly (not through the load balancer) so it
knows which instance answers. Exits 1 when any check fails; writes each check's
result (and the measured propagation delays) to OUT_JSON.
"""
import json
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone

# README: a change to an account ends its tokens within one second on the other
# instances. The checks allow the second plus the polling step.
PROPAGATION_LIMIT_S = 1.5


def call(base, method, path, body=None, token=None, headers=None, forwarded_for=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", "Bearer " + token)
    if forwarded_for:
        request.add_header("x-forwarded-for", forwarded_for)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def sign_in(base, email, password, forwarded_for=None):
    status, body = call(base, "POST", "/api/v1/auth/login", {"email": email, "password": password},
                        forwarded_for=forwarded_for)
    if status != 200:
        raise AssertionError(f"login of {email} on {base}: {status} {body}")
    return body


def until_refused(urls, token):
    """Seconds until every instance of URLS refuses TOKEN (polled every 50 ms)."""
    started = time.monotonic()
    pending = set(urls)
    while pending and time.monotonic() - started < 5:
        for url in list(pending):
            if call(url, "GET", "/api/v1/me", token=token)[0] == 401:
                pending.discard(url)
        time.sleep(0.05)
    if pending:
        raise AssertionError(f"still accepted after 5 s by {sorted(pending)}")
    return time.monotonic() - started


class Cluster:
    def __init__(self, admin_email, admin_password, urls):
        self.urls = urls
        self.admin = sign_in(urls[0], admin_email, admin_password)["access_token"]
        self.results = {}
        self.failed = False

    def check(self, name, function):
        try:
            detail = function()
            self.results[name] = {"ok": True, **(detail or {})}
            print(f"cluster: ok     {name} {json.dumps(detail or {})}", file=sys.stderr)
        except AssertionError as error:
            self.failed = True
            self.results[name] = {"ok": False, "error": str(error)}
            print(f"cluster: FAILED {name}: {error}", file=sys.stderr)

    def new_account(self, role="coordinator", branch="KZ-71"):
        email = f"cluster-{uuid.uuid4().hex[:12]}@outreach.test"
        password = f"cluster password {uuid.uuid4().hex}"
        status, account = call(self.urls[0], "POST", "/api/v1/accounts",
                               {"email": email, "password": password, "role": role, "branch": branch},
                               token=self.admin)
        assert status == 201, f"create account: {status} {account}"
        return account, email, password

    # --- the checks -------------------------------------------------------------

    def tokens_work_everywhere(self):
        _, email, password = self.new_account()
        token = sign_in(self.urls[0], email, password)["access_token"]
        for url in self.urls:
            status, me = call(url, "GET", "/api/v1/me", token=token)
            assert status == 200 and me["email"] == email, f"{url}: {status} {me}"
        return {"instances": len(self.urls)}

    def ended_everywhere(self, end):
        """Signs a fresh account in on the first instance, lets every instance load
        it, ends its access with END on the last one, and times the others."""
        account, email, password = self.new_account()
        session = sign_in(self.urls[0], email, password)
        for url in self.urls:
            assert call(url, "GET", "/api/v1/me", token=session["access_token"])[0] == 200
        end(self.urls[-1], account, email, password, session)
        others = self.urls[:-1]
        assert call(self.urls[-1], "GET", "/api/v1/me", token=session["access_token"])[0] == 401, \
            "the instance that made the change still accepts the token"
        seconds = until_refused(others, session["access_token"])
        assert seconds <= PROPAGATION_LIMIT_S, f"took {seconds:.2f} s on the other instances"
        return {"seconds_on_other_instances": round(seconds, 3)}

    def logout(self, url, account, email, password, session):
        status, body = call(url, "POST", "/api/v1/auth/logout", {"refresh_token": session["refresh_token"]})
        assert status == 204, f"logout: {status} {body}"

    def disable(self, url, account, email, password, session):
        status, body = call(url, "PATCH", f"/api/v1/accounts/{account['id']}",
                            {"active": False, "version": account["version"]}, token=self.admin)
        assert status == 200, f"disable: {status} {body}"

    def change_password(self, url, account, email, password, session):
        status, body = call(url, "POST", "/api/v1/me/password",
                            {"current_password": password, "new_password": password + " new"},
                            token=session["access_token"])
        assert status in (200, 204), f"password change: {status} {body}"

    def idempotency_key_across_instances(self):
        key = str(uuid.uuid4())
        body = {"branch": "KZ-71", "full_name": "Әлия Серікқызы", "phone": fresh_phone(),
                "consent": {"given_at": "2026-12-01T10:00:00Z", "text_version": "2026-10"}}
        first = call(self.urls[0], "POST", "/api/v1/volunteers", body, token=self.admin,
                     headers={"idempotency-key": key})
        again = call(self.urls[-1], "POST", "/api/v1/volunteers", body, token=self.admin,
                     headers={"idempotency-key": key})
        assert first[0] == 201, f"first create: {first}"
        assert again == first, f"the replay on another instance answered {again[0]} {again[1]}"
        return {"id": first[1]["id"]}

    def one_batch_on_two_instances_at_once(self):
        status, locality = call(self.urls[0], "POST", "/api/v1/localities",
                                {"branch": "KZ-71", "kind": "village", "name": {"kk": "Ауыл", "ru": "Село"}},
                                token=self.admin)
        assert status == 201, f"locality: {status} {locality}"
        stops = [{"street": "Абай даңғылы", "building": str(n + 1), "doors": 40} for n in range(200)]
        status, route = call(self.urls[0], "POST", "/api/v1/routes",
                             {"locality_id": locality["id"], "name": "cluster race", "stops": stops},
                             token=self.admin)
        assert status == 201, f"route: {status} {route}"
        at = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        batch = {"visits": [{"id": str(uuid.uuid4()), "stop_id": stop["id"], "visited_at": at, "doors_knocked": 10,
                             "conversations": 3, "not_at_home": 5, "refused": 2, "materials_left": 3,
                             "questions": [], "note": "cluster"} for stop in route["stops"]]}
        answers = [None, None]

        def send(index):
            answers[index] = call(self.urls[index], "POST", f"/api/v1/routes/{route['id']}/visits:batch", batch,
                                  token=self.admin)

        threads = [threading.Thread(target=send, args=(index,)) for index in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for status, body in answers:
            assert status == 200, f"batch: {status} {body}"
        created = sum(body["created"] for _, body in answers)
        duplicates = sum(body["duplicates"] for _, body in answers)
        assert created == len(stops) and duplicates == len(stops), \
            f"created {created} and duplicates {duplicates} over both answers, expected {len(stops)} each"
        return {"visits": len(stops), "created": created, "duplicates": duplicates}

    def login_throttle_across_instances(self):
        _, email, password = self.new_account()
        statuses = []
        # Five failures, spread over the instances, each from its own address.
        for attempt in range(5):
            url = self.urls[attempt % len(self.urls)]
            status, _ = call(url, "POST", "/api/v1/auth/login", {"email": email, "password": "wrong password 1"},
                             forwarded_for=f"198.51.100.{attempt + 1}")
            statuses.append(status)
        assert statuses == [401] * 5, f"the failures answered {statuses}"
        for index, url in enumerate(self.urls):
            status, body = call(url, "POST", "/api/v1/auth/login", {"email": email, "password": password},
                                forwarded_for=f"198.51.100.{50 + index}")
            assert status == 429, f"{url} let the sixth attempt through: {status} {body}"
        return {"failures": 5}


def fresh_phone():
    """A Kazakh mobile number the demo seed does not use (it numbers from +7701)."""
    return f"+7705{uuid.uuid4().int % 10_000_000:07d}"


def main():
    if len(sys.argv) < 6:
        raise SystemExit(__doc__)
    out, admin_email, admin_password, urls = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    cluster = Cluster(admin_email, admin_password, urls)
    cluster.check("a token issued by one instance works on every other", cluster.tokens_work_everywhere)
    cluster.check("logout ends access on every instance", lambda: cluster.ended_everywhere(cluster.logout))
    cluster.check("disabling ends access on every instance", lambda: cluster.ended_everywhere(cluster.disable))
    cluster.check("a password change ends access on every instance",
                  lambda: cluster.ended_everywhere(cluster.change_password))
    cluster.check("an Idempotency-Key replayed to another instance returns the first response",
                  cluster.idempotency_key_across_instances)
    cluster.check("one visit batch sent to two instances at once stores each visit once",
                  cluster.one_batch_on_two_instances_at_once)
    cluster.check("failed logins count across instances", cluster.login_throttle_across_instances)
    with open(out, "w") as file:
        json.dump(cluster.results, file, indent=2, ensure_ascii=False)
    sys.exit(1 if cluster.failed else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Collects bench/run's wrk results into bench/results/<date>-<backend>.json and
renders the Markdown summary of one run (both backends). Called by bench/run."""
import argparse
import datetime
import glob
import json
import os
import re

# What each scenario is, in the summary's order (see BENCHMARKS.md, "Scenarios").
SCENARIOS = [
    ("get", "GET /volunteers/{id} as the branch's coordinator"),
    ("get_observer", "the same as the observer (no audit entry)"),
    ("list", "GET /volunteers?branch=&limit=50 as the coordinator"),
    ("list_observer", "the same as the observer"),
    ("list_events", "GET /events?branch=&limit=50 as the coordinator"),
    ("list_meetings", "GET /meetings?branch=&limit=50 as the coordinator"),
    ("meeting_coverage", "GET /meeting-coverage?branch= as the coordinator"),
    ("meeting_coverage_national", "GET /meeting-coverage (every branch) as the observer"),
    ("volunteer_schedule", "GET /me/schedule as demo volunteer accounts"),
    ("visit_batch_sync_500", "POST /routes/{id}/visits:batch, 500 new visits"),
    ("visit_batch_sync_replay", "the same, re-sending a synced batch (500 duplicates)"),
    ("visit_batch_sync_500_materials", "POST /routes/{id}/visits:batch, 500 new visits each handing out a material"),
    ("changes", "GET /changes?limit=100 (the feed from its start) as the coordinator, after the syncs"),
    ("changes_observer", "the same as the observer (every branch)"),
    ("stock_balances", "GET /stock-balances?branch=&limit=50 as the coordinator"),
    ("stock_ledger", "GET /stock-movements?branch=&limit=50 as the coordinator"),
    ("progress_branch", "GET /progress/branches/{code} on the progress database"),
    ("progress_national", "GET /progress on the progress database"),
    ("poster_coverage_branch", "GET /reports/poster-coverage?branch= on the progress database"),
    ("poster_coverage_national", "GET /reports/poster-coverage (the nation) on the progress database"),
    ("report_summary", "GET /reports/summary?branch=&from=&to= (30 days) on the progress database"),
    ("report_summary_all", "GET /reports/summary?from=&to= (the nation, 30 days) on the progress database"),
    ("report_series", "GET /reports/series?branch=&from=&to= (30 days) on the progress database"),
    ("report_series_all", "GET /reports/series?from=&to= (the nation, 30 days) on the progress database"),
    ("report_branches", "GET /reports/branches?from=&to= (30 days) on the progress database"),
    ("login", "POST /auth/login, an address per request"),
    ("login_one_address", "the same from one address"),
    ("mixed_reads", "mixed: the reads"),
    ("mixed_writes", "mixed: creates of volunteers"),
    ("mixed_sync", "mixed: 500-visit batch syncs"),
    ("mixed_logins", "mixed: one login stream"),
]
ORDER = {name: index for index, (name, _) in enumerate(SCENARIOS)}
# Scenarios with a bare-baseline counterpart (the observer's reads are compared
# with the same baseline as the coordinator's).
BASELINE_OF = {"get": "get", "get_observer": "get", "list": "list", "list_observer": "list",
               "list_events": "list_events", "list_meetings": "list_meetings"}
SKIP_REASONS = {"volunteer_schedule": "the seed has no demo volunteer accounts (volunteer.<branch>.<n>@demo.outreach.kz)"}

TARGETS = {
    "ratio": 0.7,  # authenticated reads >= 0.7x the bare baseline
    "read_p99_ms_c32": 25.0,
    "login_p50_ms": 150.0,
    "mixed_read_p99_ms": 50.0,
    "peak_rss_mb": 100.0,
    "seed_scale10_s": 90.0,
    "sync_p95_ms": 100.0,
    "replay_p95_ms": 50.0,
    "progress_ms": 200.0,
    "coverage_p95_ms": 200.0,
    "progress_visits": 1_000_000,
}


def errors_of(run):
    return sum(run["errors"].values())


def targets_of(result):
    """Each target of issue 8 that this backend's runs can answer:
    {target, scenario, concurrency, value, limit, unit, met[, note]}."""
    out = []

    def add(target, entry, value, limit, met, note=None):
        # met: True, False, or None when the run cannot judge the target.
        unit = ("x" if "baseline" in target else "ms" if " ms" in target else "MB" if " MB" in target
                else "s" if target.endswith(" s") else "")
        item = {"target": target, "scenario": entry["scenario"] if entry else None,
                "concurrency": entry["concurrency"] if entry else None,
                "value": value, "limit": limit, "unit": unit,
                "met": None if met is None else bool(met)}
        if note:
            item["note"] = note
        out.append(item)

    for entry in result["scenarios"]:
        scenario, api = entry["scenario"], entry.get("api")
        if api is None:
            continue
        lat = api["latency_ms"]
        if scenario in ("get", "list", "list_events", "list_meetings") and "ratio_to_baseline" in entry:
            ratio = entry["ratio_to_baseline"]
            add("authenticated read >= 0.7x the baseline (req/s)", entry, ratio, TARGETS["ratio"],
                ratio >= TARGETS["ratio"])
        if scenario in ("get", "list", "list_events", "volunteer_schedule") and entry["concurrency"] == 32:
            add("read p99 < 25 ms at c=32", entry, lat["p99"], TARGETS["read_p99_ms_c32"],
                lat["p99"] is not None and lat["p99"] < TARGETS["read_p99_ms_c32"])
        if scenario in ("meeting_coverage", "meeting_coverage_national"):
            add("meeting coverage p95 < 200 ms", entry, lat["p95"], TARGETS["coverage_p95_ms"],
                lat["p95"] is not None and lat["p95"] < TARGETS["coverage_p95_ms"])
        if scenario == "login":
            add("login p50 < 150 ms", entry, lat["p50"], TARGETS["login_p50_ms"],
                lat["p50"] is not None and lat["p50"] < TARGETS["login_p50_ms"])
        if scenario == "mixed_reads":
            add("mixed workload: read p99 < 50 ms with logins, creates and batch syncs running", entry, lat["p99"],
                TARGETS["mixed_read_p99_ms"], lat["p99"] is not None and lat["p99"] < TARGETS["mixed_read_p99_ms"])
        if scenario in ("visit_batch_sync_500", "visit_batch_sync_500_materials") and entry["concurrency"] == 1:
            add("500-visit batch sync p95 < 100 ms", entry, lat["p95"], TARGETS["sync_p95_ms"],
                lat["p95"] is not None and lat["p95"] < TARGETS["sync_p95_ms"])
        if scenario == "visit_batch_sync_replay":
            add("replay of a 500-visit batch p95 < 50 ms", entry, lat["p95"], TARGETS["replay_p95_ms"],
                lat["p95"] is not None and lat["p95"] < TARGETS["replay_p95_ms"])
        if scenario in ("progress_branch", "progress_national"):
            database = result["progress_database"]
            met, note = lat["p95"] is not None and lat["p95"] < TARGETS["progress_ms"], None
            if database["visits"] < 0.9 * TARGETS["progress_visits"]:
                met = None
                note = f"the database had {database['visits']:,} visits, not the ~1M the target is set at"
            add("progress report p95 < 200 ms over 1M visits", entry, lat["p95"], TARGETS["progress_ms"], met, note)
        if scenario in ("poster_coverage_branch", "poster_coverage_national") and entry.get("concurrency") == 8:
            add("poster coverage p95 < 200 ms at c=8 (scale 10)", entry, lat["p95"], TARGETS["progress_ms"],
                lat["p95"] is not None and lat["p95"] < TARGETS["progress_ms"])
        if scenario.startswith("report_") and entry.get("concurrency") == 8:
            add("campaign report p95 < 200 ms at c=8 (scale 10)", entry, lat["p95"], TARGETS["progress_ms"],
                lat["p95"] is not None and lat["p95"] < TARGETS["progress_ms"])
    errors = sum(e[t]["errors_total"] for e in result["scenarios"] for t in ("api", "baseline")
                 if t in e and e["scenario"] != "login_one_address")
    add("zero errors under load (all scenarios but login_one_address)", None, errors, 0, errors == 0)
    check = result["seed_check"]
    if check["scale"] == 10:
        add("seed-demo --scale 10 < 90 s", None, check["seconds"], TARGETS["seed_scale10_s"],
            check["seconds"] < TARGETS["seed_scale10_s"])
    rss = result["peak_rss_mb"]["api"]
    add("API peak RSS < 100 MB", None, rss, TARGETS["peak_rss_mb"], rss < TARGETS["peak_rss_mb"])
    return out


def backend(args):
    meta = dict(item.split("=", 1) for item in args.meta)
    scenarios = {}
    for path in sorted(glob.glob(os.path.join(args.runs, f"{args.backend}-*.json"))):
        name = os.path.basename(path)[: -len(".json")]
        match = re.fullmatch(rf"{re.escape(args.backend)}-(\w+)-(api|baseline)-c(\d+)", name)
        if not match:
            continue
        scenario, target, concurrency = match.group(1), match.group(2), int(match.group(3))
        with open(path) as file:
            run = json.load(file)
        run["errors"].setdefault("unexpected", 0)
        run["errors_total"] = errors_of(run)
        scenarios.setdefault((scenario, concurrency), {})[target] = run
    progress_database = {
        "scale": int(meta.get("progress_scale") or 0),
        "visits": int(meta.get("progress_visits") or 0),
        "routes": int(meta.get("progress_routes") or 0),
        "duration_per_run": meta.get("progress_duration"),
        "api_peak_rss_mb": round(int(meta.get("progress_api_peak_rss_kb") or 0) / 1024, 1),
    }
    out = []
    key = lambda item: (ORDER.get(item[0][0], len(ORDER)), item[0][0], item[0][1])  # noqa: E731
    for (scenario, concurrency), runs in sorted(scenarios.items(), key=key):
        entry = {"scenario": scenario, "concurrency": concurrency, **runs}
        base = scenarios.get((BASELINE_OF.get(scenario, scenario), concurrency), {}).get("baseline")
        if "api" in runs and base and base["rps"]:
            entry["ratio_to_baseline"] = round(runs["api"]["rps"] / base["rps"], 3)
        if scenario.startswith("progress_"):
            entry["database"] = {"scale": progress_database["scale"], "visits": progress_database["visits"]}
        out.append(entry)
    skipped = [name for name in (meta.get("skipped") or "").split(",") if name]
    result = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "backend": args.backend,
        "scale": int(meta["scale"]),
        "volunteers": int(meta["volunteers"]),
        "duration_per_scenario": meta["duration"],
        "commit": meta["commit"],
        "machine": {
            "cores": int(meta["cores"]),
            "load_average_before": meta["load_before"],
            "load_average_after": meta["load_after"],
            "build_processes_before": int(meta["rustc_before"] or 0),
            "build_processes_after": int(meta["rustc_after"] or 0),
            "note": "wrk, the API and the baseline share the same cores",
        },
        "seed_seconds": float(meta["seed_seconds"]),
        "seed_check": {"scale": int(meta["seed_check_scale"]), "seconds": float(meta["seed_check_seconds"])},
        "progress_database": progress_database,
        "mixed_read_mix": meta.get("mixed_reads"),
        "sync_routes": int(meta.get("sync_routes") or 0),
        "peak_rss_mb": {
            "api": round(int(meta["api_peak_rss_kb"]) / 1024, 1),
            "api_before_login_scenarios": round(int(meta["api_peak_rss_reads_kb"]) / 1024, 1),
            "baseline": round(int(meta["baseline_peak_rss_kb"]) / 1024, 1),
        },
        "errors_note": "errors: socket errors (connect, read, write, timeout), answers with status >= 400 "
                       "(status), 2xx answers without the expected result, e.g. a batch sync that did not "
                       "create 500 visits (unexpected)",
        "scenarios": out,
        "skipped": [{"scenario": name, "why": SKIP_REASONS.get(name, "")} for name in skipped],
    }
    result["targets"] = targets_of(result)
    with open(args.out, "w") as file:
        json.dump(result, file, indent=2, ensure_ascii=False)
        file.write("\n")


def fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


def latency(run):
    lat = run["latency_ms"]
    return f"{fmt(lat['p50'], 2)} / {fmt(lat['p95'], 2)} / {fmt(lat['p99'], 2)}"


def verdict(ok):
    return "not judged" if ok is None else "met" if ok else "**missed**"


def target_line(target):
    where = ""
    if target["scenario"]:
        where = f"{target['scenario']} c={target['concurrency']}: "
    value, unit = target["value"], target.get("unit", "")
    if value is None:
        value = "–"
    elif isinstance(value, float):
        value = f"{value:,.2f}" if unit == "x" else f"{value:,.1f}"
    line = f"- {where}{target['target']}: {value}{(' ' + unit) if unit and unit != 'x' else ''}: {verdict(target['met'])}"
    if target.get("note"):
        line += f" ({target['note']})"
    return line


def summary(args):
    results = []
    for path in args.results:
        with open(path) as file:
            results.append(json.load(file))
    lines = [f"# Load benchmark, {results[0]['date'][:10]}", ""]
    first = results[0]
    lines += [
        f"Commit `{first['commit']}`, scale {first['scale']} ({first['volunteers']:,} volunteers), "
        f"{first['duration_per_scenario']} per scenario, {first['machine']['cores']} cores shared by wrk and the servers. "
        "Latencies are p50 / p95 / p99 in ms; errors are socket errors and timeouts, answers with a status of 400 "
        "or more, and 2xx answers without the expected result (a batch sync that did not create or find its 500 "
        "visits). Ratios are API req/s over the bare baseline's for the same query.",
        "",
    ]
    for result in results:
        machine = result["machine"]
        progress = result.get("progress_database", {})
        lines += [
            f"## {result['backend']}",
            "",
            f"Seed time {result['seed_seconds']:.1f} s (scale {result['seed_check']['scale']}: "
            f"{result['seed_check']['seconds']:.1f} s); peak RSS: API {result['peak_rss_mb']['api']} MB "
            f"({result['peak_rss_mb']['api_before_login_scenarios']} MB after the reads and syncs, before the login "
            f"scenarios), baseline {result['peak_rss_mb']['baseline']} MB. Load average before/after: "
            f"{machine['load_average_before']} / {machine['load_average_after']}; compiler processes (rustc, cargo, cc1, lld) "
            f"before/after: {machine['build_processes_before']} / {machine['build_processes_after']}.",
            "",
        ]
        if progress.get("scale"):
            lines += [
                f"Progress reports measured on a scale {progress['scale']} database of their own: "
                f"{progress['visits']:,} visits on {progress['routes']:,} routes, {progress['duration_per_run']} per run "
                f"(that API's peak RSS {progress['api_peak_rss_mb']} MB).",
                "",
            ]
        lines += [
            f"Mixed workload reads: {result.get('mixed_read_mix')}; batch syncs over {result.get('sync_routes')} "
            "routes of 500 stops.",
            "",
            "| scenario | c | API req/s | API p50/p95/p99 | API errors | baseline req/s | baseline p50/p95/p99 | ratio |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for entry in result["scenarios"]:
            api, base = entry.get("api"), entry.get("baseline")
            lines.append(
                "| {} | {} | {} | {} | {} | {} | {} | {} |".format(
                    entry["scenario"],
                    entry["concurrency"],
                    fmt(api["rps"]) if api else "–",
                    latency(api) if api else "–",
                    api["errors_total"] if api else "–",
                    fmt(base["rps"]) if base else "–",
                    latency(base) if base else "–",
                    f"{entry['ratio_to_baseline']:.2f}" if "ratio_to_baseline" in entry else "–",
                )
            )
        for skipped in result.get("skipped", []):
            lines.append(f"| {skipped['scenario']} | – | skipped: {skipped['why']} | | | | | |")
        lines += ["", "Targets:", ""]
        lines += [target_line(target) for target in result["targets"]]
        lines.append("")
    with open(args.out, "w") as file:
        file.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("backend")
    one.add_argument("--runs", required=True)
    one.add_argument("--backend", required=True)
    one.add_argument("--out", required=True)
    one.add_argument("--meta", nargs="*", default=[])
    both = sub.add_parser("summary")
    both.add_argument("--out", required=True)
    both.add_argument("results", nargs="+")
    args = parser.parse_args()
    {"backend": backend, "summary": summary}[args.command](args)


if __name__ == "__main__":
    main()

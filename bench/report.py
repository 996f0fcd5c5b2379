#!/usr/bin/env python3
"""Collects bench/run's wrk results into bench/results/<date>-<backend>.json and
renders the Markdown summary of one run (both backends). Called by bench/run."""
import argparse
import datetime
import glob
import json
import os
import re

NOT_YET_IMPLEMENTED = [
    ("volunteer_schedule", "a volunteer's schedule (shifts do not exist yet)"),
    ("list_events", "list events of a branch, page of 50 (events do not exist yet)"),
    ("branch_progress_report", "branch progress report over 1M visits (visits do not exist yet)"),
    ("visit_batch_sync_500", "500-visit batch sync (routes and visits do not exist yet)"),
    ("visit_batch_sync_replay", "replay of that batch (routes and visits do not exist yet)"),
]

TARGETS = {
    "ratio": 0.7,  # authenticated reads >= 0.7x the bare baseline
    "read_p99_ms_c32": 25.0,
    "login_p50_ms": 150.0,
    "mixed_read_p99_ms": 50.0,
    "peak_rss_mb": 100.0,
    "seed_scale10_s": 90.0,
}


def errors_of(run):
    return sum(run["errors"].values())


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
        run["errors_total"] = errors_of(run)
        scenarios.setdefault((scenario, concurrency), {})[target] = run
    out = []
    for (scenario, concurrency), runs in sorted(scenarios.items()):
        entry = {"scenario": scenario, "concurrency": concurrency, **runs}
        # get_observer and list_observer compare with the baseline of get and list.
        base = scenarios.get((scenario.removesuffix("_observer"), concurrency), {}).get("baseline")
        if "api" in runs and base and base["rps"]:
            entry["ratio_to_baseline"] = round(runs["api"]["rps"] / base["rps"], 3)
        out.append(entry)
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
        "peak_rss_mb": {
            "api": round(int(meta["api_peak_rss_kb"]) / 1024, 1),
            "api_before_login_scenarios": round(int(meta["api_peak_rss_reads_kb"]) / 1024, 1),
            "baseline": round(int(meta["baseline_peak_rss_kb"]) / 1024, 1),
        },
        "scenarios": out,
        "not_yet_implemented": [name for name, _ in NOT_YET_IMPLEMENTED],
    }
    with open(args.out, "w") as file:
        json.dump(result, file, indent=2, ensure_ascii=False)
        file.write("\n")


def fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


def latency(run):
    lat = run["latency_ms"]
    return f"{fmt(lat['p50'], 2)} / {fmt(lat['p95'], 2)} / {fmt(lat['p99'], 2)}"


def verdict(ok):
    return "met" if ok else "**missed**"


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
        "Latencies are p50 / p95 / p99 in ms; errors are connection errors, timeouts and non-2xx answers.",
        "",
    ]
    for result in results:
        machine = result["machine"]
        lines += [
            f"## {result['backend']}",
            "",
            f"Seed time {result['seed_seconds']:.1f} s (scale {result['seed_check']['scale']}: "
            f"{result['seed_check']['seconds']:.1f} s); peak RSS: API {result['peak_rss_mb']['api']} MB "
            f"({result['peak_rss_mb']['api_before_login_scenarios']} MB after the reads, before the login scenarios), "
            f"baseline {result['peak_rss_mb']['baseline']} MB. Load average before/after: "
            f"{machine['load_average_before']} / {machine['load_average_after']}; compiler processes (rustc, cargo, cc1, lld) "
            f"before/after: {machine['build_processes_before']} / {machine['build_processes_after']}.",
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
        for name, why in NOT_YET_IMPLEMENTED:
            lines.append(f"| {name} | – | not yet implemented | | | | | |")
        lines += ["", "Targets:", ""]
        by = {(e["scenario"], e["concurrency"]): e for e in result["scenarios"]}
        for (scenario, concurrency), entry in sorted(by.items()):
            if scenario in ("get", "list") and "ratio_to_baseline" in entry:
                lines.append(
                    f"- {scenario} c={concurrency}: ratio {entry['ratio_to_baseline']:.2f} "
                    f"(target ≥ {TARGETS['ratio']}): {verdict(entry['ratio_to_baseline'] >= TARGETS['ratio'])}"
                    + (
                        f"; p99 {entry['api']['latency_ms']['p99']:.1f} ms (target < 25): "
                        f"{verdict(entry['api']['latency_ms']['p99'] < TARGETS['read_p99_ms_c32'])}"
                        if concurrency == 32
                        else ""
                    )
                )
            if scenario == "login":
                p50 = entry["api"]["latency_ms"]["p50"]
                lines.append(f"- login c={concurrency}: p50 {p50:.1f} ms (target < 150): {verdict(p50 < TARGETS['login_p50_ms'])}")
            if scenario == "mixed_reads":
                p99 = entry["api"]["latency_ms"]["p99"]
                lines.append(
                    f"- mixed c={concurrency}: read p99 {p99:.1f} ms with logins and writes running "
                    f"(target < 50): {verdict(p99 < TARGETS['mixed_read_p99_ms'])}"
                )
        errors = sum(e[t]["errors_total"] for e in result["scenarios"] for t in ("api", "baseline") if t in e
                     and e["scenario"] != "login_one_address")
        lines.append(f"- errors under load (all scenarios but login_one_address): {errors} (target 0): {verdict(errors == 0)}")
        check = result["seed_check"]
        if check["scale"] == 10:
            lines.append(
                f"- seed-demo --scale 10: {check['seconds']:.1f} s (target < 90): {verdict(check['seconds'] < TARGETS['seed_scale10_s'])}"
            )
        rss = result["peak_rss_mb"]["api"]
        lines.append(f"- API peak RSS {rss} MB (target < 100): {verdict(rss < TARGETS['peak_rss_mb'])}")
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

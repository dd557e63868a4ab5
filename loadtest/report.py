"""docs/performance.md and docs/performance.png from the benchmark's results (bench.py keeps them as JSON)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from services import LOADTEST_DIR

NOTES = LOADTEST_DIR / "NOTES.md"  # hand-written analysis, copied into the report
REDIS_MODES = ("redis, 0 ms", "redis, 50 ms")


def write(results: dict[str, Any], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    plot(results, output.with_suffix(".png"))
    output.write_text(markdown(results, output.with_suffix(".png").name))


# numbers ----------------------------------------------------------------------------------------------------
def fmt(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def yes(flag: bool | None) -> str:
    return "–" if flag is None else ("**yes**" if flag else "**no**")


def reference(results: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    return next((r for r in results.get("reference", []) if r["label"].startswith(prefix)), None)


def capacity(results: dict[str, Any], mode: str) -> dict[str, Any] | None:
    passed = [r for r in results["modes"].get(mode, []) if r["passed"]]
    return passed[-1] if passed else None


def hello_cpu(results: dict[str, Any]) -> float | None:
    hello = reference(results, "/hello")
    return hello["cpu_ms_per_request"] if hello else None


# markdown ---------------------------------------------------------------------------------------------------
def markdown(results: dict[str, Any], png: str) -> str:
    parts = [header(results, png), targets(results), reference_table(results)]
    for mode, rows in results["modes"].items():
        parts.append(mode_section(results, mode, rows))
    if "overload" in results:
        parts.append(overload_section(results["overload"]))
    parts.append(method())
    if results["errors"] or results["skipped"] or results.get("notes"):
        parts.append(problems(results))
    if NOTES.exists():
        parts.append(NOTES.read_text())
    return "\n\n".join(parts) + "\n"


def header(results: dict[str, Any], png: str) -> str:
    meta = results["meta"]
    load = ", ".join(f"{x:.1f}" for x in meta["load_average_at_start"])
    given = meta.get("server_settings_from_environment") or {}
    settings = ", ".join(f"`{k}={v}`" for k, v in sorted(given.items())) or "none (the defaults)"
    return f"""# Performance

Written by `make bench` (`loadtest/bench.py`) on {meta["date"]}, commit `{meta["commit"]}`.
Machine: {meta["cpu"]}, {meta["cores"]} cores, {meta["memory_gib"]} GiB; load average at start {load}.
Server settings taken from the environment: {settings}.
The load generators run on the same cores as the server, so absolute numbers move with whatever else runs;
the ratios to the reference app, measured in the same run, are the figures to compare across runs.

![latency and throughput against players]({png})"""


def targets(results: dict[str, Any]) -> str:
    rows = ["## Targets (issue 3)", "", "| target | measured | met |", "|---|---|---|"]
    for mode in ("redis, 0 ms", "redis, 50 ms"):
        best = capacity(results, mode)
        measured = (
            f"{best['players']:,} players, {best['rate']:,.0f} req/s, p99 {best['p99_ms']:.1f} ms"
            if best
            else "–"
        )
        met = best["players"] >= 2000 if best else (False if mode in results["modes"] else None)
        rows.append(f"| ≥ 2,000 players, p99 ≤ 100 ms, no errors ({mode}) | {measured} | {yes(met)} |")
    rows += [cpu_target(results), progress_target(results), pg_target(results), refusal_target(results)]
    if overload := results.get("overload"):
        rows += overload_targets(overload)
    return "\n".join(rows)


def cpu_target(results: dict[str, Any]) -> str:
    best, hello = capacity(results, "redis, 0 ms"), hello_cpu(results)
    if not best or not hello:
        return "| server CPU per request in the mix ≤ 3 × `/hello` | – | – |"
    ratio = best["cpu_ms_per_request"] / hello
    measured = f"{best['cpu_ms_per_request']:.3f} ms vs {hello:.3f} ms = {ratio:.2f} × (at {best['players']:,} players)"
    return f"| server CPU per request in the mix ≤ 3 × `/hello` | {measured} | {yes(ratio <= 3)} |"


def progress_target(results: dict[str, Any]) -> str:
    progress, redis_get = reference(results, "GET /progress"), reference(results, "/redis")
    if not progress or not redis_get:
        return "| GET /progress (10 generators) ≥ 0.6 × `/redis` throughput | – | – |"
    ratio = progress["rate"] / redis_get["rate"]
    measured = f"{progress['rate']:,.0f} vs {redis_get['rate']:,.0f} req/s = {ratio:.2f} ×"
    return f"| GET /progress (10 generators) ≥ 0.6 × `/redis` throughput | {measured} | {yes(ratio >= 0.6)} |"


def pg_target(results: dict[str, Any]) -> str:
    rows = [r for mode in REDIS_MODES for r in results["modes"].get(mode, []) if r["passed"]]
    if not rows:
        return "| PostgreSQL statements per request ≤ 0.05 (redis mode) | – | – |"
    worst = max(r["pg_per_request"] for r in rows)
    return f"| PostgreSQL statements per request ≤ 0.05 (redis mode) | at most {worst:.4f} | {yes(worst <= 0.05)} |"


def refusal_target(results: dict[str, Any]) -> str:
    target = "| rate limit: a 429 in well under a millisecond of server time |"
    rows = [r for r in results.get("reference", []) if r["label"].startswith("429")]
    if not rows:
        return f"{target} – | – |"
    measured = "; ".join(
        f"{r['label'][4:]}: {r['cpu_ms_per_request']:.3f} ms of CPU per request, p50 {r['p50_ms']:.2f} ms, "
        f"{r['non_2xx'] / max(1, r['requests']):.1%} refused"
        for r in rows
    )
    return f"{target} {measured} | {yes(max(r['cpu_ms_per_request'] for r in rows) < 0.5)} |"


def overload_targets(overload: dict[str, Any]) -> list[str]:
    locust, crowd, memory = overload["locust"], overload["wrk"], overload["memory_mib"]
    unanswered = locust["failed"] + crowd["socket_errors"]
    crowd_other = sum(n for s, n in crowd["statuses"].items() if s not in ("200", "429", "503"))
    recovered = overload["recovery"]["seconds"]
    bounded = memory["peak"] < 2 * memory["before"] + 256 and memory["after"] < memory["before"] + 128
    died = not overload["processes_alive"] or bool(overload["abnormal_exits"])
    return [
        f"| overload: every request answered (200, or 429/503 + Retry-After) | {unanswered + crowd_other:,} not "
        f"(timeouts/errors {unanswered:,}, other statuses {crowd_other:,}) | {yes(unanswered + crowd_other == 0)} |",
        f"| overload: p99 of served requests ≤ 500 ms | {fmt(locust['served_p99_ms'])} ms | "
        f"{yes(locust['served_p99_ms'] <= 500)} |",
        f"| overload: memory bounded | {memory['before']:.0f} → peak {memory['peak']:.0f} → {memory['after']:.0f} MiB "
        f"| {yes(bounded)} |",
        f"| overload: no process died | {'none' if not died else overload['abnormal_exits'] or 'a process exited'} "
        f"| {yes(not died)} |",
        f"| overload: back to normal ≤ 5 s after the load drops | {fmt(recovered)} s | "
        f"{yes(recovered is not None and recovered <= 5)} |",
    ]  # fmt: skip


def reference_table(results: dict[str, Any]) -> str:
    refs = results.get("reference", [])
    hello, redis_get = reference(results, "/hello"), reference(results, "/redis")
    lines = [
        "## Reference (wrk, same gunicorn + uvicorn worker command line, same worker count)", "",
        f"wrk with {refs[0]['connections'] if refs else '–'} connections, 2 threads. CPU per request counts the "
        "app's processes (plus Redis for `/redis`, plus every server process for `/progress`).", "",
        "| endpoint | req/s | p50 ms | p99 ms | non-2xx | server CPU ms/request | req/s vs `/redis` "
        "| CPU vs `/hello` | Redis cmds/req | wrk cores | other cores |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for ref in refs:
        rate_ratio = ref["rate"] / redis_get["rate"] if redis_get else None
        cpu_ratio = ref["cpu_ms_per_request"] / hello["cpu_ms_per_request"] if hello else None
        lines.append(
            f"| {ref['label']} | {ref['rate']:,.0f} | {fmt(ref['p50_ms'], 2)} | {fmt(ref['p99_ms'], 2)} | "
            f"{ref['non_2xx']:,} | {fmt(ref['cpu_ms_per_request'], 3)} | {fmt(rate_ratio, 2)} | {fmt(cpu_ratio, 2)} | "
            f"{fmt(ref.get('redis_per_request'), 2)} | {fmt(ref.get('wrk_cores'), 2)} | "
            f"{fmt(ref.get('other_cores'), 2)} |"
        )
    return "\n".join(lines)


def mode_section(results: dict[str, Any], mode: str, rows: list[dict[str, Any]]) -> str:
    hello = hello_cpu(results)
    lines = [
        f"## Players stepped up: {mode}", "",
        "| players | req/s | p50 ms | p95 ms | p99 ms | errors | CPU ms/req | × `/hello` | PG stmts/req | "
        "PG xacts/req | Redis cmds/req | server cores | Locust cores | other cores | |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for r in rows:
        cores = sum(v for k, v in r["cpu_cores"].items() if k not in ("locust", "wrk", "delayproxy"))
        lines.append(
            f"| {r['players']:,} | {r['rate']:,.0f} | {fmt(r['p50_ms'])} | {fmt(r['p95_ms'])} | {fmt(r['p99_ms'])} | "
            f"{100 * r['error_rate']:.2f} % | {fmt(r['cpu_ms_per_request'], 3)} | "
            f"{fmt(r['cpu_ms_per_request'] / hello if hello else None, 2)} | {fmt(r['pg_per_request'], 4)} | "
            f"{fmt(r['pg_transactions'] / max(1, r['requests']), 4)} | {fmt(r['redis_per_request'], 2)} | "
            f"{cores:.2f} | {r['cpu_cores'].get('locust', 0):.2f} | {r.get('other_cores', 0):.2f} | "
            f"{'ok' if r['passed'] else 'limit'} |"
        )
    if mode == "reference /hello":
        lines += ["", "The same players' pacing against the reference app's bare `GET /hello` (server CPU: the "
                  "reference app and Redis): the latency this machine and harness give with no game at all. A "
                  "game step whose p99 is near this one is limited by the machine, not by the server."]  # fmt: skip
    if mode == "two instances":
        lines += ["", "Two API process groups (each with the same worker count) on two ports behind nginx on the "
                  "same cores, one worker and one scheduler; server CPU includes nginx. Compare with the "
                  "single instance at the same number of players."]  # fmt: skip
    best, limit = capacity(results, mode), next((r for r in rows if not r["passed"]), None)
    if best is not None and limit is None and mode != "reference /hello":
        lines += ["", f"Every step passed: the capacity is at least {best['players']:,} players (the ladder's last "
                  "step), not a measured limit."]  # fmt: skip
    lines += ["\n" + detail(r) for r in (best, limit) if r is not None]
    return "\n".join(lines)


def detail(r: dict[str, Any]) -> str:
    routes = "; ".join(f"`{name}` {v['count']:,} × p50 {fmt(v['p50_ms'])} / p99 {fmt(v['p99_ms'])} ms"
                       for name, v in r["routes"].items())  # fmt: skip
    commands = ", ".join(
        f"{name} {n / max(1, r['requests']):.2f}" for name, n in r["top_redis_commands"].items()
    )
    cores = ", ".join(f"{name} {v:.2f}" for name, v in sorted(r["cpu_cores"].items()))
    refusals = "; ".join(f"{k} × {n:,}" for k, n in r["refusals"].items()) or "none"
    slow = r.get("slow_redis") or {}
    slowest = "; ".join(f"{ms:.1f} ms `{text}`" for ms, text in slow.get("slowest", [])) or "none"
    return (
        f"At {r['players']:,} players ({'passed' if r['passed'] else 'the limit'}) — per route: {routes}.  \n"
        f"Redis commands per request: {commands}.  \nCPU cores by process group: {cores}.  \n"
        f"Redis commands over 2 ms (each blocks every client): {slow.get('count', 0)}, "
        f"{slow.get('total_ms', 0):.0f} ms in all; slowest: {slowest}.  \n"
        f"Game refusals (400, counted as answers): {refusals}."
    )


def overload_section(overload: dict[str, Any]) -> str:
    locust, crowd = overload["locust"], overload["wrk"]
    intervals = " ".join(
        f"{i['t']:.1f}s:{fmt(i['p99_ms'])}ms/{i['refused_or_failed']}"
        for i in overload["recovery"]["intervals"]
    )
    statuses = ", ".join(f"{s}: {n:,}" for s, n in sorted(crowd["statuses"].items()))
    return f"""## Overload: 3 × capacity for {overload["seconds"]:.0f} s

Capacity (highest passing step, redis, 0 ms): {overload["capacity_players"]:,} players. Offered:
{overload["total_players"]:,} players = {overload["locust_players"]:,} Locust players (full mix) + \
{overload["wrk_players"]:,} wrk players (one connection each, a GET of the mix about once a second),
{overload["offered_rate"]:,.0f} req/s in total.

| | requests | req/s | served (2xx, expected 400) | refused (429/503) | failed | p99 served ms | p99 all ms |
|---|---|---|---|---|---|---|---|
| Locust players | {locust["requests"]:,} | {locust["rate"]:,.0f} | {locust["ok"]:,} | {locust["rejected"]:,} | \
{locust["failed"]:,} | {fmt(locust["served_p99_ms"])} | {fmt(locust["p99_ms"])} |
| wrk players | {crowd["requests"]:,} | {crowd["rate"]:,.0f} | {crowd["statuses"].get("200", 0):,} | \
{crowd["statuses"].get("429", 0) + crowd["statuses"].get("503", 0):,} | {crowd["socket_errors"]:,} socket errors | – | \
{fmt(crowd["p99_ms"])} |

wrk statuses: {statuses}. Server memory (PSS of API, worker, scheduler, Redis, PostgreSQL):
{overload["memory_mib"]["before"]:.0f} MiB before, {overload["memory_mib"]["peak"]:.0f} MiB peak, \
{overload["memory_mib"]["after"]:.0f} MiB after. API workers replaced during the step: \
{overload["api_workers_replaced"]} (abnormal exits in the log: {len(overload["abnormal_exits"])}).
After the drop (Locust players only; time: p99 / refused+failed per half second): {intervals}."""


def method() -> str:
    return """## How the figures are made

* Players: `loadtest/locustfile.py` (FastHttpUser, one request per second each on a fixed schedule with a random
  phase; mix GET /progress 40 %, /rank 15 %, /ranks 10 %, /change/rate 10 %, POST /progress/autosave 10 %,
  actions 15 %). Accounts are signed up through the API before each step (not during its measurement) and a
  player's 400 for lack of money, energy or slots counts as an answer (any other 400 is a failure). Open loop: a
  request sent after its slot (the player was still awaiting the previous answer) counts its latency from the
  slot, and a slot that passed entirely is a failure ("missed slot"). Latencies come from histograms the
  players write (`loadtest/latency.py`), over the measurement window after the players of a step are spawned
  and settled. A step passes with p99 ≤ 100 ms and at most 0.1 % refused or failed requests.
* A 429's cost: wrk against a second API started with a limit that refuses nearly every request (one address
  at 1 request/s on `GET /generator_types`; one player at 1 request/s on `GET /progress`), its CPU per request.
* Server CPU: utime + stime (children included) from /proc of the API (gunicorn master and workers), worker,
  scheduler, Redis and PostgreSQL processes (and nginx for two instances); Locust, wrk and the delaying proxy
  are counted apart. "CPU ms/req" is the same number as CPU seconds per 1,000 requests.
* PostgreSQL statements: `pg_stat_statements` calls (the benchmark's PostgreSQL loads it), including
  BEGIN/COMMIT, excluding the benchmark's own queries; transactions: `pg_stat_database` commits + rollbacks.
  Redis commands: `INFO commandstats`, without the benchmark's INFO calls. Both instances are private to the
  benchmark (ports 25432 and 26379), so nothing else is counted.
* The server runs with production settings except the per-IP, sign-up and per-player rate limits, which are
  raised: all load comes from 127.0.0.1 and wrk drives one player far above 10 requests/s. The limiter still
  runs on every request. In STATE_STORE=postgres the in-flight bound is 128 instead of 32 (requests there hold
  their slots through database round trips; docs/operations.md).
* 50 ms: `loadtest/delayproxy.py` between the server and PostgreSQL adds 25 ms each way to every chunk."""


def problems(results: dict[str, Any]) -> str:
    lines = ["## Incidents in this run", ""]
    lines += [f"* {error['phase']}: failed with `{error['error']}`" for error in results["errors"]]
    lines += [f"* {name}: skipped (over the time budget)" for name in results["skipped"]]
    lines += [f"* {note}" for note in results.get("notes", [])]
    return "\n".join(lines)


# plot -------------------------------------------------------------------------------------------------------
LineStyle = Literal[":", "--", "-"]
STYLES: tuple[tuple[str, LineStyle], ...] = (("p50_ms", ":"), ("p95_ms", "--"), ("p99_ms", "-"))


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(13, 5))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for colour, (mode, rows) in zip(colours, results["modes"].items(), strict=False):
        players = [r["players"] for r in rows]
        for key, style in STYLES:
            latency.plot(players, [r[key] for r in rows], style, color=colour, marker="o", ms=3)
        throughput.plot(players, [r["rate"] for r in rows], "-", color=colour, marker="o", ms=3, label=mode)
    latency.axhline(100, color="grey", lw=0.8)
    latency.set(xlabel="players (1 request/s each)", ylabel="latency, ms (log)", yscale="log",
                title="Latency percentiles (line at the 100 ms p99 target)")  # fmt: skip
    top = max((r["players"] for rows in results["modes"].values() for r in rows), default=1)
    throughput.plot([0, top], [0, top], color="grey", lw=0.8, label="1 request/s per player")
    throughput.set(xlabel="players (1 request/s each)", ylabel="requests/s", title="Throughput")
    if results["modes"]:
        from matplotlib.lines import Line2D

        styles = [Line2D([], [], color="black", linestyle=style, label=key[:3]) for key, style in STYLES]
        latency.legend(
            handles=styles, fontsize=7, loc="lower right", title="colours: see right", title_fontsize=7
        )
        throughput.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)

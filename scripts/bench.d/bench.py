#!/usr/bin/env python3
"""Helpers of scripts/bench (standard library only). Subcommands:

    rusage OUT.json -- CMD ARGS...   run CMD (its stdout and stderr pass through), then write its
                                     wall time, user and sys CPU seconds and peak RSS (KB) to OUT.json
    snapshot STATE_DIR OUT.json      CPU seconds of the reference stack's processes (auth server,
                                     API, postgres with its backends) and the requests in their logs
    pack REPORTS BEFORE AFTER RUSAGE  the full pack's figures against their targets
    scenarios DIR CHECK N [ROUNDS]   one scenario file: CHECK (isolation | concurrency) with N users
    scaling-row CHECK N REPORTS BEFORE AFTER RUSAGE   one run's row for `scaling`
    scaling ROWS.json                the scaling table from the rows the bench collected
    many DIR N                       N valid scenario files (several checks), for `validate`
    token AUTH_URL                   sign a new user up through Better Auth and print a JWT
    versus ROWS.json                 conformance next to Schemathesis
"""

from __future__ import annotations

import json
import os
import re
import resource
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FALL SHORT"


# --- CPU time -------------------------------------------------------------------------------

def rusage(out: str, cmd: list[str]) -> int:
    start = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    status = subprocess.call(cmd)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # ru_maxrss of RUSAGE_CHILDREN is the largest of the waited-for children: here the one command.
    Path(out).write_text(json.dumps({
        "wall": wall, "user": after.ru_utime - before.ru_utime, "sys": after.ru_stime - before.ru_stime,
        "maxrss_kb": after.ru_maxrss, "status": status,
    }))
    return status


def _stat(pid: int) -> tuple[int, float, float] | None:
    """(ppid, own CPU seconds, CPU seconds of its reaped children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # After the command name: state ppid ... utime(12) stime(13) cutime(14) cstime(15), 0-based from state.
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, (int(fields[13]) + int(fields[14])) / TICK


def process_cpu(pid: int) -> float:
    """A server's CPU time: its own, its reaped children's (postgres backends that ended) and its
    live descendants' (backends still connected)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (s := _stat(int(entry))):
            parents.setdefault(s[0], []).append(int(entry))
    total, todo, first = 0.0, [pid], True
    while todo:
        p = todo.pop()
        s = _stat(p)
        if s:
            total += s[1] + (s[2] if first else 0.0)  # a descendant's reaped children are in its parent's figure once reaped
        first = False
        todo.extend(parents.get(p, []))
    return total


def snapshot(state: str, out: str) -> None:
    folder = Path(state)
    pids = {p.stem: int(p.read_text().split()[0]) for p in (folder / "pids").glob("*.pid")}
    postmaster = folder / "pg" / "data" / "postmaster.pid"
    if postmaster.exists():
        pids["postgres"] = int(postmaster.read_text().split()[0])
    requests = {}
    for log in (folder / "logs").glob("*.log"):
        with open(log, "rb") as f:
            requests[log.stem] = sum(1 for line in f if b' HTTP/1.' in line and b"INFO:" in line)
    Path(out).write_text(json.dumps({"cpu": {name: process_cpu(pid) for name, pid in pids.items()}, "requests": requests}))


def _delta(before: dict, after: dict, key: str) -> dict[str, float]:
    return {k: after[key].get(k, 0) - before[key].get(k, 0) for k in after[key]}


# --- the full pack --------------------------------------------------------------------------

def pack(reports: str, before_file: str, after_file: str, usage_file: str) -> None:
    before, after = json.loads(Path(before_file).read_text()), json.loads(Path(after_file).read_text())
    usage = json.loads(Path(usage_file).read_text())
    wall = usage["wall"]
    try:
        results = json.loads(Path(reports, "results.json").read_text())
    except (OSError, ValueError) as e:
        print(f"full pack: no results.json ({e}); exit status {usage['status']}")
        return
    stated = results["seconds"]
    cpu, sent = _delta(before, after, "cpu"), _delta(before, after, "requests")
    app_cpu = sum(cpu.values())
    harness_cpu = usage["user"] + usage["sys"]
    requests = sum(sent.values())
    counts = results.get("counts", {})
    console = Path(reports, "console.txt").read_text(errors="replace")
    timing = re.search(r"reports ([0-9.]+) s, redaction ([0-9.]+) s", console)
    gap = (wall - stated) / wall * 100 if wall else 0
    share = harness_cpu / app_cpu * 100 if app_cpu else 0
    print(f"full Phase II pack against the reference app (exit status {usage['status']}; "
          f"{sum(counts.values())} cases: " + ", ".join(f"{v} {k}" for k, v in counts.items() if v) + ")")
    print(f"  wall time:                 {wall:8.2f} s")
    print(f"  results.json seconds:      {stated:8.2f} s   wall − stated {gap:.1f} % (target < 10 %)  {verdict(gap < 10)}")
    print(f"  requests sent (app logs):  {requests:8d}     " + ", ".join(f"{k} {int(v)}" for k, v in sorted(sent.items())) +
          f"; {requests / wall:.0f} req/s")
    print(f"  harness CPU (user+sys):    {harness_cpu:8.2f} s   ({harness_cpu / max(requests, 1) * 1e3:.2f} ms per request)")
    print(f"  app CPU (auth+api+pg):     {app_cpu:8.2f} s   " + ", ".join(f"{k} {v:.2f} s" for k, v in sorted(cpu.items())))
    print(f"  harness / app CPU:         {share:8.1f} %   (target ≤ 25 %)  {verdict(share <= 25)}")
    print(f"  harness peak RSS:          {usage['maxrss_kb'] / 1024:8.1f} MB")
    if timing:
        reports_s, redaction = float(timing.group(1)), float(timing.group(2))
        print(f"  report writing:            {reports_s:8.2f} s")
        print(f"  redaction, whole run:      {redaction:8.2f} s   {redaction / wall * 100:.2f} % of the wall time (target < 5 %)  "
              f"{verdict(redaction / wall * 100 < 5)}")


# --- scaling --------------------------------------------------------------------------------

def scenarios(folder: str, check: str, n: int, rounds: int = 3) -> None:
    users = [f"s{check[:3]}{n}u{i}" for i in range(1, n + 1)]
    step = {"check": "isolation", "with": {"resource": "tasks", "objectsPerUser": 1}} if check == "isolation" else \
           {"check": "concurrency", "with": {"resource": "tasks", "users": n, "rounds": rounds}}
    doc = {"id": f"BENCH-{check}-{n}", "criterion": "SC-004", "title": f"bench: {check} with {n} users",
           "users": users, "steps": [step]}
    Path(folder).mkdir(parents=True, exist_ok=True)
    Path(folder, f"bench-{check}-{n}.json").write_text(json.dumps(doc, indent=2) + "\n")


def scaling_row(check: str, n: str, reports: str, before_file: str, after_file: str, usage_file: str) -> None:
    """One line of JSON for `scaling`: the run's cases, seconds, requests and harness CPU."""
    before, after = json.loads(Path(before_file).read_text()), json.loads(Path(after_file).read_text())
    usage = json.loads(Path(usage_file).read_text())
    results = json.loads(Path(reports, "results.json").read_text())
    suite = results["suites"][0]
    sent = _delta(before, after, "requests")
    print(json.dumps({"check": check, "users": int(n), "cases": sum(suite["counts"].values()),
                      "seconds": results["seconds"], "requests": int(sum(sent.values())),
                      "api_requests": int(sent.get("api", 0)),
                      "signup_seconds": results.get("signUps", {}).get("seconds", 0.0),
                      "cpu": usage["user"] + usage["sys"], "counts": suite["counts"]}))


def scaling(rows_file: str) -> None:
    """Time per request three ways: the whole run's seconds over all its requests; the check's,
    the run's seconds less the users' creation (results.json `signUps`: a cost per user, most
    of it the auth server's password hashing) over the API's requests, which the verdict is on;
    and the marginal time, the extra seconds over the extra requests from one size to the next."""
    rows = [json.loads(line) for line in Path(rows_file).read_text().splitlines() if line.strip()]
    for check in ("isolation", "concurrency"):
        mine = [r for r in rows if r["check"] == check]
        if not mine:
            continue
        print(f"scaling: {check} (one `conformance run` per size; requests counted in the app's logs)")
        print("  users  cases  cases/(n(n-1))  requests  run s  sign-ups s  ms/req whole  ms/req check  ms/req marginal  harness CPU ms/req")
        marginal, check_ms = [], []
        for i, r in enumerate(mine):
            whole = r["seconds"] / max(r["requests"], 1) * 1e3
            m = ""
            if i:
                p = mine[i - 1]
                extra = r["requests"] - p["requests"]
                if extra > 0:
                    marginal.append((r["seconds"] - p["seconds"]) / extra * 1e3)
                    m = f"{marginal[-1]:.2f}"
            n = r["users"]
            signups = r.get("signup_seconds", 0.0)
            api = r.get("api_requests", 0)
            in_check = (r["seconds"] - signups) / api * 1e3 if api else 0.0
            if api:
                check_ms.append(in_check)
            print(f"  {n:5d}  {r['cases']:5d}  {r['cases'] / (n * (n - 1)):14.2f}  {r['requests']:8d}  {r['seconds']:5.1f}  "
                  f"{signups:10.2f}  {whole:12.2f}  {in_check:12.2f}  {m:>15}  {r['cpu'] / max(r['requests'], 1) * 1e3:18.3f}")
        if check_ms and min(check_ms) > 0:
            flat = max(check_ms) / min(check_ms)
            # The worst rise from a smaller size to a bigger one: what "nothing grows faster than
            # the requests" rules out. A fall (fixed costs spread over more requests, more probes
            # in flight at once) is no rise.
            rise = max(check_ms[j] / check_ms[i] for i in range(len(check_ms)) for j in range(i, len(check_ms)))
            trend = "falls" if check_ms[-1] < check_ms[0] else "rises"
            print(f"  time per request in the check (users' creation apart) max/min: {flat:.2f} (target ≤ 1.5)  "
                  f"{verdict(flat <= 1.5)} — it {trend} with the users")
            print(f"  its largest rise from a smaller size to a bigger: {rise:.2f} (≤ 1.5: nothing grows faster than the requests)  "
                  f"{verdict(rise <= 1.5)}")
        if marginal and min(marginal) > 0:
            print(f"  marginal time per request max/min: {max(marginal) / min(marginal):.2f} (for reference: "
                  "each size's extra users' creation falls on few extra requests at small sizes)")
        cpu = [r["cpu"] / max(r["requests"], 1) for r in mine[1:]]
        if cpu and min(cpu) > 0:
            print(f"  harness CPU per request max/min (4 users and up): {max(cpu) / min(cpu):.2f}")
        if check == "isolation":
            ratios = [r["cases"] / (r["users"] * (r["users"] - 1)) for r in mine]
            spread = max(ratios) / min(ratios)
            print(f"  cases per ordered pair max/min: {spread:.2f} (target: cases grow as users², ≤ 1.5)  {verdict(spread <= 1.5)}")
        else:
            print(f"  cases: {', '.join(str(r['cases']) for r in mine)} — one per rule at every size; "
                  f"requests per user: {', '.join(str(round(r['requests'] / r['users'])) for r in mine)}")


# --- validate -------------------------------------------------------------------------------

MANY_STEPS = [
    [{"check": "isolation", "with": {"resource": "tasks", "objectsPerUser": 1}}],
    [{"check": "concurrency", "with": {"resource": "tasks", "rounds": 4}}],
    [{"check": "massAssignment", "with": {"resource": "tasks"}}, {"check": "ownership"}],
    [{"check": "load", "with": {"seconds": 2, "concurrency": 8, "p95Ms": 200, "users": 2}}],
]


def many(folder: str, n: int) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        steps = MANY_STEPS[i % len(MANY_STEPS)]
        doc = {"id": f"GEN-{i:05d}", "criterion": "SC-008" if steps[0]["check"] == "load" else "SC-004", "title": f"generated scenario {i}",
               "tags": ["generated"], "users": [f"g{i}a", f"g{i}b", f"g{i}c"], "steps": steps}
        (out / f"gen-{i:05d}.json").write_text(json.dumps(doc) + "\n")


# --- Schemathesis ---------------------------------------------------------------------------

def token(auth_url: str) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    email = f"bench-st-{secrets.token_hex(4)}@example.com"
    body = json.dumps({"email": email, "password": secrets.token_urlsafe(16), "name": "bench"}).encode()
    request = urllib.request.Request(f"{auth_url}/api/auth/sign-up/email", data=body, method="POST",
                                     headers={"content-type": "application/json", "origin": auth_url})
    session = json.load(opener.open(request, timeout=30))["token"]
    request = urllib.request.Request(f"{auth_url}/api/auth/token", headers={"authorization": f"Bearer {session}"})
    print(json.load(opener.open(request, timeout=30))["token"])


def versus(rows_file: str) -> None:
    rows = [json.loads(line) for line in Path(rows_file).read_text().splitlines() if line.strip()]
    print("conformance vs Schemathesis (wall time to a verdict; what each found)")
    print(f"  {'app':<28} {'tool':<12} {'wall s':>7}  found")
    for r in rows:
        print(f"  {r['app']:<28} {r['tool']:<12} {r['wall']:7.1f}  {r['found']}")
    pack = [r for r in rows if r["tool"] == "conformance" and r["app"] == "clean"]
    st = [r for r in rows if r["tool"] == "schemathesis" and r["app"] == "clean"]
    if pack and st:
        p, s = pack[0]["wall"], st[0]["wall"]
        print(f"  Phase II pack {p:.1f} s vs Schemathesis' run {s:.1f} s, clean app: ratio {p / s:.2f} "
              f"(target ≤ 1.00)  {verdict(p <= s)}")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, args = argv[0], argv[1:]
    if command == "rusage":
        return rusage(args[0], args[2:] if args[1:2] == ["--"] else args[1:])
    if command == "snapshot":
        snapshot(*args)
    elif command == "pack":
        pack(*args)
    elif command == "scenarios":
        scenarios(args[0], args[1], int(args[2]), *(int(a) for a in args[3:]))
    elif command == "scaling-row":
        scaling_row(*args)
    elif command == "scaling":
        scaling(args[0])
    elif command == "many":
        many(args[0], int(args[1]))
    elif command == "token":
        token(args[0])
    elif command == "versus":
        versus(args[0])
    else:
        print(f"bench.py: unknown subcommand {command}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

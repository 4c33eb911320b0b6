"""Run CRF files through the command line's doors in this (sub)process, bounded.

``python door_driver.py JOB.json``: for each file of the job, run ``validate --out``,
``cohort --json`` and ``report --out --no-figures`` through ``her2desk.cli.main`` with
stdout/stderr captured, under an address-space limit, and print one JSON record per
door (exit code, output, any escaped traceback, seconds) plus the process's peak
resident memory. A native abort kills the process: the caller sees it as such.
"""
from __future__ import annotations

import contextlib
import io
import json
import resource
import sys
import time
import traceback
from pathlib import Path

LIMIT_AS = 3 << 30          # a safety net; the bound asserted is the peak RSS below


def run_door(argv: list[str]) -> dict:
    from her2desk.cli import main

    out, err = io.StringIO(), io.StringIO()
    start = time.monotonic()
    cpu0 = _cpu()
    escaped = ""
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001 - the thing under test
            escaped = traceback.format_exc()
            code = -1
    return {"argv": argv, "code": code, "stdout": out.getvalue(), "stderr": err.getvalue(),
            "traceback": escaped, "seconds": time.monotonic() - start, "cpu": _cpu() - cpu0}


def _cpu() -> float:
    """CPU seconds of this process: the time bound must not depend on how loaded the machine is."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))
    job = json.loads(Path(sys.argv[1]).read_text())
    records = []
    for item in job:
        crf, out = item["path"], Path(item["out"])
        out.mkdir(parents=True, exist_ok=True)
        records.append(run_door(["validate", crf, "--out", str(out / "findings.xlsx")]))
        records.append(run_door(["cohort", crf, "--json", str(out / "cohort.json")]))
        doors = 2
        if item.get("report", True):
            records.append(run_door(["report", crf, "--out", str(out / "report"), "--no-figures"]))
            doors = 3
        for r in records[-doors:]:
            r["case"] = item["name"]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"records": records, "peak_mb": peak_kb / 1024}))


if __name__ == "__main__":
    main()

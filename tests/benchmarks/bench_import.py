"""Import benchmark: build a 100,000-patient flat CRF workbook and time reading it.

Run as a script (not collected by pytest)::

    python tests/benchmarks/bench_import.py [--patients 100000] [--keep DIR]

Prints the time to write the workbook (openpyxl write_only) and to read it with
``read_crf`` using calamine and openpyxl, and checks both engines agree.
Validation and derivation are timed on the calamine read.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402

from her2desk.crf import codebook as cb  # noqa: E402
from her2desk.cohort.derive import derive_cohort  # noqa: E402
from her2desk.cohort.settings import StudySettings  # noqa: E402
from her2desk.crf.reader import read_crf  # noqa: E402
from her2desk.crf.validate import validate_crf  # noqa: E402


def _value(f: cb.Field, rng: random.Random, base: dt.datetime):
    if f.name == "patient_id":
        return None  # filled by caller
    if rng.random() < 0.08:
        return None
    if f.type == cb.DATE:
        d = base + dt.timedelta(days=rng.randrange(0, 3650))
        r = rng.random()
        return d if r < 0.85 else d.strftime("%Y-%m-%d") if r < 0.95 else d.strftime("%Y/%-m/%-d")
    if f.type == cb.INTEGER:
        lo, hi = int(f.min or 0), int(f.max if f.max is not None else 100)
        return rng.randint(lo, min(hi, 90))
    if f.type == cb.NUMBER:
        return round(rng.uniform(0.5, 8.0), 2)
    if f.type == cb.PERCENT:
        v = rng.choice([0, 1, 5, 10, 30, 45, 60, 80, 90, 95])
        return f"{v}%" if rng.random() < 0.3 else v
    if f.type == cb.CODE:
        c = rng.choice(f.codes)
        return rng.choice((c.code, c.label, *c.synonyms))
    if f.type == cb.YESNO:
        return rng.choice(["Yes", "No", "yes", "no", "Y", "N", 1, 0, "unknown", "是", "否"])
    if f.type == cb.TEXT:
        return rng.choice(["trastuzumab+pertuzumab", "pyrotinib", "trastuzumab", "liver", "lung"])
    return None


def build(path: Path, patients: int, seed: int = 7) -> float:
    rng = random.Random(seed)
    fields = [f for f in cb.FIELDS]
    base = dt.datetime(2012, 1, 1)
    t0 = time.perf_counter()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("CRF")
    ws.append(["HER2 cohort CRF export"])            # a title row above the header
    ws.append([f.name for f in fields])
    for i in range(patients):
        row = [_value(f, rng, base) for f in fields]
        row[0] = f"P{i + 1:06d}"
        ws.append(row)
    wb.save(path)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patients", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="folder to keep the workbook in")
    ap.add_argument("--skip-openpyxl", action="store_true")
    args = ap.parse_args(argv)

    folder = args.keep or Path(tempfile.mkdtemp(prefix="her2desk-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"flat_{args.patients}.xlsx"
    if not path.exists():
        secs = build(path, args.patients)
        print(f"write  {args.patients:>7,} patients x {len(cb.FIELDS)} fields "
              f"(openpyxl write_only): {secs:6.1f} s, {path.stat().st_size / 1e6:.1f} MB")

    results = {}
    engines = ["calamine"] + ([] if args.skip_openpyxl else ["openpyxl"])
    for engine in engines:
        t0 = time.perf_counter()
        data = read_crf(path, mapping={}, engine=engine)
        secs = time.perf_counter() - t0
        results[engine] = data
        print(f"read_crf engine={engine:<9} {secs:6.2f} s  "
              f"({len(data.forms['patients']):,} patients, {len(data.problems):,} findings)")
    if len(results) == 2:
        a, b = results["calamine"], results["openpyxl"]
        for form in cb.FORMS:
            pd.testing.assert_frame_equal(a.forms[form], b.forms[form])
        print("engines agree: identical form tables")

    data = results["calamine"]
    settings = StudySettings()
    t0 = time.perf_counter()
    report = validate_crf(data, cutoff=settings.cutoff, fish_threshold=settings.fish_threshold)
    print(f"validate_crf               {time.perf_counter() - t0:6.2f} s  "
          f"({report.n_errors:,} errors, {report.n_warnings:,} warnings)")
    t0 = time.perf_counter()
    cohort = derive_cohort(data, settings, list(report.findings))
    print(f"derive_cohort              {time.perf_counter() - t0:6.2f} s  "
          f"({int(cohort['eligible'].sum()):,} eligible)")


if __name__ == "__main__":
    main()

"""Benchmark (a script, not a test): the full study report on the sample and on 100,000 patients.

    python tests/benchmarks/bench_report.py [--n 100000]

The large cohort resamples the sample's eligible patients with replacement (new IDs), so every
analysis has realistic structure. Where ``Rscript`` with the survival package is on PATH,
``bench_report.R`` (beside this file) does the same analyses run_study does — every table
test, pCR and grade test, KM comparison with its log-rank and Cox HR, reverse-KM follow-up,
Cox model and PH test — on the same patients (one CSV per analysis; reading them is not
timed), and ``ratio her2desk/R`` is printed with both peak memories.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from her2desk.analysis.cox_models import BY_VARIABLE, skip_reason  # noqa: E402
from her2desk.analysis.endpoints import ENDPOINTS, STANDARD_COMPARISONS, endpoint_frame  # noqa: E402
from her2desk.analysis.neoadjuvant import REGIMENS, neoadjuvant_population  # noqa: E402
from her2desk.analysis.study import run_study  # noqa: E402
from her2desk.analysis.tables import HR_GROUPS, TABLE_SPECS, flag, population  # noqa: E402
from her2desk.cohort.loading import flowchart, load_study  # noqa: E402
from her2desk.report.study_report import write_study_report  # noqa: E402
from her2desk.resources import sample_study_path  # noqa: E402

R_SCRIPT = Path(__file__).with_name("bench_report.R")
MB = 1024.0  # ru_maxrss is in KiB on Linux


def write_r_jobs(cohort: pd.DataFrame, results, folder: Path) -> int:
    """One CSV per analysis run_study did (same patients, same groups), listed in jobs.csv,
    for bench_report.R: every table test, pCR/grade test, KM comparison with its log-rank
    and Cox HR, reverse-KM follow-up and Cox model with its PH test."""
    jobs: list[dict] = []

    def add(kind: str, frame: pd.DataFrame, **spec) -> None:
        name = f"job{len(jobs):03d}.csv"
        frame.to_csv(folder / name, index=False)
        jobs.append({"kind": kind, "file": name, "ref": spec.get("ref", ""),
                     "drop": spec.get("drop", ""), "vars": spec.get("vars", ""),
                     "refs": spec.get("refs", "")})

    grouping = results.grouping
    for key in ("table1", "table2", "table3"):
        frame = population(cohort, key)
        for row in TABLE_SPECS[key][1]:
            data = pd.DataFrame({"v": frame[row.variable], "g": frame[grouping]})
            if row.kind == "continuous":
                add("cont", data)
            else:
                drop = () if row.include_unknown_in_test else row.unknown_levels
                add("cat", data, drop="|".join(map(str, drop)))
    neo = neoadjuvant_population(cohort)
    regimen = neo["neoadjuvant_regimen"]
    subsets = [(neo, "hr_status", "HR-/HER2+"), (neo, "er_pr_subgroup", "ER+/PR+"),
               (neo, "neoadjuvant_regimen", "chemotherapy only")]
    subsets += [(neo[neo["hr_status"] == hr], "neoadjuvant_regimen", "chemotherapy only")
                for hr in HR_GROUPS]
    subsets += [(neo[regimen == reg], "er_pr_subgroup", "ER+/PR+") for reg in REGIMENS[1:]]
    for frame, column, ref in subsets:
        if len(frame):
            add("cat", pd.DataFrame({"v": frame["pcr"].astype(object), "g": frame[column]}), ref=ref)
            add("cat", pd.DataFrame({"v": frame["miller_payne_grade"], "g": frame[column]}))
    for spec in STANDARD_COMPARISONS:
        tcol, ecol, _ = ENDPOINTS[spec.endpoint]
        frame = endpoint_frame(cohort, spec.endpoint, spec.subset,
                               columns=[spec.grouping] if spec.grouping else [])
        if spec.grouping:
            frame = frame[frame[spec.grouping].notna()]
            g = frame[spec.grouping].astype(object).map(lambda v: spec.labels.get(v, str(v)))
        else:
            g = pd.Series("All", index=frame.index)
        if len(frame):
            ref = spec.labels.get(spec.reference, str(spec.reference)) if spec.reference is not None else ""
            add("km", pd.DataFrame({"t": frame[tcol].astype(float), "e": frame[ecol].astype(float),
                                    "g": g}), ref=ref)
    eligible = cohort[flag(cohort["eligible"])]
    for label in ("All", *HR_GROUPS):
        frame = eligible if label == "All" else eligible[eligible["hr_status"] == label]
        known = frame["followup_months"].notna() & frame["os_event"].notna()
        add("revkm", pd.DataFrame({"t": frame.loc[known, "followup_months"].astype(float),
                                   "e": frame.loc[known, "os_event"].astype(float)}))
    for model in (results.cox.models if results.cox is not None else ()):
        tcol, ecol, _ = ENDPOINTS[model.endpoint]
        frame = endpoint_frame(cohort, model.endpoint, columns=list(model.variables))
        variables = [v for v in model.variables if skip_reason(frame, v) is None]
        data = frame[variables].astype(object).copy()
        data["t"], data["e"] = frame[tcol].astype(float), frame[ecol].astype(float)
        add("cox", data, vars=",".join(variables),
            refs=",".join(BY_VARIABLE[v].reference for v in variables),
            drop=",".join("|".join(BY_VARIABLE[v].drop_levels) for v in variables))
    pd.DataFrame(jobs).to_csv(folder / "jobs.csv", index=False)
    return len(jobs)


def timed(label: str, fn):
    t0 = time.perf_counter()
    out = fn()
    print(f"  {label:<38} {time.perf_counter() - t0:8.2f} s")
    return out


def bench(cohort, settings, label: str) -> None:
    print(f"{label}: {len(cohort):,} admitted patients")
    t0 = time.perf_counter()
    results = run_study(cohort, settings, flowchart=flowchart(cohort))
    ours = time.perf_counter() - t0
    print(f"  {'run_study (all analyses)':<44} {ours:8.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        timed("write report.xlsx + results.json", lambda: write_study_report(results, Path(tmp)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / MB
    print(f"  {'peak memory of this process so far':<44} {peak:8.0f} MB")
    rscript = shutil.which("Rscript")
    if not rscript:
        print("  (Rscript not found: R comparison skipped; apt-get install r-base-core r-cran-survival)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        n_jobs = write_r_jobs(cohort, results, Path(tmp))
        out = subprocess.run([rscript, str(R_SCRIPT), tmp], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"  R failed: {out.stderr.strip()[-400:]}")
        return
    r_seconds, r_jobs = out.stdout.split()[-2:]
    r_seconds = float(r_seconds)
    r_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / MB
    print(f"  {f'R survival, the same {r_jobs} analyses':<44} {r_seconds:8.2f} s"
          f"  (peak memory {r_peak:.0f} MB, CSV reading not timed)")
    print(f"  ratio her2desk/R = {ours / max(r_seconds, 1e-9):.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    study = timed("load sample (read, validate, derive)", lambda: load_study(sample_study_path()))
    bench(study.cohort, study.settings, "Sample study")
    rng = np.random.default_rng(1)
    eligible = study.cohort[study.cohort["eligible"]]
    idx = rng.integers(0, len(eligible), args.n)       # every one of the n patients is analysed
    big = eligible.iloc[idx].reset_index(drop=True)
    big["patient_id"] = [f"B{i:06d}" for i in range(args.n)]
    # Replacing a column leaves the frame's blocks unconsolidated, and then every boolean
    # selection in the analyses re-merges them (a third of run_study's time at 100,000).
    # The loader's cohort is consolidated; make this one so too.
    big = big.copy()
    bench(big, study.settings, "Resampled eligible cohort")


if __name__ == "__main__":
    main()

"""Benchmark (a script, not a test): the full study report on the sample and on 100,000 patients.

    python tests/benchmarks/bench_report.py [--n 100000]

The large cohort resamples the sample's eligible patients with replacement (new IDs), so every
analysis has realistic structure. Where ``Rscript`` with the survival package is on PATH,
the same KM, log-rank and Cox work is timed in R beside ours.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from her2desk.analysis.study import run_study  # noqa: E402
from her2desk.cohort.loading import flowchart, load_study  # noqa: E402
from her2desk.report.study_report import write_study_report  # noqa: E402
from her2desk.resources import sample_study_path  # noqa: E402

R_SCRIPT = r"""
suppressMessages(library(survival))
d <- read.csv(commandArgs(TRUE)[1])
d$g <- factor(d$hr_status, levels = c("HR-/HER2+", "HR+/HER2+"))
t <- system.time({
  km <- survfit(Surv(os_months, os_event) ~ g, data = d)
  km2 <- survfit(Surv(dfs_months, dfs_event) ~ g, data = d)
  lr <- survdiff(Surv(os_months, os_event) ~ g, data = d)
  c1 <- coxph(Surv(os_months, os_event) ~ g, data = d)
  c2 <- coxph(Surv(dfs_months, dfs_event) ~ g + age_group + histological_grade + t_stage +
              n_stage + ki67_group + adjuvant_her2_targeted, data = d)
})
cat(sprintf("%.3f\n", t[["elapsed"]]))
"""


def timed(label: str, fn):
    t0 = time.perf_counter()
    out = fn()
    print(f"  {label:<38} {time.perf_counter() - t0:8.2f} s")
    return out


def bench(cohort, settings, label: str) -> None:
    print(f"{label}: {len(cohort):,} admitted patients")
    results = timed("run_study (all analyses)", lambda: run_study(cohort, settings,
                                                                  flowchart=flowchart(cohort)))
    with tempfile.TemporaryDirectory() as tmp:
        timed("write report.xlsx + results.json", lambda: write_study_report(results, Path(tmp)))
    rscript = shutil.which("Rscript")
    if rscript:
        with tempfile.TemporaryDirectory() as tmp:
            csv = Path(tmp) / "cohort.csv"
            cols = ["os_months", "os_event", "dfs_months", "dfs_event", "hr_status", "age_group",
                    "histological_grade", "t_stage", "n_stage", "ki67_group",
                    "adjuvant_her2_targeted"]
            frame = cohort[cohort["eligible"]][cols].copy()
            for c in ("os_event", "dfs_event"):
                frame[c] = frame[c].astype("float")
            frame.replace({"Tx": None, "Nx": None}).to_csv(csv, index=False)
            script = Path(tmp) / "bench.R"
            script.write_text(R_SCRIPT)
            out = subprocess.run([rscript, str(script), str(csv)], capture_output=True, text=True)
            if out.returncode == 0:
                print(f"  {'R survival (KM x2, log-rank, Cox x2)':<38} {float(out.stdout.strip()):8.2f} s")
            else:
                print(f"  R failed: {out.stderr.strip()[:200]}")
    else:
        print("  (Rscript not found: R comparison skipped)")


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
    bench(big, study.settings, "Resampled eligible cohort")


if __name__ == "__main__":
    main()

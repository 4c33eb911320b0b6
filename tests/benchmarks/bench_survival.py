"""Benchmark (a script, not a test): survival analyses on a 100,000-row synthetic cohort.

    python tests/benchmarks/bench_survival.py [--n 100000] [--repeat 3]

Times her2desk's KM x2, log-rank, univariate and 6-covariate Cox (Efron), then,
if ``Rscript`` is on PATH, the same work in R (data via a temporary CSV, timed
inside R with ``system.time`` so R start-up and CSV reading are excluded), and
prints both side by side with the largest coefficient difference.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from her2desk.analysis.cox import fit_cox  # noqa: E402
from her2desk.analysis.survival import kaplan_meier, logrank_test  # noqa: E402

COVS = ["trt", "age", "nodes", "grade3", "er_pos", "size_mm"]


def make_cohort(n: int, seed: int = 20240601) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "trt": rng.integers(0, 2, n),
        "age": np.round(rng.normal(55, 11, n)),
        "nodes": rng.poisson(2.0, n),
        "grade3": rng.integers(0, 2, n),
        "er_pos": (rng.random(n) < 0.55).astype(int),
        "size_mm": np.round(rng.gamma(4, 6, n)),
    })
    lp = (-0.35 * df.trt + 0.01 * (df.age - 55) + 0.08 * df.nodes + 0.4 * df.grade3
          - 0.2 * df.er_pos + 0.01 * df.size_mm)
    ev_time = rng.exponential(1 / (0.008 * np.exp(lp)))
    cens = rng.uniform(6, 150, n)
    # months to one decimal: realistic ties
    df["months"] = np.round(np.maximum(np.minimum(ev_time, cens), 0.05), 1)
    df["event"] = (ev_time <= cens).astype(int)
    return df


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def run_python(df: pd.DataFrame, repeat: int) -> tuple[dict[str, float], np.ndarray]:
    res: dict[str, float] = {}
    g0, g1 = df[df.trt == 0], df[df.trt == 1]
    res["KM x2"], _ = best_of(lambda: (kaplan_meier(g0.months, g0.event),
                                       kaplan_meier(g1.months, g1.event)), repeat)
    res["log-rank"], _ = best_of(lambda: logrank_test(df.months, df.event, df.trt), repeat)
    res["Cox univariate"], _ = best_of(lambda: fit_cox(df, "months", "event", ["trt"]), repeat)
    res["Cox 6 covariates"], fit = best_of(lambda: fit_cox(df, "months", "event", COVS), repeat)
    res["total"] = sum(res.values())
    return res, fit.coef  # type: ignore[union-attr]


R_CODE = r"""
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
el <- function(expr) unname(system.time(expr)["elapsed"])
t_km <- el({survfit(Surv(months, event) ~ 1, data = d[d$trt == 0, ]);
            survfit(Surv(months, event) ~ 1, data = d[d$trt == 1, ])})
t_lr <- el(survdiff(Surv(months, event) ~ trt, data = d))
t_u <- el(coxph(Surv(months, event) ~ trt, data = d))
t_m <- el(fit <- coxph(Surv(months, event) ~ trt + age + nodes + grade3 + er_pos + size_mm, data = d))
cat(sprintf("TIME %s %.6f\n", c("KM x2", "log-rank", "Cox univariate", "Cox 6 covariates"),
            c(t_km, t_lr, t_u, t_m)), sep = "")
cat("COEF", sprintf("%.12g", coef(fit)), "\n")
"""


def run_r(df: pd.DataFrame) -> tuple[dict[str, float], np.ndarray] | None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "cohort.csv")
        script = os.path.join(tmp, "bench.R")
        df.to_csv(csv, index=False)
        Path(script).write_text(R_CODE)
        out = subprocess.run([rscript, script, csv], capture_output=True, text=True, check=True).stdout
    res: dict[str, float] = {}
    coef = np.array([])
    for line in out.splitlines():
        if line.startswith("TIME "):
            name, val = line[5:].rsplit(" ", 1)
            res[name] = float(val)
        elif line.startswith("COEF"):
            coef = np.array([float(v) for v in line.split()[1:]])
    res["total"] = sum(res.values())
    return res, coef


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs (Python side)")
    args = ap.parse_args()

    df = make_cohort(args.n)
    print(f"synthetic cohort: {len(df):,} rows, {int(df.event.sum()):,} events, "
          f"{df.months.nunique():,} distinct times, covariates {COVS}")
    py, py_coef = run_python(df, args.repeat)
    r = run_r(df)
    print(f"\n{'step':<20}{'her2desk (s)':>14}{'R survival (s)':>16}")
    for k in py:
        rv = f"{r[0][k]:16.3f}" if r and k in r[0] else f"{'-':>16}"
        print(f"{k:<20}{py[k]:14.3f}{rv}")
    if r is None:
        print("\nRscript not found on PATH: R timings skipped.")
    elif r[1].size == py_coef.size:
        rel = np.max(np.abs(py_coef - r[1]) / np.abs(r[1]))
        print(f"\nmax relative difference of the 6 Cox coefficients vs R: {rel:.2e}")


if __name__ == "__main__":
    main()

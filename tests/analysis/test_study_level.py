"""Study-level compositions: populations, NaN handling, reference groups, edge cohorts."""
import numpy as np
import pandas as pd
import pytest

from her2desk.analysis.study import followup_summary
from her2desk.analysis.tables import population


def test_missing_eligibility_is_not_eligible(sample_study):
    cohort = sample_study.cohort.copy()
    eligible_ids = cohort.loc[cohort["eligible"], "patient_id"].head(5).tolist()
    flags = cohort["eligible"].astype(object)
    flags[cohort["patient_id"].isin(eligible_ids)] = np.nan    # NaN used to count as True
    cohort["eligible"] = flags
    assert len(population(cohort, "table1")) == 828 - 5
    mbc = population(sample_study.cohort, "table3")
    assert len(mbc) == 263
    cohort2 = sample_study.cohort.copy()
    cohort2["mbc"] = cohort2["mbc"].astype(object).where(~cohort2["patient_id"].isin(
        mbc["patient_id"].head(3)), None)
    assert len(population(cohort2, "table3")) == 260


def test_followup_with_missing_death_flag(sample_study):
    cohort = sample_study.cohort.copy()
    base = {f.group: f for f in followup_summary(cohort)}
    ids = cohort.loc[cohort["eligible"] & (cohort["os_event"] == False), "patient_id"].head(40)  # noqa: E712
    cohort.loc[cohort["patient_id"].isin(ids), "os_event"] = pd.NA
    after = {f.group: f for f in followup_summary(cohort)}
    # Observed follow-up still counts every patient with a follow-up time ...
    assert after["All"].n == base["All"].n
    assert after["All"].median == base["All"].median
    # ... and the reverse KM runs without the unknown flags (it used to fail or count them as deaths).
    assert np.isfinite(after["All"].reverse_km_median)

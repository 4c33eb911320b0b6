"""Receptor calls — ER, PR, HR status and HER2 — made once, from one version of the data.

Eligibility (who is HER2-positive, whose ER/PR is unknown), the derived variables
(HR group, ER/PR subgroup, Table 1's HER2 row), receptor conversion and HER2
heterogeneity all read the calls of :func:`receptor_calls`, computed on the CRF
*after* validation masked its error cells, so a cell validation rejects is missing
for every one of them alike.

HER2 status of one assay (``her2_call``): IHC 3+ is positive; IHC 2+ is positive
when the FISH HER2/CEP17 ratio is ≥ ``settings.fish_threshold``, negative below it
and *unknown* without FISH; IHC 0/1+ is negative. A patient is HER2-positive when
the primary tumour **or any biopsy of metastatic tissue** is positive — the only
reading under which the paper's Table S7 HER2 negative→positive conversion among
eligible patients is possible. When nothing is positive and the primary is IHC 2+
without FISH (or has no IHC at all), her status is unknown; otherwise negative.

ER or PR is positive at ≥ 1 % stained nuclei; HR-positive means ER+ or PR+, and
HR status is unknown when either is unknown.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .settings import StudySettings

POSITIVE, NEGATIVE, UNKNOWN = "positive", "negative", "unknown"
RECEPTOR_POSITIVE_PERCENT = 1.0  # ER/PR positive: ≥ 1 % of tumour cells stained

REBIOPSY_COLUMNS = ("patient_id", "rebiopsy_date", "rebiopsy_her2_ihc", "rebiopsy_her2_fish_ratio")


# ---- single assays --------------------------------------------------------------------------

def receptor_positive(percent: pd.Series) -> pd.Series:
    """ER or PR positive (≥ 1 % nuclear staining) as a nullable boolean; missing stays missing."""
    values = pd.to_numeric(percent, errors="coerce")
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    known = values.notna()
    out[known] = values[known] >= RECEPTOR_POSITIVE_PERCENT
    return out


def hr_positive(er_percent: pd.Series, pr_percent: pd.Series) -> pd.Series:
    """HR+ = ER+ or PR+; HR− = both negative; missing when either is unknown."""
    er, pr = receptor_positive(er_percent), receptor_positive(pr_percent)
    out = (er | pr).astype("boolean")
    out[er.isna() | pr.isna()] = pd.NA
    return out


def her2_call(ihc: pd.Series, fish_ratio: pd.Series, threshold: float) -> pd.Series:
    """HER2 status of one assay: 'positive' / 'negative' / 'unknown', NaN when no IHC.

    IHC 3+ → positive; 2+ → positive if FISH ratio ≥ threshold, negative if below,
    unknown without FISH; 0 or 1+ → negative. The ratio is compared at 6 decimals, so a
    ratio computed in Excel (``=6.6/3`` is 2.1999999999999997) is 2.2, on the threshold.
    """
    ihc = ihc.astype("object")
    fish = pd.to_numeric(fish_ratio, errors="coerce").round(6)
    threshold = round(float(threshold), 6)
    out = pd.Series(np.nan, index=ihc.index, dtype="object")
    out[ihc.isin(["0", "1+"])] = NEGATIVE
    out[ihc == "3+"] = POSITIVE
    two = ihc == "2+"
    out[two & fish.isna()] = UNKNOWN
    out[two & (fish >= threshold)] = POSITIVE
    out[two & (fish < threshold)] = NEGATIVE
    return out


def call_to_bool(call: pd.Series) -> pd.Series:
    """'positive' → True, 'negative' → False, anything else missing (nullable boolean)."""
    return call.map({POSITIVE: True, NEGATIVE: False}).astype("boolean")


def rebiopsy_her2_calls(rebiopsies: pd.DataFrame | None, settings: StudySettings) -> pd.DataFrame:
    """Rebiopsy rows in date order (then file order) with a ``her2_call`` column."""
    frame = (pd.DataFrame(columns=list(REBIOPSY_COLUMNS)) if rebiopsies is None
             else rebiopsies.copy())
    for col in REBIOPSY_COLUMNS:
        if col not in frame:
            frame[col] = np.nan
    frame["_order"] = np.arange(len(frame))
    if len(frame):
        frame = frame.sort_values(["patient_id", "rebiopsy_date", "_order"], na_position="last",
                                  kind="mergesort")
    frame["her2_call"] = her2_call(frame["rebiopsy_her2_ihc"], frame["rebiopsy_her2_fish_ratio"],
                                   settings.fish_threshold)
    return frame


# ---- one patient's calls ----------------------------------------------------------------------

def _her2_label(ihc: pd.Series) -> pd.Series:
    return ihc.map({"3+": "IHC 3+", "2+": "IHC 2+ and FISH+"})


@dataclass(frozen=True)
class ReceptorCalls:
    """Every receptor call of the admitted patients, aligned to the patient frame's index.

    ``er_positive``/``pr_positive``/``hr_positive`` are nullable booleans of the primary
    tumour; ``primary_her2`` the primary's HER2 call; ``her2`` the patient-level HER2
    status (positive/negative/unknown); ``her2_positive`` a non-null boolean;
    ``her2_label`` Table 1's HER2 row ("IHC 3+" / "IHC 2+ and FISH+") for HER2-positive
    patients; ``rebiopsies`` the rebiopsy rows in date order with their ``her2_call``.
    """
    er_positive: pd.Series
    pr_positive: pd.Series
    hr_positive: pd.Series
    primary_her2: pd.Series
    her2: pd.Series
    her2_positive: pd.Series
    her2_label: pd.Series
    rebiopsies: pd.DataFrame


def receptor_calls(patients: pd.DataFrame, rebiopsies: pd.DataFrame | None,
                   settings: StudySettings) -> ReceptorCalls:
    """All receptor calls for ``patients`` (one row each) and their ``rebiopsies``."""
    primary = her2_call(patients["her2_ihc"], patients["her2_fish_ratio"],
                        settings.fish_threshold)
    reb = rebiopsy_her2_calls(rebiopsies, settings)
    positive_reb = reb[reb["her2_call"] == POSITIVE]
    ids = patients["patient_id"]
    on_rebiopsy = ids.isin(set(positive_reb["patient_id"])).to_numpy()
    status = primary.copy()
    status[primary.isna()] = UNKNOWN
    status[on_rebiopsy] = POSITIVE
    is_positive = pd.Series(status == POSITIVE, index=patients.index, dtype=bool)

    first_positive = (positive_reb.drop_duplicates("patient_id")
                      .set_index("patient_id")["rebiopsy_her2_ihc"])
    label = _her2_label(patients["her2_ihc"]).where(primary == POSITIVE)
    label = label.where(label.notna(), _her2_label(ids.map(first_positive)))
    return ReceptorCalls(
        er_positive=receptor_positive(patients["er_percent"]),
        pr_positive=receptor_positive(patients["pr_percent"]),
        hr_positive=hr_positive(patients["er_percent"], patients["pr_percent"]),
        primary_her2=primary,
        her2=status,
        her2_positive=is_positive,
        her2_label=label.where(is_positive),
        rebiopsies=reb,
    )


def patient_her2_status(patients: pd.DataFrame, rebiopsies: pd.DataFrame | None,
                        settings: StudySettings) -> pd.Series:
    """Patient-level HER2 status: positive in the primary or any rebiopsy → 'positive';
    else 'unknown' when the primary is unknown or untested; else 'negative'."""
    return receptor_calls(patients, rebiopsies, settings).her2

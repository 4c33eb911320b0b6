"""The derived cohort's schema: every column, its dtype, and the study's group vocabulary.

One row per admitted patient leaves :func:`her2desk.cohort.derive.derive_cohort`
with exactly these columns. Groupings are ordered pandas categoricals whose
categories are the labels the paper's tables print, in the paper's order (the
first category of a comparison's grouping is not necessarily its reference: see
``reference``); flags are non-null booleans; times are floats (months). The
labels are defined here once: analysis, report and ui import them instead of
spelling them again, so a renamed level cannot leave one table behind.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# ---- the group vocabulary ------------------------------------------------------------------

HR_POS, HR_NEG = "HR+/HER2+", "HR-/HER2+"
HR_GROUPS: tuple[str, ...] = (HR_POS, HR_NEG)
#: Hazard ratios and odds compare HR+ against this group (the paper's reference).
HR_REFERENCE = HR_NEG
ER_PP, ER_PN, ER_NP, ER_NN = "ER+/PR+", "ER+/PR-", "ER-/PR+", "ER-/PR-"
ER_PR_GROUPS: tuple[str, ...] = (ER_PP, ER_PN, ER_NP, ER_NN)

YES, NO = "Yes", "No"
YES_NO: tuple[str, ...] = (YES, NO)

AGE_GROUPS = ("<50", ">=50")
ECOG_GROUPS = ("0-1", "2+")
MENOPAUSAL_STATUS = ("Premenopausal", "Postmenopausal")
AFFECTED_BREAST = ("Left", "Right")
HISTOLOGICAL_TYPES = ("IDC", "Non-IDC")
HISTOLOGICAL_GRADES = ("I/II", "III")
HER2_STATUS = ("IHC 3+", "IHC 2+ and FISH+")
ER_PERCENT_GROUPS = ("<10%", "10-49%", ">=50%")
PR_PERCENT_GROUPS = ("<20%", ">=20%")
KI67_GROUPS = ("<=30%", ">30%")
T_STAGES = ("T1", "T2", "T3", "T4", "Tx")
N_STAGES = ("N0", "N1", "N2", "N3", "Nx")
TNM_STAGES = ("I-III", "IV")
SURGERY = ("Radical mastectomy", "BCS and other", "No surgery")
MBC_TYPES = ("Recurrent", "De novo")
VISCERAL_SITE_COUNTS = ("0", "1", "2", "3")

NEO_CT, NEO_T, NEO_TP = ("chemotherapy only", "trastuzumab + chemotherapy",
                         "trastuzumab + pertuzumab + chemotherapy")
NEOADJUVANT_REGIMENS: tuple[str, ...] = (NEO_CT, NEO_T, NEO_TP)

#: Table 4 classes in the paper's order.
FL_CLASSES: tuple[str, ...] = (
    "HER2-targeted + chemotherapy -> endocrine", "HER2-targeted + chemotherapy",
    "HER2-targeted + endocrine", "chemotherapy -> endocrine", "chemotherapy only",
    "HER2-targeted only", "endocrine only", "no systemic treatment")
FL_TARGETS = ("single-target", "dual-target")
FL_SUBCLASSES: tuple[str, ...] = tuple(
    f"{t} + {c.replace('HER2-targeted + ', '', 1)}" for c in FL_CLASSES[:3] for t in FL_TARGETS)

CONVERSIONS = ("concordant", "pos->neg", "neg->pos")
OS_ORIGINS = ("surgery", "diagnosis")

MET_SITES = ("lung", "liver", "brain_cns", "bone", "distant_lymph_node", "other")
AXILLARY_NODES = ("Negative", "Positive")


# ---- the columns ---------------------------------------------------------------------------

CATEGORY, FLAG, NULLABLE_FLAG, FLOAT, INTEGER, ID, TEXT, FIELDS = (
    "category", "flag", "nullable flag", "float", "integer", "id", "text", "fields")


@dataclass(frozen=True)
class Column:
    """One derived column: its kind and, for a grouping, its ordered levels."""
    name: str
    kind: str
    levels: tuple[str, ...] = ()
    reference: str | None = None

    @property
    def dtype(self) -> object:
        if self.kind == CATEGORY:
            return pd.CategoricalDtype(list(self.levels), ordered=True)
        return {FLAG: np.dtype(bool), NULLABLE_FLAG: pd.BooleanDtype(), FLOAT: np.dtype(float),
                INTEGER: pd.Int64Dtype(), ID: np.dtype(object), TEXT: np.dtype(object),
                FIELDS: np.dtype(object)}[self.kind]


def _cat(name: str, levels: tuple[str, ...], reference: str | None = None) -> Column:
    return Column(name, CATEGORY, tuple(levels), reference)


_YN = YES_NO
COLUMNS: tuple[Column, ...] = (
    Column("patient_id", ID),
    Column("eligible", FLAG),
    Column("exclusion_reason", TEXT),          # a rule key of cohort.eligibility, None if eligible
    Column("exclusion_fields", FIELDS),        # tuple of the fields behind that rule
    Column("age_at_diagnosis", FLOAT),
    _cat("age_group", AGE_GROUPS),
    _cat("ecog_ps", ECOG_GROUPS),
    _cat("menopausal_status", MENOPAUSAL_STATUS),
    _cat("affected_breast", AFFECTED_BREAST),
    _cat("family_history", _YN),
    _cat("histological_type", HISTOLOGICAL_TYPES),
    _cat("histological_grade", HISTOLOGICAL_GRADES),
    Column("her2_positive", FLAG),
    _cat("her2_status", HER2_STATUS),
    _cat("er_percent_group", ER_PERCENT_GROUPS),
    _cat("pr_percent_group", PR_PERCENT_GROUPS),
    _cat("ki67_group", KI67_GROUPS),
    _cat("t_stage", T_STAGES),
    _cat("n_stage", N_STAGES),
    _cat("axillary_nodes", AXILLARY_NODES, "Negative"),
    _cat("tnm_stage", TNM_STAGES),
    Column("followup_months", FLOAT),
    _cat("hr_status", HR_GROUPS, HR_REFERENCE),
    _cat("er_pr_subgroup", ER_PR_GROUPS),
    _cat("surgery", SURGERY),
    _cat("neoadjuvant_therapy", _YN),
    _cat("neoadjuvant_her2_targeted", _YN),
    _cat("adjuvant_therapy", _YN),
    _cat("adjuvant_radiotherapy", _YN),
    _cat("adjuvant_chemotherapy", _YN),
    _cat("adjuvant_her2_targeted", _YN),
    _cat("adjuvant_endocrine", _YN),
    _cat("neoadjuvant_regimen", NEOADJUVANT_REGIMENS),
    Column("miller_payne_grade", INTEGER),
    Column("pcr", NULLABLE_FLAG),
    Column("mbc", FLAG),
    Column("de_novo", NULLABLE_FLAG),
    _cat("mbc_type", MBC_TYPES),
    *(_cat("site_" + s, _YN) for s in MET_SITES),
    _cat("site_visceral", _YN),
    *(_cat("metastasis_" + s, _YN, NO) for s in MET_SITES),
    _cat("visceral_site_count", VISCERAL_SITE_COUNTS),
    *(_cat("first_site_" + s, _YN) for s in MET_SITES),
    _cat("first_site_visceral", _YN),
    _cat("first_line_class", FL_CLASSES),
    _cat("first_line_targets", FL_TARGETS),
    _cat("first_line_subclass", FL_SUBCLASSES),
    _cat("first_line_endocrine_any", _YN),
    _cat("sequential_endocrine", _YN),
    Column("os_months", FLOAT),
    Column("os_event", NULLABLE_FLAG),
    _cat("os_origin", OS_ORIGINS),
    Column("dfs_population", FLAG),
    Column("dfs_months", FLOAT),
    Column("dfs_event", NULLABLE_FLAG),
    Column("advanced_os_months", FLOAT),
    Column("advanced_os_event", NULLABLE_FLAG),
    Column("pfs_months", FLOAT),
    Column("pfs_event", NULLABLE_FLAG),
    Column("receptor_conversion_assessable", FLAG),
    _cat("er_conversion", CONVERSIONS),
    _cat("pr_conversion", CONVERSIONS),
    _cat("her2_conversion", CONVERSIONS),
    Column("her2_heterogeneity", NULLABLE_FLAG),
    _cat("her2_heterogeneity_seen", _YN, NO),
)
COLUMN_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}

#: Every grouping column -> its ordered levels (the baseline tables' group order).
LEVELS: dict[str, tuple[str, ...]] = {c.name: c.levels for c in COLUMNS if c.kind == CATEGORY}


class CohortSchemaError(ValueError):
    """The derived cohort does not have the columns or dtypes of :data:`COLUMNS` (a bug)."""


def as_category(values: pd.Series, name: str) -> pd.Series:
    """``values`` as the ordered categorical of column ``name``; an unknown label is an error."""
    column = COLUMN_BY_NAME[name]
    out = values.astype("object").astype(column.dtype)
    stray = values.notna() & out.isna()
    if stray.any():
        bad = sorted({str(v) for v in values[stray]})
        raise CohortSchemaError(f"Column {name} has values outside its levels: {', '.join(bad)}.")
    return out


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every schema column cast to its dtype, in schema order."""
    out = {}
    for column in COLUMNS:
        if column.name not in frame:
            raise CohortSchemaError(f"The derived cohort has no column {column.name}.")
        values = frame[column.name]
        if column.kind == CATEGORY:
            values = as_category(values, column.name)
        elif column.kind == FLAG:
            if values.isna().any():
                raise CohortSchemaError(f"Flag column {column.name} has missing values.")
            values = values.astype(bool)
        else:   # ids, texts and field tuples are object even in an empty cohort
            values = values.astype(column.dtype)
        out[column.name] = values
    return pd.DataFrame(out, index=frame.index)


def check_schema(frame: pd.DataFrame) -> None:
    """Raise :class:`CohortSchemaError` unless ``frame`` has exactly the schema's columns,
    in order, each with its dtype (and flags without missing values)."""
    names = [c.name for c in COLUMNS]
    if list(frame.columns) != names:
        extra = [c for c in frame.columns if c not in COLUMN_BY_NAME]
        missing = [c for c in names if c not in frame.columns]
        raise CohortSchemaError(
            "The derived cohort's columns differ from the schema"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; not in the schema: {', '.join(extra)}" if extra else "")
            + ("" if missing or extra else "; same columns, different order") + ".")
    for column in COLUMNS:
        dtype = frame[column.name].dtype
        if dtype != column.dtype:
            raise CohortSchemaError(f"Column {column.name} is {dtype}, the schema says "
                                    f"{column.dtype}.")
    if not frame["patient_id"].is_unique:
        raise CohortSchemaError("The derived cohort has a patient more than once.")

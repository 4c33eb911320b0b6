"""The study's Cox models (Tables S5–S6): univariate screens and the multivariate model for OS and DFS.

Which covariates, with which reference levels, is study knowledge and lives here;
the fitting itself is :func:`cox.fit_cox`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ..i18n import N_
from ..cohort.schema import (CATEGORY, COLUMNS, ER_NN, FLAG, FLOAT, HR_REFERENCE, INTEGER,
                             NO, NULLABLE_FLAG, YES, YES_NO)
from .cox import PH_ALPHA, CoxResult, PHTestResult, dummies, estimable, fit_cox, ph_test
from .endpoints import DFS, ENDPOINTS, OS, endpoint_frame

#: The "level" of a continuous covariate's single term (hazard ratio per unit).
PER_UNIT = "per unit"


@dataclass(frozen=True)
class Covariate:
    """A column as a Cox covariate: its label, reference level and where it is screened.

    ``endpoints``: the endpoints whose univariate screen (Tables S5–S6) includes it; a
    covariate can still be ticked for any endpoint's multivariate model. ``continuous``:
    entered as a number (one term, hazard ratio per unit), not as levels.
    """
    variable: str
    label: str
    reference: str
    drop_levels: tuple[str, ...] = ()     # levels treated as missing (e.g. Tx, Nx)
    endpoints: tuple[str, ...] = (OS, DFS)
    continuous: bool = False


_OS = (OS,)
_SITE_LABELS = (("liver", "Liver metastasis"), ("brain_cns", "Brain/CNS metastasis"),
                ("lung", "Lung metastasis"), ("bone", "Bone metastasis"),
                ("distant_lymph_node", "Distant lymph node metastasis"),
                ("other", "Other metastatic site"))

#: The univariate screen of Tables S5–S6, in the tables' order: HR status, every baseline
#: (Table 1) and early-treatment (Table 2) variable, HER2 status, HER2 heterogeneity,
#: axillary nodes and the metastatic sites. Reference levels are the favourable or usual
#: level ("No", the lower stage or grade, IHC 3+). TNM stage, HER2 heterogeneity and the
#: metastatic sites are screened for OS only: DFS excludes de novo stage IV, and a
#: heterogeneity shown at a metastasis rebiopsy or a metastatic site is the DFS event itself.
COVARIATES: tuple[Covariate, ...] = (
    Covariate("hr_status", "HR status", HR_REFERENCE),
    Covariate("age_group", "Age at diagnosis", "<50"),
    Covariate("ecog_ps", "ECOG performance status", "0-1"),
    Covariate("menopausal_status", "Menopausal status", "Premenopausal"),
    Covariate("affected_breast", "Affected breast", "Left"),
    Covariate("family_history", "Family history of tumour", NO),
    Covariate("histological_type", "Histological type", "IDC"),
    Covariate("histological_grade", "Histological grade", "I/II"),
    Covariate("her2_status", "HER2 status", "IHC 3+"),
    Covariate("er_percent_group", "ER expression", "<10%"),
    Covariate("pr_percent_group", "PR expression", "<20%"),
    Covariate("ki67_group", "Ki-67", "<=30%"),
    Covariate("t_stage", "T stage", "T1", ("Tx",)),
    Covariate("n_stage", "N stage", "N0", ("Nx",)),
    Covariate("axillary_nodes", "Axillary lymph nodes", "Negative"),
    Covariate("tnm_stage", "TNM stage", "I-III", endpoints=_OS),
    Covariate("surgery", "Surgery", "Radical mastectomy"),
    Covariate("neoadjuvant_therapy", "Neoadjuvant therapy", NO),
    Covariate("neoadjuvant_her2_targeted", "Neoadjuvant HER2-targeted therapy", NO),
    Covariate("adjuvant_therapy", "Adjuvant therapy", NO),
    Covariate("adjuvant_radiotherapy", "Adjuvant radiotherapy", NO),
    Covariate("adjuvant_chemotherapy", "Adjuvant chemotherapy", NO),
    Covariate("adjuvant_her2_targeted", "Adjuvant HER2-targeted therapy", NO),
    Covariate("adjuvant_endocrine", "Adjuvant endocrine therapy", NO),
    Covariate("her2_heterogeneity_seen", "HER2 heterogeneity", NO, endpoints=_OS),
    *(Covariate(f"metastasis_{key}", label, NO, endpoints=_OS) for key, label in _SITE_LABELS),
)

#: The multivariate "paper's model" of each endpoint: exactly the covariates the paper names
#: as independent factors (Results, Tables S5–S6).
PAPER_MODEL: dict[str, tuple[str, ...]] = {
    OS: ("hr_status", "ki67_group", "her2_heterogeneity_seen", "her2_status", "axillary_nodes",
         "neoadjuvant_therapy", "adjuvant_her2_targeted", "metastasis_liver",
         "metastasis_brain_cns"),
    DFS: ("hr_status", "axillary_nodes", "adjuvant_radiotherapy", "adjuvant_her2_targeted"),
}


def paper_model(endpoint: str) -> tuple[str, ...]:
    """The paper's multivariate model of ``endpoint`` (OS's for an endpoint it has none for)."""
    return PAPER_MODEL.get(endpoint, PAPER_MODEL[OS])


#: Derived columns that are no covariate: identifiers, eligibility, the endpoints themselves.
_NOT_COVARIATES = frozenset({
    "patient_id", "eligible", "exclusion_reason", "exclusion_fields", "her2_positive",
    "followup_months", "os_origin", "dfs_population", "receptor_conversion_assessable",
    *(c.name for c in COLUMNS if c.name.endswith(("_months", "_event")))})


_SITE_WORDS = {"lung": "lung", "liver": "liver", "brain_cns": "brain/CNS", "bone": "bone",
               "distant_lymph_node": "distant lymph node", "other": "other", "visceral": "visceral"}
#: Labels of columns outside the screen whose name does not read as words.
_GENERIC_LABELS = {
    "pcr": "pCR", "mbc": "MBC", "de_novo": "De novo MBC", "mbc_type": "MBC type",
    "miller_payne_grade": "Miller–Payne grade", "neoadjuvant_regimen": "Neoadjuvant regimen",
    "visceral_site_count": "Number of visceral sites (MBC)",
    "her2_heterogeneity": "HER2 heterogeneity (≥ 2 HER2 assays)",
    "first_line_class": "First-line treatment", "first_line_targets": "First-line HER2 targets",
    "first_line_subclass": "First-line treatment (targets)",
    "first_line_endocrine_any": "First-line endocrine therapy",
    "sequential_endocrine": "Endocrine maintenance", "er_conversion": "ER conversion",
    "pr_conversion": "PR conversion", "her2_conversion": "HER2 conversion",
    **{f"site_{k}": f"Metastatic site (MBC): {v}" for k, v in _SITE_WORDS.items()},
    **{f"first_site_{k}": f"First metastatic site: {v}" for k, v in _SITE_WORDS.items()},
}


def _generic(column) -> Covariate | None:
    """Any other derived column as a covariate, with a sensible reference level."""
    if column.name in _NOT_COVARIATES:
        return None
    label = _GENERIC_LABELS.get(column.name) or column.name.replace("_", " ").capitalize()
    if column.kind == CATEGORY:
        if column.reference is not None:
            ref = column.reference
        elif set(column.levels) == set(YES_NO):
            ref = NO
        else:
            ref = column.levels[0]
        return Covariate(column.name, label, ref)
    if column.kind in (FLAG, NULLABLE_FLAG):
        return Covariate(column.name, label, NO)
    if column.kind in (FLOAT, INTEGER):
        return Covariate(column.name, label, "", continuous=True)
    return None


_EXTRA = {"er_pr_subgroup": Covariate("er_pr_subgroup", "ER/PR subgroup", ER_NN),
          "age_at_diagnosis": Covariate("age_at_diagnosis", "Age at diagnosis (years)", "",
                                        continuous=True)}
_SCREENED = {c.variable for c in COVARIATES}
#: Every derived column a coordinator can tick as a covariate: the screen's first, then the rest
#: of the schema's groupings, flags and numbers in the schema's order.
ALL_COVARIATES: tuple[Covariate, ...] = COVARIATES + tuple(
    cov for cov in (_EXTRA.get(c.name) or _generic(c) for c in COLUMNS
                    if c.name not in _SCREENED) if cov is not None)
BY_VARIABLE = {c.variable: c for c in ALL_COVARIATES}


def covariate_values(frame: pd.DataFrame, cov: Covariate) -> pd.Series:
    """The covariate's values as the model sees them: levels as text (flags as Yes/No),
    dropped levels and missing as None; numbers as floats for a continuous covariate."""
    s = frame[cov.variable]
    if cov.continuous:
        return pd.to_numeric(s, errors="coerce").astype(float)
    if pd.api.types.is_bool_dtype(s.dtype):
        s = s.astype("boolean").map({True: YES, False: NO})
    s = s.astype("object")
    s = s.where(~s.isin(cov.drop_levels))
    return s.where(s.notna(), None)


@dataclass(frozen=True)
class CoxTerm:
    variable: str
    label: str
    level: str
    reference: str
    hazard_ratio: float
    ci: tuple[float, float]
    p_value: float
    ph_p: float | None = None          # cox.zph P of the whole covariate (all its levels)
    #: Why the term has no estimate ("" when it has one), e.g. collinear with earlier terms.
    not_estimable: str = ""
    converged: bool = True             # the model's Cox fit converged

    @property
    def estimable(self) -> bool:
        """A hazard ratio worth printing: no reason against it (collinear, constant) and
        :func:`her2desk.analysis.cox.estimable` (converged, finite and positive)."""
        return not self.not_estimable and estimable(self.hazard_ratio, self.ci, self.converged)

    @property
    def ph_flagged(self) -> bool:
        """The covariate's proportional-hazards check failed (P < PH_ALPHA)."""
        return self.ph_p is not None and self.ph_p < PH_ALPHA


@dataclass(frozen=True)
class CoxModel:
    endpoint: str
    kind: str                       # "univariate" | "multivariate"
    variables: tuple[str, ...]
    terms: tuple[CoxTerm, ...]
    n: int
    events: int
    n_dropped: int
    converged: bool
    warnings: tuple[str, ...]
    ph_global_p: float | None
    ph_flags: tuple[str, ...]
    skipped: tuple[str, ...] = ()   # ticked covariates left out of the design, each with its reason


@dataclass(frozen=True)
class CoxResults:
    ties: str
    models: tuple[CoxModel, ...]
    notes: tuple[str, ...] = ()         # models that could not be fitted, and why

    def multivariate(self, endpoint: str) -> CoxModel:
        return next(m for m in self.models if m.endpoint == endpoint and m.kind == "multivariate")

    def univariate(self, endpoint: str) -> tuple[CoxModel, ...]:
        return tuple(m for m in self.models if m.endpoint == endpoint and m.kind == "univariate")

    def as_dict(self) -> dict:
        def num(x):
            return None if x is None or not np.isfinite(x) else float(x)
        return {"ties": self.ties, "notes": list(self.notes), "models": [{
            "endpoint": m.endpoint, "kind": m.kind, "variables": list(m.variables),
            "n": m.n, "events": m.events, "n_dropped": m.n_dropped, "converged": m.converged,
            "warnings": list(m.warnings), "skipped": list(m.skipped), "ph_global_p": num(m.ph_global_p),
            "terms": [{"variable": t.variable, "level": t.level, "reference": t.reference,
                       "hazard_ratio": num(t.hazard_ratio), "ci": [num(t.ci[0]), num(t.ci[1])],
                       "p_value": num(t.p_value), "ph_p": num(t.ph_p),
                       "estimable": t.estimable,
                       "not_estimable_reason": t.not_estimable or None} for t in m.terms]}
            for m in self.models]}


def model_cautions(model: CoxModel) -> tuple[str, ...]:
    """Immortal-time cautions of a model: one per covariate known after the endpoint's origin."""
    from .endpoints import immortal_time_caution

    return tuple(c for c in (immortal_time_caution(v, model.endpoint, BY_VARIABLE[v].label)
                             for v in model.variables) if c)


def skip_reason(frame: pd.DataFrame, var: str) -> str | None:
    """Why a covariate cannot enter a model on these patients (None when it can).

    A covariate needs its reference level and at least one other level (a continuous one:
    two different values).
    """
    cov = BY_VARIABLE[var]
    return _skip_reason_of(cov, covariate_values(frame, cov))


def _skip_reason_of(cov: Covariate, s: pd.Series, levels: list | None = None) -> str | None:
    """:func:`skip_reason` on the covariate's values (and their levels) already computed."""
    if levels is None:
        levels = [lv for lv in pd.unique(s.dropna())]
    if not levels:
        return N_(f"{cov.label} left out: no patient has a recorded value.")
    if len(levels) == 1:
        return N_(f"{cov.label} left out: every patient has the same value ({levels[0]}).")
    if not cov.continuous and cov.reference not in levels:
        return N_(f"{cov.label} left out: no patient in the reference level {cov.reference}.")
    return None


def design_with_skips(frame: pd.DataFrame, variables: Sequence[str]
                      ) -> tuple[pd.DataFrame, list[tuple], list[str]]:
    """As :func:`design`, plus one plain sentence per covariate left out, saying why."""
    parts, meta, skipped = [], [], []
    for var in variables:
        cov = BY_VARIABLE[var]
        s = covariate_values(frame, cov)            # once per covariate (100,000 rows)
        levels = [lv for lv in pd.unique(s.dropna())]
        reason = _skip_reason_of(cov, s, levels)
        if reason is not None:
            skipped.append(reason)
            continue
        if cov.continuous:
            parts.append(s.rename(f"{var}={PER_UNIT}").to_frame())
            meta.append((var, PER_UNIT))
            continue
        cat = pd.Categorical(s, categories=[cov.reference] + sorted(l for l in levels if l != cov.reference))
        d = dummies(pd.Series(cat, index=frame.index, name=var), reference=cov.reference,
                    prefix=f"{var}=")
        parts.append(d)
        meta += [(var, str(c).split("=", 1)[1]) for c in d.columns]
    x = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=frame.index)
    return x, meta, skipped


def design(frame: pd.DataFrame, variables: Sequence[str]) -> tuple[pd.DataFrame, list[tuple]]:
    """0/1 columns for the chosen covariates; returns the matrix and (variable, level) per column.

    Covariates without their reference level and another level are left out; see
    :func:`design_with_skips` for the reasons.
    """
    x, meta, _ = design_with_skips(frame, variables)
    return x, meta


class ModelNotFitted(ValueError):
    """A Cox model that cannot be fitted on these data (no events, no estimable covariate)."""


def fit_model(cohort: pd.DataFrame, endpoint: str, variables: Sequence[str], *,
              ties: str = "efron", kind: str = "multivariate",
              frame: pd.DataFrame | None = None) -> CoxModel | None:
    """Fit one model; None when no covariate has its reference level and another level.

    Covariates left out (no reference level, a single level) are named in the model's
    ``skipped`` and, first, in its ``warnings``.

    ``frame``: the endpoint's patients, if the caller already has them (``endpoint_frame``).
    Raises :class:`ModelNotFitted` (a ValueError) when the data cannot support the model.
    """
    tcol, ecol, _ = ENDPOINTS[endpoint]
    if frame is None:
        frame = endpoint_frame(cohort, endpoint, columns=list(variables))
    x, meta, skipped = design_with_skips(frame, variables)
    if x.shape[1] == 0:
        return None
    data = x.copy()
    data["_t"] = frame[tcol].astype(float)
    data["_e"] = frame[ecol].astype(float)
    try:
        fit: CoxResult = fit_cox(data, "_t", "_e", list(x.columns), ties=ties)
    except ValueError as exc:
        raise ModelNotFitted(str(exc)) from None
    # cox.zph tests a factor as one term (T2, T3, T4 together on 3 df), so group its columns.
    columns: dict[str, list[str]] = {}
    for name, (var, _level) in zip(fit.names, meta):
        columns.setdefault(BY_VARIABLE[var].label, []).append(name)
    ph: PHTestResult | None = None
    try:
        ph = ph_test(fit, terms=columns)
    except Exception:  # a PH check must never block the model itself
        ph = None
    ph_by_label = dict(zip(ph.terms, map(float, ph.p))) if ph is not None else {}
    terms = tuple(
        CoxTerm(var, BY_VARIABLE[var].label, level, BY_VARIABLE[var].reference,
                float(fit.hazard_ratio[i]), (float(fit.ci_low[i]), float(fit.ci_high[i])),
                float(fit.p[i]), ph_by_label.get(BY_VARIABLE[var].label),
                not_estimable=_not_estimable(fit, i), converged=bool(fit.converged))
        for i, (var, level) in enumerate(meta))
    return CoxModel(endpoint, kind, tuple(variables), terms, fit.n, fit.events, fit.n_dropped,
                    fit.converged, (*skipped, *fit.warnings),
                    None if ph is None else float(ph.global_test.p),
                    () if ph is None else tuple(ph.flags), tuple(skipped))


#: Reason shown for a term R's coxph would print as NA.
COLLINEAR_REASON = ("collinear with the model's other terms (R's coxph drops it by its "
                    "toler.chol rule: coefficient NA)")


CONSTANT_REASON = ("the same for every patient the model uses (R's coxph: coefficient NA)")


def _not_estimable(fit: CoxResult, i: int) -> str:
    """Why term ``i`` has no usable hazard ratio, in words; "" when it has one."""
    if fit.aliased and fit.aliased[i]:
        if np.ptp(fit.data.x[:, i]) == 0:
            return CONSTANT_REASON
        return COLLINEAR_REASON
    if not fit.converged:
        return "from a Cox fit that did not converge"
    vals = (fit.hazard_ratio[i], fit.ci_low[i], fit.ci_high[i])
    if not all(np.isfinite(v) and v > 0 for v in vals):
        return "not finite (e.g. no events in a level, or too few)"
    return ""


def study_cox_models(cohort: pd.DataFrame, *, ties: str = "efron",
                     multivariate: Sequence[str] | None = None,
                     endpoints: Sequence[str] = (OS, DFS)) -> CoxResults:
    """Tables S5–S6: each endpoint's univariate screen and its multivariate model.

    ``multivariate``: the covariates of every endpoint's multivariate model; None (the
    default) fits each endpoint's paper's model (:data:`PAPER_MODEL`).
    """
    models: list[CoxModel] = []
    notes: list[str] = []

    def attempt(ep: str, variables: Sequence[str], kind: str, what: str) -> None:
        try:
            m = fit_model(cohort, ep, variables, ties=ties, kind=kind, frame=frame)
        except ModelNotFitted as exc:
            notes.append(f"{ep} {what}: not fitted ({exc}).")
            return
        if m is not None:
            models.append(m)
        else:   # no covariate could enter: say which were left out, and why
            reasons = [r for r in (skip_reason(frame, v) for v in variables) if r]
            notes.append(f"{ep} {what}: not fitted. "
                         + (" ".join(reasons) or "No covariate was chosen."))

    for ep in endpoints:
        chosen = [v for v in (paper_model(ep) if multivariate is None else multivariate)
                  if v in cohort.columns]
        screen = [c for c in COVARIATES if ep in c.endpoints and c.variable in cohort.columns]
        used = list(dict.fromkeys([c.variable for c in screen] + chosen))
        frame = endpoint_frame(cohort, ep, columns=used)   # once per endpoint, not per model
        if not frame[ENDPOINTS[ep][1]].astype(bool).any():
            notes.append(f"{ep}: no Cox models, since no patient has an event "
                         f"({len(frame)} patients at risk).")
            continue
        for cov in screen:
            attempt(ep, [cov.variable], "univariate", f"univariate model of {cov.label}")
        attempt(ep, chosen, "multivariate", "multivariate model")
    return CoxResults(ties, tuple(models), tuple(notes))

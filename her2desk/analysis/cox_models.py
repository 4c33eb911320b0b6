"""The study's Cox models (Tables S5–S6): univariate screens and the multivariate model for OS and DFS.

Which covariates, with which reference levels, is study knowledge and lives here;
the fitting itself is :func:`cox.fit_cox`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ..cohort.schema import HR_REFERENCE
from .cox import PH_ALPHA, CoxResult, PHTestResult, dummies, estimable, fit_cox, ph_test
from .endpoints import DFS, ENDPOINTS, OS, endpoint_frame


@dataclass(frozen=True)
class Covariate:
    variable: str
    label: str
    reference: str
    drop_levels: tuple[str, ...] = ()     # levels treated as missing (e.g. Tx, Nx)


COVARIATES: tuple[Covariate, ...] = (
    Covariate("hr_status", "HR status", HR_REFERENCE),
    Covariate("age_group", "Age at diagnosis", "<50"),
    Covariate("menopausal_status", "Menopausal status", "Premenopausal"),
    Covariate("histological_grade", "Histological grade", "I/II"),
    Covariate("t_stage", "T stage", "T1", ("Tx",)),
    Covariate("n_stage", "N stage", "N0", ("Nx",)),
    Covariate("ki67_group", "Ki-67", "<=30%"),
    Covariate("neoadjuvant_therapy", "Neoadjuvant therapy", "No"),
    Covariate("adjuvant_her2_targeted", "Adjuvant HER2-targeted therapy", "No"),
)
BY_VARIABLE = {c.variable: c for c in COVARIATES}
MULTIVARIATE_DEFAULT = ("hr_status", "age_group", "histological_grade", "t_stage", "n_stage",
                        "ki67_group", "adjuvant_her2_targeted")


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

    return tuple(c for c in (immortal_time_caution(v, model.endpoint) for v in model.variables)
                 if c)


def skip_reason(frame: pd.DataFrame, var: str) -> str | None:
    """Why a covariate cannot enter a model on these patients (None when it can).

    A covariate needs its reference level and at least one other level.
    """
    cov = BY_VARIABLE[var]
    s = frame[var].astype("object").where(~frame[var].isin(cov.drop_levels))
    levels = [lv for lv in pd.unique(s.dropna())]
    if not levels:
        return f"{cov.label} left out: no patient has a recorded value."
    if len(levels) == 1:
        return f"{cov.label} left out: every patient has the same value ({levels[0]})."
    if cov.reference not in levels:
        return f"{cov.label} left out: no patient in the reference level {cov.reference}."
    return None


def design_with_skips(frame: pd.DataFrame, variables: Sequence[str]
                      ) -> tuple[pd.DataFrame, list[tuple], list[str]]:
    """As :func:`design`, plus one plain sentence per covariate left out, saying why."""
    parts, meta, skipped = [], [], []
    for var in variables:
        cov = BY_VARIABLE[var]
        reason = skip_reason(frame, var)
        if reason is not None:
            skipped.append(reason)
            continue
        s = frame[var].astype("object").where(~frame[var].isin(cov.drop_levels))
        s = s.where(s.notna(), None)
        levels = [lv for lv in pd.unique(s.dropna())]
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
                     multivariate: Sequence[str] = MULTIVARIATE_DEFAULT,
                     endpoints: Sequence[str] = (OS, DFS)) -> CoxResults:
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

    used = [c.variable for c in COVARIATES if c.variable in cohort.columns]
    used += [v for v in multivariate if v in cohort.columns and v not in used]
    for ep in endpoints:
        frame = endpoint_frame(cohort, ep, columns=used)   # once per endpoint, not per model
        if not frame[ENDPOINTS[ep][1]].astype(bool).any():
            notes.append(f"{ep}: no Cox models, since no patient has an event "
                         f"({len(frame)} patients at risk).")
            continue
        for cov in COVARIATES:
            if cov.variable in cohort.columns:
                attempt(ep, [cov.variable], "univariate", f"univariate model of {cov.label}")
        chosen = [v for v in multivariate if v in cohort.columns]
        attempt(ep, chosen, "multivariate", "multivariate model")
    return CoxResults(ties, tuple(models), tuple(notes))

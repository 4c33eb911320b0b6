"""What changed between two data freezes of one study (``her2desk diff OLD NEW``).

Why: every analysis is rerun on successive freezes, and a coordinator has to explain
each number that moved. This module lines the two freezes up and lists, in this order,
the causes and their effects: patients added and removed, every CRF cell whose text
changed (sheet, row and header as the new file has them, old → new), patients whose
eligibility, exclusion reason or group changed, the new (and withdrawn) events of each
endpoint, and how each headline result moved — the flowchart; per survival comparison
each group's n, events and median, the log-rank P and the hazard ratios; per pCR analysis
each group's n, pCR count and rate and the test's P; per multivariate Cox model its n,
events and every term's HR and P.

Cells are compared as the text read from the file (what the coordinator typed), row by
row of each form: a patient's k-th row of a form in the old freeze against her k-th row
in the new one (one-row forms have one; rebiopsies several). Qt-free and I/O-free: the
caller loads both studies and runs both analyses (:func:`compare_freezes`); the report
layer writes the result (:mod:`her2desk.report.diff_report`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..cohort.loading import LoadedStudy
from ..crf import codebook as cb
from ..crf.model import ROW_COL, SHEET_COL
from .endpoints import ENDPOINTS
from .study import StudyResults

__all__ = ["CellChange", "PatientChange", "EventChange", "ResultChange", "FreezeDiff",
           "compare_freezes", "GROUP_COLUMNS"]

#: Cohort columns whose change for one patient is reported (eligibility and the groupings).
GROUP_COLUMNS = (("eligible", "Eligible"), ("exclusion_reason", "Exclusion reason"),
                 ("hr_status", "HR status"), ("er_pr_subgroup", "ER/PR subgroup"))


@dataclass(frozen=True)
class CellChange:
    patient_id: str
    form: str
    sheet: str                 # as in the new file
    row: int | None            # Excel row in the new file
    field: str                 # codebook field
    column: str                # header as in the new file
    old: str
    new: str


@dataclass(frozen=True)
class PatientChange:
    patient_id: str
    what: str                  # label of GROUP_COLUMNS
    old: str
    new: str


@dataclass(frozen=True)
class EventChange:
    endpoint: str              # plain name, e.g. "Overall survival"
    patient_id: str
    change: str                # "new event" | "event withdrawn" | "entered" | "left"
    old_time: float | None
    new_time: float | None


@dataclass(frozen=True)
class ResultChange:
    section: str               # "Flowchart" or a survival comparison's title
    item: str                  # "Eligible", "HR+/HER2+: median", "log-rank P", ...
    old: float | None
    new: float | None

    @property
    def change(self) -> float | None:
        if self.old is None or self.new is None:
            return None
        return self.new - self.old


@dataclass(frozen=True)
class FreezeDiff:
    old_name: str
    new_name: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    cells: tuple[CellChange, ...]
    patients: tuple[PatientChange, ...]
    events: tuple[EventChange, ...]
    event_counts: tuple[tuple[str, int, int], ...]     # (endpoint, old events, new events)
    results: tuple[ResultChange, ...]                  # every headline number, moved or not

    @property
    def moved(self) -> tuple[ResultChange, ...]:
        """The headline numbers that differ (NaN and None count as the same 'no number')."""
        return tuple(r for r in self.results if not _same(r.old, r.new))


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a == b or abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


def _ids(study: LoadedStudy) -> list[str]:
    ids = study.crf.forms["patients"]["patient_id"].dropna().astype(str)
    return list(dict.fromkeys(ids))


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _keyed_rows(study: LoadedStudy, form: str) -> dict[tuple[str, int], int]:
    """(patient, k) -> row index of the form's k-th row for that patient."""
    raw = study.crf.raw[form]
    out: dict[tuple[str, int], int] = {}
    seen: dict[str, int] = {}
    for i, pid in enumerate(raw["patient_id"].astype(str)):
        if not pid:
            continue
        k = seen.get(pid, 0)
        seen[pid] = k + 1
        out[(pid, k)] = i
    return out


def _cell_changes(old: LoadedStudy, new: LoadedStudy, both: set[str]) -> list[CellChange]:
    out: list[CellChange] = []
    for form in cb.FORMS:
        o_raw, n_raw = old.crf.raw[form], new.crf.raw[form]
        o_rows, n_rows = _keyed_rows(old, form), _keyed_rows(new, form)
        headers = {**old.crf.headers.get(form, {}), **new.crf.headers.get(form, {})}
        fields = [f.name for f in cb.fields_of(form) if f.name != "patient_id"]
        for key in sorted(set(o_rows) | set(n_rows), key=lambda k: (n_rows.get(k, 1 << 30), k)):
            pid, _k = key
            if pid not in both:
                continue
            i, j = o_rows.get(key), n_rows.get(key)
            for name in fields:
                a = _text(o_raw.at[i, name]) if i is not None else ""
                b = _text(n_raw.at[j, name]) if j is not None else ""
                if a == b:
                    continue
                where = n_raw if j is not None else o_raw
                at = j if j is not None else i
                out.append(CellChange(pid, form, str(where.at[at, SHEET_COL]),
                                      int(where.at[at, ROW_COL]), name,
                                      headers.get(name, cb.BY_NAME[name].label), a, b))
    return out


def _shown(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    return str(value)


def _patient_changes(old: LoadedStudy, new: LoadedStudy, both: set[str]) -> list[PatientChange]:
    o = old.cohort.drop_duplicates("patient_id").set_index("patient_id")
    n = new.cohort.drop_duplicates("patient_id").set_index("patient_id")
    order = [p for p in n.index if p in both]
    out = []
    for pid in order:
        for column, label in GROUP_COLUMNS:
            if column not in o.columns or column not in n.columns:
                continue
            a, b = _shown(o.at[pid, column]), _shown(n.at[pid, column])
            if a != b:
                out.append(PatientChange(str(pid), label, a, b))
    return out


def _float(value: object) -> float | None:
    try:
        x = float(value)                    # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _event_changes(old: LoadedStudy, new: LoadedStudy, both: set[str]
                   ) -> tuple[list[EventChange], list[tuple[str, int, int]]]:
    o = old.cohort.drop_duplicates("patient_id").set_index("patient_id")
    n = new.cohort.drop_duplicates("patient_id").set_index("patient_id")
    changes: list[EventChange] = []
    counts: list[tuple[str, int, int]] = []

    def analysed(frame: pd.DataFrame, tcol: str, ecol: str) -> pd.Series:
        ok = frame["eligible"].fillna(False).astype(bool) & frame[tcol].notna() & frame[ecol].notna()
        return ok

    for _endpoint, (tcol, ecol, name) in ENDPOINTS.items():
        if tcol not in o.columns or tcol not in n.columns:
            continue
        in_o, in_n = analysed(o, tcol, ecol), analysed(n, tcol, ecol)
        ev_o = in_o & o[ecol].fillna(False).astype(bool)
        ev_n = in_n & n[ecol].fillna(False).astype(bool)
        counts.append((name, int(ev_o.sum()), int(ev_n.sum())))
        for pid in n.index:
            if pid not in both:
                continue
            a_in, b_in = bool(in_o.get(pid, False)), bool(in_n.get(pid, False))
            a_ev, b_ev = bool(ev_o.get(pid, False)), bool(ev_n.get(pid, False))
            ta, tb = _float(o.at[pid, tcol]) if a_in else None, _float(n.at[pid, tcol]) if b_in else None
            if b_ev and not a_ev:
                changes.append(EventChange(name, str(pid), "new event", ta, tb))
            elif a_ev and not b_ev:
                changes.append(EventChange(name, str(pid), "event withdrawn", ta, tb))
            elif a_in != b_in:
                changes.append(EventChange(name, str(pid), "entered" if b_in else "left", ta, tb))
    return changes, counts


def _headline(results: StudyResults) -> dict[tuple[str, str], float | None]:
    """Every headline number of one analysis, keyed by (section, item), in report order."""
    out: dict[tuple[str, str], float | None] = {}
    flow = results.flowchart
    out[("Flowchart", "Admitted")] = float(flow.admitted)
    for reason, count in flow.excluded.items():
        out[("Flowchart", f"Excluded: {reason}")] = float(count)
    out[("Flowchart", "Eligible")] = float(flow.eligible)
    for group, count in flow.groups.items():
        out[("Flowchart", group)] = float(count)
    for comp in results.survival:
        for g in comp.groups:
            out[(comp.title, f"{g.label}: n")] = float(g.n)
            out[(comp.title, f"{g.label}: events")] = float(g.events)
            out[(comp.title, f"{g.label}: median (months)")] = _float(g.median)
        if comp.logrank is not None:
            out[(comp.title, "log-rank P")] = _float(comp.logrank_p)
        for hr in comp.hazard_ratios:
            what = f"HR {hr.group} vs {hr.reference}"
            out[(comp.title, what)] = _float(hr.hazard_ratio)
            out[(comp.title, f"{what}: 95% CI low")] = _float(hr.ci[0])
            out[(comp.title, f"{what}: 95% CI high")] = _float(hr.ci[1])
            out[(comp.title, f"{what}: P")] = _float(hr.p_value)
    for analysis in getattr(results.neoadjuvant, "analyses", ()):
        section = analysis.title
        for rate in analysis.pcr.rates:
            out[(section, f"{rate.group}: n")] = float(rate.n)
            out[(section, f"{rate.group}: pCR")] = float(rate.k)
            out[(section, f"{rate.group}: pCR rate")] = _float(rate.rate)
        out[(section, "P")] = _float(analysis.pcr.overall.p_value)
    cox = results.cox
    for model in getattr(cox, "models", ()):
        if model.kind != "multivariate":
            continue
        section = f"Multivariate Cox, {model.endpoint}"
        out[(section, "n")] = float(model.n)
        out[(section, "events")] = float(model.events)
        for term in model.terms:
            what = f"HR {term.label}: {term.level} vs {term.reference}"
            out[(section, what)] = _float(term.hazard_ratio)
            out[(section, f"{what}: P")] = _float(term.p_value)
    return out


def _result_changes(old: StudyResults, new: StudyResults) -> list[ResultChange]:
    a, b = _headline(old), _headline(new)
    keys = list(dict.fromkeys([*a, *b]))
    return [ResultChange(section, item, a.get((section, item)), b.get((section, item)))
            for section, item in keys]


def compare_freezes(old: LoadedStudy, new: LoadedStudy, old_results: StudyResults,
                    new_results: StudyResults, *, old_name: str = "", new_name: str = ""
                    ) -> FreezeDiff:
    """Line up two freezes of one study (each loaded and analysed with the same settings)."""
    o_ids, n_ids = _ids(old), _ids(new)
    o_set, n_set = set(o_ids), set(n_ids)
    both = o_set & n_set
    events, counts = _event_changes(old, new, both)
    return FreezeDiff(
        old_name or (old.path.name if old.path else "old"),
        new_name or (new.path.name if new.path else "new"),
        tuple(p for p in n_ids if p not in o_set), tuple(p for p in o_ids if p not in n_set),
        tuple(_cell_changes(old, new, both)), tuple(_patient_changes(old, new, both)),
        tuple(events), tuple(counts), tuple(_result_changes(old_results, new_results)))

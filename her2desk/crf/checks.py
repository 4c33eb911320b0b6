"""The cell-level checks of an imported CRF, each finding worded for a study coordinator.

:class:`Checker` runs every rule of :data:`~her2desk.crf.validation_report.RULES` that is
not the reader's own (those arrive as ``crf.problems``) on whole columns, and collects
one :class:`~her2desk.crf.model.Finding` per offending cell.
"""
from __future__ import annotations

import datetime as _dt
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from . import codebook as cb
from .form_view import (FormView, as_dates, fmt_bound, fmt_dates, fmt_number, label_of,
                        lower_first)
from .model import ERROR, WARNING, CRFData, Finding
from ..i18n import N_

_MET_SITES = cb.MET_SITES


class Checker:
    def __init__(self, crf: CRFData, cutoff, fish_threshold: float, today,
                 de_novo_window_days: int = 30):
        self.crf = crf
        self.de_novo_window_days = de_novo_window_days
        self.cutoff = pd.Timestamp(cutoff) if cutoff is not None else None
        self.today = pd.Timestamp(today if today is not None else _dt.date.today())
        self.fish_threshold = fish_threshold
        self.forms = {name: FormView(crf, name) for name in cb.FORMS}
        self.findings: list[Finding] = []
        self._first_rows: dict[str, pd.DataFrame] = {}

    # -- emitting -----------------------------------------------------------
    def emit(self, form: str, mask, field: str, severity: str, rule: str,
             message: str | Callable[[np.ndarray], Sequence[str]]) -> None:
        f = self.forms[form]
        mask = np.asarray(mask, dtype=bool)
        pos = np.flatnonzero(mask)
        if not len(pos):
            return
        messages = [message] * len(pos) if isinstance(message, str) else list(message(pos))
        values = f.raw_values(field, pos)
        column = f.header(field)
        pids, sheets, rows = f.pid[pos], f.sheet[pos], f.rows_at(pos)
        self.findings.extend(
            Finding(severity, pid, sheet, row, column, value, msg, field, rule)
            for pid, sheet, row, value, msg in zip(pids, sheets, rows, values, messages))

    # -- cross-form lookups ---------------------------------------------------
    def first_rows(self, form: str) -> pd.DataFrame:
        """The first row of each patient in a one-row form, indexed by patient ID."""
        if form not in self._first_rows:
            f = self.forms[form]
            table = f.frame.assign(_pid=f.pid)[f.pid_valid]
            self._first_rows[form] = table.drop_duplicates("_pid").set_index("_pid")
        return self._first_rows[form]

    def lookup(self, target: str, source: str, field: str) -> pd.Series:
        """``source.field`` for each row of ``target`` (same row when the forms match)."""
        tf = self.forms[target]
        if target == source:
            return tf.col(field)
        table = self.first_rows(source)
        if field not in table.columns:
            return pd.Series([pd.NA] * tf.n, index=tf.frame.index, dtype=object)
        return tf.pid_series.map(table[field])

    def lookup_dates(self, target: str, source: str, field: str) -> pd.Series:
        return as_dates(self.lookup(target, source, field))

    # -- checks ---------------------------------------------------------------
    def run(self) -> None:
        self.findings.extend(self.crf.problems)
        self.check_ids()
        self.check_required()
        self.check_ranges()
        self.check_date_order()
        self.check_date_limits()
        self.check_age()
        self.check_her2()
        self.check_vital_status()
        self.check_metastasis()
        self.check_first_line()
        self.check_neoadjuvant()

    def check_ids(self) -> None:
        patients = self.forms["patients"]
        known = pd.unique(patients.pid[patients.pid_valid])
        for name, f in self.forms.items():
            if not f.n:
                continue
            title = cb.FORMS[name]
            self.emit(name, ~f.pid_valid, "patient_id", ERROR, "missing_patient_id",
                      N_("This row has no Patient ID, so it cannot be linked to a patient and "
                         "is left out."))
            if name in cb.ONE_ROW_FORMS:
                s = pd.Series(np.where(f.pid_valid, f.pid, None), dtype=object)
                dup = (s.duplicated(keep="first") & s.notna()).to_numpy()
                if dup.any():
                    firsts = s[s.notna() & ~s.duplicated(keep="first")]
                    first_pos = dict(zip(firsts.to_numpy(), firsts.index.to_numpy()))

                    def dup_msg(pos, f=f, first_pos=first_pos, title=title):
                        out = []
                        for p in pos:
                            first = f.rows_at(np.array([first_pos[f.pid[p]]]))[0]
                            where = N_(f"row {first}") if first is not None else N_("an earlier row")
                            out.append(N_(f"Patient ID {f.pid[p]} appears more than once on the "
                                          f"{title} sheet (first on {where}); only the first row "
                                          "is used."))
                        return out
                    self.emit(name, dup, "patient_id", ERROR, "duplicate_patient", dup_msg)
            if name == "patients":
                continue
            unknown = f.pid_valid & ~f.pid_series.isin(known).to_numpy()
            self.emit(name, unknown, "patient_id", WARNING, "unknown_patient",
                      lambda pos, f=f, title=title: [
                          N_(f"Patient {f.pid[p]} is on the {title} sheet but not on the "
                             f"{cb.FORMS['patients']} sheet, so this row is not used.") for p in pos])
        # patients with no row on the Treatment / Outcomes sheets (when those have rows)
        for name in ("treatment", "outcomes"):
            other = self.forms[name]
            if not other.n or not patients.n:
                continue
            present = pd.unique(other.pid[other.pid_valid])
            absent = patients.pid_valid & ~patients.pid_series.isin(present).to_numpy()
            title = cb.FORMS[name]
            self.emit("patients", absent, "patient_id", WARNING, "missing_form_row",
                      lambda pos, title=title: [
                          N_(f"Patient {patients.pid[p]} has no row on the {title} sheet.")
                          for p in pos])

    def check_required(self) -> None:
        for name, f in self.forms.items():
            if not f.n:
                continue
            for fld in cb.fields_of(name):
                if not fld.required or fld.name == "patient_id":
                    continue
                if fld.name not in self.crf.headers.get(name, {}):
                    self.findings.append(Finding(
                        ERROR, "", str(f.sheet[0]), None,
                        fld.header, "",
                        N_(f"The required column '{fld.header}' is missing from the "
                           f"{cb.FORMS[name]} sheet."), fld.name, "required_column"))
                    continue
                blank = f.col(fld.name).isna().to_numpy() & f.pid_valid
                if blank.any() and f.raw is not None and fld.name in f.raw.columns:
                    # a cell with text that could not be read is the reader's finding
                    pos = np.flatnonzero(blank)
                    raw = f.raw[fld.name].iloc[pos]
                    has_text = (raw.notna() & (raw.astype(str).str.strip() != "")).to_numpy()
                    blank[pos[has_text]] = False
                self.emit(name, blank, fld.name, ERROR, "required",
                          N_(f"{fld.label or fld.name} is required but blank."))

    def check_ranges(self) -> None:
        for name, f in self.forms.items():
            if not f.n:
                continue
            for fld in cb.fields_of(name):
                if fld.type not in (cb.INTEGER, cb.NUMBER, cb.PERCENT):
                    continue
                if fld.min is None and fld.max is None:
                    continue
                x = f.numbers(fld.name)
                bad = np.zeros(f.n, bool)
                if fld.min is not None:
                    bad |= (x < fld.min).to_numpy()
                if fld.max is not None:
                    bad |= (x > fld.max).to_numpy()
                lo, hi = fmt_bound(fld.min), fmt_bound(fld.max)
                if lo and hi:
                    allowed = N_(f"{lo} to {hi}")
                elif lo:
                    allowed = N_(f"{lo} or more")
                else:
                    allowed = N_(f"{hi} or less")
                unit = f" {fld.unit}" if fld.unit and fld.unit != "%" else fld.unit
                vals = x.to_numpy()
                self.emit(name, bad, fld.name, ERROR, "out_of_range",
                          lambda pos, vals=vals, fld=fld, allowed=allowed, unit=unit: [
                              N_(f"{fld.label or fld.name} {fmt_number(vals[p])}{unit} is outside "
                                 f"the allowed range {allowed}{unit}.") for p in pos])

    # (form, field reported, relation, other form, other field, severity, rule, extra sentence)
    _ORDER_RULES: tuple = (
        ("patients", "birth_date", "after", "patients", "diagnosis_date", ERROR, "date_order", ""),
        ("treatment", "surgery_date", "before", "patients", "diagnosis_date", ERROR, "date_order",
         ""),
        ("outcomes", "death_date", "before", "patients", "diagnosis_date", ERROR, "date_order", ""),
        ("outcomes", "locoregional_recurrence_date", "before", "patients", "diagnosis_date", ERROR,
         "date_order", ""),
        ("outcomes", "distant_metastasis_date", "before", "patients", "diagnosis_date", ERROR,
         "date_order", ""),
        ("outcomes", "last_followup_date", "before", "patients", "diagnosis_date", ERROR,
         "date_order", ""),

        ("first_line", "first_line_start_date", "before", "patients", "diagnosis_date", ERROR,
         "date_order", ""),
        ("first_line", "progression_date", "before", "patients", "diagnosis_date", ERROR,
         "date_order", ""),
        ("outcomes", "death_date", "before", "treatment", "surgery_date", ERROR, "date_order", ""),
        ("first_line", "progression_date", "before", "first_line", "first_line_start_date", ERROR,
         "date_order", ""),
        ("first_line", "first_line_start_date", "before", "outcomes", "distant_metastasis_date",
         WARNING, "date_order", N_("; first-line treatment for metastatic disease normally starts "
                                   "after metastasis is diagnosed")),
        ("outcomes", "last_followup_date", "before", "outcomes", "death_date", WARNING,
         "followup_order", N_("; for a patient who died, the last follow-up date should be the "
                              "death date")),
        ("outcomes", "locoregional_recurrence_date", "after", "outcomes", "last_followup_date",
         WARNING, "followup_order", N_("; the last follow-up should be on or after every event")),
        ("outcomes", "distant_metastasis_date", "after", "outcomes", "last_followup_date",
         WARNING, "followup_order", N_("; the last follow-up should be on or after every event")),
        ("first_line", "progression_date", "after", "outcomes", "last_followup_date",
         WARNING, "followup_order", N_("; the last follow-up should be on or after every event")),
    )

    def check_date_order(self) -> None:
        for form, field, relation, oform, ofield, severity, rule, extra in self._ORDER_RULES:
            f = self.forms[form]
            if not f.n or not f.has(field):
                continue
            mine = f.dates(field)
            other = self.lookup_dates(form, oform, ofield)
            bad = (mine < other) if relation == "before" else (mine > other)
            bad = bad.fillna(False).to_numpy(dtype=bool)
            if field == "distant_metastasis_date" and ofield == "diagnosis_date":
                bad = self._de_novo_metastasis(f, mine, other, bad)
            if not bad.any():
                continue
            a, b = mine.to_numpy(), other.to_numpy()
            label, olabel = label_of(field), lower_first(label_of(ofield))
            self.emit(form, bad, field, severity, rule,
                      lambda pos, a=a, b=b, label=label, olabel=olabel, relation=relation,
                      extra=extra: [
                          N_(f"{label} {x} is {relation} {olabel} {y}{extra}.")
                          for x, y in zip(fmt_dates(a[pos]), fmt_dates(b[pos]))])
        self._followup_before_surgery()

    def _followup_before_surgery(self) -> None:
        """Last follow-up before surgery (OS and DFS start there), unless another finding
        already explains it: follow-up before diagnosis, or a death before surgery."""
        f = self.forms["outcomes"]
        if not f.n:
            return
        lfu = f.dates("last_followup_date")
        surgery = self.lookup_dates("outcomes", "treatment", "surgery_date")
        dx = self.lookup_dates("outcomes", "patients", "diagnosis_date")
        death = f.dates("death_date")
        bad = ((lfu < surgery) & ~(lfu < dx) & ~(death < surgery)).fillna(False)
        bad = bad.to_numpy(dtype=bool)
        a, b = lfu.to_numpy(), surgery.to_numpy()
        self.emit("outcomes", bad, "last_followup_date", ERROR, "date_order",
                  lambda pos: [N_(f"Last follow-up date {x} is before surgery date {y}, but "
                                  f"follow-up is counted from surgery, so it cannot be earlier.")
                               for x, y in zip(fmt_dates(a[pos]), fmt_dates(b[pos]))])

    def _de_novo_metastasis(self, f: "FormView", met: pd.Series, dx: pd.Series,
                            bad: np.ndarray) -> np.ndarray:
        """Metastasis found shortly before the pathological diagnosis is de novo metastatic
        disease, not an impossible order: a warning within the de novo window, an error
        (returned mask) beyond it."""
        days = (dx - met).dt.days.to_numpy(dtype=float)
        near = bad & (days <= self.de_novo_window_days)
        a, b = met.to_numpy(), dx.to_numpy()
        window = self.de_novo_window_days
        self.emit("outcomes", near, "distant_metastasis_date", WARNING, "date_order",
                  lambda pos: [N_(f"Distant metastasis date {x} is before diagnosis date {y}; "
                                  f"it is within {window} days, so the patient is counted as de "
                                  f"novo metastatic disease.")
                               for x, y in zip(fmt_dates(a[pos]), fmt_dates(b[pos]))])
        return bad & ~near

    def check_date_limits(self) -> None:
        for name, f in self.forms.items():
            if not f.n:
                continue
            for fld in cb.fields_of(name):
                if fld.type != cb.DATE or not f.has(fld.name):
                    continue
                d = f.dates(fld.name)
                label = fld.label or fld.name
                future = (d > self.today).fillna(False).to_numpy(dtype=bool)
                vals = d.to_numpy()
                today = self.today.strftime("%Y-%m-%d")
                self.emit(name, future, fld.name, ERROR, "future_date",
                          lambda pos, vals=vals, label=label, today=today: [
                              N_(f"{label} {x} is in the future (today is {today}).")
                              for x in fmt_dates(vals[pos])])
                if self.cutoff is not None:
                    late = (d > self.cutoff).fillna(False).to_numpy(dtype=bool) & ~future
                    cut = self.cutoff.strftime("%Y-%m-%d")
                    self.emit(name, late, fld.name, ERROR, "after_cutoff",
                              lambda pos, vals=vals, label=label, cut=cut: [
                                  N_(f"{label} {x} is after the data cutoff {cut}.")
                                  for x in fmt_dates(vals[pos])])

    def check_age(self) -> None:
        f = self.forms["patients"]
        if not f.n:
            return
        age = f.numbers("age_at_diagnosis")
        birth, dx = f.dates("birth_date"), f.dates("diagnosis_date")
        exact = (dx - birth).dt.days / 365.25
        bad = ((age - exact).abs() > 1).fillna(False).to_numpy(dtype=bool)
        ages, ex = age.to_numpy(), exact.to_numpy()
        self.emit("patients", bad, "age_at_diagnosis", WARNING, "age_mismatch",
                  lambda pos: [N_(f"Age at diagnosis {fmt_number(ages[p])} does not match the birth "
                                  f"and diagnosis dates, which give {int(np.floor(ex[p]))} years.")
                               for p in pos])

    def check_her2(self) -> None:
        thr = fmt_number(self.fish_threshold)
        for form, ihc_field, fish_field, what in (
                ("patients", "her2_ihc", "her2_fish_ratio", "HER2"),
                ("rebiopsy", "rebiopsy_her2_ihc", "rebiopsy_her2_fish_ratio",
                 "Rebiopsy HER2")):
            f = self.forms[form]
            if not f.n:
                continue
            ihc = f.codes(ihc_field)
            fish = f.numbers(fish_field)
            ihc2 = (ihc == "2+").to_numpy(dtype=bool)
            no_fish = fish.isna().to_numpy()
            if form == "patients":
                msg = N_(f"HER2 is IHC 2+ but no FISH ratio is recorded (positive from {thr}), so "
                         "HER2 status is unknown; the patient is excluded unless a metastatic biopsy "
                         "is HER2-positive.")
            else:
                msg = N_("Rebiopsy HER2 is IHC 2+ but no FISH ratio is recorded, so the HER2 "
                         "status of this biopsy is unknown.")
            self.emit(form, ihc2 & no_fish, fish_field, WARNING, "her2_fish_missing", msg)
            # A HER2-negative result is not a data problem: eligibility reports it, not validation.

    def check_vital_status(self) -> None:
        f = self.forms["outcomes"]
        if not f.n:
            return
        status = f.codes("vital_status")
        death = f.dates("death_date")
        dead = (status == "dead").to_numpy(dtype=bool)
        alive = (status == "alive").to_numpy(dtype=bool)
        has_death = death.notna().to_numpy()
        self.emit("outcomes", dead & ~has_death, "death_date", ERROR, "death_date_missing",
                  N_("Vital status is Dead but the death date is blank."))
        dv = death.to_numpy()
        self.emit("outcomes", alive & has_death, "vital_status", ERROR, "vital_status_conflict",
                  lambda pos: [N_(f"A death date ({x}) is recorded but vital status is Alive.")
                               for x in fmt_dates(dv[pos])])
        no_cause = f.codes("cause_of_death").isna().to_numpy()
        self.emit("outcomes", (dead | has_death) & no_cause, "cause_of_death", WARNING,
                  "cause_of_death_missing",
                  N_("The patient died but the cause of death is blank; the eligibility rules "
                     "exclude such patients."))

    def check_metastasis(self) -> None:
        f = self.forms["outcomes"]
        if not f.n:
            return
        no_date = f.dates("distant_metastasis_date").isna().to_numpy()
        site_fields = ([f"met_{s}" for s in _MET_SITES] + ["met_other_visceral"]
                       + [f"first_met_{s}" for s in _MET_SITES])
        site_fields = [s for s in site_fields if s in cb.BY_NAME]
        flags = np.column_stack([f.is_true(s) for s in site_fields]) if f.n else None
        any_site = flags.any(axis=1)
        names = [lower_first(label_of(s).split(": ", 1)[-1]) for s in site_fields]

        def site_msg(pos):
            out = []
            for p in pos:
                sites = list(dict.fromkeys(n for n, on in zip(names, flags[p]) if on))
                out.append(N_(f"Metastatic sites are recorded ({', '.join(sites)}) but the "
                              "distant metastasis date is blank."))
            return out
        self.emit("outcomes", any_site & no_date, "distant_metastasis_date", ERROR,
                  "metastasis_date_missing", site_msg)
        for site in _MET_SITES:
            first, anytime = f"first_met_{site}", f"met_{site}"
            if first not in cb.BY_NAME or anytime not in cb.BY_NAME:
                continue
            bad = f.is_true(first) & f.is_false(anytime)
            site_name = lower_first(label_of(anytime).split(": ", 1)[-1])
            self.emit("outcomes", bad, first, ERROR, "first_site_conflict",
                      N_(f"The {site_name} is marked as a first metastatic site but not as a "
                         f"metastatic site at any time."))

    def check_first_line(self) -> None:
        f = self.forms["first_line"]
        if not f.n:
            return
        own = [fl.name for fl in cb.fields_of("first_line") if fl.name != "patient_id"]
        present = np.column_stack([f.col(n).notna().to_numpy() for n in own])
        any_data = present.any(axis=1)
        met_date = self.lookup_dates("first_line", "outcomes", "distant_metastasis_date")
        m_stage = self.lookup("first_line", "patients", "m_stage")
        metastatic = (met_date.notna() | (m_stage.astype(object) == "M1")).to_numpy(dtype=bool)
        bad = any_data & ~metastatic & f.pid_valid
        if not bad.any():
            return
        # report at the first filled first-line cell of the row
        first_idx = present.argmax(axis=1)
        for k, name in enumerate(own):
            self.emit("first_line", bad & (first_idx == k), name, ERROR,
                      "first_line_without_mbc",
                      N_("First-line treatment for metastatic disease is recorded, but the patient "
                         "has no metastatic disease (no distant metastasis date and M stage is not "
                         "M1)."))

    def check_neoadjuvant(self) -> None:
        f = self.forms["treatment"]
        if not f.n:
            return
        grade = f.codes("miller_payne_grade")
        has_grade = grade.notna().to_numpy()
        neo_yes, neo_no = f.is_true("neoadjuvant_therapy"), f.is_false("neoadjuvant_therapy")
        gv = grade.to_numpy(dtype=object)
        self.emit("treatment", has_grade & neo_no, "miller_payne_grade", WARNING,
                  "miller_payne_without_neoadjuvant",
                  lambda pos: [N_(f"Miller–Payne grade {gv[p]} is recorded but neoadjuvant therapy "
                                  "is No.") for p in pos])
        self.emit("treatment", neo_yes & ~has_grade, "miller_payne_grade", WARNING,
                  "miller_payne_missing",
                  N_("Neoadjuvant therapy is Yes but the Miller–Payne grade is blank, so the "
                     "response cannot be assessed."))
        ypn_blank = f.col("ypn_positive").isna().to_numpy()
        self.emit("treatment", (grade == "5").to_numpy(dtype=bool) & ypn_blank, "ypn_positive",
                  WARNING, "ypn_missing",
                  N_("Miller–Payne grade is 5 but ypN positive is blank; the patient is counted "
                     "as pCR (no residual nodal disease assumed)."))


"""Cell-level checks of imported CRFs, worded for a study coordinator.

``validate_crf(crf)`` returns a :class:`ValidationReport` of
:class:`~her2desk.crf.model.Finding` objects, each pointing at one cell (sheet,
Excel row, column header as in the file, the value seen) with one plain
sentence. The reader's own parse problems (``crf.problems``) come first.

Every check works on whole columns (pandas/numpy masks); Python objects are
built only for offending rows, so 100,000 patients validate in a few seconds.
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from . import codebook as cb
from .atomic import atomic_path
from .model import ERROR, ROW_COL, SHEET_COL, WARNING, CRFData, Finding

#: Short description of every rule, for the summary sheet and the UI.
RULES: dict[str, str] = {
    "parse": "Cell could not be read",
    # found while reading the workbook (crf.reader / crf.values)
    "bad_date": "Date that could not be read",
    "bad_number": "Number that could not be read",
    "bad_code": "Value not among the allowed choices",
    "bad_yesno": "Yes/No value that could not be read",
    "percent_range": "Percentage given as a range or bound",
    "no_patient_id": "Sheet without a Patient ID column",
    "duplicate_column": "Column appears twice",
    "bad_mapping": "Saved column mapping names an unknown field",
    "missing_patient_id": "Row without a Patient ID",
    "duplicate_patient": "Patient ID repeated on a one-row sheet",
    "unknown_patient": "Patient not on the Patients sheet",
    "missing_form_row": "Patient missing from a sheet",
    "required_column": "Required column missing from the file",
    "required": "Required value blank",
    "out_of_range": "Number outside the allowed range",
    "date_order": "Dates in an impossible order",
    "followup_order": "Event after the last follow-up",
    "after_cutoff": "Date after the data cutoff",
    "future_date": "Date in the future",
    "age_mismatch": "Age does not match birth and diagnosis dates",
    "her2_fish_missing": "HER2 IHC 2+ without a FISH ratio",
    "death_date_missing": "Dead without a death date",
    "vital_status_conflict": "Death date for a patient recorded alive",
    "cause_of_death_missing": "Death without a cause",
    "metastasis_date_missing": "Metastatic site without a metastasis date",
    "first_site_conflict": "First metastatic site not among the sites",
    "first_line_without_mbc": "First-line MBC data without metastatic disease",
    "miller_payne_without_neoadjuvant": "Miller–Payne grade without neoadjuvant therapy",
    "miller_payne_missing": "Neoadjuvant therapy without a Miller–Payne grade",
    "ypn_missing": "Miller–Payne grade 5 with ypN blank",
}

_SEVERITY_ORDER = {ERROR: 0, WARNING: 1}
_MET_SITES = cb.MET_SITES

FINDING_COLUMNS = ("severity", "patient_id", "sheet", "row", "column", "value", "message",
                   "field", "rule")


# ---------------------------------------------------------------------------
# report


@dataclass(frozen=True)
class ValidationReport:
    findings: tuple[Finding, ...] = ()

    def __len__(self) -> int:
        return len(self.findings)

    def __iter__(self):
        return iter(self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == WARNING)

    @property
    def n_errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)

    @property
    def n_warnings(self) -> int:
        return sum(f.severity == WARNING for f in self.findings)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.n_errors == 0

    def counts(self) -> dict[str, int]:
        """{"error": n, "warning": n}."""
        return {ERROR: self.n_errors, WARNING: self.n_warnings}

    def counts_by_rule(self) -> pd.DataFrame:
        """rule, description, errors, warnings, total — one row per rule that fired."""
        frame = self.to_frame()
        if frame.empty:
            return pd.DataFrame(columns=["rule", "description", ERROR + "s", WARNING + "s",
                                         "total"])
        table = (pd.crosstab(frame["rule"], frame["severity"])
                 .reindex(columns=[ERROR, WARNING], fill_value=0))
        table.columns = [ERROR + "s", WARNING + "s"]
        table["total"] = table.sum(axis=1)
        table = table.reset_index()
        table.insert(1, "description", table["rule"].map(RULES).fillna(""))
        order = {rule: i for i, rule in enumerate(RULES)}
        table["_o"] = table["rule"].map(order).fillna(len(order))
        return (table.sort_values(["_o", "rule"]).drop(columns="_o")
                .reset_index(drop=True))

    def errors_by_patient(self) -> dict[str, set[str]]:
        """{patient_id: fields with an error} (findings without a patient ID left out)."""
        out: dict[str, set[str]] = {}
        for f in self.findings:
            if f.severity == ERROR and f.patient_id:
                out.setdefault(f.patient_id, set()).add(f.field)
        return out

    def for_patient(self, patient_id: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.patient_id == patient_id)

    def by_rule(self, rule: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule == rule)

    def to_frame(self) -> pd.DataFrame:
        columns = {c: [getattr(f, c) for f in self.findings] for c in FINDING_COLUMNS}
        frame = pd.DataFrame(columns, columns=list(FINDING_COLUMNS))
        frame["row"] = pd.array(frame["row"].tolist(), dtype="Int64")
        return frame


# ---------------------------------------------------------------------------
# helpers


def _label(name: str) -> str:
    fld = cb.BY_NAME.get(name)
    return (fld.label or fld.name) if fld else name


def _lower_first(text: str) -> str:
    # "Surgery date" -> "surgery date", but "HER2 IHC" / "ECOG PS" stay as they are
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _fmt_dates(values: np.ndarray) -> list[str]:
    text = pd.DatetimeIndex(values).strftime("%Y-%m-%d")
    return [t if isinstance(t, str) else "" for t in text]


def _positional(frame: pd.DataFrame) -> pd.DataFrame:
    if isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 \
            and frame.index.step == 1:
        return frame
    return frame.reset_index(drop=True)


def _as_dates(col: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return col
    return pd.to_datetime(col, errors="coerce")


def _fmt_number(value) -> str:
    if value is None or pd.isna(value):
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def _fmt_bound(value: float | None) -> str:
    return "" if value is None else _fmt_number(value)


class _Form:
    """One form table with its per-row location columns precomputed."""

    def __init__(self, crf: CRFData, name: str):
        self.name = name
        frame = crf.forms.get(name)
        if frame is None:
            frame = pd.DataFrame(columns=[f.name for f in cb.fields_of(name)])
        self.frame = _positional(frame)
        raw = crf.raw.get(name)
        self.raw = _positional(raw) if raw is not None and len(raw) == len(frame) else None
        self.headers = crf.headers.get(name, {})
        n = len(self.frame)
        self.n = n
        pid = self.col("patient_id").astype("string").str.strip()
        self.pid_valid = (pid.notna() & (pid != "")).to_numpy(dtype=bool)
        self.pid = pid.fillna("").to_numpy(dtype=object)
        self.pid_series = pd.Series(self.pid, index=self.frame.index, dtype=object)
        sheet = self.frame[SHEET_COL] if SHEET_COL in self.frame else pd.Series([None] * n)
        self.sheet = sheet.astype(object).where(sheet.notna(), cb.FORMS[name]).to_numpy()
        if ROW_COL in self.frame:
            self._rows = pd.to_numeric(self.frame[ROW_COL], errors="coerce").to_numpy(float)
        else:
            self._rows = np.arange(2, n + 2, dtype=float)

    def rows_at(self, pos: np.ndarray) -> list[int | None]:
        return [None if np.isnan(r) else int(r) for r in self._rows[pos]]

    def has(self, field: str) -> bool:
        return field in self.frame.columns

    def col(self, field: str) -> pd.Series:
        if field in self.frame.columns:
            return self.frame[field]
        return pd.Series([pd.NA] * self.n, index=self.frame.index, dtype=object)

    def dates(self, field: str) -> pd.Series:
        return _as_dates(self.col(field))

    def numbers(self, field: str) -> pd.Series:
        return pd.to_numeric(self.col(field), errors="coerce")

    def is_true(self, field: str) -> np.ndarray:
        col = self.col(field)
        return col.fillna(False).astype(bool).to_numpy() if len(col) else np.zeros(0, bool)

    def is_false(self, field: str) -> np.ndarray:
        col = self.col(field)
        if not len(col):
            return np.zeros(0, bool)
        return (col.notna() & ~col.fillna(True).astype(bool)).to_numpy()

    def codes(self, field: str) -> pd.Series:
        col = self.col(field)
        return col.astype(object).where(col.notna(), None)

    def header(self, field: str) -> str:
        if field in self.headers and self.headers[field]:
            return str(self.headers[field])
        fld = cb.BY_NAME.get(field)
        return fld.header if fld else field

    def raw_values(self, field: str, pos: np.ndarray) -> list[str]:
        if self.raw is not None and field in self.raw.columns:
            vals = self.raw[field].to_numpy(dtype=object)[pos]
            out = ["" if (v is None or (not isinstance(v, str) and pd.isna(v))) else str(v)
                   for v in vals]
        else:
            out = [""] * len(pos)
        if field in self.frame.columns:     # fall back to the typed value
            typed = self.frame[field].iloc[pos].to_numpy(dtype=object)   # slice, then box
            kind = cb.BY_NAME[field].type if field in cb.BY_NAME else cb.TEXT
            for i, (text, v) in enumerate(zip(out, typed)):
                if text or v is None or (not isinstance(v, str) and pd.isna(v)):
                    continue
                if kind == cb.DATE:
                    out[i] = pd.Timestamp(v).strftime("%Y-%m-%d")
                elif kind in (cb.INTEGER, cb.NUMBER, cb.PERCENT):
                    out[i] = _fmt_number(v)
                elif kind == cb.YESNO:
                    out[i] = "Yes" if bool(v) else "No"
                elif kind == cb.CODE:
                    out[i] = cb.BY_NAME[field].code_labels().get(str(v), str(v))
                else:
                    out[i] = str(v)
        return out


class _Checker:
    def __init__(self, crf: CRFData, cutoff, fish_threshold: float, today,
                 de_novo_window_days: int = 30):
        self.crf = crf
        self.de_novo_window_days = de_novo_window_days
        self.cutoff = pd.Timestamp(cutoff) if cutoff is not None else None
        self.today = pd.Timestamp(today if today is not None else _dt.date.today())
        self.fish_threshold = fish_threshold
        self.forms = {name: _Form(crf, name) for name in cb.FORMS}
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
        return _as_dates(self.lookup(target, source, field))

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
                      "This row has no Patient ID, so it cannot be linked to a patient and "
                      "is left out.")
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
                            where = f"row {first}" if first is not None else "an earlier row"
                            out.append(f"Patient ID {f.pid[p]} appears more than once on the "
                                       f"{title} sheet (first on {where}); only the first row "
                                       "is used.")
                        return out
                    self.emit(name, dup, "patient_id", ERROR, "duplicate_patient", dup_msg)
            if name == "patients":
                continue
            unknown = f.pid_valid & ~f.pid_series.isin(known).to_numpy()
            self.emit(name, unknown, "patient_id", WARNING, "unknown_patient",
                      lambda pos, f=f, title=title: [
                          f"Patient {f.pid[p]} is on the {title} sheet but not on the "
                          f"{cb.FORMS['patients']} sheet, so this row is not used." for p in pos])
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
                          f"Patient {patients.pid[p]} has no row on the {title} sheet."
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
                        f"The required column '{fld.header}' is missing from the "
                        f"{cb.FORMS[name]} sheet.", fld.name, "required_column"))
                    continue
                blank = f.col(fld.name).isna().to_numpy() & f.pid_valid
                if blank.any() and f.raw is not None and fld.name in f.raw.columns:
                    # a cell with text that could not be read is the reader's finding
                    pos = np.flatnonzero(blank)
                    raw = f.raw[fld.name].iloc[pos]
                    has_text = (raw.notna() & (raw.astype(str).str.strip() != "")).to_numpy()
                    blank[pos[has_text]] = False
                self.emit(name, blank, fld.name, ERROR, "required",
                          f"{fld.label or fld.name} is required but blank.")

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
                lo, hi = _fmt_bound(fld.min), _fmt_bound(fld.max)
                if lo and hi:
                    allowed = f"{lo} to {hi}"
                elif lo:
                    allowed = f"{lo} or more"
                else:
                    allowed = f"{hi} or less"
                unit = f" {fld.unit}" if fld.unit and fld.unit != "%" else fld.unit
                vals = x.to_numpy()
                self.emit(name, bad, fld.name, ERROR, "out_of_range",
                          lambda pos, vals=vals, fld=fld, allowed=allowed, unit=unit: [
                              f"{fld.label or fld.name} {_fmt_number(vals[p])}{unit} is outside "
                              f"the allowed range {allowed}{unit}." for p in pos])

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
         WARNING, "date_order", "; first-line treatment for metastatic disease normally starts "
         "after metastasis is diagnosed"),
        ("outcomes", "last_followup_date", "before", "outcomes", "death_date", WARNING,
         "followup_order", "; for a patient who died, the last follow-up date should be the "
         "death date"),
        ("outcomes", "locoregional_recurrence_date", "after", "outcomes", "last_followup_date",
         WARNING, "followup_order", "; the last follow-up should be on or after every event"),
        ("outcomes", "distant_metastasis_date", "after", "outcomes", "last_followup_date",
         WARNING, "followup_order", "; the last follow-up should be on or after every event"),
        ("first_line", "progression_date", "after", "outcomes", "last_followup_date",
         WARNING, "followup_order", "; the last follow-up should be on or after every event"),
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
            label, olabel = _label(field), _lower_first(_label(ofield))
            self.emit(form, bad, field, severity, rule,
                      lambda pos, a=a, b=b, label=label, olabel=olabel, relation=relation,
                      extra=extra: [
                          f"{label} {x} is {relation} {olabel} {y}{extra}."
                          for x, y in zip(_fmt_dates(a[pos]), _fmt_dates(b[pos]))])
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
                  lambda pos: [f"Last follow-up date {x} is before surgery date {y}, but "
                               f"follow-up is counted from surgery, so it cannot be earlier."
                               for x, y in zip(_fmt_dates(a[pos]), _fmt_dates(b[pos]))])

    def _de_novo_metastasis(self, f: "_Form", met: pd.Series, dx: pd.Series,
                            bad: np.ndarray) -> np.ndarray:
        """Metastasis found shortly before the pathological diagnosis is de novo metastatic
        disease, not an impossible order: a warning within the de novo window, an error
        (returned mask) beyond it."""
        days = (dx - met).dt.days.to_numpy(dtype=float)
        near = bad & (days <= self.de_novo_window_days)
        a, b = met.to_numpy(), dx.to_numpy()
        window = self.de_novo_window_days
        self.emit("outcomes", near, "distant_metastasis_date", WARNING, "date_order",
                  lambda pos: [f"Distant metastasis date {x} is before diagnosis date {y}; "
                               f"it is within {window} days, so the patient is counted as de "
                               f"novo metastatic disease."
                               for x, y in zip(_fmt_dates(a[pos]), _fmt_dates(b[pos]))])
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
                              f"{label} {x} is in the future (today is {today})."
                              for x in _fmt_dates(vals[pos])])
                if self.cutoff is not None:
                    late = (d > self.cutoff).fillna(False).to_numpy(dtype=bool) & ~future
                    cut = self.cutoff.strftime("%Y-%m-%d")
                    self.emit(name, late, fld.name, ERROR, "after_cutoff",
                              lambda pos, vals=vals, label=label, cut=cut: [
                                  f"{label} {x} is after the data cutoff {cut}."
                                  for x in _fmt_dates(vals[pos])])

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
                  lambda pos: [f"Age at diagnosis {_fmt_number(ages[p])} does not match the birth "
                               f"and diagnosis dates, which give {int(np.floor(ex[p]))} years."
                               for p in pos])

    def check_her2(self) -> None:
        thr = _fmt_number(self.fish_threshold)
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
                msg = (f"HER2 is IHC 2+ but no FISH ratio is recorded (positive from {thr}), so "
                       "HER2 status is unknown; the patient is excluded unless a metastatic biopsy "
                       "is HER2-positive.")
            else:
                msg = ("Rebiopsy HER2 is IHC 2+ but no FISH ratio is recorded, so the HER2 "
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
                  "Vital status is Dead but the death date is blank.")
        dv = death.to_numpy()
        self.emit("outcomes", alive & has_death, "vital_status", ERROR, "vital_status_conflict",
                  lambda pos: [f"A death date ({x}) is recorded but vital status is Alive."
                               for x in _fmt_dates(dv[pos])])
        no_cause = f.codes("cause_of_death").isna().to_numpy()
        self.emit("outcomes", (dead | has_death) & no_cause, "cause_of_death", WARNING,
                  "cause_of_death_missing",
                  "The patient died but the cause of death is blank; the eligibility rules "
                  "exclude such patients.")

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
        names = [_lower_first(_label(s).split(": ", 1)[-1]) for s in site_fields]

        def site_msg(pos):
            out = []
            for p in pos:
                sites = list(dict.fromkeys(n for n, on in zip(names, flags[p]) if on))
                out.append(f"Metastatic sites are recorded ({', '.join(sites)}) but the "
                           "distant metastasis date is blank.")
            return out
        self.emit("outcomes", any_site & no_date, "distant_metastasis_date", ERROR,
                  "metastasis_date_missing", site_msg)
        for site in _MET_SITES:
            first, anytime = f"first_met_{site}", f"met_{site}"
            if first not in cb.BY_NAME or anytime not in cb.BY_NAME:
                continue
            bad = f.is_true(first) & f.is_false(anytime)
            site_name = _lower_first(_label(anytime).split(": ", 1)[-1])
            self.emit("outcomes", bad, first, ERROR, "first_site_conflict",
                      f"The {site_name} is marked as a first metastatic site but not as a "
                      f"metastatic site at any time.")

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
                      "First-line treatment for metastatic disease is recorded, but the patient "
                      "has no metastatic disease (no distant metastasis date and M stage is not "
                      "M1).")

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
                  lambda pos: [f"Miller–Payne grade {gv[p]} is recorded but neoadjuvant therapy "
                               "is No." for p in pos])
        self.emit("treatment", neo_yes & ~has_grade, "miller_payne_grade", WARNING,
                  "miller_payne_missing",
                  "Neoadjuvant therapy is Yes but the Miller–Payne grade is blank, so the "
                  "response cannot be assessed.")
        ypn_blank = f.col("ypn_positive").isna().to_numpy()
        self.emit("treatment", (grade == "5").to_numpy(dtype=bool) & ypn_blank, "ypn_positive",
                  WARNING, "ypn_missing",
                  "Miller–Payne grade is 5 but ypN positive is blank; the patient is counted "
                  "as pCR (no residual nodal disease assumed).")


def _sort_key(order: dict[str, int]):
    def key(f: Finding):
        return (0 if f.rule == "parse" else 1, order.get(f.sheet, len(order)),
                f.row if f.row is not None else -1, _SEVERITY_ORDER.get(f.severity, 2))
    return key


def validate_crf(crf: CRFData, *, cutoff: _dt.date | None = None, fish_threshold: float = 2.2,
                 today: _dt.date | None = None, de_novo_window_days: int = 30
                 ) -> ValidationReport:
    """Check imported CRFs; findings are ordered by sheet, then Excel row.

    ``cutoff``: the data cutoff; any date after it is an error. ``fish_threshold``:
    the HER2/CEP17 ratio from which IHC 2+ counts as HER2-positive. ``today``
    (for tests) replaces the current date in the "date in the future" check.
    ``de_novo_window_days``: a distant metastasis dated at most this many days before
    the diagnosis is de novo disease (a warning), not an impossible date order.
    """
    checker = _Checker(crf, cutoff, fish_threshold, today, de_novo_window_days)
    checker.run()
    sheets = [str(checker.forms[n].sheet[0]) if checker.forms[n].n else cb.FORMS[n]
              for n in cb.FORMS]
    order = {s: i for i, s in enumerate(sheets)}
    # stable sort keeps the checks' order within one row
    findings = sorted(checker.findings, key=_sort_key(order))
    return ValidationReport(tuple(findings))


# ---------------------------------------------------------------------------
# Excel export

_HEADERS = ("Severity", "Patient ID", "Sheet", "Row", "Column", "Value", "Message", "Field",
            "Rule")
_WIDTHS = (10, 14, 16, 7, 28, 18, 90, 26, 26)


def write_validation_report(report: ValidationReport, path: str | os.PathLike) -> None:
    """Save the findings (and a summary by rule) as an .xlsx file, atomically."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from .template import save_write_only

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DCE6F1")
    border = Border(bottom=Side(style="thin", color="7F8FA6"))
    sev_fill = {ERROR: PatternFill("solid", fgColor="F8D7DA"),
                WARNING: PatternFill("solid", fgColor="FFF3CD")}
    wrap = Alignment(wrap_text=True, vertical="top")

    def header_row(ws, names):
        cells = []
        for name in names:
            c = WriteOnlyCell(ws, value=name)
            c.font, c.fill, c.border = bold, fill, border
            cells.append(c)
        return cells

    def build(tmp):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Findings")
        for i, width in enumerate(_WIDTHS, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(_HEADERS))}{len(report) + 1}"
        ws.append(header_row(ws, _HEADERS))
        for f in report.findings:
            sev = WriteOnlyCell(ws, value=f.severity)
            if f.severity in sev_fill:
                sev.fill = sev_fill[f.severity]
            msg = WriteOnlyCell(ws, value=f.message)
            msg.alignment = wrap
            ws.append([sev, f.patient_id or None, f.sheet or None, f.row, f.column or None,
                       f.value or None, msg, f.field or None, f.rule or None])

        summary = wb.create_sheet("Summary")
        for i, width in enumerate((28, 50, 10, 10, 10), 1):
            summary.column_dimensions[get_column_letter(i)].width = width
        summary.freeze_panes = "A2"
        table = report.counts_by_rule()
        summary.append(header_row(summary, ["Rule", "Description", "Errors", "Warnings",
                                            "Total"]))
        for rec in table.itertuples(index=False):
            summary.append([rec[0], rec[1], int(rec[2]), int(rec[3]), int(rec[4])])
        total = WriteOnlyCell(summary, value="Total")
        total.font = bold
        summary.append([total, None, report.n_errors, report.n_warnings, len(report)])
        summary.auto_filter.ref = f"A1:E{len(table) + 1}"
        save_write_only(wb, tmp)

    with atomic_path(path) as tmp:
        build(tmp)

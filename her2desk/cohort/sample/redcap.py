"""The sample study as a REDCap project would export it: records CSV + data dictionary.

Why: REDCap import (crf/redcap.py) must give exactly the cohort the workbook gives, and
the only honest way to check that is the same patients written the way REDCap writes
them. The project here is laid out as a centre would build it, not as the codebook
names things: variables are short codes (``bc_03``) that match nothing, so every field
is found by its label; answers are numbered choices (``1, Female | 2, Male``, the IHC
score '0' stored as code 1); yes/no fields are REDCap ``yesno``; metastatic sites are two
checkbox fields (``fu_sites___1`` ...), unticked written as 0 as REDCap does; rebiopsies
are a repeating instrument; the project is longitudinal (baseline and follow-up events,
the sample's duplicated Treatment row sits on the follow-up event); dates are validated
``date_dmy`` but exported year-month-day, as REDCap exports them.

A cell the sample planted as wrong (a sex that is not a code, an impossible date) is
written as the text it holds, so validation finds the same problems in both sources.
``labels=True`` writes REDCap's "labels" export instead (headers and answers as labels,
checkboxes Checked/Unchecked).
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
from dataclasses import dataclass
from pathlib import Path

from ...crf import codebook as cb
from ...crf import values as vals
from ...crf.atomic import atomic_write
from ...crf.headers import match_header_in_form, sheet_form
from ...crf.redcap import DICTIONARY_COLUMNS

__all__ = ["write_redcap_export", "PROJECT", "INSTRUMENTS"]

PROJECT = "HER2Cohort"
#: codebook form -> (REDCap instrument, variable prefix, instrument label).
INSTRUMENTS = {
    "patients": ("baseline_characteristics", "bc", "Baseline characteristics"),
    "treatment": ("surgery_and_treatment", "tx", "Surgery and treatment"),
    "outcomes": ("follow_up", "fu", "Follow up"),
    "first_line": ("first_line_therapy", "fl", "First line therapy"),
    "rebiopsy": ("metastatic_biopsy", "mb", "Metastatic biopsy"),
}
_EVENTS = (("baseline_arm_1", "Baseline (Arm 1: Arm 1)"), ("follow_up_arm_1", "Follow-up (Arm 1: Arm 1)"))
_EVENT_FORMS = {"patients": 0, "treatment": 0, "outcomes": 1, "first_line": 1}
#: Labels a centre might use instead of the template's header (found through synonyms).
_LABELS = {"sex": "Gender", "birth_date": "Date of birth", "vital_status": "Survival status"}
_SITES = {"met_": ("sites", "Metastatic sites"), "first_met_": ("first_sites", "Sites at first metastasis")}
_UNKNOWN_CODE = "99"


@dataclass(frozen=True)
class _Var:
    field: cb.Field
    name: str                      # REDCap variable (checkbox: the field, codes are sites)
    label: str
    rtype: str
    choices: tuple[tuple[str, str], ...] = ()
    validation: str = ""
    choice: str = ""               # checkbox code this codebook field is


def _site(f: cb.Field) -> tuple[str, str, str] | None:
    """(prefix, site, site label) of a metastatic-site field that belongs in a checkbox."""
    for prefix in ("first_met_", "met_"):
        site = f.name[len(prefix):]
        if f.name.startswith(prefix) and site in cb.MET_SITES:
            label = f.label.split(": ", 1)[1]
            return prefix, site, label
    return None


def _variables() -> list[_Var]:
    out: list[_Var] = []
    for form, (_instrument, prefix, _title) in INSTRUMENTS.items():
        k = 0
        for f in cb.fields_of(form):
            if f.name == "patient_id":
                if form == "patients":
                    out.append(_Var(f, "study_no", "Study number", "text"))
                continue
            site = _site(f)
            if site:
                part, name = _SITES[site[0]]
                code = str(cb.MET_SITES.index(site[1]) + 1)
                choices = tuple((str(i + 1), s.split(": ", 1)[1]) for i, s in enumerate(
                    cb.BY_NAME[f"{site[0]}{m}"].label for m in cb.MET_SITES))
                out.append(_Var(f, f"{prefix}_{part}", name, "checkbox", choices, "", code))
                continue
            k += 1
            var, label = f"{prefix}_{k:02d}", _LABELS.get(f.name, f.header)
            if f.type == cb.CODE:
                choices = tuple((str(i + 1), c.label) for i, c in enumerate(f.codes))
                if "unknown" not in f.code_labels():
                    choices += ((_UNKNOWN_CODE, "Unknown"),)
                out.append(_Var(f, var, label, "dropdown" if len(choices) > 5 else "radio", choices))
            elif f.type == cb.YESNO:
                out.append(_Var(f, var, label, "yesno"))
            elif f.type == cb.DATE:
                out.append(_Var(f, var, label, "text", validation="date_dmy"))
            elif f.type == cb.INTEGER:
                out.append(_Var(f, var, label, "text", validation="integer"))
            elif f.type in (cb.NUMBER, cb.PERCENT):
                out.append(_Var(f, var, label, "text", validation="number"))
            else:
                out.append(_Var(f, var, label, "notes" if f.name == "rebiopsy_site" else "text"))
    return out


def _dictionary_rows(variables: list[_Var]) -> list[list[str]]:
    rows = [[title for title, _ in DICTIONARY_COLUMNS]]
    seen: set[str] = set()
    for v in variables:
        if v.name in seen:
            continue
        seen.add(v.name)
        instrument = INSTRUMENTS[v.field.form][0]
        choices = " | ".join(f"{c}, {lab}" for c, lab in v.choices)
        row = [v.name, instrument, "", v.rtype, v.label, choices, "", v.validation, "", "",
               "y" if v.name == "study_no" else "", "", "y" if v.field.required else "",
               "", "", "", "", ""]
        rows.append(row)
    return rows


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


_CACHE: dict[tuple[str, str, str, bool], str] = {}


def _encode(v: _Var, value: object, labels: bool) -> str:
    """One workbook cell as REDCap stores it (raw code or label); what REDCap could not
    store (a planted wrong value, a written 'unknown' in a yes/no cell) stays as written."""
    if v.rtype not in ("radio", "dropdown", "yesno", "checkbox"):
        return _text(value) if _text(value).strip() else ""
    key = (v.field.name, type(value).__name__, _text(value), labels)
    if key not in _CACHE:
        _CACHE[key] = _encode_coded(v, value, labels)
    return _CACHE[key]


def _encode_coded(v: _Var, value: object, labels: bool) -> str:
    text = _text(value)
    if not text.strip():
        return ("Unchecked" if labels else "0") if v.rtype == "checkbox" else ""
    f = v.field
    if v.rtype in ("radio", "dropdown"):
        parsed = vals.parse_column(f, [value])
        code = parsed.values.iloc[0]
        if parsed.issues:
            return text
        if code is None or code != code:           # an 'unknown' word
            return "Unknown" if labels else _UNKNOWN_CODE
        i = [c.code for c in f.codes].index(code)
        return v.choices[i][1] if labels else v.choices[i][0]
    if v.rtype in ("yesno", "checkbox"):
        parsed = vals.parse_column(f, [value])
        flag = parsed.values.iloc[0]
        if parsed.issues or flag is None or flag != flag or str(flag) == "<NA>":
            return text
        if v.rtype == "checkbox":
            return ("Checked" if flag else "Unchecked") if labels else ("1" if flag else "0")
        return ("Yes" if flag else "No") if labels else ("1" if flag else "0")
    return text


def _read_workbook(path: Path) -> dict[str, list[dict[str, object]]]:
    """form -> rows ({field: raw cell}) of the sample workbook, in sheet order."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        out: dict[str, list[dict[str, object]]] = {form: [] for form in cb.FORMS}
        for ws in wb.worksheets:
            form = sheet_form(ws.title)
            if form is None:
                continue
            rows = ws.iter_rows(values_only=True)
            header = next(rows, ())
            names = [next(iter(match_header_in_form(h, form)), None) if h else None for h in header]
            for r in rows:
                cells = {n: r[j] for j, n in enumerate(names) if n and j < len(r)}
                if _text(cells.get("patient_id")).strip():
                    out[form].append(cells)
        return out
    finally:
        wb.close()


def write_redcap_export(workbook: Path, out_dir: Path, *, labels: bool = False,
                        date: str = "2026-12-02") -> tuple[Path, Path]:
    """Write ``<Project>_DATA_<date>.csv`` (``_DATA_LABELS_`` with ``labels``) and
    ``<Project>_DataDictionary_<date>.csv`` into ``out_dir``; returns (records, dictionary)."""
    variables = _variables()
    data = _read_workbook(Path(workbook))
    by_form: dict[str, list[_Var]] = {form: [] for form in cb.FORMS}
    for v in variables:
        by_form[v.field.form].append(v)
    record_var = variables[0]

    # Columns: record ID, the event/repeat columns, then each instrument's fields and status.
    columns: list[tuple[str, str, object]] = [(record_var.name, record_var.label, "id")]
    columns += [("redcap_event_name", "Event Name", "event"),
                ("redcap_repeat_instrument", "Repeat Instrument", "repeat"),
                ("redcap_repeat_instance", "Repeat Instance", "instance")]
    for form, (instrument, _p, _t) in INSTRUMENTS.items():
        done: set[str] = set()
        for v in by_form[form]:
            if v is record_var:
                continue
            if v.rtype == "checkbox":
                if v.name in done:
                    continue
                done.add(v.name)
                for code, lab in v.choices:
                    cv = next(x for x in by_form[form] if x.name == v.name and x.choice == code)
                    columns.append((f"{v.name}___{code}", f"{v.label} (choice={lab})", cv))
            else:
                columns.append((v.name, v.label, v))
        columns.append((f"{instrument}_complete", "Complete?", ("complete", form)))

    ids = list(dict.fromkeys(_text(r["patient_id"]) for form in cb.FORMS for r in data[form]))
    rows_of: dict[str, dict[str, list[dict[str, object]]]] = {
        form: {} for form in cb.FORMS}
    for form in cb.FORMS:
        for r in data[form]:
            rows_of[form].setdefault(_text(r["patient_id"]), []).append(r)

    def line(pid: str, event: int, filled: dict[str, dict[str, object]],
             repeat: str = "", instance: str = "") -> list[str]:
        out = []
        for _raw, _label, what in columns:
            if what == "id":
                out.append(pid)
            elif what == "event":
                out.append(_EVENTS[event][1] if labels else _EVENTS[event][0])
            elif what == "repeat":
                out.append((INSTRUMENTS[repeat][2] if labels else INSTRUMENTS[repeat][0])
                           if repeat else "")
            elif what == "instance":
                out.append(instance)
            elif isinstance(what, tuple):
                out.append(("Complete" if labels else "2") if what[1] in filled else "")
            else:
                cells = filled.get(what.field.form)
                out.append(_encode(what, cells.get(what.field.name), labels) if cells is not None
                           else "")
        return out

    body: list[list[str]] = []
    for pid in ids:
        for event in (0, 1):
            forms = [f for f, e in _EVENT_FORMS.items() if e == event]
            filled = {f: rows_of[f][pid][0] for f in forms if rows_of[f].get(pid)}
            if event == 1 and len(rows_of["treatment"].get(pid, [])) > 1:
                filled["treatment"] = rows_of["treatment"][pid][1]   # the duplicated row
            if filled:
                body.append(line(pid, event, filled))
        for k, r in enumerate(rows_of["rebiopsy"].get(pid, []), start=1):
            body.append(line(pid, 1, {"rebiopsy": r}, "rebiopsy", str(k)))

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    records = out_dir / f"{PROJECT}_DATA_{'LABELS_' if labels else ''}{date}_1200.csv"
    dictionary = out_dir / f"{PROJECT}_DataDictionary_{date}.csv"
    header = [label if labels else raw for raw, label, _ in columns]
    for path, rows in ((records, [header, *body]), (dictionary, _dictionary_rows(variables))):
        payload = _csv_bytes(rows)
        atomic_write(path, lambda tmp, payload=payload: tmp.write_bytes(payload))
    return records, dictionary


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


if __name__ == "__main__":          # python -m her2desk.cohort.sample.redcap OUTDIR
    import sys

    from ...resources import sample_study_path

    target = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    for flag in (False, True):
        for written in write_redcap_export(sample_study_path(), target, labels=flag):
            print(f"Wrote {written}")

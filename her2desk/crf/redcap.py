"""REDCap exports: a records CSV read through its project's data dictionary.

Why a module of its own: REDCap does not write the template's shape. Its records
export is one CSV whose columns are the project's variables (or their labels), its
coded answers are numbers whose meaning only the data dictionary knows, checkbox
fields become one ``var___code`` column per choice, repeating instruments (a second
rebiopsy) are extra rows marked by ``redcap_repeat_instrument`` and
``redcap_repeat_instance``, and longitudinal projects spread a record over one row
per event. This module turns the pair into the sheets the reader already knows —
one per instrument, the record ID first, coded answers decoded to their labels,
dates parsed by the dictionary's validation type — plus the column mapping that
says which codebook field each variable is. The reader then parses, validates and
maps those sheets exactly as it does a workbook, so the app, the command line and
the self-test share one path (no statistics here).

Each sheet row keeps the row number the records file has in Excel (header = row 1),
and :class:`RedcapLayout` remembers record, instrument and instance per row so
findings can name them. REDCap's own bookkeeping columns (``*_complete``, event,
repeat, data access group, survey identifier and timestamps) are understood and
never reported as unknown columns.
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..errors import CRFReadError
from ..i18n import N_
from . import codebook as cb
from .headers import mapping_lookup, match_header, match_header_in_form, normalize_header, sheet_form

__all__ = ["DictionaryField", "Dictionary", "RedcapLayout", "parse_dictionary", "looks_like_dictionary",
           "records_to_sheets", "looks_like_records", "dictionary_beside", "is_dictionary_name", "sniff_dictionary",
           "DICTIONARY_COLUMNS", "SYSTEM_COLUMNS"]

#: The 18 columns of REDCap's data dictionary CSV, in order (the API's metadata names beside).
DICTIONARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Variable / Field Name", "field_name"),
    ("Form Name", "form_name"),
    ("Section Header", "section_header"),
    ("Field Type", "field_type"),
    ("Field Label", "field_label"),
    ("Choices, Calculations, OR Slider Labels", "select_choices_or_calculations"),
    ("Field Note", "field_note"),
    ("Text Validation Type OR Show Slider Number", "text_validation_type_or_show_slider_number"),
    ("Text Validation Min", "text_validation_min"),
    ("Text Validation Max", "text_validation_max"),
    ("Identifier?", "identifier"),
    ("Branching Logic (Show field only if...)", "branching_logic"),
    ("Required Field?", "required_field"),
    ("Custom Alignment", "custom_alignment"),
    ("Question Number (surveys only)", "question_number"),
    ("Matrix Group Name", "matrix_group_name"),
    ("Matrix Ranking?", "matrix_ranking"),
    ("Field Annotation", "field_annotation"),
)
_NEEDED = ("field_name", "form_name", "field_type", "field_label")

#: Columns REDCap adds to a records export (raw name, label-export header).
SYSTEM_COLUMNS: dict[str, tuple[str, ...]] = {
    "redcap_event_name": ("Event Name",),
    "redcap_repeat_instrument": ("Repeat Instrument",),
    "redcap_repeat_instance": ("Repeat Instance",),
    "redcap_data_access_group": ("Data Access Group",),
    "redcap_survey_identifier": ("Survey Identifier",),
    "redcap_arm": ("Arm",),
}
_SYSTEM_BY_KEY = {normalize_header(s): raw for raw, labels in SYSTEM_COLUMNS.items()
                  for s in (raw, *labels)}

#: Field types that hold no data in a records export.
_NO_DATA_TYPES = ("descriptive",)
_CODED_TYPES = ("radio", "dropdown", "sql")
_BOOLEAN_TYPES = {"yesno": ("No", "Yes"), "truefalse": ("False", "True")}
_DATE_VALIDATIONS = re.compile(r"^(date|datetime|datetime_seconds)_(ymd|dmy|mdy)$")
_CHECKED = ("1", "checked")
_UNCHECKED = ("0", "unchecked", "")


@dataclass(frozen=True)
class DictionaryField:
    """One row of the data dictionary: a variable of one instrument."""
    name: str
    form: str                               # the instrument ("Form Name")
    type: str                               # "text", "radio", "checkbox", ...
    label: str
    choices: tuple[tuple[str, str], ...] = ()   # (code, label) in dictionary order
    validation: str = ""                    # "date_dmy", "integer", ...

    def choice_label(self, code: str) -> str | None:
        return next((lab for c, lab in self.choices if c == code), None)


@dataclass(frozen=True)
class Dictionary:
    """A REDCap project's data dictionary (fields in order; the first is the record ID)."""
    fields: tuple[DictionaryField, ...]
    source_name: str = ""

    @property
    def record_id(self) -> DictionaryField:
        return self.fields[0]

    @property
    def by_name(self) -> dict[str, DictionaryField]:
        return {f.name: f for f in self.fields}

    def instruments(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.form for f in self.fields))


@dataclass
class RedcapLayout:
    """Where each sheet row came from: ``(sheet, row) -> (record, instrument, instance)``."""
    places: dict[tuple[str, int], tuple[str, str, str]] = field(default_factory=dict)
    record_id: str = ""

    def locate(self, sheet: str, row: int | None) -> tuple[str, str, str] | None:
        """(record, instrument, instance) of a sheet row ('' instance: not repeating)."""
        return self.places.get((sheet, int(row))) if row is not None else None

    def name_place(self, sheet: str, row: int | None, variable: str, message: str) -> str:
        """``message`` opened with the REDCap record, instrument, instance and variable it is
        about, the words a REDCap user searches by (each form a catalogue template)."""
        place = self.locate(sheet, row)
        if place is not None:
            record, instrument, instance = place
            if instance:
                return N_(f"REDCap record {record}, instrument {instrument}, instance {instance}, "
                          f"variable {variable}: {message}")
            return N_(f"REDCap record {record}, instrument {instrument}, variable {variable}: "
                      f"{message}")
        if sheet and variable:
            return N_(f"REDCap instrument {sheet}, variable {variable}: {message}")
        if sheet:
            return N_(f"REDCap instrument {sheet}: {message}")
        return message


# ------------------------------------------------------------------ the dictionary


def _cell(row: Sequence[object], j: int | None) -> str:
    if j is None or j >= len(row) or row[j] is None:
        return ""
    return unicodedata.normalize("NFC", str(row[j])).strip()


def _dictionary_columns(header: Sequence[object]) -> dict[str, int]:
    keys = {normalize_header(title): api for title, api in DICTIONARY_COLUMNS}
    keys.update({normalize_header(api): api for _, api in DICTIONARY_COLUMNS})
    found: dict[str, int] = {}
    for j, cell in enumerate(header):
        api = keys.get(normalize_header(cell))
        if api and api not in found:
            found[api] = j
    return found


def looks_like_dictionary(header: Sequence[object]) -> bool:
    """Whether a CSV's first row is a REDCap data dictionary's header."""
    return all(k in _dictionary_columns(header) for k in _NEEDED)


def _parse_choices(text: str) -> tuple[tuple[str, str], ...] | None:
    """'1, Female | 2, Male' -> (('1', 'Female'), ('2', 'Male')); None when not in that form."""
    out = []
    for part in text.split("|"):
        part = part.strip()
        if not part:
            continue
        code, sep, label = part.partition(",")
        if not sep or not code.strip():
            return None
        out.append((code.strip(), label.strip()))
    return tuple(out)


def parse_dictionary(rows: Sequence[Sequence[object]], name: str) -> Dictionary:
    """The dictionary in ``rows`` (a CSV read as rows); :class:`CRFReadError` when it is not one."""
    rows = [r for r in rows if any(_cell(r, j) for j in range(len(r)))]
    if not rows:
        raise CRFReadError(f"The data dictionary '{name}' is empty; download it again from REDCap "
                           f"(Project Setup ▸ Data Dictionary).")
    cols = _dictionary_columns(rows[0])
    missing = [title for title, api in DICTIONARY_COLUMNS if api in _NEEDED and api not in cols]
    if missing:
        raise CRFReadError(f"'{name}' is not a REDCap data dictionary (it has no "
                           f"'{missing[0]}' column); download the dictionary from REDCap's Data "
                           f"Dictionary page and give that file.")
    fields: list[DictionaryField] = []
    seen: set[str] = set()
    for k, row in enumerate(rows[1:], start=2):
        var = _cell(row, cols["field_name"])
        ftype = _cell(row, cols["field_type"]).casefold()
        if not var:
            raise CRFReadError(f"Row {k} of the data dictionary '{name}' has no variable name; "
                               f"download the dictionary from REDCap again.")
        if var in seen:
            raise CRFReadError(f"The data dictionary '{name}' lists the variable '{var}' twice "
                               f"(row {k}); download the dictionary from REDCap again.")
        seen.add(var)
        if ftype in _NO_DATA_TYPES:
            continue
        choices: tuple[tuple[str, str], ...] = ()
        if ftype in (*_CODED_TYPES, "checkbox"):
            text = _cell(row, cols.get("select_choices_or_calculations"))
            parsed = _parse_choices(text) if ftype != "sql" else ()
            if parsed is None or (ftype != "sql" and not parsed):
                raise CRFReadError(f"The {ftype} field '{var}' in the data dictionary '{name}' "
                                   f"(row {k}) has choices written as '{text[:60]}', not as "
                                   f"'1, First | 2, Second'; correct it in REDCap and download "
                                   f"the dictionary again.")
            choices = parsed
        fields.append(DictionaryField(var, _cell(row, cols["form_name"]), ftype,
                                      _cell(row, cols["field_label"]), choices,
                                      _cell(row, cols.get("text_validation_type_or_show_slider_number"))
                                      .casefold()))
    if not fields:
        raise CRFReadError(f"The data dictionary '{name}' lists no variables; download it again "
                           f"from REDCap.")
    return Dictionary(tuple(fields), name)


# ------------------------------------------------------------------ records -> sheets


@dataclass(frozen=True)
class _Column:
    """One column of the records file and what it is."""
    index: int
    header: str                             # as in the file
    var: str                                # the sheet's header: the variable (var___code)
    field: DictionaryField | None           # None: a system or unknown column
    choice: tuple[str, str] | None = None   # a checkbox column's (code, label)
    system: str = ""                        # redcap_event_name, ... or "complete"


_CHOICE_HEADER = re.compile(r"^(.*)\(choice=(.*)\)\s*$", re.DOTALL)


def _choice_header_key(label: str, choice: str) -> str:
    """The labels export heads a checkbox column 'Metastatic sites (choice=lung)'."""
    return f"{normalize_header(label)}\x00choice\x00{normalize_header(choice)}"


def _checkbox_code_key(code: str) -> str:
    """REDCap's column suffix for a checkbox code: lower case, other characters as '_'."""
    return re.sub(r"[^a-z0-9]", "_", code.casefold())


def _classify(header: Sequence[object], dic: Dictionary) -> list[_Column]:
    by_name = {f.name.casefold(): f for f in dic.fields}
    checkbox = {}
    for f in dic.fields:
        if f.type == "checkbox":
            for c in f.choices:
                checkbox[f"{f.name}___{_checkbox_code_key(c[0])}".casefold()] = (f, c)
                checkbox[_choice_header_key(f.label, c[1])] = (f, c)
    by_label: dict[str, list[DictionaryField]] = {}
    for f in dic.fields:
        if f.type != "checkbox":
            by_label.setdefault(normalize_header(f.label), []).append(f)
    forms = {normalize_header(f"{form} complete"): form for form in dic.instruments()}
    out: list[_Column] = []
    used: set[str] = set()
    for j, cell in enumerate(header):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        key, norm = text.casefold(), normalize_header(text)
        choice = _CHOICE_HEADER.match(text)
        if choice:
            norm = _choice_header_key(choice.group(1), choice.group(2))
        if key in by_name and key not in used:
            f = by_name[key]
            out.append(_Column(j, text, f.name, f))
        elif key in checkbox or norm in checkbox:
            f, c = checkbox.get(key) or checkbox[norm]
            out.append(_Column(j, text, f"{f.name}___{_checkbox_code_key(c[0])}", f, c))
        elif norm in _SYSTEM_BY_KEY:
            out.append(_Column(j, text, _SYSTEM_BY_KEY[norm], None, system=_SYSTEM_BY_KEY[norm]))
        elif key.endswith("_complete") and key[:-9] in {i.casefold(): i for i in dic.instruments()}:
            form = {i.casefold(): i for i in dic.instruments()}[key[:-9]]
            out.append(_Column(j, text, form, None, system="complete"))
        elif norm == "complete" or norm in forms:
            # The labels export heads each form's status 'Complete?' right after its fields.
            previous = next((c.field.form for c in reversed(out) if c.field is not None), "")
            out.append(_Column(j, text, forms.get(norm, previous), None, system="complete"))
        elif key.endswith("_timestamp") or norm == "surveytimestamp":
            out.append(_Column(j, text, text, None, system="timestamp"))
        elif any(f.name.casefold() not in used for f in by_label.get(norm, ())):
            # Two fields may share a label: the k-th such column is the k-th such field.
            f = next(f for f in by_label[norm] if f.name.casefold() not in used)
            out.append(_Column(j, text, f.name, f))
        else:
            out.append(_Column(j, text, text, None))
            continue
        if out[-1].field is not None and out[-1].choice is None:
            used.add(out[-1].field.name.casefold())
    return out


def _date_value(text: str, validation: str) -> object:
    """A date by the dictionary's validation type; REDCap exports Y-M-D, shown D-M-Y or M-D-Y."""
    m = _DATE_VALIDATIONS.match(validation)
    s = text.strip()
    if not m or not s:
        return text
    day_part = s.split(" ")[0].split("T")[0]
    parts = re.split(r"[-/.]", day_part)
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return text
    if len(parts[0]) == 4:
        y, mo, d = parts
    elif m.group(2) == "dmy":
        d, mo, y = parts
    elif m.group(2) == "mdy":
        mo, d, y = parts
    else:
        return text
    try:
        return _dt.date(int(y), int(mo), int(d))
    except ValueError:
        return text


def _decode(col: _Column, text: str) -> object:
    """One cell of the records file as the reader should see it (labels, dates, yes/no)."""
    f = col.field
    if f is None:
        return text
    if col.choice is not None:
        key = text.strip().casefold()
        return "Yes" if key in _CHECKED else "No" if key in _UNCHECKED else text
    if not text.strip():
        return ""
    if f.type in _CODED_TYPES:
        label = f.choice_label(text.strip())
        return label if label is not None else text
    if f.type in _BOOLEAN_TYPES:
        no, yes = _BOOLEAN_TYPES[f.type]
        return {"0": no, "1": yes}.get(text.strip(), text)
    if f.type == "text" and f.validation:
        if _DATE_VALIDATIONS.match(f.validation):
            return _date_value(text, f.validation)
        if f.validation == "number_comma_decimal":
            return text.replace(",", ".")
    return text


def _instance_form(value: str, dic: Dictionary) -> str:
    """The instrument a ``redcap_repeat_instrument`` cell names (raw name or its label)."""
    key = normalize_header(value)
    for form in dic.instruments():
        if normalize_header(form) == key:
            return form
    return value.strip()


def _target_field(col: _Column, form: str | None) -> tuple[str, ...]:
    """Codebook fields a REDCap variable can be: by its label (and choice), then by its name."""
    f = col.field
    assert f is not None
    if col.choice is not None:
        tries = [f"{f.label}: {col.choice[1]}", f"{f.label} {col.choice[1]}", col.var]
    else:
        tries = [f.label, f.name]
    for text in tries:
        found = match_header_in_form(text, form)
        if found:
            return found
    return ()


def records_to_sheets(rows: Sequence[Sequence[object]], dic: Dictionary, name: str,
                      mapping: dict[str, str] | None = None
                      ) -> tuple[list[tuple[str, list[list[object]]]], dict[str, str], RedcapLayout]:
    """The records file's rows as one sheet per instrument, the column mapping for them, and
    where each row came from. ``mapping``: the user's saved mapping (``"<instrument>!<var>"``
    or ``"<var>"``), which wins over the automatic match."""
    rows = list(rows)
    if not rows or not any(str(c).strip() for c in rows[0] if c is not None):
        raise CRFReadError(f"'{name}' has no header row; export the records from REDCap again "
                           f"(Data Exports ▸ CSV).")
    if looks_like_dictionary(rows[0]):
        raise CRFReadError(f"'{name}' is a data dictionary, not a records export; give the "
                           f"records CSV first and the dictionary after --dictionary.")
    cols = _classify(rows[0], dic)
    rid = dic.record_id
    id_col = next((c for c in cols if c.field is rid), None)
    data_cols = [c for c in cols if c.field is not None]
    if id_col is None:
        known = len(data_cols)
        if known == 0:
            raise CRFReadError(f"None of the columns of '{name}' is a variable of the data "
                               f"dictionary '{dic.source_name}'; the two files probably come "
                               f"from different REDCap projects.")
        raise CRFReadError(f"'{name}' has no column for the record ID '{rid.name}' (the first "
                           f"variable of the data dictionary); export the records again with the "
                           f"record ID included.")
    system = {c.system: c for c in cols if c.system and c.system != "complete"}
    status = {c.var: c for c in cols if c.system == "complete"}
    rep_col, inst_col = system.get("redcap_repeat_instrument"), system.get("redcap_repeat_instance")
    event_col = system.get("redcap_event_name")
    unknown = [c for c in cols if c.field is None and not c.system]
    forms = dic.instruments()
    by_form: dict[str, list[_Column]] = {form: [] for form in forms}
    for c in data_cols:
        if c is not id_col:
            by_form[c.field.form].append(c)           # type: ignore[union-attr]
    id_form = rid.form
    by_form[id_form] = [*by_form[id_form], *unknown]   # unknown columns are reported there

    # Which rows of the file belong to which instrument's sheet.
    body = rows[1:]
    members: dict[str, list[int]] = {form: [] for form in forms}
    repeating: set[str] = set()

    def text_at(r: Sequence[object], c: _Column | None) -> str:
        return _cell(r, c.index) if c is not None else ""

    for i, r in enumerate(body):
        if not any(_cell(r, j) for j in range(len(r))):
            continue
        rep = text_at(r, rep_col)
        if rep:
            form = _instance_form(rep, dic)
            repeating.add(form)
            if form in members:
                members[form].append(i)
            continue
        for form in forms:
            own = by_form[form]
            # A form saved in REDCap has a status (0/1/2) even when nothing in it is ticked.
            if any(_filled(c, text_at(r, c)) for c in own) or text_at(r, status.get(form)):
                members[form].append(i)

    sheets: list[tuple[str, list[list[object]]]] = []
    layout = RedcapLayout(record_id=rid.name)
    auto: dict[str, str] = {}
    for form in forms:
        own = by_form[form]
        if not members[form] or not own:
            continue
        sheet_cols = [id_col, *own]
        grid: list[list[object]] = [[c.var for c in sheet_cols]]
        grid.extend([] for _ in body)
        for i in members[form]:
            r = body[i]
            grid[i + 1] = [_decode(c, text_at(r, c)) for c in sheet_cols]
            instance = text_at(r, inst_col) if form in repeating else ""
            event = text_at(r, event_col)
            shown = f"{form} ({event})" if event else form
            layout.places[(form, i + 2)] = (text_at(r, id_col), shown, instance)
        sheets.append((form, grid))
        _auto_mapping(form, sheet_cols, mapping or {}, auto, id_col)
    if not sheets:
        raise CRFReadError(f"'{name}' has a header row but no records; export the records from "
                           f"REDCap again.")
    return sheets, auto, layout


def _filled(col: _Column, text: str) -> bool:
    if col.choice is not None:
        return text.casefold() in _CHECKED
    return bool(text)


def _auto_mapping(sheet: str, cols: list[_Column], user: dict[str, str], out: dict[str, str],
                  id_col: _Column) -> None:
    """``"<sheet>!<var>": field`` for every variable the codebook recognises (and the user has
    not mapped); an ambiguous label goes to the field of the instrument's majority form."""
    form = sheet_form(sheet)
    found: dict[str, tuple[str, ...]] = {}
    for c in cols:
        if c.field is None or mapping_lookup(user, sheet, c.var) is not None:
            continue
        if c is id_col:
            out[f"{sheet}!{c.var}"] = "patient_id"
            continue
        cands = tuple(n for n in _target_field(c, form) if n != "patient_id")
        if cands:
            found[c.var] = cands
    votes: dict[str, int] = {}
    for cands in found.values():
        if len(cands) == 1:
            own = cb.BY_NAME[cands[0]].form
            votes[own] = votes.get(own, 0) + 1
    major = max(votes, key=votes.get) if votes else None    # type: ignore[arg-type]
    taken: set[str] = set()
    for var, cands in found.items():
        pick = next((n for n in cands if form and cb.BY_NAME[n].form == form), None) or \
            next((n for n in cands if cb.BY_NAME[n].form == major), cands[0])
        if pick in taken:
            continue                        # the reader reports the second column as duplicate
        taken.add(pick)
        out[f"{sheet}!{var}"] = pick


# ------------------------------------------------------------------ finding the dictionary

_DICTIONARY_NAME = re.compile(r"^(?P<project>.+?)_DataDictionary_(?P<date>[0-9][0-9_\-]*)\.csv$",
                              re.IGNORECASE)
_RECORDS_NAME = re.compile(r"^(?P<project>.+?)_DATA(?:_LABELS)?_(?P<date>[0-9][0-9_\-]*)\.csv$",
                           re.IGNORECASE)


def dictionary_beside(records: str | Path) -> Path | None:
    """The data dictionary REDCap would have named for this records export, in its folder:
    ``<Project>_DataDictionary_<date>.csv``, the same project's newest (same date first).
    None when there is none (or ``records`` is itself a dictionary)."""
    p = Path(records)
    if _DICTIONARY_NAME.match(p.name):
        return None
    m = _RECORDS_NAME.match(p.name)
    project = m.group("project") if m else None
    date = m.group("date")[:10] if m else ""
    try:
        candidates = [q for q in p.parent.iterdir()
                      if q.is_file() and _DICTIONARY_NAME.match(q.name)]
    except OSError:
        return None
    if project is not None:
        same = [q for q in candidates
                if _DICTIONARY_NAME.match(q.name).group("project").casefold() == project.casefold()]  # type: ignore[union-attr]
        if same:
            candidates = same
    if not candidates:
        return None
    same_day = [q for q in candidates if date and date in q.name]
    return sorted(same_day or candidates, key=lambda q: q.name)[-1]


_STATUS_COLUMN = re.compile(r"^[a-z][a-z0-9_]*_complete$")


def looks_like_records(header: Sequence[object], rows: Sequence[Sequence[object]] = ()) -> bool:
    """Whether a CSV is a REDCap records export, by REDCap's own bookkeeping columns: event,
    repeat, data access group, the labels export's 'Complete?', or (given the ``rows``) an
    ``<instrument>_complete`` column holding only form statuses 0, 1, 2."""
    keys = {normalize_header(c) for c in header if c is not None}
    system = {normalize_header(raw) for raw in SYSTEM_COLUMNS if raw != "redcap_arm"}
    if keys & system or any(str(c).strip() == "Complete?" for c in header if c is not None):
        return True
    for j, cell in enumerate(header):
        if cell is not None and _STATUS_COLUMN.match(str(cell).strip()):
            values = {_cell(r, j) for r in rows}
            if values and values <= {"", "0", "1", "2"} and values != {""}:
                return True
    return False


def sniff_dictionary(path: str | Path) -> bool:
    """Whether the CSV at ``path`` is a REDCap data dictionary, from its first line only
    (for drag and drop: cheap, never raises; the reader checks the whole file later)."""
    import csv
    import io

    from .source import CSV_EXTENSIONS, check_regular_file

    try:
        p = check_regular_file(path, CSV_EXTENSIONS)
        with open(p, "rb", buffering=0) as fh:        # regular file: checked just above
            head = fh.read(1 << 16)
    except (CRFReadError, OSError):
        return False
    text = head.decode("utf-8-sig", errors="replace").splitlines()
    if not text:
        return False
    try:
        first = next(csv.reader(io.StringIO(text[0])), [])
    except csv.Error:
        return False
    return looks_like_dictionary(first)


def is_dictionary_name(path: str | Path) -> bool:
    """Whether a file's name is the one REDCap gives a data dictionary download."""
    return bool(_DICTIONARY_NAME.match(Path(path).name))

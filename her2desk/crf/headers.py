"""Which codebook field a column header means, and the user's saved column mapping.

Headers are compared after :func:`normalize_header` (casefold, units in brackets
dropped, spaces and punctuation removed) against every field's canonical name,
label, template header and synonyms. A header several fields answer to is left
to the caller (the reader prefers the field of the sheet's own form).

The user's corrections live in ``<stem>.her2desk.json`` next to the study under
``"column_mapping"``: ``{"<sheet>!<header>": "<field>"}`` or ``{"<header>": "<field>"}``,
where ``""`` means "ignore this column".
"""
from __future__ import annotations

import difflib
import os
import re
import unicodedata
from pathlib import Path

from . import codebook as cb
from .side_file import MAPPING_KEY, SideFile, read_side_file, side_file_path, update_side_file

#: Sheet names the template writes for people (and its hidden drop-down ``Lists``), never data.
SKIPPED_SHEETS = ("codebook", "instructions", "lists", "readme", "说明", "填写说明", "编码表")

#: Extra sheet names (besides the form key and ``FORMS`` title) that mean a form.
SHEET_SYNONYMS: dict[str, tuple[str, ...]] = {
    "patients": ("patient", "baseline", "demographics", "患者", "基本信息", "基线", "患者信息"),
    "treatment": ("treatments", "therapy", "治疗", "治疗信息"),
    "outcomes": ("outcome", "followup", "follow-up", "随访", "结局", "预后"),
    "first_line": ("first line", "firstline", "first-line", "一线治疗", "一线"),
    "rebiopsy": ("rebiopsies", "biopsy", "再活检", "转移灶活检"),
}

_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# Everything that is not a letter or digit of any script (Chinese included).
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_header(text: object) -> str:
    """``'Age at diagnosis (years)'`` -> ``'ageatdiagnosis'``; ``'年龄（岁）'`` -> ``'年龄'``.

    NFKC folds full-width brackets and letters first; a header made only of a
    bracketed part keeps that part (``'(ID)'`` -> ``'id'``).
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).casefold().strip()
    stripped = _BRACKETS.sub(" ", s)
    out = _NON_WORD.sub("", stripped)
    return out or _NON_WORD.sub("", s)


def _build_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for f in cb.FIELDS:
        for spelling in (f.name, f.label, f.header, *f.synonyms):
            key = normalize_header(spelling)
            if key and f.name not in index.setdefault(key, []):
                index[key].append(f.name)
    return {k: tuple(v) for k, v in index.items()}


#: normalised header -> candidate field names, in codebook order.
HEADER_INDEX: dict[str, tuple[str, ...]] = _build_index()


def match_header(header: object) -> tuple[str, ...]:
    """Field names this header can mean (empty when none, several when ambiguous)."""
    return HEADER_INDEX.get(normalize_header(header), ())


#: Words that turn a generic header into the form's own field on a sheet named for that
#: form: 'ER (%)' on the Rebiopsy sheet is 'Rebiopsy ER', not the primary tumour's ER.
FORM_PREFIXES: dict[str, tuple[str, ...]] = {
    "rebiopsy": ("rebiopsy", "met"),
    "first_line": ("first line",),
}


def match_header_in_form(header: object, form: str | None) -> tuple[str, ...]:
    """Like :func:`match_header`, but on a sheet of ``form`` a header that names another
    form's field is first tried as the form's own field ('HER2' -> 'Rebiopsy HER2')."""
    found = match_header(header)
    if not form or "patient_id" in found or any(cb.BY_NAME[n].form == form for n in found):
        return found
    for prefix in FORM_PREFIXES.get(form, ()):
        own = tuple(n for n in match_header(f"{prefix} {header}") if cb.BY_NAME[n].form == form)
        if own:
            return own
    return found


def suggest_field(header: object, cutoff: float = 0.6) -> str | None:
    """The closest field for a header no field matches exactly (for the mapping dialog)."""
    exact = match_header(header)
    if exact:
        return exact[0]
    key = normalize_header(header)
    if not key:
        return None
    best = difflib.get_close_matches(key, list(HEADER_INDEX), n=1, cutoff=cutoff)
    return HEADER_INDEX[best[0]][0] if best else None


def _sheet_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for form, title in cb.FORMS.items():
        for name in (form, title, *SHEET_SYNONYMS.get(form, ())):
            index.setdefault(normalize_header(name), form)
    return index


_SHEET_INDEX = _sheet_index()


def sheet_form(sheet_name: str) -> str | None:
    """The form a sheet's name says it holds (``'First-line MBC'`` -> ``'first_line'``)."""
    return _SHEET_INDEX.get(normalize_header(sheet_name))


def is_skipped_sheet(sheet_name: str) -> bool:
    """Template sheets for people (Codebook, Instructions) that are skipped silently."""
    key = normalize_header(sheet_name)
    return any(key == normalize_header(s) for s in SKIPPED_SHEETS)


# ---------------------------------------------------------------- user mapping
def mapping_lookup(mapping: dict[str, str] | None, sheet: str, header: str) -> str | None:
    """The field the user mapped this column to: a name, ``""`` (ignore) or None (not mapped).

    ``"<sheet>!<header>"`` wins over a bare ``"<header>"``; keys are compared with
    surrounding spaces stripped and, failing an exact hit, case-insensitively.
    """
    if not mapping:
        return None
    header = str(header).strip()
    for key in (f"{sheet}!{header}", header):
        if key in mapping:
            return mapping[key]
    folded = {str(k).strip().casefold(): v for k, v in mapping.items()}
    for key in (f"{sheet}!{header}".casefold(), header.casefold()):
        if key in folded:
            return folded[key]
    return None


def mapping_path(study_path: str | os.PathLike) -> Path:
    """``study.xlsx`` -> ``study.her2desk.json`` (the file the settings share)."""
    return side_file_path(study_path)


def mapping_from_side(side: SideFile) -> tuple[dict[str, str], tuple[str, ...]]:
    """The usable column mapping of a side file, and sentences about any part that is not.

    A ``column_mapping`` that is not an object is ignored as a whole, an entry whose
    field is not text is dropped; each says so, so a mapping is never ignored silently.
    (Entries naming an unknown field are reported by the reader, per column.)
    """
    raw = side.part(MAPPING_KEY)
    if raw is None:
        return {}, ()
    name = side.path.name
    if not isinstance(raw, dict):
        return {}, (f"The saved column mapping in {name} is not a list of columns and fields, "
                    "so it was ignored; map the columns again with File ▸ Map columns….",)
    mapping: dict[str, str] = {}
    bad: list[str] = []
    for key, value in raw.items():
        if value is None or isinstance(value, str):
            mapping[str(key)] = "" if value is None else value
        else:
            bad.append(str(key))
    problems = ()
    if bad:
        shown = ", ".join(f"'{b}'" for b in bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
        problems = (f"The saved column mapping in {name} gives no field name for {shown}, so "
                    f"{'that column is' if len(bad) == 1 else 'those columns are'} matched "
                    "automatically.",)
    return mapping, problems


def blanked_patient_id(mapping: dict[str, str] | None) -> list[str]:
    """Mapping keys that tell the reader to ignore a column that is a Patient ID column."""
    out = []
    for key, value in (mapping or {}).items():
        header = str(key).split("!", 1)[-1]
        if value == "" and "patient_id" in match_header(header):
            out.append(str(key))
    return out


def patient_id_hint(mapping: dict[str, str] | None, study_path: str | os.PathLike) -> str | None:
    """The sentence to add when a sheet has no Patient ID because the saved mapping hid it."""
    keys = blanked_patient_id(mapping)
    if not keys:
        return None
    shown = ", ".join(f"'{k}'" for k in keys[:3])
    name = mapping_path(study_path).name
    return (f"The saved column mapping in {name} tells her2desk to ignore {shown}, which is the "
            f"Patient ID column; delete that entry from {name} (or map the column to Patient ID) "
            "and open the study again.")


def load_mapping(study_path: str | os.PathLike) -> dict[str, str]:
    """The saved column mapping for this study (empty when none or unreadable).

    Reads without setting anything aside; opening a study goes through
    :func:`~.side_file.read_side_file` and :func:`mapping_from_side` to hear why.
    """
    return mapping_from_side(read_side_file(study_path, set_aside=False))[0]


def save_mapping(study_path: str | os.PathLike, mapping: dict[str, str]) -> Path:
    """Store ``mapping`` under ``"column_mapping"``, keeping every other key of the file.

    Through :func:`~.side_file.update_side_file`: merged, atomic, and an unreadable
    file is set aside (``.corrupt-<time>``) rather than silently discarded.
    """
    return update_side_file(study_path, **{MAPPING_KEY: {str(k): str(v) for k, v in mapping.items()}})

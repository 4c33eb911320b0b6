"""Read a study's case report forms from an Excel workbook or CSV file into :class:`CRFData`.

Shapes understood:

* the template workbook: one sheet per form (matched by sheet name, or failing
  that by which form's fields its headers match), each keyed by patient ID;
* one flat sheet with a row per patient holding fields of several forms (its
  rebiopsy fields give one rebiopsy row per patient when any of them is filled);
* any mix of the two; other sheets and unknown columns are ignored and reported.

The header need not be row 1: the row among the first :data:`HEADER_SEARCH_ROWS`
with most cells naming codebook fields is taken (a sheet with content but no header
there gets a finding). Every cell is read as its raw value (no type guessing), the
source is opened read-only from an in-memory copy of its bytes, and ``sha256`` is
the digest of exactly those bytes.

Hostile or unusual files (see :mod:`.archive` and :mod:`.source`): the archive is
inspected before an engine reads it; a sheet whose extent is too large for the
dense engine (a stray value in XFD1048576) is streamed and read only as far as
:data:`MAX_COLUMNS`; the 1904 date system, zero-padded ID formats (``000001``),
formulas without a saved result and hidden sheets are honoured or reported.

Public API: :func:`read_crf`, :class:`ReadCancelled`, and re-exported from
:mod:`.headers`: :func:`load_mapping`, :func:`save_mapping`, :func:`suggest_field`.
"""
from __future__ import annotations

import csv
import hashlib
import io
import itertools
import os
import re
from collections import Counter
from dataclasses import dataclass, field as _field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..i18n import N_
from . import codebook as cb
from . import values as vals
from .archive import WorkbookFacts, column_letters, inspect_workbook
from .source import CSV_EXTENSIONS, EXCEL_EXTENSIONS, read_source_bytes
from .headers import (is_skipped_sheet, load_mapping, mapping_lookup, match_header_in_form,
                      save_mapping, sheet_form, suggest_field)
from .model import ERROR, ROW_COL, SHEET_COL, WARNING, CRFData, CRFReadError, Finding

__all__ = ["read_crf", "ReadCancelled", "load_mapping", "save_mapping", "suggest_field",
           "EXCEL_EXTENSIONS", "CSV_EXTENSIONS", "HEADER_SEARCH_ROWS"]

HEADER_SEARCH_ROWS = 200
#: Columns read per sheet; cells beyond (a stray value in column XFD) get one finding.
MAX_COLUMNS = 2_000
ENGINES = ("calamine", "openpyxl")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"

Progress = Callable[[float, str], None]


class ReadCancelled(Exception):
    """Raised by :func:`read_crf` when its ``cancelled()`` callback returns True."""


# ------------------------------------------------------------------ entry point


def read_crf(path: str | os.PathLike, mapping: dict[str, str] | None = None, *,
             engine: str | None = None, progress: Progress | None = None,
             cancelled: Callable[[], bool] | None = None,
             dictionary: str | os.PathLike | None = None) -> CRFData:
    """Read the CRF at ``path``.

    ``mapping``: user corrections ``{"<sheet>!<header>": field}`` or ``{"<header>": field}``
    (``""`` = ignore the column); when None the mapping saved next to the study
    (:func:`load_mapping`) is used. ``engine``: ``"calamine"`` (default, fastest) or
    ``"openpyxl"``; with the default, openpyxl is the fallback when calamine cannot
    read the file. ``progress(fraction, text)`` is called per stage and sheet;
    ``cancelled()`` is polled and :class:`ReadCancelled` raised when it returns True.

    The result's ``mapping_used`` lists every column read as ``"<sheet>!<header>": field``
    (automatic matches and user mapping alike), ready to seed the mapping dialog;
    ``problems`` holds the cells that could not be parsed (rules ``bad_date``,
    ``bad_number``, ``bad_code``, ``bad_yesno``, warnings ``percent_range``) and sheet
    level notes (``no_patient_id``, ``duplicate_column``, ``bad_mapping``).

    ``dictionary``: the REDCap data dictionary CSV of a records export at ``path``
    (:mod:`.redcap` turns the pair into one sheet per instrument; layout ``"redcap"``).

    Raises :class:`CRFReadError` (one sentence for the user) for anything that is
    not a readable CRF.
    """
    if engine not in (None, *ENGINES):
        raise ValueError(f"engine must be one of {ENGINES} or None, not {engine!r}")
    ctx = _Context(progress, cancelled)
    p = Path(path)
    ctx.step(0.0, N_(f"Opening {p.name}"))
    data, ext = _read_source(p)
    digest = hashlib.sha256(data).hexdigest()
    if mapping is None:
        mapping = load_mapping(p)

    notes: list[Finding] = []
    facts = WorkbookFacts()
    if dictionary is not None:
        return _read_redcap(p, data, ext, digest, Path(dictionary), mapping or {}, ctx, notes)
    if ext in CSV_EXTENSIONS:
        rows = _csv_rows(data, p.name, ext, notes)
        from .redcap import looks_like_dictionary, looks_like_records

        if rows and looks_like_dictionary(rows[0]):
            raise CRFReadError(f"'{p.name}' is a REDCap data dictionary, not patient data; open "
                               f"the records export and give this file as its dictionary "
                               f"(--dictionary, or drop both files together).")
        if rows and looks_like_records(rows[0], rows[1:]):
            # Without the dictionary a numbered answer would be read by the codebook's own
            # spellings (sex '1' as male): refused rather than read wrong.
            raise CRFReadError(f"'{p.name}' is a REDCap records export; open it together with "
                               f"its data dictionary (--dictionary, or drop both files "
                               f"together), which says what each coded answer means.")
        sheets = [(p.stem, rows)]
        layout_hint = "csv"
    else:
        if data.startswith(_ZIP):
            facts = inspect_workbook(data, p.name)
            if facts.needs_streaming:
                engine = "openpyxl"       # calamine would allocate the dense rectangle
        sheets = _excel_sheets(data, p.name, ext, engine, ctx)
        sheets = [(name, _tidy_rows(name, rows, facts, notes)) for name, rows in sheets]
        layout_hint = None
    ctx.check()
    return _assemble(sheets, mapping or {}, p, digest, layout_hint, ctx, facts, notes)


def _read_redcap(p: Path, data: bytes, ext: str, digest: str, dictionary: Path,
                 mapping: dict[str, str], ctx: "_Context", notes: list[Finding]) -> CRFData:
    """A REDCap records CSV read through its data dictionary (see :mod:`.redcap`)."""
    from . import redcap

    if ext not in CSV_EXTENSIONS:
        raise CRFReadError(f"A REDCap records export is a CSV file; '{p.name}' is not one (export "
                           f"the records again as 'CSV / Microsoft Excel (raw data)').")
    dic_bytes = read_source_bytes(dictionary, CSV_EXTENSIONS)
    if not dic_bytes:
        raise CRFReadError(f"The data dictionary '{dictionary.name}' is empty (0 bytes); download "
                           f"it again from REDCap.")
    rows = _csv_rows(data, p.name, ext, notes)
    if rows and redcap.looks_like_dictionary(rows[0]):
        raise CRFReadError(f"'{p.name}' is a data dictionary, not a records export; give the "
                           f"records CSV first and the dictionary after --dictionary.")
    dic = redcap.parse_dictionary(_csv_rows(dic_bytes, dictionary.name, dictionary.suffix.casefold(),
                                            notes), dictionary.name)
    ctx.step(0.05, N_(f"Reading the records of {p.name}"))
    sheets, auto, layout = redcap.records_to_sheets(rows, dic, p.name, mapping)
    ctx.check()
    crf = _assemble(sheets, {**auto, **mapping}, p, digest, "redcap", ctx, None, notes)
    crf.dictionary = dictionary
    crf.redcap = layout
    return crf


# ------------------------------------------------------------------ progress


class _Context:
    def __init__(self, progress: Progress | None, cancelled: Callable[[], bool] | None):
        self._progress = progress
        self._cancelled = cancelled

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise ReadCancelled("Reading the CRF was cancelled.")

    def step(self, fraction: float, text: str) -> None:
        self.check()
        if self._progress is not None:
            self._progress(max(0.0, min(1.0, fraction)), text)


# ------------------------------------------------------------------ the source file


def _read_source(p: Path) -> tuple[bytes, str]:
    data = read_source_bytes(p, EXCEL_EXTENSIONS + CSV_EXTENSIONS)   # read-only; never written
    ext = p.suffix.casefold()
    if not data:
        raise CRFReadError(N_(f"'{p.name}' is empty (0 bytes); it may not have been saved completely."))
    if ext in (".xlsx", ".xlsm"):
        if data.startswith(_OLE2):
            raise CRFReadError(N_(f"'{p.name}' is password-protected (encrypted); open it in Excel, "
                               f"remove the password and save it again."))
        if not data.startswith(_ZIP):
            raise CRFReadError(N_(f"'{p.name}' is not an Excel workbook even though its name ends "
                               f"in {p.suffix}; open it in Excel and save it as .xlsx."))
    elif ext == ".xls" and not (data.startswith(_OLE2) or data.startswith(_ZIP)):
        raise CRFReadError(N_(f"'{p.name}' is not a real Excel workbook (some systems export web "
                           f"pages or text named .xls); open it in Excel and save it as .xlsx."))
    return data, ext


# ------------------------------------------------------------------ engines

Rows = list  # list of row sequences of raw cell values


def _excel_sheets(data: bytes, name: str, ext: str, engine: str | None,
                  ctx: _Context) -> list[tuple[str, Rows]]:
    use = engine or "calamine"
    binary = ext == ".xls" and not data.startswith(_ZIP)
    if binary:
        use = "calamine"                  # openpyxl cannot read the old binary format
    errors: list[Exception] = []
    order = [use] if engine or binary else ["calamine", "openpyxl"]
    for eng in order:
        try:
            reader = _read_calamine if eng == "calamine" else _read_openpyxl
            return reader(data, ctx)
        except (ReadCancelled, CRFReadError):
            raise
        except ImportError as exc:
            errors.append(exc)
        except Exception as exc:          # any engine failure becomes a user sentence below
            errors.append(exc)
    text = " ".join(str(e) for e in errors).casefold()
    if "password" in text or "encrypt" in text:
        raise CRFReadError(N_(f"'{name}' is password-protected (encrypted); open it in Excel, "
                           f"remove the password and save it again."))
    if ext == ".xls" and any(isinstance(e, ImportError) for e in errors):
        raise CRFReadError(N_(f"Reading old .xls workbooks needs the python-calamine package; "
                           f"save '{name}' as .xlsx in Excel."))
    raise CRFReadError(N_(f"'{name}' could not be read as an Excel workbook (the file may be damaged "
                       f"or in another format); open it in Excel and save it as .xlsx."))


def _read_calamine(data: bytes, ctx: _Context) -> list[tuple[str, Rows]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        names = list(wb.sheet_names)
        out = []
        for i, sheet_name in enumerate(names):
            ctx.step(0.05 + 0.45 * i / max(1, len(names)), N_(f"Reading sheet '{sheet_name}'"))
            if is_skipped_sheet(sheet_name):
                out.append((sheet_name, []))
                continue
            try:
                sheet = wb.get_sheet_by_name(sheet_name)
            except Exception:             # chart sheets and the like hold no cells
                out.append((sheet_name, []))
                continue
            # skip_empty_area=False keeps row 1 / column A at index 0 (Excel numbering).
            out.append((sheet_name, sheet.to_python(skip_empty_area=False)))
        return out
    finally:
        try:
            wb.close()
        except Exception:
            pass


def _read_openpyxl(data: bytes, ctx: _Context) -> list[tuple[str, Rows]]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        out = []
        names = list(wb.sheetnames)
        for i, sheet_name in enumerate(names):
            ctx.step(0.05 + 0.45 * i / max(1, len(names)), N_(f"Reading sheet '{sheet_name}'"))
            ws = wb[sheet_name]
            if is_skipped_sheet(sheet_name) or not hasattr(ws, "iter_rows"):
                out.append((sheet_name, []))
                continue
            # Some exporters write a wrong <dimension>; without it openpyxl reads every
            # cell of each row (rows may then differ in length, which _grid pads).
            ws.reset_dimensions()
            out.append((sheet_name, list(ws.iter_rows(values_only=True))))
        return out
    finally:
        wb.close()


def _tidy_rows(sheet: str, rows: Rows, facts: WorkbookFacts, notes: list[Finding]) -> Rows:
    """Cut rows at :data:`MAX_COLUMNS`, show zero-padded IDs as Excel does, note sheet facts."""
    sf = facts.sheets.get(sheet)
    if sf is not None and sf.uncached_formulas:
        n = sf.uncached_formulas
        notes.append(Finding(WARNING, "", sheet, None, "", "",
                             f"Sheet '{sheet}' has {n:,} formula{'s' if n > 1 else ''} without a "
                             f"saved result (the file was written by a program that does not "
                             f"calculate), read as empty; open the file in Excel and save it so "
                             f"the results are stored.", "", "formula_without_value"))
    if sf is not None and sf.padded:
        rows = list(rows)
        for (r, c), width in sf.padded.items():
            if r < len(rows) and c < len(rows[r]):
                if not isinstance(rows[r], list):
                    rows[r] = list(rows[r])
                v = rows[r][c]
                if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 1e15 \
                        and float(v).is_integer():
                    rows[r][c] = str(int(v)).zfill(width)
    if sf is None or sf.max_col > MAX_COLUMNS:
        long_rows = [i for i, r in enumerate(rows) if len(r) > MAX_COLUMNS]
        filled = [i for i in long_rows if _filled(rows[i][MAX_COLUMNS:])]
        if filled:
            far = max(len(rows[i]) for i in filled)
            notes.append(Finding(WARNING, "", sheet, filled[0] + 1, "", "",
                                 f"Sheet '{sheet}' has cells as far out as column "
                                 f"{column_letters(far)} (rows {filled[0] + 1:,}–{filled[-1] + 1:,}), "
                                 f"beyond the {MAX_COLUMNS:,} columns this program reads; they were "
                                 f"ignored. If they are stray, select them in Excel (Ctrl+End shows "
                                 f"the last one), delete them and save.", "", "outside_table"))
        if long_rows:
            rows = list(rows)
            for i in long_rows:
                rows[i] = rows[i][:MAX_COLUMNS]
    # Rows after the last filled one (Excel's "used range" often runs far past the data).
    n = len(rows)
    while n and (not rows[n - 1] or not _filled(rows[n - 1])):
        n -= 1
    if n < len(rows):
        rows = rows[:n]
    return rows


def _filled(cells) -> bool:
    """Any cell in ``cells`` holds something (C-speed counts: rows can be 16,384 wide)."""
    cells = list(cells)
    return len(cells) - cells.count(None) - cells.count("") > 0


def _csv_rows(data: bytes, name: str, ext: str, notes: list[Finding]) -> Rows:
    text = _decode_text(data, name, notes)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise CRFReadError(f"'{name}' holds no data; it has no header row and no patients.")
    try:
        delimiter = "\t" if ext == ".tsv" else _sniff_delimiter(lines[:30])
    except csv.Error:                     # a huge field in the sample: the reader says why below
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise CRFReadError(f"'{name}' could not be read as CSV at line {reader.line_num:,} "
                           f"({str(exc).rstrip('.')}); a cell probably opens a quote (\") that is "
                           f"never closed: open the file in Excel and save it again as CSV.") from None


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _decode_text(data: bytes, name: str, notes: list[Finding]) -> str:
    """Decode CSV bytes honestly: UTF-8/UTF-16 by BOM (or UTF-16's zero bytes), UTF-8, GB18030
    only when the bytes look like Chinese text, else Windows-1252 with a finding naming it."""
    def refuse(what: str) -> CRFReadError:
        return CRFReadError(f"'{name}' is {what}, which this program does not read; save it from "
                            f"Excel as 'CSV UTF-8' or as an Excel workbook.")

    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise refuse(f"marked as {encoding.upper().replace('-SIG', '')} text but is "
                             f"damaged") from None
    head = data[:4096]
    if b"\x00" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        guess = "utf-16-le" if odd > 3 * max(1, even) else "utf-16-be" if even > 3 * max(1, odd) else ""
        if guess:
            try:
                return data.decode(guess)
            except UnicodeDecodeError:
                pass
        raise CRFReadError(f"'{name}' is not a text (CSV) file; export the CRF again as CSV "
                           f"or as an Excel workbook.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    sample = data[:1 << 20]
    pairs = re.findall(rb"[\x81-\xfe][\x00-\xff]", sample)
    gb2312 = sum(1 for pr in pairs if 0xB0 <= pr[0] <= 0xF7 and pr[1] >= 0xA1)
    if pairs and gb2312 >= 0.8 * len(pairs):
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            pass
    try:
        data.decode("big5")
        big5_trail = sum(1 for pr in pairs if 0xA4 <= pr[0] <= 0xF9 and 0x40 <= pr[1] <= 0x7E)
        if pairs and big5_trail >= 0.1 * len(pairs):
            raise refuse("in Big5 (Traditional Chinese) encoding")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise refuse("in a text encoding that is not UTF-8") from None
    notes.append(Finding(WARNING, "", "", None, "", "",
                         f"'{name}' is not UTF-8; it was read as Western European (Windows-1252) "
                         f"text, so check names with accents, or save it from Excel as "
                         f"'CSV UTF-8'.", "", "encoding"))
    return text


def _sniff_delimiter(lines: list[str]) -> str:
    """Comma, semicolon or tab: the one splitting most sample lines into the same many fields."""
    best, best_score = ",", (0, 0)
    for d in (",", ";", "\t"):
        counts = [len(r) for r in csv.reader(lines, delimiter=d) if r]
        if not counts:
            continue
        width, agree = Counter(counts).most_common(1)[0]
        score = (agree, width) if width > 1 else (0, 0)
        if score > best_score:
            best, best_score = d, score
    return best


# ------------------------------------------------------------------ one sheet


@dataclass
class _SheetPlan:
    name: str
    header_index: int                     # 0-based row of the header
    columns: dict[str, int]               # field -> 0-based column
    header_text: dict[str, str]           # field -> header as in the file
    own_form: str | None                  # form the sheet's name says, or the majority form
    named: bool                           # own_form came from the sheet's name
    forms: list[str] = _field(default_factory=list)


def _header_candidates(sheet: str, header: str, mapping: dict[str, str],
                       findings: list[Finding] | None, row: int | None) -> tuple[str, ...] | None:
    """Fields a header can mean; None = explicitly ignored by the user mapping. On a sheet
    named for a form, a generic header means that form's field ('ER' on Rebiopsy)."""
    mapped = mapping_lookup(mapping, sheet, header)
    if mapped == "":
        return None
    if mapped is not None:
        if mapped in cb.BY_NAME:
            return (mapped,)
        if findings is not None:
            findings.append(Finding(WARNING, "", sheet, row, header, mapped,
                                    f"The saved column mapping sends '{header}' to '{mapped}', "
                                    f"which is not a field of this program; it was matched "
                                    f"automatically instead.", "", "bad_mapping"))
    return match_header_in_form(header, sheet_form(sheet))


def _find_header(sheet: str, rows: Rows, mapping: dict[str, str]) -> tuple[int, int]:
    best, best_score = -1, 0
    for i, row in enumerate(itertools.islice(rows, HEADER_SEARCH_ROWS)):
        matched = set()
        for cell in row:
            text = vals.cell_text(cell)
            if text:
                cands = _header_candidates(sheet, text, mapping, None, None)
                if cands:
                    matched.add(cands[0])
        if len(matched) > best_score:
            best, best_score = i, len(matched)
    return best, best_score


def _plan_sheet(sheet: str, rows: Rows, mapping: dict[str, str], findings: list[Finding],
                unmatched: list[tuple[str, str]]) -> _SheetPlan | None:
    header_index, score = _find_header(sheet, rows, mapping)
    if score == 0:
        return None
    excel_row = header_index + 1
    header_cells = [vals.cell_text(c) for c in rows[header_index]]
    cands: dict[int, tuple[str, ...]] = {}
    for j, text in enumerate(header_cells):
        if not text:
            continue
        c = _header_candidates(sheet, text, mapping, findings, excel_row)
        if c is None:
            continue                      # the user said: ignore this column
        if not c:
            unmatched.append((sheet, text))
        else:
            cands[j] = c
    named_form = sheet_form(sheet)
    own = named_form
    if own is None:
        votes = Counter(cb.BY_NAME[c[0]].form for c in cands.values()
                        if len(c) == 1 and c[0] != "patient_id")
        own = votes.most_common(1)[0][0] if votes else None
    columns: dict[str, int] = {}
    header_text: dict[str, str] = {}
    for j, c in cands.items():
        pick = next((n for n in c if own and cb.BY_NAME[n].form == own), c[0])
        if pick in columns:
            text = header_cells[j]
            unmatched.append((sheet, text))
            findings.append(Finding(WARNING, "", sheet, excel_row, text, text,
                                    f"Sheet '{sheet}' has two columns for "
                                    f"{cb.BY_NAME[pick].label or pick} ('{header_text[pick]}' and "
                                    f"'{text}'); only the first was read.", pick, "duplicate_column"))
            continue
        columns[pick] = j
        header_text[pick] = header_cells[j]
    forms = [f for f in cb.FORMS
             if any(cb.BY_NAME[n].form == f for n in columns if n != "patient_id")
             or (f == named_form)]
    return _SheetPlan(sheet, header_index, columns, header_text, own, named_form is not None, forms)


@dataclass
class _SheetData:
    plan: _SheetPlan
    parsed: dict[str, vals.Parsed]
    keep: np.ndarray                      # rows with any matched cell filled
    excel_rows: np.ndarray


def _parse_sheet(plan: _SheetPlan, rows: Rows, findings: list[Finding], ctx: _Context,
                 base: float, span: float, date1904: bool = False) -> _SheetData:
    body = rows[plan.header_index + 1:]
    # Rows the streaming engine gave as empty (gaps such as the million rows above a stray
    # value in A1048576) are dropped here; excel_rows keeps every row's own number.
    present = [i for i, r in enumerate(body) if len(r)]
    if len(present) < len(body):
        body = [body[i] for i in present]
        offsets = np.asarray(present, dtype=np.int64)
    else:
        offsets = np.arange(len(body), dtype=np.int64)
    n = len(body)
    widths = {len(r) for r in body}
    # A dense grid is fastest; a ragged, sparse sheet (rows of very different widths) is
    # read column by column instead so no rows x width rectangle is ever allocated.
    grid = _grid(body) if len(widths) <= 1 or n * max(widths) <= 4_000_000 else None
    widths.clear()
    width = grid.shape[1] if grid is not None else 0
    parsed: dict[str, vals.Parsed] = {}
    order = sorted(plan.columns.items(), key=lambda kv: kv[1])
    for k, (name, j) in enumerate(order):
        ctx.step(base + span * k / max(1, len(order)),
                 N_(f"Reading '{plan.name}': {plan.header_text[name]}"))
        if grid is None:
            col = np.empty(n, dtype=object)
            col[:] = [r[j] if j < len(r) else None for r in body]
        else:
            col = grid[:, j] if j < width else np.full(n, None, dtype=object)
        parsed[name] = vals.parse_column(cb.BY_NAME[name], col, date1904=date1904)
    del grid
    keep = np.zeros(n, dtype=bool)
    for p in parsed.values():
        keep |= p.text != ""
    excel_rows = offsets + plan.header_index + 2
    ids = parsed["patient_id"].values.to_numpy(dtype=object) if "patient_id" in parsed else None
    for name, j in order:
        p = parsed[name]
        for issue in p.issues:
            if not keep[issue.pos]:
                continue
            pid = ids[issue.pos] if ids is not None else None
            findings.append(Finding(issue.severity, pid or "", plan.name,
                                    int(excel_rows[issue.pos]), plan.header_text[name],
                                    str(p.text[issue.pos]), issue.message, name, issue.rule))
    return _SheetData(plan, parsed, keep, excel_rows)


def _grid(body: Rows) -> np.ndarray:
    """Rows of cells -> 2-D object array (rows padded with None when ragged)."""
    if not body:
        return np.empty((0, 0), dtype=object)
    widths = {len(r) for r in body}
    if len(widths) == 1:
        grid = np.empty((len(body), widths.pop()), dtype=object)
        grid[:] = body if grid.shape[1] else grid
        return grid
    width = max(widths)
    grid = np.full((len(body), width), None, dtype=object)
    for i, r in enumerate(body):
        grid[i, :len(r)] = r
    return grid


def _form_frames(sd: _SheetData, form: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    plan = sd.plan
    rows = sd.keep.copy()
    if form == "rebiopsy":
        # Rebiopsy rows exist only where a rebiopsy field (not just the ID) is filled.
        filled = np.zeros(len(rows), dtype=bool)
        for name in plan.columns:
            if name != "patient_id" and cb.BY_NAME[name].form == "rebiopsy":
                filled |= sd.parsed[name].text != ""
        rows &= filled
    idx = np.flatnonzero(rows)
    n = len(idx)
    data: dict[str, object] = {}
    raw: dict[str, object] = {}
    for f in cb.fields_of(form):
        p = sd.parsed.get(f.name)
        if p is None:
            data[f.name] = vals.empty_column(f, n)
            raw[f.name] = np.full(n, "", dtype=object)
        else:
            data[f.name] = p.values.iloc[idx].reset_index(drop=True)
            raw[f.name] = p.text[idx]
    for d in (data, raw):
        d[SHEET_COL] = np.full(n, plan.name, dtype=object)
        d[ROW_COL] = sd.excel_rows[idx]
    return pd.DataFrame(data), pd.DataFrame(raw)


def _empty_frames(form: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = {f.name: vals.empty_column(f) for f in cb.fields_of(form)}
    raw = {f.name: pd.Series([], dtype=object) for f in cb.fields_of(form)}
    for d in (data, raw):
        d[SHEET_COL] = pd.Series([], dtype=object)
        d[ROW_COL] = pd.Series([], dtype=np.int64)
    return pd.DataFrame(data), pd.DataFrame(raw)


# ------------------------------------------------------------------ the whole file


def _assemble(sheets: list[tuple[str, Rows]], mapping: dict[str, str], source: Path,
              digest: str, layout_hint: str | None, ctx: _Context,
              facts: WorkbookFacts | None = None, notes: list[Finding] | None = None) -> CRFData:
    facts = facts or WorkbookFacts()
    findings: list[Finding] = []
    headerless: list[str] = []
    unmatched: list[tuple[str, str]] = []
    ignored: list[str] = []
    plans: list[tuple[_SheetPlan, Rows]] = []
    without_id: list[str] = []
    only_id: list[str] = []
    for sheet, rows in sheets:
        if is_skipped_sheet(sheet) and layout_hint not in ("csv", "redcap"):
            continue
        sheet_unmatched: list[tuple[str, str]] = []
        plan = _plan_sheet(sheet, rows, mapping, findings, sheet_unmatched) if rows else None
        if plan is None:
            ignored.append(sheet)
            if len(rows) > HEADER_SEARCH_ROWS and any(_filled(r) for r in rows[HEADER_SEARCH_ROWS:]):
                headerless.append(sheet)
            continue
        if not plan.forms:
            ignored.append(sheet)
            if "patient_id" in plan.columns:
                only_id.append(sheet)
            continue
        if "patient_id" not in plan.columns:
            ignored.append(sheet)
            without_id.append(sheet)
            continue
        unmatched.extend(sheet_unmatched)
        plans.append((plan, rows))

    if not plans and only_id:
        raise CRFReadError(N_(f"Sheet '{only_id[0]}' has a patient ID column but no other column this "
                           f"program recognises; rename the headers as in the template or map "
                           f"them to fields."))
    if not plans and headerless:
        raise CRFReadError(N_(f"Sheet '{headerless[0]}' has no header row in its first "
                           f"{HEADER_SEARCH_ROWS} rows (headers are looked for there only); delete "
                           f"the rows above the header row, or move the header row up."))
    if not plans:
        raise CRFReadError(N_("No sheet has a Patient ID column; each sheet needs a header row "
                           "with columns such as Patient ID, Sex and Diagnosis date, as in the "
                           "template."))
    for sheet in headerless:
        findings.append(Finding(WARNING, "", sheet, None, "", "",
                                f"Sheet '{sheet}' has no header row in its first "
                                f"{HEADER_SEARCH_ROWS} rows, so it was not imported; delete the "
                                f"rows above its header row, or move the header row up.", "",
                                "no_header"))
    for plan, _ in plans:
        sf = facts.sheets.get(plan.name)
        if sf is not None and sf.hidden:
            findings.append(Finding(WARNING, "", plan.name, None, "", "",
                                    f"Sheet '{plan.name}' is hidden in Excel; it was imported like "
                                    f"the visible sheets (right-click a sheet tab and choose "
                                    f"Unhide to check it).", "", "hidden_sheet"))
    for sheet in without_id:
        findings.append(Finding(ERROR, "", sheet, None, "", "",
                                f"Sheet '{sheet}' has no patient ID column, so its rows cannot be "
                                f"linked to patients; it was not imported.", "patient_id",
                                "no_patient_id"))

    parts: dict[str, list[tuple[pd.DataFrame, pd.DataFrame]]] = {f: [] for f in cb.FORMS}
    headers: dict[str, dict[str, str]] = {f: {} for f in cb.FORMS}
    mapping_used: dict[str, str] = {}
    total_rows = 0
    for i, (plan, rows) in enumerate(plans):
        base = 0.5 + 0.45 * i / len(plans)
        sd = _parse_sheet(plan, rows, findings, ctx, base, 0.45 / len(plans), facts.date1904)
        total_rows += int(sd.keep.sum())
        for name, text in plan.header_text.items():
            mapping_used[f"{plan.name}!{text}"] = name
        for form in plan.forms:
            parts[form].append(_form_frames(sd, form))
            for name, text in plan.header_text.items():
                if name == "patient_id" or cb.BY_NAME[name].form == form:
                    headers[form].setdefault(name, text)

    if total_rows == 0:
        names = ", ".join(f"'{p.name}'" for p, _ in plans)
        if any(facts.sheets.get(p.name) and facts.sheets[p.name].uncached_formulas for p, _ in plans):
            raise CRFReadError(f"The data rows of {names} are formulas without a saved result "
                               f"(the file was written by a program that does not calculate); "
                               f"open the file in Excel and save it so the results are stored.")
        raise CRFReadError(f"The sheet{'s' if len(plans) > 1 else ''} {names} "
                           f"{'have' if len(plans) > 1 else 'has'} headers but no data rows; "
                           f"enter one row per patient below the header row.")

    ctx.step(0.97, N_("Combining forms"))
    forms: dict[str, pd.DataFrame] = {}
    raw: dict[str, pd.DataFrame] = {}
    for form in cb.FORMS:
        got = parts[form]
        if not got:
            forms[form], raw[form] = _empty_frames(form)
        elif len(got) == 1:
            forms[form], raw[form] = got[0]
        else:
            forms[form] = pd.concat([g[0] for g in got], ignore_index=True)
            raw[form] = pd.concat([g[1] for g in got], ignore_index=True)

    if layout_hint:
        layout = layout_hint
    elif len(plans) == 1 and not plans[0][0].named:
        layout = "flat"
    else:
        layout = "template"
    findings[:0] = notes or []
    sheet_order = {p.name: k for k, (p, _) in enumerate(plans)}
    findings.sort(key=lambda f: (sheet_order.get(f.sheet, -1), f.row or 0))
    ctx.step(1.0, N_("Done"))
    return CRFData(forms=forms, raw=raw, headers=headers, source=source, sha256=digest,
                   layout=layout, problems=findings, unmatched_columns=unmatched,
                   ignored_sheets=ignored, mapping_used=mapping_used)

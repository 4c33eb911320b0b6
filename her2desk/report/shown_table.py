"""A table as a page of the app shows it, for Ctrl+E, Copy and Print — no Qt.

The window's tables are built for reading ("52 (11.2)", "0.66 (0.44–0.99)", "<0.001"). A
:class:`ShownTable` keeps that text, the number behind a cell where the page has it (the exact P
behind "<0.001"), the row's indent and emphasis, the table's title and its footnotes. Three
outputs walk it:

* :func:`to_report_table` turns it into a :class:`~her2desk.report.report_tables.ReportTable`,
  so Ctrl+E's workbook is written by the same walker as report.xlsx (two-row header, one Excel
  column per number, P as a number shown "<0.001", title above, footnotes below);
* :func:`to_tsv` and :func:`to_html` are what the clipboard and the printer get.

Splitting "52 (11.2)" back into 52 and 11.2 reads the text the page shows, so the workbook holds
exactly the numbers on screen; a cell whose shape differs from its column's (a median (range) row
in an n (%) column) stays text rather than being forced into the wrong parts.
"""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .report_tables import P_FORMAT, Cell, Column, Part, ReportTable, Row

Value = float | int | str | None

#: Cells that stand where a number does not exist; kept as text in the number's column.
MARKERS = frozenset({"NR", "NE", "—", "–", "-", "Reference", "ref", "Not estimable"})
_NUM = r"[<>≤≥]?-?\d+(?:\.\d+)?"
_SHAPES = {
    "one": re.compile(rf"^({_NUM})\s?%?$"),
    "pair": re.compile(rf"^({_NUM})\s?%?\s\(({_NUM})\s?%?\)$"),
    "range": re.compile(rf"^({_NUM})\s?%?\s\(({_NUM}|NE|NR)\s?[–-]\s?({_NUM}|NE|NR)\)$"),
    "rate": re.compile(rf"^({_NUM})\s?%\s\((\d+)/(\d+)\)$"),
}
_INVALID_SHEET = re.compile(r"[\[\]:*?/\\]")
_ITEM_ID = re.compile(r"^((?:Table|Fig)\s?S?\d+[a-z]?)\b")
#: Footnote markers the tables put after a label (Baseline: "Age, median (range)ᵃ").
SUPERSCRIPTS = "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ"


@dataclass(frozen=True)
class ShownRow:
    """One row as shown: the cells' text, the number behind each (None when the page has none)."""
    texts: tuple[str, ...]
    raws: tuple[Value, ...] = ()
    indent: int = 0
    bold: bool = False


@dataclass(frozen=True)
class ShownTable:
    title: str
    headers: tuple[str, ...]
    rows: tuple[ShownRow, ...]
    footnotes: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_rows(cls, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]],
                  footnotes: Sequence[str] = ()) -> "ShownTable":
        """From plain values (a DataFrame's rows): numbers keep their value, the rest their text."""
        out = []
        for row in rows:
            texts, raws = [], []
            for v in row:
                number = _real(v)
                texts.append(_text(v))
                raws.append(number)
            out.append(ShownRow(tuple(texts), tuple(raws)))
        return cls(title, tuple(str(h) for h in headers), tuple(out), tuple(n for n in footnotes if n))

    def raw(self, r: int, c: int) -> Value:
        raws = self.rows[r].raws
        return raws[c] if c < len(raws) else None


def _real(v: object) -> float | int | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)) and not hasattr(v, "item"):
        return None
    try:
        v = v.item() if hasattr(v, "item") else v
    except (ValueError, AttributeError):
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return None if isinstance(v, float) and not math.isfinite(v) else v


def _text(v: object) -> str:
    if v is None:
        return ""
    try:
        if v != v:        # NaN / NaT
            return ""
    except (TypeError, ValueError):
        pass
    if hasattr(v, "isoformat") and hasattr(v, "year"):
        text = v.isoformat()
        return text[:10] if text.endswith("T00:00:00") or text.endswith("00:00:00") else text
    return str(v)


# ---- Excel -----------------------------------------------------------------------------------

def sheet_name(title: str, fallback: str = "Table") -> str:
    """An Excel-safe sheet name for a table: its paper item ("Table 1", "Fig 4b") when the title
    starts with one, else the title itself, without []:*?/\\ and at most 31 characters."""
    title = " ".join(str(title or "").split())
    match = _ITEM_ID.match(title)
    name = match.group(1) if match else title.split(". ")[0]
    name = _INVALID_SHEET.sub(" ", name).strip().strip("'")
    name = " ".join(name.split())[:31].strip().strip("'")
    return name or fallback


def _shape(text: str) -> tuple[str, tuple[str, ...]] | None:
    for kind, pattern in _SHAPES.items():
        m = pattern.match(text.strip())
        if m:
            return kind, m.groups()
    return None


def _number(token: str) -> Value:
    if token in ("NR", "NE"):
        return token
    if token[0] in "<>≤≥":
        return token                   # "<0.001" without the number behind it stays text
    return int(token) if re.fullmatch(r"-?\d+", token) else float(token)


def _decimals(tokens: Iterable[str]) -> int:
    return max((len(t.split(".", 1)[1]) for t in tokens if "." in t and t[0] not in "<>≤≥"),
               default=0)


def _fmt(decimals: int) -> str:
    return "0" if decimals == 0 else "0." + "0" * decimals


def _is_p_header(header: str) -> bool:
    return bool(re.search(r"(^|\W)P(\W|$)", header))


def _parts(header: str, kind: str, tokens: list[tuple[str, ...]]) -> tuple[Part, ...]:
    width = len(tokens[0])
    decimals = [_decimals(t[i] for t in tokens) for i in range(width)]
    if kind == "one":
        return (Part(header, P_FORMAT if _is_p_header(header) else _fmt(decimals[0])),)
    if kind == "pair":
        names = ("n", "%") if decimals[0] == 0 else (header, "( )")
        return tuple(Part(n, _fmt(d)) for n, d in zip(names, decimals))
    if kind == "rate":
        return (Part("%", _fmt(decimals[0])), Part("n", "0"), Part("of", "0"))
    names = (("HR", "95% CI lower", "95% CI upper") if "HR" in header else
             ("Estimate", "95% CI lower", "95% CI upper") if "CI" in header else
             ("Value", "from", "to"))
    return tuple(Part(n, _fmt(d)) for n, d in zip(names, decimals))


def to_report_table(table: ShownTable, key: str | None = None) -> ReportTable:
    """The shown table as the report walker's table: per column, the shape most of its cells
    have ("n (%)", "HR (lower–upper)", a number, a P) becomes one Excel column per number."""
    columns: list[Column] = []
    cells: list[list[Cell]] = [[] for _ in table.rows]
    for c, header in enumerate(table.headers):
        shapes = [(_shape(r.texts[c]) if c < len(r.texts) else None) for r in table.rows]
        kinds = [s[0] for s in shapes if s]
        kind = max(set(kinds), key=kinds.count) if kinds and c > 0 else None
        parts: tuple[Part, ...] = ()
        if kind:
            parts = _parts(header, kind, [s[1] for s in shapes if s and s[0] == kind])
        columns.append(Column(header, parts))
        for r, row in enumerate(table.rows):
            text = row.texts[c] if c < len(row.texts) else ""
            shape, raw = shapes[r], table.raw(r, c)
            if kind and shape and shape[0] == kind:
                values = [_number(t) for t in shape[1]]
                if kind == "one" and isinstance(raw, (int, float)) and not isinstance(raw, bool):
                    values = [raw]        # the exact number behind "<0.001" or a rounded value
                cells[r].append(Cell(text, tuple(values)))
            elif kind and text.strip() in MARKERS:
                cells[r].append(Cell(text, (text.strip(), *[None] * (len(parts) - 1))))
            else:
                cells[r].append(Cell(text))
    rows = tuple(Row(tuple(cs), style="heading" if r.bold else "body", indent=r.indent)
                 for cs, r in zip(cells, table.rows))
    return ReportTable(key or sheet_name(table.title), table.title or key or "Table",
                       tuple(columns), rows, table.footnotes)


# ---- clipboard and printer -------------------------------------------------------------------

def _clean(text: str) -> str:
    return str(text).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def to_tsv(table: ShownTable) -> str:
    """Tab-separated text as shown (title first, footnotes last); pastes into Excel."""
    lines = [_clean(table.title)] if table.title else []
    lines.append("\t".join(_clean(h) for h in table.headers))
    for row in table.rows:
        lines.append("\t".join(("    " * row.indent if i == 0 else "") + _clean(t)
                               for i, t in enumerate(row.texts)))
    lines.extend(_clean(n) for n in table.footnotes)
    return "\n".join(lines) + "\n"


def to_html(table: ShownTable) -> str:
    """The table as HTML in journal style (rules above and below the header and at the end, no
    vertical lines); Word pastes it as a real table, and the printer lays it out the same way."""
    rule = "border-top:1px solid black"
    out = ['<html><head><meta charset="utf-8"></head><body>']
    if table.title:
        out.append(f"<p><b>{html.escape(table.title)}</b></p>")
    out.append('<table cellspacing="0" cellpadding="3" style="border-collapse:collapse;'
               'font-family:Arial,sans-serif;font-size:9pt">')
    out.append("<thead><tr>" + "".join(
        f'<th style="{rule};border-bottom:1px solid black;text-align:{"left" if i == 0 else "center"}">'
        f"{html.escape(h)}</th>" for i, h in enumerate(table.headers)) + "</tr></thead><tbody>")
    last = len(table.rows) - 1
    for r, row in enumerate(table.rows):
        tds = []
        for c in range(len(table.headers)):
            text = html.escape(row.texts[c] if c < len(row.texts) else "")
            style = "text-align:left" if c == 0 else "text-align:center"
            if c == 0 and row.indent:
                style += f";padding-left:{12 * row.indent + 3}pt"
            if r == last:
                style += ";border-bottom:1px solid black"
            if row.bold and c == 0:
                text = f"<b>{text}</b>"
            tds.append(f'<td style="{style}">{text}</td>')
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    out.extend(f'<p style="font-size:8pt">{html.escape(n)}</p>' for n in table.footnotes)
    out.append("</body></html>")
    return "".join(out)


def orphan_markers(table: ShownTable) -> set[str]:
    """Footnote markers (ᵃ, ᵇ…) in the cells or headers that no footnote explains."""
    used = {ch for text in (*table.headers, *(t for r in table.rows for t in r.texts))
            for ch in text if ch in SUPERSCRIPTS}
    explained = {ch for note in table.footnotes for ch in note if ch in SUPERSCRIPTS}
    return used - explained


__all__ = ["ShownRow", "ShownTable", "orphan_markers", "sheet_name", "to_html", "to_report_table",
           "to_tsv"]

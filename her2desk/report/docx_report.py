"""``report.docx``: the study's tables and figures as a manuscript supplement a journal accepts.

Walks the same :class:`~her2desk.report.report_tables.ReportTable` objects as report.xlsx, so the
two files cannot disagree. Tables are real Word tables in journal style (three horizontal rules,
no vertical lines, n in the headers, footnotes naming the tests); figures arrive as PNG bytes
rendered by the caller at the journal width and are placed at that width with their legend under
them; a Methods paragraph is drafted from what was actually run.

python-docx writes the OOXML; this module only decides what goes where.
"""
from __future__ import annotations

import io
import platform
from functools import partial
from xml.sax.saxutils import escape as xml_escape
from pathlib import Path
from typing import Mapping, Sequence

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from ..crf.escape import printable
from .. import __version__
from ..analysis.compare import CategoricalComparison, ContinuousComparison
from ..analysis.study import StudyResults
from ..i18n import ENGLISH, translate
from .report_tables import ReportTable, Row, study_report_tables, translate_table

#: Journal single- and double-column widths (BMC: 85 and 176 mm).
DEFAULT_FIGURE_WIDTH_MM = 170.0
_BODY_PT = 10
_TABLE_PT = 8
_TEXT_WIDTH_MM = 170.0          # A4 with 20 mm margins


def _rule(cell, edge: str, size: int = 8) -> None:
    """A horizontal rule on one edge of a cell (size in eighths of a point: 8 = 1 pt)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tc_pr.append(borders)
    el = OxmlElement(f"w:{edge}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size))
    el.set(qn("w:space"), "0")
    el.set(qn("w:color"), "000000")
    borders.append(el)


def _no_borders(table) -> None:
    """Clear the table style's grid: journals print tables with horizontal rules only."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


#: The paragraph style of table cells (8 pt, no spacing), added once per document.
TABLE_STYLE = "Table text"
_TABLE_STYLE_ID = "Tabletext"


#: The East Asian font Word and LibreOffice use for Chinese runs (w:eastAsia of w:rFonts): Microsoft
#: YaHei ships with Windows; where it is missing Word and LibreOffice substitute the system's CJK
#: font (PingFang, Noto Sans CJK) for an East Asian run, never a Latin font with empty boxes.
EAST_ASIAN_FONT = "Microsoft YaHei"


def set_east_asian_font(doc, language: str) -> None:
    """Every paragraph style's runs and the document defaults name an East Asian font and (in
    Chinese) the zh-CN language: python-docx's ``font.name`` sets only the Latin slots, so without
    this a Chinese run falls back to a theme font chosen by the reader's locale."""
    targets = [doc.styles.element.find(qn("w:docDefaults"))]
    targets += [style.element for style in doc.styles if style.type == WD_STYLE_TYPE.PARAGRAPH]
    for element in targets:
        if element is None:
            continue
        r_pr = element.find(qn("w:rPr"))
        if r_pr is None and element.tag == qn("w:docDefaults"):
            holder = element.find(qn("w:rPrDefault"))
            if holder is None:
                holder = OxmlElement("w:rPrDefault")
                element.insert(0, holder)
            r_pr = holder.find(qn("w:rPr"))
            if r_pr is None:
                r_pr = OxmlElement("w:rPr")
                holder.append(r_pr)
        elif r_pr is None:
            r_pr = element.get_or_add_rPr()
        fonts = r_pr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            r_pr.insert(0, fonts)
        fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
        if qn("w:eastAsiaTheme") in fonts.attrib:   # a theme font would win over the named one
            del fonts.attrib[qn("w:eastAsiaTheme")]
        if language != ENGLISH:
            lang = r_pr.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                r_pr.append(lang)
            lang.set(qn("w:eastAsia"), "zh-CN")


def _add_table_style(doc) -> None:
    style = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.font.size = Pt(_TABLE_PT)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)


def _set_cell(cell, value: str, *, bold: bool = False, indent: int = 0,
              centre: bool = False) -> None:
    """The cell's one paragraph, built as XML in one parse.

    python-docx's property setters each search and insert elements in Python (milliseconds
    apiece); a report has thousands of cells, so the paragraph is written out whole instead.
    """
    ppr = f'<w:pStyle w:val="{_TABLE_STYLE_ID}"/>'
    if indent:
        ppr += f'<w:ind w:left="{170 * indent}"/>'           # 3 mm per level, in twips
    if centre:
        ppr += '<w:jc w:val="center"/>'
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    text = xml_escape(printable(value))
    para = parse_xml(f'<w:p {nsdecls("w")}><w:pPr>{ppr}</w:pPr>'
                     f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>')
    tc = cell._tc
    for old in tc.p_lst:
        tc.remove(old)
    tc.append(para)


def _column_widths(grid, table: ReportTable, word=None) -> None:
    """Each column as wide as its longest cell (a header may wrap at its spaces), the label
    column capped so the numbers keep room; scaled to the text width.

    Set on the table's grid (w:gridCol) as well as on each cell: LibreOffice lays a table out
    from its grid and ignores the cells' widths (equal widths wrapped "0.66 (0.44–0.99)")."""
    ncols = len(table.columns)
    lengths = []
    for j, col in enumerate(table.columns):
        texts = [len(r.cells[j].text) + 2 * r.indent for r in table.rows
                 if j < len(r.cells) and r.style != "section"]
        words = [len(w) for w in col.header.split()] or [1]
        lengths.append(max(4, max(words), max(texts, default=0)))
    # 9 pt text: about 1.75 mm a character, plus the cell's padding.
    need = [n * 1.75 + 2.5 for n in lengths]
    label_full = need[0]
    need[0] = min(need[0], 42 * 1.75 + 2.5)
    total = sum(need)
    short = [n <= 8 * 1.75 + 2.5 for n in need]      # counts, rates, P values
    fixed = sum(n for n, is_short in zip(need, short) if is_short)
    if total > _TEXT_WIDTH_MM and fixed < 0.8 * _TEXT_WIDTH_MM:
        # Too wide: numbers keep their width, the long text columns (labels, tests, the paper's
        # wording) share what is left and wrap at their spaces.
        rest = _TEXT_WIDTH_MM - fixed
        long_total = sum(n for n, is_short in zip(need, short) if not is_short)
        widths = [n if is_short else rest * n / long_total for n, is_short in zip(need, short)]
    elif total > _TEXT_WIDTH_MM:
        widths = [_TEXT_WIDTH_MM * n / total for n in need]
    else:   # room to spare: the labels first (they wrap worst), then every column alike
        spare = _TEXT_WIDTH_MM - total
        grow = min(spare, max(0.0, label_full - need[0]))
        need[0] += grow
        spare -= grow
        widths = [n + spare / ncols for n in need]
    for k, cell in enumerate(grid):
        cell.width = Mm(widths[k % ncols])
    if word is not None:
        for j, col in enumerate(word._tbl.tblGrid.gridCol_lst):
            col.w = Mm(widths[j])


def add_report_table(doc, table: ReportTable) -> None:
    """Caption above, three rules (top, under the header, bottom), footnotes below."""
    caption = doc.add_paragraph()
    run = caption.add_run(table.title)
    run.bold = True
    run.font.size = Pt(_BODY_PT)
    caption.paragraph_format.keep_with_next = True
    ncols = len(table.columns)
    word = doc.add_table(rows=1 + len(table.rows), cols=ncols)
    word.alignment = WD_TABLE_ALIGNMENT.CENTER
    word.autofit = False
    _no_borders(word)
    # python-docx's table.cell(i, j) and row.cells walk the whole table on every call
    # (quadratic in its size); take the grid of cells once, row by row.
    grid = word._cells
    _column_widths(grid, table, word)
    for j, col in enumerate(table.columns):
        cell = grid[j]
        _set_cell(cell, col.header, bold=True, centre=j > 0)
        _rule(cell, "top", 12)
        _rule(cell, "bottom", 6)
    sections = []
    for i, row in enumerate(table.rows, start=1):
        if row.style == "section":
            sections.append((i, row.cells[0].text))
            continue
        for j, cell in enumerate(row.cells):
            _set_cell(grid[i * ncols + j], cell.text, bold=row.style == "heading" and j == 0,
                      indent=row.indent if j == 0 else 0, centre=j > 0)
    last = len(table.rows)
    for j in range(ncols):
        _rule(grid[last * ncols + j], "bottom", 12)
    for i, title in sections:               # merged last: a merge changes the grid
        merged = grid[i * ncols].merge(grid[i * ncols + ncols - 1])
        _set_cell(merged, title, bold=True)
    for text in table.footnotes:
        note = doc.add_paragraph()
        note.paragraph_format.space_after = Pt(0)
        r = note.add_run(text)
        r.font.size = Pt(_TABLE_PT)
        r.italic = True
    doc.add_paragraph()


def add_figure(doc, legend: str, png: bytes, width_mm: float) -> None:
    """The picture at the journal width, its legend under it (journals put titles in legends)."""
    doc.add_picture(io.BytesIO(png), width=Mm(width_mm))
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    para = doc.add_paragraph()
    run = para.add_run(legend)
    run.font.size = Pt(_BODY_PT - 1)
    doc.add_paragraph()


def _tests_used(results: StudyResults) -> list[str]:
    seen: list[str] = []
    for key in ("table1", "table2", "table3"):
        for comp in getattr(results.tables[key], "comparisons", ()):
            if isinstance(comp, (CategoricalComparison, ContinuousComparison)) and comp.test:
                if comp.test not in seen:
                    seen.append(comp.test)
    return seen


_CI_WORDS = {"log": "log", "log-log": "log–log", "plain": "plain (linear)"}


def methods_paragraph(results: StudyResults) -> str:
    """What was run, in the words a Methods section uses, from the settings and the results."""
    s = results.settings
    tests = _tests_used(results)
    if len(tests) > 1:
        tests_text = ", ".join(tests[:-1]) + f" or {tests[-1]}"
    else:
        tests_text = tests[0] if tests else "no test"
    unknown = ("included as a level in the tests" if s.include_unknown_in_test
               else "shown but left out of the tests")
    import numpy
    import scipy
    return (
        f"Patients diagnosed between {s.enrol_from:%d %B %Y} and {s.enrol_to:%d %B %Y} were "
        f"eligible; data were censored at the cutoff of {s.cutoff:%d %B %Y}. HER2 positivity was "
        f"IHC 3+ or IHC 2+ with a FISH HER2/CEP17 ratio of at least {s.fish_threshold:g}; ER and "
        f"PR were positive at 1% or more stained nuclei. Groups were compared with {tests_text}, "
        f"chosen per row: chi-square when every expected count was at least 5, Fisher's exact test "
        f"otherwise, and rank tests for continuous variables. Unknown levels were {unknown}. "
        f"pCR rates are given with Wilson 95% confidence intervals. Survival was estimated by the "
        f"Kaplan–Meier method with {_CI_WORDS.get(s.km_conf_type, s.km_conf_type)}-transformed "
        f"95% confidence intervals; the median is the first time the curve reaches 0.5 or below "
        f"(R's survival package convention), and median follow-up was also estimated by the "
        f"reverse Kaplan–Meier method. Curves were compared by the log-rank test; hazard ratios "
        f"with Wald 95% confidence intervals come from Cox proportional-hazards models with "
        f"{s.cox_ties.capitalize()} handling of ties, and proportional hazards were checked with "
        f"the scaled Schoenfeld residual test of R's cox.zph (Kaplan–Meier time scale). "
        f"Months are days / 30.4375. Two-sided P < 0.05 was considered significant. Analyses were "
        f"run with her2desk {__version__} (Python {platform.python_version()}, NumPy "
        f"{numpy.__version__}, SciPy {scipy.__version__}), whose estimates match R's survival "
        f"package.")


def build_report_document(results: StudyResults, *, figures: Mapping[str, bytes] | None = None,
                          figure_width_mm: float = DEFAULT_FIGURE_WIDTH_MM,
                          tables: Sequence[ReportTable] | None = None,
                          source: Path | None = None, language: str = ENGLISH):
    """The python-docx ``Document`` of the whole report (write it with :func:`write_docx`);
    ``language="zh_CN"`` writes headings, methods, tables and legends in Chinese."""
    tr = partial(translate, language=language)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(_BODY_PT)
    _add_table_style(doc)
    set_east_asian_font(doc, language)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    doc.add_heading(tr("Study report"), level=0)
    if source is not None:
        # A control character in the name would make python-docx refuse the whole document.
        doc.add_paragraph(tr(f"Source: {printable(Path(source).name)}. her2desk {__version__}."))
    doc.add_heading(tr("Methods"), level=1)
    doc.add_paragraph(tr(methods_paragraph(results)))
    for note in results.notes:
        p = doc.add_paragraph(tr(note))
        p.runs[0].italic = True
    doc.add_heading(tr("Tables"), level=1)
    for table in tables if tables is not None else study_report_tables(results):
        add_report_table(doc, translate_table(table, language))
    if figures:
        doc.add_page_break()
        doc.add_heading(tr("Figures"), level=1)
        width = min(figure_width_mm, 170.0)
        for legend, png in figures.items():
            add_figure(doc, tr(legend), png, width)
    return doc


def document_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()

"""report.docx: every table of the study as a journal-style Word table, read back with python-docx."""
import json
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from her2desk.report.docx_report import build_report_document, methods_paragraph
from her2desk.report.report_tables import study_report_tables

PAPER = json.loads((Path(__file__).parents[1] / "fixtures" / "paper_tables.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def document(sample_results, tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "report.docx"
    build_report_document(sample_results).save(path)
    return Document(path)


def _texts(table):
    return [[c.text for c in row.cells] for row in table.rows]


def test_every_report_table_is_a_word_table_with_its_header(sample_results, document):
    expected = study_report_tables(sample_results)
    assert len(document.tables) == len(expected)
    for word, table in zip(document.tables, expected):
        assert _texts(word)[0] == [c.header for c in table.columns]
        assert len(word.rows) == 1 + len(table.rows)


def test_table1_counts_are_the_papers(document):
    rows = {r[0]: r for r in _texts(document.tables[1])}
    header = _texts(document.tables[1])[0]
    pos = next(i for i, h in enumerate(header) if h.startswith("HR+/HER2+"))
    neg = next(i for i, h in enumerate(header) if h.startswith("HR-/HER2+"))
    assert header[pos] == "HR+/HER2+ (n = 466)" and header[neg] == "HR-/HER2+ (n = 362)"
    row = next(r for r in PAPER["table1_baseline"]["rows"] if r["variable"] == "age_group")
    for level, n_pos, n_neg in zip(row["levels"], row["hr_pos"], row["hr_neg"]):
        assert rows[level][pos].split(" ")[0] == str(n_pos)
        assert rows[level][neg].split(" ")[0] == str(n_neg)


def test_tables_have_three_rules_and_no_vertical_lines(document):
    for table in document.tables:
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert borders is not None
        assert {el.get(qn("w:val")) for el in borders} == {"nil"}
        header_cell = table.rows[0].cells[0]._tc.tcPr.find(qn("w:tcBorders"))
        assert {el.tag.split("}")[1] for el in header_cell} == {"top", "bottom"}
        last = table.rows[-1].cells[-1]._tc.tcPr.find(qn("w:tcBorders"))
        assert "bottom" in {el.tag.split("}")[1] for el in last}
        for row in list(table.rows)[1:-1]:
            tc_pr = row.cells[0]._tc.tcPr
            assert tc_pr is None or tc_pr.find(qn("w:tcBorders")) is None


def test_methods_name_what_was_run(sample_results):
    text = methods_paragraph(sample_results)
    s = sample_results.settings
    assert f"{s.cutoff:%d %B %Y}" in text
    assert "Efron" in text and "log-transformed" in text and "cox.zph" in text
    for test in {c.test for k in ("table1", "table2", "table3")
                 for c in sample_results.tables[k].comparisons if c.test}:
        assert test in text
    breslow = methods_paragraph(_with(sample_results, cox_ties="breslow", km_conf_type="log-log"))
    assert "Breslow" in breslow and "log–log-transformed" in breslow


def _with(results, **changes):
    import dataclasses
    return dataclasses.replace(results, settings=results.settings.replace(**changes))


def test_figures_are_placed_at_the_journal_width_with_their_legend(sample_results, tmp_path):
    from her2desk.ui.report_figures import render_report_figures

    figures = render_report_figures(sample_results)
    path = tmp_path / "report.docx"
    build_report_document(sample_results, figures=figures, figure_width_mm=85).save(path)
    doc = Document(path)
    shapes = doc.inline_shapes
    assert len(shapes) == len(figures) > 0
    assert all(abs(s.width - Mm(85)) < Mm(0.1) for s in shapes)
    texts = [p.text for p in doc.paragraphs]
    for legend in figures:
        assert legend in texts


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_renders_the_document(sample_results, tmp_path):
    """The document opens in a real word processor: LibreOffice lays it out as a multi-page PDF."""
    import shutil
    import subprocess

    path = tmp_path / "report.docx"
    build_report_document(sample_results).save(path)
    env = {**__import__("os").environ, "HOME": str(tmp_path)}
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120, env=env)
    pdf = tmp_path / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        assert pages >= len(study_report_tables(sample_results)) // 2


def test_column_widths_are_in_the_grid_and_fit_the_numbers(sample_results, document):
    """LibreOffice lays tables out from w:tblGrid: the grid carries the widths, they fill the
    text width, and in the paper's tables a column of short numbers ("828", "<0.001") is wide
    enough not to wrap them."""
    for word, table in zip(document.tables, study_report_tables(sample_results)):
        grid = [int(c.get(qn("w:w"))) for c in word._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert len(grid) == len(table.columns)
        assert sum(grid) == pytest.approx(Mm(170).twips, rel=0.01), table.key
        first_row = word.rows[0].cells
        assert [c.width.twips for c in first_row] == pytest.approx(grid, abs=2)
        if table.kind != "table":
            continue          # the wide supplements (Paper pairs: 11 columns) may squeeze
        for j, col in enumerate(table.columns[1:], start=1):
            longest = max((len(r.cells[j].text) for r in table.rows if j < len(r.cells)
                           and r.style != "section"), default=0)
            if 0 < longest <= 6:
                assert grid[j] >= Mm(longest * 1.75 + 2.5).twips - 2, (table.key, col.header)

"""`report --language zh_CN`: the same numbers, every sheet, caption and heading in Chinese;
English stays the default and unchanged."""
import re

import pytest

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_clinician_terms_and_english_default():
    from her2desk.i18n import normalise_language, translate

    zh = {"OS, all patients": "总生存期，全部患者", "DFS by HR status (Fig 5a)": "无病生存期，按激素受体状态（图5a）",
          "not reached": "未达到", "HR (95% CI)": "风险比（95% 置信区间）",
          "Neoadjuvant therapy": "新辅助治疗", "Adjuvant therapy": "辅助治疗",
          "trastuzumab + pertuzumab + chemotherapy": "曲妥珠单抗 + 帕妥珠单抗 + 化疗",
          "HR+/HER2+ (n = 466)": "激素受体阳性/HER2阳性（n = 466）",
          "  Excluded: Male": "  排除：男性"}
    for english, chinese in zh.items():
        assert translate(english, "zh_CN") == chinese
        assert translate(english) == english and translate(english, "en") == english
    assert translate("something new 12.5", "zh_CN") == "something new 12.5"   # passes through, never garbled
    assert [normalise_language(x) for x in ("zh", "zh-CN", "zh_CN.UTF-8", "en_GB", None)] == \
        ["zh_CN", "zh_CN", "zh_CN", "en", "en"]


def _cells(wb):
    """Every cell of every sheet (the paper registry's items and pairs included)."""
    return [[c.value for c in row] for ws in wb.worksheets for row in ws.iter_rows()]


def test_every_sheet_is_headed_in_chinese_and_the_numbers_are_the_same(sample_results):
    from her2desk.report.excel_report import build_report_workbook

    english = build_report_workbook(sample_results)
    chinese = build_report_workbook(sample_results, language="zh_CN")
    assert len(chinese.sheetnames) == len(english.sheetnames) == len(set(chinese.sheetnames))
    assert chinese.sheetnames[2] == "表1 基线特征"
    for ws in chinese.worksheets:
        assert CJK.search(ws.title), ws.title
        assert CJK.search(str(ws["A1"].value)), (ws.title, ws["A1"].value)
    numbers = lambda wb: [v for row in _cells(wb) for v in row if isinstance(v, (int, float))]
    assert numbers(chinese) == numbers(english)
    english_text = {v for row in _cells(english) for v in row if isinstance(v, str) and re.search("[a-z]{4}", v)}
    untranslated = {v for row in _cells(chinese) for v in row if isinstance(v, str) and v in english_text}
    # what stays English is settings values, file names and statistical abbreviations
    assert len(untranslated) <= 0.05 * len(english_text), sorted(untranslated)


def test_the_document_is_in_chinese(sample_results):
    from her2desk.report.docx_report import build_report_document
    from her2desk.report.report_tables import study_report_tables

    doc = build_report_document(sample_results, language="zh_CN", figures=None)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[:3] == ["研究报告", "方法", "表格"]
    methods = doc.paragraphs[[p.text for p in doc.paragraphs].index("方法") + 1].text
    assert "Kaplan–Meier" in methods and "生存" in methods and "2012年1月1日" in methods
    english_tables = study_report_tables(sample_results)
    assert len(doc.tables) == len(english_tables)
    assert doc.tables[1].rows[0].cells[0].text == "特征"


def test_validation_findings_follow_the_language(tmp_path, sample_study):
    import openpyxl

    from her2desk.crf.validate import validate_crf, write_validation_report

    report = validate_crf(sample_study.crf)
    write_validation_report(report, tmp_path / "f.xlsx", language="zh_CN")
    wb = openpyxl.load_workbook(tmp_path / "f.xlsx")
    assert wb.sheetnames == ["核查结果", "汇总"]
    assert [c.value for c in wb["核查结果"][1]][:3] == ["严重程度", "患者编号", "工作表"]
    assert {c.value for c in wb["核查结果"]["A"][1:]} <= {"错误", "警告"}


def test_the_command_line_takes_the_language():
    from her2desk.cli import build_parser

    args = build_parser().parse_args(["report", "x.xlsx", "--out", "o", "--language", "zh_CN"])
    assert args.language == "zh_CN"
    assert build_parser().parse_args(["validate", "x.xlsx"]).language is None
    with pytest.raises(SystemExit):
        build_parser().parse_args(["report", "x.xlsx", "--out", "o", "--language", "fr"])


def test_the_chinese_document_names_an_east_asian_font_for_every_style(sample_results, tmp_path):
    """Read back from the saved file: the defaults and every paragraph style (Normal, headings,
    title, table text) carry w:eastAsia in rFonts (no theme font overriding it) and zh-CN."""
    import docx
    from docx.oxml.ns import qn

    from her2desk.report.docx_report import EAST_ASIAN_FONT, build_report_document

    path = tmp_path / "report.docx"
    build_report_document(sample_results, language="zh_CN", figures=None).save(path)
    doc = docx.Document(path)
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    used = {p.style.name for p in doc.paragraphs} | {p.style.name for t in doc.tables
                                                       for c in t._cells for p in c.paragraphs}
    assert {"Normal", "Title", "Heading 1", "Table text"} <= used
    for element in [defaults] + [doc.styles[name].element.find(qn("w:rPr")) for name in used]:
        fonts = element.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == EAST_ASIAN_FONT
        assert fonts.get(qn("w:eastAsiaTheme")) is None
        assert element.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    english = build_report_document(sample_results, figures=None)
    fonts = english.styles["Normal"].element.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == EAST_ASIAN_FONT      # Chinese CRF text in an English report


def test_the_paper_items_and_pairs_sheets_are_written_in_chinese(sample_results, tmp_path):
    """Read back from the saved workbook: the registry's captions, populations, cautions and pair
    labels are Chinese, not only the sheets' names and headers."""
    import openpyxl

    from her2desk.report.excel_report import build_report_workbook

    build_report_workbook(sample_results, language="zh_CN").save(tmp_path / "report.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx", read_only=True)
    for title in ("论文条目", "论文组间比较"):
        texts = [v for row in wb[title].iter_rows(values_only=True) for v in row
                 if isinstance(v, str) and re.search("[A-Za-z]{4}", v)]
        english = [t for t in texts if re.search(r"\b[a-z]{4,}\b", t.replace("log-rank", "").replace("none", ""))]
        assert len(texts) > 10 and not english, english[:5]

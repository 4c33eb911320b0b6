"""Findings, exclusion reasons and rule names are written in English where they are made (crf,
cohort) and shown in Chinese: every one the sample study produces translates whole, through the
Qt-free catalogue's templates, with the values (dates, IDs, numbers) untouched."""
import re

from her2desk.i18n import template_pattern, translate

CJK = re.compile(r"[\u4e00-\u9fff]")
#: What a finding quotes from the file (a cell's text, the codes the cell must hold) stays as typed.
QUOTED = re.compile(r"“[^”]*”|（[^）]*）|'[^']*'")


def _english_left(text: str) -> list[str]:
    return re.findall(r"\b[a-z]{3,}\b", QUOTED.sub("", text))


def test_every_finding_of_the_sample_study_is_chinese_with_its_values(sample_study):
    findings = sample_study.validation.findings
    assert len({f.rule for f in findings}) >= 10
    for f in findings:
        zh = translate(f.message, "zh_CN")
        assert CJK.search(zh), f.message
        assert not _english_left(zh), (f.message, zh)
        for value in re.findall(r"\d{4}-\d{2}-\d{2}|\b\d+(?:\.\d+)?\b", f.message):
            assert value in zh, (value, f.message, zh)
        if f.patient_id and f.patient_id in f.message:
            assert f.patient_id in zh


def test_every_rule_and_exclusion_reason_is_chinese():
    from her2desk.cohort.eligibility import RULES as ELIGIBILITY
    from her2desk.crf.validation_report import RULES

    for text in [*RULES.values(), *(r.label for r in ELIGIBILITY)]:
        assert CJK.search(translate(text, "zh_CN")), text


def test_a_template_splits_at_its_words_not_inside_a_label():
    zh = translate("Last follow-up date 2023-02-14 is before death date 2023-03-01; for a patient "
                   "who died, the last follow-up date should be the death date.", "zh_CN")
    assert zh == "末次随访日期 2023-02-14 早于死亡日期 2023-03-01；对已死亡的患者，末次随访日期应为死亡日期。"
    assert translate("Last follow-up date 2023-02-14 is after the data cutoff 2022-12-31.", "zh_CN") == \
        "末次随访日期 2023-02-14 晚于数据截止日期 2022-12-31。"
    assert translate("Age at diagnosis 130 years is outside the allowed range 18 to 100 years.", "zh_CN") == \
        "诊断时年龄 130 岁 超出允许范围 18 至 100 岁。"


def test_text_that_only_looks_like_a_template_stays_english():
    for text in ("Add to list", "Patient list", "ten or more", "row A"):
        assert translate(text, "zh_CN") == text
    assert template_pattern("{0:value} to {1:value}").fullmatch("Add to list") is None


def test_every_progress_message_of_reading_and_analysing_is_chinese(sample_study, tmp_path):
    """What the progress bar says while a study is read, checked and analysed (the sample
    workbook, uncached) translates whole; the workbook's own file and sheet names stay as they are."""
    from her2desk.analysis.study import run_study
    from her2desk.cohort.loading import load_study
    from her2desk.resources import sample_study_path

    said: list[str] = []
    load_study(sample_study_path(), progress=lambda _f, text: said.append(text), cache_dir=None)
    run_study(sample_study.cohort, sample_study.settings, flowchart=sample_study.flowchart,
              progress=lambda _f, text: said.append(text))
    assert {"Checking every cell", "Analyses done"} <= set(said)
    names = {sample_study_path().name, *sample_study.crf.forms}
    for text in dict.fromkeys(said):
        zh = translate(text, "zh_CN")
        for name in names:
            zh = zh.replace(name, "")
        assert CJK.search(zh) and not _english_left(zh), (text, zh)


def test_a_p_value_names_its_test_in_chinese_whichever_test_ran():
    """The P line over a pCR or Miller–Payne chart, for every test the contingency module can
    choose (the Monte Carlo Fisher test included)."""
    from her2desk.analysis import contingency

    names = [v for k, v in vars(contingency).items() if k.startswith("TEST_") and isinstance(v, str)]
    assert len(names) >= 3
    for name in names:
        zh = translate(f"P = 0.201 ({name})", "zh_CN")
        assert CJK.search(zh) and not _english_left(zh), (name, zh)

"""report.xlsx and results.json come from one StudyResults and must agree with each other."""
import json
import math

import openpyxl
import pytest

from her2desk.analysis.compare import format_p
from her2desk.report.excel_report import SHEETS
from her2desk.report.study_report import file_sha256, write_study_report


@pytest.fixture(scope="module")
def report_dir(sample_study, sample_results, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    write_study_report(sample_results, out, source=sample_study.path)
    return out


@pytest.fixture(scope="module")
def results_json(report_dir):
    return json.loads((report_dir / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workbook(report_dir):
    return openpyxl.load_workbook(report_dir / "report.xlsx", read_only=False)


def test_json_contract_keys(results_json):
    assert set(results_json) >= {"cohort", "tables", "survival", "pcr", "cox"}
    assert results_json["cohort"]["admitted"] == 3012
    assert results_json["cohort"]["eligible"] == 828
    assert results_json["cohort"]["groups"] == {"HR+/HER2+": 466, "HR-/HER2+": 362}
    assert sum(results_json["cohort"]["excluded"].values()) == 3012 - 828
    for key in ("table1", "table2", "table3", "table4"):
        for row in results_json["tables"][key]:
            assert {"variable", "level", "counts", "p_value", "test"} <= set(row)
    endpoints = {s["endpoint"] for s in results_json["survival"]}
    assert endpoints == {"OS", "DFS", "PFS", "advanced_OS"}
    for s in results_json["survival"]:
        assert {"grouping", "groups", "logrank_p", "hazard_ratio", "hazard_ratio_ci",
                "reference_group"} <= set(s)
        for g in s["groups"]:
            assert {"label", "n", "events", "median_months", "median_ci", "survival_5y"} <= set(g)


def test_hazard_ratio_is_hr_positive_against_hr_negative(results_json, sample_results):
    os_hr = next(s for s in results_json["survival"] if s["key"] == "os_hr")
    assert os_hr["reference_group"] == "HR-/HER2+"
    assert os_hr["hazard_ratios"][0]["group"] == "HR+/HER2+"
    comp = sample_results.survival_by_key("os_hr")
    assert os_hr["hazard_ratio"] == pytest.approx(comp.hazard_ratios[0].hazard_ratio)
    assert [g["events"] for g in os_hr["groups"]] == [46, 53]


def test_settings_sheet_records_source_and_hash(workbook, sample_study, results_json):
    assert list(workbook.sheetnames[:len(SHEETS)]) == list(SHEETS)
    values = {r[0]: r[1] for r in workbook["Settings"].iter_rows(min_row=3, values_only=True)}
    assert values["Input file"] == sample_study.path.name
    assert values["Input SHA-256"] == file_sha256(sample_study.path) == results_json["source"]["sha256"]
    assert values["cutoff"] == "2022-12-31"


def test_table_sheets_agree_with_json(workbook, results_json):
    ws = workbook["Table 1"]
    header = [c.value for c in ws[2]]
    assert header[1] == "HR+/HER2+ (n = 466)" and header[2] == "HR-/HER2+ (n = 362)"
    cells = {row[0]: row for row in ws.iter_rows(min_row=3, values_only=True) if row[0]}
    ki67 = [r for r in results_json["tables"]["table1"] if r["variable"] == "ki67_group"]
    label_row = cells["Ki-67"]
    assert label_row[4] == format_p(ki67[0]["p_value"])
    assert cells["  >30%"][1].startswith(f"{ki67[1]['counts']['HR+/HER2+']} (")


def test_flowchart_sheet_counts(workbook, results_json):
    rows = {r[0]: r[1] for r in workbook["Flowchart"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert rows["Admitted"] == 3012 and rows["Eligible"] == 828
    for label, n in results_json["cohort"]["excluded"].items():
        assert rows[f"  Excluded: {label}"] == n


def test_conversion_sheet_matches_json(workbook, results_json):
    rows = {r[0]: r for r in workbook["Conversion"].iter_rows(min_row=3, values_only=True) if r[0]}
    for row in results_json["conversion"]["rows"]:
        shown = rows[row["receptor"]]
        assert shown[2].startswith(f"{row['counts']['pos->neg']} (")
        assert shown[3].startswith(f"{row['counts']['neg->pos']} (")
    her2 = next(r for r in results_json["conversion"]["rows"] if r["receptor"] == "HER2")
    assert (her2["counts"]["pos->neg"], her2["counts"]["neg->pos"]) == (16, 17)


def test_survival_sheet_matches_json(workbook, results_json):
    ws = workbook["Survival"]
    rows = list(ws.iter_rows(min_row=1, values_only=True))
    dfs = next(s for s in results_json["survival"] if s["key"] == "dfs_hr")
    start = next(i for i, r in enumerate(rows) if r[0] == dfs["title"])
    hr_pos = rows[start + 2]
    assert hr_pos[0] == "HR+/HER2+" and hr_pos[1] == dfs["groups"][0]["n"]
    assert hr_pos[2] == dfs["groups"][0]["events"] == 99
    assert hr_pos[8].startswith(f"{dfs['hazard_ratio']:.2f} (")
    assert hr_pos[10] == format_p(dfs["logrank_p"])


def test_json_has_no_nan(report_dir):
    text = (report_dir / "results.json").read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text


def test_existing_report_survives_a_failed_write(sample_results, tmp_path, monkeypatch):
    write_study_report(sample_results, tmp_path)
    before = (tmp_path / "report.xlsx").read_bytes()

    def boom(self, *a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", boom)
    with pytest.raises(OSError):
        write_study_report(sample_results, tmp_path)
    assert (tmp_path / "report.xlsx").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name not in ("report.xlsx", "results.json")]


def test_hazard_by_year_accounts_for_every_dfs_event(results_json, workbook):
    by_year = results_json["hazard_by_year"]
    assert sum(y["events"] for y in by_year["HR+/HER2+"]) == 99
    assert sum(y["events"] for y in by_year["HR-/HER2+"]) == 100
    rows = list(workbook["Hazard by year"].iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == "0–1"
    assert rows[0][1].startswith(f"{by_year['HR+/HER2+'][0]['events']} / ")

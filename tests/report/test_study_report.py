"""report.xlsx and results.json come from one StudyResults and must agree with each other."""
import json
import math

import openpyxl
import pytest

from datetime import date

from her2desk.report.excel_report import SHEETS
from her2desk.report.report_tables import P_FORMAT
from her2desk.report.study_report import file_sha256, write_study_report

from report_sheets import column_keys, footnotes, section, table_rows


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
    rows = list(workbook["Settings"].iter_rows(min_row=3, values_only=True))
    values = {r[0]: r[1] for r in rows}
    assert values["Input file"] == sample_study.path.name
    assert values["Input SHA-256"] == file_sha256(sample_study.path) == results_json["source"]["sha256"]
    by_name = {r[2]: r[1] for r in rows if r[2]}
    assert by_name["cutoff"].date() == date(2022, 12, 31)        # a date, under a readable name
    assert values["Data cutoff"] == by_name["cutoff"]
    assert by_name["fish_threshold"] == 2.2 and values["FISH ratio threshold"] == 2.2


def test_table_sheets_agree_with_json(workbook, results_json):
    ws = workbook["Table 1"]
    keys = column_keys(ws)
    assert keys[1] == ("HR+/HER2+ (n = 466)", "n") and keys[2] == ("HR+/HER2+ (n = 466)", "%")
    assert keys[3] == ("HR-/HER2+ (n = 362)", "n")
    rows = {r["label"]: r for r in table_rows(ws)}
    ki67 = [r for r in results_json["tables"]["table1"] if r["variable"] == "ki67_group"]
    assert rows["Ki-67"][("P", "P")] == pytest.approx(ki67[0]["p_value"])
    assert ws.cell(next(i for i in range(4, ws.max_row) if ws.cell(i, 1).value == "Ki-67"),
                   keys.index(("P", "P")) + 1).number_format == P_FORMAT
    high = rows[">30%"]
    n = ki67[1]["counts"]["HR+/HER2+"]
    assert high[("HR+/HER2+ (n = 466)", "n")] == n
    assert high[("HR+/HER2+ (n = 466)", "%")] == pytest.approx(round(100 * n / 466, 1))


def test_flowchart_sheet_counts(workbook, results_json):
    rows = {r["label"]: r[("n", "n")] for r in table_rows(workbook["Flowchart"])}
    assert rows["Admitted"] == 3012 and rows["Eligible"] == 828
    for label, n in results_json["cohort"]["excluded"].items():
        assert rows[f"Excluded: {label}"] == n


def test_conversion_sheet_matches_json(workbook, results_json):
    rows = {r["label"]: r for r in table_rows(workbook["Conversion"])}
    for row in results_json["conversion"]["rows"]:
        shown = rows[row["receptor"]]
        assert shown[("Positive → negative", "n")] == row["counts"]["pos->neg"]
        assert shown[("Negative → positive", "n")] == row["counts"]["neg->pos"]
    her2 = next(r for r in results_json["conversion"]["rows"] if r["receptor"] == "HER2")
    assert (her2["counts"]["pos->neg"], her2["counts"]["neg->pos"]) == (16, 17)


def test_survival_sheet_matches_json(workbook, results_json):
    dfs = next(s for s in results_json["survival"] if s["key"] == "dfs_hr")
    hr_pos = section(workbook["Survival"], dfs["title"])[0]
    assert hr_pos["label"] == "HR+/HER2+" and hr_pos[("n", "n")] == dfs["groups"][0]["n"]
    assert hr_pos[("Events", "Events")] == dfs["groups"][0]["events"] == 99
    assert hr_pos[("HR (95% CI)", "HR")] == pytest.approx(dfs["hazard_ratio"])
    assert hr_pos[("Log-rank P", "P")] == pytest.approx(dfs["logrank_p"])


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
    assert not [p for p in tmp_path.iterdir() if p.name not in ("report.xlsx", "results.json", "report.docx")]


def test_hazard_by_year_accounts_for_every_dfs_event(results_json, workbook):
    by_year = results_json["hazard_by_year"]
    assert sum(y["events"] for y in by_year["HR+/HER2+"]) == 99
    assert sum(y["events"] for y in by_year["HR-/HER2+"]) == 100
    rows = table_rows(workbook["Hazard by year"])
    assert rows[0]["label"] == "0–1"
    key = ("HR+/HER2+: events / person-years", "HR+/HER2+ events")
    assert sum(r[key] or 0 for r in rows) == 99


def test_hazard_by_year_person_years_match_the_rate(results_json, workbook):
    """Person-years carry one decimal, so events / person-years reproduces the printed rate."""
    by_year = results_json["hazard_by_year"]
    rows = table_rows(workbook["Hazard by year"])
    for i in range(max(len(v) for v in by_year.values())):
        row = rows[i]
        assert row["label"] == f"{i}–{i + 1}"
        for g in by_year:
            events = row[(f"{g}: events / person-years", f"{g} events")]
            py = row[(f"{g}: events / person-years", f"{g} person-years")]
            rate = row[(f"{g}: per 100 person-years", f"{g} per 100 person-years")]
            if i >= len(by_year[g]):
                assert events is None and py is None and rate is None
                continue
            y = by_year[g][i]
            assert events == y["events"]
            assert py == pytest.approx(round(y["person_months"] / 12, 1))
            assert rate == pytest.approx(round(100 * 12 * y["hazard_per_month"], 1))
            assert 100 * y["events"] / (y["person_months"] / 12) == pytest.approx(
                1200 * y["hazard_per_month"], rel=1e-9)


# --------------------------------------------------------------------------------------
# Every number shown in report.xlsx that results.json also holds must agree with it
# --------------------------------------------------------------------------------------

def _pct(x):
    return None if x is None else round(100 * x, 1)


def _approx(x):
    return None if x is None else pytest.approx(x)


def test_every_survival_row_matches_json(workbook, results_json):
    ws = workbook["Survival"]
    for s in results_json["survival"]:
        groups = section(ws, s["title"])
        assert [r["label"] for r in groups] == [g["label"] for g in s["groups"]], s["key"]
        hrs = {h["group"]: h for h in s["hazard_ratios"]}
        for i, (row, g) in enumerate(zip(groups, s["groups"])):
            assert (row[("n", "n")], row[("Events", "Events")]) == (g["n"], g["events"])
            median = row[("Median, months", "Median, months")]
            assert median == (_approx(g["median_months"]) if g["median_months"] is not None else "NR")
            lo, hi = (row[("95% CI", "95% CI lower")], row[("95% CI", "95% CI upper")])
            assert hi == (_approx(g["median_ci"][1]) if g["median_ci"][1] is not None else "NR")
            if g["median_ci"][0] is not None:
                assert lo == pytest.approx(g["median_ci"][0])
            for year, key in ((1, "survival_1y"), (3, "survival_3y"), (5, "survival_5y")):
                shown = row[(f"{year}-year, %", f"{year}-year %")]
                assert shown == (pytest.approx(_pct(g[key])) if g[key] is not None else "—")
            h = hrs.get(g["label"])
            hr = row[("HR (95% CI)", "HR")]
            if h and not h["estimable"]:
                assert hr == "not estimable" and row[("Cox P", "P")] == "—"
            elif h:
                assert hr == pytest.approx(h["hazard_ratio"])
                assert (row[("HR (95% CI)", "95% CI lower")], row[("HR (95% CI)", "95% CI upper")]) == (
                    pytest.approx(h["ci"][0]), pytest.approx(h["ci"][1]))
                assert row[("Cox P", "P")] == pytest.approx(h["p_value"])
            elif g["label"] == s["reference_group"]:
                assert hr == "1 (reference)"
            lr = row[("Log-rank P", "P")]
            assert lr == (pytest.approx(s["logrank_p"]) if i == 0 and s["logrank_p"] is not None
                          else None)
    notes = footnotes(ws)
    for s in results_json["survival"]:
        for n in s["notes"]:
            assert f"{s['title']}: {n}" in notes


def test_pcr_sheet_matches_json(workbook, results_json):
    ws = workbook["pCR"]
    assert ws.cell(1, 1).value.endswith(f"(n = {results_json['pcr']['n']})")
    assert results_json["pcr"]["n"] == 329
    for a in results_json["pcr"]["analyses"]:
        block = section(ws, a["title"])
        pair = {p["group"]: p for p in a["pairwise"]}
        assert [r["label"] for r in block[:-1]] == [g["label"] for g in a["groups"]]
        for row, g in zip(block, a["groups"]):
            assert (row[("n", "n")], row[("pCR", "pCR")]) == (g["n"], g["pcr"])
            rate = "pCR rate, % (95% CI)"
            if g["rate"] is not None:
                assert row[(rate, "pCR %")] == pytest.approx(_pct(g["rate"]))
                assert row[(rate, "95% CI lower")] == pytest.approx(_pct(g["ci"][0]), abs=0.051)
                assert row[(rate, "95% CI upper")] == pytest.approx(_pct(g["ci"][1]), abs=0.051)
            if g["label"] == a["reference_group"]:
                assert row[("P vs reference", "P")] == "reference"
            else:
                assert row[("P vs reference", "P")] == _approx(pair[g["label"]]["p_value"])
                assert (row[("Test", None)] or "") == (pair[g["label"]]["test"] or "")
            mp = a["miller_payne"][g["label"]]
            assert [row[(f"MP{k}", f"MP{k}")] for k in range(1, 6)] == [mp[str(k)] for k in range(1, 6)]
            assert sum(mp.values()) == g["n"]
        overall = block[-1]
        assert overall["label"] == "Overall P"
        assert overall[("P vs reference", "P")] == _approx(a["p_value"])
    hr = next(a for a in results_json["pcr"]["analyses"] if a["key"] == "hr")
    assert [(g["label"], g["n"]) for g in hr["groups"]] == [("HR+/HER2+", 170), ("HR-/HER2+", 159)]


def _check_cox_row(row, t):
    hr = row[("HR (95% CI)", "HR")]
    if not t["estimable"]:
        assert isinstance(hr, str) and hr.startswith("not estimable")
        assert row[("P", "P")] == "—"
        return
    assert hr == pytest.approx(t["hazard_ratio"])
    assert row[("HR (95% CI)", "95% CI lower")] == pytest.approx(t["ci"][0])
    assert row[("HR (95% CI)", "95% CI upper")] == pytest.approx(t["ci"][1])
    assert row[("P", "P")] == pytest.approx(t["p_value"])


def test_cox_sheet_matches_json(workbook, results_json, sample_study):
    ws = workbook["Cox"]
    for m in results_json["cox"]["models"]:
        if m["kind"] != "multivariate":
            continue
        title = (f"{m['endpoint']}: multivariate model (n = {m['n']}, events = {m['events']}, "
                 f"{m['n_dropped']} rows dropped for missing values)")
        block = section(ws, title)
        assert len(block) == len(m["terms"])
        for row, t in zip(block, m["terms"]):
            assert row[("Level vs reference", None)] == f"{t['level']} vs {t['reference']}"
            _check_cox_row(row, t)
            assert row[("PH test P", "P")] == _approx(t["ph_p"])
    for ep in ("DFS", "OS"):
        block = section(ws, f"{ep}: univariate models")
        uni = [(t, m) for m in results_json["cox"]["models"]
               if m["endpoint"] == ep and m["kind"] == "univariate" for t in m["terms"]]
        assert len(block) == len(uni)
        for row, (t, m) in zip(block, uni):
            assert row[("Level vs reference", None)] == f"{t['level']} vs {t['reference']}"
            _check_cox_row(row, t)
            assert (row[("n", "n")], row[("Events", "Events")]) == (m["n"], m["events"])
    os_multi = next(m for m in results_json["cox"]["models"]
                    if m["endpoint"] == "OS" and m["kind"] == "multivariate")
    # the paper's OS model: every eligible patient with all its covariates known
    from her2desk.analysis.cox_models import PAPER_MODEL

    cohort = sample_study.cohort[sample_study.cohort["eligible"]]
    known = cohort[list(PAPER_MODEL["OS"])].notna().all(axis=1)
    assert (os_multi["n"], os_multi["events"]) == (int(known.sum()),
                                                   int(cohort.loc[known, "os_event"].sum()))


def _check_counts(row, r, groups):
    for g, total in groups:
        n = r["total"] if g.startswith("All") else r["counts"][g.split(" (")[0]]
        assert row[(g, "n")] == n
        assert row[(g, "%")] == pytest.approx(round(100 * n / total, 1))


def test_table3_sheet_matches_json(workbook, results_json):
    ws = workbook["Table 3"]
    groups = (("HR+/HER2+ (n = 132)", 132), ("HR-/HER2+ (n = 131)", 131), ("All (n = 263)", 263))
    assert [k[0] for k in column_keys(ws)[1:6:2]] == [g for g, _ in groups]
    rows = table_rows(ws)
    i = 0
    for r in results_json["tables"]["table3"]:
        if rows[i]["bold"]:                      # the variable's own row: P and test
            assert rows[i][("P", "P")] == _approx(r["p_value"])
            assert (rows[i][("Test", None)] or "") == (r["test"] or "")
            i += 1
        assert rows[i]["label"] == str(r["level"])
        _check_counts(rows[i], r, groups)
        i += 1
    lung = next(r for r in results_json["tables"]["table3"]
                if r["variable"] == "site_lung" and r["level"] == "Yes")
    assert lung["counts"] == {"HR+/HER2+": 47, "HR-/HER2+": 67}


def test_table4_sheet_matches_json(workbook, results_json):
    ws = workbook["Table 4"]
    groups = (("HR+/HER2+ (n = 132)", 132), ("HR-/HER2+ (n = 131)", 131), ("All (n = 263)", 263))
    json_rows = results_json["tables"]["table4"]
    body = [r for r in table_rows(ws) if not r["label"].startswith("Single-target")][:len(json_rows)]
    assert [r["label"] for r in body] == [r["level"] for r in json_rows]
    for row, r in zip(body, json_rows):
        _check_counts(row, r, groups)
    assert json_rows[0]["counts"] == {"HR+/HER2+": 34, "HR-/HER2+": 6}


def test_numbers_stay_numbers(workbook):
    """Fewer than 2 % of the cells that hold a number are text (issue: Excel that stays Excel)."""
    import re

    number_like = re.compile(r"^[<>≥≤]?\s*[-−]?\d[\d.,]*\s*(%|\(.*\))?$|^\d[\d.]*\s*[–/]\s*\d[\d.]*$")
    numbers = texts = 0
    for ws in workbook.worksheets:
        if ws.title in ("Settings", "Figures"):
            continue
        for row in ws.iter_rows(min_row=4):
            for cell in row[1:]:                      # column A holds labels such as "0" or "<50"
                if isinstance(cell.value, (int, float)):
                    numbers += 1
                elif isinstance(cell.value, str) and number_like.match(cell.value.strip()):
                    texts += 1
    assert numbers > 1000
    assert texts / (numbers + texts) < 0.02


def test_json_her2_heterogeneity(results_json):
    het = results_json["her2_heterogeneity"]
    assert (het["assessed"], het["heterogeneous"]) == (182, 42)
    assert het["by_group"]["HR+/HER2+"]["heterogeneous"] == 28


def test_json_hazard_ratios_say_whether_they_are_estimable(results_json):
    os_hr = next(s for s in results_json["survival"] if s["key"] == "os_hr")
    assert os_hr["hazard_ratios"][0]["estimable"] is True


def test_sheets_are_the_registered_tables(workbook, sample_results):
    """report.xlsx's sheets are the registry's tables, in its order, each under its own key: the
    sheet list is derived, so a table added to REPORT_TABLES cannot be left out of it."""
    from her2desk.report.report_tables import REPORT_TABLE_KEYS, study_report_tables

    tables = study_report_tables(sample_results)
    assert [t.key for t in tables] == list(REPORT_TABLE_KEYS)       # the sample has every table
    assert SHEETS == ("Settings", *REPORT_TABLE_KEYS)
    assert list(workbook.sheetnames) == ["Settings", *(t.key for t in tables)]
    for t in tables:
        assert workbook[t.key].cell(1, 1).value == t.title


def test_a_table_registered_under_another_key_is_refused(sample_results, monkeypatch):
    from her2desk.report import report_tables

    monkeypatch.setattr(report_tables, "REPORT_TABLES",
                        (("Table 9", report_tables.flowchart_table),))
    with pytest.raises(ValueError, match="Table 9"):
        report_tables.study_report_tables(sample_results)

"""report.xlsx and results.json come from one StudyResults and must agree with each other."""
import json
import math

import openpyxl
import pytest

from her2desk.report.format import (format_hr, format_hr_ci, format_hr_with_ci, format_median,
                                    format_median_ci, format_p, format_percent)
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
    assert hr_pos[8].startswith(f"{format_hr(dfs['hazard_ratio'])} (")
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
    assert not [p for p in tmp_path.iterdir() if p.name not in ("report.xlsx", "results.json", "report.docx")]


def test_hazard_by_year_accounts_for_every_dfs_event(results_json, workbook):
    by_year = results_json["hazard_by_year"]
    assert sum(y["events"] for y in by_year["HR+/HER2+"]) == 99
    assert sum(y["events"] for y in by_year["HR-/HER2+"]) == 100
    rows = list(workbook["Hazard by year"].iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == "0–1"
    assert rows[0][1].startswith(f"{by_year['HR+/HER2+'][0]['events']} / ")


def test_hazard_by_year_person_years_match_the_rate(results_json, workbook):
    """Person-years carry one decimal, so events / person-years reproduces the printed rate."""
    by_year = results_json["hazard_by_year"]
    groups = list(by_year)
    rows = list(workbook["Hazard by year"].iter_rows(min_row=3, values_only=True))
    for i in range(max(len(v) for v in by_year.values())):
        row = rows[i]
        assert row[0] == f"{i}–{i + 1}"
        for j, g in enumerate(groups):
            if i >= len(by_year[g]):
                assert not row[1 + j] and not row[1 + len(groups) + j]
                continue
            y = by_year[g][i]
            py = y["person_months"] / 12
            assert row[1 + j] == f"{y['events']} / {py:.1f}"
            assert row[1 + len(groups) + j] == f"{100 * 12 * y['hazard_per_month']:.1f}"
            assert 100 * y["events"] / py == pytest.approx(1200 * y["hazard_per_month"], rel=1e-9)
    first = by_year["HR+/HER2+"][0]
    assert rows[0][1] == f"{first['events']} / {first['person_months'] / 12:.1f}"
    assert rows[0][1].split(" / ")[1].count(".") == 1          # e.g. "12 / 456.3", not "12 / 456"


# --------------------------------------------------------------------------------------
# Every number shown in report.xlsx that results.json also holds must agree with it
# --------------------------------------------------------------------------------------

def _rows(workbook, sheet):
    return [r for r in workbook[sheet].iter_rows(values_only=True)]


def _block(rows, title):
    """Rows under a block title up to the next blank row (header row skipped)."""
    start = next(i for i, r in enumerate(rows) if r and r[0] == title)
    out = []
    for r in rows[start + 2:]:
        if not r or r[0] is None:
            break
        out.append(r)
    return out


def _pct(x):
    return "" if x is None else format_percent(x, symbol="")


def _npct(n, total):
    from her2desk.report.format import format_n_percent
    return format_n_percent(n, total)


def test_every_survival_row_matches_json(workbook, results_json):
    rows = _rows(workbook, "Survival")
    for s in results_json["survival"]:
        block = _block(rows, s["title"])
        groups = [r for r in block if r[1] is not None]
        assert [r[0] for r in groups] == [g["label"] for g in s["groups"]], s["key"]
        hrs = {h["group"]: h for h in s["hazard_ratios"]}
        for i, (row, g) in enumerate(zip(groups, s["groups"])):
            assert (row[1], row[2]) == (g["n"], g["events"])
            assert row[3] == format_median(g["median_months"], n=g["n"])
            assert row[4] == format_median_ci(*g["median_ci"], g["median_months"])
            assert list(row[5:8]) == [_pct(g["survival_1y"]) or "—", _pct(g["survival_3y"]) or "—",
                                      _pct(g["survival_5y"]) or "—"]
            h = hrs.get(g["label"])
            if h and not h["estimable"]:
                assert (row[8], row[9]) == ("not estimable", "—")
            elif h:
                assert row[8] == format_hr_with_ci(h["hazard_ratio"], h["ci"])
                assert row[9] == format_p(h["p_value"])
            elif g["label"] == s["reference_group"]:
                assert row[8] == "1 (reference)"
            want_lr = format_p(s["logrank_p"]) if i == 0 and s["logrank_p"] is not None else ""
            assert (row[10] or "") == want_lr
        assert [r[0] for r in block[len(groups):]][1:] == s["notes"]   # footnote, then notes


def test_pcr_sheet_matches_json(workbook, results_json):
    rows = _rows(workbook, "pCR")
    assert rows[0][0] == f"Neoadjuvant response (n = {results_json['pcr']['n']})"
    assert results_json["pcr"]["n"] == 329
    for a in results_json["pcr"]["analyses"]:
        block = _block(rows, a["title"])
        pair = {p["group"]: p for p in a["pairwise"]}
        assert [r[0] for r in block[:-1]] == [g["label"] for g in a["groups"]]
        for row, g in zip(block, a["groups"]):
            assert (row[1], row[2]) == (g["n"], g["pcr"])
            assert row[3] == _pct(g["rate"])
            assert row[4] == (f"{_pct(g['ci'][0])}–{_pct(g['ci'][1])}" if g["rate"] is not None else "")
            if g["label"] == a["reference_group"]:
                assert row[5] == "reference"
            else:
                assert row[5] == format_p(pair[g["label"]]["p_value"])
                assert row[6] == (pair[g["label"]]["test"] or "")
            mp = a["miller_payne"][g["label"]]
            assert list(row[7:12]) == [mp[str(k)] for k in range(1, 6)]
            assert sum(mp.values()) == g["n"]
        overall = block[-1]
        assert overall[0] == "Overall P" and overall[5] == format_p(a["p_value"])
    hr = next(a for a in results_json["pcr"]["analyses"] if a["key"] == "hr")
    assert [(g["label"], g["n"]) for g in hr["groups"]] == [("HR+/HER2+", 170), ("HR-/HER2+", 159)]


def _cox_cells(t):
    """HR, CI and P as the Cox sheet prints a results.json term."""
    if not t["estimable"]:
        assert None in (t["hazard_ratio"], *t["ci"]) or t["hazard_ratio"] <= 0 or t["ci"][0] <= 0
        return ("not estimable", "—", "—")
    return (format_hr(t["hazard_ratio"]), format_hr_ci(t["ci"]), format_p(t["p_value"]))


def test_cox_sheet_matches_json(workbook, results_json):
    rows = _rows(workbook, "Cox")
    for m in results_json["cox"]["models"]:
        if m["kind"] == "multivariate":
            title = (f"{m['endpoint']}: multivariate model (n = {m['n']}, events = {m['events']}, "
                     f"{m['n_dropped']} rows dropped for missing values)")
            block = [r for r in _block(rows, title) if r[1] is not None]
            terms = m["terms"]
        else:
            continue
        assert len(block) == len(terms)
        for row, t in zip(block, terms):
            assert row[1] == f"{t['level']} vs {t['reference']}"
            assert tuple(row[2:5]) == _cox_cells(t)
            assert (row[5] or "") == ("" if t["ph_p"] is None else format_p(t["ph_p"]))
    for ep in ("DFS", "OS"):
        block = _block(rows, f"{ep}: univariate models")
        uni = [(t, m) for m in results_json["cox"]["models"]
               if m["endpoint"] == ep and m["kind"] == "univariate" for t in m["terms"]]
        assert len(block) == len(uni)
        for row, (t, m) in zip(block, uni):
            assert row[1] == f"{t['level']} vs {t['reference']}"
            assert tuple(row[2:5]) == _cox_cells(t)
            assert (row[6], row[7]) == (m["n"], m["events"])
    os_multi = next(m for m in results_json["cox"]["models"]
                    if m["endpoint"] == "OS" and m["kind"] == "multivariate")
    assert (os_multi["n"], os_multi["events"]) == (652, 82)


def _table_sheet_rows(workbook, sheet):
    rows = _rows(workbook, sheet)
    header = rows[1]
    return header, [r for r in rows[2:] if r and r[0]]


def test_table3_sheet_matches_json(workbook, results_json):
    header, rows = _table_sheet_rows(workbook, "Table 3")
    assert header[1:4] == ("HR+/HER2+ (n = 132)", "HR-/HER2+ (n = 131)", "All (n = 263)")
    json_rows = results_json["tables"]["table3"]
    i = 0
    for r in json_rows:
        # variable header row (P, test) before its first level
        if i < len(rows) and not rows[i][0].startswith("  "):
            assert rows[i][4] == format_p(r["p_value"]) and (rows[i][5] or "") == (r["test"] or "")
            i += 1
        row = rows[i]
        assert row[0] == f"  {r['level']}"
        assert row[1] == _npct(r["counts"]["HR+/HER2+"], 132)
        assert row[2] == _npct(r["counts"]["HR-/HER2+"], 131)
        assert row[3] == _npct(r["total"], 263)
        i += 1
    lung = next(r for r in json_rows if r["variable"] == "site_lung" and r["level"] == "Yes")
    assert lung["counts"] == {"HR+/HER2+": 47, "HR-/HER2+": 67}


def test_table4_sheet_matches_json(workbook, results_json):
    header, rows = _table_sheet_rows(workbook, "Table 4")
    assert header[1:4] == ("HR+/HER2+ (n = 132)", "HR-/HER2+ (n = 131)", "All (n = 263)")
    json_rows = results_json["tables"]["table4"]
    body = [r for r in rows if not r[0].startswith(("Single-target", "'"))][:len(json_rows)]
    assert [r[0].strip() for r in body] == [r["level"] for r in json_rows]
    for row, r in zip(body, json_rows):
        assert row[1] == _npct(r["counts"]["HR+/HER2+"], 132)
        assert row[2] == _npct(r["counts"]["HR-/HER2+"], 131)
        assert row[3] == _npct(r["total"], 263)
    assert json_rows[0]["counts"] == {"HR+/HER2+": 34, "HR-/HER2+": 6}


def test_json_her2_heterogeneity(results_json):
    het = results_json["her2_heterogeneity"]
    assert (het["assessed"], het["heterogeneous"]) == (182, 42)
    assert het["by_group"]["HR+/HER2+"]["heterogeneous"] == 28


def test_json_hazard_ratios_say_whether_they_are_estimable(results_json):
    os_hr = next(s for s in results_json["survival"] if s["key"] == "os_hr")
    assert os_hr["hazard_ratios"][0]["estimable"] is True

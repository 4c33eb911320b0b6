"""``her2desk diff``: the sample and a copy with known edits list exactly those edits and
their effects (patients, cells, groups, events, headline results), on screen and in diff.xlsx.

The edits are made here with openpyxl on a copy in tmp_path; the patients are chosen
from the sample by what they are (an eligible HR+ patient, an eligible censored one, a
male), and the expected old values are the cells the reader saw in the sample.
"""
import datetime as dt
import hashlib
import shutil

import openpyxl
import pytest

from her2desk.cli import main
from her2desk.resources import sample_study_path

NEW_ID = "XJ2099-0001"


def _row_of(ws, pid):
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == pid:
            return r
    raise LookupError(pid)


def _col_of(ws, header):
    return next(c.column for c in ws[1] if c.value == header)


@pytest.fixture(scope="module")
def edited(tmp_path_factory, sample_study):
    c = sample_study.cohort.set_index("patient_id")
    p = sample_study.crf.forms["patients"].set_index("patient_id")
    eligible = c["eligible"].fillna(False).astype(bool)
    hr_pos = c.index[eligible & (c["hr_status"] == "HR+/HER2+")
                     & (p.reindex(c.index)["er_percent"] > 0) & (p.reindex(c.index)["pr_percent"] > 0)]
    a = hr_pos[0]
    censored = c.index[eligible & ~c["os_event"].fillna(False).astype(bool) & ~c["dfs_event"].fillna(False).astype(bool)
                       & c["dfs_population"].fillna(False).astype(bool) & ~c["mbc"].fillna(False).astype(bool)]
    b = censored[0]
    m = c.index[c["exclusion_reason"] == "male"][0]
    her2_neg = c.index[c["exclusion_reason"] == "her2_not_positive"][0]

    folder = tmp_path_factory.mktemp("freeze")
    old, new = folder / "freeze1.xlsx", folder / "freeze2.xlsx"
    shutil.copy(sample_study_path(), old)
    wb = openpyxl.load_workbook(old)
    for ws in wb.worksheets:                             # patient m leaves every sheet
        if ws.title in ("Patients", "Treatment", "Outcomes", "First-line MBC", "Rebiopsy"):
            for r in range(ws.max_row, 1, -1):
                if ws.cell(r, 1).value == m:
                    ws.delete_rows(r)
    pats = wb["Patients"]
    source = [cell.value for cell in pats[_row_of(pats, her2_neg)]]
    pats.append([NEW_ID, *source[1:]])                   # a new HER2-negative patient
    ra = _row_of(pats, a)
    pats.cell(ra, _col_of(pats, "ER (%)")).value = 0
    pats.cell(ra, _col_of(pats, "PR (%)")).value = 0
    outs = wb["Outcomes"]
    rb = _row_of(outs, b)
    last = outs.cell(rb, _col_of(outs, "Last follow-up date")).value
    outs.cell(rb, _col_of(outs, "Vital status")).value = "Dead"
    outs.cell(rb, _col_of(outs, "Death date")).value = last
    outs.cell(rb, _col_of(outs, "Cause of death")).value = "Breast cancer"
    wb.save(new)

    raw_p = sample_study.crf.raw["patients"].set_index("patient_id")
    raw_o = sample_study.crf.raw["outcomes"].set_index("patient_id")
    last_text = last.date().isoformat() if isinstance(last, dt.datetime) else str(last)
    cells = {
        (a, "Patients", ra, "ER (%)", "er_percent", raw_p.at[a, "er_percent"], "0"),
        (a, "Patients", ra, "PR (%)", "pr_percent", raw_p.at[a, "pr_percent"], "0"),
        (b, "Outcomes", rb, "Vital status", "vital_status", raw_o.at[b, "vital_status"], "Dead"),
        (b, "Outcomes", rb, "Death date", "death_date", raw_o.at[b, "death_date"], last_text),
        (b, "Outcomes", rb, "Cause of death", "cause_of_death", raw_o.at[b, "cause_of_death"],
         "Breast cancer"),
    }
    cells = {(*c[:5], c[5] or None, c[6]) for c in cells}     # a blank cell reads back as None
    return {"old": old, "new": new, "a": a, "b": b, "m": m, "cells": cells, "folder": folder,
            "er_pr_old": str(c.at[a, "er_pr_subgroup"])}


@pytest.mark.slow
def test_diff_lists_exactly_the_edits_and_their_effects(edited, capsys):
    out = edited["folder"] / "diff.xlsx"
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (edited["old"], edited["new"])}
    assert main(["diff", str(edited["old"]), str(edited["new"]), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Patients added: 1" in text and "Patients removed: 1" in text
    assert "Cells changed: 5" in text
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in before} == before

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Patients", "Cells changed", "Eligibility and groups",
                             "Events", "Results"]
    rows = lambda name: [tuple(r) for r in wb[name].iter_rows(min_row=2, values_only=True)]  # noqa: E731
    assert rows("Patients") == [(NEW_ID, "added"), (edited["m"], "removed")]
    assert set(rows("Cells changed")) == edited["cells"]
    a, b = edited["a"], edited["b"]
    assert set(rows("Eligibility and groups")) == {
        (a, "HR status", "HR+/HER2+", "HR-/HER2+"),
        (a, "ER/PR subgroup", edited["er_pr_old"], "ER-/PR-")}
    events = {(e, pid, change) for e, pid, change, _t0, _t1 in rows("Events")}
    assert events == {("Overall survival", b, "new event"), ("Disease-free survival", b, "new event")}

    results = {(section, item): (old, new, change) for section, item, old, new, change in rows("Results")}
    flow = {item: v for (section, item), v in results.items() if section == "Flowchart"}
    assert flow == {"Excluded: Male": (18, 17, -1),
                    "Excluded: HER2-negative or HER2 status unknown": (1985, 1986, 1),
                    "HR+/HER2+": (466, 465, -1), "HR-/HER2+": (362, 363, 1)}
    os_all = "OS, all patients (Fig 4a)"
    assert results[(os_all, "All patients: events")] == (99, 100, 1)
    assert (os_all, "All patients: n") not in results                  # 828 both times
    os_hr = "OS by HR status (Fig 4b)"
    assert results[(os_hr, "HR+/HER2+: n")] == (466, 465, -1)
    assert (os_hr, "log-rank P") in results and (os_hr, "HR HR+/HER2+ vs HR-/HER2+") in results
    summary = dict(wb["Summary"].iter_rows(values_only=True))
    assert summary["Overall survival: events (old → new)"] == "99 → 100"
    assert summary["Cells changed"] == 5


@pytest.mark.slow
def test_diff_of_a_freeze_with_itself_lists_nothing(edited, capsys, tmp_path):
    out = tmp_path / "same.xlsx"
    assert main(["diff", str(edited["old"]), str(edited["old"]), "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    for name in wb.sheetnames[1:]:
        assert wb[name].max_row == 1, name
    capsys.readouterr()


def test_diff_bad_input_is_one_sentence(edited, capsys, tmp_path):
    assert main(["diff", str(edited["old"]), str(tmp_path / "nope.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "There is no file at" in err and err.count("\n") == 1
    assert main(["diff", str(edited["old"]), str(edited["new"]), "--out", str(tmp_path / "d.csv")]) == 1
    assert "give a name ending in .xlsx" in capsys.readouterr().err

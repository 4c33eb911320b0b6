"""Invariants that must hold on any CRF a coordinator can send, checked on random small studies.

Each study is written to a real file (template workbook, flat export or CSV), read back,
validated, put through eligibility and derivation, analysed and reported; the properties
are issue 8's: the flowchart adds up, every endpoint population lies within the eligible,
every count equals the patients behind it, nothing but a plain sentence stops the pipeline,
and report.xlsx, results.json and the result objects say the same thing. (One patient, one
group, one truth per cell: test_one_truth_properties.py.)
"""
from __future__ import annotations

import math
import re

import pytest

from hypothesis import given

from her2desk.analysis.compare import ALL, CategoricalComparison, ContinuousComparison
from her2desk.analysis.endpoints import ENDPOINTS, SUBSETS, endpoint_frame
from her2desk.analysis.tables import HR_GROUPS, BaselineTable, CountTable, flag, patients_behind
from her2desk.cohort.eligibility import RULES

from crf_strategies import studies
from pipeline import analysed, eligible_ids, outcome, same_studies

# ---------------------------------------------------------------------------- nothing escapes


@same_studies
@given(studies())
def test_only_a_plain_sentence_stops_the_pipeline(study):
    """Reading to report never raises but a CRFReadError, whose message is one sentence."""
    o = outcome(study)                      # any other exception fails the test here
    if o.error is not None:
        assert o.error.strip() and "\n" not in o.error and "Traceback" not in o.error
        assert o.error.rstrip().endswith((".", ")")), o.error
        # Only a file with no patient on it may be refused outright.
        assert not any(p.get("patient_id") for p in study.patients) or study.drop_forms, o.error


@same_studies
@given(studies())
def test_a_study_that_cannot_be_analysed_says_why(study):
    o = outcome(study)
    if not analysed(o):
        return
    r, flow = o.results, o.loaded.flowchart
    notes = " ".join(r.notes)
    if flow.eligible == 0:
        assert "No eligible patients" in notes
        return
    present = [g for g in HR_GROUPS if flow.groups.get(g, 0)]
    if len(present) < 2:
        assert "Only one hr status group" in notes, r.notes
    for s in r.survival:
        if s.grouping and (s.logrank is None or not s.hazard_ratios):
            assert s.notes, f"{s.key}: no test or hazard ratio and no note saying why"
            for n in s.notes:
                assert f"{s.title}: {n}" in r.notes


# ---------------------------------------------------------------------------- the cohort


@same_studies
@given(studies())
def test_flowchart_adds_up(study):
    """admitted = eligible + every exclusion once, and admitted = the IDs on the Patients sheet."""
    o = outcome(study)
    if not analysed(o):
        return
    c, flow = o.loaded.cohort, o.loaded.flowchart
    ids = c["patient_id"].astype(str)
    assert ids.is_unique
    assert set(ids) == study.patient_ids()
    assert flow.admitted == len(c) == len(study.patient_ids())
    reasons = c["exclusion_reason"]
    elig = flag(c["eligible"])
    assert (elig == reasons.isna()).all(), "eligible exactly when no exclusion reason"
    assert set(reasons.dropna()) <= {r.key for r in RULES}
    assert flow.eligible == int(elig.sum())
    assert flow.eligible + flow.excluded_total == flow.admitted
    for rule in RULES:
        assert flow.excluded[rule.label] == int((reasons == rule.key).sum())


@same_studies
@given(studies())
def test_every_endpoint_population_lies_within_the_eligible(study):
    o = outcome(study)
    if not analysed(o):
        return
    c, r = o.loaded.cohort, o.results
    eligible = eligible_ids(o)
    for endpoint in ENDPOINTS:
        for subset in SUBSETS:
            ids = set(endpoint_frame(c, endpoint, subset)["patient_id"].astype(str))
            assert ids <= eligible, (endpoint, subset, ids - eligible)
    for s in r.survival:
        seen: set[str] = set()
        for g in s.groups:
            assert set(g.patient_ids) <= eligible, (s.key, g.label)
            assert not seen & set(g.patient_ids), f"{s.key}: a patient in two groups"
            seen |= set(g.patient_ids)
            assert set(g.event_ids) <= set(g.patient_ids)
    for a in r.neoadjuvant.analyses:
        for group, ids in a.patient_ids.items():
            assert set(ids) <= eligible, (a.key, group)
    for ids in r.conversion.patient_ids.values():
        assert set(ids) <= eligible
    if r.heterogeneity is not None:
        assert set(r.heterogeneity.assessed_ids) <= eligible
    if r.cox is not None:
        for m in r.cox.models:
            assert 0 <= m.events <= m.n <= len(eligible), (m.endpoint, m.variables)


# ---------------------------------------------------------------------------- counts


def _check_baseline(c, table: BaselineTable) -> None:
    grouping = table.grouping
    for g in (*table.groups, ALL):
        behind = patients_behind(c, table.key, grouping, None, g, grouping=grouping)
        assert table.group_n[g] == len(behind), (table.key, g)
    for comp in table.comparisons:
        for g in (*comp.groups, ALL):
            if isinstance(comp, CategoricalComparison):
                for level in comp.levels:
                    behind = patients_behind(c, table.key, comp.variable, str(level), g,
                                             grouping=grouping)
                    assert int(comp.counts.at[level, g]) == len(behind), (
                        table.key, comp.variable, level, g)
            elif isinstance(comp, ContinuousComparison):
                behind = set(patients_behind(c, table.key, comp.variable, None, g,
                                             grouping=grouping))
                known = c["patient_id"].astype(str).isin(behind) & c[comp.variable].notna()
                assert int(comp.n[g]) == int(known.sum()), (table.key, comp.variable, g)


@same_studies
@given(studies())
def test_every_count_equals_the_patients_behind_it(study):
    o = outcome(study)
    if not analysed(o):
        return
    c, r = o.loaded.cohort, o.results
    for table in r.tables.values():
        if isinstance(table, BaselineTable):
            _check_baseline(c, table)
        else:
            assert isinstance(table, CountTable)
            for row in table.rows:
                for g in (*table.groups, ALL):
                    assert row.counts[g] == len(row.patient_ids[g]), (row.level, g)
    for s in r.survival:
        for g in s.groups:
            assert g.n == len(g.patient_ids) == len(set(g.patient_ids)), (s.key, g.label)
            assert g.events == len(g.event_ids), (s.key, g.label)
    for a in r.neoadjuvant.analyses:
        for rate in a.pcr.rates:
            assert rate.n == len(a.patient_ids[str(rate.group)]), (a.key, rate.group)
            assert rate.k == len(a.responder_ids[str(rate.group)]), (a.key, rate.group)
    for row in r.conversion.rows:
        assert row.n == r.conversion.n
        for category, n in row.counts.items():
            assert n == len(r.conversion.patient_ids[(row.receptor, category)])
    for f in r.followup:
        frame = c[flag(c["eligible"])]
        frame = frame if f.group == "All" else frame[frame["hr_status"] == f.group]
        assert f.n == int(frame["followup_months"].notna().sum()), f.group


# ---------------------------------------------------------------------------- the two files


def _p_matches(text, p) -> bool:
    """A P value as report.xlsx shows it ("<0.001", "0.123", "—") against the number."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return text in ("—", "", None)
    if text == "<0.001":
        return p < 0.001
    return abs(float(text) - p) <= 0.0005 + 1e-9


def _close(a, b) -> bool:
    """JSON numbers against result floats: equal, NaN/inf written as null."""
    if b is None or (isinstance(b, float) and not math.isfinite(b)):
        return a is None
    return a == b


def _keyed(rows: list[tuple]) -> list[dict]:
    """A table sheet's data rows as {"label": column A stripped, (group header, part): value}.

    report.xlsx puts the title on row 1, the (merged) group headers on row 2, each number's
    part header on row 3 and the data from row 4 to the blank row before the footnotes.
    """
    keys, top = [], None
    width = max(len(rows[1]), len(rows[2]))
    for col in range(width):
        head = rows[1][col] if col < len(rows[1]) else None
        top = head if head is not None else top
        keys.append((top, rows[2][col] if col < len(rows[2]) else None))
    out = []
    for row in rows[3:]:
        if not row or row[0] is None:
            break
        entry = {"label": str(row[0]).strip()}
        entry.update({key: (row[i] if i < len(row) else None) for i, key in enumerate(keys)})
        out.append(entry)
    return out


def _blocks(rows: list[tuple], titles: list[str]) -> dict[str, list[dict]]:
    """The rows of a sheet under each section title (a survival comparison, a pCR analysis)."""
    blocks: dict[str, list[dict]] = {}
    current = None
    for row in _keyed(rows):
        if row["label"] in titles:
            current = blocks.setdefault(row["label"], [])
        elif current is not None:
            current.append(row)
    return blocks


def _p_matches(value, p) -> bool:
    """A P value cell of report.xlsx (a number, or "—"/blank for none) against the result."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return value in ("—", "", None)
    return isinstance(value, (int, float)) and value == pytest.approx(p)


@same_studies
@given(studies())
def test_report_files_agree_with_the_results(study):
    o = outcome(study)
    if not analysed(o):
        return
    r, js, sheets = o.results, o.results_json, o.sheets
    flow = r.flowchart

    # Flowchart: results.json, the Flowchart sheet and the result object.
    assert js["cohort"] == {"admitted": flow.admitted, "eligible": flow.eligible,
                            "excluded": dict(flow.excluded), "groups": dict(flow.groups)}
    shown = {row["label"]: row[("n", "n")] for row in _keyed(sheets["Flowchart"])}
    assert shown["Admitted"] == flow.admitted and shown["Eligible"] == flow.eligible
    assert shown["Excluded in total"] == flow.excluded_total
    for label, n in flow.excluded.items():
        assert shown[f"Excluded: {label}"] == n
    for label, n in flow.groups.items():
        assert shown[label] == n
    assert js["notes"] == list(r.notes)

    # Table 1 group sizes and counts, both files.
    t1 = r.tables["table1"]
    headers = [h for h in sheets["Table 1"][1][1:] if h is not None]
    for g, cell in zip((*t1.groups, ALL), headers):
        assert re.fullmatch(rf"{re.escape(str(g))} \(n = (\d+)\)", cell).group(1) == str(
            t1.group_n[g])
    by_level = {(row["variable"], row["level"]): row for row in js["tables"]["table1"]}
    for comp in t1.comparisons:
        if isinstance(comp, CategoricalComparison):
            for level in comp.levels:
                row = by_level[(comp.variable, str(level))]
                assert row["counts"] == {str(g): int(comp.counts.at[level, g])
                                         for g in comp.groups}
                assert row["total"] == int(comp.counts.at[level, ALL])
                assert _close(row["p_value"], comp.p_value)

    label_rows = {row["label"]: row for row in _keyed(sheets["Table 1"])}
    for comp in t1.comparisons:
        if isinstance(comp, CategoricalComparison):
            assert _p_matches(label_rows[comp.label][("P", "P")], comp.p_value), comp.label

    # pCR: n and responders per group in both files.
    pcr_js = {a["key"]: a for a in js["pcr"]["analyses"]}
    pcr_rows = _blocks(sheets["pCR"], [a.title for a in r.neoadjuvant.analyses])
    assert js["pcr"]["n"] == r.neoadjuvant.n
    for a in r.neoadjuvant.analyses:
        expected = [(str(x.group), x.n, x.k) for x in a.pcr.rates]
        assert [(g["label"], g["n"], g["pcr"]) for g in pcr_js[a.key]["groups"]] == expected
        assert [(row["label"], row[("n", "n")], row[("pCR", "pCR")])
                for row in pcr_rows[a.title][:len(expected)]] == expected
        assert _close(pcr_js[a.key]["p_value"], a.pcr.overall.p_value)

    # Survival: n, events, hazard ratios and P values in both files.
    by_key = {s["key"]: s for s in js["survival"]}
    blocks = _blocks(sheets["Survival"], [s.title for s in r.survival])
    for s in r.survival:
        out = by_key[s.key]
        assert [(g["label"], g["n"], g["events"]) for g in out["groups"]] == [
            (g.label, g.n, g.events) for g in s.groups]
        assert _close(out["logrank_p"], s.logrank_p)
        assert len(out["hazard_ratios"]) == len(s.hazard_ratios)
        for h_js, h in zip(out["hazard_ratios"], s.hazard_ratios):
            assert h_js["group"] == h.group and h_js["estimable"] == h.estimable
            assert _close(h_js["hazard_ratio"], h.hazard_ratio)
            assert _close(h_js["p_value"], h.p_value)
        rows = blocks.get(s.title, [])
        assert [(row["label"], row[("n", "n")], row[("Events", "Events")])
                for row in rows[:len(s.groups)]] == [(g.label, g.n, g.events) for g in s.groups], s.key
        hrs = {h.group: h for h in s.hazard_ratios}
        for i, (row, g) in enumerate(zip(rows, s.groups)):
            if i == 0 and s.logrank_p is not None:
                assert _p_matches(row[("Log-rank P", "P")], s.logrank_p), (s.key, s.logrank_p)
            h = hrs.get(g.label)
            if h is not None and h.estimable:
                assert row[("HR (95% CI)", "HR")] == pytest.approx(h.hazard_ratio), s.key
                assert _p_matches(row[("Cox P", "P")], h.p_value), (s.key, h.p_value)
            elif h is not None:
                assert row[("HR (95% CI)", "HR")] == "not estimable", s.key

"""The synthetic sample study against the paper's published numbers (tests/fixtures)."""
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from her2desk.cohort import sample
from cohort_factory import crf_from_forms
from her2desk.cohort.derive import derive_cohort
from her2desk.cohort.eligibility import apply_eligibility
from her2desk.cohort.settings import StudySettings
from her2desk.crf import codebook as cb

ROOT = Path(__file__).resolve().parents[2]
PAPER = json.loads((ROOT / "tests" / "fixtures" / "paper_tables.json").read_text(encoding="utf-8"))
GROUPS = {"hr_pos": "HR+/HER2+", "hr_neg": "HR-/HER2+"}
S = StudySettings()


@pytest.fixture(scope="module")
def study():
    """forms, the generator's record of planted errors, the CRF, and the cohort derived as
    the app derives it (cells with validation errors masked)."""
    forms, planted = sample.generate_study()
    crf = crf_from_forms(forms)
    return forms, planted, crf, derive_cohort(crf, S, list(_validate(crf)))


def _validate(crf):
    from her2desk.crf.validate import validate_crf
    return validate_crf(crf, cutoff=S.cutoff, fish_threshold=S.fish_threshold,
                        de_novo_window_days=S.de_novo_window_days)


@pytest.fixture(scope="module")
def cohort(study):
    return study[3]


@pytest.fixture(scope="module")
def eligible(cohort):
    return cohort[cohort["eligible"]]


def _group(frame, g):
    return frame[frame["hr_status"] == GROUPS[g]]


def _counts(frame, variable, levels):
    values = frame[variable].astype(object).where(frame[variable].notna(), "Unknown")
    return [int((values == lv).sum()) for lv in levels]


# ---- flowchart -----------------------------------------------------------------------

def test_flowchart_adds_up(study, cohort):
    _, _, crf, _ = study
    res = apply_eligibility(crf.patients(), crf.rebiopsies(), S)
    flow = res.flow()
    assert flow["admitted"] == PAPER["cohort"]["admitted"] == len(cohort)
    assert flow["eligible"] == PAPER["cohort"]["eligible"]
    assert flow["HR+/HER2+"] == PAPER["cohort"]["hr_pos"]
    assert flow["HR-/HER2+"] == PAPER["cohort"]["hr_neg"]
    assert flow["admitted"] == flow["eligible"] + sum(flow["excluded"].values())
    counts = res.excluded_counts()
    assert counts["outside_window"] == 0
    assert all(v > 0 for k, v in counts.items() if k != "outside_window")
    assert counts["her2_not_positive"] > 0.8 * flow["excluded_total"]   # mostly HER2-negative
    assert res.her2_breakdown()["unknown"] > 0
    assert cohort["exclusion_reason"].notna().sum() == flow["excluded_total"]


def test_all_admitted_inside_window_and_dates_before_cutoff(study, cohort):
    forms = study[0]
    adm = forms["patients"]["admission_date"]
    assert adm.between(pd.Timestamp(S.enrol_from), pd.Timestamp(S.enrol_to)).all()
    elig = set(cohort.loc[cohort["eligible"], "patient_id"])
    for form, frame in forms.items():
        frame = frame[frame["patient_id"].isin(elig)]
        for f in cb.fields_of(form):
            if f.type == cb.DATE:
                assert (frame[f.name].dropna() <= pd.Timestamp(S.cutoff)).all(), f.name


def test_ids_look_like_hospital_numbers(study):
    ids = study[0]["patients"]["patient_id"]
    assert ids.is_unique and ids.str.fullmatch(r"XJ20(1[2-9]|2[0-2])-\d{4}").all()


# ---- Tables 1–3: every count per group --------------------------------------------------

TABLE_ROWS = [(t, r) for t in ("table1_baseline", "table2_early_treatment",
                               "table3_metastatic_patterns") for r in PAPER[t]["rows"]]


@pytest.mark.parametrize("table,row", TABLE_ROWS,
                         ids=[f"{t[:6]}-{r['variable']}" for t, r in TABLE_ROWS])
def test_table_counts(eligible, table, row):
    for g in GROUPS:
        frame = _group(eligible, g)
        if table.startswith("table3"):
            frame = frame[frame["mbc"] == True]  # noqa: E712
        assert _counts(frame, row["variable"], row["levels"]) == row[g], g


def test_table4_first_line(eligible):
    for row in PAPER["table4_first_line"]["rows"]:
        for g in GROUPS:
            frame = _group(eligible, g)
            assert int((frame["first_line_class"] == row["regimen"]).sum()) == row[g], row["regimen"]
            for sub in row.get("sub", []):
                assert int((frame["first_line_subclass"] == sub["regimen"]).sum()) == sub[g]
    mbc = eligible[eligible["mbc"] == True]  # noqa: E712
    assert mbc["first_line_class"].notna().all()
    hr_pos = _group(mbc, "hr_pos")
    assert (hr_pos["first_line_endocrine_any"] == "Yes").sum() == PAPER["survival"][
        "first_line_endocrine_vs_none_hr_pos"]["n"][0]
    assert (hr_pos["sequential_endocrine"] == "Yes").sum() == 34


def test_continuous_rows(eligible):
    t1 = PAPER["table1_baseline"]
    for g in GROUPS:
        frame = _group(eligible, g)
        med, lo, hi = t1["follow_up_months_median_range"][g]
        fu = frame["followup_months"]
        assert (round(fu.median()), round(fu.min()), round(fu.max())) == (med, lo, hi)
        med, lo, hi = t1["age_years_median_range"][g]
        age = frame["age_at_diagnosis"]
        assert (age.median(), age.min(), age.max()) == (med, lo, hi)
    assert eligible["age_at_diagnosis"].notna().all()


# ---- neoadjuvant ------------------------------------------------------------------------

def test_neoadjuvant_counts_and_pcr(eligible):
    neo_ref = PAPER["neoadjuvant"]
    neo = eligible[eligible["neoadjuvant_therapy"] == "Yes"]
    assert len(neo) == neo_ref["n"]
    assert neo["er_pr_subgroup"].value_counts().to_dict() == neo_ref["er_pr_subgroups"]
    assert neo["pcr"].notna().all()
    assert (neo["pcr"] == (neo["miller_payne_grade"] == 5)).all()    # all grade 5 are ypN0
    rate = lambda f: round(100 * f["pcr"].astype(float).mean(), 1)  # noqa: E731
    pct = neo_ref["pcr_rate_percent"]
    assert rate(_group(neo, "hr_pos")) == pct["HR+"] and rate(_group(neo, "hr_neg")) == pct["HR-"]
    for sub, p in pct.items():
        if "/" in sub and "ER" in sub:
            assert rate(neo[neo["er_pr_subgroup"] == sub]) == p, sub
    for key, reg in (("pcr_rate_percent_trastuzumab_ct", "trastuzumab + chemotherapy"),
                     ("pcr_rate_percent_trastuzumab_pertuzumab_ct",
                      "trastuzumab + pertuzumab + chemotherapy")):
        for sub, p in neo_ref[key].items():
            f = neo[(neo["neoadjuvant_regimen"] == reg) & (neo["er_pr_subgroup"] == sub)]
            assert rate(f) == p, (reg, sub)
    ct = neo[neo["neoadjuvant_regimen"] == "chemotherapy only"]
    assert len(_group(ct, "hr_pos")) == 19 and len(_group(ct, "hr_neg")) == 21
    assert set(neo["miller_payne_grade"].dropna()) == {1, 2, 3, 4, 5}


# ---- structure: MBC, surgery, DFS, deaths ---------------------------------------------------

def test_mbc_and_deaths(eligible):
    ref = PAPER["cohort"]
    for g in GROUPS:
        frame = _group(eligible, g)
        mbc = frame[frame["mbc"] == True]  # noqa: E712
        assert len(mbc) == ref["mbc"][g]
        assert int(mbc["os_event"].sum()) == ref["mbc"][f"deaths_{g}"]
        assert [int(frame["os_event"].sum()), len(frame)] == ref["deaths"][g]
        # stage IV is exactly de novo MBC
        assert ((frame["tnm_stage"] == "IV") == (frame["mbc_type"] == "De novo")).all()
    assert set(eligible.loc[eligible["mbc_type"] == "De novo", "os_event"].dropna().unique()) <= {
        True, False}


def test_surgery_structure(eligible):
    pos, neg = _group(eligible, "hr_pos"), _group(eligible, "hr_neg")
    none_pos = pos[pos["surgery"] == "No surgery"]
    none_neg = neg[neg["surgery"] == "No surgery"]
    assert (none_pos["mbc_type"] == "De novo").sum() == 28 == len(none_pos)
    assert (none_neg["mbc_type"] == "De novo").sum() == 22
    assert (none_neg["mbc_type"] == "Recurrent").sum() == 1
    assert (eligible.loc[eligible["surgery"] == "No surgery", "os_origin"] == "diagnosis").all()
    no_adj = eligible[eligible["adjuvant_therapy"] == "No"]
    cols = ["adjuvant_radiotherapy", "adjuvant_chemotherapy", "adjuvant_her2_targeted",
            "adjuvant_endocrine"]
    assert (no_adj[cols] == "No").all().all()
    assert (eligible.loc[eligible["surgery"] == "No surgery", "adjuvant_therapy"] == "No").all()


def test_dfs_population_and_events(eligible):
    ref = PAPER["cohort"]["dfs_population"]
    assert int(eligible["dfs_population"].sum()) == ref["n"]
    for g in GROUPS:
        frame = _group(eligible, g)
        pop = frame[frame["dfs_population"]]
        assert [int(pop["dfs_event"].sum()), len(pop)] == ref[f"events_{g}"]
    pos = _group(eligible, "hr_pos")
    pos = pos[pos["dfs_population"] & (pos["dfs_event"] == True)]  # noqa: E712
    assert (pos["mbc_type"] == "Recurrent").sum() == 97 and (pos["mbc"] == False).sum() == 2  # noqa: E712


# ---- receptors ---------------------------------------------------------------------------------

def test_receptor_conversion(eligible):
    ref = PAPER["receptor_conversion"]
    conv = eligible[eligible["receptor_conversion_assessable"]]
    assert len(conv) == ref["n"]
    for rec in ("er", "pr", "her2"):
        counts = conv[f"{rec}_conversion"].value_counts()
        for key, label in (("pos_to_neg_percent", "pos->neg"), ("neg_to_pos_percent", "neg->pos")):
            assert round(100 * counts[label] / ref["n"], 1) == ref[rec][key], (rec, label)
        discordant = counts["pos->neg"] + counts["neg->pos"]
        assert round(100 * discordant / ref["n"], 1) == ref[rec]["discordant_percent"]
    # HER2-negative primaries are eligible through a positive metastasis
    assert (conv["her2_conversion"] == "neg->pos").sum() == 17


def test_her2_heterogeneity(eligible):
    ref = PAPER["survival"]["her2_heterogeneity"]
    mbc = eligible[eligible["mbc"] == True]  # noqa: E712
    assessed = mbc[mbc["her2_heterogeneity"].notna()]
    assert len(assessed) == ref["n"] and int(assessed["her2_heterogeneity"].sum()) == ref["heterogeneous"]
    het = assessed[assessed["her2_heterogeneity"] == True]  # noqa: E712
    assert [len(_group(het, g)) for g in GROUPS] == PAPER["survival"][
        "her2_heterogeneity_hr_pos_vs_neg"]["n"]
    assert [len(_group(assessed, g)) for g in GROUPS] == [93, 89]     # 30.1 % vs 15.7 %


# ---- survival lands near the published figures ----------------------------------------------------

def _cox_hr(frame, time, event, group_col, ref_level):
    from lifelines import CoxPHFitter
    d = frame[[time, event]].copy()
    d["x"] = (frame[group_col].astype(str) != str(ref_level)).astype(float)
    d = d.dropna()
    d[event] = d[event].astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(np.exp(CoxPHFitter().fit(d, time, event).params_["x"]))


def _median(frame, time, event):
    from lifelines import KaplanMeierFitter
    d = frame[[time, event]].dropna()
    return float(KaplanMeierFitter().fit(d[time], d[event].astype(float)).median_survival_time_)


def _logrank_p(frame, time, event, group_col):
    from lifelines.statistics import multivariate_logrank_test
    d = frame[[time, event, group_col]].dropna()
    return float(multivariate_logrank_test(d[time], d[group_col].astype(str),
                                           d[event].astype(float)).p_value)


def _median_agrees(frame, time, event, published):
    """The sample's median and the published one do not differ beyond sampling error.

    The paper gives no CI for its medians, but its cohort is the same size as the
    sample's, so its standard error (log scale) is taken equal to the sample's, read off
    the sample's 95 % CI for the median (KM, log scale, as R): the two medians agree when
    |log ours − log published| ≤ 1.96 · √2 · SE.
    """
    from her2desk.analysis.survival import kaplan_meier
    d = frame[[time, event]].dropna()
    curve = kaplan_meier(d[time].to_numpy(float), d[event].astype(bool).to_numpy())
    med, (lo, hi) = curve.median, curve.median_ci
    if np.isnan(hi):                               # upper limit not reached: one side only
        se = (np.log(med) - np.log(lo)) / 1.96
    else:
        se = (np.log(hi) - np.log(lo)) / (2 * 1.96)
    ok = abs(np.log(med) - np.log(published)) <= 1.96 * np.sqrt(2) * se
    return bool(ok), (published, med, (lo, hi))


def _in_paper_ci(hr, ref):
    """The sample's hazard ratio lies inside the paper's 95 % CI."""
    lo, hi = ref["ci95"]
    return lo <= hr <= hi, (hr, ref["hazard_ratio"], (lo, hi))


def test_survival_agrees_with_published(eligible):
    # Bands come from the paper: each hazard ratio must fall inside the published 95 % CI,
    # and each median must agree with the published one within sampling error (see
    # _median_agrees). None is set around what the generator happens to give.
    sv = PAPER["survival"]
    e = eligible
    os_ = ("os_months", "os_event")
    ok, why = _in_paper_ci(_cox_hr(e, *os_, "hr_status", "HR-/HER2+"), sv["os_by_hr"])
    assert ok, why
    assert _logrank_p(e, *os_, "hr_status") < 0.05                   # published 0.047
    ok, why = _median_agrees(e, *os_, sv["os_all_median_months"])
    assert ok, why
    erpr = e[e["er_pr_subgroup"].isin(["ER+/PR+", "ER-/PR-"])]
    ok, why = _in_paper_ci(_cox_hr(erpr, *os_, "er_pr_subgroup", "ER-/PR-"),
                           sv["os_er_pos_pr_pos_vs_er_neg_pr_neg"])
    assert ok, why
    dfs = e[e["dfs_population"]]
    dfs_ = ("dfs_months", "dfs_event")
    ok, why = _in_paper_ci(_cox_hr(dfs, *dfs_, "hr_status", "HR-/HER2+"), sv["dfs_by_hr"])
    assert ok, why
    ok, why = _median_agrees(dfs, *dfs_, sv["dfs_all_median_months"])
    assert ok, why
    erpr = dfs[dfs["er_pr_subgroup"].isin(["ER+/PR+", "ER-/PR-"])]
    ok, why = _in_paper_ci(_cox_hr(erpr, *dfs_, "er_pr_subgroup", "ER-/PR-"),
                           sv["dfs_er_pos_pr_pos_vs_er_neg_pr_neg"])
    assert ok, why
    mbc = e[e["mbc"] == True]  # noqa: E712
    aos = ("advanced_os_months", "advanced_os_event")
    ok, why = _median_agrees(mbc, *aos, sv["advanced_os_all_median_months"])
    assert ok, why
    for g in GROUPS:
        ok, why = _median_agrees(_group(mbc, g), *aos,
                                              sv["advanced_os_by_hr"][f"{g}_median"])
        assert ok, (g, why)
    pos = _group(mbc, "hr_pos")
    pfs = ("pfs_months", "pfs_event")
    et = sv["first_line_endocrine_vs_none_hr_pos"]
    ok, why = _in_paper_ci(_cox_hr(pos, *aos, "first_line_endocrine_any", "No"), et["advanced_os"])
    assert ok, why
    ok, why = _in_paper_ci(_cox_hr(pos, *pfs, "first_line_endocrine_any", "No"), et["pfs"])
    assert ok, why
    ok, why = _median_agrees(pos[pos["first_line_endocrine_any"] == "No"], *aos,
                                          et["advanced_os"]["median_no_et"])
    assert ok, why
    seq = pos[pos["sequential_endocrine"].notna()]
    ref = sv["sequential_endocrine_vs_none_hr_pos"]
    for ep, cols in (("advanced_os", aos), ("pfs", pfs)):
        ok, why = _in_paper_ci(_cox_hr(seq, *cols, "sequential_endocrine", "No"), ref[ep])
        assert ok, (ep, why)
    het = mbc[mbc["her2_heterogeneity"].notna()]
    h = sv["her2_heterogeneity"]
    assert (len(het), int(het["her2_heterogeneity"].sum())) == (h["n"], h["heterogeneous"])
    for ep, cols in (("advanced_os", aos), ("pfs", pfs)):
        ok, why = _in_paper_ci(_cox_hr(het, *cols, "her2_heterogeneity", False), h[ep])
        assert ok, (ep, why)


def test_survival_columns_are_consistent(eligible):
    for t, ev in (("os_months", "os_event"), ("dfs_months", "dfs_event"),
                  ("advanced_os_months", "advanced_os_event"), ("pfs_months", "pfs_event")):
        known = eligible[eligible[t].notna()]
        assert (known[t] >= 0).all() and known[ev].notna().all()
    assert eligible["os_months"].notna().all()
    mbc = eligible[eligible["mbc"] == True]  # noqa: E712
    treated = mbc[mbc["first_line_class"] != "no systemic treatment"]
    assert treated["pfs_months"].notna().all()


# ---- planted errors, validation, determinism, files ---------------------------------------------

def test_validation_finds_every_planted_error(study):
    _, planted, crf, _ = study
    found = {(f.patient_id, f.field, f.rule) for f in _validate(crf)}
    missed = [e for e in planted if (e.patient_id, e.field, e.rule) not in found]
    assert planted and not missed


def test_planted_record_says_who_is_eligible(study, cohort):
    _, planted, crf, _ = study
    eligible = cohort.set_index("patient_id")["eligible"]
    assert [e.eligible for e in planted] == [bool(eligible[e.patient_id]) for e in planted]
    # both of the banner's paths: errors in eligible patients, and in excluded ones
    assert any(e.eligible for e in planted) and not all(e.eligible for e in planted)
    # the eligible patients with errors are exactly the ones the generator planted
    with_errors = {f.patient_id for f in _validate(crf).errors}
    assert with_errors & set(eligible.index[eligible]) == {e.patient_id for e in planted
                                                          if e.eligible}


SURVIVAL_COLUMNS = {"dfs_months", "dfs_event", "pfs_months", "pfs_event"}


def test_masking_keeps_eligibility_and_touches_only_planted_survival_times(study, cohort):
    # Without masking (raw cells) against the app's masked cohort: the same patients are
    # eligible and excluded for the same reasons, so every published count holds; the
    # only eligible rows that differ are the planted patients', and only in DFS/PFS.
    _, planted, crf, _ = study
    raw = derive_cohort(crf, S)
    assert raw["eligible"].equals(cohort["eligible"])
    assert raw["exclusion_reason"].equals(cohort["exclusion_reason"])
    a = raw[raw["eligible"]].set_index("patient_id")
    b = cohort[cohort["eligible"]].set_index("patient_id")
    differs = ~((a == b) | (a.isna() & b.isna()))
    rows = set(differs.index[differs.any(axis=1)])
    assert rows == {e.patient_id for e in planted if e.eligible}
    assert set(differs.columns[differs.any(axis=0)]) <= SURVIVAL_COLUMNS
    # the masked patients keep their DFS/PFS event, at a later event than the raw cell's
    for pid in rows:
        for t, ev in (("dfs_months", "dfs_event"), ("pfs_months", "pfs_event")):
            if pd.notna(b.loc[pid, t]):
                assert b.loc[pid, ev] == True, (pid, ev)  # noqa: E712
                assert not b.loc[pid, t] < a.loc[pid, t], (pid, t)   # NaN raw: negative time


def test_shipped_planted_record_is_the_generators(study):
    path = ROOT / "resources" / sample.PLANTED_NAME
    assert json.loads(path.read_text(encoding="utf-8")) == [e.as_dict() for e in study[1]]


def test_command_line_writes_workbook_and_record(monkeypatch, tmp_path):
    from her2desk.cohort.sample.__main__ import main
    written = {}
    monkeypatch.setattr("her2desk.cohort.sample.__main__.generate_study",
                        lambda: ({"patients": None}, [sample.PlantedError("P1", "patients", "sex",
                                                                          "bad_code", False)]))
    monkeypatch.setattr("her2desk.cohort.sample.__main__.write_sample_workbook",
                        lambda path, forms: written.setdefault("xlsx", path))
    assert main([str(tmp_path)]) == 0
    assert written["xlsx"] == tmp_path / sample.SAMPLE_NAME
    record = json.loads((tmp_path / sample.PLANTED_NAME).read_text(encoding="utf-8"))
    assert record == [dict(patient_id="P1", form="patients", field="sex", rule="bad_code",
                           eligible=False, note="", sheet="Patients")]


def test_deterministic(study):
    again = sample.generate_forms()
    for form, frame in study[0].items():
        pd.testing.assert_frame_equal(again[form], frame)


def test_shipped_workbook_is_the_generated_study(cohort):
    from her2desk.crf.reader import read_crf
    path = ROOT / "resources" / "sample_study.xlsx"
    assert path.exists() and path.stat().st_size < 2_000_000
    crf = read_crf(path)
    assert crf.layout == "template"
    pd.testing.assert_frame_equal(derive_cohort(crf, S, list(_validate(crf))), cohort,
                                  check_dtype=False)


def test_flat_copy_imports_to_the_same_cohort(study, cohort, tmp_path):
    from her2desk.crf.reader import read_crf
    path = sample.write_flat_copy(study[0], tmp_path / "flat.xlsx")
    table = sample.flat_table(study[0])
    assert len(table) == 3012 and table.columns[0] == sample.flat_headers()["patient_id"]
    assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in table.columns) > 40
    dates = table[sample.flat_headers()["diagnosis_date"]].dropna()
    assert dates.str.contains("年").any() and dates.str.contains("/").any() and \
        dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").any()
    crf = read_crf(path)
    assert crf.layout == "flat" and not crf.unmatched_columns
    pd.testing.assert_frame_equal(derive_cohort(crf, S, list(_validate(crf))), cohort,
                                  check_dtype=False)

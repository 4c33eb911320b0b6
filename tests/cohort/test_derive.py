from datetime import date

import numpy as np
import pandas as pd
import pytest

from her2desk.cohort import derive as d
from her2desk.cohort.settings import StudySettings
from her2desk.crf.model import Finding
from cohort_factory import make_crf, patient

S = StudySettings()


def na(frame):
    """Missing as the text 'NA' (object columns), for readable comparisons."""
    return frame.astype(object).where(frame.notna(), "NA")


def cohort(patients, rebiopsies=None, settings=S, findings=None):
    return d.derive_cohort(make_crf(patients, rebiopsies), settings, findings).set_index("patient_id")


def test_bands_at_their_edges():
    assert list(d.er_percent_group(pd.Series([0, 9.9, 10, 49, 50, 100, np.nan])).fillna("NA")) == [
        "<10%", "<10%", "10-49%", "10-49%", ">=50%", ">=50%", "NA"]
    assert list(d.pr_percent_group(pd.Series([19, 20]))) == ["<20%", ">=20%"]
    assert list(d.ki67_group(pd.Series([30, 30.5, np.nan])).fillna("NA")) == ["<=30%", ">30%", "NA"]
    assert list(d.age_group(pd.Series([49, 50]))) == ["<50", ">=50"]
    assert list(d.ecog_group(pd.Series([0, 1, 2, 4, np.nan])).fillna("NA")) == [
        "0-1", "0-1", "2+", "2+", "NA"]


def test_age_from_birth_date_when_not_recorded():
    p = pd.DataFrame({"age_at_diagnosis": [np.nan, np.nan, 40],
                      "birth_date": pd.to_datetime(["1960-06-15", "1960-06-15", "1900-01-01"]),
                      "diagnosis_date": pd.to_datetime(["2020-06-14", "2020-06-15", "2020-01-01"])})
    assert list(d.age_at_diagnosis(p)) == [59, 60, 40]


def test_menopause_rule():
    c = cohort([patient("REC", menopausal_status="premenopausal", age_at_diagnosis=65),
                patient("OLD", menopausal_status=None, age_at_diagnosis=60),
                patient("YOUNG", menopausal_status=None, age_at_diagnosis=59),
                patient("OVX", menopausal_status=None, age_at_diagnosis=40, bilateral_ovariectomy=True),
                patient("NOAGE", menopausal_status=None, age_at_diagnosis=None, birth_date=None)])
    assert c["menopausal_status"].astype(object).fillna("NA").to_dict() == {
        "REC": "Premenopausal", "OLD": "Postmenopausal", "YOUNG": "Premenopausal",
        "OVX": "Postmenopausal", "NOAGE": "NA"}


def test_table1_labels():
    c = cohort([patient("A", histological_type="ilc", histological_grade="1", laterality="right",
                        family_history=True, t_stage="Tx", n_stage="N3")])
    row = c.loc["A"]
    assert (row.histological_type, row.histological_grade, row.affected_breast, row.family_history,
            row.t_stage, row.n_stage, row.tnm_stage) == ("Non-IDC", "I/II", "Right", "Yes", "Tx",
                                                         "N3", "I-III")


def test_hr_status_and_subgroups():
    c = cohort([patient("PP", er_percent=90, pr_percent=1), patient("PN", er_percent=1, pr_percent=0.5),
                patient("NP", er_percent=0, pr_percent=5), patient("NN", er_percent=0.5, pr_percent=0),
                patient("H2NEG", her2_ihc="1+")])
    assert c["er_pr_subgroup"].to_dict() == {"PP": "ER+/PR+", "PN": "ER+/PR-", "NP": "ER-/PR+",
                                             "NN": "ER-/PR-", "H2NEG": "ER+/PR+"}
    assert c["hr_status"].astype(object).fillna("NA").to_dict() == {
        "PP": "HR+/HER2+", "PN": "HR+/HER2+", "NP": "HR+/HER2+", "NN": "HR-/HER2+", "H2NEG": "NA"}


def test_her2_status_from_primary_or_first_positive_rebiopsy():
    pats = [patient("P3"), patient("P2", her2_ihc="2+", her2_fish_ratio=2.4),
            patient("R", her2_ihc="1+"), patient("N", her2_ihc="0")]
    reb = [dict(patient_id="R", rebiopsy_date="2019-05-01", rebiopsy_her2_ihc="3+"),
           dict(patient_id="R", rebiopsy_date="2018-05-01", rebiopsy_her2_ihc="2+",
                rebiopsy_her2_fish_ratio=4.0)]
    c = cohort(pats, reb)
    assert c["her2_status"].astype(object).fillna("NA").to_dict() == {
        "P3": "IHC 3+", "P2": "IHC 2+ and FISH+", "R": "IHC 2+ and FISH+", "N": "NA"}
    assert list(c["her2_positive"]) == [True, True, True, False]


def test_fish_threshold_setting():
    pats = [patient("P", her2_ihc="2+", her2_fish_ratio=2.0)]
    assert cohort(pats).loc["P", "eligible"] == False  # noqa: E712
    c = cohort(pats, settings=S.replace(fish_threshold=2.0))
    assert c.loc["P", "eligible"] and c.loc["P", "her2_status"] == "IHC 2+ and FISH+"


def test_thirty_day_rule_for_de_novo():
    base = dict(diagnosis_date="2016-01-01", surgery_type="none", surgery_date=None,
                met_lung=True, first_met_lung=True)
    c = cohort([patient("D30", distant_metastasis_date="2016-01-31", m_stage="Mx", **base),
                patient("D31", distant_metastasis_date="2016-02-01", m_stage="M0", **base),
                patient("M1", distant_metastasis_date=None, m_stage="M1", **base),
                patient("NONE", **dict(base, met_lung=None, first_met_lung=None))])
    assert c["mbc_type"].astype(object).fillna("NA").to_dict() == {"D30": "De novo", "D31": "Recurrent",
                                                    "M1": "De novo", "NONE": "NA"}
    assert c["tnm_stage"].to_dict() == {"D30": "IV", "D31": "I-III", "M1": "IV", "NONE": "I-III"}
    c60 = cohort([patient("D31", distant_metastasis_date="2016-02-01", m_stage="M0", **base)],
                 settings=S.replace(de_novo_window_days=60))
    assert c60.loc["D31", "mbc_type"] == "De novo"


def test_surgery_and_adjuvant():
    c = cohort([patient("M"), patient("B", surgery_type="bcs"), patient("O", surgery_type="other"),
                patient("N", surgery_type="none", surgery_date=None, adjuvant_chemotherapy=False,
                        adjuvant_her2_targeted=False, adjuvant_endocrine=False),
                patient("U", adjuvant_chemotherapy=None, adjuvant_her2_targeted=False,
                        adjuvant_endocrine=False)])
    assert list(c["surgery"]) == ["Radical mastectomy", "BCS and other", "BCS and other", "No surgery",
                                  "Radical mastectomy"]
    assert c["adjuvant_therapy"].astype(object).fillna("NA").to_dict() == {"M": "Yes", "B": "Yes", "O": "Yes",
                                                            "N": "No", "U": "NA"}
    assert c.loc["N", "adjuvant_endocrine"] == "No" and c.loc["M", "adjuvant_radiotherapy"] == "No"


def test_neoadjuvant_regimens_and_pcr():
    neo = dict(neoadjuvant_therapy=True, neoadjuvant_chemotherapy=True)
    c = cohort([patient("CT", miller_payne_grade="5", ypn_positive=False, **neo),
                patient("T", neoadjuvant_trastuzumab=True, miller_payne_grade="5", ypn_positive=True,
                        **neo),
                patient("TP", neoadjuvant_trastuzumab=True, neoadjuvant_pertuzumab=True,
                        miller_payne_grade="5", **neo),
                patient("G4", neoadjuvant_trastuzumab=True, miller_payne_grade="4", **neo),
                patient("NG", miller_payne_grade=None, **neo),
                patient("NO")])
    assert c["neoadjuvant_regimen"].astype(object).fillna("NA").to_dict() == {
        "CT": "chemotherapy only", "T": "trastuzumab + chemotherapy",
        "TP": "trastuzumab + pertuzumab + chemotherapy", "G4": "trastuzumab + chemotherapy",
        "NG": "chemotherapy only", "NO": "NA"}
    assert c["pcr"].astype(object).where(c["pcr"].notna(), "NA").to_dict() == {
        "CT": True, "T": False, "TP": True, "G4": False, "NG": "NA", "NO": "NA"}
    assert c["neoadjuvant_her2_targeted"].to_dict() == {"CT": "No", "T": "Yes", "TP": "Yes",
                                                        "G4": "Yes", "NG": "No", "NO": "No"}
    assert c.loc["G4", "miller_payne_grade"] == 4


def test_her2_agent_parsing():
    assert d.her2_agents("Trastuzumab + Pertuzumab") == ("trastuzumab", "pertuzumab")
    assert d.her2_agents("曲妥珠单抗、吡咯替尼") == ("trastuzumab", "pyrotinib")
    assert d.her2_agents("H/P") == ("trastuzumab", "pertuzumab")
    assert d.her2_agents("lapatinib, trastuzumab") == ("lapatinib", "trastuzumab")
    assert d.her2_agents("trastuzumab+trastuzumab") == ("trastuzumab",)
    assert d.her2_agents(None) == () and d.her2_agents(np.nan) == () and d.her2_agents("") == ()


MBC = dict(surgery_type="none", surgery_date=None, m_stage="M1", diagnosis_date="2016-01-01",
           met_bone=True, first_met_bone=True, first_line_start_date="2016-01-20")


@pytest.mark.parametrize("agents,chemo,endo,cls,targets", [
    ("trastuzumab+pertuzumab", True, "maintenance", "HER2-targeted + chemotherapy -> endocrine",
     "dual-target"),
    ("trastuzumab", True, "none", "HER2-targeted + chemotherapy", "single-target"),
    ("pyrotinib", False, "concurrent", "HER2-targeted + endocrine", "single-target"),
    (None, True, "maintenance", "chemotherapy -> endocrine", "NA"),
    (None, True, "none", "chemotherapy only", "NA"),
    ("曲妥珠单抗+吡咯替尼", False, "none", "HER2-targeted only", "dual-target"),
    (None, False, "concurrent", "endocrine only", "NA"),
    (None, False, "none", "no systemic treatment", "NA"),
    (None, None, None, "NA", "NA"),
])
def test_first_line_classes(agents, chemo, endo, cls, targets):
    c = cohort([patient("X", first_line_her2_agents=agents, first_line_chemotherapy=chemo,
                        first_line_endocrine=endo, **MBC)])
    assert na(c).loc["X", "first_line_class"] == cls
    assert na(c).loc["X", "first_line_targets"] == targets
    endo_any = "Yes" if endo in ("maintenance", "concurrent") else ("No" if cls != "NA" else "NA")
    assert na(c).loc["X", "first_line_endocrine_any"] == endo_any


def test_first_line_only_for_mbc_and_subclass():
    c = cohort([patient("E", first_line_her2_agents="trastuzumab", first_line_chemotherapy=True,
                        first_line_endocrine="maintenance"),
                patient("M", first_line_her2_agents="trastuzumab", first_line_chemotherapy=True,
                        first_line_endocrine="maintenance", **MBC)])
    assert pd.isna(c.loc["E", "first_line_class"])
    assert c.loc["M", "first_line_subclass"] == "single-target + chemotherapy -> endocrine"
    assert c.loc["M", "sequential_endocrine"] == "Yes"


def test_time_to_event_censoring_at_cutoff():
    origin = pd.Series(pd.to_datetime(["2020-01-01"] * 4))
    event = pd.Series(pd.to_datetime(["2021-01-01", "2023-03-01", None, None]))
    lfu = pd.Series(pd.to_datetime(["2021-01-01", "2023-03-01", "2023-06-01", "2021-07-01"]))
    months, ev = d.time_to_event(origin, event, lfu, S)
    cut = (pd.Timestamp("2022-12-31") - pd.Timestamp("2020-01-01")).days / 30.4375
    assert months[0] == pytest.approx(366 / 30.4375) and ev[0] == True  # noqa: E712
    assert months[1] == pytest.approx(cut) and ev[1] == False  # noqa: E712
    assert months[2] == pytest.approx(cut) and ev[2] == False  # noqa: E712
    assert months[3] == pytest.approx(547 / 30.4375) and ev[3] == False  # noqa: E712
    later = S.replace(cutoff=date(2023, 12, 31))
    assert d.time_to_event(origin, event, lfu, later)[1][1] == True  # noqa: E712


def test_os_dfs_and_origins():
    dead = dict(vital_status="dead", death_date="2018-03-10", cause_of_death="breast_cancer",
                last_followup_date="2018-03-10")
    c = cohort([patient("OP", distant_metastasis_date="2017-03-10", met_liver=True,
                        first_met_liver=True, locoregional_recurrence_date="2016-09-10", **dead),
                patient("NS", surgery_type="none", surgery_date=None, m_stage="M1",
                        met_bone=True, first_met_bone=True, **dead),
                patient("AL")])
    assert c.loc["OP", "os_origin"] == "surgery" and c.loc["NS", "os_origin"] == "diagnosis"
    assert c.loc["OP", "os_months"] == pytest.approx(1096 / 30.4375)
    assert c.loc["NS", "os_months"] == pytest.approx((pd.Timestamp("2018-03-10")
                                                     - pd.Timestamp("2015-02-20")).days / 30.4375)
    # DFS: first event is the locoregional recurrence
    assert c.loc["OP", "dfs_months"] == pytest.approx(550 / 30.4375) and c.loc["OP", "dfs_event"]
    assert pd.isna(c.loc["NS", "dfs_months"]) and not c.loc["NS", "dfs_population"]
    assert c.loc["AL", "dfs_event"] == False  # noqa: E712
    # advanced OS: from the metastasis date, or diagnosis for de novo
    assert c.loc["OP", "advanced_os_months"] == pytest.approx(365 / 30.4375)
    assert c.loc["NS", "advanced_os_months"] == pytest.approx(c.loc["NS", "os_months"])
    assert pd.isna(c.loc["AL", "advanced_os_months"])
    assert c.loc["AL", "followup_months"] == pytest.approx(
        (pd.Timestamp("2020-03-10") - pd.Timestamp("2015-02-20")).days / 30.4375)


def test_pfs_progression_or_death():
    c = cohort([patient("X", progression_date="2016-07-20", first_line_chemotherapy=True, **MBC),
                patient("Y", first_line_chemotherapy=True, **MBC)])
    assert c.loc["X", "pfs_months"] == pytest.approx(182 / 30.4375) and c.loc["X", "pfs_event"]
    assert c.loc["Y", "pfs_event"] == False  # noqa: E712


def test_sites_and_visceral_count():
    sites = dict(met_lung=True, met_liver=True, met_brain_cns=False, met_bone=True,
                 met_distant_lymph_node=False, met_other=True, met_other_visceral=True,
                 first_met_lung=True, first_met_liver=False, first_met_brain_cns=False,
                 first_met_bone=True, first_met_distant_lymph_node=False, first_met_other=False)
    bone_only = {k: (k in ("met_bone", "first_met_bone")) for k in sites}
    c = cohort([patient("A", **dict(MBC, **sites)), patient("B", **dict(MBC, **bone_only)),
                patient("C")])
    assert c.loc["A", "visceral_site_count"] == "3" and c.loc["A", "site_visceral"] == "Yes"
    assert c.loc["B", "visceral_site_count"] == "0" and c.loc["B", "site_visceral"] == "No"
    assert c.loc["A", "first_site_visceral"] == "Yes" and c.loc["B", "first_site_visceral"] == "No"
    assert c.loc["A", "site_other"] == "Yes" and c.loc["B", "site_lung"] == "No"
    assert c.loc[["C"], ["site_lung", "visceral_site_count", "first_site_bone"]].isna().all().all()


def test_receptor_conversion_and_heterogeneity():
    pats = [patient("C1", er_percent=50, pr_percent=0), patient("C2", er_percent=0, pr_percent=0),
            patient("H", her2_ihc="1+", er_percent=5, pr_percent=5), patient("ONLY"),
            patient("NONE")]
    reb = [dict(patient_id="C1", rebiopsy_date="2019-01-01", rebiopsy_er_percent=0,
                rebiopsy_pr_percent=10, rebiopsy_her2_ihc="1+"),
           dict(patient_id="C1", rebiopsy_date="2020-01-01", rebiopsy_er_percent=90,
                rebiopsy_pr_percent=90, rebiopsy_her2_ihc="3+"),
           dict(patient_id="C2", rebiopsy_date="2019-01-01", rebiopsy_er_percent=0,
                rebiopsy_pr_percent=0, rebiopsy_her2_ihc="3+"),
           dict(patient_id="H", rebiopsy_date="2019-01-01", rebiopsy_er_percent=5,
                rebiopsy_pr_percent=5, rebiopsy_her2_ihc="2+", rebiopsy_her2_fish_ratio=6.0),
           dict(patient_id="ONLY", rebiopsy_date="2019-01-01", rebiopsy_her2_ihc="3+")]
    c = na(cohort(pats, reb))
    assert c.loc["C1", ["er_conversion", "pr_conversion", "her2_conversion"]].tolist() == [
        "pos->neg", "neg->pos", "pos->neg"]
    assert c.loc["C2", ["er_conversion", "pr_conversion", "her2_conversion"]].tolist() == [
        "concordant", "concordant", "concordant"]
    assert c.loc["H", "her2_conversion"] == "neg->pos"
    assert c.loc["ONLY", "her2_conversion"] == "NA" and not c.loc["ONLY", "receptor_conversion_assessable"]
    assert c["her2_heterogeneity"].to_dict() == {"C1": True, "C2": False, "H": True, "ONLY": False,
                                                 "NONE": "NA"}


def test_error_findings_mask_cells_but_warnings_do_not():
    dead = dict(vital_status="dead", death_date="2019-01-01", cause_of_death="breast_cancer",
                last_followup_date="2019-01-01")
    pats = [patient("A", **dead), patient("B", **dead)]
    err = Finding("error", "A", "Outcomes", 2, "Death date", "2019-01-01", "impossible",
                  field="death_date", rule="date_order")
    warn = Finding("warning", "B", "Outcomes", 3, "Death date", "2019-01-01", "odd",
                   field="death_date", rule="date_order")
    c = cohort(pats, findings=[err, warn])
    # The masked death date is missing for eligibility too: a death without its date is
    # "Incomplete clinical information", and the exclusion names the cell.
    assert not c.loc["A", "eligible"] and c.loc["A", "exclusion_reason"] == "incomplete"
    assert c.loc["A", "exclusion_fields"] == ("death_date (Outcomes row 2)",)
    assert pd.isna(c.loc["A", "os_months"]) and pd.isna(c.loc["A", "os_event"])
    assert c.loc["B", "eligible"] and c.loc["B", "exclusion_fields"] == ()
    assert c.loc["B", "os_event"] == True  # noqa: E712 - a warning changes nothing
    assert c.loc["B", "os_months"] == pytest.approx(1393 / 30.4375)
    er = Finding("error", "A", "Patients", 2, "ER", "150", "out of range", field="er_percent")
    c2 = cohort([patient("A", er_percent=150)], findings=[er])
    assert pd.isna(c2.loc["A", "er_percent_group"]) and pd.isna(c2.loc["A", "hr_status"])
    assert c2.loc["A", "exclusion_reason"] == "er_pr_unknown"
    assert c2.loc["A", "exclusion_fields"] == ("er_percent (Patients row 2)",)
    assert cohort([patient("A", er_percent=150)]).loc["A", "er_percent_group"] == ">=50%"


def test_one_row_per_admitted_patient_with_reasons():
    c = cohort([patient("A"), patient("B", sex="male")])
    assert list(c.index) == ["A", "B"]
    assert c["eligible"].tolist() == [True, False]
    assert c["exclusion_reason"].astype(object).fillna("NA").tolist() == ["NA", "male"]


def test_event_after_cutoff_is_censored_at_cutoff_even_with_validation_findings():
    """A death after the cutoff is an 'after_cutoff' error in validation, but OS must be
    censored AT the cutoff (event 0), not become missing, in the full pipeline."""
    from her2desk.crf.validate import validate_crf
    late = dict(vital_status="dead", death_date="2023-03-01", cause_of_death="breast_cancer",
                last_followup_date="2023-03-01")
    crf = make_crf([patient("A", **late), patient("L", **dict(late, last_followup_date=None))])
    report = validate_crf(crf, cutoff=S.cutoff, today=date(2024, 6, 1))
    assert {f.rule for f in report.errors if f.patient_id == "A"} == {"after_cutoff"}
    c = d.derive_cohort(crf, S, list(report.findings)).set_index("patient_id")
    cut = (pd.Timestamp("2022-12-31") - pd.Timestamp("2015-03-10")).days / 30.4375
    assert c.loc["A", "os_months"] == pytest.approx(cut)
    assert c.loc["A", "os_event"] == False  # noqa: E712
    assert c.loc["A", "dfs_months"] == pytest.approx(cut)
    assert c.loc["A", "dfs_event"] == False  # noqa: E712
    # last follow-up missing: the death after the cutoff still proves she was alive at it
    origin = pd.Series(pd.to_datetime(["2020-01-01"]))
    months, ev = d.time_to_event(origin, pd.Series(pd.to_datetime(["2023-03-01"])),
                                 pd.Series(pd.to_datetime([None])), S)
    assert months[0] == pytest.approx(1095 / 30.4375) and ev[0] == False  # noqa: E712


def test_event_on_the_origin_day_is_time_zero_and_followup_before_surgery_is_missing():
    dead = dict(vital_status="dead", death_date="2015-03-10", cause_of_death="breast_cancer",
                last_followup_date="2015-03-10")
    c = cohort([patient("Z", **dead), patient("C", last_followup_date="2015-03-05")])
    assert c.loc["Z", "os_months"] == 0.0 and c.loc["Z", "os_event"] == True  # noqa: E712
    assert c.loc["Z", "dfs_months"] == 0.0 and c.loc["Z", "dfs_event"] == True  # noqa: E712
    assert pd.isna(c.loc["C", "os_months"]) and pd.isna(c.loc["C", "os_event"])
    assert pd.isna(c.loc["C", "dfs_months"])


def test_metastasis_days_before_diagnosis_stays_de_novo_through_validation():
    """Metastasis 10 days before the diagnosis date: de novo MBC (stage IV, out of DFS),
    and validation must not mask the date (which would drop her from the MBC analyses)."""
    from her2desk.crf.validate import validate_crf
    crf = make_crf([patient("D", m_stage="M0", distant_metastasis_date="2015-02-10",
                            met_bone=True, first_met_bone=True)])
    report = validate_crf(crf, cutoff=S.cutoff, today=date(2024, 6, 1))
    assert report.n_errors == 0
    c = d.derive_cohort(crf, S, list(report.findings)).set_index("patient_id")
    assert c.loc["D", "mbc"] == True and c.loc["D", "de_novo"] == True  # noqa: E712
    assert c.loc["D", "mbc_type"] == "De novo" and c.loc["D", "tnm_stage"] == "IV"
    assert not c.loc["D", "dfs_population"] and pd.isna(c.loc["D", "dfs_months"])
    adv = (pd.Timestamp("2020-03-10") - pd.Timestamp("2015-02-20")).days / 30.4375  # from diagnosis
    assert c.loc["D", "advanced_os_months"] == pytest.approx(adv)


def test_her2_agent_count_per_distinct_text():
    texts = pd.Series(["trastuzumab+pertuzumab", None, "H + 吡咯替尼", "none", "trastuzumab+pertuzumab"])
    assert d.her2_agent_count(texts).tolist() == [2, 0, 2, 0, 2]

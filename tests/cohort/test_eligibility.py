from datetime import date

import pandas as pd
import pytest

from her2desk.cohort.eligibility import RULES, apply_eligibility
from her2desk.cohort.receptors import (NEGATIVE, POSITIVE, UNKNOWN, her2_call,
                                       patient_her2_status)
from her2desk.cohort.settings import StudySettings
from cohort_factory import make_crf, patient


def run(patients, rebiopsies=None, settings=None):
    crf = make_crf(patients, rebiopsies)
    return apply_eligibility(crf.patients(), crf.rebiopsies(), settings or StudySettings())


def test_rule_order_matches_the_paper():
    assert [r.key for r in RULES] == [
        "outside_window", "male", "her2_not_positive", "er_pr_unknown", "second_primary",
        "bilateral", "incomplete", "cause_of_death_unknown"]
    assert all(r.label and r.label[0].isupper() for r in RULES)


def test_her2_call_fish_threshold():
    ihc = pd.Series(["3+", "2+", "2+", "2+", "1+", "0", None])
    fish = pd.Series([None, 2.2, 2.1, None, 5.0, None, None])
    assert list(her2_call(ihc, fish, 2.2).fillna("NA")) == [
        "positive", "positive", "negative", "unknown", "negative", "negative", "NA"]
    assert her2_call(ihc, fish, 2.0)[2] == "positive"


@pytest.mark.parametrize("fields,reason", [
    (dict(admission_date="2011-12-31"), "outside_window"),
    (dict(admission_date="2022-07-01"), "outside_window"),
    (dict(admission_date=None), "incomplete"),  # unknown admission: not "outside"
    (dict(sex="male"), "male"),
    (dict(her2_ihc="1+"), "her2_not_positive"),
    (dict(her2_ihc="2+", her2_fish_ratio=None), "her2_not_positive"),
    (dict(her2_ihc="2+", her2_fish_ratio=1.5), "her2_not_positive"),
    (dict(her2_ihc=None), "her2_not_positive"),
    (dict(er_percent=None), "er_pr_unknown"),
    (dict(pr_percent=None), "er_pr_unknown"),
    (dict(second_primary_tumor=True), "second_primary"),
    (dict(laterality="bilateral"), "bilateral"),
    (dict(diagnosis_date=None), "incomplete"),
    (dict(surgery_type=None), "incomplete"),
    (dict(surgery_date=None), "incomplete"),
    (dict(last_followup_date=None), "incomplete"),
    (dict(vital_status=None), "incomplete"),
    (dict(vital_status="dead", death_date=None, cause_of_death="breast_cancer"), "incomplete"),
    (dict(vital_status="dead", death_date="2019-01-01"), "cause_of_death_unknown"),
    (dict(vital_status="dead", death_date="2019-01-01", cause_of_death="unknown"),
     "cause_of_death_unknown"),
    (dict(vital_status="dead", death_date="2019-01-01", cause_of_death="breast_cancer"), None),
    (dict(surgery_type="none", surgery_date=None), None),
    (dict(her2_ihc="2+", her2_fish_ratio=2.5), None),
])
def test_each_rule(fields, reason):
    res = run([patient("P1", **fields)])
    assert res.reason["P1"] == reason


def test_first_failing_rule_wins():
    res = run([patient("P1", sex="male", her2_ihc="0", laterality="bilateral")])
    assert res.reason["P1"] == "male"


def test_window_boundaries_are_inclusive_and_a_setting():
    res = run([patient("A", admission_date="2012-01-01"), patient("B", admission_date="2022-06-30")])
    assert res.reason.isna().all()
    narrow = StudySettings(enrol_from=date(2016, 1, 1))
    assert run([patient("A", admission_date="2015-03-01")], settings=narrow).reason["A"] == \
        "outside_window"


def test_her2_positive_on_rebiopsy_counts():
    pats = [patient("NEG", her2_ihc="1+"), patient("UNK", her2_ihc="2+"),
            patient("NEG2", her2_ihc="0")]
    reb = [dict(patient_id="NEG", rebiopsy_date="2018-01-01", rebiopsy_her2_ihc="3+"),
           dict(patient_id="UNK", rebiopsy_date="2018-01-01", rebiopsy_her2_ihc="2+",
                rebiopsy_her2_fish_ratio=3.1),
           dict(patient_id="NEG2", rebiopsy_date="2018-01-01", rebiopsy_her2_ihc="2+")]
    res = run(pats, reb)
    assert res.reason["NEG"] is None and res.reason["UNK"] is None
    assert res.reason["NEG2"] == "her2_not_positive"
    assert res.her2["NEG2"] == "negative"   # an unknown rebiopsy does not make it unknown


def test_fish_threshold_setting_moves_patients():
    pats = [patient("P", her2_ihc="2+", her2_fish_ratio=2.1)]
    assert run(pats).reason["P"] == "her2_not_positive"
    assert run(pats, settings=StudySettings(fish_threshold=2.0)).reason["P"] is None


def test_flow_counts_add_up():
    pats = [patient("E1"), patient("E2", er_percent=0, pr_percent=0),
            patient("E3", er_percent=0, pr_percent=5), patient("M", sex="male"),
            patient("H1", her2_ihc="0"), patient("H2", her2_ihc="2+"),
            patient("B", laterality="bilateral")]
    res = run(pats)
    flow = res.flow()
    assert flow["admitted"] == 7
    assert flow["eligible"] == 3 and flow["HR+/HER2+"] == 2 and flow["HR-/HER2+"] == 1
    assert list(flow["excluded"].values()) == [0, 1, 2, 0, 0, 1, 0, 0]
    assert flow["excluded_total"] == 4 == sum(flow["excluded"].values())
    assert res.her2_breakdown() == {"negative": 1, "unknown": 1}
    assert res.eligible_ids == ["E1", "E2", "E3"]


def test_patient_her2_status_without_rebiopsies():
    crf = make_crf([patient("A"), patient("B", her2_ihc=None)])
    status = patient_her2_status(crf.patients(), crf.rebiopsies(), StudySettings())
    assert list(status) == ["positive", "unknown"]


def test_fish_ratio_exactly_on_the_threshold_is_positive():
    ihc = pd.Series(["2+"] * 5)
    fish = pd.Series([2.2, 6.6 / 3, 2.19, 2.2000001, None])    # 6.6/3 == 2.1999999999999997
    assert her2_call(ihc, fish, 2.2).tolist() == [POSITIVE, POSITIVE, NEGATIVE, POSITIVE, UNKNOWN]
    assert her2_call(pd.Series(["2+"]), pd.Series([2.0]), 2.0).tolist() == [POSITIVE]
    pats = [patient("P", her2_ihc="2+", her2_fish_ratio=6.6 / 3)]
    assert run(pats).reason["P"] is None


def test_settings_problems_are_plain_sentences():
    bad = StudySettings(km_conf_type="arcsine", cox_ties="exact", time_unit="weeks")
    assert bad.validate() == [
        "The confidence-interval type (km_conf_type) 'arcsine' is not one of log, log-log or plain.",
        "The ties method (cox_ties) 'exact' is not one of efron or breslow.",
        "The time unit (time_unit) 'weeks' is not one of months or years."]

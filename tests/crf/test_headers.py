import json

import pytest

from her2desk.crf import codebook as cb
from her2desk.crf import headers as h


@pytest.mark.parametrize("raw, expected", [
    ("Age at diagnosis (years)", "ageatdiagnosis"),
    ("年龄（岁）", "年龄"),
    ("ER (%)", "er"),
    ("ER%", "er"),
    ("ER [%]", "er"),
    ("  Patient_ID ", "patientid"),
    ("Ki-67", "ki67"),
    ("Metastasis: brain/CNS", "metastasisbraincns"),
    ("ＥＲ表达（％）", "er表达"),        # full-width letters and brackets
    ("(ID)", "id"),                     # only a bracket: keep what is inside
    (None, ""),
])
def test_normalize_header(raw, expected):
    assert h.normalize_header(raw) == expected


def test_every_spelling_of_every_field_matches_that_field():
    for f in cb.FIELDS:
        for spelling in (f.name, f.label, f.header, *f.synonyms):
            assert f.name in h.match_header(spelling), (f.name, spelling)


@pytest.mark.parametrize("header, field", [
    ("patient_id", "patient_id"),
    ("Patient ID", "patient_id"),
    ("病历号", "patient_id"),
    ("Age at diagnosis (years)", "age_at_diagnosis"),
    ("年龄（岁）", "age_at_diagnosis"),
    ("HER-2", "her2_ihc"),
    ("ER表达 (%)", "er_percent"),
    ("Ki67 %", "ki67_percent"),
    ("First-line start date", "first_line_start_date"),
    ("Rebiopsy ER (%)", "rebiopsy_er_percent"),
    ("DATE OF DIAGNOSIS", "diagnosis_date"),
])
def test_match_header(header, field):
    assert h.match_header(header) == (field,)


def test_unknown_header_matches_nothing():
    assert h.match_header("Comments") == ()
    assert h.match_header("") == ()


def test_suggest_field():
    assert h.suggest_field("Age at diagnos") == "age_at_diagnosis"
    assert h.suggest_field("Surgery dat") == "surgery_date"
    assert h.suggest_field("Sex") == "sex"                  # exact match first
    assert h.suggest_field("qwertyuiop zxcv") is None
    assert h.suggest_field("") is None


def test_sheet_names():
    assert h.sheet_form("First-line MBC") == "first_line"
    assert h.sheet_form("first_line") == "first_line"
    assert h.sheet_form(" patients ") == "patients"
    assert h.sheet_form("再活检") == "rebiopsy"
    assert h.sheet_form("Sheet1") is None
    assert h.is_skipped_sheet("Codebook")
    assert h.is_skipped_sheet("INSTRUCTIONS")
    assert not h.is_skipped_sheet("Patients")


def test_mapping_lookup_precedence():
    mapping = {"Patients!Op": "surgery_type", "Op": "surgery_date", "Notes": ""}
    assert h.mapping_lookup(mapping, "Patients", "Op") == "surgery_type"
    assert h.mapping_lookup(mapping, "Other", "Op") == "surgery_date"
    assert h.mapping_lookup(mapping, "Other", " op ") == "surgery_date"   # case/space tolerant
    assert h.mapping_lookup(mapping, "Other", "Notes") == ""
    assert h.mapping_lookup(mapping, "Other", "Sex") is None
    assert h.mapping_lookup(None, "Other", "Sex") is None


def test_mapping_path_is_next_to_study(tmp_path):
    assert h.mapping_path(tmp_path / "cohort.xlsx") == tmp_path / "cohort.her2desk.json"


def test_save_load_mapping_preserves_settings(tmp_path):
    study = tmp_path / "cohort.xlsx"
    side = tmp_path / "cohort.her2desk.json"
    side.write_text(json.dumps({"settings": {"fish_threshold": 2.0}, "other": [1, 2]}),
                    encoding="utf-8")
    mapping = {"Patients!手术": "surgery_type", "Notes": ""}
    assert h.save_mapping(study, mapping) == side
    data = json.loads(side.read_text(encoding="utf-8"))
    assert data["settings"] == {"fish_threshold": 2.0}
    assert data["other"] == [1, 2]
    assert data["column_mapping"] == mapping
    assert h.load_mapping(study) == mapping
    # overwrite: the new mapping replaces the old one, settings still there
    h.save_mapping(study, {"Op": "surgery_date"})
    assert h.load_mapping(study) == {"Op": "surgery_date"}
    assert json.loads(side.read_text(encoding="utf-8"))["settings"] == {"fish_threshold": 2.0}
    # no temp files left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.her2desk.json"]


def test_load_mapping_without_file_or_key(tmp_path):
    study = tmp_path / "s.xlsx"
    assert h.load_mapping(study) == {}
    (tmp_path / "s.her2desk.json").write_text('{"settings": {}}', encoding="utf-8")
    assert h.load_mapping(study) == {}


def test_save_mapping_keeps_a_corrupt_file_aside(tmp_path):
    study = tmp_path / "s.xlsx"
    (tmp_path / "s.her2desk.json").write_text("{not json", encoding="utf-8")
    assert h.load_mapping(study) == {}
    h.save_mapping(study, {"A": "sex"})
    assert h.load_mapping(study) == {"A": "sex"}
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("s.her2desk.json.corrupt-")]
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8") == "{not json"


def test_generic_header_means_the_sheets_own_field():
    from her2desk.crf.headers import match_header_in_form
    assert match_header_in_form("ER (%)", "rebiopsy") == ("rebiopsy_er_percent",)
    assert match_header_in_form("HER2", "rebiopsy") == ("rebiopsy_her2_ihc",)
    assert match_header_in_form("FISH", "rebiopsy") == ("rebiopsy_her2_fish_ratio",)
    assert match_header_in_form("Patient ID", "rebiopsy") == ("patient_id",)
    assert match_header_in_form("ER (%)", "patients") == ("er_percent",)
    assert match_header_in_form("ER (%)", None) == ("er_percent",)
    assert match_header_in_form("Sex", "rebiopsy") == ("sex",)   # no rebiopsy meaning: kept


def test_site_fields_are_generated_from_one_site_list():
    from her2desk.crf import codebook as cb
    assert [f.name for f in cb.FIELDS if f.name.startswith("first_met_")] == [
        f"first_met_{s}" for s in cb.MET_SITES]
    f = cb.field("first_met_brain_cns")
    assert (f.form, f.type, f.label, f.description) == (
        "outcomes", cb.YESNO, "First site: brain/CNS",
        "Brain/CNS involved at first metastatic diagnosis.")
    assert h.match_header("首发脑转移") == ("first_met_brain_cns",)
    assert h.match_header("First distant LN") == ("first_met_distant_lymph_node",)
    assert cb.field("first_met_other").description == "Other site involved at first metastatic diagnosis."

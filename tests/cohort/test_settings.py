"""Study settings: one validation for every door, and each setting's stage in one place."""
import dataclasses
import json
import math
from datetime import date

import pytest

from her2desk.cohort.derive import derive_cohort
from her2desk.cohort.saved_state import open_saved_state
from her2desk.cohort.settings import (SettingsError, Stage, StudySettings, changed_stage,
                                      coerce_setting, settings_from_saved, stage_of)
from her2desk.crf.side_file import read_side_file

from tests.cohort.cohort_factory import make_crf, patient

DEFAULT = StudySettings()


def _saved(tmp_path, settings):
    (tmp_path / "s.her2desk.json").write_text(json.dumps({"settings": settings}), encoding="utf-8")
    return settings_from_saved(read_side_file(tmp_path / "s.xlsx"))


def test_every_setting_has_a_stage_and_a_label():
    expected = {"enrol_from": Stage.COHORT, "enrol_to": Stage.COHORT, "cutoff": Stage.COHORT,
                "fish_threshold": Stage.COHORT, "de_novo_window_days": Stage.COHORT,
                "include_unknown_in_test": Stage.ANALYSIS, "km_conf_type": Stage.ANALYSIS,
                "cox_ties": Stage.ANALYSIS, "p_adjust": Stage.ANALYSIS,
                    "time_unit": Stage.DISPLAY}
    fields = dataclasses.fields(StudySettings)
    assert {f.name: stage_of(f.name) for f in fields} == expected
    assert all(f.metadata["label"] for f in fields)


def test_changed_stage_is_the_deepest_one_touched():
    assert changed_stage(DEFAULT, DEFAULT) is None
    assert changed_stage(DEFAULT, DEFAULT.replace(time_unit="years")) == Stage.DISPLAY
    assert changed_stage(DEFAULT, DEFAULT.replace(time_unit="years", cox_ties="breslow")) == Stage.ANALYSIS
    assert changed_stage(DEFAULT, DEFAULT.replace(cox_ties="breslow", fish_threshold=2.0)) == Stage.COHORT
    assert changed_stage(None, DEFAULT) == Stage.COHORT


def test_settings_below_the_cohort_stage_do_not_change_the_cohort():
    """The classification is what the code does: derive_cohort ignores non-cohort settings."""
    crf = make_crf([patient("A"), patient("B", er_percent=0.0, pr_percent=0.0)])
    base = derive_cohort(crf, DEFAULT)
    other = DEFAULT.replace(include_unknown_in_test=True, km_conf_type="plain", cox_ties="breslow",
                            time_unit="years")
    assert all(stage_of(f.name) < Stage.COHORT for f in dataclasses.fields(StudySettings)
               if getattr(other, f.name) != getattr(DEFAULT, f.name))
    changed = derive_cohort(crf, other)
    assert base.equals(changed)


@pytest.mark.parametrize("name, value, words", [
    ("fish_threshold", float("nan"), "(fish_threshold) NaN must be a HER2/CEP17 ratio from 1 to 10"),
    ("fish_threshold", float("inf"), "(fish_threshold) inf must be"),
    ("fish_threshold", 0.5, "(fish_threshold) 0.5 must be"),
    ("fish_threshold", "two", "(fish_threshold) 'two' must be"),
    ("fish_threshold", True, "(fish_threshold) True must be"),
    ("fish_threshold", None, "(fish_threshold) None must be"),
    ("de_novo_window_days", 2.5, "(de_novo_window_days) 2.5 must be a whole number of days"),
    ("de_novo_window_days", -1, "(de_novo_window_days) -1 must be"),
    ("cutoff", "31/12/2022", "(cutoff) '31/12/2022' is not a date; write it as 2022-12-31"),
    ("cutoff", 20221231, "(cutoff) 20221231 is not a date"),
    ("km_conf_type", "arcsine", "(km_conf_type) 'arcsine' is not one of log, log-log or plain"),
    ("cox_ties", "exact", "(cox_ties) 'exact' is not one of efron or breslow"),
    ("time_unit", "weeks", "(time_unit) 'weeks' is not one of months or years"),
    ("include_unknown_in_test", "perhaps", "(include_unknown_in_test) 'perhaps' must be true or false"),
])
def test_bad_values_are_refused_with_a_sentence_naming_the_setting(name, value, words):
    with pytest.raises(SettingsError) as info:
        coerce_setting(name, value)
    assert words in str(info.value)
    # the same sentence from the dataclass (dialog, command-line flags) and from_dict (file)
    assert words in DEFAULT.replace(**{name: value}).validate()[0]
    with pytest.raises(SettingsError, match=name):
        StudySettings.from_dict({name: value})


@pytest.mark.parametrize("name, text, value", [
    ("fish_threshold", "2.2", 2.2), ("fish_threshold", " 2,0 ", 2.0), ("fish_threshold", 2, 2.0),
    ("de_novo_window_days", "45", 45), ("de_novo_window_days", 45.0, 45),
    ("cutoff", " 2023-06-30 ", date(2023, 6, 30)), ("include_unknown_in_test", "true", True),
    ("include_unknown_in_test", 0, False), ("km_conf_type", " Log-Log ", "log-log"),
    ("cox_ties", "BRESLOW", "breslow"), ("time_unit", "Years", "years"),
    # A choice spelled with capitals is kept as spelled (saving "BH" used to be refused on reading).
    ("p_adjust", "BH", "BH"), ("p_adjust", " bh ", "BH"), ("p_adjust", "Holm", "holm"),
])
def test_text_that_plainly_means_the_value_is_accepted_from_the_file(tmp_path, name, text, value):
    settings, problems = _saved(tmp_path, {name: text})
    assert problems == () and getattr(settings, name) == value
    assert type(getattr(settings, name)) is type(value)
    assert StudySettings.from_dict({name: text}) == settings


def test_nan_in_the_file_is_refused_and_the_default_used(tmp_path):
    (tmp_path / "s.her2desk.json").write_text('{"settings": {"fish_threshold": NaN, "cutoff": "2023-01-31"}}',
                                              encoding="utf-8")
    settings, problems = settings_from_saved(read_side_file(tmp_path / "s.xlsx"))
    assert settings == DEFAULT.replace(cutoff=date(2023, 1, 31))
    assert not math.isnan(settings.fish_threshold)
    assert problems == ("The FISH ratio threshold (fish_threshold) NaN must be a HER2/CEP17 ratio from "
                        "1 to 10, such as 2.2. In s.her2desk.json it was refused and 2.2 is used instead.",)


def test_unknown_names_and_impossible_windows_are_said(tmp_path):
    settings, problems = _saved(tmp_path, {"fish_treshold": 2.0, "time_unit": "years"})
    assert settings == DEFAULT.replace(time_unit="years")
    assert problems == ("s.her2desk.json names a setting 'fish_treshold' that her2desk does not have; "
                        "it was ignored.",)
    settings, problems = _saved(tmp_path, {"enrol_from": "2020-01-01", "enrol_to": "2019-01-01",
                                           "cox_ties": "breslow"})
    assert settings == DEFAULT.replace(cox_ties="breslow")
    assert problems[0].startswith("The enrolment window starts (2020-01-01) after it ends (2019-01-01).")


def test_settings_that_are_not_an_object_and_the_old_flat_layout(tmp_path):
    settings, problems = _saved(tmp_path, [2.2])
    assert settings == DEFAULT and "not a list of named settings" in problems[0]
    (tmp_path / "s.her2desk.json").write_text(json.dumps({"fish_threshold": 2.5}), encoding="utf-8")
    assert open_saved_state(tmp_path / "s.xlsx").settings == DEFAULT.replace(fish_threshold=2.5)


def test_validate_never_raises_on_wrong_types():
    odd = StudySettings(enrol_from="2012", enrol_to=None, cutoff=3, fish_threshold="2.2",
                        de_novo_window_days="30", include_unknown_in_test="no", km_conf_type=1,
                        cox_ties=None, time_unit=b"months")
    problems = odd.validate()
    assert len(problems) == 9
    assert "(fish_threshold) '2.2' must be a HER2/CEP17 ratio" in problems[3]

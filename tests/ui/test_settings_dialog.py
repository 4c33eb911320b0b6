"""Study settings dialog: the P-value adjustment of the paper's pairwise comparisons."""
from her2desk.cohort.settings import StudySettings
from her2desk.ui.dialogs.settings_dialog import StudySettingsDialog


def test_p_adjust_is_a_study_setting(qtbot):
    d = StudySettingsDialog(StudySettings())
    qtbot.addWidget(d)
    assert d.p_adjust.currentText() == "Unadjusted (as the paper)"
    assert d.settings().p_adjust == "none"
    for text, method in (("Holm", "holm"), ("Benjamini–Hochberg (BH)", "BH")):
        d.p_adjust.setCurrentText(text)
        assert d.settings().p_adjust == method
        assert d.settings().validate() == []
    # the other settings are untouched by the choice
    assert d.settings().replace(p_adjust="none") == StudySettings()
    again = StudySettingsDialog(StudySettings().replace(p_adjust="BH"))
    qtbot.addWidget(again)
    assert again.p_adjust.currentText() == "Benjamini–Hochberg (BH)"

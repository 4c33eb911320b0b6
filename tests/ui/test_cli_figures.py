"""`her2desk report … --figure-width-mm --dpi --figure-format`: figure files under OUT/figures."""
import os
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402

from her2desk.cli import main  # noqa: E402


def test_report_writes_journal_figures_as_files(tmp_path, capsys):
    crf = study_factory.write_study(tmp_path / "study.xlsx", n=120)
    out = tmp_path / "rep"
    old = os.umask(0o022)
    try:
        assert main(["report", str(crf), "--out", str(out), "--no-docx", "--figure-width-mm", "85",
                     "--dpi", "300", "--figure-format", "tiff"]) == 0
    finally:
        os.umask(old)
    files = sorted((out / "figures").iterdir())
    names = [f.name for f in files]
    assert "Fig_1_Study_flowchart.tiff" in names
    # file names follow the paper's registry: Fig 4b is OS by HR status (4a is all patients)
    assert any(n.startswith("Fig_4b_") and n.endswith("by_HR_status.tiff") for n in names), names
    assert any(n.startswith("Fig_2b_pCR") for n in names)
    for f in files:
        assert f.stat().st_mode & 0o777 == 0o644
        assert QImage(str(f)).width() == round(85 / 25.4 * 300)
    assert "figures/Fig_4b" in capsys.readouterr().out


@pytest.mark.parametrize("flag, value, message", [("--figure-width-mm", "900", "outside 10–400 mm"),
                                                  ("--dpi", "10", "outside 72–2400")])
def test_report_refuses_a_figure_size_out_of_range(tmp_path, capsys, flag, value, message):
    crf = study_factory.write_study(tmp_path / "study.xlsx", n=60)
    assert main(["report", str(crf), "--out", str(tmp_path / "rep"), flag, value]) != 0
    assert message in capsys.readouterr().err
    assert not (tmp_path / "rep").exists()

"""The hostile corpus drives the window too: offscreen Qt and a private QSettings file."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture
def qsettings(tmp_path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "her2desk-test.ini"), QSettings.Format.IniFormat)

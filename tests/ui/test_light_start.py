"""Nothing heavy before the first paint (issue 12): building the main window imports no scipy
(special or stats) and no openpyxl; the analyses and exports import them when they run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import sys
from her2desk.ui.app import make_application
from her2desk.ui.main_window import MainWindow
app = make_application()
window = MainWindow()
print(sorted(m for m in ("scipy.special", "scipy.stats", "openpyxl", "docx", "lifelines", "matplotlib")
             if m in sys.modules))
"""


@pytest.mark.slow
def test_the_window_is_built_without_the_heavy_modules(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"

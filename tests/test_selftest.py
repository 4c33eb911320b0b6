"""``her2desk --self-test`` from the checkout: the same check CI runs on the frozen bundle."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "resources" / "sample_study.xlsx"


@pytest.mark.skipif(not SAMPLE.is_file(), reason="resources/sample_study.xlsx is not in this checkout yet")
def test_self_test_passes_on_the_sample(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, "-m", "her2desk", "--self-test"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "self-test" in proc.stdout and "OK" in proc.stdout
    assert "3012 admitted, 828 eligible" in proc.stdout
    assert not (tmp_path / ".config" / "her2desk").exists(), "the self-test must not touch the user's settings"


def test_self_test_reports_a_missing_sample(tmp_path, monkeypatch):
    """A broken installation fails with one sentence, not a traceback."""
    from her2desk import selftest

    monkeypatch.setattr("her2desk.resources.sample_study_path", lambda: tmp_path / "absent.xlsx")
    code = selftest.run_self_test()
    assert code == 1

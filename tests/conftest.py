"""Test-wide set-up: Qt must never need a display, tests never write into the checkout, the
sample study is loaded once, and the Hypothesis profiles are registered."""
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No __pycache__ in the checkout, from this process or from the subprocesses tests start
# (they inherit the environment).
sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
# The parsed-study cache is off: tests never write into the user's cache folder, and every
# load reads the file (tests/cohort/test_study_cache.py turns it on in a temporary folder).
os.environ["HER2DESK_CACHE_DIR"] = ""

import pytest  # noqa: E402
from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from hypothesis.configuration import set_hypothesis_home_dir  # noqa: E402

# Hypothesis profiles (tests/property). "ci", the default: few examples, the same ones on
# every run (derandomized, no example database) and no shrinking, so CI is deterministic and
# the property suite stays within about half a minute even when a property fails. "ci-shrink":
# the same examples, a failure shrunk to a minimal study (minutes: each example is a whole
# study). "thorough": many fresh random examples, shrunk, for a long run before a release:
#   pytest tests/property --hypothesis-profile=thorough
# None keeps a database, and Hypothesis's own cache lives in the temp folder: tests never
# write into the checkout.
_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=12, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_SLOW_OK, print_blob=False,
                          phases=(Phase.explicit, Phase.reuse, Phase.generate))
settings.register_profile("ci-shrink", settings.get_profile("ci"), phases=tuple(Phase))
settings.register_profile("thorough", max_examples=400, deadline=None, database=None,
                          suppress_health_check=_SLOW_OK, print_blob=True)
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "her2desk-hypothesis")
settings.load_profile("ci")    # --hypothesis-profile=NAME loads another after this


@pytest.fixture(scope="session")
def sample_study():
    """The bundled sample study, read through the real importer (reader → validate → derive)."""
    from her2desk.cohort.loading import load_study
    from her2desk.resources import sample_study_path

    path = sample_study_path()
    if not path.exists():
        pytest.skip("resources/sample_study.xlsx has not been generated")
    return load_study(path)


@pytest.fixture(scope="session")
def sample_results(sample_study):
    from her2desk.analysis.study import run_study

    return run_study(sample_study.cohort, sample_study.settings, flowchart=sample_study.flowchart)


@pytest.fixture(autouse=True, scope="session")
def _empty_clipboard_at_exit():
    """Qt's offscreen platform crashes the process at exit (signal 11, after pytest's summary)
    when the clipboard still holds a QMimeData made in Python, as Copy table makes; the xcb,
    Windows and macOS clipboards do not. Emptying it at the end keeps the exit status honest."""
    yield
    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:
            app.clipboard().clear()

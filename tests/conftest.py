"""Test-wide set-up: Qt must never need a display, and the sample study is loaded once."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


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

"""Run a drawn study through everything a coordinator's file goes through, once.

write file → ``load_study`` (read → validate → eligibility → derive) → ``run_study`` →
``write_study_report`` (the function behind ``her2desk report``) → read both files back.

Every property test draws from the same strategy with the same seed, so the same studies
come up in each; the outcome of a study is cached (by its repr) so that the suite pays for
each study's pipeline once, not once per property.
"""
from __future__ import annotations

import json
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from hypothesis import seed, settings

from her2desk.analysis.study import StudyResults, run_study
from her2desk.cohort.loading import LoadedStudy, load_study
from her2desk.analysis.tables import flag
from her2desk.crf.model import CRFReadError
from her2desk.report.study_report import write_study_report

from crf_strategies import Study

#: In the CI profile every property sees the same studies (one seed for all), so each study's
#: pipeline runs once and is shared through the cache below; other profiles draw fresh ones.
same_studies = seed(20261201) if settings.default.derandomize else (lambda test: test)

_CACHE: "OrderedDict[str, Outcome]" = OrderedDict()
_CACHE_SIZE = 64


@dataclass(frozen=True)
class Outcome:
    study: Study
    error: str | None = None                    # the CRFReadError sentence, if refused
    loaded: LoadedStudy | None = None
    results: StudyResults | None = None
    results_json: dict | None = None
    sheets: dict[str, list[tuple]] | None = None   # report.xlsx: sheet -> rows of values


def outcome(study: Study) -> Outcome:
    """The pipeline's outcome for ``study``; only a typed user-facing error may stop it."""
    key = repr(study)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    result = _run(study)
    _CACHE[key] = result
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result


def _run(study: Study) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="her2desk-prop-") as tmp:
        folder = Path(tmp)
        path = study.write(folder)
        try:
            loaded = load_study(path)
        except CRFReadError as exc:
            return Outcome(study, error=str(exc))
        results = run_study(loaded.cohort, loaded.settings, flowchart=loaded.flowchart)
        files = write_study_report(results, folder / "report", source=path)
        names = {f.name: f for f in files}
        payload = json.loads(names["results.json"].read_text(encoding="utf-8"))
        book = openpyxl.load_workbook(names["report.xlsx"], read_only=True)
        try:
            sheets = {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)]
                      for ws in book.worksheets}
        finally:
            book.close()
    return Outcome(study, None, loaded, results, payload, sheets)


def analysed(o: Outcome) -> bool:
    """The study was read (not refused with a sentence) and so analysed and reported."""
    return o.error is None


def eligible_ids(o: Outcome) -> set[str]:
    c = o.loaded.cohort
    return set(c.loc[flag(c["eligible"]), "patient_id"].astype(str))

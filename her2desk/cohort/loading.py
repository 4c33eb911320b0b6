"""Open a study: read the CRF, validate it, apply eligibility and derive the study variables.

The one pipeline shared by the app's worker, the command line and the self-test, so
that the three can never disagree about who is in the cohort.
"""
from __future__ import annotations

from collections import OrderedDict
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from ..crf.model import CRFData
from .eligibility import RULES
from .forms import missing_form_notes
from .invariants import check_invariants
from .schema import HR_GROUPS
from .settings import StudySettings
from ..i18n import N_

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class Flowchart:
    """Fig 1: admitted → excluded per reason → eligible → the two HR groups."""
    admitted: int
    excluded: "OrderedDict[str, int]"          # rule label -> n, in rule order
    eligible: int
    groups: "OrderedDict[str, int]"            # HR+/HER2+, HR-/HER2+
    rule_keys: dict[str, str] = field(default_factory=dict)   # label -> rule key
    #: patient_id -> {rule label: [fields that decided it]}, for excluded patients whose
    #: rule names fields; a cell masked by validation reads "er_percent (Patients row 17)".
    excluded_detail: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded.values())

    def as_dict(self) -> dict:
        return {"admitted": self.admitted, "excluded": dict(self.excluded),
                "excluded_total": self.excluded_total, "eligible": self.eligible,
                "groups": dict(self.groups)}


def excluded_detail(cohort: pd.DataFrame) -> dict[str, dict[str, list[str]]]:
    """patient_id -> {rule label: [fields]} from the cohort's ``exclusion_fields``."""
    labels = {r.key: r.label for r in RULES}
    if "exclusion_fields" not in cohort:
        return {}
    rows = cohort.loc[~cohort["eligible"].to_numpy(dtype=bool),
                      ["patient_id", "exclusion_reason", "exclusion_fields"]]
    return {str(pid): {labels.get(reason, str(reason)): list(fields)}
            for pid, reason, fields in rows.itertuples(index=False, name=None) if fields}


def flowchart(cohort: pd.DataFrame) -> Flowchart:
    reasons = cohort["exclusion_reason"]
    excluded = OrderedDict((r.label, int((reasons == r.key).sum())) for r in RULES)
    eligible = cohort["eligible"].to_numpy(dtype=bool)
    hr = cohort.loc[eligible, "hr_status"]
    groups = OrderedDict((g, int((hr == g).sum())) for g in HR_GROUPS)
    return Flowchart(int(len(cohort)), excluded, int(eligible.sum()), groups,
                     {r.label: r.key for r in RULES}, excluded_detail(cohort))


@dataclass(frozen=True)
class LoadedStudy:
    path: Path | None
    settings: StudySettings
    crf: CRFData
    validation: object                 # crf.validate.ValidationReport
    cohort: pd.DataFrame               # one row per admitted patient, derived variables
    flowchart: Flowchart
    #: One sentence per codebook form the file lacks and what that does to eligibility.
    form_notes: tuple[str, ...] = ()
    #: The :mod:`.study_cache` key this study was loaded under (file digest, settings,
    #: mapping, code), when it went through the cache; its analyses are cached under it.
    cache_key: dict | None = field(default=None, compare=False)


def _noop_progress(fraction: float, text: str) -> None:
    pass


def load_study(path: Path | str, settings: StudySettings | None = None, *, mapping=None,
               progress: Progress | None = None, cancelled: Cancelled | None = None,
               cache_dir: Path | None = None,
               dictionary: Path | str | None = None) -> LoadedStudy:
    """Read → validate → derive. Raises ``CRFReadError`` with a plain sentence on bad files.

    ``dictionary``: the REDCap data dictionary when ``path`` is a REDCap records export
    (such a study is not cached: the cache key knows one file's bytes only).

    With ``cache_dir`` (and an explicit ``mapping``, so the key says what the file was read
    with) the study is taken from :mod:`.study_cache` when the same bytes were opened with
    the same settings and code before, and stored there otherwise; the bundled sample's
    entry shipped with the installation is tried first.
    """
    settings = settings or StudySettings()
    progress = progress or _noop_progress
    path = Path(path)
    if cache_dir is None or mapping is None or dictionary is not None:
        return _read_and_derive(path, settings, mapping, progress, cancelled, dictionary)
    import datetime as _dt

    from . import study_cache

    def build() -> tuple[str, LoadedStudy]:
        return _dt.date.today().isoformat(), _read_and_derive(path, settings, mapping, progress,
                                                             cancelled)

    try:
        key = study_cache.study_key(path, "loaded", study_cache.loaded_key_parts(settings, mapping))
    except OSError:            # unreadable: the reader says why in its own words
        return _read_and_derive(path, settings, mapping, progress, cancelled)
    (built_on, loaded), hit = study_cache.cached(
        key, build, folder=cache_dir, shipped=shipped_entry(path),
        valid=lambda entry: _still_valid(entry, _dt.date.today().isoformat()))
    if hit:
        progress(1.0, N_("Study loaded"))
    return dataclasses.replace(study_cache.with_path(loaded, path), cache_key=key)


def _still_valid(entry: object, today: str) -> bool:
    """Validation compares dates with today: a study without a date in the future stays so
    as days pass; one with such a date (its finding names the day) is valid that day only."""
    try:
        built_on, loaded = entry            # type: ignore[misc]
        findings = loaded.validation.findings
    except (TypeError, ValueError, AttributeError):
        return False
    if any(getattr(f, "rule", "") == "future_date" for f in findings):
        return today == built_on
    return today >= built_on


def shipped_entry(path: Path | None, kind: str = "loaded") -> Path | None:
    """The cache entry of ``kind`` ("loaded" or "results") installed beside the bundled
    sample (packaging/build_sample_cache.py), when ``path`` is that sample."""
    from ..resources import resource_path, sample_study_path
    from .study_cache import SHIPPED_SAMPLE, SHIPPED_SAMPLE_RESULTS

    if path is None:
        return None
    try:
        if Path(path).resolve() != sample_study_path().resolve():
            return None
    except OSError:
        return None
    return resource_path(SHIPPED_SAMPLE if kind == "loaded" else SHIPPED_SAMPLE_RESULTS)


def _read_and_derive(path: Path, settings: StudySettings, mapping: dict[str, str] | None,
                     progress: Progress, cancelled: Cancelled | None,
                     dictionary: Path | str | None = None) -> LoadedStudy:
    from ..crf.reader import read_crf

    def read_progress(fraction: float, text: str) -> None:
        progress(0.7 * fraction, text)

    crf = read_crf(path, mapping, progress=read_progress, cancelled=cancelled,
                   dictionary=dictionary)
    return study_from_crf(crf, settings, path=path, progress=progress)


def study_from_crf(crf: CRFData, settings: StudySettings, *, path: Path | None = None,
                   progress: Progress | None = None) -> LoadedStudy:
    from ..crf.validate import validate_crf
    from .derive import derive_cohort

    progress = progress or _noop_progress
    progress(0.7, N_("Checking every cell"))
    report = validate_crf(crf, cutoff=settings.cutoff, fish_threshold=settings.fish_threshold,
                          de_novo_window_days=settings.de_novo_window_days)
    progress(0.85, N_("Applying eligibility and deriving study variables"))
    cohort = derive_cohort(crf, settings, list(report.findings))
    flow = flowchart(cohort)
    check_invariants(cohort, flow)
    progress(1.0, N_("Study loaded"))
    return LoadedStudy(path, settings, crf, report, cohort, flow,
                       tuple(missing_form_notes(crf)))

"""Study settings: the few choices that change who is eligible and how time is counted.

One frozen dataclass, saved next to the study as JSON and settable on the
command line, so that every number can be traced to the settings that made it.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from ..crf.side_file import SETTINGS_KEY, SideFile

DAYS_PER_MONTH = 30.4375  # 365.25 / 12: months as the paper counts them


class SettingsError(ValueError):
    """A setting that cannot be used; ``str(error)`` is one sentence naming the setting."""


class Stage(IntEnum):
    """How much of the pipeline a setting touches, from the least to the most.

    ``DISPLAY``: only how results are drawn (redraw). ``ANALYSIS``: the analyses run
    on the cohort in memory. ``COHORT``: eligibility and derived variables, re-made
    from the CRF in memory. No setting needs the workbook read again.
    """

    DISPLAY = 1
    ANALYSIS = 2
    COHORT = 3


CONF_TYPES = ("log", "log-log", "plain")
TIES = ("efron", "breslow")
TIME_UNITS = ("months", "years")
#: Multiplicity adjustment of the paper items' pairwise P values (her2desk.analysis.multiplicity).
P_ADJUST = ("none", "holm", "BH")


def _setting(default: Any, stage: Stage, label: str, choices: tuple[str, ...] = ()) -> Any:
    return dataclasses.field(default=default,
                             metadata={"stage": stage, "label": label, "choices": choices})


@dataclass(frozen=True)
class StudySettings:
    enrol_from: date = _setting(date(2012, 1, 1), Stage.COHORT, "start of enrolment")
    enrol_to: date = _setting(date(2022, 6, 30), Stage.COHORT, "end of enrolment")
    cutoff: date = _setting(date(2022, 12, 31), Stage.COHORT, "data cutoff")
    fish_threshold: float = _setting(2.2, Stage.COHORT, "FISH ratio threshold")
    de_novo_window_days: int = _setting(30, Stage.COHORT, "de novo window")
    #: Unknown levels shown in tables; enter the test only when True.
    include_unknown_in_test: bool = _setting(False, Stage.ANALYSIS, "choice of unknowns in tests")
    #: Kaplan–Meier CI transform: "log" (R default), "log-log" or "plain".
    km_conf_type: str = _setting("log", Stage.ANALYSIS, "confidence-interval type", CONF_TYPES)
    #: Cox ties: "efron" (R default) or "breslow" (SPSS/EZR).
    cox_ties: str = _setting("efron", Stage.ANALYSIS, "ties method", TIES)
    #: Pairwise P values of the paper's items: "none" (as the paper), "holm" or "BH".
    p_adjust: str = _setting("none", Stage.ANALYSIS, "P-value adjustment", P_ADJUST)
    #: Axis unit for survival plots: "months" or "years".
    time_unit: str = _setting("months", Stage.DISPLAY, "time unit", TIME_UNITS)

    def replace(self, **changes: Any) -> "StudySettings":
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in out.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "StudySettings":
        """Settings from a dict such as the side file's; names this version does not know
        are ignored. Raises :class:`SettingsError` (one sentence naming the setting) for a
        value that :meth:`validate` refuses."""
        values = {}
        for name in _FIELDS:
            if name in data:
                values[name] = coerce_setting(name, data[name])
        settings = cls(**values)
        problems = settings.validate()
        if problems:
            raise SettingsError(problems[0])
        return settings

    def validate(self) -> list[str]:
        """Plain-English problems with these settings (empty when fine).

        The one check every door uses: the side file (through :meth:`from_dict` and
        :func:`settings_from_saved`), the settings dialog and the command-line flags.
        """
        problems = []
        for name in _FIELDS:
            try:
                coerce_setting(name, getattr(self, name), strict=True)
            except SettingsError as exc:
                problems.append(str(exc))
        if problems:
            return problems
        if self.enrol_from > self.enrol_to:
            problems.append(f"The enrolment window starts ({self.enrol_from}) after it ends ({self.enrol_to}).")
        if self.cutoff < self.enrol_to:
            problems.append(f"The data cutoff {self.cutoff} is before the enrolment window closes "
                            f"({self.enrol_to}): patients enrolled after the cutoff would have no "
                            "follow-up. Move the cutoff or the end of enrolment.")
        return problems


_FIELDS: dict[str, dataclasses.Field] = {f.name: f for f in dataclasses.fields(StudySettings)}
_DEFAULTS = StudySettings()


def stage_of(name: str) -> Stage:
    """The stage a setting touches (see :class:`Stage`)."""
    return _FIELDS[name].metadata["stage"]


def changed_stage(old: StudySettings | None, new: StudySettings) -> Stage | None:
    """The deepest stage the change from ``old`` to ``new`` touches; None when nothing changed."""
    if old is None:
        return Stage.COHORT
    touched = [stage_of(n) for n in _FIELDS if getattr(old, n) != getattr(new, n)]
    return max(touched) if touched else None


def _shown(value: Any) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None


def coerce_setting(name: str, value: Any, *, strict: bool = False) -> Any:
    """``value`` as setting ``name`` wants it, or :class:`SettingsError` naming the setting.

    Coordinators edit the JSON by hand, so text that plainly means the value is
    accepted (``"2.2"``, ``"30"``, ``"true"``, ``" Log "``, ``"2022-12-31"``);
    ``strict`` (used by :meth:`StudySettings.validate`) accepts only the right type.
    NaN, infinities, values out of range and unknown choices are refused either way.
    """
    default = getattr(_DEFAULTS, name)
    choices = _FIELDS[name].metadata["choices"]
    shown = _shown(value)
    what = f"The {_FIELDS[name].metadata['label']} ({name}) {shown}"
    if isinstance(default, date):
        if isinstance(value, datetime) and not strict:
            return value.date()
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and not strict:
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise SettingsError(f"{what} is not a date; write it as "
                            f"{default.isoformat()}.")
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if not strict and isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and not strict and value.strip().casefold() in _BOOLS:
            return _BOOLS[value.strip().casefold()]
        raise SettingsError(f"{what} must be true or false.")
    if choices:
        if isinstance(value, str):
            if strict:
                if value in choices:
                    return value
            else:  # " Log " -> "log", "bh" -> "BH": the choice as it is spelled
                text = value.strip().casefold()
                match = next((c for c in choices if c.casefold() == text), None)
                if match is not None:
                    return match
        raise SettingsError(f"{what} is not one of "
                            f"{', '.join(choices[:-1])} or {choices[-1]}.")
    number: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and not strict:
        number = _number(value)
    if isinstance(default, int):
        if (number is None or not math.isfinite(number) or number != int(number)
                or not 0 <= number <= 365):
            raise SettingsError(f"{what} must be a whole number of days "
                                f"from 0 to 365, such as {default}.")
        return int(number)
    if number is None or not math.isfinite(number) or not 1.0 <= number <= 10.0:
        raise SettingsError(f"{what} must be a HER2/CEP17 ratio from 1 "
                            f"to 10, such as {default}.")
    return number


_BOOLS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def settings_from_saved(side: SideFile) -> tuple[StudySettings, tuple[str, ...]]:
    """The settings a side file holds, and a sentence for each one that was refused.

    A refused value is replaced by the paper's default for that setting, so a bad
    file never keeps a study from opening; the sentences say what was refused.
    """
    raw = side.part(SETTINGS_KEY)
    if raw is None:  # early versions wrote the settings at the top level
        raw = {k: v for k, v in side.data.items() if k in _FIELDS}
    name = side.path.name
    if not isinstance(raw, dict):
        return StudySettings(), (f"The saved settings in {name} are not a list of named "
                                 "settings, so the paper's defaults are used.",)
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in raw.items():
        if key not in _FIELDS:
            problems.append(f"{name} names a setting '{key}' that her2desk does not have; it "
                            "was ignored.")
            continue
        try:
            values[key] = coerce_setting(key, value)
        except SettingsError as exc:
            problems.append(f"{exc} In {name} it was refused and "
                            f"{_shown(getattr(_DEFAULTS, key))} is used instead.")
    settings = StudySettings(**values)
    cross = settings.validate()
    if cross:
        settings = settings.replace(enrol_from=_DEFAULTS.enrol_from, enrol_to=_DEFAULTS.enrol_to,
                                    cutoff=_DEFAULTS.cutoff)
        problems.append(f"{cross[0]} In {name} the saved dates were refused and the paper's "
                        "enrolment window and cutoff are used instead.")
    return settings, tuple(problems)


"""Study settings: the few choices that change who is eligible and how time is counted.

One frozen dataclass, saved next to the study as JSON and settable on the
command line, so that every number can be traced to the settings that made it.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

DAYS_PER_MONTH = 30.4375  # 365.25 / 12: months as the paper counts them


@dataclass(frozen=True)
class StudySettings:
    enrol_from: date = date(2012, 1, 1)
    enrol_to: date = date(2022, 6, 30)
    cutoff: date = date(2022, 12, 31)
    fish_threshold: float = 2.2
    de_novo_window_days: int = 30
    #: Unknown levels shown in tables; enter the test only when True.
    include_unknown_in_test: bool = False
    #: Kaplan–Meier CI transform: "log" (R default), "log-log" or "plain".
    km_conf_type: str = "log"
    #: Cox ties: "efron" (R default) or "breslow" (SPSS/EZR).
    cox_ties: str = "efron"
    #: Axis unit for survival plots: "months" or "years".
    time_unit: str = "months"

    def replace(self, **changes: Any) -> "StudySettings":
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in out.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "StudySettings":
        known = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if known[key].type in ("date", date) or isinstance(getattr(cls(), key), date):
                value = date.fromisoformat(str(value))
            values[key] = value
        return cls(**values)

    def validate(self) -> list[str]:
        """Plain-English problems with these settings (empty when fine)."""
        problems = []
        if self.enrol_from > self.enrol_to:
            problems.append(f"The enrolment window starts ({self.enrol_from}) after it ends ({self.enrol_to}).")
        if self.cutoff < self.enrol_to:
            problems.append(f"The data cutoff {self.cutoff} is before the enrolment window closes "
                            f"({self.enrol_to}): patients enrolled after the cutoff would have no "
                            "follow-up. Move the cutoff or the end of enrolment.")
        if not 1.0 <= self.fish_threshold <= 10.0:
            problems.append(f"A FISH ratio threshold of {self.fish_threshold} is outside 1–10.")
        if self.km_conf_type not in ("log", "log-log", "plain"):
            problems.append(f"The confidence-interval type '{self.km_conf_type}' is not one of "
                            f"log, log-log or plain.")
        if self.cox_ties not in ("efron", "breslow"):
            problems.append(f"The ties method '{self.cox_ties}' is not one of efron or breslow.")
        if self.time_unit not in ("months", "years"):
            problems.append(f"The time unit '{self.time_unit}' is not one of months or years.")
        return problems


def settings_path_for(study: Path) -> Path:
    """Settings live next to the study workbook: ``study.xlsx`` -> ``study.her2desk.json``."""
    return study.with_name(study.stem + ".her2desk.json")


def load_settings(path: Path) -> StudySettings:
    if not path.exists():
        return StudySettings()
    data = json.loads(path.read_text(encoding="utf-8"))
    return StudySettings.from_dict(data.get("settings", data))

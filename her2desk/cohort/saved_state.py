"""What the user saved for a study, as the window and the command line both open it.

The side file (:mod:`her2desk.crf.side_file`) holds the settings and the column
mapping. :func:`open_saved_state` reads it once, sets an unreadable file aside,
checks both parts and collects every sentence the user must see, so the window's
banner and the command line's stderr say the same thing about the same file.
:func:`save_settings` writes the settings back without touching the mapping.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..crf.headers import mapping_from_side, patient_id_hint
from ..crf.side_file import SETTINGS_KEY, read_side_file, update_side_file
from .settings import StudySettings, settings_from_saved


@dataclass(frozen=True)
class SavedState:
    """The study's saved settings and mapping, already checked.

    ``notices``: sentences about anything refused, ignored or set aside (empty when
    the file was fine or absent). ``set_aside``: where an unreadable file was moved.
    """

    study: Path
    settings: StudySettings
    mapping: dict[str, str] = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    set_aside: Path | None = None

    def patient_id_hint(self) -> str | None:
        """A sentence when the saved mapping hides the Patient ID column (else None)."""
        return patient_id_hint(self.mapping, self.study)


def open_saved_state(study: str | os.PathLike) -> SavedState:
    """Read ``study``'s side file; never raises, never keeps the study from opening."""
    side = read_side_file(study)
    settings, setting_problems = settings_from_saved(side)
    mapping, mapping_problems = mapping_from_side(side)
    return SavedState(Path(study), settings, mapping,
                      (*side.problems, *setting_problems, *mapping_problems), side.set_aside)


def save_settings(study: str | os.PathLike, settings: StudySettings) -> Path:
    """Store ``settings`` next to ``study``, keeping the column mapping and every other key.

    Raises :class:`~her2desk.crf.side_file.SideFileError` (one sentence) when the folder
    or file cannot be written.
    """
    problems = settings.validate()
    if problems:
        raise ValueError(problems[0])
    return update_side_file(study, **{SETTINGS_KEY: settings.to_dict()})

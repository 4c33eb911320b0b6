"""What a workbook without whole forms does to the study, in words for the coordinator.

A CSV saved from the Patients sheet alone has no surgery, follow-up or vital
status: every patient is then "Incomplete clinical information" and the study has
0 eligible. That must be said, not left for the coordinator to puzzle out.
"""
from __future__ import annotations

from ..crf import codebook as cb
from ..crf.model import CRFData
from .eligibility import RULE_BY_KEY, ELIGIBILITY_FIELDS

#: What each non-eligibility form feeds, for the sentence about it.
_FEEDS = {
    "first_line": "Table 4, progression-free survival and the first-line comparisons have no data",
    "rebiopsy": ("HER2 status comes from the primary tumour alone, and receptor conversion and "
                 "HER2 heterogeneity have no data"),
}


def missing_form_notes(crf: CRFData) -> list[str]:
    """One sentence per form the file lacks, saying what that does to eligibility."""
    notes: list[str] = []
    incomplete = RULE_BY_KEY["incomplete"].label
    for form in crf.missing_forms():
        name = cb.FORMS[form]
        needed = [f.label or f.name for f in cb.fields_of(form)
                  if f.name in ELIGIBILITY_FIELDS and f.name != "patient_id"]
        if form == "patients":
            effect = "no patient is admitted"
        elif needed:
            fields = (needed[0] if len(needed) == 1
                      else ", ".join(needed[:-1]) + " and " + needed[-1])
            effect = (f"{fields} {'is' if len(needed) == 1 else 'are'} missing for every patient, "
                      f"so every patient is excluded as '{incomplete}'")
        else:
            effect = _FEEDS.get(form, "the analyses that use it have no data")
        notes.append(f"No {name} form was found in the file: {effect}.")
    return notes

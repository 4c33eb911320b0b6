"""Hypothesis strategies for small, messy CRF studies, and writers that put them into real files.

A drawn :class:`Study` is a list of patients (one record per patient holding the fields of
every one-row form, canonical codebook values as in ``tests/cohort/cohort_factory.BASE``) and
their rebiopsies, plus the layout it is written in:

* ``template``: the multi-sheet workbook, written by the app's own template writer;
* ``flat``: one sheet of one row per patient (a hospital export), headers as the template's;
* ``csv``: the same flat table as a CSV file.

What a coordinator really sends is corrupted on purpose: blank cells, impossible values
(ER 150 %, a negative age, dates in the future), swapped dates (death or surgery before the
diagnosis), duplicate patient IDs, codes the codebook does not know, and all of it in
eligible patients too. The first value of every ``sampled_from`` is the clean one, so a
failing example shrinks towards a tidy study with only the corruption that matters.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from hypothesis import strategies as st

from her2desk.crf import codebook as cb
from her2desk.crf.template import NO_LABEL, YES_LABEL, write_crf_workbook

from tests.cohort.cohort_factory import BASE

LAYOUTS = ("template", "flat", "csv")
#: Fields a random blank may hit (the ID is blanked separately, more rarely).
BLANKABLE = tuple(f.name for f in cb.FIELDS
                  if f.form in cb.ONE_ROW_FORMS and f.name != "patient_id")


@dataclass
class Study:
    """One drawn study: what is written, and where."""
    patients: list[dict]                       # one-row-form fields; ids may repeat
    rebiopsies: list[dict] = field(default_factory=list)
    layout: str = "template"
    drop_forms: tuple[str, ...] = ()           # template sheets left out of the file

    def write(self, folder: Path) -> Path:
        """Write the study into ``folder`` in its layout; returns the file."""
        if self.layout == "template":
            return write_template(self, folder / "study.xlsx")
        if self.layout == "flat":
            return write_flat_xlsx(self, folder / "export.xlsx")
        return write_csv(self, folder / "export.csv")

    def patient_ids(self) -> set[str]:
        """The distinct IDs a reader can see on the Patients sheet (blank IDs are not patients)."""
        return {p["patient_id"] for p in self.patients if p.get("patient_id")}


# ---------------------------------------------------------------------------- drawing


def _day(start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=days)


#: What goes wrong in a real CRF, one named corruption each: impossible values, blanks,
#: swapped dates, unknown codes. ``patient`` applies a few of them to an otherwise clean
#: patient, so they land in eligible patients as often as in excluded ones.
CORRUPTIONS: dict[str, dict] = {
    # receptors (eligibility reads them)
    "er_150": {"er_percent": 150.0}, "er_negative": {"er_percent": -5.0},
    "er_blank": {"er_percent": None}, "pr_250": {"pr_percent": 250.0},
    "pr_blank": {"pr_percent": None}, "her2_blank": {"her2_ihc": None},
    "her2_4+": {"her2_ihc": "4+"}, "her2_1+": {"her2_ihc": "1+"},
    "her2_2+_no_fish": {"her2_ihc": "2+", "her2_fish_ratio": None},
    "her2_2+_fish_negative": {"her2_ihc": "2+", "her2_fish_ratio": 1.4},
    "fish_negative_value": {"her2_fish_ratio": -1.0},
    # other cells eligibility reads
    "male": {"sex": "male"}, "sex_blank": {"sex": None}, "sex_x": {"sex": "x"},
    "admitted_2010": {"admission_date": dt.date(2010, 5, 5)},
    "admitted_2023": {"admission_date": dt.date(2023, 3, 3)},
    "admission_blank": {"admission_date": None},
    "bilateral": {"laterality": "bilateral"}, "laterality_middle": {"laterality": "middle"},
    "second_primary": {"second_primary_tumor": True},
    "surgery_blank": {"surgery_type": None}, "surgery_laser": {"surgery_type": "laser"},
    "surgery_date_blank": {"surgery_date": None}, "followup_blank": {"last_followup_date": None},
    "followup_future": {"last_followup_date": dt.date(2099, 6, 1)},
    "vital_blank": {"vital_status": None}, "vital_zombie": {"vital_status": "zombie"},
    # swapped dates (relative to the patient's own; see _swapped)
    "surgery_before_diagnosis": {}, "death_before_diagnosis": {}, "death_date_blank": {},
    "cause_unknown": {}, "cause_blank": {}, "metastasis_before_diagnosis": {},
    "progression_before_first_line": {}, "recurrence_before_diagnosis": {},
    # cells eligibility does not read
    "age_negative": {"age_at_diagnosis": -3}, "age_150": {"age_at_diagnosis": 150},
    "ki67_130": {"ki67_percent": 130.0}, "ecog_7": {"ecog_ps": 7}, "t_stage_T9": {"t_stage": "T9"},
    "grade_7": {"histological_grade": "7"}, "m_stage_M7": {"m_stage": "M7"},
    "miller_payne_9": {"miller_payne_grade": "9"},
    "endocrine_sometimes": {"first_line_endocrine": "sometimes"},
    "agent_unknownmab": {"first_line_her2_agents": "unknownmab"},
}


def _swapped(rec: dict, name: str) -> None:
    """Corruptions that depend on the patient's own dates."""
    dx = rec["diagnosis_date"]
    if name == "surgery_before_diagnosis" and rec.get("surgery_date"):
        rec["surgery_date"] = _day(dx, -40)
    elif rec.get("vital_status") == "dead" and name == "death_before_diagnosis":
        rec["death_date"] = _day(dx, -100)
    elif rec.get("vital_status") == "dead" and name == "death_date_blank":
        rec["death_date"] = None
    elif rec.get("vital_status") == "dead" and name in ("cause_unknown", "cause_blank"):
        rec["cause_of_death"] = "unknown" if name == "cause_unknown" else None
    elif name == "metastasis_before_diagnosis" and rec.get("distant_metastasis_date"):
        rec["distant_metastasis_date"] = _day(dx, -60)
    elif name == "progression_before_first_line" and rec.get("first_line_start_date"):
        rec["progression_date"] = _day(rec["first_line_start_date"], -30)
    elif name == "recurrence_before_diagnosis":
        rec["locoregional_recurrence_date"] = _day(dx, -10)


@st.composite
def patient(draw, pid: str) -> dict:
    """One patient's one-row-form fields: a clean patient, then zero to three corruptions."""
    rec = dict(BASE, patient_id=pid)
    dx = _day(dt.date(2012, 3, 1), draw(st.integers(0, 3500)))
    rec["diagnosis_date"] = dx
    rec["admission_date"] = draw(st.sampled_from([_day(dx, 3), _day(dx, -20)]))
    age = draw(st.integers(28, 84))
    rec["birth_date"] = dt.date(dx.year - age, 6, 15)
    rec["age_at_diagnosis"] = draw(st.sampled_from(
        [age - (1 if dx < dt.date(dx.year, 6, 15) else 0), None]))
    # Receptors: an ER/PR subgroup first, so both HR groups and all four subgroups occur, with
    # values on both sides of the 1 % threshold.
    er_pos, pr_pos = draw(st.sampled_from([(True, True), (False, False), (True, False),
                                           (False, True)]))
    positive, negative = [80.0, 1.0, 100.0], [0.0, 0.5]
    rec["er_percent"] = draw(st.sampled_from(positive if er_pos else negative))
    rec["pr_percent"] = draw(st.sampled_from(positive if pr_pos else negative))
    rec["ki67_percent"] = draw(st.sampled_from([20.0, 60.0, None]))
    rec["her2_ihc"] = draw(st.sampled_from(["3+", "2+"]))
    rec["her2_fish_ratio"] = (draw(st.sampled_from([3.1, 2.2])) if rec["her2_ihc"] == "2+"
                              else draw(st.sampled_from([None, 3.1, 1.4])))
    rec["laterality"] = draw(st.sampled_from(["left", "right"]))
    rec["second_primary_tumor"] = draw(st.sampled_from([False, None]))
    rec["t_stage"] = draw(st.sampled_from(["T2", "T1", "T4", "Tx", None]))
    rec["n_stage"] = draw(st.sampled_from(["N1", "N0", "N3", "Nx", None]))
    rec["histological_grade"] = draw(st.sampled_from(["2", "3", "1", None]))
    rec["ecog_ps"] = draw(st.sampled_from([0, 1, None]))
    de_novo = draw(st.booleans())
    rec["m_stage"] = "M1" if de_novo else draw(st.sampled_from(["M0", None]))

    # Treatment: surgery a few weeks (or, after neoadjuvant therapy, months) after diagnosis.
    neo = draw(st.booleans())
    rec["surgery_type"] = draw(st.sampled_from(["mastectomy", "bcs", "none"]))
    rec["surgery_date"] = (None if rec["surgery_type"] == "none"
                           else _day(dx, 150 if neo else 15))
    rec.update(neoadjuvant_therapy=neo, neoadjuvant_chemotherapy=neo,
               neoadjuvant_trastuzumab=neo and draw(st.booleans()),
               neoadjuvant_pertuzumab=neo and draw(st.booleans()),
               miller_payne_grade=draw(st.sampled_from(["5", "3", "1", "4", "2", None]))
               if neo else None,
               ypn_positive=draw(st.sampled_from([False, True, None])) if neo else None)
    for name in ("adjuvant_chemotherapy", "adjuvant_radiotherapy", "adjuvant_her2_targeted",
                 "adjuvant_endocrine"):
        rec[name] = draw(st.sampled_from([True, False, None]))

    # Outcomes: follow-up, death, recurrence, metastasis and first line.
    start = rec["surgery_date"] or dx
    follow = min(_day(start, draw(st.integers(60, 4200))), dt.date(2024, 12, 31))
    rec["last_followup_date"] = follow
    rec["vital_status"] = draw(st.sampled_from(["alive", "dead"]))
    if rec["vital_status"] == "dead":
        rec["death_date"] = follow
        rec["cause_of_death"] = draw(st.sampled_from(["breast_cancer", "other_cancer",
                                                      "non_cancer"]))
    if draw(st.booleans()):
        rec["locoregional_recurrence_date"] = _day(start, draw(st.integers(30, 3000)))
    if de_novo or draw(st.booleans()):
        rec["distant_metastasis_date"] = dx if de_novo else _day(start, draw(st.integers(90, 2000)))
        sites = draw(st.lists(st.sampled_from(cb.MET_SITES), min_size=0, max_size=3,
                              unique=True))
        for site in cb.MET_SITES:
            rec[f"met_{site}"] = site in sites
            rec[f"first_met_{site}"] = bool(sites) and site == sites[0]
        if draw(st.booleans()):
            rec["first_line_start_date"] = _day(rec["distant_metastasis_date"], 14)
            rec["first_line_her2_agents"] = draw(st.sampled_from(
                ["trastuzumab", "trastuzumab+pertuzumab", "pyrotinib", None]))
            rec["first_line_chemotherapy"] = draw(st.sampled_from([True, False, None]))
            rec["first_line_endocrine"] = draw(st.sampled_from(
                ["none", "concurrent", "maintenance", None]))
            rec["progression_date"] = draw(st.sampled_from(
                [_day(rec["first_line_start_date"], draw(st.integers(30, 1500))), None]))

    for name in draw(st.lists(st.sampled_from(sorted(CORRUPTIONS)), max_size=3, unique=True)):
        rec.update(CORRUPTIONS[name])
        _swapped(rec, name)
    return rec


@st.composite
def rebiopsy_rows(draw, rec: dict) -> list[dict]:
    """Zero to two biopsies of metastatic tissue for a metastatic patient."""
    when = rec.get("distant_metastasis_date")
    if not when:
        return []
    rows = []
    for i in range(draw(st.integers(0, 2))):
        rows.append(dict(
            patient_id=rec["patient_id"], rebiopsy_date=_day(when, 7 + 30 * i),
            rebiopsy_site=draw(st.sampled_from(["liver", "lung", "bone"])),
            rebiopsy_er_percent=draw(st.sampled_from([0.0, 60.0, None, 150.0])),
            rebiopsy_pr_percent=draw(st.sampled_from([0.0, 10.0, None])),
            rebiopsy_her2_ihc=draw(st.sampled_from(["3+", "1+", "2+", None, "4+"])),
            rebiopsy_her2_fish_ratio=draw(st.sampled_from([None, 2.5, 1.2]))))
    return rows


@st.composite
def studies(draw, layouts: tuple[str, ...] = LAYOUTS, min_patients: int = 1,
            max_patients: int = 20) -> Study:
    """A small study in one of ``layouts``, with random blanks and duplicate IDs.

    At least one patient by default: a file with none is refused with a sentence
    (tests/crf cover it), and Hypothesis would otherwise spend many examples on it."""
    n = draw(st.integers(min_patients, max_patients))
    patients = [draw(patient(f"P{i + 1:03d}")) for i in range(n)]
    if patients:
        # Blank cells: random fields of random patients.
        for i, name in draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(BLANKABLE)),
                                     max_size=6)):
            patients[i][name] = None
        # Duplicate IDs: a second row for a patient (first row wins), or a row without an ID.
        for i in draw(st.lists(st.integers(0, n - 1), max_size=2)):
            twin = dict(draw(patient(patients[i]["patient_id"])))
            patients.append(twin)
        if draw(st.integers(0, 9)) == 0:
            patients[draw(st.integers(0, len(patients) - 1))]["patient_id"] = None
    rebiopsies = [row for rec in patients if rec.get("patient_id")
                  for row in draw(rebiopsy_rows(rec))]
    layout = draw(st.sampled_from(layouts))
    drop: tuple[str, ...] = ()
    if layout == "template" and draw(st.integers(0, 7)) == 0:
        drop = tuple(draw(st.lists(st.sampled_from(["treatment", "outcomes", "first_line",
                                                    "rebiopsy"]), min_size=1, unique=True)))
    return Study(patients, rebiopsies, layout, drop)


def issue_8_study() -> Study:
    """Issue 8's own report, as an explicit example: ER 150 % and PR 250 % in a HER2 3+
    patient, beside one clean HR+ and one clean HR− patient."""
    def clean(pid: str, **changes) -> dict:
        return dict(BASE, patient_id=pid, death_date=None, cause_of_death=None, **changes)
    return Study([clean("P001", er_percent=150.0, pr_percent=250.0), clean("P002"),
                  clean("P003", er_percent=0.0, pr_percent=0.0)])


# ---------------------------------------------------------------------------- writing


def _form_frame(form: str, records: list[dict]) -> pd.DataFrame:
    """Canonical values of one form as an object table (no coercion: bad values stay)."""
    names = [f.name for f in cb.fields_of(form)]
    return pd.DataFrame([{k: r.get(k) for k in names} for r in records], columns=names,
                        dtype=object)


def write_template(study: Study, path: Path) -> Path:
    """The multi-sheet CRF workbook, through the app's own template writer."""
    forms = {form: _form_frame(form, study.patients) for form in cb.ONE_ROW_FORMS}
    forms["rebiopsy"] = _form_frame("rebiopsy", study.rebiopsies)
    write_crf_workbook(path, forms)
    if study.drop_forms:
        from openpyxl import load_workbook

        book = load_workbook(path)
        for form in study.drop_forms:
            del book[cb.FORMS[form]]
        book.save(path)
    return path


def _cell(fld: cb.Field, value, *, text: bool) -> object:
    """A value as a hospital export holds it: code labels, Yes/No, dates (ISO text in CSV)."""
    if value is None:
        return None
    if fld.type == cb.CODE:
        return fld.code_labels().get(str(value), str(value))
    if fld.type == cb.YESNO and isinstance(value, bool):
        return YES_LABEL if value else NO_LABEL
    if fld.type == cb.DATE and isinstance(value, dt.date):
        return value.isoformat() if text else value
    if fld.type == cb.INTEGER and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def flat_rows(study: Study, *, text: bool) -> list[list]:
    """Header and one row per patient record, each with its first rebiopsy (if any)."""
    fields = [f for f in cb.FIELDS if f.form in cb.ONE_ROW_FORMS or f.form == "rebiopsy"]
    first_biopsy: dict[str, dict] = {}
    for row in study.rebiopsies:
        first_biopsy.setdefault(row["patient_id"], row)
    rows: list[list] = [[f.header for f in fields]]
    for rec in study.patients:
        biopsy = first_biopsy.get(rec.get("patient_id"), {})
        rows.append([_cell(f, (biopsy if f.form == "rebiopsy" else rec).get(f.name), text=text)
                     for f in fields])
    return rows


def write_flat_xlsx(study: Study, path: Path) -> Path:
    """One sheet, one row per patient, a title line above the header as hospital exports have."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Export"
    sheet.append(["HER2+ cohort, data export"])
    for row in flat_rows(study, text=False):
        sheet.append(row)
    book.save(path)
    return path


def write_csv(study: Study, path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(flat_rows(study, text=True))
    return path

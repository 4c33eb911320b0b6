"""Tiny CRF workbooks a coordinator can really have: nobody eligible, no MBC, no neoadjuvant
patients, one HR group, only the Patients sheet. Written through the real template."""
from __future__ import annotations

from pathlib import Path

import study_factory as sf

from her2desk.crf import codebook as cb
from her2desk.crf.template import write_crf_workbook


def _write(path: Path, rows: list[dict], forms: tuple[str, ...] = cb.ONE_ROW_FORMS) -> Path:
    data = {form: sf._typed(form, rows) for form in forms}
    if "rebiopsy" not in data:
        data["rebiopsy"] = sf._typed("rebiopsy", [])
    write_crf_workbook(path, data)
    return path


def no_eligible(path: Path) -> Path:
    rows = sf.patients(12)
    for r in rows:
        r["her2_ihc"] = "1+"            # HER2-negative: everyone excluded
    return _write(path, rows)


def no_mbc(path: Path) -> Path:
    return _write(path, sf.patients(24))   # the factory's patients never metastasise


def with_mbc(rows: list[dict]) -> list[dict]:
    """Give every third patient distant metastases and a first-line treatment."""
    for i, r in enumerate(rows):
        if i % 3 == 0:
            r.update(distant_metastasis_date="2018-01-10", met_bone=True, met_lung=False, met_liver=False,
                     met_brain_cns=False, first_met_bone=True, first_line_start_date="2018-01-20",
                     first_line_her2_agents="trastuzumab", first_line_chemotherapy=True,
                     first_line_endocrine=False, progression_date="2019-02-01")
    return rows


def no_neoadjuvant(path: Path) -> Path:
    rows = with_mbc(sf.patients(24))
    for r in rows:
        r.update(neoadjuvant_therapy=False, neoadjuvant_chemotherapy=False, neoadjuvant_trastuzumab=False,
                 neoadjuvant_pertuzumab=False, miller_payne_grade=None, ypn_positive=None,
                 surgery_date=r["admission_date"])
    return _write(path, rows)


def one_hr_group(path: Path) -> Path:
    rows = with_mbc(sf.patients(24))
    for r in rows:
        r.update(er_percent=80.0, pr_percent=40.0)   # every patient HR-positive
    return _write(path, rows)


def patients_sheet_only(path: Path) -> Path:
    from openpyxl import load_workbook

    _write(path, sf.patients(12), forms=("patients",))
    book = load_workbook(path)
    for name in list(book.sheetnames)[1:]:
        del book[name]
    book.save(path)
    return path


EDGE_STUDIES = {"no_eligible": no_eligible, "no_mbc": no_mbc, "no_neoadjuvant": no_neoadjuvant,
                "one_hr_group": one_hr_group, "patients_sheet_only": patients_sheet_only}

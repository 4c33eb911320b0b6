"""A small hand-written REDCap project (dictionary + records) for the crf and ui tests:
two records, radio/dropdown/yesno/checkbox/date fields, a descriptive field, and a
repeating instrument with two instances."""
import csv

from her2desk.crf import redcap

DICT_HEADER = [t for t, _ in redcap.DICTIONARY_COLUMNS]


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def dict_row(var, form, ftype, label, choices="", validation=""):
    row = [var, form, "", ftype, label, choices, "", validation] + [""] * 10
    return row


def small_project(tmp_path):
    dictionary = write_csv(tmp_path / "Small_DataDictionary_2026-12-01.csv", [
        DICT_HEADER,
        dict_row("rid", "enrolment", "text", "Record ID"),
        dict_row("sx", "enrolment", "radio", "Gender", "1, Male | 2, Female"),
        dict_row("dxd", "enrolment", "text", "Diagnosis date", validation="date_dmy"),
        dict_row("ih", "enrolment", "dropdown", "HER2 IHC", "0, 0 | 1, 1+ | 2, 2+ | 3, 3+"),
        dict_row("sp", "enrolment", "yesno", "Second primary tumour"),
        dict_row("intro", "enrolment", "descriptive", "Please fill in"),
        dict_row("sites", "follow", "checkbox", "Metastatic sites",
                  "1, lung | 2, liver | 3, brain/CNS"),
        dict_row("bx_er", "biopsy", "text", "Rebiopsy ER (%)", validation="number"),
        dict_row("bx_d", "biopsy", "text", "Rebiopsy date", validation="date_mdy"),
    ])
    records = write_csv(tmp_path / "Small_DATA_2026-12-01_0900.csv", [
        ["rid", "redcap_repeat_instrument", "redcap_repeat_instance", "sx", "dxd", "ih", "sp",
         "enrolment_complete", "sites___1", "sites___2", "sites___3", "follow_complete",
         "bx_er", "bx_d", "biopsy_complete"],
        ["A1", "", "", "2", "2019-03-05", "0", "0", "2", "1", "0", "1", "2", "", "", ""],
        ["A1", "biopsy", "1", "", "", "", "", "", "", "", "", "", "40", "2020-01-02", "2"],
        ["A1", "biopsy", "2", "", "", "", "", "", "", "", "", "", "150", "01/31/2021", "2"],
        ["B2", "", "", "1", "17/04/2018", "3", "1", "2", "0", "0", "0", "0", "", "", ""],
    ])
    return records, dictionary

"""A file that cannot be opened is explained in Chinese too: every sentence crf/reader.py and
crf/source.py raise for such a file has a catalogue template, and the file's own name is kept as
it is on the disk (a workbook called "Patients.xlsx" is not renamed "患者.xlsx")."""
import os
import re
import zipfile

import openpyxl
import pytest

from her2desk.crf.reader import read_crf
from her2desk.errors import CRFReadError
from her2desk.i18n import translate

CJK = re.compile(r"[\u4e00-\u9fff]")
#: What stays Latin in the Chinese sentence: file names, formats and program names.
_KEPT = re.compile(r"(?:Patients|damaged|noid|missing|link)(?:\.\w+)?|Excel|her2desk|CRF|CSV|\.x\w+|\.csv|\.tsv|\.doc|python-calamine")


def _bad_files(tmp_path):
    (tmp_path / "Patients.xlsx").write_bytes(b"")                          # empty
    (tmp_path / "notzip").mkdir()
    (tmp_path / "notzip" / "Patients.xlsx").write_bytes(b"plain text, not a workbook")
    (tmp_path / "Patients.xls").write_bytes(b"<html><body>web page</body></html>")
    (tmp_path / "Patients.doc").write_bytes(b"x")
    (tmp_path / "Patients").mkdir()
    with zipfile.ZipFile(tmp_path / "damaged.xlsx", "w") as z:
        z.writestr("nothing.txt", "not an Office file")
    wb = openpyxl.Workbook()
    wb.active.append(["Colour", "Size"])
    wb.active.append(["red", 3])
    wb.save(tmp_path / "noid.xlsx")
    files = [tmp_path / "Patients.xlsx", tmp_path / "notzip" / "Patients.xlsx", tmp_path / "Patients.xls",
             tmp_path / "Patients.doc", tmp_path / "Patients", tmp_path / "damaged.xlsx",
             tmp_path / "noid.xlsx", tmp_path / "missing.xlsx"]
    if hasattr(os, "symlink"):
        os.symlink(tmp_path / "gone.xlsx", tmp_path / "link.xlsx")
        files.append(tmp_path / "link.xlsx")
    return files


def test_every_unopenable_file_is_explained_in_chinese_with_its_own_name(tmp_path):
    sentences = []
    for path in _bad_files(tmp_path):
        with pytest.raises(CRFReadError) as caught:
            read_crf(path)
        sentences.append(str(caught.value))
    assert len(set(sentences)) == len(sentences)       # each file its own reason
    for english in sentences:
        chinese = translate(english, "zh_CN")
        assert CJK.search(chinese), english
        left = re.findall(r"\b[A-Za-z]{3,}\b", _KEPT.sub("", re.sub(r"[^ ]*" + re.escape(str(tmp_path)) + r"\S*", "", chinese)))
        assert not left, (english, chinese)
        if "Patients" in english:
            assert "Patients" in chinese and "患者" not in chinese, chinese

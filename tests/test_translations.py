"""Simplified Chinese UI: the translator loads from the system locale or the saved choice."""
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "her2desk_zh_CN.ts"
QM = TS.with_suffix(".qm")

PROBE = """
import json
from her2desk.ui.app import add_language_menu, make_application
from her2desk.ui.main_window import MainWindow
app = make_application()
w = MainWindow()
add_language_menu(w)
print(json.dumps({"menus": [a.text() for a in w.menuBar().actions()],
                  "tabs": [w.tabs.tabText(i) for i in range(w.tabs.count())],
                  "cancel": w.cancel_button.text(),
                  "translators": len(app._her2desk_translators)}))
"""


def _probe(tmp_path, lang, settings_language=None, her2desk_lang=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "HER2DESK_LANG"))}
    env.update(QT_QPA_PLATFORM="offscreen", LANG=lang, LC_ALL=lang, HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    if her2desk_lang:
        env["HER2DESK_LANG"] = her2desk_lang
    if settings_language is not None:
        ini = tmp_path / "config" / "her2desk" / "her2desk.conf"
        ini.parent.mkdir(parents=True, exist_ok=True)
        ini.write_text(f"[ui]\nlanguage={settings_language}\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_chinese_locale_gives_a_chinese_ui(tmp_path):
    ui = _probe(tmp_path, "zh_CN.UTF-8")
    assert ui["menus"][0] == "文件(&F)"
    assert ui["menus"][-1] == "帮助(&H)"
    assert ui["tabs"][0] == "数据" and ui["cancel"] == "取消"
    assert ui["translators"] == 2      # her2desk's and Qt's own (standard buttons, dialogs)


def test_english_locale_is_untranslated(tmp_path):
    ui = _probe(tmp_path, "en_GB.UTF-8")
    assert ui["menus"] == ["&File", "&Edit", "&View", "&Help"]
    assert ui["tabs"][-1] == "First-line && conversion" and ui["translators"] == 0


def test_saved_choice_wins_over_the_system_locale(tmp_path):
    assert _probe(tmp_path, "zh_CN.UTF-8", settings_language="en")["menus"][0] == "&File"
    assert _probe(tmp_path / "b", "en_US.UTF-8", settings_language="zh_CN")["menus"][0] == "文件(&F)"


def test_every_message_is_translated_and_the_qm_is_current(tmp_path):
    unfinished = [m.findtext("source") for m in ET.parse(TS).getroot().iter("message")
                  if m.find("translation").get("type") in ("unfinished", "obsolete", "vanished")
                  or not (m.findtext("translation") or "").strip()]
    assert not unfinished
    lrelease = shutil.which("pyside6-lrelease", path=os.pathsep.join([str(Path(sys.executable).parent),
                                                                      os.environ.get("PATH", "")]))
    if lrelease is None:
        pytest.skip("pyside6-lrelease is not installed")
    out = tmp_path / "check.qm"
    subprocess.run([lrelease, str(TS), "-qm", str(out)], check=True, capture_output=True, timeout=60)
    assert out.read_bytes() == QM.read_bytes(), "run pyside6-lrelease on the .ts (see packaging/README.md)"


SWITCH = """
import json
from PySide6.QtGui import QAction
from her2desk.ui.app import add_language_menu, make_application, switch_language
from her2desk.ui.main_window import MainWindow
app = make_application(language="en")
w = MainWindow()
add_language_menu(w)
def state():
    file_menu = w.menuBar().actions()[0].menu()
    keys = [a.text().split("&")[1][0].lower() for a in file_menu.actions() if "&" in a.text()]
    return {"menus": [a.text() for a in w.menuBar().actions()], "tabs": [w.tabs.tabText(i) for i in range(w.tabs.count())],
            "cancel": w.cancel_button.text(), "keys": keys}
out = [state()]
switch_language(w, "zh_CN"); out.append(state())
switch_language(w, "en"); out.append(state())
print(json.dumps(out))
"""


def test_switching_language_takes_effect_at_once_and_back(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "HER2DESK_LANG"))}
    env.update(QT_QPA_PLATFORM="offscreen", LANG="en_US.UTF-8", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-c", SWITCH], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    english, chinese, back = json.loads(proc.stdout.strip().splitlines()[-1])
    assert english["menus"][0] == "&File" and english["tabs"][0] == "Data"
    assert chinese["menus"][0] == "文件(&F)" and chinese["tabs"][0] == "数据" and chinese["cancel"] == "取消"
    assert chinese["tabs"][-1] != english["tabs"][-1]
    assert back == english
    for ui in (english, chinese):          # every File-menu entry has its own shortcut letter
        assert len(ui["keys"]) == len(set(ui["keys"])) >= 8, ui["keys"]

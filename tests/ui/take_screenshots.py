"""Script (not a test): screenshots of every tab on the sample study, in a real window.

    xvfb-run -a -s "-screen 0 1400x900x24" python tests/ui/take_screenshots.py [OUTDIR] [LANGUAGE]

Writes one PNG per tab (default: resources/screenshots/, or resources/screenshots/zh_CN/ for
LANGUAGE=zh_CN, drawn with the app's translators and CJK font) for the README.
"""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


#: File names stay English whatever language the tabs are drawn in.
RESULT_NAMES = ("Data", "Validation", "Eligibility", "Baseline", "Neoadjuvant", "Survival", "Cox",
                "First-line & conversion")
#: Tabs shown at a paper item with pairs (View ▸ Paper items…), so the pairs table is in view.
PAPER_ITEM_OF_TAB = {"Neoadjuvant": "Fig 2b", "Survival": "Fig 5d"}


def main() -> int:
    import pyqtgraph as pg

    from her2desk.resources import sample_study_path
    from her2desk.ui.main_window import MainWindow

    language = sys.argv[2] if len(sys.argv) > 2 else "en"
    default = ROOT / "resources" / "screenshots" / ("" if language == "en" else language)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "-" else default
    out.mkdir(parents=True, exist_ok=True)
    if language == "en":
        app = QApplication.instance() or QApplication([])
    else:
        from her2desk.ui.app import make_application

        app = make_application([], language=language)
    pg.setConfigOptions(background="w", foreground="k", antialias=True)
    store = QSettings(str(out / "screenshot-settings.ini"), QSettings.IniFormat)
    window = MainWindow(settings_store=store)
    window.resize(1360, 860)
    window.show()
    tabs = window.tabs

    def shoot(index: int) -> None:
        if index >= tabs.count():
            app.quit()
            return
        tabs.setCurrentIndex(index)
        text = RESULT_NAMES[index] if index < len(RESULT_NAMES) else tabs.tabText(index)
        if text in PAPER_ITEM_OF_TAB:
            window.show_paper_item(PAPER_ITEM_OF_TAB[text])
        text = text.replace("&&", "&").lower()
        name = "".join(c if c.isalnum() else "_" for c in text).replace("___", "_")
        QTimer.singleShot(700, lambda: (window.grab().save(str(out / f"{index + 1:02d}_{name}.png")),
                                        shoot(index + 1)))

    window.results_ready.connect(lambda _r: QTimer.singleShot(800, lambda: shoot(0)))
    window.open_study(sample_study_path())
    QTimer.singleShot(120_000, app.quit)
    app.exec()
    (out / "screenshot-settings.ini").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

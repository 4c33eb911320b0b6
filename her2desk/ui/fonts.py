"""Chinese that always renders: the system's CJK font when there is one, else the bundled subset.

The CRF's headers (雌激素受体), agents (曲妥珠单抗) and the zh_CN interface are drawn with
the application font. Qt's own fallback finds a CJK face only when the system has one, so
at start-up :func:`setup_cjk_font` appends a CJK family to the application font's family
list: a platform font (Microsoft YaHei / SimSun, PingFang, Noto CJK) if installed, else
``resources/fonts/NotoSansSC-her2desk.otf`` (GB2312 + every character her2desk writes; OFL)
registered with QFontDatabase. Plots and exported figures use the application font, so PDF
figures embed the glyphs and PNGs draw them.
"""
from __future__ import annotations

import logging
import sys

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication

from ..resources import resource_path

BUNDLED_FONT = "fonts/NotoSansSC-her2desk.otf"
BUNDLED_FAMILY = "Noto Sans SC her2desk"

#: Preferred system CJK families, best first, per platform.
SYSTEM_CJK_FAMILIES = {
    "win32": ("Microsoft YaHei UI", "Microsoft YaHei", "SimSun", "NSimSun"),
    "darwin": ("PingFang SC", "Hiragino Sans GB", "Heiti SC", "STHeiti"),
}
LINUX_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
                      "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback")

#: A character every Simplified Chinese font has (and no Latin font does).
PROBE = "肿"


def system_cjk_family() -> str | None:
    """An installed CJK family for Simplified Chinese, the platform's usual one first."""
    installed = set(QFontDatabase.families())
    for family in SYSTEM_CJK_FAMILIES.get(sys.platform, LINUX_CJK_FAMILIES):
        if family in installed:
            return family
    for family in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        if family != BUNDLED_FAMILY and not QFontDatabase.isPrivateFamily(family):
            return family
    return None


def bundled_cjk_family() -> str | None:
    """Register the bundled subset with Qt; its family name, or None if the file is missing."""
    if BUNDLED_FAMILY in QFontDatabase.families():
        return BUNDLED_FAMILY
    path = resource_path(BUNDLED_FONT)
    if path is None:
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[0] if families else None


def setup_cjk_font(app: QApplication, prefer_system: bool = True) -> str | None:
    """Make the application font draw Chinese; returns the CJK family used (None: none found)."""
    family = (system_cjk_family() if prefer_system else None) or bundled_cjk_family()
    if family is None:
        logging.getLogger(__name__).warning("No CJK font: Chinese text may show as boxes")
        return None
    font = QFont(app.font())
    # The family Qt really draws Latin text with goes first: where the default is an alias
    # with no face of its own ("Sans Serif" offscreen and on some Linux desktops), Qt would
    # skip it for the first real family in the list, and draw every Latin letter and digit
    # in the CJK subset (in PDFs those digits lost their text).
    drawn = QFontInfo(font).family()
    families = [f for f in (drawn, *font.families(), font.family()) if f and f != family]
    font.setFamilies([*dict.fromkeys(families), family])
    app.setFont(font)
    app._her2desk_cjk_family = family
    return family

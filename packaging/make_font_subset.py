"""Rebuild resources/fonts/NotoSansSC-her2desk.otf, the CJK fallback font the app bundles.

Usage: python packaging/make_font_subset.py /path/to/NotoSansCJK-Regular.ttc
(from Debian's fonts-noto-cjk: ``apt-get download fonts-noto-cjk && dpkg-deb -x *.deb x``;
the .ttc's face 2 is Simplified Chinese). Keeps GB2312, every CJK character in her2desk's
source, catalogues and translations, and Latin-1; renames the family (OFL: a modified font
must not keep its name). Needs fontTools (pyftsubset), a build-time tool only.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "fonts" / "NotoSansSC-her2desk.otf"
FAMILY = "Noto Sans SC her2desk"


def characters() -> str:
    chars = set()
    for b1 in range(0xA1, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                chars.add(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    sources = list((ROOT / "her2desk").rglob("*.py")) + list((ROOT / "her2desk").rglob("*.json"))
    sources += list((ROOT / "resources" / "translations").glob("*.ts"))
    for path in sources:
        chars.update(c for c in path.read_text(encoding="utf-8") if ord(c) > 0x2E80)
    chars.update(chr(i) for i in range(0x20, 0x7F))
    chars.update(chr(i) for i in range(0xA0, 0x180))
    chars.update("–—‘’“”…•≤≥±×÷·→▸✓✗°µ")
    return "".join(sorted(chars))


def main(ttc: str) -> None:
    from fontTools.ttLib import TTFont

    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "chars.txt"
        text.write_text(characters(), encoding="utf-8")
        raw = Path(tmp) / "subset.otf"
        subprocess.run([sys.executable, "-m", "fontTools.subset", ttc, "--font-number=2",
                        f"--text-file={text}", f"--output-file={raw}", "--no-hinting"], check=True)
        font = TTFont(str(raw))
        for record in font["name"].names:
            if record.nameID in (1, 4, 16):
                record.string = FAMILY
            elif record.nameID in (2, 17):
                record.string = "Regular"
            elif record.nameID == 3:
                record.string = "NotoSansSC-her2desk;subset"
            elif record.nameID == 6:
                record.string = "NotoSansSC-her2desk"
        font["CFF "].cff.fontNames = ["NotoSansSC-her2desk"]
        font.save(str(OUT))
    print(f"{OUT}: {OUT.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1])

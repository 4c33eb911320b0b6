"""Write resources/icons/her2desk.ico (Windows) and her2desk.icns (macOS) from the PNGs.

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py

Qt's image plugins write both formats (``QImageWriter.supportedImageFormats()`` lists
"ico" and "icns"). The .ico holds 16, 32, 48, 64 and 256 px, each a PNG-compressed
entry where Qt does so. On a Mac, ``iconutil`` gives the same .icns (packaging/README.md).
"""
from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
ICO_SIZES = (16, 32, 48, 64, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512)


def _source(size: int):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    best = max((int(p.stem.rsplit("-", 1)[1]) for p in ICONS.glob("her2desk-*.png")),
               key=lambda s: (s >= size, -abs(s - size)))
    img = QImage(str(ICONS / f"her2desk-{best}.png"))
    if img.isNull():
        raise SystemExit(f"cannot read her2desk-{best}.png")
    if img.width() != size:
        img = img.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
    return img


def _png_bytes(img) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return bytes(data)


def write_ico(path: Path) -> None:
    """PNG-in-ICO (Windows Vista and later): a 6-byte header, 16-byte entries, the PNGs."""
    pngs = [(s, _png_bytes(_source(s))) for s in ICO_SIZES]
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in pngs:
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
        blobs += png
    path.write_bytes(header + entries + blobs)


def write_icns(path: Path) -> None:
    """Qt's icns writer (one image per call), so assemble the ICNS from PNG-typed chunks."""
    types = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}
    chunks = b""
    for size in ICNS_SIZES:
        png = _png_bytes(_source(size))
        chunks += types[size] + struct.pack(">I", len(png) + 8) + png
    path.write_bytes(b"icns" + struct.pack(">I", len(chunks) + 8) + chunks)


def main() -> int:
    from PySide6.QtGui import QGuiApplication, QImageReader

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - image plugins
    write_ico(ICONS / "her2desk.ico")
    write_icns(ICONS / "her2desk.icns")
    for name in ("her2desk.ico", "her2desk.icns"):
        reader = QImageReader(str(ICONS / name))
        sizes = []
        while True:
            img = reader.read()
            if img.isNull():
                break
            sizes.append(img.width())
            if not reader.jumpToNextImage():
                break
        print(f"{name}: {(ICONS / name).stat().st_size} bytes, images {sizes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

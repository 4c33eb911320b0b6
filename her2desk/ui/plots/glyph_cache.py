"""Let Qt draw large text from its glyph bitmaps, so an exported figure never depends on the window.

Qt's raster engine draws a glyph bigger than ``QT_MAX_CACHED_GLYPH_SIZE``
pixels (64 by default) as a filled outline instead of a cached bitmap. At
journal resolution (85 mm at 600 dpi magnifies a figure about 4.4 times) the
axis and at-risk titles cross that limit, and the outlines FreeType hands back
depend on which sizes and positions the font engine drew before: a KM figure
exported from a 1024×700 window differed from the same figure exported from a
1600×1000 window in ~0.1 % of its pixels, all on those titles. Drawn from
bitmaps (rendered once per glyph, size and sub-pixel position) the two exports
are pixel-identical. On screen nothing changes: table and widget text is far
below either limit. The variable is read once, at Qt's first text drawing, so
it is set when the figures' package is imported, before any window exists; a
value the user set is kept.
"""
from __future__ import annotations

import os

#: Largest glyph, in device pixels, drawn from a bitmap: a 14 pt title of a 170 mm figure at
#: 1200 dpi is about 300 px high.
MAX_CACHED_GLYPH_PX = 512
ENV = "QT_MAX_CACHED_GLYPH_SIZE"


def cache_large_glyphs() -> str:
    """Set ``QT_MAX_CACHED_GLYPH_SIZE`` unless already set; return the value in force."""
    return os.environ.setdefault(ENV, str(MAX_CACHED_GLYPH_PX))

"""pyqtgraph figures fed by result objects: they draw, they never compute."""
from .glyph_cache import cache_large_glyphs

cache_large_glyphs()   # before Qt draws any text: see glyph_cache's docstring

"""Property tests import the cohort test factory as ``tests.cohort...``: the checkout must be
importable even when pytest is started from elsewhere."""
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:  # the package is used from the checkout, not installed
    sys.path.insert(0, str(_ROOT))

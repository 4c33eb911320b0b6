"""The layer contract: crf <- cohort <- analysis <- report <- ui/cli, and Qt only in ui.

Checked on the source (imports) and at run time (the lower layers import without Qt), so
the command line stays light and the statistics stay testable without a display.
"""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "her2desk"
ORDER = ["crf", "cohort", "analysis", "report", "ui"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    layer = path.relative_to(PACKAGE).parts[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level >= 2 and node.module:          # from ..analysis.x import y
                found.add(node.module.split(".")[0])
            elif node.level == 0 and node.module and node.module.startswith("her2desk."):
                found.add(node.module.split(".")[1])
            elif node.level == 0 and node.module:
                found.add("qt" if node.module.split(".")[0] in ("PySide6", "pyqtgraph") else "")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in ("PySide6", "pyqtgraph"):
                    found.add("qt")
    found.discard("")
    found.discard(layer)
    return found


@pytest.mark.parametrize("layer", ORDER[:-1])
def test_lower_layers_import_only_layers_below_and_no_qt(layer):
    allowed = set(ORDER[:ORDER.index(layer)]) | {"resources"}
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        bad = {m for m in _imports(path) if m in ORDER or m == "qt"} - allowed
        assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_report_pipeline_runs_without_loading_qt():
    code = ("import sys; import her2desk.cohort.loading, her2desk.analysis.study, "
            "her2desk.report.study_report; "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

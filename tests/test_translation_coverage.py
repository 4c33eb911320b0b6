"""Every string the source marks for translation is in the zh_CN catalogue, translated.

An lupdate-equivalent scan (ast): ``self.tr("…")``, ``QCoreApplication.translate("Context", "…")``
(also through a local alias ``translate``) and ``QT_TRANSLATE_NOOP("Context", "…")``; and every
string the report catalogue is asked for by name in the source (``i18n.translate("…", …)``)."""
import ast
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "her2desk_zh_CN.ts"


def _catalogue() -> dict[tuple[str, str], str]:
    out = {}
    for context in ET.parse(TS).getroot().iter("context"):
        name = context.findtext("name")
        for m in context.iter("message"):
            out[(name, m.findtext("source"))] = m.findtext("translation") or ""
    return out


def _class_of(tree: ast.AST) -> dict[ast.AST, str]:
    owner = {}
    for cls in ast.walk(tree):
        if isinstance(cls, ast.ClassDef):
            for node in ast.walk(cls):
                owner.setdefault(node, cls.name)
    return owner


def marked_strings() -> set[tuple[str, str, str]]:
    """(context, source, where) of every literal marked for Qt translation in her2desk/."""
    found = set()
    for path in sorted((ROOT / "her2desk").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        owner = _class_of(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                    for a in node.args]
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if name == "tr" and isinstance(f, ast.Attribute) and args and args[0]:
                found.add((owner.get(node, "?"), args[0], where))
            elif name in ("translate", "QT_TRANSLATE_NOOP") and len(args) >= 2 and args[0] and args[1]:
                if path.name != "i18n.py":
                    found.add((args[0], args[1], where))
    return found


def test_every_marked_string_is_in_the_catalogue_and_translated():
    catalogue = _catalogue()
    marked = marked_strings()
    assert len(marked) >= 30
    missing = sorted(f"{w}: [{c}] {s!r}" for c, s, w in marked if not catalogue.get((c, s), "").strip())
    assert not missing, "\n".join(missing)


def test_the_catalogue_has_no_message_the_source_lost():
    marked = {(c, s) for c, s, _ in marked_strings()}
    stale = sorted(f"[{c}] {s!r}" for c, s in _catalogue() if (c, s) not in marked)
    assert not stale, "\n".join(stale)

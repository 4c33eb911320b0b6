"""Every string the source marks for translation is in the zh_CN catalogue, translated.

An lupdate-equivalent scan (ast): ``self.tr("…")``, ``QCoreApplication.translate("Context", "…")``
(also through a local alias ``translate``) and ``QT_TRANSLATE_NOOP("Context", "…")``; and every
string the Qt-free catalogue is asked for in the source: ``N_("…")`` and ``N_(f"… {x} …")``, an
f-string standing for its template with numbered holes ("… {0} …"), must be an exact entry or a
template of her2desk/i18n_zh_CN.json."""
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


def _template_of(node: ast.AST) -> str | None:
    """The literal, or an f-string's text with its expressions numbered {0}, {1}… in order."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        out, hole = [], 0
        for part in node.values:
            if isinstance(part, ast.Constant):
                out.append(str(part.value))
            else:
                out.append("{%d}" % hole)
                hole += 1
        return "".join(out)
    return None


def n_marked() -> set[tuple[str, str]]:
    """(template, where) of every ``N_(…)`` in her2desk/."""
    found = set()
    for path in sorted((ROOT / "her2desk").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "N_" and node.args:
                text = _template_of(node.args[0])
                assert text is not None, f"{path.relative_to(ROOT)}:{node.lineno}: N_ of a non-literal"
                found.add((text, f"{path.relative_to(ROOT)}:{node.lineno}"))
    return found


def _qt_free_catalogue() -> tuple[dict[str, str], dict[str, str]]:
    import json

    from her2desk.i18n import template_key

    data = json.loads((ROOT / "her2desk" / "i18n_zh_CN.json").read_text(encoding="utf-8"))
    return data["exact"], {template_key(k): v for k, v in data.get("templates", {}).items()}


def test_every_n_marked_string_is_in_the_qt_free_catalogue():
    exact, templates = _qt_free_catalogue()
    marked = n_marked()
    assert len(marked) >= 40
    missing = sorted(f"{w}: {t!r}" for t, w in marked
                     if not (exact.get(t) or templates.get(t) or "").strip())
    assert not missing, "\n".join(missing)


def test_every_template_has_its_holes_in_the_translation_and_no_template_is_stale():
    from her2desk.i18n import template_order

    exact, templates = _qt_free_catalogue()
    marked = {t for t, _ in n_marked()}
    for english, chinese in templates.items():
        assert sorted(template_order(english)) == sorted(set(template_order(chinese))), english
    stale = sorted(t for t in templates if t not in marked)
    assert not stale, "\n".join(stale)


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


#: Calls whose literal argument the user reads: (name, argument positions). A literal English
#: text there must come through tr()/translate() (or N_ for the Qt-free catalogue).
VISIBLE_CALLS = {"QLabel": (0,), "QPushButton": (0,), "QCheckBox": (0,), "QRadioButton": (0,),
                 "QGroupBox": (0,), "QAction": (0,), "setText": (0,), "setToolTip": (0,),
                 "setStatusTip": (0,), "setPlaceholderText": (0,), "setWindowTitle": (0,),
                 "addAction": (0,), "addMenu": (0,), "showMessage": (0,), "show_banner": (0,),
                 "clear_results": (0,), "show_message": (0,), "addTab": (1,), "addRow": (0,),
                 "question": (1, 2), "warning": (1, 2), "information": (1, 2), "critical": (1, 2),
                 "getSaveFileName": (1,), "getExistingDirectory": (1,), "getOpenFileName": (1,)}


def _english(node: ast.AST) -> bool:
    """A literal (or an f-string's literal parts) with a word of three letters or more."""
    import re

    text = _template_of(node)
    return text is not None and bool(re.search(r"[A-Za-z]{3,}", text)) and bool(re.search(r"[a-z]{2}", text))


def test_no_user_visible_english_literal_in_the_ui_escapes_the_catalogue():
    """Heuristic lupdate check: a literal handed straight to a label, button, tooltip, menu,
    status bar, banner, dialog or file dialog is English the Chinese window would show."""
    found = []
    for path in sorted((ROOT / "her2desk" / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            for i in VISIBLE_CALLS.get(name, ()):
                if i < len(node.args) and _english(node.args[i]):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {_template_of(node.args[i])!r}")
    assert not found, "\n".join(found)

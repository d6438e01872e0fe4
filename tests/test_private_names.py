"""No module of the bot, the scoring or the advice reaches into another's private names (``_name``):
what one module offers another is public and documented (``Storage.reading()``, ``tables.iso``,
``advice.ranking.measure``), so a module can change its private parts without breaking a caller it
cannot see. One check across the packages, since they import each other (the bot uses scoring and
advice, advice uses scoring)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "advice", "scoring")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _defined(tree: ast.Module) -> set[str]:
    """The private names a module defines: functions, classes, methods, assignments, ``self._x``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if _private(name)}


def _own(receiver: ast.expr) -> bool:
    if isinstance(receiver, ast.Name):
        return receiver.id in ("self", "cls")
    return isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super"


def _modules() -> dict[Path, ast.Module]:
    paths = sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in paths}


def crossings(modules: dict[Path, ast.Module]) -> list[str]:
    """Each use of a private name another module defines, or a private name imported from one of ``PACKAGES``."""
    defined = {path: _defined(tree) for path, tree in modules.items()}
    found = []
    for path, tree in modules.items():
        elsewhere = set().union(*(names for other, names in defined.items() if other != path)) - defined[path]
        where = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in PACKAGES:
                found += [f"{where}:{node.lineno} imports {a.name}" for a in node.names if _private(a.name)]
            elif isinstance(node, ast.Attribute) and _private(node.attr) and node.attr in elsewhere:
                if _own(node.value):
                    continue  # a subclass's own (inherited) member: ``self._reading()``, ``super()._end()``
                found.append(f"{where}:{node.lineno} uses {ast.unparse(node)}")
    return found


def test_no_module_uses_a_private_name_of_another():
    assert crossings(_modules()) == []


def test_the_check_sees_a_private_import_and_a_private_call():
    modules = {
        ROOT / "bot" / "a.py": ast.parse("class S:\n    def _reading(self): ...\ndef _iso(x): ..."),
        ROOT / "bot" / "b.py": ast.parse("from bot.a import S, _iso\nasync def f(s: S):\n    s._reading()\n"),
    }
    assert crossings(modules) == ["bot/b.py:1 imports _iso", "bot/b.py:3 uses s._reading"]


def test_the_check_sees_advice_importing_a_private_name_of_scoring_or_advice():
    modules = {
        ROOT / "advice" / "ranking.py": ast.parse("def _measure(): ..."),
        ROOT / "advice" / "planner.py": ast.parse("from advice.ranking import _measure\nfrom scoring.card import _x\n"),
        ROOT / "scoring" / "card.py": ast.parse("import advice.ranking\ndef f():\n    advice.ranking._measure()\n"),
    }
    assert crossings(modules) == [
        "advice/planner.py:1 imports _measure",
        "advice/planner.py:2 imports _x",
        "scoring/card.py:3 uses advice.ranking._measure",
    ]

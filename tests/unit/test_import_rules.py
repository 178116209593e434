"""The package's shape, enforced (ARCHITECTURE.md): layers, features, navigation, module size.

Every import in every module is read with `ast` (also those inside functions), so a lazy import
cannot slip past. The checker is run on the real package and, to prove it can fail, on small
trees that break each rule.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

import buildx_tui

PACKAGE = Path(buildx_tui.__file__).parent
MAX_LINES = 500
#: A module may be longer if its docstring says why (one state machine read best whole).
LONG_OK = "a single state machine"


@dataclass(frozen=True)
class Violation:
    module: str
    imported: str
    rule: str

    def __str__(self) -> str:
        return f"{self.module} imports {self.imported}: {self.rule}"


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path, path: Path) -> set[str]:
    """Every module a file imports, absolute (``from x import y`` counts x and x.y)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(root, path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return found


def feature_of(name: str, layer: str) -> str | None:
    """``buildx_tui.core.build.spec`` -> ``build``; shared modules -> None."""
    parts = name.split(".")
    if len(parts) < 3 or parts[1] != layer:
        return None
    candidate = parts[2]
    return candidate if candidate in FEATURE_PACKAGES[layer] else None


FEATURE_PACKAGES: dict[str, set[str]] = {"core": set(), "ui": set()}
#: Packages inside a layer that every feature may use (not features themselves).
SHARED_PACKAGES = {"core": {"docker", "dockerfile", "progress"}, "ui": {"common"}}


def discover(root: Path) -> None:
    for layer in ("core", "ui"):
        FEATURE_PACKAGES[layer] = {
            p.name
            for p in (root / layer).iterdir()
            if p.is_dir() and (p / "__init__.py").exists() and p.name not in SHARED_PACKAGES[layer]
        }


def check(root: Path) -> list[Violation]:
    discover(root)
    top = root.name
    out: list[Violation] = []
    for path in sorted(root.rglob("*.py")):
        name = module_name(root, path)
        parts = name.split(".")
        layer = parts[1] if len(parts) > 1 else ""
        own = feature_of(name, layer) if layer in ("core", "ui") else None
        for imported in sorted(imports_of(root, path)):
            if not imported.startswith(top + ".") and imported != top:
                if layer == "core" and imported.split(".")[0] == "textual":
                    out.append(Violation(name, imported, "core never imports Textual"))
                continue
            iparts = imported.split(".")
            ilayer = iparts[1] if len(iparts) > 1 else ""
            if layer == "core" and ilayer == "ui":
                out.append(Violation(name, imported, "core never imports ui"))
                continue
            if ilayer not in ("core", "ui"):
                continue
            other = feature_of(imported, ilayer)
            if other is None or (other == own and ilayer == layer):
                if layer == "ui" and own is not None and imported == f"{top}.ui.app":
                    out.append(Violation(name, imported, "a ui feature never imports ui.app"))
                continue
            if layer == "core" and ilayer == "core":
                why = "core features import only the shared core modules"
                if own is None:
                    why = "shared core modules import no feature"
                out.append(Violation(name, imported, why))
            elif layer == "ui" and ilayer == "ui" and own is not None:
                out.append(
                    Violation(name, imported, "a ui feature never imports another ui feature")
                )
            elif layer == "ui" and ilayer == "ui" and parts[2] in SHARED_PACKAGES["ui"]:
                out.append(Violation(name, imported, "ui/common imports no ui feature"))
            elif layer == "ui" and ilayer == "ui" and parts[2] in ("services", "navigation"):
                out.append(Violation(name, imported, "services/navigation import no ui feature"))
    return out


def long_modules(root: Path) -> list[str]:
    out = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines > MAX_LINES and LONG_OK not in (ast.get_docstring(ast.parse(text)) or ""):
            out.append(f"{path.relative_to(root)}: {lines} lines")
    return out


# -- the real package ------------------------------------------------------------
def test_the_package_keeps_its_import_rules():
    assert check(PACKAGE) == []


def test_no_module_is_over_500_lines_without_saying_why():
    assert long_modules(PACKAGE) == []


def test_the_checker_sees_the_features():
    discover(PACKAGE)
    assert {"build", "create", "inspect"} <= FEATURE_PACKAGES["core"]
    assert {"builders", "build", "create", "inspect"} <= FEATURE_PACKAGES["ui"]


# -- the checker fails on each kind of violation ----------------------------------------
def make_tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    base = {
        "__init__.py": "",
        "core/__init__.py": "",
        "core/builders.py": "",
        "core/docker/__init__.py": "",
        "core/docker/client.py": "",
        "core/build/__init__.py": "",
        "core/build/spec.py": "",
        "core/create/__init__.py": "",
        "core/create/spec.py": "",
        "ui/__init__.py": "",
        "ui/app.py": "",
        "ui/services.py": "",
        "ui/common/__init__.py": "",
        "ui/common/help.py": "",
        "ui/build/__init__.py": "",
        "ui/build/form.py": "",
        "ui/inspect/__init__.py": "",
        "ui/inspect/screen.py": "",
    }
    for rel, text in {**base, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


BAD = {
    "core imports textual": ("core/build/spec.py", "import textual.app\n"),
    "core imports textual lazily": (
        "core/builders.py",
        "def f():\n    from textual.widgets import Static\n",
    ),
    "core imports ui": ("core/build/spec.py", "from pkg.ui.build import form\n"),
    "core feature imports another": ("core/build/spec.py", "from pkg.core.create.spec import X\n"),
    "relative import of another feature": ("core/build/spec.py", "from ..create import spec\n"),
    "shared core imports a feature": ("core/docker/client.py", "import pkg.core.build.spec\n"),
    "ui feature imports ui.app": ("ui/build/form.py", "def f():\n    from pkg.ui.app import A\n"),
    "ui feature imports another's screen": (
        "ui/build/form.py",
        "from pkg.ui.inspect.screen import InspectorScreen\n",
    ),
    "ui common imports a feature": ("ui/common/help.py", "from pkg.ui.build.form import F\n"),
    "services import a feature": ("ui/services.py", "from pkg.ui.build import form\n"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_the_checker_fails_on(case, tmp_path):
    rel, text = BAD[case]
    root = make_tree(tmp_path, {rel: text})
    assert check(root), f"not caught: {case}"


def test_the_checker_allows_the_intended_imports(tmp_path):
    root = make_tree(
        tmp_path,
        {
            "core/build/spec.py": (
                "from pkg.core.docker.client import C\nfrom pkg.core import builders\n"
            ),
            "ui/build/form.py": (
                "from pkg.ui.common.help import H\nfrom pkg.core.build.spec import S\n"
                "from pkg.ui.services import AppScreen\nfrom . import form\n"
            ),
            "ui/app.py": (
                "def f():\n    from pkg.ui.build.form import F\n"
                "    from pkg.ui.inspect import screen\n"
            ),
        },
    )
    assert check(root) == []


def test_long_modules_are_found_unless_they_say_why(tmp_path):
    root = make_tree(tmp_path, {"core/build/spec.py": "x = 1\n" * (MAX_LINES + 1)})
    assert long_modules(root) == [f"core/build/spec.py: {MAX_LINES + 1} lines"]
    root = make_tree(
        tmp_path / "b",
        {"core/build/spec.py": f'"""{LONG_OK} kept whole."""\n' + "x = 1\n" * MAX_LINES},
    )
    assert long_modules(root) == []

"""The core never imports Textual (ARCHITECTURE.md, "Rules"): every core module is imported in a
fresh interpreter, then sys.modules is checked. test_import_rules.py reads imports statically."""

from __future__ import annotations

import ast
import pathlib
import pkgutil
import subprocess
import sys

import buildx_tui.core


def test_core_does_not_import_textual():
    modules = [m.name for m in pkgutil.walk_packages(buildx_tui.core.__path__, "buildx_tui.core.")]
    assert "buildx_tui.core.docker.client" in modules
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_ui_builds_no_argv_and_parses_no_docker_output():
    """Nothing in ui/ runs processes or parses JSON: that is core's job."""
    ui = pathlib.Path(buildx_tui.core.__file__).parent.parent / "ui"
    for path in ui.rglob("*.py"):
        text = path.read_text()
        for forbidden in ("import subprocess", "json.loads", "Popen("):
            assert forbidden not in text, f"{path}: {forbidden}"


def ui_modules(but: str) -> list[tuple[str, ast.Module]]:
    """Every ui module but the one named ``but``, parsed: (file name, tree)."""
    ui = pathlib.Path(buildx_tui.core.__file__).parent.parent / "ui"
    return [(p.name, ast.parse(p.read_text())) for p in ui.rglob("*.py") if p.name != but]


def test_footers_come_from_ui_common_footer():
    """Textual's Footer is made again on every change of the screen's bindings, and under
    another screen too: every screen yields ui/common/footer.py's AppFooter."""
    found = [
        f"{name}:{node.lineno}"
        for name, tree in ui_modules(but="footer.py")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Footer"
    ]
    assert found == []


def test_checkboxes_come_from_ui_common_toggles():
    """Textual's own Checkbox, RadioButton and SelectionList show their state by colour alone:
    every ui module takes them from ui/common/toggles.py, which draws a mark."""
    own = {"Checkbox", "RadioButton", "SelectionList"}
    found = [
        f"{name}: {alias.name}"
        for name, tree in ui_modules(but="toggles.py")
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual")
        for alias in node.names
        if alias.name in own
    ]
    assert found == []

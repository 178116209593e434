"""The core never imports Textual (ARCHITECTURE.md, "Rules"): every core module is imported in a
fresh interpreter, then sys.modules is checked. test_import_rules.py reads imports statically."""

from __future__ import annotations

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
    import pathlib

    ui = pathlib.Path(buildx_tui.core.__file__).parent.parent / "ui"
    for path in ui.rglob("*.py"):
        text = path.read_text()
        for forbidden in ("import subprocess", "json.loads", "Popen("):
            assert forbidden not in text, f"{path}: {forbidden}"


def test_footers_come_from_ui_common_footer():
    """Textual's Footer is made again on every change of the screen's bindings, and under
    another screen too: every screen yields ui/common/footer.py's AppFooter."""
    import ast
    import pathlib

    ui = pathlib.Path(buildx_tui.core.__file__).parent.parent / "ui"
    found = []
    for path in ui.rglob("*.py"):
        if path.name == "footer.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Footer":
                found.append(f"{path.name}:{node.lineno}")
    assert found == []


def test_checkboxes_come_from_ui_common_toggles():
    """Textual's own Checkbox, RadioButton and SelectionList show their state by colour alone:
    every ui module takes them from ui/common/toggles.py, which draws a mark."""
    import ast
    import pathlib

    ui = pathlib.Path(buildx_tui.core.__file__).parent.parent / "ui"
    own = {"Checkbox", "RadioButton", "SelectionList"}
    found = []
    for path in ui.rglob("*.py"):
        if path.name == "toggles.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
                found += [f"{path.name}: {a.name}" for a in node.names if a.name in own]
    assert found == []

"""What the bake workspace draws from what bake said: the summary line, the groups/targets
tree, a target's details (with where an overridden value comes from), the variables' fields,
the checks with their Dockerfile line, the entitlements dialog's text, a refusal of the files.
Pure functions of core/bake's models (and the widgets they fill); the screen decides when."""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

from rich.text import Text
from textual.containers import Horizontal
from textual.widgets import Input, Label, Tree

from buildx_tui.core.bake.calls import CheckWarning, Entitlement
from buildx_tui.core.bake.definition import BakeDefinition, BakeError, BakeTarget
from buildx_tui.core.bake.preflight import Preflight, preflight
from buildx_tui.core.bake.spec import grants
from buildx_tui.core.bake.variables import Variable
from buildx_tui.core.builders import Builder
from buildx_tui.ui.common.confirm import ConfirmDialog

#: A target's rows in the details: (label, --set key, value).
_KEYS = (
    ("context", "context"),
    ("dockerfile", "dockerfile"),
    ("stage", "target"),
    ("platforms", "platform"),
    ("tags", "tags"),
    ("outputs", "output"),
    ("cache", "cache-from"),
)


def safe(name: str) -> str:
    """``name`` as a widget id part."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def var_id(name: str) -> str:
    return f"bake-var-{safe(name)}"


def var_rows(
    variables: tuple[Variable, ...], values: dict[str, str] | None = None
) -> list[Horizontal]:
    """One row per variable: name (and type), a field holding its value (default: its
    default)."""
    rows = []
    for var in variables:
        label = var.name + (f" ({var.type})" if var.type else "")
        rows.append(
            Horizontal(
                Label(label[:21], classes="bake-var-label"),
                Input(
                    value=(values or {}).get(var.name, var.default),
                    placeholder=var.description or var.name,
                    id=var_id(var.name),
                    compact=True,
                    tooltip=var.description or None,
                ),
                classes="bake-var-row",
            )
        )
    return rows


def fill_tree(tree: Tree[str], d: BakeDefinition) -> None:
    """Groups (with their targets; a matrix is a group of the targets it becomes), then every
    target; the cursor on the first group (`default`: what `bake` alone builds)."""
    tree.clear()
    for name, members in d.groups.items():
        node = tree.root.add(Text.assemble(("▸ ", "bold"), (name, "bold")), data=name, expand=True)
        for m in members:
            node.add_leaf(m, data=m)
    for name in d.targets:
        tree.root.add_leaf(name, data=name)
    tree.root.expand()
    tree.cursor_line = 0


def select_in_tree(tree: Tree[str], name: str) -> bool:
    """Move the cursor to the (first) node of ``name``; False when there is none."""
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and node.data == name:
            tree.cursor_line = line
            return True
    return False


def summary_text(
    folder: str, files: tuple[str, ...], builder: str | None, d: BakeDefinition | None, nvars: int
) -> Text:
    line = Text()
    line.append(str(folder), "bold")
    names = ", ".join(Path(f).name for f in files) or "no bake file found"
    line.append(f"  reads: {names}", "dim")
    line.append("\nbuilder: " + (builder or "the current one"), "dim")
    if d is not None:
        line.append(
            f" · {len(d.targets)} target(s), {len(d.groups)} group(s), {nvars} variable(s)", "dim"
        )
    return line


def set_keys(target: str, sets: tuple[str, ...]) -> set[str]:
    """The keys of ``target`` that ``--set`` overrides (``*.platform=…`` counts for all)."""
    keys: set[str] = set()
    for s in sets:
        head = s.split("=", 1)[0]
        pattern, _, key = head.partition(".")
        if key and fnmatchcase(target, pattern):
            keys.add(key)
    return keys


def _target_rows(t: BakeTarget, overridden: set[str], out: Text) -> None:
    values = {
        "context": t.context,
        "dockerfile": t.dockerfile,
        "target": t.stage or "(the last stage)",
        "platform": ", ".join(t.platforms) or "(the builder's)",
        "tags": ", ".join(t.tags) or "(none)",
        "output": ", ".join(t.outputs) or "(cache only)",
        "cache-from": ", ".join(t.cache_from + t.cache_to) or "(none)",
    }
    for label, key in _KEYS:
        out.append(f"  {label:<11}", "dim")
        out.append(values[key])
        out.append("  ← --set\n" if key in overridden else "\n", "cyan")
    for k, v in t.args:
        out.append(f"  arg {k:<7}", "dim")
        out.append(v)
        out.append("  ← --set\n" if f"args.{k}" in overridden else "\n", "cyan")


def details_text(
    d: BakeDefinition | None, selected: tuple[str, ...], sets: tuple[str, ...], stale: bool
) -> Text:
    """The selection: a group's targets, or a target's context, Dockerfile, stage, platforms,
    tags, outputs, cache and args as bake printed them, values `--set` overrides marked.
    ``stale``: the form's overrides changed since bake printed it (ctrl+l prints it again)."""
    out = Text()
    if d is None:
        return out
    names = d.expand(selected)
    shown = selected[0] if selected else "default"
    out.append(shown, "bold")
    if shown in d.groups or len(names) != 1:
        out.append(f"  builds {', '.join(names) or 'nothing bake printed'}\n", "dim")
    elif shown in d.targets:
        t = d.targets[shown]
        if t.description:
            out.append(f"  {t.description}", "italic")
        out.append("\n")
        _target_rows(t, set_keys(shown, sets), out)
    if stale:
        out.append(
            "  as bake printed it before your changes: ctrl+l prints it again\n", "italic yellow"
        )
    return out


def checks_text(warnings: dict[str, tuple[CheckWarning, ...]]) -> Text:
    out = Text()
    if not warnings:
        return out
    count = sum(len(w) for w in warnings.values())
    out.append(f"Checks (bake --call check): {count} warning(s)\n", "bold")
    for target, found in warnings.items():
        if not found:
            out.append(f"✔ {target}: no warnings\n", "green")
        for w in found:
            out.append(f"⚠ {target}: {w.rule}", "bold yellow")
            out.append(f" {w.message}\n")
            out.append(f"  {w.where}: ", "dim")
            out.append(f"{w.source_line}\n")
    return out


def preflight_text(found: tuple[Preflight, ...]) -> Text:
    out = Text()
    for p in found:
        mark, style = ("✖ refused", "bold red") if p.refused else ("⚠ may fail", "bold yellow")
        if p.note:
            mark, style = "• note", "bold"
        out.append(f"{mark} {p.target}: ", style)
        out.append(f"{p.message}\n")
    return out


def selected_preflight(
    d: BakeDefinition | None, selected: tuple[str, ...], builder: Builder | None,
    platforms: tuple[str, ...], *, cwd: str, push: bool,
) -> tuple[Preflight, ...]:  # fmt: skip
    if d is None:
        return ()
    targets = tuple(d.targets[n] for n in d.expand(selected))
    driver = builder.driver if builder is not None else None
    return preflight(targets, driver, platforms, builder=builder, cwd=cwd, push=push)


def refusal_dialog(refused: list[Preflight]) -> ConfirmDialog:
    text = "\n".join(f"• {p.target}: {p.message}" for p in refused)
    return ConfirmDialog(
        "buildx will refuse this", f"{text}\n\nRun it anyway?", yes="Run anyway", no="Do not run"
    )


def entitlements_dialog(asked: tuple[Entitlement, ...]) -> ConfirmDialog:
    return ConfirmDialog(
        "Entitlements", entitlements_text(asked), yes="Grant and go on", no="Do not grant"
    )


def entitlements_text(asked: tuple[Entitlement, ...]) -> str:
    lines = ["bake asks for entitlements it will not grant itself:", ""]
    for e in asked:
        lines.append(f"• --allow {e.flag}")
        lines.append(f"  bake: {e.reason or '(no reason given)'}")
        lines.append(f"  grants: {grants(e.flag)}")
    lines += ["", "Grant them for this run?"]
    return "\n".join(lines)


def error_text(error: BakeError) -> Text:
    text = Text("✖ bake cannot read this workspace: nothing runs\n", "bold")
    where = f"{error.where}: " if error.where else ""
    text.append(where + error.message)
    for ln in error.excerpt:
        text.append("\n" + ln, "dim")
    return text

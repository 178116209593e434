"""What the build form shows of its checks: each field's errors under it, the checks panel
(errors in short, then refusals, what is known to fail, notes) and the command."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.dom import DOMNode
from textual.widgets import Static

from buildx_tui.core.build.issue import Issue, Severity
from buildx_tui.ui.build.form_fields import FIELD_LABEL, FIELD_WIDGET, FIELDS, MARK


def sort_issues(issues: list[Issue]) -> None:
    """In the order of the fields on screen; issues of no field last."""
    issues.sort(key=lambda i: FIELDS.index(i.field) if i.field in FIELDS else len(FIELDS))


def show_field_errors(screen: DOMNode, issues: list[Issue]) -> None:
    for field in FIELDS:
        msgs = [i for i in issues if i.field == field and i.severity is Severity.ERROR]
        box = screen.query_one(f"#err-{field}", Static)
        box.display = bool(msgs)
        box.update(Text("\n".join("✖ " + i.message for i in msgs), "red"))
        widget = screen.query_one(FIELD_WIDGET[field])
        widget.set_class(bool(msgs), "-invalid")


def checks_text(issues: list[Issue]) -> Group:
    """Errors in short (each is shown in full under its field), then refusals, what is
    known to fail, and notes."""
    lines = []
    errors = [i for i in issues if i.severity is Severity.ERROR]
    if errors:
        mark, style = MARK[Severity.ERROR]
        lines.append(Text(mark, style).append(errors[0].message, "red"))
        if len(errors) > 1:
            fields = ", ".join(dict.fromkeys(FIELD_LABEL[i.field] for i in errors[1:]))
            lines.append(Text(mark, style).append(f"{len(errors) - 1} more in: {fields}", "red"))
    for severity in (Severity.REFUSAL, Severity.WARNING, Severity.NOTE):
        mark, style = MARK[severity]
        lines += [Text(mark, style).append(i.message) for i in issues if i.severity is severity]
    if not any(i.severity is not Severity.NOTE for i in issues):
        lines.insert(0, Text("✔ ready to build", "green"))
    return Group(*lines)


def command_text(command: str | None) -> Text:
    text = Text()
    if command is None:
        text.append("fix the errors above to see the command", "dim")
    else:
        text.append("$ ", "dim")
        text.append(command, "bold")
        text.append(
            "\n  the TUI adds --progress=rawjson --metadata-file <temporary file> "
            "to follow the build",
            "dim",
        )
    return text

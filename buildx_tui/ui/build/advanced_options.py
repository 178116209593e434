"""The build form's "Advanced" section: `--secret`, `--ssh`, `--cache-from`, `--cache-to`,
`--label` and `--annotation`, one per line each. Collapsed until used; its title counts what is set.

Each option has a TextArea (id from `OPTION_WIDGET`) and an error line ``#err-<field>`` that the
form fills with the field-error mechanism it uses for every other field.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.widgets import Collapsible, Label, Static, TextArea

from buildx_tui.core.build.form import FormValues

TITLE = "Advanced: secrets, ssh, cache, labels, annotations"


@dataclass(frozen=True)
class Option:
    field: str  # FormValues / Issue field
    widget_id: str
    label: str
    placeholder: str


OPTIONS: tuple[Option, ...] = (
    Option(
        "secrets",
        "secrets",
        "Secrets  --secret  (the command never holds the value)",
        "id=npmrc,src=~/.npmrc\nid=token,env=GITHUB_TOKEN",
    ),
    Option("ssh", "ssh", "SSH  --ssh", "default  (your ssh-agent)\ngithub=~/.ssh/id_ed25519"),
    Option(
        "cache_from",
        "cache-from",
        "Cache from  --cache-from",
        "127.0.0.1:5000/app:cache\ntype=local,src=/tmp/buildcache",
    ),
    Option(
        "cache_to",
        "cache-to",
        "Cache to  --cache-to",
        "type=registry,ref=127.0.0.1:5000/app:cache,mode=max\ntype=local,dest=/tmp/buildcache",
    ),
    Option("labels", "labels", "Labels  --label KEY=VALUE", "org.opencontainers.image.source=…"),
    Option(
        "annotations",
        "annotations",
        "Annotations  --annotation [TYPE:]KEY=VALUE",
        "org.opencontainers.image.description=…\nindex:org.opencontainers.image.vendor=…",
    ),
)
OPTION_WIDGET = {o.field: f"#{o.widget_id}" for o in OPTIONS}
OPTION_LABEL = {
    "secrets": "secrets",
    "ssh": "ssh",
    "cache_from": "cache from",
    "cache_to": "cache to",
    "labels": "labels",
    "annotations": "annotations",
}


def option_texts(values: FormValues) -> dict[str, str]:
    return {o.field: getattr(values, o.field) for o in OPTIONS}


class AdvancedOptions(Collapsible):
    """Collapsed unless ``values`` already holds an advanced option (a build loaded from the
    history)."""

    def __init__(self, values: FormValues, *, id: str | None = None) -> None:
        texts = option_texts(values)
        children = []
        for option in OPTIONS:
            children += [
                Label(option.label, classes="field-label wide"),
                TextArea(
                    texts[option.field],
                    id=option.widget_id,
                    soft_wrap=False,
                    show_line_numbers=False,
                    compact=True,
                    placeholder=option.placeholder,
                    classes="option-lines",
                ),
                Static("", id=f"err-{option.field}", classes="field-error"),
            ]
        super().__init__(*children, title=TITLE, collapsed=not any(texts.values()), id=id)

    def texts(self) -> dict[str, str]:
        """What is typed, by FormValues field."""
        return {o.field: self.query_one(f"#{o.widget_id}", TextArea).text for o in OPTIONS}

    def load(self, values: FormValues) -> None:
        """Show ``values``' options; expanded when any is set."""
        texts = option_texts(values)
        for option in OPTIONS:
            self.query_one(f"#{option.widget_id}", TextArea).text = texts[option.field]
        if any(texts.values()):
            self.collapsed = False

    def show_count(self, count: int) -> None:
        self.title = f"{TITLE}  ({count} set)" if count else TITLE

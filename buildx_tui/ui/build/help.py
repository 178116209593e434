"""`?` on the build form, the live build and the build history: the app's help screen with their
keys, what each field and option of `docker buildx build` does, and their marks."""

from __future__ import annotations

from collections.abc import Iterable

from rich.markup import escape
from textual.binding import Binding, BindingType

from buildx_tui.ui.common.help import HelpScreen


def _row(what: str, meaning: str) -> Binding:
    """A row of the help table shown like a key binding (the table reads descriptions as Rich
    markup: ``[registry/]`` must not vanish)."""
    return Binding(what, "", escape(meaning))


FORM_KEYS = [
    Binding("tab,shift+tab", "", "Next / previous field"),
    Binding("space", "", "Tick a checkbox, choose an output"),
    Binding("enter", "", "On 'Advanced': open or close the section"),
]

FIELDS = [
    _row("Builder", "--builder: where the build runs (docker-container builders do most)"),
    _row("Context", "the folder sent to the builder (a git or https URL works too)"),
    _row(
        "Dockerfile",
        "-f: default Dockerfile in the context; relative to where you are. Under it: what "
        "buildx's build checks say of it (build --call=check, run on the builder as you type: "
        "rule, message, the line), a syntax error with its line, or why the check could not run",
    ),
    _row(
        "Target",
        "--target: the stage to build (FROM … AS name); default the last one. ctrl+t lists the "
        "stages (build --call=targets: description, the default marked) to pick one",
    ),
    _row("Tags", "-t: [registry/]name[:tag], several separated by spaces or commas"),
    _row(
        "Build args",
        "--build-arg KEY=VALUE, one per line (a bare KEY: buildx takes its value from its "
        "environment, or passes none when KEY is not set there); kept in the image history: "
        "never for secrets. ctrl+g lists the target's args (build --call=outline: default, "
        "description) and fills in the ones you tick; what you typed is kept",
    ),
    _row(
        "Platforms",
        "--platform: native ones are fast, QEMU ones several times slower; one marked ? is not "
        "listed by the builder: it builds if the builder's host has a QEMU emulator for it (not "
        "known until it runs); its tooltip says how to be sure",
    ),
    _row(
        "Output",
        "--push to the registry, --load into the engine, an OCI or filesystem tar file "
        "(--output type=oci|tar,dest=FILE), or nothing: the result stays in the build cache",
    ),
    _row("--no-cache", "run every step again instead of reusing the cache"),
    _row("--pull", "check the registry for newer base images"),
]

OPTIONS = [
    _row(
        "--secret",
        "id=NAME,src=FILE or id=NAME,env=VAR, one per line; the Dockerfile reads it with "
        "RUN --mount=type=secret,id=NAME. Only the id and the file path or variable name go "
        "into the command and the history, never the value",
    ),
    _row(
        "--ssh",
        "default (forwards your ssh-agent: SSH_AUTH_SOCK) or ID=KEYFILE[,KEYFILE]; for "
        "RUN --mount=type=ssh, e.g. a git clone over ssh",
    ),
    _row(
        "--cache-from",
        "where to import cache from: REPO:TAG (a registry cache or an image with inline cache), "
        "type=local,src=DIR, type=gha, type=s3,…",
    ),
    _row(
        "--cache-to",
        "where to export the cache: type=registry,ref=REPO:TAG,mode=max, type=local,dest=DIR, "
        "type=inline (inside the image). The docker driver only does inline unless the engine "
        "uses the containerd image store",
    ),
    _row("--label", "KEY=VALUE, one per line: written into the image config"),
    _row(
        "--annotation",
        "[TYPE:]KEY=VALUE, one per line: on the manifest by default; TYPE is index, manifest, "
        "index-descriptor or manifest-descriptor, optionally [PLATFORM]",
    ),
]

FORM_LEGEND = [
    ("✖", "bold red", "an error, shown under its field: nothing runs until it is fixed"),
    ("⚠ buildx will refuse", "bold yellow", "buildx would refuse it: Build asks before running"),
    ("⚠ will fail", "bold yellow", "buildx runs it but it is known to fail: Build asks first"),
    ("•", "cyan", "a note: worth knowing, nothing to fix"),
    ("native", "green", "a platform the builder runs natively"),
    ("QEMU · slower", "yellow", "a platform the builder runs under emulation"),
    ("? not listed: may build", "yellow", "the builder does not list it: not known until it runs"),
    ("$ docker buildx build …", "bold", "the exact command, as you type (ctrl+o copies it)"),
]

HISTORY_KEYS = [
    Binding("up,down", "", "Move between builds; the details follow"),
    Binding("pageup,pagedown", "", "Page"),
]

HISTORY_LEGEND = [
    ("✔ success", "bold green", "the build finished"),
    ("✖ failed", "bold red", "a step failed: the lanes below say on which platform"),
    ("⊘ cancelled", "bold yellow", "stopped with c while it ran"),
    ("$ docker buildx build …", "bold", "the command it ran (y copies it)"),
]


class BuildFormHelp(HelpScreen):
    """The app's help with the build form's fields, options and marks."""

    LEGEND = FORM_LEGEND

    @classmethod
    def for_form(
        cls, screen_bindings: Iterable[BindingType], app_bindings: Iterable[BindingType]
    ) -> BuildFormHelp:
        return cls(
            [
                ("Build form", [*screen_bindings, *FORM_KEYS]),
                ("Fields", FIELDS),
                ("Advanced options", OPTIONS),
                ("Everywhere", app_bindings),
            ]
        )


class BuildHistoryHelp(HelpScreen):
    """The app's help with the history's keys and result marks."""

    LEGEND = HISTORY_LEGEND

    @classmethod
    def for_history(
        cls, screen_bindings: Iterable[BindingType], app_bindings: Iterable[BindingType]
    ) -> BuildHistoryHelp:
        return cls(
            [
                ("Build history", [*screen_bindings, *HISTORY_KEYS]),
                ("Everywhere", app_bindings),
            ]
        )


PROGRESS_LEGEND = [
    ("linux/arm64 · QEMU", "yellow", "a lane per platform: its badge says native or emulated"),
    ("shared steps", "bold", "context transfer, export and push: steps of no one platform"),
    ("⟳ 2/3  2.1s…", "bold cyan", "the running step (position in its stage) and its clock"),
    ("✔", "green", "a step done, with its duration"),
    ("✔ cached", "dim green", "a step BuildKit took from its cache"),
    ("✖", "bold red", "the failing step: its error and log tail stay in its lane"),
    ("·", "dim", "a step not started yet"),
    (
        "⊘ stopped",
        "yellow",
        "not failed itself: stopped by another lane's failure or the builder going away",
    ),
    ("⊘ cancelled", "yellow", "you cancelled the build (c) while it ran"),
    ("12s ×3.1", "yellow", "under a lane: its wall time and how much slower than native"),  # noqa: RUF001
]


class BuildProgressHelp(HelpScreen):
    """`?` on the live build: its keys, the lane's keys and the lanes' marks."""

    LEGEND = PROGRESS_LEGEND

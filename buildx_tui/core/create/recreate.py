"""Recreate an existing builder with changes (add ``network=host``, a registry mirror …).

buildx cannot change a builder's container in place (``create --node`` only rewrites its store
entry, and the container keeps what it was made with), so the app offers "recreate with
changes": the wizard filled from the builder as `buildx ls --format json` and buildx's store
show it (:func:`read_builder`), the difference of the two `create` commands and of the
buildkitd.toml, what is lost (:func:`review`), then `rm [--keep-state]` + `create` +
bootstrap, undone on failure by creating the original again (:func:`build_recreate_plan`; the
run is :class:`~buildx_tui.core.create.run.Runner`'s).

What `ls` gives back, checked in buildx v0.36's source and on the lab
(tests/fixtures/local/recreate-*): the driver, the node's name and endpoint, every driver option
given at create (``DriverOpts``, buildx stores them all), the BuildKit flags (``Flags``, to which
buildx appends ``--allow-insecure-entitlement=network.host`` by itself for container drivers:
see :func:`user_flags`), and the buildkitd.toml's *content* (``Files``, re-encoded by buildx:
comments dropped); the pinned platforms are in buildx's store (core/docker/store.py). What it
does not give back is said as unknown, never guessed: ``--timeout``, and the path of the
buildkitd.toml (the content is written to the app's own path for the builder).

Decisions: one-node builders only (a builder with several nodes is refused with a message);
the driver and the name stay (a builder of another driver is a new builder); a buildkitd.toml
that names registry certificates (buildx copies them into the builder under ``certs/``, their
paths are not recorded) is refused, since the original could not be created again on failure.
"""

from __future__ import annotations

import copy
import difflib
import shlex
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from buildx_tui.core.builders import Builder, Node, NodeStatus
from buildx_tui.core.commands import RemoveSpec
from buildx_tui.core.create.buildkitd.config import (
    ConfigError,
    config_path_for_builder,
    parse,
    resolve_config_path,
)
from buildx_tui.core.create.defaults import fill_driver_opts
from buildx_tui.core.create.draft import KNOWN_PLATFORMS, CreateDraft
from buildx_tui.core.create.drivers import Driver, parse_driver
from buildx_tui.core.create.run import ConfigWrite, CreatePlan, Replacement, build_plan

#: The BuildKit flag buildx appends by itself to docker-container and kubernetes nodes.
AUTO_ENTITLEMENT = "--allow-insecure-entitlement=network.host"
#: buildx's BuildKit image when no ``image`` driver option is given (driver/bkimage).
DEFAULT_IMAGE = "moby/buildkit:buildx-stable-1"
TOML_FILE = "buildkitd.toml"

ReadText = Callable[[Path], str | None]


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None


# --- what can be recreated ------------------------------------------------------------------


def refusal(builder: Builder) -> str:
    """Why ``builder`` cannot be recreated here ("" when it can)."""
    name = builder.name
    if builder.driver == "docker":
        return (
            f"{name} uses the docker driver: it is the Docker engine's own builder, which buildx "
            "cannot create, so it cannot be recreated"
        )
    if parse_driver(builder.driver) is None:
        return (
            f"{name} uses the {builder.driver or 'unknown'} driver, which buildx-tui cannot create"
        )
    if builder.dynamic:
        return f"{name} is a dynamic builder: buildx makes its nodes, it cannot be recreated"
    if not builder.nodes:
        why = f" ({builder.error})" if builder.error else ""
        return f"buildx lists no node for {name}{why}: its settings cannot be read"
    if len(builder.nodes) > 1:
        names = ", ".join(n.name for n in builder.nodes)
        return (
            f"{name} has {len(builder.nodes)} nodes ({names}); recreating works on one-node "
            "builders for now: remove the other nodes (L), recreate it, then add them again (a)"
        )
    certs = sorted(f for f in builder.nodes[0].files if f != TOML_FILE)
    if certs:
        return (
            f"{name}'s buildkitd.toml names registry certificates that buildx copied into the "
            f"builder ({', '.join(certs)}); their paths are not recorded, so the builder could "
            "not be created again if the new one failed: recreate it by hand"
        )
    return ""


# --- the builder as it is -------------------------------------------------------------------


@dataclass(frozen=True)
class RecreateSource:
    """A builder as it is, read back for the wizard."""

    builder: Builder
    node: Node
    draft: CreateDraft  # as it is: use :meth:`new_draft` for the wizard's copy
    config_path: Path | None  # where its buildkitd.toml is written (None: it runs without)
    running_toml: str | None  # the buildkitd.toml its node runs with (buildx's copy)
    notes: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.builder.name

    @property
    def base_toml(self) -> str | None:
        """The text the wizard edits: the file at ``config_path`` when it holds the settings
        the node runs with (comments kept), else the node's copy."""
        return self.draft.config_text if self.running_toml is not None else None

    def new_draft(self) -> CreateDraft:
        return copy.deepcopy(self.draft)


def user_flags(
    driver: str, flags: Sequence[str], driver_opts: Mapping[str, str], toml: str | None
) -> tuple[list[str], bool]:
    """The BuildKit flags given at create, and whether buildx appended :data:`AUTO_ENTITLEMENT`
    by itself (buildx v0.36 builder.parseBuildkitdFlags: for docker-container with
    ``network=host`` unless the flags allow network.host; for docker-container and kubernetes
    when the flags allow no entitlement and the buildkitd.toml does not allow network.host). An
    appended flag is left out: buildx adds it again."""
    out = list(flags)
    if not out or out[-1] != AUTO_ENTITLEMENT:
        return out, False
    rest = out[:-1]
    allowed = _entitlements(rest)
    d = parse_driver(driver)
    if d == Driver.DOCKER_CONTAINER and driver_opts.get("network") == "host":
        auto = "network.host" not in allowed
    else:
        in_conf = "network.host" in _toml_entitlements(toml)
        auto = not allowed and not in_conf and d in (Driver.DOCKER_CONTAINER, Driver.KUBERNETES)
    return (rest, True) if auto else (out, False)


def _entitlements(flags: Sequence[str]) -> list[str]:
    out: list[str] = []
    for i, flag in enumerate(flags):
        if flag == "--allow-insecure-entitlement" and i + 1 < len(flags):
            out.append(flags[i + 1])
        elif flag.startswith("--allow-insecure-entitlement="):
            out.append(flag.split("=", 1)[1])
    return out


def _toml_entitlements(toml: str | None) -> list[str]:
    try:
        value = tomllib.loads(toml or "").get("insecure-entitlements")
    except tomllib.TOMLDecodeError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def same_settings(a: str, b: str) -> bool:
    """Whether two buildkitd.toml texts hold the same settings (comments and layout aside)."""
    try:
        return tomllib.loads(a) == tomllib.loads(b)
    except tomllib.TOMLDecodeError:
        return False


def read_builder(
    builder: Builder,
    pinned: Mapping[str, Sequence[str]] | None = None,
    *,
    config_dir: Path | None = None,
    read: ReadText = _read_text,
) -> RecreateSource:
    """``builder`` as the wizard's draft (see the module's docstring). ``pinned`` maps node
    name -> platforms pinned at create (default: the node's ``pinned_platforms``, which the
    backend reads from buildx's store). Raises ValueError with :func:`refusal`'s reason."""
    why = refusal(builder)
    if why:
        raise ValueError(why)
    node = builder.nodes[0]
    kind = parse_driver(builder.driver)
    notes: list[str] = []
    unknown: list[str] = [
        "--timeout: buildx does not store it; its default (20s) applies unless you set one "
        "on the endpoint step"
    ]
    draft = CreateDraft(
        name=builder.name,
        driver=builder.driver,
        endpoint="" if kind == Driver.KUBERNETES else node.endpoint,
        node=node.name,
        bootstrap=True,
        use=False,
    )
    plats = list((pinned or {}).get(node.name, node.pinned_platforms))
    draft.platforms = [p for p in plats if p in KNOWN_PLATFORMS]
    draft.extra_platforms = ",".join(p for p in plats if p not in KNOWN_PLATFORMS)
    opts = dict(node.driver_opts)
    fill_driver_opts(draft, kind, opts)
    running = node.files.get(TOML_FILE) if draft.config_supported else None
    flags, auto = user_flags(builder.driver, node.flags, node.driver_opts, running)
    if draft.config_supported:
        draft.buildkitd_flags = shlex.join(flags)
    if auto:
        notes.append(
            f"{AUTO_ENTITLEMENT} in its flags was added by buildx itself; buildx adds it again"
        )
    if kind in (Driver.DOCKER_CONTAINER, Driver.KUBERNETES) and not draft.image:
        runs = f" (its node runs BuildKit {node.version})" if node.version else ""
        notes.append(
            f"image: buildx's default, {DEFAULT_IMAGE}{runs}; the new node uses what that tag is "
            "on the engine when it starts"
        )
    if builder.current:
        notes.append(
            f"{builder.name} is the current builder: buildx rm leaves that setting as it is, so "
            "it is current again once created (no `use` needed)"
        )
    if kind == Driver.KUBERNETES:
        kubeconfig = parse_qs(urlsplit(node.endpoint).query).get("kubeconfig", [""])[0]
        unknown.append(
            "the kubeconfig: buildx uses $KUBECONFIG of this environment"
            + (f" (it was {kubeconfig} at create)" if kubeconfig else "")
        )
    path: Path | None = None
    if draft.config_supported:
        try:
            path = config_path_for_builder(builder.name, config_dir)
        except ValueError:
            path = None
    if path is not None:
        draft.config_path = str(path)
        if running is not None:
            notes += _take_config(draft, path, running, read(path))
            unknown.append(
                "the buildkitd.toml it was created from: buildx keeps its content only (comments "
                "dropped), not its path"
            )
    return RecreateSource(builder, node, draft, path, running, tuple(notes), tuple(unknown))


def draft_from_builder(
    builder: Builder,
    pinned: Mapping[str, Sequence[str]] | None = None,
    *,
    config_dir: Path | None = None,
) -> CreateDraft:
    """The create wizard's draft filled from ``builder`` as it is (see :func:`read_builder`)."""
    return read_builder(builder, pinned, config_dir=config_dir).new_draft()


def _take_config(draft: CreateDraft, path: Path, running: str, on_disk: str | None) -> list[str]:
    """The draft edits the file at ``path`` if it holds the node's settings, else the node's
    copy (written to ``path``)."""
    if on_disk is not None and same_settings(on_disk, running):
        base = on_disk
        notes = [f"{path} holds the settings its node runs with: it is edited as it is"]
    else:
        base = running
        notes = [
            f"buildx copied its buildkitd.toml into the builder when it was created; that copy "
            f"is written to {path} for the new builder"
        ]
        if on_disk is not None:
            notes.append(
                f"{path} holds other settings than the node runs with: it is replaced (kept as "
                f"{path.name}.bak); Load it on the registry step to use it instead"
            )
    draft.config_text, draft.config_exists = base, True
    try:
        draft.config = parse(base)
    except ConfigError as exc:
        draft.config_error = "; ".join(str(p) for p in exc.problems)
    return notes


# --- as it is vs as it will be --------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    kind: str  # " " the same, "-" only as it is, "+" only as it will be
    text: str


@dataclass(frozen=True)
class RecreateReview:
    before: tuple[str, ...]  # `buildx create` as it is (without --bootstrap / --use)
    after: tuple[str, ...]  # as it will be
    command: tuple[DiffLine, ...]  # one option a line
    toml_before: str | None
    toml_after: str | None
    toml: tuple[DiffLine, ...]
    lost: tuple[str, ...]
    kept: tuple[str, ...]
    keep_state_applies: bool  # the driver has state that --keep-state keeps

    @property
    def changed(self) -> bool:
        return self.before != self.after or self.toml_before != self.toml_after


def command_lines(argv: Sequence[str]) -> list[str]:
    """``buildx create …`` one option (with its value) a line, shell-quoted."""
    words = list(argv)
    head = 2 if words[:2] == ["buildx", "create"] else 0
    out = [shlex.join(words[:head])] if head else []
    rest = words[head:]
    i = 0
    while i < len(rest):
        word = rest[i]
        takes_value = word.startswith("--") and "=" not in word and i + 1 < len(rest)
        if takes_value and word not in ("--append", "--use", "--bootstrap", "--leave"):
            out.append(shlex.join(rest[i : i + 2]))
            i += 2
        else:
            out.append(shlex.quote(word))
            i += 1
    return out


def diff_lines(before: Sequence[str], after: Sequence[str]) -> tuple[DiffLine, ...]:
    out: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=list(before), b=list(after), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += [DiffLine(" ", t) for t in before[i1:i2]]
            continue
        out += [DiffLine("-", t) for t in before[i1:i2]]
        out += [DiffLine("+", t) for t in after[j1:j2]]
    return tuple(out)


def review(source: RecreateSource, draft: CreateDraft, keep_state: bool) -> RecreateReview:
    """The two commands and buildkitd.toml files side by side, and what recreating loses.
    Raises ConfigError / ValueError as the draft's spec does (checked drafts do not)."""
    before = source.draft.spec().argv()
    after = draft.spec().argv()
    toml_before = source.base_toml
    toml_after = draft.config_new_text() if draft.wants_config() else None
    lost, kept = what_is_lost(source, draft.node.strip() or source.node.name, keep_state)
    return RecreateReview(
        tuple(before),
        tuple(after),
        diff_lines(command_lines(before), command_lines(after)),
        toml_before,
        toml_after,
        diff_lines((toml_before or "").splitlines(), (toml_after or "").splitlines()),
        tuple(lost),
        tuple(kept),
        parse_driver(source.builder.driver) == Driver.DOCKER_CONTAINER,
    )


def state_volume(node: str) -> str:
    """The docker-container driver's volume for a node's BuildKit state (its build cache)."""
    return f"buildx_buildkit_{node}_state"


def what_is_lost(
    source: RecreateSource, new_node: str, keep_state: bool
) -> tuple[list[str], list[str]]:
    """(lost, kept) when ``source`` is removed, per buildx v0.36's ``rm`` of each driver."""
    name, node = source.name, source.node.name
    kind = parse_driver(source.builder.driver)
    if kind == Driver.REMOTE:
        return [], [
            f"everything: buildx rm only forgets a remote builder; the BuildKit daemon at "
            f"{source.node.endpoint} and its build cache are not touched"
        ]
    if kind == Driver.KUBERNETES:
        return [
            "its build cache: buildx rm deletes the deployment and its pods (--keep-state does "
            "not apply to the kubernetes driver)",
            f"builds running on {name} are stopped",
        ], []
    lost = [f"its container buildx_buildkit_{node} (made again): builds running on it stop"]
    volume = state_volume(node)
    if not keep_state:
        lost.insert(
            0,
            f"its build cache: the volume {volume} is removed (also if recreating fails and "
            f"{name} is created again); choose --keep-state to keep it",
        )
        return lost, []
    if new_node != node:
        lost.insert(
            0,
            f"its build cache for the new node: --keep-state keeps {volume}, but the node "
            f"{new_node} uses {state_volume(new_node)} (remove the old volume with docker "
            "volume rm when no longer needed)",
        )
        return lost, []
    return lost, [f"its build cache: --keep-state keeps {volume}, which the new node uses"]


# --- the plan -------------------------------------------------------------------------------


def build_recreate_plan(
    source: RecreateSource, draft: CreateDraft, keep_state: bool, *, read: ReadText = _read_text
) -> CreatePlan:
    """rm [--keep-state] + the draft's create (+ bootstrap, use), undone by creating the
    original again. Raises ConfigError as :func:`build_plan` does."""
    plan = build_plan(draft)
    config = plan.config
    if config is not None:  # "previous" is what the file holds now, not the text edited
        config = replace(config, previous=read(config.path))
    original = source.draft.spec()
    original_config = None
    if original.buildkitd_config and source.base_toml is not None:
        path = Path(original.buildkitd_config)
        original_config = ConfigWrite(path, source.base_toml, None, resolve_config_path(path))
    dc = parse_driver(source.builder.driver) == Driver.DOCKER_CONTAINER
    replacement = Replacement(
        RemoveSpec(source.name, keep_state=keep_state and dc),
        original,
        original_config,
        bootstrap=source.builder.status is NodeStatus.RUNNING,
    )
    return replace(plan, config=config, replaces=replacement)

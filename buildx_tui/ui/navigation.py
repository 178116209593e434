"""Messages that ask the app to open a screen: the one way screens move between features.

A screen posts one of these (``self.post_message(OpenInspector(ref))``); it bubbles from the
screen to :class:`~buildx_tui.ui.app.BuildxApp`, whose handler imports the target screen lazily
and pushes or switches. So no feature screen imports another feature's screen, nor the app, and
flows that several screens start (check -> confirm -> start a build; edit a build in the form)
are written once, in the app. Leaf dialogs that return a value (confirm, help, log in, a step's
log) are still pushed directly by the screen that needs the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # annotations only: the first frame needs none of the build feature
    from buildx_tui.core.build.history_bake import BakeRequest
    from buildx_tui.core.build.issue import Issue
    from buildx_tui.core.build.spec import BuildSpec
    from buildx_tui.core.builders import Builder, LsResult
    from buildx_tui.core.builds.records import BuildRecord


class Navigate(Message):
    """Base of the navigation messages (they bubble to the app)."""


@dataclass
class OpenBuildForm(Navigate):
    """The build form, for ``builder`` (preselected) or filled from a past build's ``spec``."""

    builder: Builder | None = None
    spec: BuildSpec | None = None


@dataclass
class StartBuild(Navigate):
    """Run ``spec``: the app checks it (unless ``issues`` are given: the form already did),
    asks before what buildx will refuse, then opens the live build screen."""

    spec: BuildSpec
    #: The command a user would type for it (shown in the confirm dialog).
    command: str
    builder: Builder | None = None
    #: The form's checks of this spec; ``None``: the app checks it (a re-run from the history).
    issues: tuple[Issue, ...] | None = None
    #: Replace the screen on top (run a finished build again) instead of opening over it.
    replace: bool = False


@dataclass
class EditBuild(Navigate):
    """Edit ``spec`` in the build form: the form under the screen on top if there is one, else
    a new form in its place."""

    spec: BuildSpec
    builder: Builder | None = None


@dataclass
class OpenBuildHistory(Navigate):
    """The app's own build history (re-run, edit, inspect a past build)."""


@dataclass
class OpenInspector(Navigate):
    """The manifest inspector, on ``reference`` if given."""

    reference: str = ""


@dataclass
class OpenCreateWizard(Navigate):
    """The create wizard; ``append_to`` names a builder to add a node to."""

    ls: LsResult | None
    append_to: str | None = None


@dataclass
class OpenRecreateWizard(Navigate):
    """Recreate ``builder`` with changes: the create wizard filled from it as it is; its run
    removes it, creates it again, and undoes a failure (the app says why one cannot be)."""

    ls: LsResult
    builder: Builder


@dataclass
class OpenLeaveNode(Navigate):
    """Remove a node (``node``, or one the user picks) from ``builder``."""

    builder: Builder
    node: str | None = None


@dataclass
class OpenAbout(Navigate):
    """The versions of docker, the engine, buildx and each node's BuildKit (ui/common/about)."""


@dataclass
class OpenDoctor(Navigate):
    """The doctor: is this machine ready for multi-platform builds (``builders``: only these;
    empty: all)."""

    builders: tuple[str, ...] = ()


@dataclass
class OpenCache(Navigate):
    """The build cache of ``builder``: `buildx du` as a tree, prune with a preview."""

    builder: str


@dataclass
class OpenBake(Navigate):
    """A bake workspace: the bake file(s) in ``path`` (None: the current directory), built on
    ``builder`` (None: the current builder). ``recorded``: a run from the app's history, its
    values filled in (``run``: and run again); ``replace``: in place of the screen on top."""

    path: str | None = None
    builder: str | None = None
    recorded: BakeRequest | None = None
    run: bool = False
    replace: bool = False


@dataclass
class BuildersChanged(Message, bubble=False):
    """Sent by the app to the builders screen: a builder was created, changed or removed
    elsewhere (``name``: the one to select after the refresh)."""

    name: str | None = None


@dataclass
class OpenBuilds(Navigate):
    """Every build BuildKit recorded (`history ls`): of ``builder``, or of all builders.
    ``builders``: what the sender's last `buildx ls` said of them (the list starts its
    `history ls` at once instead of listing the builders again first)."""

    builder: str | None = None
    builders: tuple[Builder, ...] | None = None


@dataclass
class OpenBuildDetails(Navigate):
    """One recorded build (`history inspect`): ``ref`` is its record id on ``builder``;
    ``records``: its records as listed, one per node of a multi-node build (each is read)."""

    builder: str
    ref: str
    records: tuple[BuildRecord, ...] = ()


@dataclass
class OpenBuildLogs(Navigate):
    """A recorded build's logs replayed into lanes (`history logs --progress rawjson`).
    ``ref``: a record id or buildx's ``^N``; ``name``, ``node``: the build's name and the node
    that ran it, when known; ``info``: the builder as `buildx ls` last said (its nodes'
    platforms give the lanes' native/QEMU badges; None: the replay lists the builders)."""

    builder: str
    ref: str
    name: str = ""
    node: str = ""
    info: Builder | None = None


@dataclass
class OpenBuildTimeline(Navigate):
    """A recorded build's timeline (`history trace`), compared with ``compare`` if given.
    ``ref``: a record id or buildx's ``^N`` (``node``: the node whose record it is)."""

    builder: str
    ref: str
    compare: str | None = None
    name: str = ""
    node: str = ""

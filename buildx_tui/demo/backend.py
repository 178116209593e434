"""The demo's backend: the lab as recorded (tests/fixtures/*/INDEX.md), answering every command
the app sends from the recordings in ``data/``, whichever builder it names.

- The builders list: the lab's ``ls`` (a running docker-container builder, a remote one, an
  unreachable one, the docker driver's); ``stop`` and ``inspect --bootstrap`` switch it to the
  recordings of the lab stopped and running again.
- A create "runs" (the recorded create, two seconds long), after which the list is the one
  recorded after the wizard's creates.
- A build replays a recorded two-platform build (amd64 native, arm64 under QEMU and slower) at
  its real pace; again, its cached second run; with ``FAIL_ARCH=aarch64`` the recorded variant
  that fails on arm64 (see :class:`DemoBuilds`).
- The inspector answers for ``127.0.0.1:5000/inspector-demo:1``, ``:2`` and ``:amd64`` (an index
  with provenance attestations); the cache, history logs and traces answer for any builder.
- The build history belongs to the builder it was recorded on: ``replay-rec``, listed beside
  the lab's builders as recorded (scripts/record_demo_history_fixtures.py); ``default`` says
  the docker driver's limit as recorded; the lab's other builders have no records (what buildx
  prints for a builder without any); the unreachable one is not asked.
"""

from __future__ import annotations

from pathlib import Path

from buildx_tui.core.build.checks import STORE_PROBE_ARGV
from buildx_tui.core.builds.commands import LsSpec
from buildx_tui.core.builds.logs import logs_argv
from buildx_tui.core.builds.trace import trace_argv
from buildx_tui.core.cache.commands import du_json_argv, du_summary_argv
from buildx_tui.core.commands import BootstrapSpec, StopSpec
from buildx_tui.core.docker.versions import BUILDX_VERSION_ARGV, DOCKER_VERSION_ARGV
from buildx_tui.core.inspect.imagetools import config_argv, index_argv, manifest_argv
from buildx_tui.core.replay.backend import Reply
from buildx_tui.core.replay.builds import BuildReplayBackend, RecordedBuild
from buildx_tui.demo.recordings import read

#: The lab's docker-container builder runs amd64 natively and arm64 under QEMU (INDEX.md); so
#: does replay-rec, the builder the demo's history was recorded on (made with both pinned).
PINNED = {
    "lab-container": {"lab-container0": ["linux/amd64", "linux/arm64"]},
    "replay-rec": {"replay-rec0": ["linux/amd64", "linux/arm64"]},
}
#: The builder the demo's history was recorded on (scripts/record_history_trace_fixtures.py).
HISTORY_BUILDER = "replay-rec"
#: The image the inspector can show in the demo (what the help and the notice suggest).
IMAGE = "127.0.0.1:5000/inspector-demo"
INSPECT_REFERENCE = f"{IMAGE}:1"
#: Any builder's name in the commands matched for every builder.
ANY = "<builder>"
#: How long the demo's create "runs" (seconds).
CREATE_S = 2.0
#: The live rawjson of the builds recorded for the history screens.
LIVE = "local/history-logs-"
#: What a command the demo has no recording of answers (the demo never runs anything).
NOT_RECORDED = (
    "buildx-tui --demo: this command was not recorded, so the demo cannot show what it does "
    "(nothing is ever run in the demo)."
)

_DIGESTS = {
    "amd64": "sha256:414abe43eb9af763132372e39a8720abc3926779627dd0499e0f6ef4ae870663",
    "arm64-1": "sha256:86987919a3c88f9fc324d7a067813e340a9844217f86a95cd4276ffc528a52e4",
    "arm64-2": "sha256:87e1b25d36c5655aea4271ddf02cdd87e22f6630ef8d1f16763075e860508f37",
    "att-amd64": "sha256:c89ba0564aa50f894f311f094056828b3d505652a089fe573aa2faba07919722",
    "att-arm64": "sha256:6059705a298ddb0877b0f6a62bd4894668051a6c7b8d7f2a4af61b0f3fdd5daf",
}
#: History records as `history ls` of the recording names them.
HISTORY_REFS = {
    "two-platform": "uy27n4ynf97v22a0e7m8oofgw",
    "cached": "pot7cwc6qcwu2wx78fhgdbh73",
    "failed-arm64": "uh7qmqxfaw9e0m9rq33m51ctx",
}


def local(name: str) -> str:
    return read(f"local/{name}")


def any_builder(argv: tuple[str, ...]) -> tuple[str, ...]:
    """``argv`` with the builder it names (after ``--builder``) replaced by :data:`ANY`."""
    out = list(argv)
    if "--builder" in out:
        i = out.index("--builder") + 1
        if i < len(out):
            out[i] = ANY
    return tuple(out)


def _inspector() -> dict[tuple[str, ...], Reply]:
    ok = {
        index_argv(f"{IMAGE}:1"): "imagetools-demo1-raw.json",
        index_argv(f"{IMAGE}:2"): "imagetools-demo2-raw.json",
        index_argv(f"{IMAGE}:amd64"): "imagetools-demo-amd64-raw.json",
        manifest_argv(IMAGE, _DIGESTS["amd64"]): "imagetools-demo1-amd64-manifest.json",
        manifest_argv(IMAGE, _DIGESTS["arm64-1"]): "imagetools-demo1-arm64-manifest.json",
        manifest_argv(IMAGE, _DIGESTS["arm64-2"]): "imagetools-demo2-arm64-manifest.json",
        manifest_argv(IMAGE, _DIGESTS["att-amd64"]): "imagetools-demo1-amd64-attestation.json",
        manifest_argv(IMAGE, _DIGESTS["att-arm64"]): "imagetools-demo1-arm64-attestation.json",
        config_argv(IMAGE, _DIGESTS["amd64"]): "imagetools-demo1-amd64-config.json",
        config_argv(IMAGE, _DIGESTS["arm64-1"]): "imagetools-demo1-arm64-config.json",
        config_argv(IMAGE, _DIGESTS["arm64-2"]): "imagetools-demo2-arm64-config.json",
    }
    return {argv: Reply(0, local(name)) for argv, name in ok.items()}


def _any_builder_replies() -> dict[tuple[str, ...], Reply]:
    """Commands answered the same whichever builder they name (keys hold :data:`ANY`)."""
    replies = {
        du_json_argv(ANY): Reply(0, local("du-container.json")),
        du_summary_argv(ANY): Reply(0, local("du-container.stdout")),
    }
    for role, ref in HISTORY_REFS.items():
        logs = local(f"history-logs-{role}.stderr")
        replies[tuple(logs_argv(ANY, ref))] = Reply(0, "", logs, lines=logs.splitlines())
        replies[tuple(trace_argv(ANY, ref))] = Reply(0, local(f"history-trace-{role}.json"))
    return replies


class DemoBuilds:
    """Which recording a build replays, at its recorded pace (scripts/record_history_trace_
    fixtures.py built the demo's context on the lab: arm64 under QEMU, about 4x slower on its
    CPU-bound step):

    - ``--build-arg FAIL_ARCH=aarch64``: the build that fails on arm64 only (exit 1);
    - the first build, or one with ``--no-cache``: the two-platform build;
    - a build again: the recorded second run, every step cached;
    - ``--push``: the recorded two-platform push (its metadata file names the pushed index).
    """

    def __init__(self) -> None:
        self.built = 0

    def __call__(self, argv: tuple[str, ...]) -> RecordedBuild | None:
        if any(a.startswith("FAIL_ARCH=") and a != "FAIL_ARCH=none" for a in argv):
            return RecordedBuild(f"{LIVE}failed-arm64-live.stderr", 1, paced=True, duration_s=3.0)
        if "--push" in argv:
            return RecordedBuild(
                "buildx/build-multiplatform-rawjson.stderr",
                0,
                "buildx/build-metadata-file.metadata.json",
                paced=True,
            )
        role = "cached" if self.built and "--no-cache" not in argv else "two-platform"
        self.built += 1
        return RecordedBuild(f"{LIVE}{role}-live.stderr", 0, paced=True, duration_s=3.3)


def context_dir() -> Path:
    """The demo's build context, shipped in the package (the form checks it exists)."""
    return Path(__file__).parent / "context"


def dockerfile_call(argv: tuple[str, ...], context: str) -> Reply | None:
    """The build form's Dockerfile insight (`build --call=check|outline|targets,format=json`)
    on the demo's own context, answered with what the lab said of that very Dockerfile
    (scripts/record_demo_call_fixtures.py); another context, Dockerfile or target: not
    recorded. The form's build args are not part of the match: that Dockerfile uses its ARGs
    in RUN lines only, where no build check looks."""
    if argv[:2] != ("buildx", "build") or argv[-1] != context:
        return None
    if "-f" in argv or "--target" in argv:
        return None
    for call in ("check", "outline", "targets"):
        if f"--call={call},format=json" in argv:
            stem = f"demo-call-{call}"
            return Reply(0, local(f"{stem}.stdout"), local(f"{stem}.stderr"))
    return None


def _history_ls() -> dict[tuple[str, ...], Reply]:
    """`history ls` of each builder the demo lists, as the real ones answer."""
    empty = Reply(0, local("demo-history-ls-empty.json"))
    return {
        LsSpec(HISTORY_BUILDER).argv(): Reply(0, local("history-ls-replay.json")),
        LsSpec("default").argv(): Reply(1, "", local("history-ls-default.stderr")),
        LsSpec("lab-container").argv(): empty,
        LsSpec("lab-remote").argv(): empty,
    }


def demo_backend() -> BuildReplayBackend:
    """A new demo backend (its own state: the builders list changes as the user acts)."""
    backend = BuildReplayBackend(
        ls_output=local("demo-ls-replay-rec.json"),
        pinned=dict(PINNED),
        replies={
            STORE_PROBE_ARGV: Reply(0, local("info-driver-status-lab.json")),
            ("context", "ls", "--format", "json"): Reply(0, local("context-ls.json")),
            DOCKER_VERSION_ARGV: Reply(0, local("version-lab.json")),
            BUILDX_VERSION_ARGV: Reply(0, local("buildx-version.stdout")),
            index_argv(f"{IMAGE}:nosuchtag"): Reply(
                1, "", local("imagetools-err-tag-not-found.stderr")
            ),
            du_json_argv("lab-dead"): Reply(1, "", local("du-dead.stderr")),
            **_inspector(),
            **_history_ls(),
        },
        default_reply=Reply(1, "", NOT_RECORDED),
        any_build=DemoBuilds(),
        read=read,
    )
    shared = _any_builder_replies()
    create = Reply(
        0,
        local("create-container-ok.stdout"),
        local("create-container-ok.stderr"),
        delay_s=CREATE_S,
    )
    bootstrap = Reply(
        0,
        local("bootstrap-container-ok.stdout"),
        local("bootstrap-container-ok.stderr"),
        lines=local("bootstrap-container-ok.stderr").splitlines(),
        delay_s=1.0,
    )

    context = str(context_dir())

    def fallback(argv: tuple[str, ...]) -> Reply | None:
        call = dockerfile_call(argv, context)
        if call is not None:
            return call
        if argv[:2] == ("buildx", "create"):
            return create
        if argv[:3] == ("buildx", "inspect", "--bootstrap") and argv[3:] != ("lab-dead",):
            return bootstrap  # lab-dead's node has nothing listening: not recorded
        if argv[:2] == ("buildx", "use"):
            return Reply()  # `buildx use` prints nothing and exits 0
        return shared.get(any_builder(argv))

    def after(argv: tuple[str, ...]) -> None:
        """The builders list as the lab was recorded after the same command."""
        if argv[:2] == ("buildx", "create"):
            backend.ls_output = local("ls-wizard-created.json")
        elif argv == tuple(StopSpec("lab-container").argv()):
            backend.ls_output = local("ls-lab-stopped.json")
        elif argv == tuple(BootstrapSpec("lab-container").argv()):
            backend.ls_output = local("demo-ls-replay-rec.json")  # running, replay-rec too

    backend.fallback = fallback
    backend.after_run = after
    return backend

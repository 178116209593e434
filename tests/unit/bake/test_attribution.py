"""Target attribution of bake's rawjson progress, on recorded runs: each step charged to its
target, steps two targets share listed once as shared, the failing target named."""

from __future__ import annotations

import pytest

from buildx_tui.core.bake.attribution import BakeProgress, BakeSnapshot, split_prefix
from tests.helpers.bake import local

DEFAULT = {"app": ("linux/amd64", "linux/arm64"), "tool": ("linux/amd64",)}


def replay(stem: str, platforms, code: int) -> BakeSnapshot:
    progress = BakeProgress(platforms)
    for line in local(f"{stem}.stderr").splitlines():
        progress.feed_line(line)
    progress.close(code)
    return progress.snapshot()


@pytest.mark.parametrize(
    ("name", "target", "rest"),
    [
        ("[app linux/arm64 base 2/2] RUN x", "app", "[linux/arm64 base 2/2] RUN x"),
        ("[tool internal] load .dockerignore", "tool", "[internal] load .dockerignore"),
        ("[app] exporting to image", "app", "exporting to image"),
        ("[internal] load local bake definitions", None, "[internal] load local bake definitions"),
        ("[base 1/2] FROM x", None, "[base 1/2] FROM x"),  # a stage, not a target
        ("exporting to image", None, "exporting to image"),
    ],
)
def test_the_target_prefix(name, target, rest):
    assert split_prefix(name, ("app", "tool")) == (target, rest)


def test_the_base_stage_two_targets_share_is_shown_once_as_shared():
    snap = replay("bake-run-default", DEFAULT, 0)
    shared = {s.step.name: s.targets for s in snap.shared}
    assert "RUN echo base > /base.txt" in shared
    assert set(shared["RUN echo base > /base.txt"]) == {"app", "tool"}
    app, tool = snap.target("app"), snap.target("tool")
    assert app is not None and tool is not None
    for target in (app, tool):  # never charged to one of them
        assert not {s.digest for s in target.own_steps()} & {s.step.digest for s in snap.shared}
    assert [s.name for s in tool.own_steps() if s.index] == ["RUN echo tool > /tool.txt"]
    # app's arm64 chain is its own (tool builds amd64 only), with its platform lane
    lanes = {lane.key: lane for lane in app.own_lanes()}
    assert "RUN echo base > /base.txt" in [s.name for s in lanes["linux/arm64"].steps]
    assert lanes["linux/amd64"].steps_total == 1
    assert all(lane.steps_failed == 0 for lane in lanes.values())
    assert app.snapshot.result == tool.snapshot.result == "success"
    assert [s.name for lane in snap.bake.all_lanes for s in lane.steps] == [
        "load local bake definitions"
    ]
    assert snap.failed_target is None and snap.exit_code == 0


def test_a_failing_target_is_named_with_its_step_and_log():
    snap = replay("bake-run-fail", {"tool": ("linux/amd64",), "broken": ("linux/amd64",)}, 1)
    assert snap.failed_target == "broken"
    assert snap.error is not None and "exit code: 3" in snap.error
    broken, tool = snap.target("broken"), snap.target("tool")
    assert broken is not None and tool is not None
    step = broken.failed_step
    assert step is not None and step.name == "RUN echo about to fail && sleep 1 && exit 3"
    assert any("about to fail" in line.text for line in step.logs)
    assert broken.snapshot.result == "failed"
    # tool finished every step before bake gave up: it completed, it did not fail
    assert tool.failed_step is None and tool.snapshot.result == "success"


def test_matrix_targets_each_get_their_own_steps():
    snap = replay(
        "bake-run-matrix", {"variant-small": ("linux/amd64",), "variant-big": ("linux/amd64",)}, 0
    )
    small, big = snap.target("variant-small"), snap.target("variant-big")
    assert small is not None and big is not None
    assert 'RUN echo "small" > /flavor.txt' in [s.name for s in small.own_steps()]
    assert 'RUN echo "big" > /flavor.txt' in [s.name for s in big.own_steps()]
    assert snap.shared  # the FROM both start from


def test_one_target_has_no_prefix_and_gets_every_step():
    snap = replay("bake-run-outside-allowed", {"outside": ("linux/amd64",)}, 0)
    (outside,) = snap.targets
    names = [s.name for s in outside.own_steps()]
    assert "COPY hello.txt /hello.txt" in names
    assert "load build context" in names
    assert not snap.shared


def test_a_cancelled_bake_stops_its_targets():
    progress = BakeProgress(DEFAULT)
    lines = local("bake-run-default.stderr").splitlines()
    for line in lines[: len(lines) // 3]:
        progress.feed_line(line)
    progress.close(130)
    snap = progress.snapshot()
    assert {t.snapshot.result for t in snap.targets} <= {"cancelled", "success"}
    assert any(t.snapshot.result == "cancelled" for t in snap.targets)


def test_garbage_lines_never_raise():
    progress = BakeProgress(DEFAULT)
    for line in ("{", "[1]", '{"vertexes": [1, {"name": 3}]}', "plain text", ""):
        progress.feed_line(line)
    progress.close(1)
    assert progress.snapshot().ended

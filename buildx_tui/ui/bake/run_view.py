"""A bake's progress: one group of lanes per target (its platforms and its own export/push
steps, from ui/common/lanes), the steps several targets share listed once as shared, and at the
end the summary per target and platform from the metadata file (digest, pushed image)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from buildx_tui.core.bake.attribution import BakeSnapshot, TargetProgress
from buildx_tui.core.bake.runner import TargetOutput
from buildx_tui.ui.common.lanes.lane import LaneView
from buildx_tui.ui.common.lanes.marks import fmt_secs

MARK = {"success": ("✔ done", "green"), "failed": ("✖ failed", "bold red"),
        "cancelled": ("■ stopped", "yellow"), "running": ("⟳ running", "cyan")}  # fmt: skip


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


class RunView(VerticalScroll):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=False)  # its lanes are the focus stops
        self.targets: tuple[str, ...] = ()
        self.snapshot: BakeSnapshot | None = None
        self.outputs: dict[str, TargetOutput] | None = None
        self._run = 0  # each run's widgets get their own ids (removing old ones is deferred)

    def compose(self) -> ComposeResult:
        yield Static("", id="bake-result")
        yield Static("", id="bake-shared")

    def start(self, targets: tuple[str, ...]) -> None:
        self.targets = targets
        self.snapshot = None
        self.outputs = None
        self.query(".bake-target").remove()
        self._run += 1
        for name in targets:
            title_id, lanes_id = self._widget_id("bt", name), self._widget_id("bl", name)
            self.mount(Static(name, classes="bake-target bake-target-title", id=title_id))
            self.mount(Horizontal(classes="bake-target bake-lanes", id=lanes_id))
        self.query_one("#bake-result", Static).update(Text("⟳ starting bake…", "dim italic"))
        self.query_one("#bake-shared", Static).update("")

    def _widget_id(self, kind: str, target: str) -> str:
        return f"{kind}{self._run}-{_safe(target)}"

    def _lanes(self, target: TargetProgress) -> None:
        box = self.query_one("#" + self._widget_id("bl", target.name), Horizontal)
        lanes = target.own_lanes()
        views = list(box.query(LaneView))
        have = {v.lane_key for v in views}
        for lane in lanes:
            if lane.key not in have:
                view = LaneView(lane.key)
                box.mount(view)
                views.append(view)
        now = target.snapshot.now
        for view in views:
            for lane in lanes:
                if lane.key == view.lane_key:
                    view.show(lane, now)

    def show(self, snap: BakeSnapshot, outputs: dict[str, TargetOutput] | None) -> None:
        self.snapshot = snap
        if outputs is not None:
            self.outputs = outputs
        for target in snap.targets:
            if target.name not in self.targets:
                continue
            self._lanes(target)
            title = self.query_one("#" + self._widget_id("bt", target.name), Static)
            title.update(self._title(target))
        shared = Text()
        if snap.shared:
            shared.append(
                f"⇄ shared by several targets ({len(snap.shared)} steps, shown once)\n", "bold cyan"
            )
        for s in snap.shared:
            mark = (
                "✔"
                if s.step.state in ("done", "cached")
                else "✖"
                if s.step.state == "error"
                else "·"
            )
            shared.append(f"  {mark} {s.step.name[:70]}", "cyan")
            shared.append(
                f"  [{', '.join(s.targets)}]{' cached' if s.step.cached else ''}\n", "dim"
            )
        self.query_one("#bake-shared", Static).update(shared)
        self.query_one("#bake-result", Static).update(self._result(snap))

    def _title(self, target: TargetProgress) -> Text:
        result = target.snapshot.result
        word, style = MARK.get(result, (result, ""))
        steps = target.own_steps()
        cached = sum(s.cached for s in steps)
        text = Text.assemble((f"{target.name} ", "bold"), (word, style))
        wall = target.snapshot.wall_time
        text.append(f"  {len(steps)} steps, {cached} cached", "dim")
        if wall is not None:
            text.append(f", {fmt_secs(wall)}", "dim")
        out = (self.outputs or {}).get(target.name)
        if out is not None and out.digest:
            text.append(f"  {out.digest[:19]}", "")
            if out.pushed:
                text.append(f" → {', '.join(out.pushed)}", "green")
        return text

    def _result(self, snap: BakeSnapshot) -> Text:
        if not snap.ended:
            running = sum(t.snapshot.result == "running" for t in snap.targets)
            return Text(f"⟳ bake running: {running} of {len(snap.targets)} target(s) going", "cyan")
        text = Text()
        if snap.exit_code == 0:
            text.append(f"✔ bake finished: {len(snap.targets)} target(s)", "bold green")
            if self.outputs:
                text.append("  (i: inspect the first pushed image)", "dim")
        elif snap.failed_target:
            target = snap.target(snap.failed_target)
            step = target.failed_step if target is not None else None
            text.append(f"✖ target {snap.failed_target} failed", "bold red")
            if step is not None:
                text.append(f" at {step.position} {step.name}\n", "bold")
                for line in step.logs[-6:]:
                    text.append(f"  {line.text}\n", "dim")
            if snap.error:
                text.append(f"\n{snap.error}", "red")
        else:
            text.append("■ bake stopped" if snap.exit_code == 130 else "✖ bake failed", "bold red")
            if snap.error:
                text.append(f": {snap.error}", "red")
        return text

    def pushed_ref(self) -> str:
        """The first pushed image with its digest (``name@sha256:…``), or ''."""
        for name in self.targets:
            out = (self.outputs or {}).get(name)
            if out is not None and out.pushed and out.digest:
                repo = (
                    out.pushed[0].rsplit(":", 1)[0] if "@" not in out.pushed[0] else out.pushed[0]
                )
                return f"{repo}@{out.digest}"
        return ""

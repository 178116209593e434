"""A fake backend answering the Builds screens with `history` output recorded on the lab
(scripts/record_history_fixtures.py), and an app over it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from buildx_tui.core.build.history import History
from buildx_tui.core.builds.commands import AttachmentSpec, InspectSpec, LsSpec, RmSpec
from buildx_tui.core.builds.grouping import group_records
from buildx_tui.core.builds.logs import logs_argv
from buildx_tui.core.builds.records import BuildRecord, parse_ls
from buildx_tui.ui.app import BuildxApp
from tests.fakes import FakeBackend, Reply, fixture

C = "builds-rec-c"
#: A moment after the recordings were made (relative times stay the same in snapshots).
NOW = datetime(2026, 12, 1, 18, 5, tzinfo=UTC)


def refs() -> dict[str, str]:
    """name -> record id, from the recorded list (never hard-coded)."""
    out: dict[str, str] = {}
    for line in fixture("local/history-ls-c.json").splitlines():
        item = json.loads(line)
        out.setdefault(item["name"], item["ref"].rsplit("/", 1)[-1])
    return out


def push_ref() -> str:
    return str(json.loads(fixture("local/history-meta-push.json"))["buildx.build.ref"]).rsplit(
        "/", 1
    )[-1]


def builds_backend(*, stopped: bool = False, running: bool = False) -> FakeBackend:
    ls = "history-buildx-ls-stopped.json" if stopped else "history-buildx-ls-after.json"
    listing = "history-ls-running.json" if running else "history-ls-c.json"
    replies = {
        LsSpec(C).argv(): Reply(0, fixture(f"local/{listing}")),
        LsSpec(C, local=True).argv(): Reply(
            1, "", fixture("local/history-ls-c-local-nogit.stderr")
        ),
        LsSpec("default").argv(): Reply(1, "", fixture("local/history-ls-default.stderr")),
        LsSpec("lab-container").argv(): Reply(0, ""),
        LsSpec("lab-remote").argv(): Reply(0, ""),
    }
    ids = refs()
    kinds = {
        "failing": "failed",
        "args (release)": "args",
        "secrets": "secrets",
        "slow": "cancelled",
    }
    for name, kind in kinds.items():
        replies[InspectSpec(C, ids[name]).argv()] = Reply(
            0, fixture(f"local/history-inspect-{kind}.json")
        )
    replies[InspectSpec(C, push_ref()).argv()] = Reply(
        0, fixture("local/history-inspect-push.json")
    )
    replies[AttachmentSpec(C, ids["secrets"]).argv()] = Reply(
        0, fixture("local/history-attachment-secrets-provenance.json")
    )
    replies[AttachmentSpec(C, push_ref()).argv()] = Reply(
        0, fixture("local/history-attachment-provenance.json")
    )
    # As recorded: the push's arm64 provenance (the a key on the details asks for each in turn).
    replies[AttachmentSpec(C, push_ref(), "provenance", "linux/arm64").argv()] = Reply(
        0, fixture("local/history-attachment-provenance.json")
    )
    for kind in ("failing", "args (release)"):
        replies[RmSpec(C, (ids[kind],)).argv()] = Reply(0, "")
    replies[InspectSpec(C, "gone").argv()] = Reply(
        1, "", fixture("local/history-inspect-missing.stderr")
    )
    return FakeBackend(ls_output=fixture(f"local/{ls}"), replies=replies)


def builds_app(backend: FakeBackend, folder: Path) -> BuildxApp:
    return BuildxApp(backend, refresh_interval=0, clock=lambda: NOW, history=History(folder))


B2 = "b2-rec"


def b2_records() -> tuple[BuildRecord, ...]:
    """The failed two-node build's records, as listed (scripts/record_multinode_history_...)."""
    listed = parse_ls(fixture("local/b2node-history-ls.json")).records
    return group_records(listed)[0].records


def b2_backend() -> FakeBackend:
    """A two-node builder's history: the list, each node's record as buildx was asked for it
    when recorded (the id: the newest, arm64; ``^1``: amd64's), each node's logs."""
    fid = b2_records()[0].id
    replies = {
        LsSpec(B2).argv(): Reply(0, fixture("local/b2node-history-ls.json")),
        InspectSpec(B2, fid).argv(): Reply(0, fixture("local/b2node-inspect-failed-id.json")),
        InspectSpec(B2, "^0").argv(): Reply(0, fixture("local/b2node-inspect-failed-arm.json")),
        InspectSpec(B2, "^1").argv(): Reply(0, fixture("local/b2node-inspect-failed-amd.json")),
    }
    for ref, node in ((fid, "arm"), ("^1", "amd")):
        text = fixture(f"local/b2node-logs-failed-{node}.stderr")
        replies[tuple(logs_argv(B2, ref))] = Reply(0, "", text, lines=text.splitlines())
    return FakeBackend(
        ls_output=fixture("local/b2node-ls.json"),
        replies=replies,
        pinned={B2: {"b2-rec-amd": ["linux/amd64"], "b2-rec-arm": ["linux/arm64"]}},
    )


def _shift(value: object, by: timedelta) -> object:
    """A recorded RFC 3339 time (nanoseconds, Z) moved by ``by``, its nanoseconds kept."""
    if not isinstance(value, str) or "." not in value:
        return value
    head, _, rest = value.partition(".")
    moved = datetime.fromisoformat(head + "+00:00") + by
    return moved.strftime("%Y-%m-%dT%H:%M:%S") + "." + rest


def many_records(count: int) -> str:
    """``count`` lines of `history ls --format json`: the recorded lines copied, newest first,
    each copy's ids suffixed with its number and its times moved back by a minute per copy."""
    recorded = [
        json.loads(line) for line in fixture("local/history-ls-c.json").splitlines() if line.strip()
    ]
    lines: list[str] = []
    copy = 0
    while len(lines) < count:
        by = timedelta(minutes=-copy)
        for item in recorded:
            if len(lines) == count:
                break
            record = dict(item)
            record["ref"] = f"{item['ref']}{copy:04d}"
            for key in ("created_at", "completed_at"):
                if key in record:
                    record[key] = _shift(record[key], by)
            lines.append(json.dumps(record, separators=(",", ":"), sort_keys=True))
        copy += 1
    return "\n".join(lines) + "\n"

"""Build history on disk, --metadata-file parsing, and docker login argv/stdin."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from buildx_tui.core.build.history import (
    DATA_DIR_ENV,
    BuildOutputs,
    History,
    HistoryEntry,
    LaneSummary,
    default_data_dir,
    parse_metadata,
)
from buildx_tui.core.build.login import (
    LoginSpec,
    looks_like_auth_error,
    password_stdin,
    redact,
    validate_login,
)
from buildx_tui.core.build.spec import BuildSpec, Output
from tests.fakes import fixture

WHEN = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def entry(n: int = 0, **kw) -> HistoryEntry:
    spec = BuildSpec(builder="lab", tags=(f"r:5000/app:{n}",), output=Output.PUSH)
    base = dict(
        spec=spec,
        command=f"docker buildx build --builder lab -t r:5000/app:{n} --push .",
        started_at=WHEN,
        result="success",
        duration_s=1.5 + n,
        exit_code=0,
        outputs=BuildOutputs("sha256:" + "a" * 64, "x", (f"r:5000/app:{n}",), "lab/lab0/ref"),
        lanes=(LaneSummary("linux/amd64", "success", 1.2, 3, 1),),
        id=f"id-{n}",
    )
    base.update(kw)
    return HistoryEntry(**base)


def test_metadata_of_a_real_multiplatform_push():
    out = parse_metadata(fixture("buildx/build-metadata-file.metadata.json"))
    assert out.digest == "sha256:494a0d7fb5a541b6e3471602a476e6cd13250e2451ff1479f2607497e1185aef"
    assert out.media_type == "application/vnd.oci.image.index.v1+json"
    assert out.image_names == ("127.0.0.1:5000/demo:1",)
    assert out.build_ref == "seedtest/seedtest0/snly9j2vpww0ls8j4szr6ooy1"
    assert out.reference == "127.0.0.1:5000/demo@" + out.digest


@pytest.mark.parametrize("text", ["", "not json", "[]", '{"containerimage.digest": 3}'])
def test_bad_metadata_gives_empty_outputs(text):
    assert parse_metadata(text) == BuildOutputs()


def test_metadata_several_names_and_reference_without_digest():
    out = parse_metadata('{"image.name": "a:1, r:5000/b:2"}')
    assert out.image_names == ("a:1", "r:5000/b:2")
    assert out.reference == "a:1"
    assert BuildOutputs().reference == ""


def test_history_round_trip_and_missing_file(tmp_path: Path):
    history = History(tmp_path / "data")
    assert history.load() == []
    history.append(entry(1))
    history.append(entry(2, result="failed", error="boom"))
    loaded = history.load()
    assert loaded == [entry(1), entry(2, result="failed", error="boom")]
    assert history.path == tmp_path / "data" / "build-history.jsonl"


def test_history_skips_damaged_lines(tmp_path: Path):
    history = History(tmp_path)
    history.append(entry(1))
    with open(history.path, "a") as f:
        f.write("{not json\n")
        f.write(json.dumps({"started_at": "2026-01-01T00:00:00+00:00"}) + "\n")
    history.append(entry(2))
    assert [e.id for e in history.load()] == ["id-1", "id-2"]
    assert history.skipped == 2


def test_history_is_bounded(tmp_path: Path):
    history = History(tmp_path, max_entries=20)
    lines: list[int] = []
    for n in range(50):
        history.append(entry(n))
        lines.append(len(history.path.read_text().splitlines()))
    assert [e.id for e in history.load()] == [f"id-{n}" for n in range(30, 50)]
    # The file keeps at most a tenth more lines than the limit, and is rewritten once every
    # (tenth + 1) appends past it, not on each one.
    rewrites = sum(1 for before, after in itertools.pairwise(lines) if after < before)
    assert max(lines) == 22 and rewrites == (50 - 23) // 3 + 1


def test_default_data_dir_override_and_platformdirs(monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "x"))
    assert default_data_dir() == tmp_path / "x"
    monkeypatch.delenv(DATA_DIR_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "buildx-tui"


def test_login_argv_has_no_password_and_stdin_has_it():
    spec = LoginSpec("127.0.0.1:5000", "alice")
    argv = spec.argv()
    assert argv == ["login", "--username", "alice", "--password-stdin", "127.0.0.1:5000"]
    assert password_stdin("s3cr3t pw") == b"s3cr3t pw"
    assert not any("s3cr3t" in a for a in argv)


@pytest.mark.parametrize(
    ("registry", "user", "password", "expected"),
    [
        ("r:5000", "u", "p", []),
        ("", "u", "p", ["registry is required (e.g. registry.example.com or 127.0.0.1:5000)"]),
        ("bad host", "u", "p", ["'bad host' is not a registry host[:port]"]),
        ("r", "", "p", ["username is required"]),
        ("r", "a b", "p", ["a username has no spaces"]),
        ("r", "u", "", ["password (or access token) is required"]),
        ("r", "u", "a\nb", ["the password cannot contain a line break"]),
    ],
)
def test_validate_login(registry, user, password, expected):
    assert validate_login(registry, user, password) == expected


def test_auth_errors_are_recognised():
    assert looks_like_auth_error(
        "ERROR: failed to push r/app:1: failed to authorize: failed to fetch oauth token: "
        "unexpected status: 401 Unauthorized"
    )
    assert looks_like_auth_error("unauthorized: authentication required")
    assert not looks_like_auth_error(fixture("buildx/build-onefails-rawjson.stderr"))


def test_redact():
    assert redact("x hunter2 y hunter2", "hunter2") == "x ******** y ********"
    assert redact("text", "") == "text"

"""Issue #11: every path the build form checks (context, Dockerfile, destination, secret and key
files, the agent socket, local cache folders) can be anything a paste holds. A path the OS
refuses to look at (10,000 characters, a name over 255 bytes, a link loop, a file used as a
folder, a NUL character) is an issue of its field that says why, never an exception, and the
message does not repeat the paste."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildx_tui.core.build.cache import check_cache
from buildx_tui.core.build.checks import BuildEnv, check_spec, dockerfile_stages
from buildx_tui.core.build.form import FormValues, compile_form
from buildx_tui.core.build.issue import Issue, Severity
from buildx_tui.core.build.options import check_secrets, check_ssh
from buildx_tui.core.build.spec import BuildSpec, Output

LONG = 10_000
KINDS = ("long", "long-name", "loop", "not-a-folder", "nul")
#: What the message says for each kind of path.
WHY = {
    "long": "too long",
    "long-name": "too long",
    "loop": "symbolic links",
    "not-a-folder": "is a file, not a folder",
    "nul": "NUL character",
}


def bad_path(kind: str, tmp_path: Path) -> str:
    if kind == "long":
        return str(tmp_path / ("x" * LONG))
    if kind == "long-name":
        return str(tmp_path / ("n" * 300) / "Dockerfile")
    if kind == "loop":
        loop = tmp_path / "loop"
        loop.symlink_to("loop")
        return str(loop)
    if kind == "not-a-folder":
        (tmp_path / "file").write_text("x")
        return str(tmp_path / "file" / "x")
    assert kind == "nul"
    return str(tmp_path / "a\0b")


def one_issue(issues: list[Issue], field: str, kind: str, severity: Severity) -> str:
    mine = [i for i in issues if i.field == field]
    assert [i.severity for i in mine] == [severity], issues
    message = mine[0].message
    assert WHY[kind] in message
    assert len(message) < 1000  # the start and the end of a long path, and its length
    return message


@pytest.fixture
def project(tmp_path: Path) -> Path:
    ctx = tmp_path / "project"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("FROM alpine AS base\n")
    return ctx


@pytest.mark.parametrize("kind", KINDS)
def test_context(kind: str, tmp_path: Path) -> None:
    spec = BuildSpec(builder="b", context=bad_path(kind, tmp_path))
    one_issue(check_spec(spec, BuildEnv()), "context", kind, Severity.ERROR)


@pytest.mark.parametrize("kind", KINDS)
def test_dockerfile(kind: str, tmp_path: Path, project: Path) -> None:
    spec = BuildSpec(builder="b", context=str(project), dockerfile=bad_path(kind, tmp_path))
    one_issue(check_spec(spec, BuildEnv()), "dockerfile", kind, Severity.ERROR)
    assert dockerfile_stages(bad_path("nul", tmp_path)) is None


@pytest.mark.parametrize("kind", KINDS)
def test_destination_file(kind: str, tmp_path: Path, project: Path) -> None:
    dest = bad_path(kind, tmp_path)
    spec = BuildSpec(builder="b", context=str(project), output=Output.TAR, dest=dest)
    one_issue(check_spec(spec, BuildEnv()), "dest", kind, Severity.ERROR)


@pytest.mark.parametrize("kind", KINDS)
def test_secret_file(kind: str, tmp_path: Path) -> None:
    issues = check_secrets([f"id=token,src={bad_path(kind, tmp_path)}"], {})
    one_issue(issues, "secrets", kind, Severity.ERROR)


@pytest.mark.parametrize("kind", KINDS)
def test_ssh_key_file(kind: str, tmp_path: Path) -> None:
    issues = check_ssh([f"default={bad_path(kind, tmp_path)}"], {})
    one_issue(issues, "ssh", kind, Severity.ERROR)


def test_ssh_agent_socket_too_long(tmp_path: Path) -> None:
    sock = bad_path("long", tmp_path)
    [issue] = check_ssh(["default"], {"SSH_AUTH_SOCK": sock})
    assert issue.severity is Severity.REFUSAL and "does not exist" in issue.message
    assert len(issue.message) < 1000


@pytest.mark.parametrize("kind", KINDS)
def test_local_cache_source(kind: str, tmp_path: Path) -> None:
    issues = check_cache([f"type=local,src={bad_path(kind, tmp_path)}"], [], {},
                         exports_image=False)  # fmt: skip
    one_issue(issues, "cache_from", kind, Severity.ERROR)


@pytest.mark.parametrize("kind", KINDS)
def test_local_cache_destination(kind: str, tmp_path: Path) -> None:
    issues = check_cache([], [f"type=local,dest={bad_path(kind, tmp_path)}"], {},
                         exports_image=False)  # fmt: skip
    one_issue(issues, "cache_to", kind, Severity.ERROR)


@pytest.mark.parametrize(
    "typed", ["~" + "x" * LONG, "~x\0y", "~/" + "x" * LONG], ids=["~user", "~nul", "~/long"]
)
def test_pasted_home_paths_compile_and_are_checked(typed: str) -> None:
    # os.path.expanduser raises ValueError for "~name" with a NUL character
    values = FormValues(builder="b", context=typed, dockerfile=typed, dest=typed,
                        output=Output.TAR, secrets=f"id=s,src={typed}",
                        ssh=f"default={typed}")  # fmt: skip
    spec, issues = compile_form(values)
    assert not [i for i in issues if i.severity is Severity.ERROR]
    found = check_spec(spec, BuildEnv())
    assert {"context", "dest", "secrets", "ssh"} <= {i.field for i in found}
    assert all(len(i.message) < 1000 for i in found)

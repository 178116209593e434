"""The gateway: argv built like python-on-whales builds it; processes run, stream and cancel.

The docker binary here is a tiny script standing in for docker, to test our process handling
(streaming, stdin, process-group cancel) deterministically. Real docker is exercised by tests/e2e.
"""

from __future__ import annotations

import stat
import threading
import time
from pathlib import Path

import pytest
from python_on_whales.client_config import ClientConfig

from buildx_tui.core.docker.client import BuildxClient, ls_argv, start_prefetch
from buildx_tui.core.docker.types import ClientOptions, ProblemKind
from tests.fakes import fixture


def _script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "docker"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def _gone(pid: int) -> bool:
    """True once ``pid`` has exited (a zombie awaiting its reaper counts as exited)."""
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(
    "opts",
    [
        ClientOptions(),
        ClientOptions(context="ctx"),
        ClientOptions(host="unix:///tmp/d.sock", config="/tmp/cfg"),
        ClientOptions(config="/c", context="k", host="tcp://127.0.0.1:2375"),
    ],
)
def test_early_ls_argv_equals_python_on_whales_docker_cmd(opts, tmp_path):
    docker = _script(tmp_path, "exit 0\n")
    opts = ClientOptions(docker, opts.context, opts.host, opts.config)
    pow_cmd = ClientConfig(
        client_call=[docker], config=opts.config, context=opts.context, host=opts.host
    ).docker_cmd
    assert ls_argv(opts) == [*map(str, pow_cmd), "buildx", "ls", "--format", "json"]
    assert BuildxClient(opts).docker_cmd() == [str(x) for x in pow_cmd]


def test_missing_docker_binary(tmp_path):
    opts = ClientOptions(str(tmp_path / "nope"))
    assert ls_argv(opts) is None
    assert start_prefetch(opts) is None
    client = BuildxClient(opts)
    refresh = client.list_builders()
    assert refresh.problem is not None
    assert refresh.problem.kind is ProblemKind.DOCKER_MISSING
    result = client.run(["buildx", "use", "x"])
    assert result.returncode == 127 and not result.ok


def test_one_process_per_refresh_and_prefetch_used_first(tmp_path):
    log = tmp_path / "calls"
    ls = tmp_path / "ls.json"
    ls.write_text(fixture("buildx/ls.json"))
    docker = _script(tmp_path, f'echo "$@" >> {log}\ncat {ls}\n')
    opts = ClientOptions(docker)
    client = BuildxClient(opts, prefetch=start_prefetch(opts))
    first = client.list_builders()
    assert first.ls is not None and len(first.ls.builders) == 5
    assert log.read_text().splitlines() == ["buildx ls --format json"]
    second = client.list_builders()
    assert second.ls is not None and second.ls.current is not None
    assert len(log.read_text().splitlines()) == 2
    assert client.processes_started == 2
    assert first.command == f"{docker} buildx ls --format json"


def test_run_streams_lines_and_reports_failure(tmp_path):
    docker = _script(
        tmp_path,
        'echo "#1 [internal] booting buildkit" >&2\necho "ERROR: no builder \\"x\\" found" >&2\n'
        "exit 1\n",
    )
    client = BuildxClient(ClientOptions(docker, context="c1"))
    lines: list[str] = []
    result = client.run(["buildx", "inspect", "--bootstrap", "x"], on_line=lines.append)
    assert lines == ["#1 [internal] booting buildkit", 'ERROR: no builder "x" found']
    assert result.returncode == 1 and not result.ok
    assert result.error_text() == 'ERROR: no builder "x" found'
    assert result.command == f"{docker} --context c1 buildx inspect --bootstrap x"


def test_keep_tail_streams_every_line_but_keeps_only_the_end(tmp_path):
    docker = _script(
        tmp_path,
        'i=0; while [ $i -lt 2000 ]; do echo "line $i" >&2; i=$((i+1)); done\n'
        'echo "ERROR: last words" >&2\necho out1\necho out2\nexit 1\n',
    )
    client = BuildxClient(ClientOptions(docker))
    lines: list[str] = []
    result = client.run(["buildx", "build", "."], on_line=lines.append, keep_tail=100)
    assert len(lines) == 2003 and "line 0" in lines and "line 1999" in lines
    assert len(result.stderr.encode()) <= 100
    assert result.stderr.endswith("line 1999\nERROR: last words\n")
    assert "line 0\n" not in result.stderr
    assert result.error_text() == "ERROR: last words"
    assert result.stdout == "out1\nout2\n"  # small streams are kept whole
    # Without keep_tail everything is kept, as before.
    full = client.run(["buildx", "build", "."], on_line=lambda _line: None)
    assert full.stderr.startswith("line 0\n") and full.stderr.count("\n") == 2001


def test_on_start_is_called_once_the_process_exists_even_when_it_cannot(tmp_path):
    docker = _script(tmp_path, 'echo "first" >&2\n')
    client = BuildxClient(ClientOptions(docker))
    events: list[str] = []
    client.run(
        ["buildx", "build", "."],
        on_line=lambda line: events.append(line),
        on_start=lambda: events.append("<started>"),
    )
    assert events == ["<started>", "first"]
    started: list[bool] = []
    missing = BuildxClient(ClientOptions(str(tmp_path / "no-docker")))
    result = missing.run(["buildx", "build", "."], on_start=lambda: started.append(True))
    assert started == [True] and result.returncode == 127


def test_error_text_keeps_the_lines_that_continue_an_error():
    from buildx_tui.core.docker.types import CommandResult

    def error_of(name: str) -> str:
        return CommandResult((), "", 1, "", fixture(name), 0.0).error_text()

    # ssh's last words come on the line after buildx's ERROR line (recorded on the lab sshd).
    text = error_of("local/create-err-ssh-host-key.stderr")
    assert text.startswith("ERROR: failed to initialize builder wiz-rec-ssh-hostkey")
    assert text.endswith("strict checking.\nHost key verification failed.")
    # A build's ERROR line is the last line: nothing else of the rawjson stream comes along.
    text = error_of("buildx/build-onefails-rawjson.stderr")
    assert text.startswith("ERROR: failed to build") and "\n" not in text
    # Progress lines after an error are not part of it.
    stderr = "ERROR: one\n#3 DONE 0.1s\nERROR: two\nmore about two\n"
    assert CommandResult((), "", 1, "", stderr, 0.0).error_text() == (
        "ERROR: one\nERROR: two\nmore about two"
    )


def test_stdin_is_passed_not_argv(tmp_path):
    out = tmp_path / "seen"
    docker = _script(tmp_path, f'cat > {out}\necho "$@" >> {out}\n')
    result = BuildxClient(ClientOptions(docker)).run(
        ["login", "--password-stdin", "-u", "me", "127.0.0.1:5000"], stdin=b"s3cret\n"
    )
    assert result.ok
    assert out.read_text() == "s3cret\nlogin --password-stdin -u me 127.0.0.1:5000\n"
    assert "s3cret" not in result.command


def test_stdout_bytes_are_exact(tmp_path):
    raw = b'{"a":1}'  # no trailing newline: a digest is computed over these exact bytes
    data = tmp_path / "raw"
    data.write_bytes(raw)
    docker = _script(tmp_path, f"cat {data}\n")
    result = BuildxClient(ClientOptions(docker)).run(
        ["buildx", "imagetools", "inspect", "--raw", "x"]
    )
    assert result.stdout_bytes == raw
    streamed = BuildxClient(ClientOptions(docker)).run(["x"], on_line=lambda _l: None)
    assert streamed.stdout_bytes == raw


def test_cancel_ends_the_whole_process_group(tmp_path):
    pidfile = tmp_path / "child.pid"
    # The "docker" starts a child (like buildx starting helpers) and waits.
    docker = _script(tmp_path, f"sleep 60 &\necho $! > {pidfile}\nwait\n")
    client = BuildxClient(ClientOptions(docker))
    token = object()
    results = []
    t = threading.Thread(target=lambda: results.append(client.run(["buildx", "x"], token=token)))
    t.start()
    deadline = time.time() + 5
    while not pidfile.exists() or not pidfile.read_text().strip():
        assert time.time() < deadline
        time.sleep(0.02)
    child = int(pidfile.read_text())
    assert client.cancel(token)
    t.join(10)
    assert results and results[0].cancelled and not results[0].ok
    assert _gone(child)
    assert not client.cancel(token)


def test_timeout_kills_and_says_so(tmp_path):
    docker = _script(tmp_path, "sleep 30\n")
    result = BuildxClient(ClientOptions(docker)).run(["buildx", "x"], timeout=0.3)
    assert not result.ok
    assert "timed out after 0 s" in result.stderr or "timed out" in result.stderr


def test_pinned_platforms_read_from_buildx_store(tmp_path, monkeypatch):
    cfg = tmp_path / "cfg"
    (cfg / "buildx" / "instances").mkdir(parents=True)
    (cfg / "buildx" / "instances" / "seedtest").write_text(
        '{"Name":"seedtest","Driver":"docker-container","Nodes":[{"Name":"seedtest0",'
        '"Endpoint":"unix:///var/run/docker.sock","Platforms":[{"architecture":"amd64",'
        '"os":"linux"},{"architecture":"arm64","os":"linux"}]}]}'
    )
    (cfg / "buildx" / "instances" / "broken").write_text("{not json")
    ls = tmp_path / "ls.json"
    ls.write_text(fixture("buildx/ls.json"))
    docker = _script(tmp_path, f"cat {ls}\n")
    refresh = BuildxClient(ClientOptions(docker, config=str(cfg))).list_builders()
    assert refresh.ls is not None
    seed = refresh.ls.get("seedtest")
    assert seed is not None
    assert seed.nodes[0].pinned_platforms == ("linux/amd64", "linux/arm64")
    other = refresh.ls.get("remotetest")
    assert other is not None and other.nodes[0].pinned_platforms == ()


def test_prefetched_never_blocks(tmp_path):
    ls = tmp_path / "ls.json"
    ls.write_text(fixture("buildx/ls.json"))
    gate = tmp_path / "go"
    docker = _script(tmp_path, f"while [ ! -e {gate} ]; do sleep 0.02; done\ncat {ls}\n")
    opts = ClientOptions(docker)
    client = BuildxClient(opts, prefetch=start_prefetch(opts))
    started = time.perf_counter()
    assert client.prefetched() is None  # still running: no waiting
    assert time.perf_counter() - started < 0.5
    gate.touch()
    deadline = time.time() + 5
    while client.prefetch is not None and not client.prefetch.done():
        assert time.time() < deadline
        time.sleep(0.02)
    refresh = client.prefetched()
    assert refresh is not None and refresh.ls is not None
    assert len(refresh.ls.builders) == 5
    assert client.prefetched() is None  # consumed: later refreshes run their own `ls`


def test_cwd_runs_the_command_there_and_says_so(tmp_path):
    """bake resolves its files' contexts from where it runs: the gateway runs it in the
    workspace and the command shown says where (the app's own folder is not said)."""
    docker = _script(tmp_path, "pwd\n")
    work = tmp_path / "work space"
    work.mkdir()
    client = BuildxClient(ClientOptions(docker))
    result = client.run(["buildx", "bake", "--print"], cwd=str(work))
    assert result.ok and result.stdout.strip() == str(work)
    assert result.command == f"(in {work}) {docker} buildx bake --print"
    assert client.display(["buildx", "bake"], str(work)).startswith(f"(in {work}) ")
    here = client.run(["buildx", "bake"], cwd=".")
    assert here.stdout.strip() == str(Path.cwd()) and not here.command.startswith("(in")
    assert client.run(["buildx", "bake"]).command == f"{docker} buildx bake"


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p / "missing", "no such folder"),
        (lambda p: (p / "f").write_text("x") and p / "f", "it is not a folder"),
        (lambda p: p / ("x" * 300), "too long"),
    ],
)
def test_a_cwd_that_cannot_be_used_is_said_and_nothing_runs(tmp_path, make, said):
    log = tmp_path / "ran"
    docker = _script(tmp_path, f"touch {log}\n")
    started: list[bool] = []
    result = BuildxClient(ClientOptions(docker)).run(
        ["buildx", "bake"], cwd=str(make(tmp_path)), on_start=lambda: started.append(True)
    )
    assert result.returncode == 127 and said in result.error_text()
    assert started == [True] and not log.exists()

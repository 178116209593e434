"""The advanced build options (--secret, --ssh, --cache-from/--cache-to, --label, --annotation):
every message, the argv order, the history round trip, and that a secret's value is never read."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import pytest

from buildx_tui.core.build.cache import (
    CacheEntry,
    cache_refusals,
    check_cache,
    parse_cache,
    parse_cache_entry,
)
from buildx_tui.core.build.checks import BuildEnv, check_spec, failure_hint
from buildx_tui.core.build.form import FormValues, compile_form
from buildx_tui.core.build.history import HistoryEntry
from buildx_tui.core.build.issue import Severity
from buildx_tui.core.build.options import (
    OptionError,
    Secret,
    SshForward,
    annotation_refusals,
    check_secrets,
    check_ssh,
    parse_annotations,
    parse_labels,
    parse_secret,
    parse_secrets,
    parse_ssh,
    parse_ssh_entry,
)
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.builders import Builder, Node, NodeStatus


def messages(issues, severity=None) -> list[str]:
    return [i.message for i in issues if severity is None or i.severity is severity]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "Dockerfile").write_text("FROM busybox\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def builder(driver: str) -> Builder:
    node = Node("n0", "unix:///x", NodeStatus.RUNNING, platforms=("linux/amd64",))
    return Builder("b", driver, nodes=(node,))


# -- --secret --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "secret"),
    [
        ("id=npm,src=/run/npmrc", Secret("npm", src="/run/npmrc")),
        ("ID=npm,SOURCE=/run/npmrc", Secret("npm", src="/run/npmrc")),
        ("id=tok,env=GH_TOKEN", Secret("tok", env="GH_TOKEN")),
        ("type=env,id=tok,src=GH_TOKEN", Secret("tok", env="GH_TOKEN")),  # buildx's reading
        ("type=file,id=npm,src=/run/npmrc", Secret("npm", src="/run/npmrc")),
        ("id=tok", Secret("tok")),
        (" id = tok , env = GH ", Secret("tok", env="GH")),
    ],
)
def test_secret_forms(value, secret):
    assert parse_secret(value) == secret


def test_secret_path_expands_home_and_arg_is_canonical(monkeypatch):
    monkeypatch.setenv("HOME", "/home/u")
    secret = parse_secret("src=~/.npmrc,id=npm")
    assert secret.arg == "id=npm,src=/home/u/.npmrc"
    assert Secret("t", env="V").arg == "id=t,env=V"
    assert Secret("t").arg == "id=t"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("src=/x", "a secret needs id=NAME"),
        ("id=,src=/x", "a secret needs id=NAME"),
        ("id=a b,src=/x", "id 'a b' cannot contain spaces, commas or '='"),
        ("id=a=b,src=/x", "id 'a=b' cannot contain spaces, commas or '='"),
        ("id=a,file=/x", "unknown key 'file' (keys: id, src, env, type)"),
        ("id=a,/x", "'/x' is not key=value"),
        ("id=a,,src=/x", "empty field"),
        ("id=a,src=/x,id=b", "id= given twice"),
        ('id=a,src="/x,y"', "quotes are not supported here"),
        ("id=a,type=vault", "type='vault': a secret is type=file or type=env"),
        ("id=a,src=", "src= is empty: name the file"),
        ("id=a,env=", "env= is empty: name the environment variable"),
        ("id=a,src=/x,env=V", "give src=FILE or env=VAR, not both"),
        ("id=a,env=1BAD", "env='1BAD' is not an environment variable name"),
        ("id=a,type=file,env=V", "type=file takes src=FILE, not env="),
    ],
)
def test_bad_secrets_say_why(value, words):
    with pytest.raises(OptionError) as err:
        parse_secret(value)
    assert words in str(err.value)


def test_parse_secrets_one_per_line_with_line_numbers_and_duplicate_ids():
    values, issues = parse_secrets("# comment\nid=a,src=/x\n\nid=b,env=V\nid=a,env=W\nnope\n")
    assert values == ("id=a,src=/x", "id=b,env=V")
    assert messages(issues) == [
        "--secret line 5: id a twice",
        "--secret line 6: 'nope' is not key=value",
    ]
    assert all(i.field == "secrets" and i.severity is Severity.ERROR for i in issues)


def test_check_secrets_files_and_variables(tmp_path, monkeypatch):
    ok = tmp_path / "ok"
    ok.write_text("value")
    big = tmp_path / "big"
    big.write_bytes(b"x" * (500 * 1024 + 1))
    folder = tmp_path / "dir"
    folder.mkdir()
    (tmp_path / "byname").write_text("v")
    monkeypatch.chdir(tmp_path)
    env = {"SET": "1", "fromenv": "v"}
    issues = check_secrets(
        [
            f"id=ok,src={ok}",
            f"id=gone,src={tmp_path}/gone",
            f"id=big,src={big}",
            f"id=dir,src={folder}",
            "id=tok,env=SET",
            "id=unset,env=UNSET",
            "id=fromenv",
            "id=byname",
            "id=neither",
            "id=a,src=/x,env=V",  # a hand-edited history entry
        ],
        env,
    )
    assert messages(issues, Severity.ERROR) == [
        f"--secret id=gone: file '{tmp_path}/gone' does not exist",
        f"--secret id=big: file '{big}' is larger than BuildKit's 500 KiB limit for a secret",
        f"--secret id=dir: '{folder}' is a directory, not a file",
        "--secret id=neither: no environment variable neither and no file 'neither': add "
        "src=FILE or env=VAR",
        "--secret 'id=a,src=/x,env=V': give src=FILE or env=VAR, not both",
    ]
    assert messages(issues, Severity.NOTE) == [
        "--secret id=unset: $UNSET is not set here, so the secret will be empty"
    ]


def test_unreadable_secret_file(tmp_path, monkeypatch):
    path = tmp_path / "s"
    path.write_text("v")
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if str(p) == str(path) else real_access(p, mode)
    )
    assert messages(check_secrets([f"id=s,src={path}"], {})) == [
        f"--secret id=s: file '{path}' is not readable"
    ]


def test_secret_checks_never_open_the_file(tmp_path, monkeypatch):
    path = tmp_path / "s"
    path.write_text("the value")
    import builtins

    opened: list[str] = []
    real_open = builtins.open

    def spy(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    spec, issues = compile_form(FormValues(builder="b", secrets=f"id=s,src={path}"))
    issues += check_secrets(spec.secrets, {})
    assert issues == [] and str(path) not in opened
    assert spec.argv()[-3:] == ["--secret", f"id=s,src={path}", "."]


# -- --ssh -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "entry"),
    [
        ("default", SshForward("default")),
        ("github=/k/id_ed25519", SshForward("github", ("/k/id_ed25519",))),
        ("default=/k/a, /k/b", SshForward("default", ("/k/a", "/k/b"))),
    ],
)
def test_ssh_forms(value, entry):
    assert parse_ssh_entry(value) == entry
    assert parse_ssh_entry(entry.arg) == entry


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("=/k/a", "empty id before '=': write default=PATH or ID=PATH"),
        ("my key=/k/a", "id 'my key' cannot contain spaces, commas or '='"),
        ("a,b", "id 'a,b' cannot contain spaces, commas or '='"),
        ("github=", "empty path after github=: write github=PATH[,PATH]"),
        ("github=/k/a,,/k/b", "empty path after github="),
    ],
)
def test_bad_ssh_says_why(value, words):
    with pytest.raises(OptionError) as err:
        parse_ssh_entry(value)
    assert words in str(err.value)


def test_parse_ssh_lines_and_duplicate_ids():
    values, issues = parse_ssh("default\ngh=/k/a\ndefault=/k/b\n=/x")
    assert values == ("default", "gh=/k/a")
    assert messages(issues) == [
        "--ssh line 3: id default twice",
        "--ssh line 4: empty id before '=': write default=PATH or ID=PATH",
    ]


def test_ssh_agent_needs_ssh_auth_sock(tmp_path):
    sock_path = tmp_path / "agent.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        assert check_ssh(["default"], {"SSH_AUTH_SOCK": str(sock_path)}) == []
        [unset] = check_ssh(["default"], {})
        assert unset.severity is Severity.REFUSAL
        assert unset.message.startswith(
            "--ssh default forwards your agent, but SSH_AUTH_SOCK is not set: start an ssh-agent"
        )
        [gone] = check_ssh(["gh"], {"SSH_AUTH_SOCK": str(tmp_path / "gone")})
        assert gone.message == (
            f"--ssh gh forwards your agent, but SSH_AUTH_SOCK={tmp_path}/gone does not exist: "
            "is the ssh-agent still running?"
        )
        (tmp_path / "file").write_text("")
        [file] = check_ssh(["gh"], {"SSH_AUTH_SOCK": str(tmp_path / "file")})
        assert file.message.endswith(f"SSH_AUTH_SOCK={tmp_path}/file is not a socket")


def test_ssh_key_files_and_sockets(tmp_path):
    key = tmp_path / "id_ed25519"
    key.write_text("not read")
    pub = tmp_path / "id_ed25519.pub"
    pub.write_text("ssh-ed25519 AAAA")
    s1, s2 = tmp_path / "s1", tmp_path / "s2"
    with socket.socket(socket.AF_UNIX) as a, socket.socket(socket.AF_UNIX) as b:
        a.bind(str(s1))
        b.bind(str(s2))
        assert check_ssh([f"gh={key}", f"agent={s1}"], {}) == []
        issues = check_ssh(
            [f"a={tmp_path}/gone", f"b={pub}", f"c={tmp_path}", f"d={s1},{s2}", f"e={s1},{key}"],
            {},
        )
    assert messages(issues, Severity.ERROR) == [
        f"--ssh a: file '{tmp_path}/gone' does not exist",
        f"--ssh b: '{pub}' looks like a public key: give the private key (or an agent socket)",
        f"--ssh c: '{tmp_path}' is a directory, not a file",
        "--ssh d: only one agent socket per id",
        "--ssh e: key files and an agent socket cannot be mixed",
    ]


# -- --cache-from / --cache-to ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "export", "args"),
    [
        ("user/app:cache", False, ["user/app:cache"]),
        ("a:1, b:2", False, ["a:1", "b:2"]),
        ("type=registry,ref=127.0.0.1:5000/app:cache", False, None),
        ("TYPE=registry,REF=r:1,mode=max", True, ["type=registry,ref=r:1,mode=max"]),
        ("type=local,src=/c", False, None),
        ("type=local,dest=/c,mode=min", True, None),
        ("type=inline", True, None),
        ("type=gha,scope=main", False, None),
        ("type=s3,region=eu,bucket=b", True, None),
        ("type=azblob,account_url=https://x,name=n", True, None),
        ("user/app@sha256:" + "a" * 64, False, None),
    ],
)
def test_cache_forms(value, export, args):
    entries = parse_cache_entry(value, export=export)
    assert [e.arg for e in entries] == (args or [value])


def test_cache_shorthand_is_a_registry_ref_and_local_paths_expand(monkeypatch):
    monkeypatch.setenv("HOME", "/home/u")
    [entry] = parse_cache_entry("user/app:cache", export=False)
    assert entry == CacheEntry("registry", (("ref", "user/app:cache"),), shorthand=True)
    [local] = parse_cache_entry("type=local,dest=~/c", export=True)
    assert local.arg == "type=local,dest=/home/u/c"


@pytest.mark.parametrize(
    ("value", "export", "words"),
    [
        ("User/App:cache", False, "'User/App:cache': repository names must be lowercase"),
        ("app:", True, "'app:': the tag after ':' is empty"),
        ("ref=r:1", False, "type= is missing (e.g. type=registry,ref=REPO:cache or type=local"),
        ("type=floppy,ref=r:1", False, "unknown cache type 'floppy': BuildKit knows registry, "
         "local, gha, s3, azblob"),
        ("type=floppy", True, "BuildKit knows registry, local, inline, gha, s3, azblob"),
        ("type=inline", False, "type=inline is only for --cache-to"),
        ("type=registry", False, "type=registry needs ref=REPO:TAG"),
        ("type=registry,ref=Bad", True, "'Bad': repository names must be lowercase"),
        ("type=registry,ref=a@sha256:" + "a" * 64, True, "cannot hold a digest"),
        ("a@sha256:" + "a" * 64, True, "cannot hold a digest"),
        ("type=local", False, "type=local needs src=DIR"),
        ("type=local,dest=/c", False, "type=local needs src=DIR"),
        ("type=local,src=/c", True, "type=local needs dest=DIR"),
        ("type=registry,ref=r:1,mode=maximum", True, "mode='maximum': min or max"),
        ("type=gha,token=abc", False, "token= would put a credential in the command line"),
        ("type=s3,secret_access_key=x", True, "buildx reads AWS_SECRET_ACCESS_KEY"),
        ("type=s3,session_token=x", True, "credential"),
        ("type=local,dest=/c,,", True, "empty field"),
        ("type=local,dest=/c,type=local", True, "type= given twice"),
    ],
)  # fmt: skip
def test_bad_cache_says_why(value, export, words):
    with pytest.raises(OptionError) as err:
        parse_cache_entry(value, export=export)
    assert words in str(err.value)


def test_parse_cache_lines_fields_and_duplicates():
    values, issues = parse_cache("a:1\na:1, b:2\ntype=inline\n", export=False)
    assert values == ("a:1", "b:2")
    [issue] = issues
    assert issue.field == "cache_from"
    assert issue.message.startswith("--cache-from line 3: type=inline is only for --cache-to")
    values, issues = parse_cache("type=inline\ntype=nope", export=True)
    assert values == ("type=inline",)
    assert [(i.field, i.message[:21]) for i in issues] == [("cache_to", "--cache-to line 2: un")]


def test_check_cache_local_folders(tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    (full / "index.json").write_text("{}")
    empty = tmp_path / "empty"
    empty.mkdir()
    afile = tmp_path / "afile"
    afile.write_text("")
    issues = check_cache(
        [
            f"type=local,src={full}",
            f"type=local,src={tmp_path}/first",
            f"type=local,src={empty}",
            f"type=local,src={afile}",
        ],
        [f"type=local,dest={tmp_path}/new/deeper", f"type=local,dest={afile}"],
        {},
        exports_image=True,
    )
    assert [(i.field, i.severity, i.message) for i in issues] == [
        (
            "cache_from",
            Severity.NOTE,
            f"--cache-from '{tmp_path}/first' does not exist yet: nothing to import (normal "
            "before a first --cache-to type=local writes it)",
        ),
        ("cache_from", Severity.NOTE,
         f"--cache-from '{empty}' has no index.json: nothing to import"),
        ("cache_from", Severity.ERROR, f"--cache-from '{afile}' is not a folder"),
        ("cache_to", Severity.ERROR,
         f"--cache-to type=local: '{afile}' exists and is not a folder"),
    ]  # fmt: skip


def test_check_cache_dest_not_writable(tmp_path, monkeypatch):
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m: False if str(p) == str(tmp_path) else real_access(p, m)
    )
    issues = check_cache(
        [], [f"type=local,dest={tmp_path}", f"type=local,dest={tmp_path}/sub"], {},
        exports_image=True,
    )  # fmt: skip
    assert messages(issues) == [
        f"--cache-to type=local: folder '{tmp_path}' is not writable",
        f"--cache-to type=local: cannot create '{tmp_path}/sub': '{tmp_path}' is not a "
        "writable folder",
    ]


def test_check_cache_gha_s3_inline_notes():
    gha = ["type=gha"]
    notes = messages(check_cache(gha, ["type=s3,region=eu", "type=inline"], {}, exports_image=True))
    assert notes == [
        "--cache-from type=gha is skipped by buildx outside GitHub Actions (no "
        "ACTIONS_RUNTIME_TOKEN and cache URL)",
        "--cache-to type=s3 without bucket= and region=: BuildKit takes them from AWS_BUCKET / "
        "AWS_REGION of the BuildKit daemon, or fails",
        "--cache-to type=inline embeds the cache in the image itself (mode=min only): it "
        "travels with the pushed or loaded image",
    ]
    actions = {"ACTIONS_RUNTIME_TOKEN": "t", "ACTIONS_RESULTS_URL": "https://r"}
    assert check_cache(gha, [], actions, exports_image=True) == []
    [nowhere] = check_cache([], ["type=inline"], {}, exports_image=False)
    assert nowhere.message.endswith("but this build exports no image, so it goes nowhere")
    [bad] = check_cache(["type=nope"], [], {}, exports_image=True)  # a hand-edited history
    assert bad.severity is Severity.ERROR and bad.message.startswith("--cache-from 'type=nope'")


@pytest.mark.parametrize(
    ("cache_to", "driver", "store", "refused"),
    [
        (["type=local,dest=/c", "r:1"], "docker", None, "(--cache-to type=local, type=registry) "
         "(unless the engine uses the containerd image store): use a docker-container builder"),
        (["type=local,dest=/c"], "docker", False, "(--cache-to type=local): use"),
        (["type=local,dest=/c"], "docker", True, None),
        (["type=inline"], "docker", None, None),
        (["type=local,dest=/c"], "docker-container", None, None),
        (["type=bogus"], "docker", None, None),
    ],
)  # fmt: skip
def test_docker_driver_refuses_cache_export(cache_to, driver, store, refused):
    issues = cache_refusals(cache_to, driver=driver, store=store)
    if refused is None:
        assert issues == []
    else:
        [issue] = issues
        assert issue.severity is Severity.REFUSAL and issue.field == "cache_to"
        assert issue.message.startswith("the docker driver cannot export cache ")
        assert refused in issue.message


# -- --label / --annotation ------------------------------------------------------------------------


def test_labels_parse_and_every_message():
    labels, issues = parse_labels(
        "org.opencontainers.image.title=My app\nempty=\nurl=https://x/?a=b\n"
        "noequals\n=v\nmy key=v\nempty=again\n# comment"
    )
    assert labels == (
        ("org.opencontainers.image.title", "My app"),
        ("empty", ""),
        ("url", "https://x/?a=b"),
    )
    assert messages(issues) == [
        "--label line 4: 'noequals' has no '=': write KEY=VALUE (KEY= for an empty value)",
        "--label line 5: empty key before '='",
        "--label line 6: key 'my key' cannot contain spaces",
        "--label line 7: empty given twice",
    ]
    assert {i.field for i in issues} == {"labels"}


def test_annotations_parse_and_every_message():
    values, issues = parse_annotations(
        "org.opencontainers.image.description=An app\n"
        "index,manifest:org.opencontainers.image.vendor=Me\n"
        "manifest[linux/arm64]:note=arm only\n"
        "manifest-descriptor,index-descriptor:k=v\n"
        "noequals\n"
        "=v\n"
        "manifest:=v\n"
        "Manifest:k=v\n"
        "layer:k=v\n"
        "manifest[linux/sparc]:k=v\n"
        "org.opencontainers.image.description=An app\n"
        "my key=v\n"
    )
    assert values == (
        "org.opencontainers.image.description=An app",
        "index,manifest:org.opencontainers.image.vendor=Me",
        "manifest[linux/arm64]:note=arm only",
        "manifest-descriptor,index-descriptor:k=v",
    )
    found = [re.sub(r"\(known: [^)]*\)", "(known: …)", m) for m in messages(issues)]
    assert found == [
        "--annotation line 5: 'noequals' has no '=': write KEY=VALUE or TYPE:KEY=VALUE",
        "--annotation line 6: empty key before '='",
        "--annotation line 7: empty key before '='",
        "--annotation line 8: 'Manifest' is not TYPE or TYPE[PLATFORM] (e.g. "
        "manifest[linux/arm64])",
        "--annotation line 9: unknown annotation type 'layer' (index, index-descriptor, "
        "manifest, manifest-descriptor)",
        "--annotation line 10: 'linux/sparc': unknown architecture 'sparc' (known: …)",
        "--annotation line 11: given twice",
        "--annotation line 12: key 'my key' cannot contain spaces",
    ]


def test_docker_driver_refuses_index_annotations():
    index = ["index:k=v"]
    [issue] = annotation_refusals(index, driver="docker", store=False)
    assert issue.severity is Severity.REFUSAL and issue.field == "annotations"
    assert issue.message.startswith("the docker driver cannot write index annotations: use")
    assert annotation_refusals(["index-descriptor[linux/amd64]:k=v"], driver="docker", store=None)
    assert annotation_refusals(index, driver="docker", store=True) == []
    assert annotation_refusals(["manifest:k=v", "k=v"], driver="docker", store=None) == []
    assert annotation_refusals(index, driver="docker-container", store=None) == []


# -- the spec: argv order, history, form ---------------------------------------------------------

FULL = BuildSpec(
    builder="lab",
    tags=("r:1",),
    build_args=(("A", "1"),),
    labels=(("org.opencontainers.image.title", "app"), ("empty", "")),
    annotations=("index:k=v",),
    target="final",
    dockerfile="Dockerfile.prod",
    secrets=("id=npm,src=/run/npmrc", "id=tok,env=GH"),
    ssh=("default", "gh=/k/id"),
    cache_from=("r:cache", "type=local,src=/c"),
    cache_to=("type=local,dest=/c,mode=max",),
    no_cache=True,
    output=Output.PUSH,
)


def test_argv_places_the_options_in_a_stable_order():
    assert FULL.argv() == [
        "buildx", "build", "--builder", "lab", "-t", "r:1", "--build-arg", "A=1",
        "--label", "org.opencontainers.image.title=app", "--label", "empty=",
        "--annotation", "index:k=v", "--target", "final", "-f", "Dockerfile.prod",
        "--secret", "id=npm,src=/run/npmrc", "--secret", "id=tok,env=GH",
        "--ssh", "default", "--ssh", "gh=/k/id",
        "--cache-from", "r:cache", "--cache-from", "type=local,src=/c",
        "--cache-to", "type=local,dest=/c,mode=max",
        "--no-cache", "--push", ".",
    ]  # fmt: skip
    assert FULL.advanced == 10


def test_options_round_trip_through_the_history_dict():
    data = FULL.to_dict()
    assert data["labels"] == [["org.opencontainers.image.title", "app"], ["empty", ""]]
    assert data["secrets"] == ["id=npm,src=/run/npmrc", "id=tok,env=GH"]
    assert BuildSpec.from_dict(data) == FULL
    entry = HistoryEntry(spec=FULL, command="x", started_at=_now(), result="success", duration_s=1)
    assert HistoryEntry.from_dict(entry.to_dict()).spec == FULL


def _now():
    from datetime import UTC, datetime

    return datetime(2026, 1, 2, tzinfo=UTC)


def test_old_history_dict_without_the_keys_still_loads():
    old = {"builder": "b", "context": ".", "tags": ["a:1"], "output": "push"}
    spec = BuildSpec.from_dict(old)
    assert spec.secrets == spec.ssh == spec.cache_from == spec.cache_to == ()
    assert spec.labels == () and spec.annotations == () and spec.advanced == 0


@pytest.mark.parametrize(
    "bad",
    [
        {"builder": "b", "secrets": "id=a"},
        {"builder": "b", "ssh": [1]},
        {"builder": "b", "labels": [["k"]]},
        {"builder": "b", "labels": [["k", 1]]},
        {"builder": "b", "cache_to": None},
    ],
)
def test_bad_option_keys_in_the_history_raise_value_error(bad):
    with pytest.raises(ValueError):
        BuildSpec.from_dict(bad)


def test_form_values_round_trip_the_options():
    values = FormValues.from_spec(FULL)
    assert values.secrets == "id=npm,src=/run/npmrc\nid=tok,env=GH"
    assert values.labels == "org.opencontainers.image.title=app\nempty="
    assert values.cache_from == "r:cache\ntype=local,src=/c"
    spec, issues = compile_form(values)
    assert issues == [] and spec == FULL


def test_compile_form_reports_option_errors_in_their_fields():
    _, issues = compile_form(
        FormValues(
            builder="b",
            secrets="src=/x",
            ssh="=/k",
            cache_from="type=inline",
            cache_to="type=nope",
            labels="x",
            annotations="bad:k=v",
        )
    )
    assert [i.field for i in issues] == [
        "secrets", "ssh", "cache_from", "cache_to", "labels", "annotations"
    ]  # fmt: skip
    assert all(i.severity is Severity.ERROR for i in issues)


def test_check_spec_checks_the_options_for_a_rerun(here, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    spec = BuildSpec(
        builder="b",
        secrets=(f"id=s,src={here}/gone",),
        ssh=("default",),
        cache_to=("type=local,dest=/tmp/x",),
        annotations=("index:k=v",),
        output=Output.LOAD,
    )
    issues = check_spec(spec, BuildEnv(builder("docker"), containerd_store=False))
    assert [(i.field, i.severity) for i in issues if i.field != "output"] == [
        ("secrets", Severity.ERROR),
        ("ssh", Severity.REFUSAL),
        ("cache_to", Severity.REFUSAL),
        ("annotations", Severity.REFUSAL),
    ]
    # An explicit environment is used instead of os.environ.
    env = BuildEnv(builder("docker-container"), environ={"SSH_AUTH_SOCK": ""})
    assert [i.field for i in check_spec(spec, env)] == ["secrets", "ssh"]


@pytest.mark.parametrize(
    ("error", "words"),
    [  # buildx v0.36.1's own words, seen on the lab
        (
            "ERROR: failed to build: Cache export is not supported for the docker driver.\n"
            "Switch to a different driver, or turn on the containerd image store, and try again.",
            "exports only inline cache",
        ),
        (
            "ERROR: failed to build: index annotations not supported for single platform export",
            "use manifest: annotations",
        ),
        (
            "ERROR: failed to build: failed to solve: secret tok: not found",
            "mounts a secret the build was not given",
        ),
        (
            "ERROR: failed to build: failed to convert agent config {default [] false}: invalid "
            "empty ssh agent socket: make sure SSH_AUTH_SOCK is set",
            "forwards your ssh-agent",
        ),
    ],
)
def test_failure_hints_for_the_options(error, words):
    assert words in failure_hint(error)

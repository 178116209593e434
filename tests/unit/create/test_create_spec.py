"""CreateSpec/LeaveSpec -> argv against the exact commands of the user's articles (seeds), and the
checks the wizard runs (name, driver, endpoint, TLS files, platforms, driver options, flags)."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from buildx_tui.core.builders import Builder, Node, NodeStatus
from buildx_tui.core.create.checks import (
    check_buildkitd_flags,
    check_driver,
    check_driver_opts,
    check_platforms,
    check_timeout,
    parse_go_duration,
)
from buildx_tui.core.create.draft import CreateDraft, WizardContext, WizardStep, check_step
from buildx_tui.core.create.endpoint import check_endpoint
from buildx_tui.core.create.names import check_name, check_node_name, next_node_name
from buildx_tui.core.create.problem import errors_in
from buildx_tui.core.create.spec import CreateSpec, LeaveSpec, driver_opt, split_driver_opt
from buildx_tui.core.create.tls import check_tls_files

# --- the seeds' commands ----------------------------------------------------------------
# Verbatim from /work/shared/seeds (line continuations joined); `<context-name>` (seed 001),
# USER@HOST / HOST (seed 004) are placeholders in the articles and are kept as written.
SEED_000 = (
    "docker buildx create --use --name buildxtest01 --driver docker-container "
    "--platform linux/arm64,linux/arm64/v8 --config=config.toml"
)
SEED_001_A = (
    "docker buildx create --use --name=<context-name> --driver docker-container "
    "--driver-opt image=moby/buildkit:master --driver-opt network=host"
)
SEED_001_B = SEED_001_A + " --config /etc/buildkitd.toml"
SEED_002_AMD64 = "docker buildx create --name remotebuilder --node hk-amd64 --platform=amd64"
SEED_002_ARM64 = (
    "docker buildx create --append --name remotebuilder --node hk-arm64 --platform=arm64"
)
SEED_002_MIRROR = (
    "docker buildx create --use --name localbuilder --platform=linux/amd64,linux/arm64 "
    "--config=buildkitd.toml"
)
SEED_003 = "docker buildx create --use --name mybuilder"
SEED_004_LOCAL = "docker buildx create --name local-builder --driver docker-container --bootstrap"
SEED_004_SSH = (
    "docker buildx create --name builder --node linux-amd64 --driver docker-container "
    "--platform  linux/amd64,linux/386 --bootstrap ssh://USER@HOST"
)
SEED_004_REMOTE = (
    "docker buildx create --use --name builder --node linux-amd64 "
    "--platform linux/amd64,linux/386 --driver remote "
    "--driver-opt key=/Users/George/Desktop/smallstep/docker-client.key "
    "--driver-opt cert=/Users/George/Desktop/smallstep/docker-client.crt "
    "--driver-opt cacert=/Users/George/Desktop/smallstep/root_ca.crt tcp://HOST:1234"
)
SEED_004_APPEND = (
    "docker buildx create --append --name builder --node linux-arm64 --platform linux/arm64 "
    "--driver remote --driver-opt key=/YOURPATH/docker-client.key "
    "--driver-opt cert=/YOURPATH/docker-client.crt --driver-opt cacert=/YOURPATH/root_ca.crt "
    "tcp://127.0.0.1:1234"
)

_VALUE_FLAGS = {"--name", "--driver", "--node", "--platform", "--driver-opt",
                "--buildkitd-flags", "--buildkitd-config", "--timeout"}  # fmt: skip
_BOOL_FLAGS = {"--use", "--append", "--leave", "--bootstrap"}
_ALIASES = {"--config": "--buildkitd-config"}  # hidden alias (buildx commands/create.go)


def canonical(argv: list[str]) -> dict[str, object]:
    """What buildx's flag parser makes of a `create` argv: `--flag=value` and `--flag value` are
    one thing, `--config` is `--buildkitd-config`; repeated --driver-opt/--platform keep order."""
    assert argv[:2] == ["buildx", "create"], argv
    out: dict[str, object] = {"bools": set(), "driver-opt": [], "platform": [], "endpoint": None}
    args = iter(argv[2:])
    for arg in args:
        flag, eq, value = arg.partition("=")
        flag = _ALIASES.get(flag, flag)
        if flag in _BOOL_FLAGS:
            out["bools"].add(flag)  # type: ignore[attr-defined]
        elif flag in _VALUE_FLAGS:
            value = value if eq else next(args)
            if flag in ("--driver-opt", "--platform"):
                out[flag[2:]].append(value)  # type: ignore[attr-defined]
            else:
                assert flag[2:] not in out, f"{flag} twice"
                out[flag[2:]] = value
        else:
            assert not arg.startswith("-"), f"unknown flag {arg}"
            assert out["endpoint"] is None
            out["endpoint"] = arg
    out["platform"] = ",".join(out["platform"]).split(",") if out["platform"] else []  # type: ignore[arg-type]
    return out


def seed_argv(command: str) -> list[str]:
    words = shlex.split(command)
    assert words[0] == "docker"
    return words[1:]


SEED_SPECS = [
    (SEED_000, CreateSpec(name="buildxtest01", driver="docker-container",
                          platforms=("linux/arm64", "linux/arm64/v8"),
                          buildkitd_config="config.toml", use=True)),
    (SEED_001_A, CreateSpec(name="<context-name>", driver="docker-container",
                            driver_opts=("image=moby/buildkit:master", "network=host"), use=True)),
    (SEED_001_B, CreateSpec(name="<context-name>", driver="docker-container",
                            driver_opts=("image=moby/buildkit:master", "network=host"),
                            buildkitd_config="/etc/buildkitd.toml", use=True)),
    (SEED_002_AMD64, CreateSpec(name="remotebuilder", node="hk-amd64", platforms=("amd64",))),
    (SEED_002_ARM64, CreateSpec(name="remotebuilder", node="hk-arm64", platforms=("arm64",),
                                append=True)),
    (SEED_002_MIRROR, CreateSpec(name="localbuilder", platforms=("linux/amd64", "linux/arm64"),
                                 buildkitd_config="buildkitd.toml", use=True)),
    (SEED_003, CreateSpec(name="mybuilder", use=True)),
    (SEED_004_LOCAL, CreateSpec(name="local-builder", driver="docker-container", bootstrap=True)),
    (SEED_004_SSH, CreateSpec(name="builder", node="linux-amd64", driver="docker-container",
                              platforms=("linux/amd64", "linux/386"), bootstrap=True,
                              endpoint="ssh://USER@HOST")),
    (SEED_004_REMOTE, CreateSpec(
        name="builder", node="linux-amd64", platforms=("linux/amd64", "linux/386"),
        driver="remote", use=True, endpoint="tcp://HOST:1234",
        driver_opts=("key=/Users/George/Desktop/smallstep/docker-client.key",
                     "cert=/Users/George/Desktop/smallstep/docker-client.crt",
                     "cacert=/Users/George/Desktop/smallstep/root_ca.crt"))),
    (SEED_004_APPEND, CreateSpec(
        name="builder", node="linux-arm64", platforms=("linux/arm64",), driver="remote",
        append=True, endpoint="tcp://127.0.0.1:1234",
        driver_opts=("key=/YOURPATH/docker-client.key", "cert=/YOURPATH/docker-client.crt",
                     "cacert=/YOURPATH/root_ca.crt"))),
]  # fmt: skip


@pytest.mark.parametrize(("command", "spec"), SEED_SPECS, ids=lambda x: str(x)[:40])
def test_spec_argv_is_the_seed_command(command: str, spec: CreateSpec) -> None:
    assert canonical(spec.argv()) == canonical(seed_argv(command))


def test_argv_order_and_forms_are_fixed() -> None:
    spec = CreateSpec(
        name="b", driver="remote", endpoint="tcp://h:1234", node="n", platforms=("linux/arm64",),
        driver_opts=("cacert=/c.pem",), append=True, use=True, bootstrap=True,
    )  # fmt: skip
    assert spec.argv() == [
        "buildx", "create", "--append", "--use", "--name", "b", "--node", "n",
        "--driver", "remote", "--platform", "linux/arm64", "--driver-opt", "cacert=/c.pem",
        "--bootstrap", "tcp://h:1234",
    ]  # fmt: skip
    # The documented flag, never the hidden alias.
    spec = CreateSpec(name="b", buildkitd_config="/x.toml", buildkitd_flags="--debug")
    assert spec.argv()[-4:] == ["--buildkitd-flags", "--debug", "--buildkitd-config", "/x.toml"]


def test_leave_spec() -> None:
    assert LeaveSpec("builder", "linux-arm64").argv() == [
        "buildx", "create", "--leave", "--name", "builder", "--node", "linux-arm64",
    ]  # fmt: skip


# --- the wizard can make every seed set-up --------------------------------------------------


def _opts_map(spec: CreateSpec) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for raw in spec.driver_opts:
        parsed = split_driver_opt(raw)
        assert isinstance(parsed, list)
        pairs.update(parsed)
    return pairs


def test_wizard_drafts_give_the_seed_setups(tmp_path: Path) -> None:
    # seed 001: image + network=host + a config with mirrors/http/insecure, used.
    draft = CreateDraft(name="ctx", driver="docker-container", image="moby/buildkit:master",
                        network_host=True, config_path=str(tmp_path / "b.toml"))  # fmt: skip
    draft.config.debug = True
    spec = draft.spec()
    want = canonical(seed_argv(SEED_001_B.replace("<context-name>", "ctx")))
    got = canonical(spec.argv())
    assert got["driver-opt"] == want["driver-opt"]
    assert (got["name"], got["driver"]) == ("ctx", "docker-container")
    assert got["buildkitd-config"] == str(tmp_path / "b.toml")
    # seed 004 remote over TLS, then the append of a second node.
    draft = CreateDraft(name="builder", node="linux-amd64", driver="remote",
                        platforms=["linux/amd64", "linux/386"], endpoint="tcp://HOST:1234",
                        cacert="/Users/George/Desktop/smallstep/root_ca.crt",
                        cert="/Users/George/Desktop/smallstep/docker-client.crt",
                        key="/Users/George/Desktop/smallstep/docker-client.key")  # fmt: skip
    spec = draft.spec()
    seed = SEED_SPECS[9][1]
    assert _opts_map(spec) == _opts_map(seed)
    assert (spec.endpoint, spec.node, spec.platforms) == (seed.endpoint, seed.node, seed.platforms)
    assert spec.buildkitd_config is None  # remote takes none, even with a path set
    # seed 002: DOCKER_HOST=ssh://... is the wizard's endpoint (docker-container is what buildx
    # picks for an ssh:// engine when no driver is given).
    draft = CreateDraft(name="remotebuilder", node="hk-arm64", append=True,
                        endpoint="ssh://root@192.168.100.101", extra_platforms="arm64")  # fmt: skip
    spec = draft.spec()
    assert spec.argv() == [
        "buildx", "create", "--append", "--name", "remotebuilder", "--node", "hk-arm64",
        "--driver", "docker-container", "--platform", "arm64", "ssh://root@192.168.100.101",
    ]  # fmt: skip
    # kubernetes namespace / replicas.
    draft = CreateDraft(name="k", driver="kubernetes", namespace="buildkit", replicas="2")
    assert draft.spec().driver_opts == ("namespace=buildkit", "replicas=2")


def test_seed_setups_pass_the_checks_with_warnings_at_most() -> None:
    assert errors_in(check_platforms(["linux/arm64", "linux/arm64/v8"])) == []
    assert errors_in(check_platforms(["amd64"])) == []
    for cmd in (SEED_001_A, SEED_004_SSH, SEED_004_REMOTE, SEED_004_APPEND):
        c = canonical(seed_argv(cmd))
        driver = str(c.get("driver", "docker-container"))
        tls = ("cacert", "cert", "key")
        opts = [o for o in c["driver-opt"] if o.split("=")[0] not in tls]  # type: ignore[attr-defined]
        assert errors_in(check_driver_opts(driver, opts)) == []
        endpoint = str(c["endpoint"] or "")
        assert errors_in(check_endpoint(driver, endpoint, contexts=["default"])) == []
        assert errors_in(check_driver(driver, None)) == []


# --- names -------------------------------------------------------------------------------


def _builder(name: str, driver: str = "docker-container", *nodes: tuple[str, str]) -> Builder:
    return Builder(name, driver, nodes=tuple(Node(n, ep, NodeStatus.RUNNING) for n, ep in nodes))


EXISTING = (
    _builder("lab-remote", "remote", ("lab-remote0", "tcp://127.0.0.1:1234")),
    _builder("default", "docker", ("default", "default")),
    _builder("desktop-linux", "docker", ("desktop-linux", "desktop-linux")),
)


@pytest.mark.parametrize(
    ("name", "append", "message"),
    [
        ("", False, "a builder name is required"),
        ("1abc", False, "must start with a letter"),
        ("my builder", False, "must start with a letter and may contain only"),
        ("a/b", False, "may contain only letters, digits"),
        ("default", False, '"default" is reserved'),
        ("lab-remote", False, 'a builder named "lab-remote" already exists (remote; nodes: '
                              "lab-remote0). Choose another name, or append a node to it"),
        ("LAB-REMOTE", False, 'a builder named "lab-remote" already exists'),
        ("desktop-linux", False, "builder of the Docker context of that name"),
        ("nosuch", True, 'there is no builder "nosuch" to append a node to'),
        ("desktop-linux", True, "nodes cannot be appended to it"),
    ],
)  # fmt: skip
def test_name_errors(name: str, append: bool, message: str) -> None:
    problems = errors_in(check_name(name, EXISTING, append=append))
    assert problems and message in problems[0].message


def test_name_ok_and_lower_case_warning() -> None:
    assert check_name("wiz-e2e.one_1", EXISTING, append=False) == []
    assert check_name("lab-remote", EXISTING, append=True) == []
    warn = check_name("MyBuilder", EXISTING, append=False)
    assert [(p.severity, p.message) for p in warn] == [
        ("warning", 'buildx stores builder names in lower case: "mybuilder"')
    ]


def test_node_names() -> None:
    target = EXISTING[0]
    assert check_node_name("", target) == []
    assert check_node_name("lab-remote1", target) == []
    assert "would change that node" in check_node_name("Lab-Remote0", target)[-1].message
    assert "node name" in check_node_name("0bad", None)[0].message
    assert next_node_name(target) == "lab-remote1"
    two = _builder("b", "remote", ("b0", "tcp://a:1"), ("b1", "tcp://a:2"))
    assert next_node_name(two) == "b2"


# --- driver and endpoint -----------------------------------------------------------------


def test_driver_rules() -> None:
    assert check_driver("docker-container", None) == []
    docker = check_driver("docker", None)
    assert "cannot create builders with the docker driver" in docker[0].message
    assert "docker context create" in docker[0].message
    assert "unknown driver" in check_driver("podman", None)[0].message
    mismatch = check_driver("docker-container", EXISTING[0])
    assert "must use remote too" in mismatch[0].message


@pytest.mark.parametrize(
    ("driver", "endpoint", "message"),
    [
        ("remote", "", "needs the address of a running buildkitd"),
        ("remote", "127.0.0.1:1234", "has no scheme"),
        ("remote", "http://127.0.0.1:1234", "http:// is not a BuildKit address"),
        ("remote", "https://h:1234", "https:// is not a BuildKit address"),
        ("remote", "ftp://h", "unrecognized scheme ftp://"),
        ("remote", "tcp://127.0.0.1", "add the port buildkitd listens on: tcp://127.0.0.1:1234"),
        ("remote", "tcp://:1234", "names no host"),
        ("remote", "tcp://h:99999", "out of range"),
        ("remote", "unix://run/buildkit.sock", "needs an absolute path: unix:///run/buildkit.sock"),
        ("remote", "tcp://h:1 x", "no spaces"),
        ("remote", "--help", "cannot start with '-'"),
        ("docker-container", "http://h", "not a Docker engine address"),
        ("docker-container", "ssh://", "names no host"),
        ("docker-container", "no such", "no spaces"),
        ("docker-container", "my@ctx", "neither a Docker context name"),
        ("docker-container", "nosuchcontext", 'there is no Docker context "nosuchcontext"'),
        ("kubernetes", "tcp://h:1", "takes no endpoint"),
    ],
)
def test_endpoint_errors(driver: str, endpoint: str, message: str) -> None:
    problems = errors_in(check_endpoint(driver, endpoint, contexts=["default", "remote-arm"]))
    assert problems, endpoint
    assert message in problems[0].message


@pytest.mark.parametrize(
    ("driver", "endpoint"),
    [
        ("remote", "tcp://127.0.0.1:1234"),
        ("remote", "tcp://[::1]:1234"),
        ("remote", "unix:///run/buildkit/buildkitd.sock"),
        ("remote", "ssh://user@host"),
        ("remote", "docker-container://buildkitd"),
        ("remote", "kube-pod://buildkitd-0"),
        ("docker-container", ""),
        ("docker-container", "remote-arm"),
        ("docker-container", "ssh://root@192.168.100.101"),
        ("docker-container", "tcp://10.0.0.2:2376"),
        ("docker-container", "unix:///var/run/docker.sock"),
        ("kubernetes", ""),
    ],
)
def test_endpoint_ok(driver: str, endpoint: str) -> None:
    assert check_endpoint(driver, endpoint, contexts=["default", "remote-arm"]) == []


def test_context_name_unknown_list_is_a_warning_and_duplicates_are_errors() -> None:
    warn = check_endpoint("docker-container", "arm-box", contexts=None)
    assert [p.severity for p in warn] == ["warning"]
    dup = check_endpoint("remote", "tcp://127.0.0.1:1234", append_to=EXISTING[0])
    assert 'node "lab-remote0" of "lab-remote" already uses tcp://127.0.0.1:1234' in dup[0].message


# --- TLS files ---------------------------------------------------------------------------

CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"


@pytest.fixture
def tls_files(tmp_path: Path) -> dict[str, str]:
    files = {"ca": CERT, "cert": CERT, "key": KEY}
    out = {}
    for name, text in files.items():
        p = tmp_path / f"{name}.pem"
        p.write_text(text)
        p.chmod(0o600 if name == "key" else 0o644)
        out[name] = str(p)
    return out


def test_tls_files_ok(tls_files: dict[str, str]) -> None:
    assert check_tls_files(tls_files["ca"], tls_files["cert"], tls_files["key"]) == []
    assert check_tls_files(tls_files["ca"], "", "") == []  # server-only TLS
    assert check_tls_files("", "", "") == []


def test_tls_files_problems(tls_files: dict[str, str], tmp_path: Path) -> None:
    ca, cert, key = tls_files["ca"], tls_files["cert"], tls_files["key"]

    def first(*args: str, **kw: object) -> str:
        problems = errors_in(check_tls_files(*args, **kw))  # type: ignore[arg-type]
        assert problems, args
        return f"{problems[0].field}: {problems[0].message}"

    assert (
        first(ca, cert, "") == "key: give the client certificate and its key together "
        "(buildx: tls enabled, but missing keys key)"
    )
    assert first("", cert, key).startswith("cacert: with TLS buildx needs the CA certificate")
    assert first("ca.pem", "", "").startswith("cacert: buildx needs an absolute path for cacert")
    nope = str(tmp_path / "nope.pem")
    assert first(nope, "", "") == f"cacert: CA certificate: {nope} does not exist"
    assert first(str(tmp_path), "", "").endswith("is not a regular file")
    os.chmod(key, 0o644)
    assert first(ca, cert, key) == (
        f"key: the private key {key} is readable by every user of this machine (mode 0644); "
        f"protect it first: chmod 600 {key}"
    )
    os.chmod(key, 0o600)
    # Swapped (issue #11 item 11): each file is said to look like the other kind, and the
    # certificate (mode 0644, as certificates are) is never told to be chmod 600.
    swapped = errors_in(check_tls_files(ca, key, cert))
    assert [f"{p.field}: {p.message}" for p in swapped] == [
        f"cert: {key} looks like a private key (BEGIN … PRIVATE KEY), not a certificate: cert "
        "and key swapped?",
        f"key: {cert} looks like a certificate (BEGIN CERTIFICATE), not a private key: cert and "
        "key swapped?",
    ]
    os.chmod(key, 0o644)  # a key readable by all, wherever it is named, is still said
    assert any("chmod 600" in p.message for p in check_tls_files(ca, key, cert))
    assert all(
        cert not in p.message for p in check_tls_files(ca, key, cert) if "chmod" in p.message
    )
    os.chmod(key, 0o600)
    assert "same file" in first(cert, cert, key)
    unreadable = check_tls_files(ca, cert, key, access=lambda p, m: p != key)
    assert "not readable by you" in unreadable[0].message
    warn = check_tls_files(ca, "", "", endpoint="unix:///x.sock")
    assert [p.severity for p in warn] == ["warning"]


# --- platforms, options, flags -----------------------------------------------------------


def test_platform_checks() -> None:
    assert check_platforms(["linux/amd64", "linux/arm/v7", "windows/amd64"]) == []
    bad = check_platforms(["linux/arm64", "linux/sparc", "linux"])
    assert [p.message for p in bad] == [
        "'linux/sparc': unknown architecture 'sparc' (known: 386, amd64, arm, arm64, loong64, "
        "mips, mips64, mips64le, mipsle, ppc64, ppc64le, riscv64, s390x, wasm)",
        "'linux': expected os/arch[/variant], e.g. linux/amd64 or linux/arm/v7",
    ]
    dup = check_platforms(["linux/arm64", "linux/arm64/v8"])
    assert dup[0].severity == "warning"
    assert '"linux/arm64/v8" is the same platform as "linux/arm64"' in dup[0].message


def test_driver_opt_csv_quoting_round_trips() -> None:
    assert driver_opt("network", "host") == "network=host"
    quoted = driver_opt("nodeselector", "kubernetes.io/arch=arm64,disk=ssd")
    assert quoted == '"nodeselector=kubernetes.io/arch=arm64,disk=ssd"'
    assert split_driver_opt(quoted) == [("nodeselector", "kubernetes.io/arch=arm64,disk=ssd")]
    assert split_driver_opt("image=x,network=host") == [("image", "x"), ("network", "host")]
    assert split_driver_opt("env.A=1,2") == "invalid value '2', expecting key=value"


@pytest.mark.parametrize(
    ("driver", "opt", "message"),
    [
        ("docker-container", "memroy=2g", 'the docker-container driver has no option "memroy"'),
        ("docker-container", "memory=lots", "memory: 'lots' is not a size like 512m or 2g"),
        ("docker-container", "cpuset-cpus=a", "is not a CPU list"),
        ("docker-container", "default-load=yes", "is not true or false"),
        ("docker-container", "env.=x", "env. needs a variable name"),
        ("docker-container", "image", "invalid value 'image', expecting key=value"),
        ("kubernetes", "replicas=0", "is not a whole number of at least 1"),
        ("kubernetes", "namespace=Build_Kit", "is not a Kubernetes namespace"),
        ("kubernetes", "loadbalance=rr", "is not sticky or random"),
        ("remote", "image=x", 'the remote driver has no option "image"'),
        ("remote", "env.A=1", 'the remote driver has no option "env.A"'),
    ],
)
def test_driver_opt_errors(driver: str, opt: str, message: str) -> None:
    problems = errors_in(check_driver_opts(driver, [opt]))
    assert problems and message in problems[0].message


def test_driver_opts_ok_and_repeats() -> None:
    ok = ["image=moby/buildkit:master", "network=host", "memory=2g", "cpuset-cpus=0-3",
          "env.BUILDKIT_STEP_LOG_MAX_SIZE=10485760", "restart-policy=on-failure:3"]  # fmt: skip
    assert check_driver_opts("docker-container", ok) == []
    k8s = ["namespace=buildkit", "replicas=3", "rootless=true"]
    assert check_driver_opts("kubernetes", k8s) == []
    # buildx keeps the last value of a key without a word (issue #11 item 11): two different
    # values are an error, the same value twice a warning.
    twice = check_driver_opts("docker-container", ["network=host", "network=bridge"])
    assert [(p.severity, p.message) for p in twice] == [
        (
            "error",
            "network is given twice, network=host and network=bridge: buildx would keep only "
            "the last (network=bridge) without a word; keep the one you mean",
        )
    ]
    one_arg = check_driver_opts("docker-container", ["network=host,network=bridge"])
    assert [p.severity for p in one_arg] == ["error"]
    same = check_driver_opts("docker-container", ["network=host", "network=host"])
    assert [(p.severity, p.message) for p in same] == [
        ("warning", "network=host is given twice; buildx keeps one")
    ]


def test_buildkitd_flags() -> None:
    flags = "--debug --allow-insecure-entitlement security.insecure"
    assert check_buildkitd_flags("docker-container", flags) == []
    assert "takes no BuildKit flags" in check_buildkitd_flags("remote", "--debug")[0].message
    assert "cannot split" in check_buildkitd_flags("docker-container", "--x 'a")[0].message
    assert "is not a flag" in check_buildkitd_flags("kubernetes", "debug")[0].message


# --- steps of the draft -------------------------------------------------------------------


def test_each_step_checks_only_its_inputs(tmp_path: Path) -> None:
    ctx = WizardContext(existing=EXISTING, contexts=["default"])
    draft = CreateDraft(name="lab-remote", endpoint="http://x", extra_platforms="linux/sparc")
    assert check_step(WizardStep.NAME, draft, ctx)[0].field == "name"
    assert check_step(WizardStep.DRIVER, draft, ctx) == []
    assert check_step(WizardStep.ENDPOINT, draft, ctx)[0].field == "endpoint"
    assert check_step(WizardStep.NODE, draft, ctx)[0].field == "platforms"
    fields = {p.field for p in check_step(WizardStep.REVIEW, draft, ctx)}
    assert {"name", "endpoint", "platforms"} <= fields


def test_registry_step(tmp_path: Path) -> None:
    from buildx_tui.core.create.buildkitd.config import RegistryConfig

    ctx = WizardContext()
    draft = CreateDraft(name="b", config_path="relative.toml")
    draft.config.registries["docker.io"] = RegistryConfig(mirrors=["127.0.0.1:5000"])
    assert "use an absolute path" in check_step(WizardStep.REGISTRY, draft, ctx)[0].message
    draft.config_path = ""
    assert "give a path" in check_step(WizardStep.REGISTRY, draft, ctx)[0].message
    draft.config_path = str(tmp_path / "b.toml")
    assert check_step(WizardStep.REGISTRY, draft, ctx) == []
    draft.config.registries["docker.io"].ca = ["/no/such/ca.pem"]
    problems = check_step(WizardStep.REGISTRY, draft, ctx)
    assert problems[0].field == 'config:registry."docker.io".ca[0]'
    assert "does not exist" in problems[0].message
    # The remote driver ignores the registry step entirely.
    draft.driver = "remote"
    assert check_step(WizardStep.REGISTRY, draft, ctx) == []
    assert draft.spec().buildkitd_config is None


def test_loading_an_existing_config_keeps_its_comments(tmp_path: Path) -> None:
    # seed 000's config.toml, with its commented-out settings.
    seed = (
        "# registry configures a new Docker register used for cache import or output.\n"
        '[registry."docker.io"]\n'
        '  mirrors = ["https://docker.1panel.live"]\n'
        "  # http = true\n"
        "  # insecure = true\n"
        '  # ca=["/etc/config/myca.pem"]\n'
    )
    path = tmp_path / "config.toml"
    path.write_text(seed)
    draft = CreateDraft(name="buildxtest01")
    assert draft.load_config(str(path)) == []
    assert draft.config_exists
    assert draft.config.registries["docker.io"].mirrors == ["https://docker.1panel.live"]
    draft.config.registries["docker.io"].mirrors.append("127.0.0.1:5000")
    text = draft.config_new_text()
    assert "  # http = true\n" in text and text.startswith("# registry configures")
    assert "127.0.0.1:5000" in text
    assert draft.spec().buildkitd_config == str(path)


def test_loading_a_broken_config_is_refused_and_typos_are_warned(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[registry."docker.io"]\n  mirrors = "x"\n')
    draft = CreateDraft(name="b")
    problems = draft.load_config(str(bad))
    assert problems and "cannot be edited" in problems[0].message
    assert not draft.config_exists and not draft.config.registries
    # The step refuses to go on (so the broken file is never overwritten).
    blocked = check_step(WizardStep.REGISTRY, draft, WizardContext())
    assert blocked[0].severity == "error" and "cannot be edited" in blocked[0].message
    typo = tmp_path / "typo.toml"
    typo.write_text('[registry."docker.io"]\n  mirror = ["127.0.0.1:5000"]\n')
    assert draft.load_config(str(typo)) == []
    problems = check_step(WizardStep.REGISTRY, draft, WizardContext())
    assert any(
        p.severity == "warning"
        and 'ignores "mirror"' in p.message
        and 'did you mean "mirrors"' in p.message
        for p in problems
    )


# --- --timeout (a Go duration) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("20s", 20), ("1m30s", 90), ("2h45m", 9900), ("1.5h", 5400), ("300ms", 0.3), (".5s", 0.5),
     ("1.s", 1), ("+5s", 5), ("-1s", -1), ("0", 0), ("1500us", 0.0015), ("2\u00b5s", 2e-6),
     ("2\u03bcs", 2e-6), ("7ns", 7e-9)],
)  # fmt: skip
def test_go_durations_parse_as_go_does(text: str, seconds: float) -> None:
    assert parse_go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("text", "message"),
    [("30", 'missing unit in duration "30"'), ("1m30", 'missing unit in duration "1m30"'),
     ("10sec", 'unknown unit "sec" in duration "10sec"'), ("1e3s", 'unknown unit "e"'),
     ("s", 'invalid duration "s"'), (".s", 'invalid duration ".s"'), ("", "invalid duration"),
     ("-", "invalid duration"), ("1m 30s", 'unknown unit "m " in duration'),
     ("\u0663s", "invalid duration")],
)  # fmt: skip
def test_bad_go_durations_say_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_go_duration(text)


def test_timeout_checks() -> None:
    assert check_timeout("") == [] and check_timeout("  ") == []
    assert check_timeout("1m30s") == [] and check_timeout(" 45s ") == []
    (bad,) = check_timeout("30")
    assert (bad.field, bad.severity) == ("timeout", "error")
    assert bad.message == 'missing unit in duration "30": write it like 20s, 90s, 1m30s or 2m'
    for zero in ("0", "0s", "-5s"):
        (bad,) = check_timeout(zero)
        assert bad.severity == "error" and "makes buildx give up at once" in bad.message
    (short,) = check_timeout("500ms")
    assert short.severity == "warning" and "under a second" in short.message


def test_timeout_goes_into_the_create_argv_before_the_endpoint() -> None:
    spec = CreateSpec(name="b", driver="docker-container", timeout="1m30s",
                      endpoint="ssh://root@127.0.0.1:2222", bootstrap=True)  # fmt: skip
    assert spec.argv()[-4:] == ["--timeout", "1m30s", "--bootstrap", "ssh://root@127.0.0.1:2222"]
    assert canonical(spec.argv())["timeout"] == "1m30s"
    assert "--timeout" not in CreateSpec(name="b").argv()


def test_draft_timeout_is_checked_on_the_endpoint_step_and_reaches_the_spec() -> None:
    ctx = WizardContext()
    draft = CreateDraft(name="b", endpoint="ssh://root@127.0.0.1:2222", timeout="90")
    problems = check_step(WizardStep.ENDPOINT, draft, ctx)
    assert [(p.field, p.severity) for p in problems] == [("timeout", "error")]
    assert "timeout" in {p.field for p in check_step(WizardStep.REVIEW, draft, ctx)}
    assert check_step(WizardStep.NODE, draft, ctx) == []
    draft.timeout = " 90s "
    assert check_step(WizardStep.ENDPOINT, draft, ctx) == []
    assert draft.spec().timeout == "90s"
    assert CreateDraft(name="b").spec().timeout is None


def test_appending_to_a_tls_builder_inherits_its_tls_files_for_tcp_only() -> None:
    """Issue #11 item 25: a second node of a TLS builder started with empty TLS paths."""
    from buildx_tui.core.builders import parse_ls_json
    from buildx_tui.core.create.draft import CreateDraft
    from tests.fakes import fixture

    target = parse_ls_json(fixture("local/ls-lab-running.json")).get("lab-remote")
    assert target is not None
    draft = CreateDraft(name="lab-remote", append=True)
    draft.follow(target)
    assert draft.driver == "remote" and draft.tls_source == "lab-remote0"
    draft.endpoint = "tcp://127.0.0.2:1234"
    assert draft.tls_files()[:3] == (
        "/tmp/buildx-tui-lab/certs/ca.pem",
        "/tmp/buildx-tui-lab/certs/client-cert.pem",
        "/tmp/buildx-tui-lab/certs/client-key.pem",
    )
    assert "cacert=/tmp/buildx-tui-lab/certs/ca.pem" in draft.driver_opt_items()
    # TLS is used only over tcp://: a unix:// node gets none of them.
    draft.endpoint = "unix:///run/buildkit/buildkitd.sock"
    assert draft.tls_files() == ("", "", "", "")
    assert draft.driver_opt_items() == []
    # Files the user types win, all of them.
    draft.endpoint = "tcp://127.0.0.2:1234"
    draft.cacert = "/other/ca.pem"
    assert draft.tls_files() == ("/other/ca.pem", "", "", "")

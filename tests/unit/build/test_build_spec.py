"""BuildSpec -> argv, form parsing, and every check the build form makes before running."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from buildx_tui.core.build.checks import (
    BuildEnv,
    check_spec,
    containerd_store,
    dockerfile_stages,
    failure_hint,
)
from buildx_tui.core.build.form import (
    FormValues,
    compile_form,
    parse_build_args,
    parse_tags,
    registry_of,
    validate_tag,
)
from buildx_tui.core.build.issue import Severity
from buildx_tui.core.build.platform_choices import Support, platform_choices
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.builders import Builder, Node, NodeStatus, parse_ls_json
from tests.fakes import fixture

LAB_PINNED = {"lab-container": {"lab-container0": ["linux/amd64", "linux/arm64"]}}


def builders(name: str = "buildx/ls.json", pinned=None) -> dict[str, Builder]:
    ls = parse_ls_json(fixture(name), pinned or {})
    return {b.name: b for b in ls.builders}


def small_builder(driver: str = "docker-container", platforms=("linux/amd64", "linux/arm64")):
    node = Node("n0", "unix:///x", NodeStatus.RUNNING, platforms=tuple(platforms))
    return Builder("small", driver, nodes=(node,))


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "Dockerfile").write_text(
        "FROM busybox AS base\nRUN true\nfrom busybox as Final\nCOPY --from=base / /\n"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def messages(issues, severity=None, field=None) -> list[str]:
    return [
        i.message
        for i in issues
        if (severity is None or i.severity is severity) and (field is None or i.field == field)
    ]


# -- argv ------------------------------------------------------------------------------------------


def test_argv_has_every_option_in_buildx_order():
    spec = BuildSpec(
        builder="lab",
        context="ctx dir",
        dockerfile="ctx dir/Dockerfile.prod",
        target="final",
        tags=("reg:5000/app:1", "reg:5000/app:latest"),
        build_args=(("A", "1 2"), ("FROM_ENV", None)),
        platforms=("linux/amd64", "linux/arm64"),
        output=Output.PUSH,
        no_cache=True,
        pull=True,
    )
    assert spec.argv(progress="rawjson", metadata_file="/tmp/m.json") == [
        "buildx", "build", "--builder", "lab",
        "--progress=rawjson", "--metadata-file", "/tmp/m.json",
        "--platform", "linux/amd64,linux/arm64",
        "-t", "reg:5000/app:1", "-t", "reg:5000/app:latest",
        "--build-arg", "A=1 2", "--build-arg", "FROM_ENV",
        "--target", "final", "-f", "ctx dir/Dockerfile.prod",
        "--no-cache", "--pull", "--push", "ctx dir",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("output", "flags"),
    [
        (Output.PUSH, ["--push"]),
        (Output.LOAD, ["--load"]),
        (Output.OCI, ["--output", "type=oci,dest=out.tar"]),
        (Output.TAR, ["--output", "type=tar,dest=out.tar"]),
        (Output.CACHE, []),
    ],
)
def test_argv_output(output, flags):
    spec = BuildSpec(builder="b", output=output, dest="out.tar")
    assert spec.argv() == ["buildx", "build", "--builder", "b", *flags, "."]


def test_spec_round_trips_through_dict():
    spec = BuildSpec(
        builder="b",
        tags=("a:1",),
        build_args=(("K", "v"), ("E", None)),
        platforms=("linux/arm64",),
        output=Output.OCI,
        dest="x.tar",
        no_cache=True,
    )
    assert BuildSpec.from_dict(spec.to_dict()) == spec


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"builder": 3},
        {"builder": "b", "tags": "a:1"},
        {"builder": "b", "build_args": [["K"]]},
        {"builder": "b", "output": "floppy"},
    ],
)
def test_spec_from_bad_dict_raises_value_error(bad):
    with pytest.raises(ValueError):
        BuildSpec.from_dict(bad)


# -- tags ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        "app",
        "app:1.0",
        "127.0.0.1:5000/build-e2e/app:v1",
        "localhost/app",
        "registry.example.com/a/b/c:latest",
        "a__b/c-d.e:_x",
        "[::1]:5000/app:1",
    ],
)
def test_valid_tags(tag):
    assert validate_tag(tag) is None


@pytest.mark.parametrize(
    ("tag", "words"),
    [
        ("App:1", "repository names must be lowercase: 'App' (did you mean 'app'?)"),
        ("app:", "the tag after ':' is empty"),
        ("app:-x", "invalid tag '-x'"),
        ("app:" + "x" * 129, "the tag is 129 characters long; the limit is 128"),
        ("app@sha256:" + "a" * 64, "a tag cannot hold a digest"),
        ("bad_host!:5000/app", "invalid registry host 'bad_host!:5000'"),
        ("app//x", "has an empty component ('//')"),
        ("-app", "invalid repository path component '-app'"),
        ("a" * 256, "the limit is 255"),
    ],
)
def test_invalid_tags_say_why(tag, words):
    problem = validate_tag(tag)
    assert problem is not None and words in problem


def test_parse_tags_splits_on_spaces_commas_newlines_and_dedupes():
    tags, issues = parse_tags("a:1, b:2\n a:1  c")
    assert tags == ("a:1", "b:2", "c")
    assert issues == []
    tags, issues = parse_tags("ok:1 Bad:1")
    assert tags == ("ok:1",)
    assert messages(issues, Severity.ERROR, "tags") == [
        "'Bad:1': repository names must be lowercase: 'Bad' (did you mean 'bad'?)"
    ]


@pytest.mark.parametrize(
    ("tag", "registry"),
    [
        ("app:1", "docker.io"),
        ("user/app", "docker.io"),
        ("127.0.0.1:5000/app:1", "127.0.0.1:5000"),
        ("ghcr.io/o/app", "ghcr.io"),
        ("localhost/app", "localhost"),
    ],
)
def test_registry_of(tag, registry):
    assert registry_of(tag) == registry


# -- build args ------------------------------------------------------------------------------------


def test_build_args_parse_values_with_equals_and_bare_keys():
    args, issues = parse_build_args("A=1\n\n# comment\nURL=http://x/?a=b\nFROM_ENV\nEMPTY=\n")
    assert args == (("A", "1"), ("URL", "http://x/?a=b"), ("FROM_ENV", None), ("EMPTY", ""))
    assert issues == []


@pytest.mark.parametrize(
    ("text", "words"),
    [("1A=x", "not a build-arg name"), ("=x", "(empty)"), ("A B=1", "not a build-arg name")],
)
def test_build_args_bad_names(text, words):
    args, issues = parse_build_args(text)
    assert args == ()
    [message] = messages(issues, Severity.ERROR)
    assert words in message and "line 1" in message


def test_build_args_duplicate_is_an_error_and_secret_names_get_a_note():
    args, issues = parse_build_args("A=1\nA=2\nGITHUB_TOKEN=abc")
    assert args == (("A", "1"), ("GITHUB_TOKEN", "abc"))
    assert messages(issues, Severity.ERROR) == ["line 2: A given twice"]
    [note] = messages(issues, Severity.NOTE)
    assert "GITHUB_TOKEN looks like a secret" in note and "--secret" in note


# -- form ------------------------------------------------------------------------------------------


def test_compile_form_merges_boxes_and_free_text_platforms():
    spec, issues = compile_form(
        FormValues(
            builder="b",
            platforms=("linux/amd64", "linux/arm64"),
            extra_platforms="linux/aarch64, linux/arm/v6 ,linux/x86_64",
        )
    )
    assert issues == []
    # aarch64 and x86_64 normalise to platforms already ticked.
    assert spec.platforms == ("linux/amd64", "linux/arm64", "linux/arm/v6")


def test_compile_form_bad_fields_are_errors_and_the_rest_is_kept():
    spec, issues = compile_form(
        FormValues(
            builder="",
            tags="UP:1 ok:1",
            extra_platforms="linux/notanarch, linux/arm64",
            build_args="1=2\nA=b",
            context="src",
        )
    )
    fields = {i.field for i in issues if i.severity is Severity.ERROR}
    assert fields == {"builder", "tags", "platforms", "build_args"}
    # The valid parts are kept, so the other checks (paths, …) still run on them.
    assert (spec.tags, spec.platforms, spec.build_args, spec.context) == (
        ("ok:1",),
        ("linux/arm64",),
        (("A", "b"),),
        "src",
    )


def test_compile_form_expands_home(monkeypatch):
    monkeypatch.setenv("HOME", "/home/someone")
    spec, _ = compile_form(FormValues(builder="b", context="~/src", dockerfile="~/src/Df"))
    assert (spec.context, spec.dockerfile) == ("/home/someone/src", "/home/someone/src/Df")


def test_form_values_from_spec_puts_unoffered_platforms_in_free_text():
    spec = BuildSpec(
        builder="b",
        platforms=("linux/amd64", "linux/amd64/v3"),
        build_args=(("A", "1"), ("B", None)),
        tags=("a:1", "b:2"),
    )
    values = FormValues.from_spec(spec, offered=["linux/amd64", "linux/arm64"])
    assert values.platforms == ("linux/amd64",)
    assert values.extra_platforms == "linux/amd64/v3"
    assert values.build_args == "A=1\nB"
    assert values.tags == "a:1 b:2"
    assert compile_form(values)[0] == spec


# -- paths -----------------------------------------------------------------------------------------


def test_good_context_and_default_dockerfile(ctx):
    assert check_spec(BuildSpec(builder="b"), BuildEnv()) == []


def test_missing_context(ctx):
    issues = check_spec(BuildSpec(builder="b", context="nope"), BuildEnv())
    assert messages(issues, Severity.ERROR) == ["context 'nope' does not exist"]


def test_context_is_a_file(ctx):
    issues = check_spec(BuildSpec(builder="b", context="Dockerfile"), BuildEnv())
    assert messages(issues, Severity.ERROR, "context") == [
        "context 'Dockerfile' is not a directory"
    ]


def test_context_without_dockerfile(ctx):
    (ctx / "empty").mkdir()
    issues = check_spec(BuildSpec(builder="b", context="empty"), BuildEnv())
    [message] = messages(issues, Severity.ERROR, "dockerfile")
    assert "'empty/Dockerfile' does not exist" in message


def test_dockerfile_given_is_missing_or_a_directory(ctx):
    issues = check_spec(BuildSpec(builder="b", dockerfile="Dockerfile.nope"), BuildEnv())
    assert messages(issues, Severity.ERROR) == ["Dockerfile 'Dockerfile.nope' does not exist"]
    (ctx / "sub").mkdir()
    issues = check_spec(BuildSpec(builder="b", dockerfile="sub"), BuildEnv())
    assert messages(issues, Severity.ERROR) == ["Dockerfile 'sub' is not a file"]


def test_unreadable_paths(ctx, monkeypatch):
    # Simulated: the tests run as root, which reads everything.
    locked = {"./Dockerfile", "locked"}
    (ctx / "locked").mkdir()
    monkeypatch.setattr(os, "access", lambda path, mode: str(path) not in locked)
    issues = check_spec(BuildSpec(builder="b"), BuildEnv())
    assert messages(issues, Severity.ERROR) == [
        "Dockerfile (default: Dockerfile in the context) './Dockerfile' is not readable"
    ]
    issues = check_spec(BuildSpec(builder="b", context="locked"), BuildEnv())
    assert messages(issues, Severity.ERROR) == ["context 'locked' is not readable"]


def test_url_context_is_not_checked_on_disk(ctx):
    spec = BuildSpec(builder="b", context="https://github.com/docker/buildx.git#master")
    assert check_spec(spec, BuildEnv()) == []


# -- target ----------------------------------------------------------------------------------------


def test_stages_are_read_case_insensitively(ctx):
    assert dockerfile_stages(str(ctx / "Dockerfile")) == ["base", "final"]
    assert dockerfile_stages(str(ctx / "nope")) is None


def test_target_must_exist(ctx):
    assert check_spec(BuildSpec(builder="b", target="final"), BuildEnv()) == []
    issues = check_spec(BuildSpec(builder="b", target="tests"), BuildEnv())
    assert messages(issues, Severity.ERROR) == [
        "no stage 'tests' in the Dockerfile (stages: base, final)"
    ]
    issues = check_spec(BuildSpec(builder="b", target="a b"), BuildEnv())
    assert messages(issues, Severity.ERROR, "target") == [
        "'a b' is not a stage name (letters, digits, _ . -)"
    ]


# -- outputs ---------------------------------------------------------------------------------------


def test_oci_and_tar_need_a_writable_file_destination(ctx):
    env = BuildEnv()

    def errs(dest: str, output: Output = Output.OCI) -> list[str]:
        return messages(check_spec(BuildSpec(builder="b", output=output, dest=dest), env))

    assert errs("") == ["type=oci needs a destination file"]
    assert errs("", Output.TAR) == ["type=tar needs a destination file"]
    assert errs("out.tar") == []
    assert errs("-") == ["writing the tarball to stdout is not supported here: name a file"]
    (ctx / "d").mkdir()
    assert errs("d") == ["'d' is a directory: name a file"]
    assert errs("no/such/out.tar") == [f"folder '{ctx}/no/such' does not exist"]
    assert errs("a,b.tar") == ['the destination path cannot contain , or "']


# -- refusals --------------------------------------------------------------------------------------


def test_push_without_tag_is_a_refusal(ctx):
    issues = check_spec(BuildSpec(builder="b", output=Output.PUSH), BuildEnv())
    assert [i.severity for i in issues] == [Severity.REFUSAL]
    assert "push needs at least one tag" in issues[0].message


def test_docker_driver_several_platforms(ctx):
    default = builders()["default"]
    spec = BuildSpec(builder="default", platforms=("linux/amd64", "linux/arm64"), tags=("a",))
    refusals = messages(check_spec(spec, BuildEnv(default)), Severity.REFUSAL)
    assert len(refusals) == 1 and "docker driver cannot build several platforms" in refusals[0]
    assert "unless the engine uses the containerd image store" in refusals[0]
    known_classic = messages(check_spec(spec, BuildEnv(default, False)), Severity.REFUSAL)
    assert "unless" not in known_classic[0]
    assert messages(check_spec(spec, BuildEnv(default, True)), Severity.REFUSAL) == []


def test_load_of_several_platforms_needs_containerd_store(ctx):
    seed = builders()["seedtest"]
    spec = BuildSpec(
        builder="seedtest", platforms=("linux/amd64", "linux/arm64"), output=Output.LOAD
    )
    refusals = messages(check_spec(spec, BuildEnv(seed, False)), Severity.REFUSAL)
    assert refusals == [
        "--load of several platforms needs the containerd image store: push instead, or build "
        "one platform to load"
    ]
    assert messages(check_spec(spec, BuildEnv(seed, True)), Severity.REFUSAL) == []
    one = BuildSpec(builder="seedtest", platforms=("linux/arm64",), output=Output.LOAD)
    assert messages(check_spec(one, BuildEnv(seed, False)), Severity.REFUSAL) == []


def test_docker_driver_oci_output_and_cache_only_note(ctx):
    default = builders()["default"]
    oci = BuildSpec(builder="default", output=Output.OCI, dest="o.tar")
    assert "cannot write an OCI layout" in messages(check_spec(oci, BuildEnv(default, False)))[0]
    cache = check_spec(BuildSpec(builder="default"), BuildEnv(default, False))
    assert messages(cache, Severity.NOTE) == [
        "the docker driver loads the image into the engine anyway"
    ]


def test_platform_the_builder_does_not_list_is_a_note_emulated_a_note(ctx):
    # Not a refusal: buildx sends it to the first node and it builds if the host has a QEMU
    # handler (issue #11 item 7: the lab built linux/arm/v5, which lab-container does not list).
    small = small_builder()
    spec = BuildSpec(builder="small", platforms=("linux/amd64", "linux/arm64", "linux/riscv64"))
    issues = check_spec(spec, BuildEnv(small))
    assert messages(issues, Severity.REFUSAL) == messages(issues, Severity.WARNING) == []
    assert messages(issues, Severity.NOTE) == [
        "linux/arm64 runs under QEMU emulation: expect it to be ~3x slower",
        "small does not list linux/riscv64: it builds if the builder's host has a QEMU emulator "
        "for riscv64 registered (BuildKit lists only the emulators it tests), which is not known "
        "until it runs; without one, RUN steps fail with exec format error; to be sure: docker "
        "run --privileged --rm tonistiigi/binfmt --install riscv64, then restart the builder "
        "(docker buildx stop small)",
    ]


def test_amd64_variant_typed_by_hand_is_accepted_when_reported(ctx):
    seed = builders()["seedtest"]
    spec = BuildSpec(builder="seedtest", platforms=("linux/amd64/v3",))
    assert check_spec(spec, BuildEnv(seed)) == []


def test_stopped_builder_platforms_are_not_checked(ctx):
    stopped = Builder("s", "docker-container", nodes=(Node("s0", "x", NodeStatus.INACTIVE),))
    spec = BuildSpec(builder="s", platforms=("linux/s390x",))
    assert check_spec(spec, BuildEnv(stopped)) == []


# -- platform choices ------------------------------------------------------------------------------


def test_choices_native_first_then_emulated_then_unlisted():
    small = small_builder(platforms=("linux/amd64", "linux/arm64", "linux/386", "linux/amd64/v2"))
    choices = platform_choices(small)
    assert [(c.name, c.support) for c in choices] == [
        ("linux/amd64", Support.NATIVE),
        ("linux/386", Support.NATIVE),
        ("linux/arm64", Support.EMULATED),
        ("linux/arm/v7", Support.UNLISTED),
        ("linux/arm/v6", Support.UNLISTED),
        ("linux/ppc64le", Support.UNLISTED),
        ("linux/s390x", Support.UNLISTED),
        ("linux/riscv64", Support.UNLISTED),
    ]
    riscv = choices[-1]
    assert riscv.reason.startswith("small does not list linux/riscv64: it builds if")
    assert "not known until it runs" in riscv.reason
    assert "tonistiigi/binfmt --install riscv64" in riscv.fix


def test_choices_keep_pinned_apart_from_native():
    stopped = builders("local/ls-lab-stopped.json", LAB_PINNED)
    # Stopped: it reports only its pinned platforms; the others are unknown, not missing.
    choices = platform_choices(stopped["lab-container"])
    assert [(c.name, c.support, c.pinned) for c in choices[:3]] == [
        ("linux/amd64", Support.NATIVE, True),
        ("linux/arm64", Support.EMULATED, True),
        ("linux/arm/v7", Support.UNKNOWN, False),
    ]
    assert {c.support for c in choices[2:]} == {Support.UNKNOWN}
    assert "is not running" in choices[2].reason
    assert {c.support for c in platform_choices(stopped["lab-dead"])} == {Support.UNKNOWN}
    seed = builders(pinned={"seedtest": {"seedtest0": ["linux/amd64", "linux/arm64"]}})["seedtest"]
    by_name = {c.name: c for c in platform_choices(seed)}
    assert by_name["linux/arm64"].pinned and by_name["linux/arm64"].support is Support.EMULATED
    assert by_name["linux/amd64"].pinned and by_name["linux/amd64"].support is Support.NATIVE
    assert not by_name["linux/386"].pinned


def test_remote_builder_missing_reason_names_the_host():
    remote = Builder(
        "r",
        "remote",
        nodes=(Node("r0", "tcp://x", NodeStatus.RUNNING, platforms=("linux/amd64",)),),
    )
    arm = next(c for c in platform_choices(remote) if c.name == "linux/arm64")
    assert arm.reason.startswith("r does not list linux/arm64: it builds if the BuildKit host")
    assert arm.fix == "to be sure: install a QEMU binfmt handler for arm64 on the BuildKit host"


# -- failure hints (on recorded buildx errors) -----------------------------------------------------


@pytest.mark.parametrize(
    ("recording", "words"),
    [
        ("buildx/build-docker-driver-multiplatform.stderr", "docker driver builds one platform"),
        ("buildx/build-load-multiplatform.stderr", "--load of several platforms needs"),
        ("buildx/build-unsupported-platform.stderr", "base image has no variant"),
        ("buildx/build-onefails-rawjson.stderr", None),
    ],
)
def test_failure_hints_from_real_errors(recording, words):
    hint = failure_hint(fixture(recording))
    if words is None:
        assert hint == ""
    else:
        assert words in hint


def test_image_store_from_docker_info():
    # Recorded on the lab (classic store); the containerd store adds a driver-type pair.
    assert containerd_store(fixture("local/info-driver-status-lab.json")) is False
    assert containerd_store('[["driver-type","io.containerd.snapshotter.v1"]]') is True
    assert containerd_store("") is None
    assert containerd_store('{"not": "a list"}') is None

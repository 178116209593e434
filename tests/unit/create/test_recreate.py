"""Recreating a builder with changes (issue #11 item 24): the wizard's draft read back from the
recorded `ls --format json` and buildx's store, what cannot be read back said as unknown, the
two `create` commands and buildkitd.toml files compared, and what is lost per driver."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from buildx_tui.core.builders import Builder, Node, NodeStatus, parse_ls_json
from buildx_tui.core.create.buildkitd.config import RegistryConfig
from buildx_tui.core.create.recreate import (
    AUTO_ENTITLEMENT,
    DiffLine,
    command_lines,
    draft_from_builder,
    read_builder,
    refusal,
    review,
    same_settings,
    user_flags,
)
from buildx_tui.core.docker.store import read_pinned_platforms
from tests.fakes import fixture

NAME = "recreate-rec"


def recorded(name: str, ls: str, tmp_path: Path) -> Builder:
    """A builder from a recorded `ls`, its pinned platforms read from buildx's recorded store."""
    store = tmp_path / "docker" / "buildx" / "instances"
    store.mkdir(parents=True, exist_ok=True)
    (store / NAME).write_text(fixture("local/recreate-store-before.json"))
    pinned = read_pinned_platforms(tmp_path / "docker")
    builder = parse_ls_json(fixture(f"local/{ls}"), pinned).get(name)
    assert builder is not None
    return builder


def running_toml(ls: str) -> str:
    builder = parse_ls_json(fixture(f"local/{ls}")).get(NAME)
    assert builder is not None
    return builder.nodes[0].files["buildkitd.toml"]


def test_the_draft_holds_the_builder_as_it_was_created(tmp_path: Path) -> None:
    builder = recorded(NAME, "recreate-ls-before.json", tmp_path)
    source = read_builder(builder, config_dir=tmp_path / "cfg")
    draft = source.draft
    assert (draft.name, draft.driver, draft.node) == (NAME, "docker-container", f"{NAME}0")
    assert draft.endpoint == "unix:///tmp/buildx-tui-lab/docker.sock"
    assert draft.platforms == ["linux/amd64", "linux/arm64"]  # pinned, from buildx's store
    assert draft.network_host and draft.env == "BUILDKIT_STEP_LOG_MAX_SIZE=10485760"
    # the entitlement buildx appended by itself is left out: buildx adds it again
    assert draft.buildkitd_flags == "--debug --allow-insecure-entitlement security.insecure"
    path = tmp_path / "cfg" / "buildkitd" / f"{NAME}.toml"
    assert source.config_path == path and draft.config_path == str(path)
    assert draft.config.registries["docker.io"].mirrors == ["127.0.0.1:5000"]
    assert draft.config.registries["127.0.0.1:5000"].http is True
    assert draft.use is False and draft.bootstrap is True
    # The command that made it (scripts/record_recreate_fixtures.py), but for the config's
    # path (only its content is known) and the endpoint buildx stored for it.
    recorded_argv = shlex.split(
        "buildx create --name recreate-rec --node recreate-rec0 --driver docker-container "
        "--platform linux/amd64,linux/arm64 --driver-opt network=host "
        "--driver-opt env.BUILDKIT_STEP_LOG_MAX_SIZE=10485760 "
        "--buildkitd-flags '--debug --allow-insecure-entitlement security.insecure' "
        f"--buildkitd-config {path} unix:///tmp/buildx-tui-lab/docker.sock"
    )
    assert draft.spec().argv() == recorded_argv
    notes = "\n".join(source.notes)
    assert f"{AUTO_ENTITLEMENT} in its flags was added by buildx itself" in notes
    assert f"that copy is written to {path}" in notes
    assert "current again once created (no `use` needed)" in notes
    assert "moby/buildkit:buildx-stable-1 (its node runs BuildKit v0.32.2)" in notes
    unknown = "\n".join(source.unknown)
    assert "--timeout: buildx does not store it" in unknown
    assert "not its path" in unknown
    assert draft_from_builder(builder, config_dir=tmp_path / "cfg") == draft


def test_a_mirror_added_in_the_draft_is_what_the_recreated_node_ran(tmp_path: Path) -> None:
    source = read_builder(recorded(NAME, "recreate-ls-before.json", tmp_path), config_dir=tmp_path)
    draft = source.new_draft()
    draft.config.registries["ghcr.io"] = RegistryConfig(mirrors=["127.0.0.1:5000"])
    # buildx's copy of after.toml once the recording had recreated the builder with it
    assert same_settings(draft.config_new_text(), running_toml("recreate-ls-after.json"))
    assert not same_settings(source.draft.config_text, running_toml("recreate-ls-after.json"))
    assert source.draft.config.registries.keys() == {"127.0.0.1:5000", "docker.io"}  # a copy


def test_review_shows_both_commands_and_files_one_change_a_line(tmp_path: Path) -> None:
    source = read_builder(recorded(NAME, "recreate-ls-before.json", tmp_path), config_dir=tmp_path)
    draft = source.new_draft()
    draft.network_host = False
    draft.config.registries["ghcr.io"] = RegistryConfig(mirrors=["127.0.0.1:5000"])
    r = review(source, draft, keep_state=True)
    assert r.changed
    changed = [line for line in r.command if line.kind != " "]
    assert changed == [DiffLine("-", "--driver-opt network=host")]
    added = [line.text for line in r.toml if line.kind == "+"]
    assert added == ["", '[registry."ghcr.io"]', 'mirrors = ["127.0.0.1:5000"]']
    assert not [line for line in r.toml if line.kind == "-"]
    assert r.keep_state_applies
    assert r.kept == (f"its build cache: --keep-state keeps buildx_buildkit_{NAME}0_state, "
                      "which the new node uses",)  # fmt: skip
    unchanged = review(source, source.new_draft(), keep_state=True)
    assert not unchanged.changed and all(line.kind == " " for line in unchanged.command)


def test_what_is_lost_without_keep_state_or_with_another_node_name(tmp_path: Path) -> None:
    source = read_builder(recorded(NAME, "recreate-ls-before.json", tmp_path), config_dir=tmp_path)
    r = review(source, source.new_draft(), keep_state=False)
    assert r.kept == ()
    assert r.lost[0].startswith(f"its build cache: the volume buildx_buildkit_{NAME}0_state is "
                                "removed (also if recreating fails")  # fmt: skip
    assert "builds running on it stop" in r.lost[1]
    renamed = source.new_draft()
    renamed.node = "other0"
    r = review(source, renamed, keep_state=True)
    assert "the node other0 uses buildx_buildkit_other0_state" in r.lost[0]


def test_a_plain_builder_has_no_flags_and_no_buildkitd_toml(tmp_path: Path) -> None:
    builder = recorded("recreate-rec-plain", "recreate-ls-plain.json", tmp_path)
    assert builder.nodes[0].flags == (AUTO_ENTITLEMENT,)  # added by buildx
    source = read_builder(builder, config_dir=tmp_path)
    assert source.draft.buildkitd_flags == ""
    assert source.running_toml is None and not source.draft.wants_config()
    assert source.draft.spec().argv() == [
        "buildx", "create", "--name", "recreate-rec-plain", "--node", "recreate-rec-plain0",
        "--driver", "docker-container", "unix:///tmp/buildx-tui-lab/docker.sock",
    ]  # fmt: skip
    assert "not its path" not in "\n".join(source.unknown)


def test_the_file_at_the_apps_path_is_edited_when_it_holds_the_nodes_settings(
    tmp_path: Path,
) -> None:
    builder = recorded(NAME, "recreate-ls-before.json", tmp_path)
    path = tmp_path / "buildkitd" / f"{NAME}.toml"
    path.parent.mkdir()
    mine = '# mine\n[registry."docker.io"]\n  mirrors = ["127.0.0.1:5000"]\n\n' \
           '[registry."127.0.0.1:5000"]\n  http = true\n'  # fmt: skip
    path.write_text(mine)
    source = read_builder(builder, config_dir=tmp_path)
    assert source.draft.config_text == mine and source.base_toml == mine
    assert f"{path} holds the settings its node runs with" in source.notes[-1]
    path.write_text('[registry."docker.io"]\n  mirrors = ["mirror.example"]\n')
    source = read_builder(builder, config_dir=tmp_path)
    assert source.draft.config_text == running_toml("recreate-ls-before.json")
    assert f"{path} holds other settings than the node runs with" in source.notes[-1]


def test_a_remote_builder_keeps_its_tls_files_and_loses_nothing(tmp_path: Path) -> None:
    builder = parse_ls_json(fixture("local/ls-lab-running.json")).get("lab-remote")
    assert builder is not None
    source = read_builder(builder, config_dir=tmp_path)
    draft = source.draft
    assert draft.endpoint == "tcp://127.0.0.1:1234"
    assert draft.cacert == "/tmp/buildx-tui-lab/certs/ca.pem"
    assert draft.key == "/tmp/buildx-tui-lab/certs/client-key.pem"
    assert draft.extra_opts == "" and draft.config_path == ""
    r = review(source, source.new_draft(), keep_state=True)
    assert not r.keep_state_applies and r.lost == ()
    assert "the BuildKit daemon at tcp://127.0.0.1:1234 and its build cache" in r.kept[0]


def test_refusals(tmp_path: Path) -> None:
    lab = parse_ls_json(fixture("local/ls-wizard-created.json"))
    default, two = lab.get("default"), lab.get("wiz-rec-remote")
    assert default is not None and two is not None
    assert "docker driver" in refusal(default)
    assert refusal(two) == (
        "wiz-rec-remote has 2 nodes (wiz-rec-remote0, wiz-rec-remote-unix); recreating works on "
        "one-node builders for now: remove the other nodes (L), recreate it, then add them "
        "again (a)"
    )
    node = Node("n0", "unix:///x", NodeStatus.RUNNING,
                files={"buildkitd.toml": "", "certs/r.example/ca.pem": "x"})  # fmt: skip
    certs = Builder("c", "docker-container", nodes=(node,))
    assert "certs/r.example/ca.pem" in refusal(certs)
    with pytest.raises(ValueError, match="2 nodes"):
        read_builder(two)
    assert refusal(Builder("e", "docker-container", error="boom")).startswith(
        "buildx lists no node for e (boom)"
    )


@pytest.mark.parametrize(
    ("driver", "flags", "opts", "toml", "expected"),
    [
        ("docker-container", ["--debug", AUTO_ENTITLEMENT], {"network": "host"}, None,
         ["--debug"]),
        # given by the user or added by buildx: the same builder, buildx adds it again
        ("docker-container", [AUTO_ENTITLEMENT], {"network": "host"}, None, []),
        # given by the user in another form: buildx added nothing
        ("docker-container", ["--allow-insecure-entitlement", "network.host", AUTO_ENTITLEMENT],
         {"network": "host"}, None,
         ["--allow-insecure-entitlement", "network.host", AUTO_ENTITLEMENT]),
        # another entitlement given: buildx adds network.host only for network=host
        ("docker-container", ["--allow-insecure-entitlement=security.insecure", AUTO_ENTITLEMENT],
         {}, None, ["--allow-insecure-entitlement=security.insecure", AUTO_ENTITLEMENT]),
        # allowed in the buildkitd.toml: buildx adds nothing
        ("docker-container", [AUTO_ENTITLEMENT], {}, 'insecure-entitlements = ["network.host"]',
         [AUTO_ENTITLEMENT]),
        ("kubernetes", [AUTO_ENTITLEMENT], {}, None, []),
        ("remote", [AUTO_ENTITLEMENT], {}, None, [AUTO_ENTITLEMENT]),
    ],
)  # fmt: skip
def test_user_flags(
    driver: str, flags: list[str], opts: dict[str, str], toml: str | None, expected: list[str]
) -> None:
    assert user_flags(driver, flags, opts, toml)[0] == expected


def test_command_lines() -> None:
    argv = ["buildx", "create", "--append", "--name", "a", "--buildkitd-flags", "--debug --x",
            "tcp://h:1"]  # fmt: skip
    assert command_lines(argv) == [
        "buildx create", "--append", "--name a", "--buildkitd-flags '--debug --x'", "tcp://h:1",
    ]  # fmt: skip

"""buildkitd.toml model: loading, validation, round-trip editing with tomlkit, atomic writing."""

# The seeds' configs are quoted verbatim from Chinese articles, full-width commas included.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import copy
import os
import random
import stat
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from buildx_tui.core.create.buildkitd import config as bc
from buildx_tui.core.create.buildkitd.config import (
    BuildkitdConfig,
    ConfigError,
    ConfigProblem,
    KeyPair,
    RegistryConfig,
    apply,
    check_hosts,
    config_path_for_builder,
    has_errors,
    host_syntax_error,
    normalize,
    parse,
    parse_mirror,
    render,
    validate,
    write_atomic,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "buildx"
RECORDED = FIXTURES / "buildkitd.toml"


def problems_at(problems: list[ConfigProblem], field_path: str) -> list[ConfigProblem]:
    return [p for p in problems if p.field == field_path]


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """Lines only in ``before`` and lines only in ``after`` (multiset difference)."""
    a, b = before.splitlines(), after.splitlines()
    only_a = list(a)
    only_b: list[str] = []
    for line in b:
        if line in only_a:
            only_a.remove(line)
        else:
            only_b.append(line)
    return only_a, only_b


# --- the recorded fixture ----------------------------------------------------------------


def test_recorded_fixture_loads() -> None:
    text = RECORDED.read_text()
    config = parse(text)
    assert config.debug is None
    assert list(config.registries) == ["docker.io", "127.0.0.1:5000", "localhost:5000"]
    assert config.registries["docker.io"].mirrors == ["127.0.0.1:5000"]
    assert config.registries["127.0.0.1:5000"] == RegistryConfig(http=True, insecure=True)
    assert not has_errors(validate(config))


def test_recorded_fixture_unchanged_is_byte_identical() -> None:
    text = RECORDED.read_text()
    assert apply(text, parse(text)) == text
    # also with a copy that went through the wizard's hands
    assert apply(text, copy.deepcopy(parse(text))) == text


def test_recorded_fixture_edit_mirror_changes_only_that_line() -> None:
    text = RECORDED.read_text()
    config = parse(text)
    config.registries["docker.io"].mirrors[0] = "mirror.gcr.io"
    out = apply(text, config)
    assert changed_lines(text, out) == (
        ['  mirrors = ["127.0.0.1:5000"]'],
        ['  mirrors = ["mirror.gcr.io"]'],
    )
    assert len(out) == len(text) + len("mirror.gcr.io") - len("127.0.0.1:5000")
    assert parse(out) == config
    assert out.endswith("insecure = true\n")


def test_recorded_fixture_add_key_registry_and_debug() -> None:
    text = RECORDED.read_text()
    config = parse(text)
    config.debug = True
    config.registries["localhost:5000"].ca = ["/etc/buildkit/certs/ca.pem"]
    config.registries["harbor.example.com"] = RegistryConfig(
        insecure=True, keypairs=[KeyPair("/etc/buildkit/certs/k.pem", "/etc/buildkit/certs/c.pem")]
    )
    out = apply(text, config)
    assert out == (
        "# buildkitd config for the offline test builders\n"
        "debug = true\n"
        "\n"
        '[registry."docker.io"]\n'
        '  mirrors = ["127.0.0.1:5000"]\n'
        "\n"
        '[registry."127.0.0.1:5000"]\n'
        "  http = true\n"
        "  insecure = true\n"
        "\n"
        '[registry."localhost:5000"]\n'
        "  http = true\n"
        "  insecure = true\n"
        '  ca = ["/etc/buildkit/certs/ca.pem"]\n'
        "\n"
        '[registry."harbor.example.com"]\n'
        "  insecure = true\n"
        '  [[registry."harbor.example.com".keypair]]\n'
        '    key = "/etc/buildkit/certs/k.pem"\n'
        '    cert = "/etc/buildkit/certs/c.pem"\n'
    )
    assert parse(out) == config


def test_recorded_fixture_remove_registry() -> None:
    text = RECORDED.read_text()
    config = parse(text)
    del config.registries["127.0.0.1:5000"]
    out = apply(text, config)
    assert out == (
        "# buildkitd config for the offline test builders\n"
        '[registry."docker.io"]\n'
        '  mirrors = ["127.0.0.1:5000"]\n'
        "\n"
        '[registry."localhost:5000"]\n'
        "  http = true\n"
        "  insecure = true\n"
    )


# --- a file with everything BuildKit's docs show ------------------------------------------

FULL = """\
# buildkitd.toml for the CI builders (kept by hand, edited by buildx-tui)
debug = false # flip when chasing mirror problems
root = "/var/lib/buildkit"
insecure-entitlements = [ "network.host", "security.insecure" ]

[log]
  format = "text"

[grpc]
  address = [ "tcp://0.0.0.0:1234" ]
  [grpc.tls]
    cert = "/etc/buildkit/tls.crt"
    key = "/etc/buildkit/tls.key"

[registry."docker.io"] # Docker Hub
  # a mirror may carry a path (a Harbor proxy project)
  mirrors = [
    "yourmirror.local:5000",  # in the rack
    "core.harbor.domain/proxy.docker.io",
  ]
  ca = ["/etc/config/myca.pem"]
  tlsconfigdir = ["/etc/buildkit/certs.d"]
  [[registry."docker.io".keypair]]
    key = "/etc/config/key.pem"
    cert = "/etc/config/cert.pem"

# The worker. Keep gc on.
[worker.oci]
  enabled = true
  platforms = [ "linux/amd64", "linux/arm64" ]
  gc = true

  [[worker.oci.gcpolicy]]
    keepBytes = 10240000
    keepDuration = 3600
    filters = [ "type==source.local", "type==exec.cachemount" ]

  [[worker.oci.gcpolicy]]
    all = true
    keepBytes = 1024000

# optionally mirror configuration can be done by defining it as a registry.
[registry."yourmirror.local:5000"]
  http = true

[worker.containerd]
  enabled = false
"""


def test_full_file_loads_and_round_trips() -> None:
    config = parse(FULL)
    assert config.debug is False
    hub = config.registries["docker.io"]
    assert hub.mirrors == ["yourmirror.local:5000", "core.harbor.domain/proxy.docker.io"]
    assert hub.ca == ["/etc/config/myca.pem"]
    assert hub.keypairs == [KeyPair("/etc/config/key.pem", "/etc/config/cert.pem")]
    assert config.registries["yourmirror.local:5000"].http is True
    assert apply(FULL, parse(FULL)) == FULL
    assert [p for p in validate(config) if p.severity == "error"] == []


def test_full_file_edits_keep_everything_else() -> None:
    config = parse(FULL)
    config.debug = True
    hub = config.registries["docker.io"]
    hub.mirrors.insert(1, "mirror.gcr.io")
    hub.http = False
    hub.keypairs.append(KeyPair("/etc/config/key2.pem", "/etc/config/cert2.pem"))
    config.registries["yourmirror.local:5000"].insecure = True
    out = apply(FULL, config)
    removed, added = changed_lines(FULL, out)
    assert removed == ["debug = false # flip when chasing mirror problems"]
    assert added == [
        "debug = true # flip when chasing mirror problems",
        '    "mirror.gcr.io",',
        "  http = false",
        '  [[registry."docker.io".keypair]]',
        '    key = "/etc/config/key2.pem"',
        '    cert = "/etc/config/cert2.pem"',
        "  insecure = true",
    ]
    # the new element sits between the two old ones, the new key after the last key
    assert '"yourmirror.local:5000",  # in the rack\n    "mirror.gcr.io",\n' in out
    assert '  tlsconfigdir = ["/etc/buildkit/certs.d"]\n  http = false\n' in out
    assert parse(out) == config
    data = tomllib.loads(out)
    assert data["worker"] == tomllib.loads(FULL)["worker"]
    assert data["grpc"] == tomllib.loads(FULL)["grpc"]


def test_full_file_remove_hub_keeps_the_comment_of_the_next_section() -> None:
    config = parse(FULL)
    del config.registries["docker.io"]
    out = apply(FULL, config)
    assert "docker.io" not in out
    assert "# a mirror may carry a path" not in out  # it was inside the removed table
    assert "# The worker. Keep gc on.\n[worker.oci]" in out  # it introduces the next table
    assert "[grpc.tls]" in out
    assert parse(out) == config


def test_multiline_array_element_comments_survive_removal_of_other_elements() -> None:
    config = parse(FULL)
    config.registries["docker.io"].mirrors = ["yourmirror.local:5000"]
    out = apply(FULL, config)
    assert '    "yourmirror.local:5000",  # in the rack\n' in out
    assert "proxy.docker.io" not in out
    assert parse(out) == config


def test_emptied_values_remove_their_lines() -> None:
    config = parse(FULL)
    hub = config.registries["docker.io"]
    hub.mirrors, hub.ca, hub.keypairs = [], [], []
    config.debug = None
    out = apply(FULL, config)
    removed, added = changed_lines(FULL, out)
    assert added == []
    assert "debug = false # flip when chasing mirror problems" in removed
    assert '  ca = ["/etc/config/myca.pem"]' in removed
    assert '  [[registry."docker.io".keypair]]' in removed
    assert '[registry."docker.io"] # Docker Hub' in out
    assert "tlsconfigdir" in out
    assert parse(out) == config


# --- new files ---------------------------------------------------------------------------


def test_render_new_file() -> None:
    config = BuildkitdConfig(
        debug=True,
        registries={
            "docker.io": RegistryConfig(mirrors=["mirror.gcr.io", "127.0.0.1:5000"]),
            "127.0.0.1:5000": RegistryConfig(http=True, insecure=True),
            "harbor.local": RegistryConfig(
                ca=["/etc/certs/ca.pem"], keypairs=[KeyPair("/etc/certs/k.pem", "/etc/certs/c.pem")]
            ),
        },
    )
    text = render(config)
    assert text == (
        bc.NEW_FILE_HEADER + "\n"
        "debug = true\n"
        "\n"
        '[registry."docker.io"]\n'
        '  mirrors = ["mirror.gcr.io", "127.0.0.1:5000"]\n'
        "\n"
        '[registry."127.0.0.1:5000"]\n'
        "  http = true\n"
        "  insecure = true\n"
        "\n"
        '[registry."harbor.local"]\n'
        '  ca = ["/etc/certs/ca.pem"]\n'
        '  [[registry."harbor.local".keypair]]\n'
        '    key = "/etc/certs/k.pem"\n'
        '    cert = "/etc/certs/c.pem"\n'
    )
    assert parse(text) == config
    assert apply(text, config) == text


def test_render_empty_and_ipv6_host() -> None:
    assert parse(render(BuildkitdConfig())) == BuildkitdConfig()
    config = BuildkitdConfig(registries={"[::1]:5000": RegistryConfig(http=True)})
    text = render(config)
    assert '[registry."[::1]:5000"]\n  http = true\n' in text
    assert parse(text) == config


def test_apply_onto_empty_text() -> None:
    config = BuildkitdConfig(registries={"localhost": RegistryConfig(http=True)})
    out = apply("", config)
    assert parse(out) == config
    assert '[registry."localhost"]' in out  # host keys are always quoted


def test_crlf_file_stays_crlf() -> None:
    text = RECORDED.read_text().replace("\n", "\r\n")
    assert apply(text, parse(text)) == text
    config = parse(text)
    config.registries["docker.io"].mirrors = ["mirror.gcr.io"]
    out = apply(text, config)
    assert out.count("\r\n") == out.count("\n")
    assert '  mirrors = ["mirror.gcr.io"]\r\n' in out


# --- the articles' configs (tests/../seeds) -------------------------------------------------

# From a blog post on building ARM images on CentOS: a Docker Hub mirror written with its
# scheme, and the rest of the docs' example commented out.
SEED_1PANEL = """\
# registry configures a new Docker register used for cache import or output.
[registry."docker.io"]
  mirrors = ["https://docker.1panel.live"]
  # http = true
  # insecure = true
  # ca=["/etc/config/myca.pem"]
  # [[registry."docker.io".keypair]]
  #   key="/etc/config/key.pem"
  #   cert="/etc/config/cert.pem"
"""

# From "无法推送到私有仓库" (cannot push to a private registry): http/insecure on docker.io AND
# on the mirror's own table.
SEED_PRIVATE = """\
debug = true
# 将 mirror.cluster.k8s 仓库设为 docker.io 加速镜像
# 如果在 mirror.cluster.k8s 仓库里没找到镜像，才会去 docker.io 上找镜像
[registry."docker.io"]
  mirrors = ["mirror.cluster.k8s"]
  http = true
  insecure = true

# 设置为允许不安全访问，也就是使用 http 协议访问 mirror.cluster.k8s
[registry."mirror.cluster.k8s"]
  http = true
  insecure = true
"""

# From "使用镜像加速优化": an Aliyun accelerator for Docker Hub. The same post explains why the
# host's daemon.json did not help: "builder 运行在容器类， 并没有使用宿主机的
# `/etc/docker/daemon.json` 配置".
SEED_ALIYUN = """\
# buildkitd.toml
[registry."docker.io"]
  mirrors = ["wlzfs4t4.mirror.aliyuncs.com"]
"""


def test_seed_1panel_scheme_is_flagged_and_normalized_in_place() -> None:
    config = parse(SEED_1PANEL)
    problems = validate(config)
    (scheme,) = problems_at(problems, 'registry."docker.io".mirrors[0]')
    assert scheme.severity == "warning"
    assert '"https://"' in scheme.message and '"docker.1panel.live"' in scheme.message
    assert not has_errors(problems)

    fixed, notes = normalize(config)
    assert fixed.registries["docker.io"].mirrors == ["docker.1panel.live"]
    assert notes == [
        'docker.io: mirror "https://docker.1panel.live" written as "docker.1panel.live"'
    ]
    out = apply(SEED_1PANEL, fixed)
    assert changed_lines(SEED_1PANEL, out) == (
        ['  mirrors = ["https://docker.1panel.live"]'],
        ['  mirrors = ["docker.1panel.live"]'],
    )
    assert validate(fixed) == []


def test_seed_1panel_enabling_http_goes_under_mirrors_before_the_commented_block() -> None:
    config = parse(SEED_1PANEL)
    config.registries["docker.io"].insecure = True
    out = apply(SEED_1PANEL, config)
    assert out == SEED_1PANEL.replace(
        '"https://docker.1panel.live"]\n', '"https://docker.1panel.live"]\n  insecure = true\n'
    )


def test_seed_private_registry_http_on_docker_io_is_flagged() -> None:
    config = parse(SEED_PRIVATE)
    assert config.debug is True
    problems = validate(config)
    (hub_http,) = problems_at(problems, 'registry."docker.io".http')
    assert hub_http.severity == "warning"
    assert "HTTPS only" in hub_http.message
    # the mirror has its own table, so nothing is said about the mirror itself
    assert problems_at(problems, 'registry."docker.io".mirrors[0]') == []
    assert not has_errors(problems)

    config.registries["docker.io"].http = None
    config.registries["docker.io"].insecure = None
    out = apply(SEED_PRIVATE, config)
    assert changed_lines(SEED_PRIVATE, out) == (["  http = true", "  insecure = true"], [])
    assert "# 设置为允许不安全访问，也就是使用 http 协议访问 mirror.cluster.k8s\n" in out
    assert validate(parse(out)) == []


def test_seed_aliyun_is_clean_and_trap_text_says_where_to_look() -> None:
    config = parse(SEED_ALIYUN)
    assert config.registries["docker.io"].mirrors == ["wlzfs4t4.mirror.aliyuncs.com"]
    assert validate(config) == []
    assert "daemon.json" in bc.DAEMON_JSON_TRAP
    assert "buildkitd.toml" in bc.DAEMON_JSON_TRAP
    assert "insecure-registries" in bc.DAEMON_JSON_TRAP
    assert "registry-mirrors" in bc.DAEMON_JSON_TRAP


# --- invalid TOML and wrong types ---------------------------------------------------------


def test_invalid_toml_reports_line_and_column() -> None:
    text = '[registry."docker.io"]\n  mirrors = ["a",\n  http = true\n'
    with pytest.raises(ConfigError) as info:
        parse(text)
    (problem,) = info.value.problems
    assert problem.line == 3 and problem.column is not None
    assert problem.message.startswith("not valid TOML:")
    assert str(problem).startswith("line 3, column ")


def test_invalid_toml_unclosed_header() -> None:
    with pytest.raises(ConfigError) as info:
        apply('debug = true\n[registry."docker.io"\n', BuildkitdConfig())
    assert info.value.problems[0].line == 2


def test_byte_order_mark_is_explained() -> None:
    with pytest.raises(ConfigError, match="byte order mark"):
        parse("\ufeff" + RECORDED.read_text())


def test_problem_formatting() -> None:
    assert str(ConfigProblem("", "not valid TOML: x", "error", 3, 7)) == (
        "line 3, column 7: not valid TOML: x"
    )
    assert str(ConfigProblem('registry."a".http', "expected true or false")) == (
        'registry."a".http: expected true or false'
    )
    assert bc.host_field('we"ird') == 'registry."we\\"ird"'


def test_table_declared_twice_is_explained() -> None:
    text = (
        '[registry."127.0.0.1:5000"]\n  http = true\n\n'
        '[registry."127.0.0.1:5000"]\n  insecure = true\n'
    )
    with pytest.raises(ConfigError) as info:
        parse(text)
    (problem,) = info.value.problems
    assert problem.line == 4
    assert problem.message.startswith('[registry."127.0.0.1:5000"] is declared twice')


def test_key_declared_twice() -> None:
    with pytest.raises(ConfigError) as info:
        parse('[registry."a.io"]\n  http = true\n  http = false\n')
    assert info.value.problems[0].line == 3


@pytest.mark.parametrize(
    ("text", "field_path", "words"),
    [
        (
            '[registry."docker.io"]\nmirrors = "mirror.gcr.io"\n',
            'registry."docker.io".mirrors',
            'write mirrors = ["mirror.gcr.io"]',
        ),
        (
            '[registry."docker.io"]\nmirrors = ["a", 5]\n',
            'registry."docker.io".mirrors[1]',
            "an integer (5)",
        ),
        ('[registry."docker.io"]\nmirrors = {a = 1}\n', 'registry."docker.io".mirrors', "a table"),
        ('[registry."h"]\nhttp = "yes"\n', 'registry."h".http', 'a string ("yes")'),
        ('[registry."h"]\ninsecure = 1\n', 'registry."h".insecure', "an integer (1)"),
        ('[registry."h"]\nca = "/etc/ca.pem"\n', 'registry."h".ca', 'write ca = ["/etc/ca.pem"]'),
        (
            '[registry."h".keypair]\nkey = "k"\ncert = "c"\n',
            'registry."h".keypair',
            "double brackets",
        ),
        ('[registry."h"]\nkeypair = ["k"]\n', 'registry."h".keypair[0]', "a string"),
        (
            '[[registry."h".keypair]]\nkey = 1\ncert = "c"\n',
            'registry."h".keypair[0].key',
            "an integer (1)",
        ),
        ('registry = "docker.io"\n', "registry", 'a string ("docker.io")'),
        ('[registry]\n"docker.io" = true\n', 'registry."docker.io"', "a boolean (true)"),
        ("debug = 1\n", "debug", "an integer (1)"),
        ("debug = 2024-01-01\n", "debug", "a date/time (2024-01-01)"),
    ],
)
def test_wrong_types(text: str, field_path: str, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse(text)
    problems = info.value.problems
    assert [p.field for p in problems] == [field_path]
    assert words in problems[0].message
    assert all(p.severity == "error" for p in problems)


def test_wrong_types_are_all_reported_at_once() -> None:
    text = 'debug = "yes"\n[registry."a"]\nhttp = 1\nmirrors = "m"\n[registry."b"]\nca = 3\n'
    with pytest.raises(ConfigError) as info:
        apply(text, BuildkitdConfig())
    assert [p.field for p in info.value.problems] == [
        "debug",
        'registry."a".mirrors',
        'registry."a".http',
        'registry."b".ca',
    ]
    assert str(info.value).count("\n") == 3


def test_unknown_keys_of_any_type_are_fine() -> None:
    text = 'root = 5\n[registry."a"]\ntlsconfigdir = ["/x"]\nfuture = {x = 1}\n'
    assert parse(text) == BuildkitdConfig(registries={"a": RegistryConfig()})


def test_inline_and_dotted_layouts_can_be_edited() -> None:
    inline = '[registry]\n  "docker.io" = { mirrors = ["a.io"], http = true }\n  # keep\n'
    config = parse(inline)
    config.registries["docker.io"].mirrors.append("b.io")
    config.registries["docker.io"].http = None
    config.registries["new.io"] = RegistryConfig(insecure=True)
    out = apply(inline, config)
    assert parse(out) == config
    assert "# keep" in out

    dotted = 'registry."docker.io".mirrors = ["a.io"] # hub\n\n[grpc]\n  address = ["x"]\n'
    config = parse(dotted)
    config.registries["docker.io"].mirrors = ["b.io"]
    out = apply(dotted, config)
    assert out == dotted.replace('["a.io"]', '["b.io"]')


def test_layout_tomlkit_cannot_reproduce_is_refused() -> None:
    text = (
        '[registry."a.io"]\n  http = true\n'
        '  [[ registry."a.io".keypair ]]\n    key = "/k"\n    cert = "/c"\n'
    )
    config = parse(text)
    assert apply(text, config) == text  # nothing to change: the text comes back as it is
    config.registries["a.io"].http = False
    with pytest.raises(ConfigError) as info:
        apply(text, config)
    (problem,) = info.value.problems
    assert problem.line == 3
    assert "[[ registry" in problem.message


def test_apply_refuses_a_result_that_changes_other_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = RECORDED.read_text()
    config = parse(text)
    config.debug = True
    monkeypatch.setattr(bc, "edit_document", lambda t, old, new: "debug = true\n")
    with pytest.raises(ConfigError, match="cannot edit this file's layout safely"):
        apply(text, config)


# --- mirrors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "scheme", "host", "path"),
    [
        ("mirror.gcr.io", None, "mirror.gcr.io", ""),
        ("https://mirror.gcr.io", "https", "mirror.gcr.io", ""),
        ("https://url/", "https", "url", ""),
        ("https://url/path/", "https", "url", "/path"),
        ("HTTP://m.local:5000/proxy.docker.io", "http", "m.local:5000", "/proxy.docker.io"),
        ("yourmirror.local:5000/proxy.quay.io", None, "yourmirror.local:5000", "/proxy.quay.io"),
        ("[::1]:5000", None, "[::1]:5000", ""),
    ],
)
def test_parse_mirror(raw: str, scheme: str | None, host: str, path: str) -> None:
    ref = parse_mirror(raw)
    assert (ref.scheme, ref.host, ref.path) == (scheme, host, path)
    assert ref.normalized == host + path


def hub(*mirrors: str) -> BuildkitdConfig:
    return BuildkitdConfig(registries={"docker.io": RegistryConfig(mirrors=list(mirrors))})


def test_mirror_without_scheme_is_clean() -> None:
    assert validate(hub("mirror.gcr.io", "core.harbor.domain/proxy.docker.io")) == []


def test_http_mirror_needs_http_on_its_own_table() -> None:
    config = hub("http://mirror.corp.example:5000")
    (problem,) = validate(config)
    assert problem.severity == "warning"
    assert "over HTTPS" in problem.message
    assert '[registry."mirror.corp.example:5000"]' in problem.message

    fixed, notes = normalize(config)
    assert fixed.registries["docker.io"].mirrors == ["mirror.corp.example:5000"]
    assert fixed.registries["mirror.corp.example:5000"] == RegistryConfig(http=True)
    assert len(notes) == 2
    assert validate(fixed) == []
    assert config.registries["docker.io"].mirrors == ["http://mirror.corp.example:5000"]  # copy


def test_http_mirror_with_http_already_set_only_asks_to_drop_the_scheme() -> None:
    config = hub("http://m.corp:5000")
    config.registries["m.corp:5000"] = RegistryConfig(http=True)
    (problem,) = validate(config)
    assert problem.severity == "warning" and 'without "http://"' in problem.message
    fixed, _ = normalize(config)
    assert fixed.registries["m.corp:5000"] == RegistryConfig(http=True)


def test_http_mirror_on_localhost_is_plain_http_by_default() -> None:
    config = hub("http://127.0.0.1:5000")
    (problem,) = validate(config)
    assert 'without "http://"' in problem.message
    fixed, _ = normalize(config)
    assert list(fixed.registries) == ["docker.io"]


def test_http_mirror_with_explicit_http_false_is_left_alone() -> None:
    config = hub("http://m.corp")
    config.registries["m.corp"] = RegistryConfig(http=False)
    fixed, _ = normalize(config)
    assert fixed.registries["m.corp"].http is False
    assert "over HTTPS" in validate(config)[0].message


def test_settings_of_the_mirrored_registry_do_not_reach_its_mirrors() -> None:
    config = hub("mirror.corp:5000")
    config.registries["docker.io"].insecure = True
    problems = validate(config)
    (problem,) = problems_at(problems, 'registry."docker.io".mirrors[0]')
    assert 'insecure = true under [registry."docker.io"] does not apply' in problem.message
    config.registries["mirror.corp:5000"] = RegistryConfig(insecure=True)
    assert problems_at(validate(config), 'registry."docker.io".mirrors[0]') == []


@pytest.mark.parametrize(
    ("mirror", "words"),
    [
        ("", "empty"),
        ("mirror .io", "spaces"),
        ("ftp://m.io", '"ftp://" is not a registry scheme'),
        ("m.io/x?y=1", "without ?query"),
        ("user:pw@m.io", "credentials"),
        ("m_io.example", "underscores"),
        ("m.io:99999", "out of range"),
    ],
)
def test_bad_mirrors_are_errors(mirror: str, words: str) -> None:
    problems = validate(hub(mirror))
    (problem,) = problems_at(problems, 'registry."docker.io".mirrors[0]')
    assert problem.severity == "error"
    assert words in problem.message


def test_repeated_mirrors_and_self_mirror() -> None:
    config = hub("m.io", "https://m.io/", "M.IO", "docker.io")
    problems = validate(config)
    repeats = [p for p in problems if "repeats mirror 0" in p.message]
    assert [p.field for p in repeats] == [
        'registry."docker.io".mirrors[1]',
        'registry."docker.io".mirrors[2]',
    ]
    assert any("is the registry itself" in p.message for p in problems)
    fixed, _ = normalize(config)
    assert fixed.registries["docker.io"].mirrors == ["m.io", "docker.io"]


# --- hosts -------------------------------------------------------------------------------

VALID_HOSTS = [
    "docker.io",
    "localhost",
    "localhost:5000",
    "127.0.0.1",
    "127.0.0.1:5000",
    "10.1.2.3:443",
    "[::1]",
    "[::1]:5000",
    "[2001:db8::7]:8443",
    "registry-1.example.com",
    "a.b.c.d.example",
    "xn--bcher-kva.example",
    "r" * 63 + ".io",
]

INVALID_HOSTS = [
    ("", "empty"),
    ("https://harbor.local", 'without "https://"'),
    ("harbor.local/project", "no path"),
    ("harbor local", "spaces"),
    (" harbor.local", "spaces"),
    ("::1", "in brackets"),
    ("::1:5000", "in brackets"),
    ("[::1", "[address]"),
    ("[::g]:5000", "not an IPv6 address"),
    ("[fe80::1%eth0]", "not an IPv6 address"),
    ("[::1]:", 'port "" is not a number'),
    ("harbor.local:", 'port "" is not a number'),
    ("harbor.local:0", "out of range"),
    ("harbor.local:65536", "out of range"),
    ("harbor.local:http", "not a number"),
    (":5000", "empty"),
    ("999.1.1.1", "not a valid IPv4"),
    ("1.2.3", "not a valid IPv4"),
    ("-bad.example", "not a valid host name part"),
    ("bad-.example", "not a valid host name part"),
    ("a..b", "empty part"),
    ("trailing.dot.", "empty part"),
    ("under_score.io", "underscores"),
    ("r" * 64 + ".io", "at most 63"),
    ("a:b:c", "too many colons"),
]


@pytest.mark.parametrize("host", VALID_HOSTS)
def test_valid_hosts(host: str) -> None:
    assert host_syntax_error(host) is None
    config = BuildkitdConfig(registries={host: RegistryConfig(http=True)})
    assert not has_errors(validate(config))
    assert parse(render(config)) == config


@pytest.mark.parametrize(("host", "words"), INVALID_HOSTS)
def test_invalid_hosts(host: str, words: str) -> None:
    error = host_syntax_error(host)
    assert error is not None and words in error
    problems = validate(BuildkitdConfig(registries={host: RegistryConfig(http=True)}))
    assert any(p.severity == "error" and p.field == bc.host_field(host) for p in problems)


def test_docker_hub_spellings() -> None:
    for alias in ("index.docker.io", "registry-1.docker.io", "hub.docker.com"):
        problems = validate(BuildkitdConfig(registries={alias: RegistryConfig(mirrors=["m.io"])}))
        (problem,) = problems
        assert problem.severity == "warning"
        assert '[registry."docker.io"]' in problem.message


def test_upper_case_host_is_a_warning() -> None:
    (problem,) = validate(BuildkitdConfig(registries={"Harbor.Local": RegistryConfig(http=True)}))
    assert problem.severity == "warning" and '"harbor.local"' in problem.message


def test_duplicate_hosts() -> None:
    (dup,) = check_hosts(["127.0.0.1:5000", "docker.io", "127.0.0.1:5000"])
    assert dup.severity == "error" and "listed twice" in dup.message
    config = BuildkitdConfig(
        registries={
            "harbor.local": RegistryConfig(http=True),
            "Harbor.local": RegistryConfig(insecure=True),
            "https://harbor.local/": RegistryConfig(insecure=True),
        }
    )
    dups = [p for p in validate(config) if "name the same registry" in p.message]
    assert [p.field for p in dups] == [
        'registry."Harbor.local"',
        'registry."https://harbor.local/"',
    ]
    assert all(p.severity == "error" for p in dups)


def test_empty_registry_is_a_warning() -> None:
    (problem,) = validate(BuildkitdConfig(registries={"a.io": RegistryConfig()}))
    assert problem.severity == "warning" and "sets nothing" in problem.message


# --- certificates ------------------------------------------------------------------------


def test_certificate_files() -> None:
    reg = RegistryConfig(
        ca=["/etc/a/ca.pem", "certs/ca2.pem", ""],
        keypairs=[KeyPair("/etc/k.pem", ""), KeyPair("/etc/b/ca.pem", "/etc/c.pem")],
    )
    config = BuildkitdConfig(registries={"h.io": reg})
    problems = validate(config, file_exists=lambda p: p != "/etc/c.pem")
    by_field = {(p.field, p.severity): p.message for p in problems}
    assert "relative" in by_field[('registry."h.io".ca[1]', "warning")]
    assert "empty" in by_field[('registry."h.io".ca[2]', "error")]
    assert "cert is missing" in by_field[('registry."h.io".keypair[0].cert', "error")]
    assert "same file name" in by_field[('registry."h.io".keypair[1].key', "error")]
    assert "does not exist" in by_field[('registry."h.io".keypair[1].cert', "error")]
    assert ('registry."h.io".ca[0]', "error") not in by_field
    # without file_exists nothing touches the disk, so no "does not exist"
    assert not any("does not exist" in p.message for p in validate(config))


def test_tls_files_with_plain_http() -> None:
    config = BuildkitdConfig(registries={"h.io": RegistryConfig(http=True, ca=["/ca.pem"])})
    (problem,) = validate(config)
    assert problem.field == 'registry."h.io".http' and problem.severity == "warning"


# --- property-style: random documents, random edits ----------------------------------------

WORDS = ["mirror", "gc", "proxy", "keep", "TODO", "注意", "ci", "tls", "cache", "x"]
HOST_POOL = [
    "docker.io",
    "127.0.0.1:5000",
    "localhost:5000",
    "registry.local",
    "[::1]:5000",
    "harbor.example.com:8443",
    "ghcr.io",
    "10.0.0.7",
    "quay.io",
]
MIRROR_POOL = [
    "mirror.gcr.io",
    "127.0.0.1:5000",
    "core.harbor.domain/proxy.docker.io",
    "m1.example.com",
    "m2.example.com:5000",
    "[::1]:5001",
]
PATH_POOL = ["/etc/certs/ca.pem", "/etc/certs/other.pem", "/certs/a.crt", "/certs/b.crt"]


@dataclass
class Line:
    text: str
    tags: frozenset[str] = frozenset()


@dataclass
class Generated:
    lines: list[Line]
    config: BuildkitdConfig
    trailing_comments: dict[tuple[str, str], str] = field(default_factory=dict)
    newline: str = "\n"
    final_newline: bool = True

    @property
    def text(self) -> str:
        text = "".join(line.text + self.newline for line in self.lines)
        return text if self.final_newline else text.rstrip("\r\n")


class DocGen:
    """Builds a random buildkitd.toml and remembers which lines belong to what, so the test
    knows what must survive an edit."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.n = 0
        self.indent = rng.choice(["", "  ", "    ", "\t"])
        self.quote = rng.choice(['"', '"', "'"])
        self.pad = rng.choice(["", "", " "])

    def header(self, host: str, suffix: str = "", double: bool = False, pad: bool = True) -> str:
        # no spaces inside the brackets of a host that has [[keypair]] tables: tomlkit cannot
        # reproduce that (see test_layout_tomlkit_cannot_reproduce_is_refused)
        q, p = self.quote, self.pad if pad and not double else ""
        name = f"{p}registry.{q}{host}{q}{suffix}{p}"
        return f"[[{name}]]" if double else f"[{name}]"

    def blank(self) -> Line:
        return Line(self.rng.choice(["", "", "", "  "]))

    def comment(self) -> str:
        self.n += 1
        return f"# c{self.n} {self.rng.choice(WORDS)}"

    def maybe_trailing(self) -> tuple[str, str | None]:
        if self.rng.random() < 0.3:
            c = self.comment()
            return f"{' ' * self.rng.randint(1, 3)}{c}", c
        return "", None

    def toml_list(self, values: list[str], tags: frozenset[str]) -> list[Line]:
        quoted = [f'"{v}"' for v in values]
        if len(values) > 1 and self.rng.random() < 0.3:
            inner = [Line(f"{self.indent}  {q},", tags) for q in quoted]
            return [Line("[", tags), *inner, Line(f"{self.indent}]", tags)]
        return [Line("[" + ", ".join(quoted) + "]", tags)]

    def generate(self) -> Generated:
        rng = self.rng
        lines: list[Line] = []
        config = BuildkitdConfig()
        trailing: dict[tuple[str, str], str] = {}
        for _ in range(rng.randint(0, 2)):
            lines.append(Line(self.comment()))
        top: list[list[Line]] = []
        if rng.random() < 0.6:
            config.debug = rng.random() < 0.5
            tail, c = self.maybe_trailing()
            if c:
                trailing[("", "debug")] = c
            top.append([Line(f"debug = {str(config.debug).lower()}{tail}", frozenset({"debug"}))])
        if rng.random() < 0.5:
            top.append([Line('root = "/var/lib/buildkit"' + self.maybe_trailing()[0])])
        if rng.random() < 0.3:
            top.append([Line('insecure-entitlements = ["network.host"]')])
        if rng.random() < 0.2:
            top.append([Line('otel.socketPath = "/run/otel.sock"  # dotted, unknown')])
        rng.shuffle(top)
        for block in top:
            lines.extend(block)

        sections: list[list[Line]] = []
        hosts = rng.sample(HOST_POOL, rng.randint(0, 4))
        for host in hosts:
            reg = RegistryConfig()
            config.registries[host] = reg
            sections.extend(self.registry_sections(host, reg, trailing))
        sections.extend(self.unknown_sections())
        rng.shuffle(sections)
        # out-of-order [[registry."h".keypair]] groups go after everything else (so after their
        # host's own table with other tables in between) or before everything (valid TOML too)
        sections.sort(
            key=lambda s: (
                0 if "order:before" in s[0].tags else 2 if "order:after" in s[0].tags else 1
            )
        )
        for section in sections:
            if rng.random() < 0.5:
                lines.append(self.blank())
                if rng.random() < 0.6:
                    # a comment in front of a [[registry."h".keypair]] group that follows its
                    # host's table is inside that host's span: it goes when the host goes
                    owner = section[0].tags - {"order:after", "order:before"}
                    lines.append(Line(self.comment(), owner))
            elif lines and rng.random() < 0.5:
                lines.append(self.blank())
            lines.extend(section)
        if rng.random() < 0.2:
            lines.extend([Line(""), Line(self.comment())])  # a comment at the very end
        if any(tag.startswith("kp:") for line in lines for tag in line.tags):
            # tomlkit renders [[registry."h".keypair]] with the spelling of another registry
            # header: keep those unpadded (test_layout_tomlkit_cannot_reproduce_is_refused)
            lines = [
                Line(line.text.replace("[ registry.", "[registry.").replace(" ]", "]"), line.tags)
                if line.text.startswith("[ registry.")
                else line
                for line in lines
            ]
        return Generated(
            lines,
            config,
            trailing,
            newline="\r\n" if rng.random() < 0.15 else "\n",
            final_newline=rng.random() < 0.85,
        )

    def registry_sections(
        self, host: str, reg: RegistryConfig, trailing: dict[tuple[str, str], str]
    ) -> list[list[Line]]:
        rng = self.rng
        own = frozenset({f"host:{host}"})
        ind = self.indent
        body: list[Line] = []
        keys = ["mirrors", "http", "insecure", "ca", "tlsconfigdir", "x-future", "x-more"]
        rng.shuffle(keys)
        for key in keys[: rng.randint(0, len(keys))]:
            if rng.random() < 0.3:
                body.append(Line(ind + self.comment(), own))
            tags = own | {f"key:{host}:{key}"}
            tail, c = self.maybe_trailing()
            if c and key in ("mirrors", "http", "insecure", "ca"):
                trailing[(host, key)] = c
            if key == "mirrors":
                reg.mirrors = rng.sample(MIRROR_POOL, rng.randint(1, 3))
                value = self.toml_list(reg.mirrors, tags)
                value[-1] = Line(value[-1].text + tail, tags)
                value[0] = Line(f"{ind}mirrors = {value[0].text}", tags)
                body.extend(value)
            elif key in ("http", "insecure"):
                v = rng.random() < 0.5
                setattr(reg, key, v)
                body.append(Line(f"{ind}{key} = {str(v).lower()}{tail}", tags))
            elif key == "ca":
                reg.ca = rng.sample(PATH_POOL, rng.randint(1, 2))
                quoted = ", ".join(f'"{p}"' for p in reg.ca)
                body.append(Line(f"{ind}ca = [{quoted}]{tail}", tags))
            elif key == "tlsconfigdir":
                body.append(Line(f'{ind}tlsconfigdir = ["/etc/buildkit/certs.d"]{tail}', own))
            elif key == "x-future":
                body.append(Line(f"{ind}x-future = {rng.randint(1, 9)}{tail}", own))
            else:
                body.extend(
                    rng.choice(
                        [
                            [Line(f"{ind}x.dotted = true{tail}", own)],
                            [Line(f"{ind}x-inline = {{ a = 1, b = [2] }}{tail}", own)],
                            [
                                Line(f"{ind}x-list = [", own),
                                Line(f"{ind}  1, {self.comment()}", own),
                                Line(f"{ind}  {self.comment()}", own),
                                Line(f"{ind}  2,", own),
                                Line(f"{ind}]{tail}", own),
                            ],
                        ]
                    )
                )
        if rng.random() < 0.3:
            body.append(Line(ind + self.comment(), own))  # attached: no blank line before it

        kp_tags = own | {f"kp:{host}"}
        kp_sections: list[list[Line]] = []
        for _ in range(rng.choice([0, 0, 1, 2])):
            pair = KeyPair(rng.choice(PATH_POOL), rng.choice(PATH_POOL))
            reg.keypairs.append(pair)
            kp = [
                Line(ind + self.header(host, ".keypair", double=True), kp_tags),
                Line(f'{ind}{ind}key = "{pair.key}"', kp_tags),
                Line(f'{ind}{ind}cert = "{pair.cert}"', kp_tags),
            ]
            if rng.random() < 0.2:
                kp.insert(1, Line(ind + ind + self.comment(), kp_tags))
            kp_sections.append(kp)

        implicit = not body and kp_sections and rng.random() < 0.5
        sections: list[list[Line]] = []
        if not implicit:
            head_tail, _ = self.maybe_trailing()
            header = Line(self.header(host, pad=not kp_sections) + head_tail, own)
            sections.append([header, *body])
        if kp_sections:
            together = rng.random() < 0.6 and not implicit
            if together:
                for kp in kp_sections:
                    sections[0].extend(kp)
            else:
                # an out-of-order [[keypair]] group: after the host's table, anywhere later
                group = [line for kp in kp_sections for line in kp]
                first = group[0]
                where = "order:before" if rng.random() < 0.3 else "order:after"
                group[0] = Line(first.text, first.tags | {where})
                sections.append(group)
        return sections

    def unknown_sections(self) -> list[list[Line]]:
        rng = self.rng
        ind = self.indent
        pool: list[list[Line]] = [
            [
                Line("[grpc]"),
                Line(f'{ind}address = ["tcp://0.0.0.0:1234"]'),
                Line(f"{ind}[grpc.tls]"),
                Line(f'{ind}{ind}cert = "/etc/buildkit/tls.crt"'),
            ],
            [
                Line("[worker.oci]"),
                Line(f"{ind}enabled = true"),
                Line(f'{ind}platforms = ["linux/amd64", "linux/arm64"]'),
                Line(f"{ind}[[worker.oci.gcpolicy]]"),
                Line(f"{ind}{ind}keepBytes = 10240000"),
                Line(f"{ind}[[worker.oci.gcpolicy]]"),
                Line(f"{ind}{ind}all = true"),
            ],
            [Line("[worker.containerd]"), Line(f"{ind}enabled = false")],
            [Line("[history]"), Line(f"{ind}maxAge = 172800"), Line(f"{ind}maxEntries = 50")],
            [Line("[log]"), Line(f'{ind}format = "json"')],
        ]
        chosen = rng.sample(pool, rng.randint(0, len(pool)))
        for section in chosen:
            if rng.random() < 0.4:
                section.insert(1, Line(ind + self.comment()))
        return chosen


def random_registry(rng: random.Random) -> RegistryConfig:
    reg = RegistryConfig()
    if rng.random() < 0.6:
        reg.mirrors = rng.sample(MIRROR_POOL, rng.randint(1, 3))
    reg.http = rng.choice([None, True, False])
    reg.insecure = rng.choice([None, True, False])
    if rng.random() < 0.3:
        reg.ca = rng.sample(PATH_POOL, rng.randint(1, 2))
    if rng.random() < 0.3:
        reg.keypairs = [KeyPair(rng.choice(PATH_POOL), rng.choice(PATH_POOL))]
    if reg.is_empty():
        reg.http = True
    return reg


def random_edit(rng: random.Random, config: BuildkitdConfig) -> BuildkitdConfig:
    new = copy.deepcopy(config)
    for _ in range(rng.randint(1, 3)):
        op = rng.random()
        hosts = list(new.registries)
        if op < 0.15:
            new.debug = rng.choice([None, True, False])
        elif op < 0.3:
            unused = [h for h in HOST_POOL if h not in new.registries]
            if unused:
                new.registries[rng.choice(unused)] = random_registry(rng)
        elif op < 0.4 and hosts:
            del new.registries[rng.choice(hosts)]
        elif hosts:
            reg = new.registries[rng.choice(hosts)]
            what = rng.choice(["mirrors", "http", "insecure", "ca", "keypairs"])
            if what == "mirrors":
                choice = rng.random()
                if choice < 0.3 or not reg.mirrors:
                    reg.mirrors.insert(rng.randint(0, len(reg.mirrors)), rng.choice(MIRROR_POOL))
                elif choice < 0.6:
                    del reg.mirrors[rng.randrange(len(reg.mirrors))]
                elif choice < 0.8:
                    reg.mirrors[rng.randrange(len(reg.mirrors))] = "changed.example.com"
                else:
                    reg.mirrors = []
            elif what in ("http", "insecure"):
                setattr(reg, what, rng.choice([None, True, False]))
            elif what == "ca":
                reg.ca = rng.choice([[], [rng.choice(PATH_POOL)], [*reg.ca, "/new/ca.pem"]])
            else:
                choice = rng.random()
                if choice < 0.4:
                    reg.keypairs.append(KeyPair("/new/key.pem", "/new/cert.pem"))
                elif choice < 0.6 and reg.keypairs:
                    del reg.keypairs[rng.randrange(len(reg.keypairs))]
                elif choice < 0.8 and reg.keypairs:
                    i = rng.randrange(len(reg.keypairs))
                    reg.keypairs[i] = KeyPair(reg.keypairs[i].key, "/changed/cert.pem")
                else:
                    reg.keypairs = []
    return new


def strip_ours(data: dict[str, Any], drop: set[str]) -> dict[str, Any]:
    rest = copy.deepcopy(data)
    rest.pop("debug", None)
    regs = rest.pop("registry", {})
    kept = {}
    for host, table in regs.items():
        if host in drop:
            continue
        other = {k: v for k, v in table.items() if k not in bc.REGISTRY_KEYS}
        if other:
            kept[host] = other
    if kept:
        rest["registry"] = kept
    return rest


def affected_tags(old: BuildkitdConfig, new: BuildkitdConfig) -> set[str]:
    tags: set[str] = set()
    if old.debug != new.debug:
        tags.add("debug")
    for host, reg in old.registries.items():
        if host not in new.registries:
            tags.add(f"host:{host}")
            continue
        after = new.registries[host]
        for key in ("mirrors", "http", "insecure", "ca"):
            if getattr(reg, key) != getattr(after, key):
                tags.add(f"key:{host}:{key}")
        if reg.keypairs != after.keypairs:
            tags.add(f"kp:{host}")
    return tags


def is_subsequence(needles: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(n == h for h in it) for n in needles)


@pytest.mark.parametrize("seed", range(400))
def test_random_documents_survive_random_edits(seed: int) -> None:
    rng = random.Random(seed)
    gen = DocGen(rng).generate()
    text = gen.text
    before_data = tomllib.loads(text)  # the generator writes valid TOML
    assert parse(text) == gen.config
    assert apply(text, gen.config) == text

    new = random_edit(rng, gen.config)
    out = apply(text, new)

    # the edited values parse back to what was set
    after_data = tomllib.loads(out)
    assert parse(out) == new
    # every unknown key and table is still there, unchanged
    removed = set(gen.config.registries) - set(new.registries)
    added = set(new.registries) - set(gen.config.registries)
    assert strip_ours(after_data, drop=added) == strip_ours(before_data, drop=removed)
    # every line outside what changed is still there, in the same order (comments included)
    touched = affected_tags(gen.config, new)
    keep = [ln.text for ln in gen.lines if ln.text.strip() and not (ln.tags & touched)]
    assert is_subsequence(keep, out.splitlines()), (text, out)
    # a key that stays keeps the comment at the end of its line
    for (host, key), comment in gen.trailing_comments.items():
        value = new.debug if host == "" else getattr(new.registries.get(host), key, None)
        if value not in (None, []):
            assert comment in out
    # editing again with the same model changes nothing
    assert apply(out, new) == out


# --- atomic write ------------------------------------------------------------------------


def test_write_atomic_new_file_creates_private_dirs_and_file(tmp_path: Path) -> None:
    # issue #11: a new file is the user's own settings: 0600 in 0700 folders, whatever the umask
    path = tmp_path / "buildkitd" / "b1.toml"
    old = os.umask(0o022)
    try:
        assert write_atomic(path, "debug = true\n") is None
    finally:
        os.umask(old)
    assert path.read_bytes() == b"debug = true\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not bc.backup_path(path).exists()
    assert sorted(p.name for p in path.parent.iterdir()) == ["b1.toml"]


def test_write_atomic_keeps_backup_and_mode(tmp_path: Path) -> None:
    path = tmp_path / "b1.toml"
    path.write_text("debug = false\n")
    path.chmod(0o600)
    saved = write_atomic(path, "debug = true\n")
    assert saved == tmp_path / "b1.toml.bak"
    assert path.read_text() == "debug = true\n"
    assert saved.read_text() == "debug = false\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    # one generation: the next write replaces the backup
    write_atomic(path, "debug = false\n")
    assert saved.read_text() == "debug = true\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b1.toml", "b1.toml.bak"]


def test_write_atomic_without_backup(tmp_path: Path) -> None:
    path = tmp_path / "b1.toml"
    path.write_text("a = 1\n")
    assert write_atomic(path, "a = 2\n", backup=False) is None
    assert not bc.backup_path(path).exists()


def test_write_atomic_failure_leaves_original_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "b1.toml"
    path.write_text("debug = false\n")
    path.chmod(0o640)
    real_replace = os.replace

    def failing_replace(src: Any, dst: Any) -> None:
        if Path(dst) == path:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(path, "debug = true\n")
    assert path.read_text() == "debug = false\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers == ["b1.toml", "b1.toml.bak"]  # no temporary file left behind


def test_write_atomic_failure_of_every_replace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "b1.toml"
    path.write_text("x = 1\n")

    def failing_replace(src: Any, dst: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(PermissionError):
        write_atomic(path, "x = 2\n")
    assert path.read_text() == "x = 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["b1.toml"]


def test_write_atomic_follows_symlinks(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "buildkitd.toml"
    real.parent.mkdir()
    real.write_text("a = 1\n")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    write_atomic(link, "a = 2\n")
    assert link.is_symlink()
    assert real.read_text() == "a = 2\n"
    assert (real.parent / "buildkitd.toml.bak").read_text() == "a = 1\n"


def test_read_config(tmp_path: Path) -> None:
    assert bc.read_config(tmp_path / "missing.toml") == ("", BuildkitdConfig())
    path = tmp_path / "b.toml"
    path.write_bytes(RECORDED.read_bytes())
    text, config = bc.read_config(path)
    assert text == RECORDED.read_text() and config == parse(text)
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigError, match="not UTF-8"):
        bc.read_config(path)


# --- paths -------------------------------------------------------------------------------


def test_config_path_for_builder(tmp_path: Path) -> None:
    assert config_path_for_builder("seedtest", tmp_path) == tmp_path / "buildkitd" / "seedtest.toml"
    # buildx lower-cases builder names
    assert config_path_for_builder("My.Builder_1", str(tmp_path)).name == "my.builder_1.toml"
    for bad in ("", "../etc", "1builder", "a/b", "with space", "x\x00", "x\n"):
        with pytest.raises(ValueError, match="builder name"):
            config_path_for_builder(bad, tmp_path)


def test_config_path_for_a_name_too_long_is_refused_without_touching_the_disk(
    tmp_path: Path,
) -> None:
    # issue #11: a 300-character name (or a 10,000-character paste) typed into the wizard made
    # its default config path, which the wizard then stat()ed: OSError ENAMETOOLONG
    for length in (300, 10_000):
        with pytest.raises(ValueError, match=f"{length} characters long; at most 100"):
            config_path_for_builder("b" * length, tmp_path)
    assert config_path_for_builder("b" * 100, tmp_path).name == "b" * 100 + ".toml"


def test_config_path_default_comes_from_platformdirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, object]] = []

    def fake(appname: str, appauthor: object = None, **_: object) -> Path:
        calls.append((appname, appauthor))
        return tmp_path / "cfg"

    monkeypatch.setattr(bc.platformdirs, "user_config_path", fake)
    assert config_path_for_builder("b") == tmp_path / "cfg" / "buildkitd" / "b.toml"
    assert calls == [("buildx-tui", False)]


def test_core_module_does_not_import_textual() -> None:
    code = (
        "import sys, buildx_tui.core.create.buildkitd.config\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'textual']\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_no_final_newline_stays_absent() -> None:
    text = RECORDED.read_text().rstrip("\n")
    config = parse(text)
    config.registries["localhost:5000"].ca = ["/ca.pem"]
    config.registries["new.io"] = RegistryConfig(http=True)
    out = apply(text, config)
    assert out.endswith('[registry."new.io"]\n  http = true')
    del config.registries["new.io"]
    assert apply(out, config).endswith('  ca = ["/ca.pem"]')

"""The build form's advanced options `--secret`, `--ssh`, `--label` and `--annotation`, parsed and
checked the way buildx v0.36 and BuildKit v0.32 read them (`--cache-from`/`--cache-to` are in
:mod:`.cache`, on the helpers here).

Each option is typed one per line. ``parse_*`` turns the text into the exact flag values (what goes
in `BuildSpec` and the argv) plus `Issue`s for what buildx would reject; ``check_*`` looks at the
disk and the environment the docker CLI runs with (secret files, key files, SSH_AUTH_SOCK), so a
spec from the history is checked again before it re-runs.

What buildx does, for reference (util/buildflags, build/opt.go, BuildKit's session providers):

* ``--secret id=NAME,src=FILE`` / ``id=NAME,env=VAR`` (``source`` = ``src``; ``type=file|env``).
  Only the id and the file path / variable name are in the argv: buildx reads the value and sends
  it to BuildKit over the session, so this module never opens a secret file. A bare ``id=NAME``
  reads the variable NAME if it is set, else the file NAME. A file over 500 KiB is refused; an
  unset variable gives an empty secret.
* ``--ssh ID[=PATH[,PATH…]]``: no path forwards the agent of ``$SSH_AUTH_SOCK``; paths are private
  key files or one agent socket (not both).
* ``--label KEY=VALUE``; ``--annotation [TYPE[PLATFORM],…:]KEY=VALUE`` with TYPE one of index,
  index-descriptor, manifest, manifest-descriptor; the docker driver without the containerd image
  store refuses index annotations.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from buildx_tui.core.build.issue import Issue, Severity
from buildx_tui.core.paths import can_access, expand_user, look, shown
from buildx_tui.core.platforms import PlatformError, parse_platform

__all__ = [
    "ANNOTATION_TYPES",
    "MAX_SECRET_BYTES",
    "OptionError",
    "Secret",
    "SshForward",
    "annotation_refusals",
    "check_secrets",
    "check_ssh",
    "expand_path",
    "option_fields",
    "option_lines",
    "parse_annotations",
    "parse_labels",
    "parse_secret",
    "parse_secrets",
    "parse_ssh",
    "parse_ssh_entry",
]

MAX_SECRET_BYTES = 500 * 1024  # BuildKit's secretsprovider.MaxSecretSize
ANNOTATION_TYPES = ("index", "index-descriptor", "manifest", "manifest-descriptor")

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ANNOTATION_TYPE = re.compile(r"^([a-z-]+)(?:\[([A-Za-z0-9_/-]+)\])?$")


class OptionError(ValueError):
    """One option value buildx would reject; ``str(error)`` is a sentence for the user."""


def option_lines(text: str) -> Iterator[tuple[int, str]]:
    """Numbered non-empty lines, without `#` comments."""
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            yield lineno, line


def expand_path(path: str) -> str:
    return expand_user(path.strip())


def option_fields(value: str) -> list[tuple[str, str]]:
    """``key=value,key=value`` -> pairs with lower-cased keys (as buildx reads them); quoting is
    not supported, so a value cannot hold a comma."""
    if '"' in value:
        raise OptionError('quotes are not supported here: a value cannot contain , or "')
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for field in (f.strip() for f in value.split(",")):
        if not field:
            raise OptionError("empty field (two commas in a row, or one at the end?)")
        key, eq, val = field.partition("=")
        if not eq:
            raise OptionError(f"{field!r} is not key=value")
        key = key.strip().lower()
        if key in seen:
            raise OptionError(f"{key}= given twice")
        seen.add(key)
        pairs.append((key, val.strip()))
    return pairs


def _name_problem(name: str, what: str) -> str | None:
    if not name:
        return f"empty {what}"
    if any(c in name for c in ",=") or any(c.isspace() for c in name):
        return f"{what} {name!r} cannot contain spaces, commas or '='"
    return None


# -- --secret --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Secret:
    """One `--secret`: a file (``src``), a variable (``env``), or neither (buildx then reads the
    variable named ``id`` if it is set, else the file named ``id``)."""

    id: str
    src: str = ""
    env: str = ""

    @property
    def arg(self) -> str:
        if self.src:
            return f"id={self.id},src={self.src}"
        if self.env:
            return f"id={self.id},env={self.env}"
        return f"id={self.id}"


def parse_secret(value: str) -> Secret:
    """One `--secret` value; raises `OptionError`."""
    sid = src = env = kind = ""
    for key, val in option_fields(value):
        if key == "type":
            if val not in ("file", "env"):
                raise OptionError(f"type={val!r}: a secret is type=file or type=env")
            kind = val
        elif key == "id":
            sid = val
        elif key in ("src", "source"):
            if not val:
                raise OptionError(f"{key}= is empty: name the file")
            src = val
        elif key == "env":
            if not val:
                raise OptionError("env= is empty: name the environment variable")
            env = val
        else:
            raise OptionError(f"unknown key {key!r} (keys: id, src, env, type)")
    if kind == "env" and not env:  # buildx: type=env,src=VAR means env=VAR
        env, src = src, ""
    if kind == "file" and env:
        raise OptionError("type=file takes src=FILE, not env=")
    if not sid:
        raise OptionError(
            "a secret needs id=NAME (the id of RUN --mount=type=secret,id=NAME); "
            "write id=NAME,src=FILE or id=NAME,env=VAR"
        )
    problem = _name_problem(sid, "id")
    if problem:
        raise OptionError(problem)
    if src and env:
        raise OptionError("give src=FILE or env=VAR, not both")
    if env and not _ENV_NAME.match(env):
        raise OptionError(f"env={env!r} is not an environment variable name")
    return Secret(sid, expand_path(src) if src else "", env)


class _Parsed(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def arg(self) -> str: ...


def _parse_entries(
    text: str, field: str, flag: str, parse: Callable[[str], _Parsed]
) -> tuple[tuple[str, ...], list[Issue]]:
    """One ``flag`` per line -> the flag values; a bad line or an id given twice is an error."""
    values: list[str] = []
    issues: list[Issue] = []
    ids: set[str] = set()
    for lineno, line in option_lines(text):
        try:
            entry = parse(line)
        except OptionError as e:
            issues.append(Issue(field, Severity.ERROR, f"{flag} line {lineno}: {e}"))
            continue
        if entry.id in ids:
            issues.append(
                Issue(field, Severity.ERROR, f"{flag} line {lineno}: id {entry.id} twice")
            )
            continue
        ids.add(entry.id)
        values.append(entry.arg)
    return tuple(values), issues


def parse_secrets(text: str) -> tuple[tuple[str, ...], list[Issue]]:
    """One `--secret` per line -> the flag values."""
    return _parse_entries(text, "secrets", "--secret", parse_secret)


def _file_problem(path: str) -> str | None:
    """Why buildx cannot read ``path`` as a file, else None (never raises)."""
    found = look(path)
    if found.error is not None:
        return found.problem("file", quote=True)
    if found.missing:
        return f"file {shown(path, quote=True)} does not exist"
    if found.is_dir:
        return f"{shown(path, quote=True)} is a directory, not a file"
    if not can_access(path, os.R_OK):
        return f"file {shown(path, quote=True)} is not readable"
    return None


def _too_big(path: str) -> bool:
    found = look(path)
    return found.st is not None and found.st.st_size > MAX_SECRET_BYTES


def check_secrets(values: Sequence[str], environ: Mapping[str, str]) -> list[Issue]:
    """Secret files exist, are readable and small enough; variables are set. Never opens a file."""
    issues: list[Issue] = []
    for value in values:
        try:
            secret = parse_secret(value)
        except OptionError as e:
            issues.append(Issue("secrets", Severity.ERROR, f"--secret {value!r}: {e}"))
            continue
        flag = f"--secret id={secret.id}"
        if secret.env:
            if secret.env not in environ:
                issues.append(
                    Issue(
                        "secrets",
                        Severity.NOTE,
                        f"{flag}: ${secret.env} is not set here, so the secret will be empty",
                    )
                )
            continue
        if not secret.src and secret.id in environ:
            continue  # buildx reads the variable named like the id
        path = secret.src or secret.id
        problem = _file_problem(path)
        if problem is None and _too_big(path):
            problem = (
                f"file {shown(path, quote=True)} is larger than BuildKit's 500 KiB limit for a "
                "secret"
            )
        if problem is not None:
            if not secret.src:
                problem = (
                    f"no environment variable {secret.id} and no file {shown(path, quote=True)}: "
                    "add src=FILE or env=VAR"
                )
            issues.append(Issue("secrets", Severity.ERROR, f"{flag}: {problem}"))
    return issues


# -- --ssh -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SshForward:
    """One `--ssh`: forward the ssh-agent of SSH_AUTH_SOCK (no paths), or key files / a socket."""

    id: str
    paths: tuple[str, ...] = ()

    @property
    def arg(self) -> str:
        return f"{self.id}={','.join(self.paths)}" if self.paths else self.id


def parse_ssh_entry(value: str) -> SshForward:
    """One `--ssh` value (``default``, ``ID`` or ``ID=PATH[,PATH…]``); raises `OptionError`."""
    sid, eq, rest = value.strip().partition("=")
    sid = sid.strip()
    if not sid:
        raise OptionError("empty id before '=': write default=PATH or ID=PATH")
    problem = _name_problem(sid, "id")
    if problem:
        raise OptionError(problem)
    if not eq:
        return SshForward(sid)
    paths = [p.strip() for p in rest.split(",")]
    if any(not p for p in paths):
        raise OptionError(
            f"empty path after {sid}=: write {sid}=PATH[,PATH] (or just {sid} for your ssh-agent)"
        )
    return SshForward(sid, tuple(expand_path(p) for p in paths))


def parse_ssh(text: str) -> tuple[tuple[str, ...], list[Issue]]:
    """One `--ssh` per line -> the flag values."""
    return _parse_entries(text, "ssh", "--ssh", parse_ssh_entry)


def _agent_problem(environ: Mapping[str, str]) -> str | None:
    sock = environ.get("SSH_AUTH_SOCK", "")
    if not sock:
        return (
            "SSH_AUTH_SOCK is not set: start an ssh-agent and ssh-add your key before starting "
            "buildx-tui, or give key files (ID=~/.ssh/id_ed25519)"
        )
    found = look(sock)
    if found.st is None:
        return f"SSH_AUTH_SOCK={shown(sock)} does not exist: is the ssh-agent still running?"
    if stat.S_ISSOCK(found.st.st_mode):
        return None
    return f"SSH_AUTH_SOCK={shown(sock)} is not a socket"


def check_ssh(values: Sequence[str], environ: Mapping[str, str]) -> list[Issue]:
    """An agent to forward, or key files / one socket that exist (never read here)."""
    issues: list[Issue] = []
    for value in values:
        try:
            entry = parse_ssh_entry(value)
        except OptionError as e:
            issues.append(Issue("ssh", Severity.ERROR, f"--ssh {value!r}: {e}"))
            continue
        flag = f"--ssh {entry.id}"
        if not entry.paths:
            problem = _agent_problem(environ)
            if problem:
                issues.append(
                    Issue("ssh", Severity.REFUSAL, f"{flag} forwards your agent, but {problem}")
                )
            continue
        sockets = keys = 0
        for path in entry.paths:
            found = look(path)
            if found.st is not None and stat.S_ISSOCK(found.st.st_mode):
                sockets += 1
                continue
            keys += 1
            problem = _file_problem(path)
            if problem is None and path.endswith(".pub"):
                problem = (
                    f"{shown(path, quote=True)} looks like a public key: give the private key "
                    "(or an agent socket)"
                )
            if problem:
                issues.append(Issue("ssh", Severity.ERROR, f"{flag}: {problem}"))
        if sockets > 1:
            issues.append(Issue("ssh", Severity.ERROR, f"{flag}: only one agent socket per id"))
        elif sockets and keys:
            issues.append(
                Issue(
                    "ssh", Severity.ERROR, f"{flag}: key files and an agent socket cannot be mixed"
                )
            )
    return issues


# -- --label / --annotation ------------------------------------------------------------------------


def parse_labels(text: str) -> tuple[tuple[tuple[str, str], ...], list[Issue]]:
    """One `KEY=VALUE` per line (``KEY=`` for an empty value)."""
    labels: list[tuple[str, str]] = []
    issues: list[Issue] = []
    seen: set[str] = set()
    for lineno, line in option_lines(text):
        key, eq, value = line.partition("=")
        key = key.strip()
        problem = None
        if not eq:
            problem = f"{line!r} has no '=': write KEY=VALUE (KEY= for an empty value)"
        elif not key:
            problem = "empty key before '='"
        elif any(c.isspace() for c in key):
            problem = f"key {key!r} cannot contain spaces"
        elif key in seen:
            problem = f"{key} given twice"
        if problem:
            issues.append(Issue("labels", Severity.ERROR, f"--label line {lineno}: {problem}"))
            continue
        seen.add(key)
        labels.append((key, value))
    return tuple(labels), issues


def _annotation_problem(line: str) -> str | None:
    head, eq, _value = line.partition("=")
    if not eq:
        return f"{line!r} has no '=': write KEY=VALUE or TYPE:KEY=VALUE"
    types, colon, key = head.partition(":")
    if not colon:
        types, key = "", types
    if not key.strip():
        return "empty key before '='"
    if any(c.isspace() for c in key):
        return f"key {key!r} cannot contain spaces"
    if not colon:
        return None
    for item in types.split(","):
        match = _ANNOTATION_TYPE.match(item)
        if match is None:
            return f"{item!r} is not TYPE or TYPE[PLATFORM] (e.g. manifest[linux/arm64])"
        kind, platform = match.group(1), match.group(2)
        if kind not in ANNOTATION_TYPES:
            return f"unknown annotation type {kind!r} ({', '.join(ANNOTATION_TYPES)})"
        if platform:
            try:
                parse_platform(platform)
            except PlatformError as e:
                return str(e)
    return None


def parse_annotations(text: str) -> tuple[tuple[str, ...], list[Issue]]:
    """One `[TYPE[PLATFORM],…:]KEY=VALUE` per line."""
    values: list[str] = []
    issues: list[Issue] = []
    for lineno, line in option_lines(text):
        problem = _annotation_problem(line)
        if problem is None and line in values:
            problem = "given twice"
        if problem:
            issues.append(
                Issue("annotations", Severity.ERROR, f"--annotation line {lineno}: {problem}")
            )
            continue
        values.append(line)
    return tuple(values), issues


def _annotation_types(value: str) -> set[str]:
    head = value.partition("=")[0]
    types, colon, _key = head.partition(":")
    if not colon:
        return set()
    return {item.partition("[")[0] for item in types.split(",")}


def annotation_refusals(
    annotations: Sequence[str], *, driver: str, store: bool | None
) -> list[Issue]:
    """buildx: "index annotations not supported for single platform export" (docker driver)."""
    if driver != "docker" or store is True:
        return []
    if not any(_annotation_types(v) & {"index", "index-descriptor"} for v in annotations):
        return []
    hint = "" if store is False else " (unless the engine uses the containerd image store)"
    return [
        Issue(
            "annotations",
            Severity.REFUSAL,
            f"the docker driver cannot write index annotations{hint}: use manifest: "
            "annotations, or a docker-container builder",
        )
    ]

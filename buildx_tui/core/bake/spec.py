"""A bake request -> the exact argv (`docker buildx bake …`), and `--set` overrides checked.

Paths are passed as arguments (never through a shell); the metadata file and the progress mode
are the runner's. ``cwd`` is where bake runs: relative paths in the file are read from there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SET = re.compile(
    r"^(?P<target>[A-Za-z0-9_*?\[\]-][A-Za-z0-9_.*?\[\]-]*)\.(?P<key>[a-z][a-z0-9-]*(?:\.[^=]+)?)=(?P<value>.*)$",
    re.S,
)
#: Keys `--set` takes (buildx bake/bake.go; `platforms` is refused: "unknown key").
SET_KEYS = frozenset(
    {
        "args", "annotations", "attest", "cache-from", "cache-to", "call", "context",
        "contexts", "dockerfile", "entitlements", "labels", "load", "no-cache",
        "no-cache-filter", "output", "platform", "pull", "push", "secrets", "ssh", "tags",
        "target", "network", "shm-size", "ulimits",
    }
)  # fmt: skip
ENTITLEMENTS = {
    "network.host": "run steps on the host's network",
    "security.insecure": "run steps without the sandbox (privileged)",
    "fs.read": "let the build read a path on this machine outside the workspace",
    "fs.write": "let the build write a path on this machine outside the workspace",
    "fs": "read and write paths on this machine outside the workspace",
}


def check_set(text: str) -> str | None:
    """What is wrong with ``target.key=value`` (None: bake will parse it)."""
    if "\n" in text or "\x00" in text:
        return "one line, without control characters"
    m = _SET.match(text)
    if m is None:
        return "write it as target.key=value (e.g. app.tags=registry/app:dev)"
    key = m["key"].split(".", 1)[0]
    if key not in SET_KEYS:
        return f"bake has no key {key!r} (platforms is `platform`)"
    return None


def platform_sets(platforms: tuple[str, ...]) -> tuple[str, ...]:
    """A platform override of every target: one ``*.platform=`` per platform (bake adds up
    repeated ones; a comma-separated value stays one string in `--print`)."""
    return tuple(f"*.platform={p}" for p in platforms)


def grants(allow: str) -> str:
    """What an ``--allow`` entitlement (``fs.read=../x``) lets the build do, in words."""
    kind = allow.split("=", 1)[0]
    return ENTITLEMENTS.get(kind, "an entitlement this app has no words for: read bake's")


@dataclass(frozen=True)
class BakeSpec:
    cwd: str
    targets: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    builder: str | None = None
    variables: tuple[tuple[str, str], ...] = ()
    sets: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    no_cache: bool = False
    push: bool = False  # --push: every target's image pushed to its tags

    def _common(self) -> list[str]:
        argv = ["buildx", "bake"]
        if self.builder:
            argv += ["--builder", self.builder]
        for f in self.files:
            argv += ["--file", f]
        for name, value in self.variables:
            argv += ["--var", f"{name}={value}"]
        for s in self.sets:
            argv += ["--set", s]
        if self.push:
            argv.append("--push")
        for a in self.allow:
            argv += ["--allow", a]
        return argv

    def argv(self, *, progress: str = "rawjson", metadata_file: str | None = None) -> list[str]:
        """The run: ``--progress rawjson --metadata-file F`` then the overrides and targets."""
        argv = self._common()
        if self.no_cache:
            argv.append("--no-cache")
        argv += ["--progress", progress]
        if metadata_file is not None:
            argv += ["--metadata-file", metadata_file]
        return [*argv, *self.targets]

    def print_argv(self) -> list[str]:
        return [*self._common(), "--print", *self.targets]

    def list_argv(self, kind: str) -> list[str]:
        return [*self._common(), f"--list=type={kind},format=json"]

    def check_argv(self) -> list[str]:
        """`--call check` with plain progress: bake then also refuses what needs entitlements
        (under rawjson it does not check them: commands/bake.go), and says which."""
        return [*self._common(), "--progress", "plain", "--call", "check,format=json",
                *self.targets]  # fmt: skip

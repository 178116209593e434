"""What `buildx ls --format json` does not say: the platforms pinned with `create --platform`.

`ls` merges pinned and detected platforms into one list (its table marks pinned ones with `*`
from buildx's own store). We read the same store: `<docker config>/buildx/instances/<name>`, a
JSON NodeGroup whose nodes carry OCI platform objects. Reading a few small local files costs no
process; a missing or unreadable store simply means "nothing known to be pinned".
"""

from __future__ import annotations

import json
import os
from pathlib import Path

Pinned = dict[str, dict[str, list[str]]]


def docker_config_dir(config: str | os.PathLike[str] | None = None) -> Path:
    """The docker CLI's config dir: ``--config``, else $DOCKER_CONFIG, else ~/.docker."""
    if config:
        return Path(config).expanduser()
    env = os.environ.get("DOCKER_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".docker"


def _platform_str(p: object) -> str | None:
    if isinstance(p, str):
        return p
    if isinstance(p, dict) and p.get("os") and p.get("architecture"):
        s = f"{p['os']}/{p['architecture']}"
        return s + f"/{p['variant']}" if p.get("variant") else s
    return None


def read_pinned_platforms(config_dir: Path) -> Pinned:
    """builder name -> node name -> platforms pinned at create, from buildx's instance store."""
    result: Pinned = {}
    instances = config_dir / "buildx" / "instances"
    try:
        entries = list(instances.iterdir())
    except OSError:
        return result
    for entry in entries:
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if not isinstance(data, dict) or not isinstance(data.get("Name"), str):
            continue
        nodes: dict[str, list[str]] = {}
        for node in data.get("Nodes") or []:
            if not isinstance(node, dict) or not isinstance(node.get("Name"), str):
                continue
            plats = [s for s in (_platform_str(p) for p in node.get("Platforms") or []) if s]
            if plats:
                nodes[node["Name"]] = plats
        if nodes:
            result[data["Name"]] = nodes
    return result

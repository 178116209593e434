"""Whether a push target needs a login, and whether docker holds one for it.

For each image reference the user pushes to: its registry; what the docker config says about
credentials for it (an ``auths`` entry, a ``credHelpers`` helper, the ``credsStore``; names
only, never a secret); and, when the registry is on a loopback address, its answer to
``GET /v2/`` (the registry API's base: ``200`` needs no login, ``401`` with
``WWW-Authenticate`` wants one, refused: nothing listens). A registry elsewhere is never
contacted: only what the config tells is said. Recorded answers: tests/fixtures/local/doctor-v2-*.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from buildx_tui.core.reference import (
    DEFAULT_DOMAIN,
    InvalidReference,
    parse_reference,
    validate_reference,
)

from .context import DoctorContext
from .model import CheckResult, Fix, Status
from .ssh import is_loopback
from .v2 import V2Answer, probe_v2, split_registry

#: The key `docker login` (no registry) writes for Docker Hub.
HUB_KEY = "https://index.docker.io/v1/"


def registry_of(ref: str) -> str:
    """The registry (host[:port]) of an image reference; raises InvalidReference."""
    return parse_reference(ref.strip()).domain


def _normal(key: str) -> str:
    """A config.json ``auths`` key as a registry host (``https://index.docker.io/v1/`` ->
    ``docker.io``; ``https://reg:5000`` -> ``reg:5000``)."""
    host = key.strip().split("://", 1)[-1].split("/", 1)[0]
    return DEFAULT_DOMAIN if host in ("index.docker.io", "registry-1.docker.io") else host


@dataclass(frozen=True)
class Credentials:
    """Where docker would look for a registry's credentials; ``where`` is '' when nowhere."""

    where: str
    certain: bool  # the config names this registry (not only a store that may hold it)


def read_config(path: Path) -> dict[str, object] | str:
    """config.json as a mapping ({} when it does not exist), or why it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        return f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}"
    return data if isinstance(data, dict) else f"{path} is not a JSON object"


def credentials_for(config: dict[str, object], registry: str) -> Credentials:
    helpers = config.get("credHelpers")
    if isinstance(helpers, dict):
        for key, helper in helpers.items():
            if _normal(str(key)) == registry and isinstance(helper, str):
                where = f"credential helper docker-credential-{helper} (credHelpers)"
                return Credentials(where, True)
    store = config.get("credsStore")
    auths = config.get("auths")
    entry = None
    if isinstance(auths, dict):
        entry = next((v for k, v in auths.items() if _normal(str(k)) == registry), None)
    if isinstance(store, str) and store:
        if entry is not None:
            return Credentials(f"kept by docker-credential-{store} (credsStore)", True)
        return Credentials(
            f"not listed; docker would ask docker-credential-{store} (credsStore)", False
        )
    if isinstance(entry, dict) and (entry.get("auth") or entry.get("identitytoken")):
        return Credentials("stored in config.json (auths)", True)
    return Credentials("", False)


def check_push_target(ctx: DoctorContext, ref: str) -> CheckResult:
    return push_verdict(ref, ctx.docker_config, ctx.connect_timeout_s, ctx.probe_registry)


def push_verdict(
    ref: str,
    docker_config: Path,
    timeout: float,
    probe: Callable[[str, float], V2Answer] = probe_v2,
) -> CheckResult:
    """One push target: its registry's credentials in ``docker_config`` and, on loopback, its
    answer to GET /v2/ (``probe``). Blocks: call it from a worker thread."""
    key, title = f"push:{ref}", f"Push to {ref}"
    why = "a push to a registry that wants a login fails without credentials for it"
    path = docker_config / "config.json"
    try:
        registry = registry_of(ref)
    except InvalidReference as exc:
        return CheckResult(key, title, Status.FAILED, f"not an image reference: {exc}", "", why)
    config = read_config(path)
    command = f"read {path} (registry names only)"
    if isinstance(config, str):
        return CheckResult(key, title, Status.UNKNOWN, config, command, why)
    creds = credentials_for(config, registry)
    said = f"credentials for {registry}: {creds.where}" if creds.where else (
        f"docker holds no credentials for {registry}"
    )  # fmt: skip
    login = Fix(f"Log in to {registry}", command=f"docker login {registry}")
    if not is_loopback(split_registry(registry)[0]):
        found = f"{said}; {registry} not contacted (buildx-tui contacts only loopback addresses)"
        if creds.certain:
            return CheckResult(key, title, Status.PASSED, found, command, why)
        return CheckResult(key, title, Status.UNKNOWN, found, command, why, login)
    answer = probe(registry, timeout)
    command += f"; GET {answer.scheme}://{registry}/v2/"
    if answer.status is None:
        fix = Fix(f"Start the registry at {registry}, or correct the host:port of the tag")
        found = f"{registry} is not reachable: {answer.error}; {said}"
        return CheckResult(key, title, Status.FAILED, found, command, why, fix)
    if answer.status == 200:
        found = f"{registry} answers /v2/ with 200: no login needed; {said}"
        return CheckResult(key, title, Status.PASSED, found, command, why)
    if answer.status == 401:
        wants = f"{registry} wants a login (401, WWW-Authenticate: {answer.authenticate or '-'})"
        if creds.certain:
            return CheckResult(key, title, Status.PASSED, f"{wants}; {said}", command, why)
        return CheckResult(key, title, Status.FAILED, f"{wants}; {said}", command, why, login)
    found = f"{registry} answers /v2/ with {answer.status}; {said}"
    return CheckResult(key, title, Status.UNKNOWN, found, command, why)


#: The most push targets one run checks.
MAX_TARGETS = 20


def parse_push_targets(text: str) -> tuple[str, ...] | str:
    """Image references separated by commas, spaces or lines (each once), or why not."""
    refs = tuple(dict.fromkeys(t for t in text.replace(",", " ").split() if t))
    if len(refs) > MAX_TARGETS:
        return f"{len(refs)} references: the doctor checks up to {MAX_TARGETS} at once"
    for ref in refs:
        problem = validate_reference(ref)
        if problem is not None:
            shown = ref if len(ref) <= 60 else ref[:59] + "…"
            return f"{shown!r}: {problem}"
    return refs


def push_results(ctx: DoctorContext) -> tuple[CheckResult, ...]:
    return tuple(check_push_target(ctx, ref) for ref in dict.fromkeys(ctx.push_targets))

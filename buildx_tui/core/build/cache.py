"""`--cache-from` / `--cache-to` of the build form, parsed and checked the way buildx v0.36 and
BuildKit v0.32 read them (one per line; helpers shared with :mod:`.options`).

* A value is CSV ``type=T,key=value,…`` (keys are case-insensitive) or a bare image reference,
  short for ``type=registry,ref=REF`` (``REF,REF`` gives one entry each).
* BuildKit imports from registry, local, gha, s3 and azblob, and exports to those and ``inline``
  (the cache metadata inside the image). ``registry`` needs ``ref``, ``local`` needs ``src``
  (import) / ``dest`` (export). An unknown ``mode`` silently becomes ``min``.
* buildx skips ``type=gha`` unless GitHub Actions' ACTIONS_RUNTIME_TOKEN and cache URL variables
  are set; a missing local ``src`` only skips the import (a first build is fine).
* The docker driver exports only ``inline`` cache unless the engine uses the containerd image
  store. Credentials (``token``, ``secret_access_key``, ``session_token``) are refused here: in
  the argv they would show in `ps`, the command log and the history; buildx reads them from the
  environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from buildx_tui.core.build.issue import Issue, Severity
from buildx_tui.core.build.options import OptionError, expand_path, option_fields, option_lines
from buildx_tui.core.paths import can_access, existing_parent, look, shown
from buildx_tui.core.reference import validate_reference

__all__ = [
    "CACHE_FROM_TYPES",
    "CACHE_TO_TYPES",
    "CacheEntry",
    "cache_refusals",
    "check_cache",
    "parse_cache",
    "parse_cache_entry",
]

CACHE_FROM_TYPES = ("registry", "local", "gha", "s3", "azblob")
CACHE_TO_TYPES = ("registry", "local", "inline", "gha", "s3", "azblob")
# Cache attributes that are credentials: in the argv they would show in `ps`, the command log and
# the history. buildx reads them from the environment instead.
_CREDENTIALS = {
    "token": "ACTIONS_RUNTIME_TOKEN (GitHub Actions sets it)",
    "secret_access_key": "AWS_SECRET_ACCESS_KEY or ~/.aws/credentials",
    "session_token": "AWS_SESSION_TOKEN or ~/.aws/credentials",
}


@dataclass(frozen=True)
class CacheEntry:
    """One cache import or export; ``shorthand`` when typed as a bare reference."""

    type: str
    attrs: tuple[tuple[str, str], ...] = ()
    shorthand: bool = False

    def attr(self, key: str) -> str:
        return dict(self.attrs).get(key, "")

    @property
    def arg(self) -> str:
        if self.shorthand:
            return self.attr("ref")
        return ",".join([f"type={self.type}", *(f"{k}={v}" for k, v in self.attrs)])


def _cache_ref_problem(ref: str, export: bool) -> str | None:
    if export and "@" in ref:
        return f"{ref!r}: a cache ref to export to cannot hold a digest"
    problem = validate_reference(ref)
    return f"{ref!r}: {problem}" if problem is not None else None


def parse_cache_entry(value: str, *, export: bool) -> tuple[CacheEntry, ...]:
    """One `--cache-from` (``export=False``) or `--cache-to` value; a bare ``REF[,REF…]`` is one
    registry entry per reference, as buildx reads it. Raises `OptionError`."""
    value = value.strip()
    if "=" not in value:
        refs = [r.strip() for r in value.split(",") if r.strip()]
        for ref in refs:
            problem = _cache_ref_problem(ref, export)
            if problem:
                raise OptionError(problem)
        return tuple(CacheEntry("registry", (("ref", r),), shorthand=True) for r in refs)
    attrs: list[tuple[str, str]] = []
    kind = ""
    for key, val in option_fields(value):
        if key == "type":
            kind = val
        elif key in _CREDENTIALS:
            raise OptionError(
                f"{key}= would put a credential in the command line (visible in ps, the command "
                f"log and the history): leave it out, buildx reads {_CREDENTIALS[key]}"
            )
        else:
            attrs.append((key, expand_path(val) if key in ("src", "dest") else val))
    known = CACHE_TO_TYPES if export else CACHE_FROM_TYPES
    if not kind:
        example = "type=local,dest=DIR" if export else "type=local,src=DIR"
        raise OptionError(f"type= is missing (e.g. type=registry,ref=REPO:cache or {example})")
    if kind == "inline" and not export:
        raise OptionError(
            "type=inline is only for --cache-to: to reuse an image's inline cache, give the "
            "image itself (--cache-from REPO:TAG)"
        )
    if kind not in known:
        raise OptionError(f"unknown cache type {kind!r}: BuildKit knows {', '.join(known)}")
    entry = CacheEntry(kind, tuple(attrs))
    if kind == "registry":
        ref = entry.attr("ref")
        if not ref:
            raise OptionError("type=registry needs ref=REPO:TAG")
        problem = _cache_ref_problem(ref, export)
        if problem:
            raise OptionError(problem)
    if kind == "local":
        where = "dest" if export else "src"
        if not entry.attr(where):
            raise OptionError(
                "type=local needs dest=DIR (a folder for the cache)"
                if export
                else "type=local needs src=DIR (a folder a --cache-to type=local,dest=DIR wrote)"
            )
    mode = entry.attr("mode")
    if export and "mode" in dict(attrs) and mode not in ("min", "max"):
        raise OptionError(f"mode={mode!r}: min or max (BuildKit would silently use min)")
    return (entry,)


def parse_cache(text: str, *, export: bool) -> tuple[tuple[str, ...], list[Issue]]:
    """One `--cache-from` / `--cache-to` per line -> the flag values (duplicates dropped)."""
    field, flag = ("cache_to", "--cache-to") if export else ("cache_from", "--cache-from")
    values: list[str] = []
    issues: list[Issue] = []
    for lineno, line in option_lines(text):
        try:
            entries = parse_cache_entry(line, export=export)
        except OptionError as e:
            issues.append(Issue(field, Severity.ERROR, f"{flag} line {lineno}: {e}"))
            continue
        values += [e.arg for e in entries if e.arg not in values]
    return tuple(values), issues


def _writable_dir_problem(path: str) -> str | None:
    """Why BuildKit's client cannot create or write the folder ``path``, else None (what the OS
    refuses to look at is said, not raised)."""
    found = look(path)
    if found.error is not None:
        return found.problem("folder", quote=True)
    if found.exists:
        if not found.is_dir:
            return f"{shown(path, quote=True)} exists and is not a folder"
        if can_access(path, os.W_OK | os.X_OK):
            return None
        return f"folder {shown(path, quote=True)} is not writable"
    parent = existing_parent(path)
    if parent.error is not None:
        return f"cannot create {shown(path, quote=True)}: {parent.problem('folder', quote=True)}"
    if not parent.is_dir or not can_access(parent.path, os.W_OK | os.X_OK):
        return (
            f"cannot create {shown(path, quote=True)}: {shown(parent.path, quote=True)} is not a "
            "writable folder"
        )
    return None


def _gha_ready(entry: CacheEntry, environ: Mapping[str, str]) -> bool:
    token = environ.get("ACTIONS_RUNTIME_TOKEN", "")
    url = (
        entry.attr("url")
        or entry.attr("url_v2")
        or environ.get("ACTIONS_CACHE_URL", "")
        or environ.get("ACTIONS_RESULTS_URL", "")
    )
    return bool(token and url)


def _check_cache_entry(
    entry: CacheEntry, field: str, flag: str, environ: Mapping[str, str], exports_image: bool
) -> list[Issue]:
    issues: list[Issue] = []
    if entry.type == "local" and field == "cache_from":
        src = entry.attr("src")
        found = look(src)
        if found.error is not None:
            issues.append(Issue(field, Severity.ERROR, f"{flag} {found.problem(quote=True)}"))
        elif found.missing:
            issues.append(
                Issue(
                    field,
                    Severity.NOTE,
                    f"{flag} {shown(src, quote=True)} does not exist yet: nothing to import "
                    "(normal before a first --cache-to type=local writes it)",
                )
            )
        elif not found.is_dir:
            issues.append(
                Issue(field, Severity.ERROR, f"{flag} {shown(src, quote=True)} is not a folder")
            )
        elif not look(os.path.join(src, "index.json")).exists:
            issues.append(
                Issue(
                    field,
                    Severity.NOTE,
                    f"{flag} {shown(src, quote=True)} has no index.json: nothing to import",
                )
            )
    elif entry.type == "local":
        problem = _writable_dir_problem(entry.attr("dest"))
        if problem:
            issues.append(Issue(field, Severity.ERROR, f"{flag} type=local: {problem}"))
    elif entry.type == "gha" and not _gha_ready(entry, environ):
        issues.append(
            Issue(
                field,
                Severity.NOTE,
                f"{flag} type=gha is skipped by buildx outside GitHub Actions "
                "(no ACTIONS_RUNTIME_TOKEN and cache URL)",
            )
        )
    elif entry.type == "s3" and not (entry.attr("bucket") and entry.attr("region")):
        issues.append(
            Issue(
                field,
                Severity.NOTE,
                f"{flag} type=s3 without bucket= and region=: BuildKit takes them from "
                "AWS_BUCKET / AWS_REGION of the BuildKit daemon, or fails",
            )
        )
    elif entry.type == "inline":
        where = (
            "it travels with the pushed or loaded image"
            if exports_image
            else "but this build exports no image, so it goes nowhere"
        )
        issues.append(
            Issue(
                field,
                Severity.NOTE,
                f"{flag} type=inline embeds the cache in the image itself (mode=min only): {where}",
            )
        )
    return issues


def check_cache(
    cache_from: Sequence[str],
    cache_to: Sequence[str],
    environ: Mapping[str, str],
    *,
    exports_image: bool,
) -> list[Issue]:
    """Local cache folders, GitHub Actions / S3 settings, what inline cache means."""
    issues: list[Issue] = []
    for field, flag, values in (
        ("cache_from", "--cache-from", cache_from),
        ("cache_to", "--cache-to", cache_to),
    ):
        for value in values:
            try:
                entries = parse_cache_entry(value, export=field == "cache_to")
            except OptionError as e:
                issues.append(Issue(field, Severity.ERROR, f"{flag} {value!r}: {e}"))
                continue
            for entry in entries:
                issues += _check_cache_entry(entry, field, flag, environ, exports_image)
    return issues


def cache_refusals(cache_to: Sequence[str], *, driver: str, store: bool | None) -> list[Issue]:
    """buildx: "Cache export is not supported for the docker driver" (all but inline)."""
    if driver != "docker" or store is True:
        return []
    exported: set[str] = set()
    for value in cache_to:
        try:
            exported |= {e.type for e in parse_cache_entry(value, export=True)}
        except OptionError:
            continue  # reported by check_cache
    refused = sorted(exported - {"inline"})
    if not refused:
        return []
    hint = "" if store is False else " (unless the engine uses the containerd image store)"
    return [
        Issue(
            "cache_to",
            Severity.REFUSAL,
            f"the docker driver cannot export cache (--cache-to type={', type='.join(refused)})"
            f"{hint}: use a docker-container builder, or type=inline",
        )
    ]

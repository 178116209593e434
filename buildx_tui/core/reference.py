"""Image references and `imagetools inspect` errors, checked before and after running docker.

Two pure helpers for the manifest inspector:

* :func:`parse_reference` / :func:`validate_reference` check what the user typed against the
  distribution reference grammar (the one buildx applies through ``reference.ParseNormalizedNamed``)
  and explain a bad reference in words, so the UI can refuse it before running any command.
* :func:`classify_inspect_error` turns the stderr of a failed ``docker buildx imagetools inspect``
  into a kind (not found, unauthorized, unknown host, ...) with a friendly message and a hint.

Shared: the build form checks its tags with the same grammar. Stdlib only; never imports textual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

__all__ = [
    "DEFAULT_DOMAIN",
    "ImageReference",
    "InspectError",
    "InspectErrorKind",
    "InvalidReference",
    "classify_inspect_error",
    "parse_reference",
    "validate_reference",
]

DEFAULT_DOMAIN: Final = "docker.io"
_LEGACY_DEFAULT_DOMAIN: Final = "index.docker.io"
_OFFICIAL_PREFIX: Final = "library/"
_NAME_MAX: Final = 255
_EXAMPLE: Final = "e.g. 127.0.0.1:5000/demo:1 or busybox:latest"

# The distribution/reference grammar (github.com/distribution/reference, regexp.go).
_ALNUM: Final = r"[a-z0-9]+"
_SEPARATOR: Final = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT_RE: Final = re.compile(rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*")
_DOMAIN_COMPONENT: Final = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN_RE: Final = re.compile(
    rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
)
_TAG_RE: Final = re.compile(r"[\w][\w.-]{0,127}", re.ASCII)
_DIGEST_ALGO_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*")
_HEX_RE: Final = re.compile(r"[0-9a-fA-F]{32,}")
_LOWER_HEX_RE: Final = re.compile(r"[0-9a-f]+")
_ID_RE: Final = re.compile(r"[a-f0-9]{64}")
_DIGEST_HEX_LENGTHS: Final = {"sha256": 64, "sha384": 96, "sha512": 128}
_SCHEME_RE: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class InvalidReference(ValueError):
    """An image reference the user typed does not follow the reference grammar.

    ``str(error)`` is a sentence meant for the user.
    """


@dataclass(frozen=True)
class ImageReference:
    """A valid image reference, split and normalised the way docker does.

    ``domain`` is the registry (``docker.io`` when none was given), ``path`` the repository path
    (``library/`` prefixed for single-component Docker Hub names), ``tag`` and ``digest`` as given
    (both may be present; neither means docker's implicit ``latest``). ``original`` is the input.
    """

    domain: str
    path: str
    tag: str | None
    digest: str | None
    original: str

    @property
    def name(self) -> str:
        """``domain/path``, e.g. ``127.0.0.1:5000/demo`` or ``docker.io/library/busybox``."""
        return f"{self.domain}/{self.path}"

    @property
    def explicit_domain(self) -> bool:
        """Whether the user named a registry (``127.0.0.1:5000/demo``) rather than Docker Hub."""
        return not (
            self.domain == DEFAULT_DOMAIN
            and not self.original.startswith((DEFAULT_DOMAIN + "/", _LEGACY_DEFAULT_DOMAIN + "/"))
        )

    @property
    def familiar_name(self) -> str:
        """The short form docker prints: ``busybox``, ``user/app``, ``127.0.0.1:5000/demo``."""
        if self.domain != DEFAULT_DOMAIN:
            return self.name
        if self.path.startswith(_OFFICIAL_PREFIX) and self.path.count("/") == 1:
            return self.path[len(_OFFICIAL_PREFIX) :]
        return self.path

    @property
    def effective_tag(self) -> str | None:
        """The tag docker will resolve: the given one, ``latest`` if neither tag nor digest."""
        if self.tag is None and self.digest is None:
            return "latest"
        return self.tag

    def with_digest(self, digest: str) -> str:
        """The reference of one manifest of this repository: ``name@digest`` (tag dropped).

        Use it to fetch a per-platform or attestation manifest listed in an index.
        """
        _check_digest(digest)
        return f"{self.name}@{digest}"

    def __str__(self) -> str:
        text = self.name
        if self.tag is not None:
            text += f":{self.tag}"
        if self.digest is not None:
            text += f"@{self.digest}"
        return text


def validate_reference(text: str) -> str | None:
    """``None`` if ``text`` is a valid image reference, else a sentence saying what is wrong."""
    try:
        parse_reference(text)
    except InvalidReference as error:
        return str(error)
    return None


def parse_reference(text: str) -> ImageReference:
    """Split and check an image reference; raise :class:`InvalidReference` with a clear message.

    Grammar (distribution/reference): ``[host[:port]/]path[:tag][@algo:hex]`` where the host is
    recognised, like docker does, by a ``.`` or ``:`` in the first component, or ``localhost``, or
    an uppercase letter; path components are lowercase ``[a-z0-9]+`` joined by ``.``, ``_``, ``__``
    or dashes; a tag is ``[\\w][\\w.-]{0,127}``; a digest is ``algo:hex``.
    """
    if not isinstance(text, str):
        raise InvalidReference(f"an image reference must be text, not {type(text).__name__}")
    if not text.strip():
        raise InvalidReference(f"enter an image reference ({_EXAMPLE})")
    if any(ch.isspace() for ch in text):
        raise InvalidReference(f"an image reference cannot contain spaces: {text!r}")
    if _SCHEME_RE.match(text):
        scheme = text.split("://", 1)[0]
        raise InvalidReference(
            f"remove the {scheme}:// prefix: an image reference is host[:port]/repository[:tag], "
            f"not a URL ({_EXAMPLE})"
        )

    remainder = text
    digest: str | None = None
    if "@" in remainder:
        remainder, digest = remainder.split("@", 1)
        if "@" in digest:
            raise InvalidReference(f"an image reference has at most one @digest: {text!r}")
        _check_digest(digest)
    if not remainder:
        raise InvalidReference(f"the repository name is missing before '@' in {text!r}")

    tag: str | None = None
    colon = remainder.rfind(":")
    if colon > remainder.rfind("/"):
        remainder, tag = remainder[:colon], remainder[colon + 1 :]
        _check_tag(tag)
    if not remainder:
        raise InvalidReference(f"the repository name is missing in {text!r} ({_EXAMPLE})")

    domain, path = _split_domain(remainder)
    if domain is not None and not _DOMAIN_RE.fullmatch(domain):
        raise InvalidReference(
            f"invalid registry host {domain!r}: expected a host name or IP address, "
            "optionally followed by :port"
        )
    _check_path(path)
    name_length = len(remainder)
    if name_length > _NAME_MAX:
        raise InvalidReference(
            f"the repository name is {name_length} characters long; the limit is {_NAME_MAX}"
        )
    if domain is None and tag is None and digest is None and _ID_RE.fullmatch(path):
        raise InvalidReference(
            f"{text!r} looks like an image ID, not a reference: registries need repository[:tag] "
            "or repository@sha256:…"
        )

    if domain is None or domain == _LEGACY_DEFAULT_DOMAIN:
        domain = DEFAULT_DOMAIN
    if domain == DEFAULT_DOMAIN and "/" not in path:
        path = _OFFICIAL_PREFIX + path
    return ImageReference(domain=domain, path=path, tag=tag, digest=digest, original=text)


def _split_domain(name: str) -> tuple[str | None, str]:
    """docker's splitDockerDomain: the first component is a host if it looks like one."""
    first, sep, rest = name.partition("/")
    if not sep:
        return None, name
    if "." in first or ":" in first or first == "localhost":
        return first, rest
    if first.lower() != first:
        # docker would take it for a registry host; it is almost always a mistyped user name
        raise InvalidReference(
            f"repository names must be lowercase: {name!r} (did you mean {name.lower()!r}? "
            f"a first component with capitals, like {first!r}, is read as a registry host)"
        )
    return None, name


def _check_path(path: str) -> None:
    if not path:
        raise InvalidReference(f"the repository name is missing ({_EXAMPLE})")
    if path.lower() != path:
        raise InvalidReference(
            f"repository names must be lowercase: {path!r} (did you mean {path.lower()!r}?)"
        )
    for component in path.split("/"):
        if not component:
            raise InvalidReference(f"the repository path {path!r} has an empty component ('//')")
        if not _PATH_COMPONENT_RE.fullmatch(component):
            raise InvalidReference(
                f"invalid repository path component {component!r}: use lowercase letters and "
                "digits, separated by '.', '_', '__' or '-', starting and ending with a letter "
                "or digit"
            )


def _check_tag(tag: str) -> None:
    if not tag:
        raise InvalidReference("the tag after ':' is empty")
    if not _TAG_RE.fullmatch(tag):
        if len(tag) > 128:
            raise InvalidReference(f"the tag is {len(tag)} characters long; the limit is 128")
        raise InvalidReference(
            f"invalid tag {tag!r}: a tag is letters, digits, '_', '.' and '-', "
            "and cannot start with '.' or '-'"
        )


def _check_digest(digest: str) -> None:
    algo, sep, hex_part = digest.partition(":")
    if not sep or not algo or not hex_part:
        raise InvalidReference(
            f"invalid digest {digest!r}: expected algorithm:hex, e.g. sha256:<64 hex digits>"
        )
    if not _DIGEST_ALGO_RE.fullmatch(algo):
        raise InvalidReference(f"invalid digest algorithm {algo!r} in {digest!r}")
    expected = _DIGEST_HEX_LENGTHS.get(algo)
    if expected is not None:
        if len(hex_part) != expected or not _LOWER_HEX_RE.fullmatch(hex_part):
            raise InvalidReference(
                f"invalid {algo} digest {digest!r}: expected {expected} lowercase hex digits"
            )
    elif not _HEX_RE.fullmatch(hex_part):
        raise InvalidReference(
            f"invalid digest {digest!r}: expected at least 32 hex digits after {algo}:"
        )


# --------------------------------------------------------------------------------------------
# `imagetools inspect` errors
# --------------------------------------------------------------------------------------------


class InspectErrorKind(StrEnum):
    """What went wrong when `imagetools inspect` failed."""

    NOT_FOUND = "not-found"
    UNAUTHORIZED = "unauthorized"
    UNKNOWN_HOST = "unknown-host"
    UNREACHABLE = "unreachable"
    HTTP_VS_HTTPS = "http-vs-https"
    TLS = "tls"
    BAD_REFERENCE = "bad-reference"
    TIMEOUT = "timeout"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class InspectError:
    """A classified `imagetools inspect` failure: kind, user sentence, hint, the error text."""

    kind: InspectErrorKind
    message: str
    hint: str
    detail: str


# Matchers, tried in order; the first whose pattern occurs in the error text wins.
# RECORDED: the "not found" form `ERROR: <ref>: not found`
# (fixtures/buildx/imagetools-inspect-missing.stderr, buildx v0.36.1 against distribution 2.8).
# The others are ASSUMED from the well-known texts of Go's net/http and net, crypto/x509,
# containerd's remotes/docker resolver and authorizer, and distribution/reference, as buildx
# prints them after `ERROR: `.
_MATCHERS: Final[tuple[tuple[InspectErrorKind, re.Pattern[str]], ...]] = (
    (
        InspectErrorKind.BAD_REFERENCE,
        re.compile(
            r"invalid reference format|must be lowercase|invalid repository name"
            r"|invalid checksum digest|invalid digest|unsupported digest algorithm",
            re.IGNORECASE,
        ),
    ),
    (
        InspectErrorKind.HTTP_VS_HTTPS,
        re.compile(
            r"server gave HTTP response to HTTPS client"
            r"|plain HTTP request was sent to HTTPS port"
            r"|first record does not look like a TLS handshake"
            r"|server gave HTTPS response",
            re.IGNORECASE,
        ),
    ),
    (
        InspectErrorKind.TLS,
        re.compile(
            r"x509:|certificate signed by unknown authority|tls: failed to verify"
            r"|certificate is not valid|certificate has expired|tls: handshake failure",
            re.IGNORECASE,
        ),
    ),
    (
        InspectErrorKind.UNKNOWN_HOST,
        re.compile(
            r"no such host|server misbehaving|temporary failure in name resolution"
            r"|name or service not known",
            re.IGNORECASE,
        ),
    ),
    (
        InspectErrorKind.UNREACHABLE,
        re.compile(
            r"connection refused|network is unreachable|no route to host|connection reset",
            re.IGNORECASE,
        ),
    ),
    (
        InspectErrorKind.TIMEOUT,
        re.compile(
            r"context deadline exceeded|i/o timeout|handshake timeout"
            r"|timeout awaiting response headers",
            re.IGNORECASE,
        ),
    ),
    (
        InspectErrorKind.UNAUTHORIZED,
        re.compile(
            r"unauthorized|forbidden|failed to authorize|access denied"
            r"|access to the resource is denied|insufficient_scope|authentication required"
            r"|no basic auth credentials",
            re.IGNORECASE,
        ),
    ),
    (
        InspectErrorKind.NOT_FOUND,
        re.compile(
            r":\s*not found\s*$|manifest unknown|name unknown|404 not found",
            re.IGNORECASE | re.MULTILINE,
        ),
    ),
)

_REF_BEFORE_NOT_FOUND_RE: Final = re.compile(r"^(?:ERROR:\s*)?(\S+):\s*not found\s*$", re.MULTILINE)
_HOST_RE: Final = re.compile(r"lookup ([^\s:]+)|dial tcp (\S+?):\s")


def classify_inspect_error(stderr: str, reference: str | None = None) -> InspectError:
    """Classify the stderr of a failed ``docker buildx imagetools inspect``.

    ``reference`` is what was inspected (used in the message when the text does not name it).
    Unrecognised text gives kind ``UNKNOWN`` with the error text itself as the message.
    """
    detail = _error_text(stderr)
    for kind, pattern in _MATCHERS:
        if pattern.search(detail):
            message, hint = _explain(kind, detail, reference)
            return InspectError(kind=kind, message=message, hint=hint, detail=detail)
    message = detail or "docker buildx imagetools inspect failed without an error message"
    return InspectError(kind=InspectErrorKind.UNKNOWN, message=message, hint="", detail=detail)


def _error_text(stderr: str) -> str:
    """The error lines of stderr, without buildx's ``ERROR: `` prefix and blank lines."""
    lines = []
    for raw_line in stderr.splitlines():
        line = raw_line.strip()
        if not line:
            continue
        if line.startswith("ERROR:"):
            line = line[len("ERROR:") :].strip()
        lines.append(line)
    return "\n".join(lines)


def _explain(kind: InspectErrorKind, detail: str, reference: str | None) -> tuple[str, str]:
    subject = reference or "the image"
    host = _host_of(detail, reference)
    if kind is InspectErrorKind.NOT_FOUND:
        match = _REF_BEFORE_NOT_FOUND_RE.search(detail)
        named = match.group(1) if match else subject
        return (
            f"{named} was not found: the registry has no such repository, tag or digest",
            "Check the spelling and the tag, and that the image was pushed (build with --push).",
        )
    if kind is InspectErrorKind.UNAUTHORIZED:
        return (
            f"the registry refused access to {subject}",
            "Log in with `docker login"
            + (f" {host}" if host else "")
            + "`, or check the repository name: Docker Hub answers 'unauthorized' "
            "for repositories that do not exist too.",
        )
    if kind is InspectErrorKind.UNKNOWN_HOST:
        return (
            f"unknown registry host{f' {host}' if host else ''}: the name does not resolve",
            "Check the registry host name in the reference, and your DNS or network.",
        )
    if kind is InspectErrorKind.UNREACHABLE:
        return (
            f"cannot connect to the registry{f' {host}' if host else ''}",
            "Is the registry running and listening on that host and port?",
        )
    if kind is InspectErrorKind.HTTP_VS_HTTPS:
        return (
            f"the registry{f' {host}' if host else ''} speaks plain HTTP, and buildx tried HTTPS",
            "imagetools uses the registry settings of the builder's buildkitd.toml, not "
            'daemon.json: add [registry."HOST:PORT"] http = true to it and recreate the '
            "builder with --buildkitd-config.",
        )
    if kind is InspectErrorKind.TLS:
        return (
            f"the TLS certificate of the registry{f' {host}' if host else ''} was not accepted",
            'Give the builder the registry\'s CA (buildkitd.toml [registry."HOST"] ca = [...]), '
            "or mark it insecure = true there; daemon.json settings do not apply to buildx.",
        )
    if kind is InspectErrorKind.BAD_REFERENCE:
        return (
            f"invalid image reference{f' {reference!r}' if reference else ''}",
            f"Use host[:port]/repository[:tag] with a lowercase repository ({_EXAMPLE}).",
        )
    if kind is InspectErrorKind.TIMEOUT:
        return (
            f"the registry{f' {host}' if host else ''} did not answer in time",
            "Check the network, proxies and that the registry is up, then retry.",
        )
    return detail, ""


def _host_of(detail: str, reference: str | None) -> str:
    match = _HOST_RE.search(detail)
    if match:
        return match.group(1) or match.group(2) or ""
    if reference:
        try:
            return parse_reference(reference).domain
        except InvalidReference:
            return ""
    return ""

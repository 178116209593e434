"""`docker login --password-stdin`: argv without the secret, stdin with it; auth failure detection.

The password never goes into argv (visible in `ps`), logs, history or the screen: it travels
only as the bytes written to the process' stdin. `redact` scrubs it from any text we show, in
case a tool ever echoes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LoginSpec", "looks_like_auth_error", "password_stdin", "redact", "validate_login"]

_REGISTRY_RE = re.compile(r"^[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._/-]*)?$")

# What BuildKit, containerd and the docker CLI say when a registry wants credentials.
_AUTH_MARKERS = (
    "401 unauthorized",
    "unauthorized: authentication required",
    "unauthorized: incorrect username or password",
    "authorization failed",
    "no basic auth credentials",
    "denied: requested access to the resource is denied",
    "insufficient_scope",
    "failed to authorize",
    "failed to fetch oauth token",
    "failed to fetch anonymous token",
    "403 forbidden",
)


@dataclass(frozen=True)
class LoginSpec:
    registry: str
    username: str

    def argv(self) -> list[str]:
        return ["login", "--username", self.username, "--password-stdin", self.registry]


def validate_login(registry: str, username: str, password: str) -> list[str]:
    """User-facing reasons the login cannot be attempted (empty list when it can)."""
    problems: list[str] = []
    if not registry.strip():
        problems.append("registry is required (e.g. registry.example.com or 127.0.0.1:5000)")
    elif not _REGISTRY_RE.match(registry.strip()):
        problems.append(f"{registry.strip()!r} is not a registry host[:port]")
    if not username.strip():
        problems.append("username is required")
    elif any(c.isspace() for c in username.strip()):
        problems.append("a username has no spaces")
    if not password:
        problems.append("password (or access token) is required")
    elif "\n" in password or "\r" in password:
        problems.append("the password cannot contain a line break")
    return problems


def password_stdin(password: str) -> bytes:
    return password.encode("utf-8")


def looks_like_auth_error(text: str) -> bool:
    """True when a failed build or pull/push says the registry needs (other) credentials."""
    low = text.lower()
    return any(marker in low for marker in _AUTH_MARKERS)


def redact(text: str, secret: str) -> str:
    if not secret:
        return text
    return text.replace(secret, "********")

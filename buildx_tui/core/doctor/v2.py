"""A registry's answer to ``GET /v2/`` (the registry API's base), asked on loopback only:
``200`` needs no login, ``401`` with ``WWW-Authenticate`` wants one. Raw HTTP over a socket
(http, then https when the port speaks TLS); recorded answers: tests/fixtures/local/doctor-v2-*.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from dataclasses import dataclass


@dataclass(frozen=True)
class V2Answer:
    """A registry's answer to ``GET /v2/``: its status and WWW-Authenticate, or why none."""

    status: int | None
    authenticate: str = ""
    error: str = ""
    scheme: str = "http"


def parse_v2_response(raw: bytes, scheme: str = "http") -> V2Answer:
    """The status line and WWW-Authenticate header of a raw HTTP response."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("iso-8859-1", "replace")
    lines = head.split("\r\n")
    parts = lines[0].split(" ", 2) if lines else []
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        return V2Answer(None, error="the answer is not HTTP", scheme=scheme)
    auth = ""
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "www-authenticate":
            auth = value.strip()
    return V2Answer(int(parts[1]), auth, scheme=scheme)


def _request(host: str) -> bytes:
    return (
        f"GET /v2/ HTTP/1.1\r\nHost: {host}\r\nUser-Agent: buildx-tui-doctor\r\n"
        "Accept: application/json\r\nConnection: close\r\n\r\n"
    ).encode()


def _exchange(sock: socket.socket, host: str) -> bytes:
    sock.sendall(_request(host))
    chunks: list[bytes] = []
    while sum(len(c) for c in chunks) < 65536:
        data = sock.recv(8192)
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def split_registry(registry: str) -> tuple[str, int | None]:
    """``127.0.0.1:5000`` -> ("127.0.0.1", 5000); ``[::1]:5000`` -> ("::1", 5000)."""
    if registry.startswith("["):
        host, _, rest = registry[1:].partition("]")
        port = rest.lstrip(":")
    else:
        host, _, port = registry.partition(":")
    return host, int(port) if port.isdigit() else None


def _get(scheme: str, host: str, port: int, registry: str, timeout: float) -> V2Answer:
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            raw.settimeout(timeout)
            if scheme == "http":
                return parse_v2_response(_exchange(raw, registry))
            tls = ssl.create_default_context()
            tls.check_hostname = False
            tls.verify_mode = ssl.CERT_NONE  # only the status is read; nothing secret is sent
            with contextlib.closing(tls.wrap_socket(raw, server_hostname=host)) as sock:
                return parse_v2_response(_exchange(sock, registry), "https")
    except ConnectionRefusedError:
        return V2Answer(None, error=f"nothing listens on {host}:{port} (connection refused)")
    except (OSError, ssl.SSLError) as exc:
        said = getattr(exc, "strerror", None) or exc
        return V2Answer(None, error=f"{scheme}://{host}:{port}: {said}", scheme=scheme)


def probe_v2(registry: str, timeout: float) -> V2Answer:
    """``GET /v2/`` on a loopback registry: over http then https on its port (docker treats a
    loopback registry as insecure: it tries both); without a port https:443 then http:80.
    Blocks up to a few ``timeout``: call it from a worker thread."""
    host, port = split_registry(registry)
    tries = [("http", port), ("https", port)] if port else [("https", 443), ("http", 80)]
    first: V2Answer | None = None
    for scheme, number in tries:
        answer = _get(scheme, host, number, registry, timeout)
        if answer.status is not None and answer.status != 400:
            return answer
        first = first or answer
    assert first is not None
    return first

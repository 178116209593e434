"""Reach a BuildKit endpoint the way buildx would, to say *why* it cannot be used.

buildx says only "context deadline exceeded" (after 20 s) whether nothing listens, the TLS
certificate is wrong or the server wants a client certificate (recorded in
tests/fixtures/local/bootstrap-err-remote-tls.stderr). The remote driver connects from this
machine, so connecting from here with the same address and files tells the reasons apart:
connection refused, unknown host, timeout, server certificate not signed by the CA, server
name mismatch, client certificate required or rejected, plain connection to a TLS server.

For tcp:// and unix:// only (ssh:// and the others go through other programs).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from buildx_tui.core.paths import reason, shown

# The HTTP/2 client connection preface and an empty SETTINGS frame: what gRPC sends first.
_H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
_SETTINGS_FRAME_TYPE = 0x04


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    summary: str  # one line: what happened
    fix: str = ""  # what to do about it (empty when ok)


def probe_endpoint(
    endpoint: str,
    *,
    cacert: str = "",
    cert: str = "",
    key: str = "",
    servername: str = "",
    timeout: float = 5.0,
) -> ProbeResult | None:
    """Connect to a tcp:// or unix:// BuildKit endpoint and speak the start of gRPC; None for
    other schemes. Blocks up to about 2 x ``timeout``: call it from a worker thread."""
    try:
        parts = urlsplit(endpoint.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme == "unix":
        return _probe_unix(parts.netloc + parts.path, timeout)
    if parts.scheme != "tcp" or not parts.hostname or port is None:
        return None
    host = parts.hostname
    where = f"{host}:{port}"
    try:
        raw = socket.create_connection((host, port), timeout=timeout)
    except socket.gaierror:
        return ProbeResult(
            False,
            f"the host name {host} does not resolve",
            "check the spelling, or use the server's IP address",
        )
    except ConnectionRefusedError:
        return ProbeResult(
            False,
            f"nothing listens on {where} (connection refused)",
            "start buildkitd there with --addr tcp://0.0.0.0:PORT, or correct the port",
        )
    except TimeoutError:
        return ProbeResult(
            False,
            f"no answer from {where} within {timeout:.0f} s",
            "check that the host is up and that a firewall lets this port through",
        )
    except OSError as exc:
        return ProbeResult(False, f"cannot connect to {where}: {exc.strerror or exc}", "")
    with contextlib.closing(raw):
        if not (cacert or cert or key):
            return _plain_h2(raw, where, timeout)
        return _tls(raw, host, where, cacert, cert, key, servername, timeout)


def probe_ssh(endpoint: str, timeout: float = 5.0) -> ProbeResult | None:
    """Whether anything takes a TCP connection on an ssh:// endpoint's port (no ssh is spoken);
    None for other endpoints."""
    try:
        parts = urlsplit(endpoint.strip())
        port = parts.port or 22
    except ValueError:
        return None
    if parts.scheme != "ssh" or not parts.hostname:
        return None
    host = parts.hostname
    try:
        raw = socket.create_connection((host, port), timeout=timeout)
    except ConnectionRefusedError:
        return ProbeResult(
            False,
            f"Nothing answers on {host} port {port} (SSH connection refused)",
            "No SSH server listens at that address. Check the host and the port in the endpoint "
            "(ssh://user@host:PORT; without a port ssh uses 22) and that sshd runs there.",
        )
    except OSError as exc:
        return ProbeResult(
            False, f"cannot connect to {host} port {port}: {exc.strerror or exc}", ""
        )
    raw.close()
    return ProbeResult(True, f"{host} port {port} takes connections")


def _probe_unix(full_path: str, timeout: float) -> ProbeResult:
    path = shown(full_path)  # for the messages: a pasted path is not repeated whole
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with contextlib.closing(sock):
        sock.settimeout(timeout)
        try:
            sock.connect(full_path)
        except FileNotFoundError:
            return ProbeResult(
                False,
                f"there is no socket at {path}",
                "start buildkitd with --addr unix://" + path + ", or correct the path",
            )
        except PermissionError:
            return ProbeResult(
                False,
                f"permission denied on {path}",
                "run as a user allowed to open the socket (or change its group/mode)",
            )
        except ConnectionRefusedError:
            return ProbeResult(
                False,
                f"nothing listens on {path} (a socket file left by a stopped daemon)",
                "start buildkitd again",
            )
        except OSError as exc:
            return ProbeResult(False, f"cannot connect to {path}: {reason(exc)}", "")
        except ValueError:
            return ProbeResult(False, f"cannot connect to {path}: it contains a NUL character", "")
        return _plain_h2(sock, path, timeout)


def _plain_h2(sock: socket.socket, where: str, timeout: float) -> ProbeResult:
    sock.settimeout(timeout)
    try:
        sock.sendall(_H2_PREFACE)
        data = sock.recv(64)
    except TimeoutError:
        return ProbeResult(
            False,
            f"{where} accepts connections but does not answer like buildkitd",
            "check that buildkitd (not another program) listens there",
        )
    except OSError:
        data = b""
    if len(data) >= 4 and data[3] == _SETTINGS_FRAME_TYPE:
        return ProbeResult(True, f"buildkitd answers on {where} (no TLS)")
    if not data or data[:1] in (b"\x15", b"\x16"):
        return ProbeResult(
            False,
            f"{where} closed a plain connection: the server wants TLS",
            "give the CA certificate (cacert) and, if the server asks for one, the client "
            "certificate and key (cert, key)",
        )
    return ProbeResult(
        False,
        f"{where} answered, but not like buildkitd ({data[:24]!r})",
        "check that buildkitd listens there",
    )


def _tls(
    raw: socket.socket,
    host: str,
    where: str,
    cacert: str,
    cert: str,
    key: str,
    servername: str,
    timeout: float,
) -> ProbeResult:
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    try:
        if cacert:
            ctx.load_verify_locations(cafile=cacert)
        if cert and key:
            ctx.load_cert_chain(cert, key)
    except ssl.SSLError as exc:
        return ProbeResult(
            False,
            f"the TLS files cannot be used together: {exc.reason or exc}",
            "cert and key must be a matching pair; cacert a CA certificate (PEM)",
        )
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in a path
        return ProbeResult(False, f"cannot read a TLS file: {reason(exc)}", "")
    ctx.set_alpn_protocols(["h2"])
    name = servername or host
    try:
        tls = ctx.wrap_socket(raw, server_hostname=name)
    except ssl.SSLCertVerificationError as exc:
        return _verify_failure(exc, where, name)
    except ssl.SSLError as exc:
        return _alert(exc, where, bool(cert))
    except TimeoutError:
        return ProbeResult(
            False,
            f"{where} accepted the connection but the TLS handshake timed out",
            "check that the server speaks TLS on this port",
        )
    except OSError as exc:
        return ProbeResult(
            False,
            f"{where} closed the connection during the TLS handshake ({exc.strerror or exc})",
            "check that the server speaks TLS on this port",
        )
    with contextlib.closing(tls):
        tls.settimeout(min(timeout, 2.0))
        try:
            tls.sendall(_H2_PREFACE)
            data = tls.recv(64)
        except ssl.SSLError as exc:
            return _alert(exc, where, bool(cert))
        except TimeoutError:
            data = b""
        except OSError as exc:
            return ProbeResult(
                False,
                f"{where} closed the TLS connection ({exc.strerror or exc})",
                "the server may have rejected the client certificate",
            )
    if data and len(data) >= 4 and data[3] == _SETTINGS_FRAME_TYPE:
        return ProbeResult(True, f"TLS handshake with {where} succeeded; buildkitd answers")
    return ProbeResult(True, f"TLS handshake with {where} succeeded")


def _verify_failure(exc: ssl.SSLCertVerificationError, where: str, name: str) -> ProbeResult:
    message = str(exc.verify_message or exc.reason or exc)
    if "mismatch" in message.lower():
        return ProbeResult(
            False,
            f"the server certificate of {where} is not valid for the name {name!r}",
            "connect with a name the certificate lists (its subject alternative names), or set "
            "the driver option servername=NAME-IN-CERTIFICATE",
        )
    return ProbeResult(
        False,
        f"the server certificate of {where} is not signed by the CA in cacert ({message})",
        "cacert must be the CA certificate that signed the server's certificate",
    )


def _alert(exc: ssl.SSLError, where: str, sent_cert: bool) -> ProbeResult:
    reason = (exc.reason or str(exc)).upper()
    if isinstance(exc, ssl.SSLEOFError) or "EOF" in reason:
        # The server hung up after the handshake without saying why: what servers that check
        # client certificates do (Go's sends an alert, OpenSSL-based ones often do not).
        if not sent_cert:
            return ProbeResult(
                False,
                f"{where} closed the TLS connection: it probably requires a client certificate",
                "give the client certificate and key (cert, key) signed by a CA the server trusts",
            )
        return ProbeResult(
            False,
            f"{where} closed the TLS connection: it probably rejected the client certificate",
            "use a client certificate signed by the CA the server trusts (its --tlscacert)",
        )
    if "CERTIFICATE_REQUIRED" in reason:
        return ProbeResult(
            False,
            f"{where} requires a client certificate",
            "give the client certificate and key (cert, key) signed by a CA the server trusts",
        )
    if "BAD_CERTIFICATE" in reason or "UNKNOWN_CA" in reason or "CERTIFICATE" in reason:
        return ProbeResult(
            False,
            f"{where} rejected the client certificate ({exc.reason})",
            "use a client certificate signed by the CA the server trusts (its --tlscacert)",
        )
    if "WRONG_VERSION_NUMBER" in reason or "RECORD_LAYER" in reason:
        return ProbeResult(
            False,
            f"{where} does not speak TLS",
            "drop cacert, cert and key, or point at the server's TLS port",
        )
    return ProbeResult(False, f"TLS with {where} failed: {exc.reason or exc}", "")

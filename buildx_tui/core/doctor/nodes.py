"""Each node: reachable (within a timeout, never hanging), its BuildKit version and what it is
too old for; a remote node's TLS files: the certificates' expiry dates and host names."""

from __future__ import annotations

import contextlib
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from buildx_tui.core.builders import Builder, Node, NodeStatus
from buildx_tui.core.probe import probe_endpoint

from .context import DoctorContext
from .model import CheckResult, Fix, Status, worst
from .ssh import check_ssh_endpoint
from .tools import BUILDKIT_FEATURES, lacking

#: A certificate that ends sooner than this is a warning.
EXPIRY_WARNING = timedelta(days=30)


def ls_failure(key: str, title: str, ctx: DoctorContext) -> CheckResult | None:
    """The result to give when `buildx ls` gave no builders (None when it did)."""
    refresh = ctx.ls()
    if refresh.ls is not None:
        return None
    problem = refresh.problem
    found = f"{problem.title}: {problem.detail}" if problem else "`buildx ls` listed nothing"
    return CheckResult(key, title, Status.UNKNOWN, found, refresh.command)


def node_results(ctx: DoctorContext) -> tuple[CheckResult, ...]:
    failure = ls_failure("nodes", "Builders' nodes", ctx)
    if failure is not None:
        return (failure,)
    refresh = ctx.ls()
    assert refresh.ls is not None
    out: list[CheckResult] = []
    for builder in ctx.chosen_builders(refresh.ls):
        for node in builder.nodes or (Node(builder.name, "", NodeStatus.ERROR),):
            out.append(check_node(ctx, builder, node, refresh.command))
    if not out:
        out.append(
            CheckResult(
                "nodes", "Builders' nodes", Status.UNKNOWN, "no builder to look at", refresh.command
            )
        )
    return tuple(out)


def check_node(ctx: DoctorContext, builder: Builder, node: Node, command: str) -> CheckResult:
    key = f"node:{builder.name}/{node.name}"
    title = f"Node {builder.name}/{node.name}"
    why = "a build sent to a node that cannot be reached fails (or waits for --timeout)"
    error = node.error or builder.error
    status = node.effective_status
    where = f" at {node.endpoint}" if node.endpoint else ""
    if status is NodeStatus.RUNNING and node.version:
        missing = lacking(node.version, BUILDKIT_FEATURES)
        found = f"running{where}, BuildKit {node.version}"
        if not missing:
            return CheckResult(key, title, Status.PASSED, found, command, why)
        fix = Fix(
            "Use a builder with a newer BuildKit, e.g. a docker-container builder",
            argv=("buildx", "create", "--driver", "docker-container", "--bootstrap"),
        )
        return CheckResult(
            key,
            title,
            Status.WARNING,
            found + "; too old for: " + "; ".join(missing),
            command,
            "features of this app need a newer BuildKit on the node",
            fix,
        )
    probed = _probe(ctx, builder, node)
    if probed is not None and not probed[0].ok:
        result, how = probed
        reach_fix = Fix(result.fix) if result.fix else None
        found = f"{status}{where}: unreachable: {result.summary}"
        return CheckResult(key, title, Status.FAILED, found, how, why, reach_fix)
    if error:
        return CheckResult(key, title, Status.FAILED, f"{status}{where}: {error}", command, why)
    if status in (NodeStatus.INACTIVE, NodeStatus.STOPPED) and builder.driver != "remote":
        fix = Fix(
            "Start it now (a build would start it anyway)",
            argv=("buildx", "inspect", "--bootstrap", builder.name),
        )
        found = f"{status}{where}: its BuildKit version is known once it runs"
        return CheckResult(key, title, Status.UNKNOWN, found, command, why, fix)
    said = f"; {probed[0].summary}" if probed else ""
    found = f"{status}{where}: buildx reports no BuildKit version{said}"
    return CheckResult(key, title, Status.UNKNOWN, found, command, why)


def _probe(ctx: DoctorContext, builder: Builder, node: Node) -> tuple[_Probe, str] | None:
    """Reach a remote node's endpoint from here as buildx would (tcp://, unix://, ssh://)."""
    endpoint = node.endpoint
    if builder.driver != "remote" and not endpoint.startswith("ssh://"):
        return None
    opts = node.driver_opts
    timeout = ctx.connect_timeout_s
    if endpoint.startswith("ssh://"):
        checked = ctx.ssh_endpoint(endpoint, check_ssh_endpoint)
        fix = checked.fix.text if checked.fix is not None else ""
        # not contacted (not loopback): not a failure of the node
        ok = checked.status is not Status.FAILED
        return _Probe(ok, checked.found, fix), checked.command
    else:
        result = probe_endpoint(
            endpoint,
            cacert=opts.get("cacert", ""),
            cert=opts.get("cert", ""),
            key=opts.get("key", ""),
            servername=opts.get("servername", ""),
            timeout=timeout,
        )
        how = f"connect to {endpoint} (TLS with its cacert/cert/key)" if opts else ""
        how = how or f"connect to {endpoint}"
    if result is None:
        return None
    return _Probe(result.ok, result.summary, result.fix), how


@dataclass(frozen=True)
class _Probe:
    ok: bool
    summary: str
    fix: str


# -- TLS ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CertInfo:
    not_after: datetime
    names: tuple[str, ...]  # subject alternative names (DNS and IP)


def cert_time(text: str) -> datetime:
    """``Mar  1 12:00:00 2027 GMT`` (OpenSSL's notAfter) as an aware datetime."""
    return datetime.fromtimestamp(ssl.cert_time_to_seconds(text), UTC)


def _info(decoded: dict[str, object]) -> CertInfo | None:
    not_after = decoded.get("notAfter")
    if not isinstance(not_after, str):
        return None
    names: list[str] = []
    san = decoded.get("subjectAltName")
    for item in san if isinstance(san, tuple) else ():
        if isinstance(item, tuple) and len(item) == 2:
            names.append(str(item[1]))
    return CertInfo(cert_time(not_after), tuple(names))


def read_cert_file(path: str) -> CertInfo | str:
    """A PEM certificate file's expiry and names, or why it cannot be read. Uses CPython's own
    decoder (the ssl module's, as its test suite does): no third-party package."""
    decode = getattr(getattr(ssl, "_ssl", None), "_test_decode_cert", None)
    if decode is None:
        return "this Python cannot decode certificate files"
    try:
        decoded = decode(path)
    except (OSError, ssl.SSLError, ValueError) as exc:
        return f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}"
    info = _info(decoded) if isinstance(decoded, dict) else None
    return info if info is not None else f"{path} holds no certificate dates"


def server_cert(
    endpoint: str, cacert: str, cert: str, key: str, servername: str, timeout: float
) -> CertInfo | str:
    """The server certificate a TLS endpoint presents (verified with ``cacert``)."""
    parts = urlsplit(endpoint)
    host, port = parts.hostname or "", parts.port or 0
    if parts.scheme != "tcp" or not host or not port:
        return f"{endpoint} is not a tcp:// endpoint"
    try:
        ctx = ssl.create_default_context(cafile=cacert or None)
        if cert and key:
            ctx.load_cert_chain(cert, key)
        with (
            socket.create_connection((host, port), timeout=timeout) as raw,
            contextlib.closing(ctx.wrap_socket(raw, server_hostname=servername or host)) as tls,
        ):
            decoded = tls.getpeercert()
    except (OSError, ssl.SSLError, ValueError) as exc:
        return f"TLS with {host}:{port} failed: {exc}"
    info = _info(dict(decoded)) if decoded else None
    return info if info is not None else f"{host}:{port} sent no certificate dates"


def tls_results(ctx: DoctorContext) -> tuple[CheckResult, ...]:
    failure = ls_failure("tls", "TLS certificates", ctx)
    if failure is not None:
        return ()
    refresh = ctx.ls()
    assert refresh.ls is not None
    out: list[CheckResult] = []
    for builder in ctx.chosen_builders(refresh.ls):
        for node in builder.nodes:
            opts = node.driver_opts
            if not (opts.get("cacert") or opts.get("cert")):
                continue
            out.append(check_tls(ctx, builder, node))
    return tuple(out)


def _when(moment: datetime, now: datetime) -> tuple[Status, str]:
    day = moment.strftime("%Y-%m-%d")
    if moment <= now:
        return Status.FAILED, f"expired on {day}"
    left = moment - now
    if left < EXPIRY_WARNING:
        return Status.WARNING, f"expires on {day} (in {left.days} days)"
    return Status.PASSED, f"valid until {day}"


def check_tls(ctx: DoctorContext, builder: Builder, node: Node) -> CheckResult:
    opts = node.driver_opts
    key = f"tls:{builder.name}/{node.name}"
    title = f"TLS of {builder.name}/{node.name}"
    why = "an expired certificate or one without the endpoint's host name stops every build"
    now = ctx.clock()
    statuses: list[Status] = []
    parts: list[str] = []
    host = urlsplit(node.endpoint).hostname or ""
    served = server_cert(
        node.endpoint,
        opts.get("cacert", ""),
        opts.get("cert", ""),
        opts.get("key", ""),
        opts.get("servername", ""),
        ctx.connect_timeout_s,
    )
    if isinstance(served, str):
        statuses.append(Status.UNKNOWN)
        parts.append(f"server certificate: {served}")
    else:
        status, said = _when(served.not_after, now)
        name = opts.get("servername") or host
        if served.names and name not in served.names:
            status = Status.FAILED
            said += f"; not valid for {name!r}"
        statuses.append(status)
        parts.append(f"server certificate {said}, names {', '.join(served.names) or 'none'}")
    client = opts.get("cert", "")
    if client:
        info = read_cert_file(client)
        if isinstance(info, str):
            statuses.append(Status.UNKNOWN)
            parts.append(f"client certificate: {info}")
        else:
            status, said = _when(info.not_after, now)
            statuses.append(status)
            parts.append(f"client certificate {client} {said}")
    overall = worst(statuses)
    fix = None
    if overall in (Status.FAILED, Status.WARNING):
        fix = Fix(
            "Issue new certificates (server: with the endpoint's host name in its subject "
            "alternative names), then recreate the builder with them: docker buildx create "
            f"--name {builder.name} --driver remote --driver-opt cacert=…,cert=…,key=… "
            f"{node.endpoint}"
        )
    how = f"TLS handshake with {node.endpoint}" + (f"; read {client}" if client else "")
    return CheckResult(key, title, overall, "; ".join(parts), how, why, fix)

"""The remote driver's TLS files (cacert, cert, key), checked before buildx sees them.

buildx wants absolute paths and refuses a cert without its key (or any of them without cacert);
it reads the files as the user who runs docker. We also check that each exists, is readable,
holds PEM of the right kind (a swapped cert/key is told), and that the private key is not
readable by every user of the machine.
"""

from __future__ import annotations

import os
import shlex
import stat
from collections.abc import Callable

from buildx_tui.core.create.problem import CreateProblem, endpoint_scheme
from buildx_tui.core.paths import expand_user, look, reason, shown

Access = Callable[[str, int], bool]


def check_tls_files(
    cacert: str,
    cert: str,
    key: str,
    *,
    endpoint: str = "",
    access: Access = os.access,
) -> list[CreateProblem]:
    """The remote driver's TLS files: given together as buildx needs them, absolute, existing,
    readable, PEM of the right kind; the private key not readable by every user."""
    cacert, cert, key = cacert.strip(), cert.strip(), key.strip()
    if not (cacert or cert or key):
        return []
    out: list[CreateProblem] = []
    scheme = endpoint_scheme(endpoint.strip())
    if scheme is not None and scheme != "tcp":
        out.append(
            CreateProblem(
                "cacert",
                f"TLS files are used only for tcp:// endpoints, not {scheme}://",
                "warning",
            )
        )
    if bool(cert) != bool(key):
        missing = "key" if cert else "cert"
        out.append(
            CreateProblem(
                missing,
                "give the client certificate and its key together (buildx: tls enabled, but "
                f"missing keys {missing})",
            )
        )
    if not cacert:
        out.append(
            CreateProblem(
                "cacert",
                "with TLS buildx needs the CA certificate that signed the server's certificate "
                "(buildx: tls enabled, but missing keys cacert)",
            )
        )
    for field, path, kind in (
        ("cacert", cacert, "cert"),
        ("cert", cert, "cert"),
        ("key", key, "key"),
    ):
        if path:
            out.extend(_check_pem_file(field, path, kind, access))
    if cacert and cert and os.path.abspath(cacert) == os.path.abspath(cert):
        out.append(
            CreateProblem(
                "cacert",
                "the CA certificate and the client certificate are the same file; cacert must "
                "be the CA that signed the server's certificate",
            )
        )
    return out


def _check_pem_file(field: str, path: str, kind: str, access: Access) -> list[CreateProblem]:
    """One file; what the OS refuses (a name too long, a link loop, no permission) is said as a
    problem of the field, never raised."""
    what = {"cacert": "CA certificate", "cert": "client certificate", "key": "private key"}[field]
    name = shown(path)
    if not os.path.isabs(path):
        return [
            CreateProblem(
                field,
                f"buildx needs an absolute path for {field} (it refuses '{name}'): "
                f"{shown(os.path.abspath(expand_user(path)))}",
            )
        ]
    found = look(path)
    if found.missing:
        return [CreateProblem(field, f"{what}: {name} does not exist")]
    if found.st is None:
        return [CreateProblem(field, f"{what}: {found.problem()}")]
    st = found.st
    if not stat.S_ISREG(st.st_mode):
        return [CreateProblem(field, f"{what}: {name} is not a regular file")]
    try:
        readable = access(path, os.R_OK)
    except (OSError, ValueError):
        readable = False
    if not readable:
        return [
            CreateProblem(
                field,
                f"{what}: {name} is not readable by you; buildx reads it as the user who runs "
                "docker",
            )
        ]
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except (OSError, ValueError) as exc:
        return [CreateProblem(field, f"{what}: cannot read {name}: {reason(exc)}")]
    holds_key = b"PRIVATE KEY-----" in head
    holds_cert = b"-----BEGIN CERTIFICATE-----" in head
    out: list[CreateProblem] = []
    if kind == "key" and not holds_key:
        if holds_cert:
            out.append(
                CreateProblem(
                    field,
                    f"{name} looks like a certificate (BEGIN CERTIFICATE), not a private key: "
                    "cert and key swapped?",
                )
            )
        else:
            out.append(CreateProblem(field, f"{name} is not a PEM private key"))
    if kind == "cert" and not holds_cert:
        if holds_key:
            out.append(
                CreateProblem(
                    field,
                    f"{name} looks like a private key (BEGIN … PRIVATE KEY), not a certificate: "
                    "cert and key swapped?",
                )
            )
        else:
            out.append(CreateProblem(field, f"{name} is not a PEM certificate"))
    # Said of the file that holds a key, whichever field names it (never of a certificate).
    if holds_key and st.st_mode & stat.S_IROTH:
        out.append(
            CreateProblem(
                field,
                f"the private key {name} is readable by every user of this machine (mode "
                f"{stat.S_IMODE(st.st_mode):04o}); protect it first: chmod 600 {shlex.quote(path)}",
            )
        )
    return out

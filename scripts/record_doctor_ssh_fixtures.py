#!/usr/bin/env python3
"""Record what `ssh` really says for the doctor's ssh:// endpoint check
(tests/fixtures/local/doctor-ssh-*).

The product runs the `ssh` found on PATH, as the docker CLI's ssh connection helper does, so it
honours the user's ssh config. Here every case gets its own PATH with an `ssh` wrapper that runs
/usr/bin/ssh with `-F CONFIG` (the lab's own wrapper does the same with the lab's config), so
nothing reads or changes ~/.ssh:

- `ssh -G` (the effective config, no connection) for the lab endpoint, a Host alias of a
  temporary config (HostName 127.0.0.1, Port, User, IdentityFile), an alias that goes through a
  ProxyJump and an alias whose HostName is not loopback (never contacted: -G only);
- the doctor's connection (`ssh -l USER -p PORT -o BatchMode=yes -o ConnectTimeout=5 -T --
  HOST "docker version --format '{{.Server.Version}}'"`) to the lab sshd: OK; a closed port; a
  key the server does not accept; a host key not in known_hosts; a host key that changed;
- and, from a private sshd this script starts on 127.0.0.1 (its own host key, client key and
  config; stopped at the end): a remote without docker on its PATH, a remote user without
  permission on the engine's socket (the command runs as `nobody`), and a remote where nothing
  listens on the socket.

Rewrites its own section of tests/fixtures/local/INDEX.md. Never edit the recordings: run this.

    .venv/bin/python scripts/record_doctor_ssh_fixtures.py
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record_create_fixtures import OUT, lab, write_index

HEADING = "### Doctor: ssh:// endpoints (ssh -G, the doctor's connection), recorded on the e2e lab"
REMOTE = "docker version --format '{{.Server.Version}}'"
REAL_SSH = "/usr/bin/ssh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "doctor-ssh-rec", "-f", str(path)],
        check=True,
    )


class Recorder:
    def __init__(self, tmp: Path, lab_ssh: Path) -> None:
        self.tmp = tmp
        self.lab_ssh = lab_ssh  # the lab's ssh dir (its key, known_hosts, ssh_config)
        self.rows: list[str] = []
        version = subprocess.run([REAL_SSH, "-V"], capture_output=True, text=True)
        self.versions = version.stderr.strip()

    def wrapper(self, name: str, config: str) -> dict[str, str]:
        """An environment whose `ssh` is /usr/bin/ssh -F <config>."""
        d = self.tmp / name
        (d / "bin").mkdir(parents=True, exist_ok=True)
        (d / "config").write_text(config, encoding="utf-8")
        ssh = d / "bin" / "ssh"
        ssh.write_text(f'#!/bin/sh\nexec {REAL_SSH} -F {d / "config"} "$@"\n', encoding="utf-8")
        ssh.chmod(0o755)
        env = dict(os.environ)
        env["PATH"] = f"{d / 'bin'}{os.pathsep}{env.get('PATH', os.defpath)}"
        return env

    def record(
        self, argv: list[str], env: dict[str, str], file: str, expect: int, note: str
    ) -> None:
        proc = subprocess.run(
            argv, env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
        )
        if proc.returncode != expect:
            raise SystemExit(f"{argv}: exit {proc.returncode}, expected {expect}\n{proc.stderr}")
        for stream, text in (("stdout", proc.stdout), ("stderr", proc.stderr)):
            if text or stream == "stdout":
                name = f"{file}.{stream}"
                (OUT / name).write_text(text.replace(str(self.tmp), "$TMP"), encoding="utf-8")
                when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                command = shlex.join(argv).replace(str(self.tmp), "$TMP")
                self.rows.append(
                    f"| {name} | {stream} | `{command}   ({note})` | {proc.returncode} "
                    f"| {self.versions} | {when} |"
                )


def connect(user: str, port: int | None, host: str) -> list[str]:
    """The doctor's connection argv (core/doctor/ssh.py connect_argv, timeout 5)."""
    argv = ["ssh"]
    if user:
        argv += ["-l", user]
    if port:
        argv += ["-p", str(port)]
    return [*argv, "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-T", "--", host, REMOTE]


def resolve(user: str, port: int | None, host: str) -> list[str]:
    argv = ["ssh", "-G"]
    if user:
        argv += ["-l", user]
    if port:
        argv += ["-p", str(port)]
    return [*argv, "--", host]


def lab_config(lab_ssh: Path, known_hosts: Path | None = None) -> str:
    return (
        "Host *\n"
        f"  IdentityFile {lab_ssh / 'id_ed25519'}\n"
        "  IdentitiesOnly yes\n"
        f"  UserKnownHostsFile {known_hosts or lab_ssh / 'known_hosts'}\n"
        "  GlobalKnownHostsFile /dev/null\n"
        "  CheckHostIP no\n"
        "  LogLevel ERROR\n"
    )


def start_sshd(
    tmp: Path, name: str, extra: str, client_pub: str
) -> tuple[subprocess.Popen[bytes], int, Path]:
    d = tmp / f"sshd-{name}"
    d.mkdir()
    host_key = d / "host_key"
    keygen(host_key)
    (d / "authorized_keys").write_text(client_pub, encoding="utf-8")
    port = free_port()
    (d / "sshd_config").write_text(
        f"ListenAddress 127.0.0.1:{port}\n"
        f"HostKey {host_key}\n"
        f"PidFile {d / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {d / 'authorized_keys'}\n"
        "AuthenticationMethods publickey\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "PermitRootLogin prohibit-password\n"
        "AllowUsers root\n"
        "UsePAM no\n"
        "StrictModes no\n"
        "PrintMotd no\n"
        "UseDNS no\n"
        f"{extra}",
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        ["/usr/sbin/sshd", "-D", "-e", "-f", str(d / "sshd_config")],
        stdout=subprocess.DEVNULL,
        stderr=open(d / "sshd.log", "wb"),  # noqa: SIM115
    )
    for _ in range(50):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    else:
        proc.kill()
        raise SystemExit(f"sshd {name} did not start: {(d / 'sshd.log').read_text()}")
    return proc, port, host_key


def main() -> int:
    info = lab()
    lab_ssh = Path(str(info["lab_dir"])) / "ssh"
    endpoint = str(info["ssh_endpoints"][0])  # type: ignore[index]
    lab_port = int(endpoint.rsplit(":", 1)[1])
    docker_host, docker_config = str(info["docker_host"]), str(info["docker_config"])
    with tempfile.TemporaryDirectory(prefix="doctor-ssh-rec-") as tmpdir:
        tmp = Path(tmpdir)
        r = Recorder(tmp, lab_ssh)
        good = r.wrapper("lab", lab_config(lab_ssh))
        r.record(resolve("root", lab_port, "127.0.0.1"), good, "doctor-ssh-G-lab", 0,
                 "lab config")  # fmt: skip
        r.record(connect("root", lab_port, "127.0.0.1"), good, "doctor-ssh-ok", 0, "lab sshd")
        alias = r.wrapper(
            "alias",
            "Host lab-alias\n"
            "  HostName 127.0.0.1\n"
            f"  Port {lab_port}\n"
            "  User root\n"
            "Host far-alias\n"
            "  HostName build.example.com\n"
            "  User builder\n"
            "  Port 2200\n"
            "Host jump-alias\n"
            "  HostName 127.0.0.1\n"
            "  ProxyJump bastion.example.com\n" + lab_config(lab_ssh),
        )
        r.record(resolve("", None, "lab-alias"), alias, "doctor-ssh-G-alias", 0, "Host alias")
        r.record(connect("", None, "lab-alias"), alias, "doctor-ssh-ok-alias", 0, "Host alias")
        r.record(resolve("", None, "far-alias"), alias, "doctor-ssh-G-far", 0,
                 "alias to a non-loopback host: -G only, never contacted")  # fmt: skip
        r.record(resolve("", None, "jump-alias"), alias, "doctor-ssh-G-jump", 0,
                 "alias through a ProxyJump: -G only")  # fmt: skip
        closed = free_port()
        r.record(connect("root", closed, "127.0.0.1"), good, "doctor-ssh-closed", 255,
                 "nothing listens on the port")  # fmt: skip
        other = tmp / "other_key"
        keygen(other)
        refused = r.wrapper("refused", lab_config(lab_ssh).replace(
            str(lab_ssh / "id_ed25519"), str(other)))  # fmt: skip
        r.record(connect("root", lab_port, "127.0.0.1"), refused, "doctor-ssh-key-refused", 255,
                 "a key the server does not accept")  # fmt: skip
        empty = tmp / "known_hosts_empty"
        empty.write_text("", encoding="utf-8")
        unknown = r.wrapper("unknown", lab_config(lab_ssh, empty))
        r.record(connect("root", lab_port, "127.0.0.1"), unknown, "doctor-ssh-hostkey-unknown",
                 255, "empty known_hosts")  # fmt: skip
        changed_key = tmp / "changed_host_key"
        keygen(changed_key)
        changed = tmp / "known_hosts_changed"
        pub = " ".join(changed_key.with_suffix(".pub").read_text().split()[:2])
        changed.write_text(f"[127.0.0.1]:{lab_port} {pub}\n", encoding="utf-8")
        moved = r.wrapper("changed", lab_config(lab_ssh, changed))
        r.record(connect("root", lab_port, "127.0.0.1"), moved, "doctor-ssh-hostkey-changed",
                 255, "known_hosts holds another key for the host")  # fmt: skip

        client = tmp / "client_key"
        keygen(client)
        client_pub = client.with_suffix(".pub").read_text()
        cases = {
            "no-docker": ("SetEnv PATH=/nonexistent-doctor-ssh\n", "remote PATH without docker"),
            "socket-denied": (
                f"SetEnv DOCKER_HOST={docker_host} DOCKER_CONFIG={docker_config}\n"
                "ForceCommand setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "
                '"$SSH_ORIGINAL_COMMAND"\n',
                "the remote command runs as nobody: no permission on the engine's socket",
            ),
            "engine-down": (
                f"SetEnv DOCKER_HOST=unix://{tmp}/no-engine.sock\n",
                "nothing listens on the remote engine socket",
            ),
        }
        started: list[subprocess.Popen[bytes]] = []
        try:
            for name, (extra, note) in cases.items():
                proc, port, host_key = start_sshd(tmp, name, extra, client_pub)
                started.append(proc)
                known = tmp / f"known_{name}"
                host_pub = " ".join(host_key.with_suffix(".pub").read_text().split()[:2])
                known.write_text(f"[127.0.0.1]:{port} {host_pub}\n", encoding="utf-8")
                env = r.wrapper(
                    f"client-{name}",
                    lab_config(lab_ssh, known).replace(str(lab_ssh / "id_ed25519"), str(client)),
                )
                expect = 127 if name == "no-docker" else 1
                r.record(connect("root", port, "127.0.0.1"), env, f"doctor-ssh-{name}", expect,
                         note)  # fmt: skip
        finally:
            for proc in started:
                proc.terminate()
                proc.wait(timeout=10)
        record_ls(r, info, endpoint)
    write_index(r.rows, HEADING, SECTION)
    return 0


BUILDER = "doctor-ssh-rec"


def record_ls(r: Recorder, info: dict[str, object], endpoint: str) -> None:
    """`buildx ls --format json` with a docker-container builder of ours on the lab's ssh://
    endpoint (created without --bootstrap, removed at the end), the lab's ssh wrapper on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "BUILDX_"))}
    env["DOCKER_HOST"] = str(info["docker_host"])
    env["DOCKER_CONFIG"] = str(info["docker_config"])
    env["PATH"] = f"{info['path_prepend']}{os.pathsep}{env.get('PATH', os.defpath)}"
    docker = str(info["docker"])
    subprocess.run([docker, "buildx", "rm", BUILDER], env=env, capture_output=True)
    made = subprocess.run(
        [docker, "buildx", "create", "--name", BUILDER, "--driver", "docker-container", endpoint],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if made.returncode != 0:
        raise SystemExit(f"create {BUILDER}: {made.stderr}")
    try:
        r.record([docker, "buildx", "ls", "--format", "json"], env, "doctor-ssh-ls", 0,
                 f"with {BUILDER}, a docker-container builder on {endpoint}")  # fmt: skip
    finally:
        subprocess.run([docker, "buildx", "rm", BUILDER], env=env, capture_output=True)


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_doctor_ssh_fixtures.py` (run it again to refresh; do not edit\n"
    "the files). Each case runs with its own `ssh` wrapper (`/usr/bin/ssh -F $TMP/<case>/config`)\n"
    "first on PATH; `$TMP` stands for the temporary directory. The no-docker, socket-denied and\n"
    "engine-down cases talk to a private sshd on 127.0.0.1 that the script starts and stops.\n\n"
)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""OCI runtime wrapper for the buildx-tui lab: drop capabilities the host cannot grant, exec runc.

Why this exists (the "capability trap"): the VMs this project runs on have a capability bounding
set without CAP_SYS_RESOURCE (see `CapBnd` in /proc/self/status). `docker run --privileged` asks
runc for *every* capability, and every docker-container buildx builder is such a privileged
container, so runc fails with `unable to apply caps: operation not permitted`. dockerd cannot be
told to leave one capability out of a privileged container, so `scripts/lab` registers this wrapper
as the lab dockerd's default runtime (and as the host buildkitd's OCI worker binary). For
`runc create|run` it removes from the bundle's config.json, and for `runc exec --process FILE` from
that process.json, every capability missing from the wrapper's own bounding set, then execs the
real runc with the same argv. A process cannot pass on a capability outside its bounding set
anyway, so nothing is lost; ordinary containers ask for fewer capabilities and pass untouched.

`scripts/lab up` installs this file as <lab>/bin/runc-capfilter with the @@...@@ markers filled in.
Python stdlib only; it must stay fast (runc is invoked many times per container).
"""

import json
import os
import sys

REAL_RUNC = "@@REAL_RUNC@@"
LOG_FILE = "@@LOG_FILE@@"

# Linux capability numbers (include/uapi/linux/capability.h).
CAP_NUMBERS = {
    "CAP_CHOWN": 0,
    "CAP_DAC_OVERRIDE": 1,
    "CAP_DAC_READ_SEARCH": 2,
    "CAP_FOWNER": 3,
    "CAP_FSETID": 4,
    "CAP_KILL": 5,
    "CAP_SETGID": 6,
    "CAP_SETUID": 7,
    "CAP_SETPCAP": 8,
    "CAP_LINUX_IMMUTABLE": 9,
    "CAP_NET_BIND_SERVICE": 10,
    "CAP_NET_BROADCAST": 11,
    "CAP_NET_ADMIN": 12,
    "CAP_NET_RAW": 13,
    "CAP_IPC_LOCK": 14,
    "CAP_IPC_OWNER": 15,
    "CAP_SYS_MODULE": 16,
    "CAP_SYS_RAWIO": 17,
    "CAP_SYS_CHROOT": 18,
    "CAP_SYS_PTRACE": 19,
    "CAP_SYS_PACCT": 20,
    "CAP_SYS_ADMIN": 21,
    "CAP_SYS_BOOT": 22,
    "CAP_SYS_NICE": 23,
    "CAP_SYS_RESOURCE": 24,
    "CAP_SYS_TIME": 25,
    "CAP_SYS_TTY_CONFIG": 26,
    "CAP_MKNOD": 27,
    "CAP_LEASE": 28,
    "CAP_AUDIT_WRITE": 29,
    "CAP_AUDIT_CONTROL": 30,
    "CAP_SETFCAP": 31,
    "CAP_MAC_OVERRIDE": 32,
    "CAP_MAC_ADMIN": 33,
    "CAP_SYSLOG": 34,
    "CAP_WAKE_ALARM": 35,
    "CAP_BLOCK_SUSPEND": 36,
    "CAP_AUDIT_READ": 37,
    "CAP_PERFMON": 38,
    "CAP_BPF": 39,
    "CAP_CHECKPOINT_RESTORE": 40,
}

# runc global options that take a value (they come before the subcommand).
GLOBAL_WITH_VALUE = {"--root", "--log", "--log-format", "--criu", "--rootless"}


def bounding_set() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapBnd:"):
                return int(line.split()[1], 16)
    return (1 << 64) - 1


def allowed(name: str, bnd: int) -> bool:
    num = CAP_NUMBERS.get(name.upper())
    return num is None or bool(bnd >> num & 1)  # unknown names: let runc decide


def filter_caps(caps: object, bnd: int) -> list[str]:
    """Filter a `capabilities` object in place; return the names removed."""
    removed: set[str] = set()
    if isinstance(caps, dict):
        for key, value in caps.items():
            if isinstance(value, list):
                keep = [c for c in value if allowed(str(c), bnd)]
                removed.update(str(c) for c in value if c not in keep)
                caps[key] = keep
    return sorted(removed)


def rewrite(path: str, get_caps, bnd: int) -> None:
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return  # let runc report the real problem
    removed = filter_caps(get_caps(doc), bnd)
    if not removed:
        return
    tmp = f"{path}.capfilter.tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f)
    os.chmod(tmp, os.stat(path).st_mode & 0o7777)
    os.replace(tmp, path)
    try:
        with open(LOG_FILE, "a") as log:
            log.write(f"{os.path.basename(sys.argv[0])}: {path}: removed {' '.join(removed)}\n")
    except OSError:
        pass


def option_value(args: list[str], names: tuple[str, ...]) -> str | None:
    for i, arg in enumerate(args):
        if arg in names and i + 1 < len(args):
            return args[i + 1]
        for name in names:
            if name.startswith("--") and arg.startswith(name + "="):
                return arg[len(name) + 1 :]
    return None


def main() -> None:
    args = sys.argv[1:]
    i = 0
    while i < len(args) and args[i].startswith("-"):
        opt = args[i]
        i += 1 if "=" in opt or opt not in GLOBAL_WITH_VALUE else 2
    command = args[i] if i < len(args) else ""
    rest = args[i + 1 :]
    try:
        if command in ("create", "run"):
            bundle = option_value(rest, ("--bundle", "-b")) or os.getcwd()
            rewrite(
                os.path.join(bundle, "config.json"),
                lambda d: d.get("process", {}).get("capabilities"),
                bounding_set(),
            )
        elif command == "exec":
            process = option_value(rest, ("--process", "-p"))
            if process:
                rewrite(process, lambda d: d.get("capabilities"), bounding_set())
    except Exception as exc:  # never block runc because of the wrapper itself
        print(f"runc-capfilter: {exc}", file=sys.stderr)
    os.execv(REAL_RUNC, [REAL_RUNC, *args])


if __name__ == "__main__":
    main()

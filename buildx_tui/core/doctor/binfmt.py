"""The local machine's binfmt_misc handlers (``/proc/sys/fs/binfmt_misc``): which foreign
architectures the kernel hands to QEMU, and whether with the ``F`` flag that containers need
(the interpreter is opened when registered, so it works inside a container's root file system).

Read from a directory path passed in, so that tests read the lab's recorded entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from buildx_tui.core.platforms import Platform

BINFMT_DIR = "/proc/sys/fs/binfmt_misc"

#: The seeds' fix: register QEMU for every architecture, with the F flag (needs a privileged run).
INSTALL_ARGV: tuple[str, ...] = (
    "run", "--privileged", "--rm", "tonistiigi/binfmt", "--install", "all",
)  # fmt: skip

#: A platform's architecture -> the QEMU name in handler names (qemu-aarch64, qemu-arm …).
QEMU_ARCH = {
    "amd64": "x86_64",
    "386": "i386",
    "arm64": "aarch64",
    "arm": "arm",
    "riscv64": "riscv64",
    "ppc64le": "ppc64le",
    "ppc64": "ppc64",
    "s390x": "s390x",
    "mips64le": "mips64el",
    "mips64": "mips64",
    "mipsle": "mipsel",
    "mips": "mips",
    "loong64": "loongarch64",
}


@dataclass(frozen=True)
class Handler:
    name: str  # file name, e.g. qemu-aarch64
    enabled: bool
    interpreter: str
    flags: str

    @property
    def fix_binary(self) -> bool:
        """The ``F`` flag: the interpreter is opened at registration (containers need it)."""
        return "F" in self.flags


@dataclass(frozen=True)
class Binfmt:
    """What the directory holds; ``error`` when it could not be read (not mounted, not Linux)."""

    directory: str
    handlers: tuple[Handler, ...] = ()
    enabled: bool = True  # the ``status`` file: binfmt_misc as a whole
    error: str = ""

    def for_platform(self, plat: Platform) -> Handler | None:
        """The handler for ``plat``'s architecture (qemu-<arch>, or any other name with it)."""
        qemu = QEMU_ARCH.get(plat.arch, plat.arch)
        exact = next((h for h in self.handlers if h.name == f"qemu-{qemu}"), None)
        if exact is not None:
            return exact
        return next((h for h in self.handlers if h.name.endswith(f"-{qemu}")), None)


def parse_handler(name: str, text: str) -> Handler:
    """One entry file: ``enabled``, ``interpreter …``, ``flags: PF``, ``offset``, ``magic``."""
    enabled = False
    interpreter = ""
    flags = ""
    for line in text.splitlines():
        line = line.strip()
        if line in ("enabled", "disabled"):
            enabled = line == "enabled"
        elif line.startswith("interpreter "):
            interpreter = line.split(" ", 1)[1].strip()
        elif line.startswith("flags:"):
            flags = line.split(":", 1)[1].strip()
    return Handler(name, enabled, interpreter, flags)


def read_binfmt(directory: str = BINFMT_DIR) -> Binfmt:
    """Every handler in ``directory``; never raises (an unreadable folder gives ``error``)."""
    root = Path(directory)
    try:
        names = sorted(p.name for p in root.iterdir())
    except OSError as exc:
        return Binfmt(directory, error=f"cannot read {directory}: {exc.strerror or exc}")
    handlers: list[Handler] = []
    enabled = True
    for name in names:
        if name == "register":
            continue
        try:
            text = (root / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if name == "status":
            enabled = text.strip() != "disabled"
            continue
        handlers.append(parse_handler(name, text))
    if not handlers and "status" not in names:
        return Binfmt(directory, error=f"{directory} is empty: binfmt_misc is not mounted")
    return Binfmt(directory, tuple(handlers), enabled)

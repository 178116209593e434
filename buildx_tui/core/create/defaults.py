"""What a new builder starts with: the wizard's first draft from the user's settings, and a
builder's driver options read into the draft's fields (also used when a builder is recreated).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from buildx_tui.core.create.draft import CreateDraft
from buildx_tui.core.create.drivers import Driver, parse_driver


def new_draft(
    driver: str = "docker-container",
    driver_opts: Sequence[str] = (),
    bootstrap: bool = True,
    use: bool = True,
    *,
    name: str = "",
    append: bool = False,
) -> CreateDraft:
    """The wizard's draft for a new builder (or a node appended to ``name``) with the defaults
    of settings.toml's [create]: its driver, driver options (``key=value``: those the wizard has
    a field for go there, the others to its extra options), --bootstrap and --use.

    An appended node keeps its builder's driver (and the wizard reads that builder's options),
    so only --bootstrap and --use apply then.
    """
    draft = CreateDraft(name=name, append=append, bootstrap=bootstrap, use=use)
    if append:
        return draft
    draft.driver = driver
    opts: dict[str, str] = {}
    for opt in driver_opts:
        key, _, value = opt.partition("=")
        opts[key.strip()] = value
    if opts:
        fill_driver_opts(draft, parse_driver(draft.driver), opts)
    return draft


def fill_driver_opts(draft: CreateDraft, kind: Driver | None, opts: dict[str, str]) -> None:
    """The driver options into the draft's fields; those without a field go to extra_opts."""

    def take(key: str) -> str:
        return opts.pop(key, "")

    if kind == Driver.DOCKER_CONTAINER:
        draft.image = take("image")
        network = take("network")
        draft.network_host = network == "host"
        if network and network != "host":
            opts["network"] = network
        draft.memory = take("memory")
        draft.cpuset_cpus = take("cpuset-cpus")
    elif kind == Driver.KUBERNETES:
        draft.image = take("image")
        draft.namespace = take("namespace")
        draft.replicas = take("replicas")
    elif kind == Driver.REMOTE:
        draft.cacert, draft.cert = take("cacert"), take("cert")
        draft.key, draft.servername = take("key"), take("servername")
    if kind in (Driver.DOCKER_CONTAINER, Driver.KUBERNETES):
        env = sorted(k for k in opts if k.startswith("env."))
        draft.env = " ".join(shlex.quote(f"{k[4:]}={opts.pop(k)}") for k in env)
    draft.extra_opts = " ".join(shlex.quote(f"{k}={v}") for k, v in sorted(opts.items()))

#!/usr/bin/env python3
"""Record the real output of the build form's Dockerfile insight (tests/fixtures/local/form-call-*):
`docker buildx build --call=check|outline|targets,format=json`, run with the exact argv the form
runs (buildx_tui/core/build/calls.py: call_argv), on Dockerfiles written here: one with lint
warnings, documented ARGs with defaults and described stages; a clean one; a syntax error; a
missing Dockerfile; and the lab's `default` builder (the docker driver on dockerd 20.10).

Runs against the e2e lab (`scripts/lab up` first) on its `lab-container` builder (only read:
a call builds nothing) and `default`. The Dockerfiles go into a temporary folder (`$TMP`).
Rewrites its own section of tests/fixtures/local/INDEX.md. Never edit the recordings: run this
again.

    .venv/bin/python scripts/record_form_call_fixtures.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from record_bake_fixtures import Recorder
from record_create_fixtures import lab, write_index

from buildx_tui.core.build.calls import Call, call_argv
from buildx_tui.core.build.spec import BuildSpec

HEADING = "### Build form: Dockerfile insight (build --call=check|outline|targets), on the e2e lab"
BUILDER = "lab-container"

#: Lint warnings (FromAsCasing line 11, JSONArgsRecommended line 26), documented ARGs with
#: defaults (BASE, VERSION) and one without (FAST), stages described by the comment above them.
APP_DOCKERFILE = """\
# BASE is the image every stage starts from
ARG BASE=127.0.0.1:5000/busybox:latest

# deps fetches the tool the others use
FROM ${BASE} AS deps
# VERSION of the tool to fetch
ARG VERSION=1.2.3
RUN echo "$VERSION" > /version

# test runs the tests against deps
FROM deps as test
# FAST skips the slow tests
ARG FAST
RUN echo "test fast=$FAST"

# debug is release with a shell to look around
FROM ${BASE} AS debug
COPY --from=deps /version /version

# release is the image we ship
FROM ${BASE} AS release
# GREETING printed when the image starts
ARG GREETING=hello
COPY --from=deps /version /version
ENV GREETING=${GREETING}
ENTRYPOINT echo $GREETING
"""

CLEAN_DOCKERFILE = """\
FROM 127.0.0.1:5000/busybox:latest AS base
ARG NAME=world
RUN echo "hello $NAME" > /hello
"""

SYNTAX_DOCKERFILE = """\
FROM 127.0.0.1:5000/busybox:latest
RUN echo fine
RUNN echo typo
"""

FILES = {
    "app/Dockerfile": APP_DOCKERFILE,
    "clean/Dockerfile": CLEAN_DOCKERFILE,
    "syntax/Dockerfile": SYNTAX_DOCKERFILE,
    "nofile/README": "a context without a Dockerfile\n",
}


def spec(**kw: object) -> BuildSpec:
    base: dict[str, object] = {"builder": BUILDER, "context": "."}
    base.update(kw)
    return BuildSpec(**base)  # type: ignore[arg-type]


def record_all(r: Recorder) -> None:
    check, outline, targets = Call.CHECK, Call.OUTLINE, Call.TARGETS
    cases: list[tuple[str, BuildSpec, Call, str, int]] = [
        # (folder, spec, call, stem, expected exit)
        ("app", spec(), check, "form-call-check-warnings", 1),
        ("app", spec(target="test"), check, "form-call-check-warnings-target", 1),
        ("clean", spec(), check, "form-call-check-clean", 0),
        ("syntax", spec(), check, "form-call-check-syntax", 1),
        ("nofile", spec(), check, "form-call-check-missing", 1),
        ("app", spec(dockerfile="nosuch.Dockerfile"), check, "form-call-check-missing-f", 1),
        ("app", spec(), outline, "form-call-outline", 0),
        ("app", spec(target="test"), outline, "form-call-outline-test", 0),
        ("app", spec(target="nosuch"), outline, "form-call-outline-bad-target", 1),
        ("app", spec(), targets, "form-call-targets", 0),
        ("syntax", spec(), targets, "form-call-targets-syntax", 1),
        ("app", spec(builder="default"), check, "form-call-check-default-builder", 1),
        ("app", spec(builder="default"), outline, "form-call-outline-default-builder", 1),
        ("app", spec(builder="default"), targets, "form-call-targets-default-builder", 1),
    ]
    for folder, s, call, stem, code in cases:
        r.record(call_argv(s, call), cwd=folder, stem=stem, expect=code)


def main() -> int:
    info = lab()
    with tempfile.TemporaryDirectory(prefix="formcall-") as tmpdir:
        tmp = Path(tmpdir)
        for rel, text in FILES.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        r = Recorder(info, tmp)
        record_all(r)
    write_index(r.rows, HEADING, SECTION)
    return 0


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_form_call_fixtures.py` (run it again to refresh; do not edit\n"
    "the files). `$TMP` stands for its temporary folder: `app/Dockerfile` (lint warnings,\n"
    "documented ARGs, described stages), `clean/`, `syntax/` (`RUNN` on line 3), `nofile/`\n"
    "(no Dockerfile). Builder `lab-container` (BuildKit v0.32.2); the rows on `default` ran\n"
    "on dockerd 20.10.24's built-in BuildKit, whatever the versions column says.\n\n"
)


if __name__ == "__main__":
    sys.exit(main())

"""The build UI tests' fake backend itself (tests/helpers/build_backend.py)."""

from __future__ import annotations

import threading

from buildx_tui.core.docker.types import CommandResult
from tests.helpers.build_backend import BuildBackend, BuildReply, build_key, push_spec


def test_build_backend_streams_writes_metadata_and_cancels(tmp_path):
    spec = push_spec()
    reply = BuildReply(
        "buildx/build-multiplatform-rawjson.stderr", 0, "buildx/build-metadata-file.metadata.json"
    )
    backend = BuildBackend(builds={build_key(spec): reply})
    meta = tmp_path / "m.json"
    seen: list[str] = []
    result = backend.run(
        spec.argv(progress="rawjson", metadata_file=str(meta)), on_line=seen.append
    )
    assert result.ok and len(seen) == 66
    assert "494a0d7f" in meta.read_text()

    paused = BuildReply("buildx/build-cancelled-rawjson.stderr", pause_after=5)
    backend = BuildBackend(builds={build_key(spec): paused})
    token = object()
    out: list[CommandResult] = []
    t = threading.Thread(
        target=lambda: out.append(
            backend.run(spec.argv(progress="rawjson", metadata_file="x"), token=token)
        )
    )
    t.start()
    while not backend.cancel(token):
        pass
    t.join(5)
    assert out[0].cancelled and out[0].returncode == 130

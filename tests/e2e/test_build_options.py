"""The build form's advanced options against the real lab: secrets read by
`RUN --mount=type=secret` (from a file and from a variable), a local cache export and a label /
annotation, driven through the form on lab-container. What the build wrote is read back from the
OCI tarball and the cache folder with the standard library (not our code); the secrets' values
must appear nowhere: not on screen, in the command log, the build's output or the saved history.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, RadioButton, TextArea

from buildx_tui.core.build.history import History
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.build.advanced_options import AdvancedOptions
from buildx_tui.ui.build.progress import BuildProgressScreen
from buildx_tui.ui.common.command_log import CommandLog
from buildx_tui.ui.common.platform_picker import checkbox_id
from tests.helpers.e2e_build import SIZE, context, open_form, wait_build
from tests.helpers.e2e_lab import client_for

from .conftest import Lab

DOCKERFILE = """FROM busybox
RUN --mount=type=secret,id=token,required=true --mount=type=secret,id=envtok,required=true \\
    sha256sum /run/secrets/token /run/secrets/envtok > /secrets.sha256
"""
LABEL = ("org.opencontainers.image.title", "buildx-tui e2e options")
ANNOTATION = "manifest:org.example.buildx-tui.note=advanced options"


def oci_blob(tar: tarfile.TarFile, digest: str) -> bytes:
    algo, hexdigest = digest.split(":", 1)
    member = tar.extractfile(f"blobs/{algo}/{hexdigest}")
    assert member is not None, digest
    return member.read()


def oci_image(path: Path) -> tuple[dict, dict, dict[str, bytes]]:
    """The linux/amd64 image manifest, its config and its files, from an OCI layout tarball
    (descending through indexes; attestation manifests are skipped)."""
    with tarfile.open(path) as tar:
        index_file = tar.extractfile("index.json")
        assert index_file is not None
        todo = list(json.load(index_file)["manifests"])
        while todo:
            desc = todo.pop(0)
            doc = json.loads(oci_blob(tar, desc["digest"]))
            if "manifests" in doc:
                todo += doc["manifests"]
                continue
            if desc.get("platform", {}).get("architecture") not in (None, "amd64"):
                continue
            if desc.get("annotations", {}).get("vnd.docker.reference.type"):
                continue  # an attestation manifest
            config = json.loads(oci_blob(tar, doc["config"]["digest"]))
            files: dict[str, bytes] = {}
            for layer in doc["layers"]:
                with tarfile.open(fileobj=io.BytesIO(oci_blob(tar, layer["digest"]))) as lt:
                    for member in lt.getmembers():
                        handle = lt.extractfile(member) if member.isfile() else None
                        if handle is not None:
                            files[member.name.lstrip("./")] = handle.read()
            return doc, config, files
    raise AssertionError(f"no linux/amd64 image in {path}")


async def test_secret_cache_to_and_label_through_the_form(lab: Lab, tmp_path, monkeypatch):
    marker = uuid.uuid4().hex
    file_value = f"file-secret-{marker}"
    env_value = f"env-secret-{marker}"
    secret_file = tmp_path / "token.txt"
    secret_file.write_text(file_value)
    monkeypatch.setenv("BXT_E2E_ENV_TOKEN", env_value)  # the docker CLI runs with the app's env
    ctx = context(tmp_path, DOCKERFILE)
    out = tmp_path / "image.oci.tar"
    cache = tmp_path / "cache"
    history = History(tmp_path / "data")
    app = BuildxApp(client_for(lab), refresh_interval=0, history=history)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, "lab-container")
        form.query_one("#context", Input).value = str(ctx)
        form.query_one("#" + checkbox_id("linux/amd64"), Checkbox).value = True
        form.query_one("#out-oci", RadioButton).value = True
        form.query_one("#dest", Input).value = str(out)
        form.query_one("#no-cache", Checkbox).value = True
        form.query_one(AdvancedOptions).collapsed = False
        options = {
            "#secrets": f"id=token,src={secret_file}\nid=envtok,env=BXT_E2E_ENV_TOKEN",
            "#cache-to": f"type=local,dest={cache},mode=max",
            "#labels": "=".join(LABEL),
            "#annotations": ANNOTATION,
        }
        for selector, value in options.items():
            form.query_one(selector, TextArea).text = value
        await pilot.pause()
        assert form.spec == BuildSpec(
            builder="lab-container",
            context=str(ctx),
            platforms=("linux/amd64",),
            output=Output.OCI,
            dest=str(out),
            no_cache=True,
            secrets=(f"id=token,src={secret_file}", "id=envtok,env=BXT_E2E_ENV_TOKEN"),
            cache_to=(f"type=local,dest={cache},mode=max",),
            labels=(LABEL,),
            annotations=(ANNOTATION,),
        )
        assert not [i.message for i in form.issues if i.severity.value != "note"]
        seen = [app.export_screenshot()]
        await pilot.press("ctrl+b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BuildProgressScreen)
        await wait_build(pilot, screen)
        outcome = screen.outcome
        assert outcome is not None
        assert outcome.result.returncode == 0, outcome.result.stderr[-3000:]
        seen += [
            app.export_screenshot(),
            outcome.result.stderr,
            outcome.result.stdout,
            *(
                "\n".join([e.command, *e.tail, e.note])
                for s in app.screen_stack
                for log in s.query(CommandLog)
                for e in log.entries
            ),
        ]

    # The secrets were readable inside the build: their digests are in the image.
    manifest, config, files = oci_image(out)
    digests = files["secrets.sha256"].decode()
    assert hashlib.sha256(file_value.encode()).hexdigest() + "  /run/secrets/token" in digests
    assert hashlib.sha256(env_value.encode()).hexdigest() + "  /run/secrets/envtok" in digests
    # The label is in the image config, the annotation on the manifest.
    assert config["config"]["Labels"][LABEL[0]] == LABEL[1]
    assert manifest["annotations"]["org.example.buildx-tui.note"] == "advanced options"
    # The cache was exported to the folder as an OCI layout.
    cache_index = json.loads((cache / "index.json").read_text())
    assert cache_index["manifests"], cache_index

    # Only the secrets' id, file and variable name were kept, never their values.
    [entry] = history.load()
    assert entry.result == "success"
    assert f"--secret id=token,src={secret_file}" in entry.command
    assert "--secret id=envtok,env=BXT_E2E_ENV_TOKEN" in entry.command
    saved = history.path.read_text()
    assert str(secret_file) in saved
    for where in [saved, entry.command, *seen]:
        assert file_value not in where and env_value not in where


@pytest.fixture(autouse=True)
def _isolated_history(monkeypatch, tmp_path):
    """e2e tests are not isolated by tests/conftest.py: keep any history out of the real home."""
    monkeypatch.setenv("BUILDX_TUI_DATA_DIR", str(tmp_path / "history"))

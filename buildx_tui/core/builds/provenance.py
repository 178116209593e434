"""The secret and ssh ids of a build, from its provenance attachment
(`history inspect attachment REF --type provenance`): `history inspect`'s JSON has no field for
them. Only a ``mode=max`` provenance lists them (history-attachment-secrets-provenance.json:
``buildDefinition.externalParameters.request.secrets[].id`` and ``.ssh[].id``); the default
``mode=min`` has neither, so "none recorded" is all that can be said then. Values are never
in a provenance, only ids."""

from __future__ import annotations

import json
from dataclasses import dataclass

__all__ = ["RequestIds", "parse_request_ids"]


@dataclass(frozen=True)
class RequestIds:
    secrets: tuple[str, ...] = ()
    ssh: tuple[str, ...] = ()
    #: The provenance says the request (max mode); False: it does not list secrets at all.
    complete: bool = False


def _ids(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        str(item["id"])
        for item in value
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    )


def parse_request_ids(text: str) -> RequestIds:
    try:
        data = json.loads(text)
    except ValueError:
        return RequestIds()
    if not isinstance(data, dict):
        return RequestIds()
    definition = data.get("buildDefinition")
    external = definition.get("externalParameters") if isinstance(definition, dict) else None
    request = external.get("request") if isinstance(external, dict) else None
    if not isinstance(request, dict):
        return RequestIds()
    complete = "secrets" in request or "ssh" in request
    return RequestIds(_ids(request.get("secrets")), _ids(request.get("ssh")), complete)

"""bake's `--call check` outputs and the entitlements bake asks for, as recorded (the
outline and targets of `build --call`: tests/unit/dockerfile/test_calls.py)."""

from __future__ import annotations

import pytest

from buildx_tui.core.bake.calls import parse_bake_check, parse_entitlements
from buildx_tui.core.bake.definition import DefinitionError
from tests.helpers.bake import local


def test_bake_check_gives_rule_message_and_the_dockerfile_line_per_target():
    found = parse_bake_check(local("call-bake-check-json.stdout"))
    assert set(found) == {"app", "tool"}
    (w,) = found["app"]
    assert w.rule == "FromAsCasing"
    assert w.message == "'as' and 'FROM' keywords' casing do not match"
    assert w.file == "app/Dockerfile" and w.line == 1 and w.where == "app/Dockerfile:1"
    assert w.source_line == "FROM 127.0.0.1:5000/busybox:latest as base"
    assert w.url.endswith("/from-as-casing/")
    # the text output says the same (what a user would see in a terminal)
    assert "app/Dockerfile:1" in local("call-bake-check.stdout")


def test_a_clean_check_has_no_warnings():
    assert parse_bake_check(local("call-bake-check-clean-json.stdout")) == {
        "variant-big": (),
        "variant-small": (),
    }


def test_the_entitlements_bake_refused_are_listed_with_its_words():
    (e,) = parse_entitlements(local("bake-check-outside-refused.stderr"))
    assert e.flag == "fs.read=../outside"
    assert e.reason == "Read access to path ../outside"
    assert parse_entitlements(local("bake-check-outside-allowed.stderr")) == ()
    # under rawjson bake runs it without asking: nothing there to parse
    assert parse_entitlements(local("bake-run-outside-rawjson.stderr")) == ()


def test_text_output_is_refused_clearly():
    with pytest.raises(DefinitionError):
        parse_bake_check(local("call-bake-check.stdout"))

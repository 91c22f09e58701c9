"""pydantic's errors located in the data: real paths, allowed keys, typos folded."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from fanzha._yaml import load_yaml
from fanzha._yaml.explain import explain, path_text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Inner(_Strict):
    label: str
    size: Literal["A4", "A3"] = "A4"
    amount: str | float | int = 0


class Outer(_Strict):
    name: str
    items: list[Inner] = []

    @field_validator("name")
    @classmethod
    def _no_x(cls, value: str) -> str:
        if "x" in value:
            raise ValueError(f'"{value}" has an x')
        return value


def errors_of(text: str) -> list:
    data = load_yaml(text, "f.yaml").data
    with pytest.raises(ValidationError) as info:
        Outer.model_validate(data)
    return explain(info.value, data, Outer)


def test_a_misspelt_key_hides_its_missing_key() -> None:
    (error,) = errors_of("name: a\nitems:\n  - lable: one\n")
    assert (error.kind, error.path, error.suggestion) == (
        "extra_forbidden",
        ("items", 0, "lable"),
        "label",
    )
    assert error.options == ("label", "size", "amount")  # in the model's order


def test_the_only_unknown_and_the_only_missing_key_are_taken_as_one_typo() -> None:
    (error,) = errors_of("name: a\nitems:\n  - colour: red\n")
    assert (error.kind, error.path, error.suggestion) == (
        "extra_forbidden",
        ("items", 0, "colour"),
        "label",
    )


def test_with_two_unknown_keys_only_the_close_one_is_the_typo() -> None:
    found = {
        (e.kind, e.path, e.suggestion)
        for e in errors_of("name: a\nitems:\n  - {colour: red, lable: b}\n")
    }
    assert found == {
        ("extra_forbidden", ("items", 0, "colour"), None),
        ("extra_forbidden", ("items", 0, "lable"), "label"),
    }


def test_literal_errors_offer_the_closest_value_and_union_names_leave_the_path() -> None:
    found = {
        e.path: e for e in errors_of("name: a\nitems:\n  - {label: b, size: A33, amount: [1]}\n")
    }
    size = found[("items", 0, "size")]
    assert (size.kind, size.options, size.suggestion) == ("literal_error", ("A4", "A3"), "A3")
    assert ("items", 0, "amount") in found  # not ("items", 0, "amount", "str")


def test_a_validators_message_is_the_reason_and_places_are_at_key_or_value() -> None:
    text = "name: xyz\nitems:\n  - {label: b, sise: A4}\n"
    doc = load_yaml(text, "f.yaml", positions=True)
    assert doc.positions is not None
    errors = {e.kind: e for e in errors_of(text)}
    assert errors["value_error"].reason == '"xyz" has an x'
    assert errors["value_error"].place(doc.positions) == (1, 7)
    assert errors["extra_forbidden"].place(doc.positions) == (3, 16)
    assert path_text(("items", 0, "size")) == "items[0].size"

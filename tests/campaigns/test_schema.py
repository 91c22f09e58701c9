"""The JSON Schema editors use catches every mistake JSON Schema can express, and no more."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fanzha.campaigns.model import library_json_schema

from fanzha._yaml import YamlError, load_yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "campaigns" / "examples"
BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))

# What no JSON Schema can say: an order between two values, references between entries,
# uniqueness of one key across list items, and the rule language.
BEYOND_JSON_SCHEMA = {
    "end-before-start",
    "duplicate-segment",
    "poster-unknown-segment",
    "rule-syntax",
    "rule-type-error",
    "rule-attribute-access",
    "rule-unknown-column",
    "audience-unknown-column",
}
# Not YAML an editor accepts at all: its YAML parser reports these before any schema runs.
NOT_YAML = {
    "yaml-syntax",
    "duplicate-key",
    "yaml-billion-laughs",
    "yaml-recursive-alias",
    "yaml-deep-nesting",
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = library_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def data_of(path: Path) -> Any:
    return load_yaml(path.read_text(encoding="utf-8"), str(path)).data


def test_the_example_campaign_passes(validator: jsonschema.Draft202012Validator) -> None:
    assert [e.message for e in validator.iter_errors(data_of(EXAMPLES / "spring-2027.yaml"))] == []


def test_the_schema_alone_catches_31_of_the_broken_campaigns(
    validator: jsonschema.Draft202012Validator,
) -> None:
    caught, missed, not_yaml = set(), set(), set()
    for path in BROKEN:
        try:
            data = data_of(path)
        except YamlError:
            not_yaml.add(path.stem)
            continue
        (caught if any(validator.iter_errors(data)) else missed).add(path.stem)
    assert not_yaml == NOT_YAML
    assert missed == BEYOND_JSON_SCHEMA
    assert len(caught) == 31 and len(BROKEN) == 44


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("rate: 500/s", "rate: 100/min"),
        ("rate: 500/s", "rate: 500"),
        ("every: 3d", "every: 1w"),
        ("send: {every: 3d", "send: {days: [], every: 3d"),
        ("holdout: 5%", "holdout: 0.05"),
        ("holdout: 5%", "holdout: 50%"),
        ('quiet_hours: "21:30-08:00"', 'quiet_hours: "22:00-1:30"'),
        ('at: "09:30"', 'at: "9:30"'),
        ("ends: 2027-04-30", "ends: 2028-02-29"),
        ("per: 7d}", "per: 24h}"),
        ("delay: 10m", "delay: 30d"),
    ],
)
def test_what_validate_accepts_the_schema_accepts(
    validator: jsonschema.Draft202012Validator, old: str, new: str, tmp_path: Path
) -> None:
    from fanzha.campaigns.loader import load_campaign

    text = (EXAMPLES / "spring-2027.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    load_campaign(path)  # validate accepts it …
    assert [
        e.message for e in validator.iter_errors(data_of(path))
    ] == []  # … and so does the schema


def test_the_shipped_schema_is_what_fanzha_schema_writes() -> None:
    shipped = json.loads((EXAMPLES / "campaign.schema.json").read_text(encoding="utf-8"))
    assert shipped == library_json_schema(), (
        "regenerate: fanzha schema --out campaigns/examples/campaign.schema.json"
    )


def test_warning_ids_and_zones_come_from_the_library_and_the_machine() -> None:
    defs = library_json_schema()["$defs"]
    assert "loan-cooling-off" in defs["WarningId"]["enum"]
    assert "Asia/Shanghai" in defs["TimeZone"]["enum"]
    assert "Asia/Shangai" not in defs["TimeZone"]["enum"]

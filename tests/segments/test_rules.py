"""The rule language: what parses, and hostile or mistaken rules rejected with a position."""

from __future__ import annotations

import dataclasses

import pytest
from fanzha.segments import (
    RuleError,
    RuleSyntaxError,
    RuleTypeError,
    UnknownColumnError,
    default_schema,
    parse_rule,
)
from fanzha.segments.nodes import BoolOp, Compare

SCHEMA = default_schema()

DESIGN_RULES = [
    "months_in_city < 36 and consent_education",
    "age >= 55",
    'has_business_license or occupation in ["self_employed", "shop_owner"]',
    "18 <= age <= 30 and months_employed < 24",
]


@pytest.mark.parametrize("text", DESIGN_RULES)
def test_design_rules_parse(text: str) -> None:
    rule = parse_rule(text, SCHEMA)
    assert rule.text == text and rule.columns


def test_tree_is_immutable_and_lists_columns() -> None:
    rule = parse_rule("18 <= age <= 30 and months_employed < 24", SCHEMA)
    assert rule.columns == {"age", "months_employed"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.tree.op = "or"  # type: ignore[union-attr]
    chain = rule.tree.operands[0]  # type: ignore[union-attr]
    assert isinstance(chain, BoolOp) and chain.chain
    assert all(isinstance(c, Compare) for c in chain.operands)


def test_unknown_column_names_the_closest() -> None:
    with pytest.raises(UnknownColumnError) as info:
        parse_rule("agee >= 55", SCHEMA)
    assert 'unknown column "agee"' in str(info.value)
    assert 'did you mean "age"' in str(info.value)
    assert info.value.column == 1


def test_error_column_points_into_the_rule() -> None:
    with pytest.raises(UnknownColumnError) as info:
        parse_rule("age >= 55 and ocupation == 'retired'", SCHEMA)
    assert info.value.column == 15 and "occupation" in info.value.hint


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('age > "abc"', "cannot compare a number with text"),
        ('lower(age) == "x"', "lower() needs text"),
        ("age", "needs true/false"),
        ("consent_education > true", "does not apply to true/false"),
        ("days_since(age) > 3", "needs a date"),
        ("age == null", "is_null"),
        ('occupation in [1, "a"]', "one kind"),
        ("occupation + 1 > 2", "needs numbers"),
    ],
)
def test_type_errors_before_any_data(text: str, needle: str) -> None:
    with pytest.raises(RuleTypeError) as info:
        parse_rule(text, SCHEMA)
    assert needle in str(info.value)


HOSTILE = [
    ('__import__("os").system("rm -rf /")', 1, "double underscores"),
    ("age.__class__", 4, "attribute access"),
    ("().__class__.__bases__[0]", 3, "attribute access"),
    ("open('/etc/passwd')", 1, "unknown function"),
    ("eval('1')", 1, "not part of the rule language"),
    ("exec('import os')", 1, "not part of the rule language"),
    ("lambda: age", 1, "not part of the rule language"),
    ("[c for c in customers]", 4, "not part of the rule language"),
    ("age = 55", 5, "'=='"),
    ("age >= 55; drop table customers", 10, "single expression"),
    ("age >= 55 -- comment", 14, "unknown column"),
    ("occupation[0] == 'a'", 11, "subscripts"),
    ("age if age else 1", 5, "not part of the rule language"),
    ("{'a': 1}", 1, "braces"),
    ("age >= 55 or 1 == 1 /* x */", 22, "expected a value"),
    ("age @ 2", 5, "'@'"),
    ("a\x00ge > 1", 2, "U+0000"),
    ("аge >= 55", 1, "CYRILLIC SMALL LETTER A"),  # Cyrillic а look-alike
    ("agе >= 55", 3, "CYRILLIC SMALL LETTER IE"),  # Cyrillic е look-alike
    ("ａge >= 55", 1, "FULLWIDTH"),
    ("Age >= 55", 1, "lowercase"),
    ("age >= 55 and True", 15, "write true"),
    ("age >= 1" + "0" * 40, 8, "too large"),
    ("age >= 99999999999999999", 8, "too large"),
    ("occupation == '" + "x" * 10_000 + "'", 4001, "longer than 4000"),
    ("occupation == '" + "x" * 600 + "'", 15, "longer than 500"),
    ("(" * 200 + "age > 1" + ")" * 200, 42, "nests too deeply"),
    ("not " * 100 + "consent_education", 165, "nests too deeply"),
    ("-" * 100 + "age > 1", 42, "nests too deeply"),
    ("'unterminated", 1, "not closed"),
    ("age in []", 9, "empty"),
    ("is_null()", 1, "exactly 1 argument"),
    ("lower(occupation, 2) == 'a'", 1, "exactly 1 argument"),
    ("", 1, "empty"),
    ("age >= 55 and", 14, "the end of the rule"),
    ("age ** 2 > 1", 5, "powers"),
    ("age >= 55 ", 0, ""),  # trailing blank is fine
]


@pytest.mark.parametrize(("text", "column", "needle"), HOSTILE)
def test_hostile_rules_rejected_cleanly(text: str, column: int, needle: str) -> None:
    if not needle:
        parse_rule(text, SCHEMA)
        return
    with pytest.raises(RuleError) as info:
        parse_rule(text, SCHEMA)
    assert needle in str(info.value), str(info.value)
    if column <= len(text):
        assert info.value.column == column, str(info.value)
    assert isinstance(info.value, RuleSyntaxError | RuleTypeError | UnknownColumnError)


def test_string_escapes_and_unicode_text_literals() -> None:
    rule = parse_rule('community == "张江新市民公寓" or occupation == "shop\\"owner"', SCHEMA)
    literals = [n.value for n in rule.tree.walk() if getattr(n, "kind", "") == "string"]
    assert literals == ["张江新市民公寓", 'shop"owner']


def test_without_schema_columns_are_not_checked() -> None:
    assert parse_rule("anything > 3").columns == {"anything"}

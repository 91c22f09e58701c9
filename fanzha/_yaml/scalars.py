"""Scalar values: YAML 1.2 core for plain scalars, text for everything else.

``on``, ``yes`` and ``09:30`` stay text (YAML 1.1 would make them a boolean and a number);
no tag ever constructs an object.
"""

from __future__ import annotations

import re
from typing import Any

from yaml import events as ev

_TAG = "tag:yaml.org,2002:"
_INT = re.compile(r"[-+]?[0-9]+")
_OCT_HEX = re.compile(r"0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL = {
    ".inf": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    ".nan": float("nan"),
}
_NUMBER_START = frozenset("0123456789+-.")


def scalar(event: ev.ScalarEvent) -> Any:
    """A scalar's value: YAML 1.2 core for plain scalars, text for everything else."""
    text = event.value
    tag = event.tag
    if tag and tag.startswith(_TAG):
        return _tagged(tag[len(_TAG) :], text)
    if event.style or tag:  # quoted, block, or a tag of its own: text as written
        return text
    if not text:
        return None
    first = text[0]
    if first in _NUMBER_START:
        return _number(text)
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "~"):
        return None
    return text


def _number(text: str) -> Any:
    try:
        if _INT.fullmatch(text):
            return int(text, 10)
        if _OCT_HEX.fullmatch(text):
            return int(text[2:], 8 if text[1] == "o" else 16)
        if _FLOAT.fullmatch(text):
            return float(text)
    except ValueError:  # more digits than Python converts: leave it as text
        return text
    return _SPECIAL.get(text.lower(), text)


def _tagged(name: str, text: str) -> Any:
    """``!!int 5`` and friends; an unknown or failing tag leaves the text."""
    if name == "int" or name == "float":
        value = _number(text)
        return value if not isinstance(value, str) else text
    if name == "bool" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if name == "null":
        return None
    return text


__all__ = ["scalar"]

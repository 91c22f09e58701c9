"""Shared front end of fanzha's YAML files (campaigns and warnings): safe, bounded, fast
loading; positions of keys and values; pydantic errors explained at their place.

The bottom layer: it imports nothing from fanzha, and every package may import it.
"""

from fanzha._yaml.errors import (
    Duplicate,
    DuplicateKeyError,
    YamlError,
    YamlLimitError,
    YamlSyntaxError,
)
from fanzha._yaml.load import MAX_BYTES, MAX_DEPTH, Document, load_yaml, read_text, read_yaml
from fanzha._yaml.positions import Positions

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Document",
    "Duplicate",
    "DuplicateKeyError",
    "Positions",
    "YamlError",
    "YamlLimitError",
    "YamlSyntaxError",
    "load_yaml",
    "read_text",
    "read_yaml",
]

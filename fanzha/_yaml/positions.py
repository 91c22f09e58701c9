"""Where each key and value of a YAML document sits, 1-based, by its path in the data."""

from __future__ import annotations

from dataclasses import dataclass, field

Path_ = tuple[str | int, ...]
Place = tuple[int, int]


@dataclass
class Positions:
    """Line and column of every value and mapping key, with the text's lines for searching."""

    file: str
    lines: tuple[str, ...] = ()
    values: dict[Path_, Place] = field(default_factory=dict)
    keys: dict[Path_, Place] = field(default_factory=dict)
    styles: dict[Path_, str] = field(default_factory=dict)

    def value(self, path: Path_) -> Place:
        """Where the value at ``path`` starts, or the value of its nearest ancestor."""
        probe = tuple(path)
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

    def key(self, path: Path_) -> Place:
        """Where the key of ``path`` is (an item's value for a list item), else its ancestor's."""
        probe = tuple(path)
        while probe:
            if probe in self.keys:
                return self.keys[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

    def quoted(self, path: Path_) -> bool:
        """Whether the scalar at ``path`` is written in quotes."""
        return self.styles.get(tuple(path)) in ("'", '"')

    def inside(self, path: Path_, offset: int) -> Place:
        """The place ``offset`` characters into the scalar at ``path`` (past an opening quote)."""
        line, column = self.value(path)
        if offset and tuple(path) in self.values:
            column += offset + (1 if self.quoted(path) else 0)
        return line, column

    def find(self, path: Path_, needle: str) -> Place:
        """Where ``needle`` first appears in the value at ``path``, else the value's place."""
        line, column = self.value(path)
        if needle:
            for offset in range(4):  # a scalar folded over a few lines at most
                index = line - 1 + offset
                if index >= len(self.lines):
                    break
                start = column - 1 if offset == 0 else 0
                found = self.lines[index].find(needle, start)
                if found >= 0:
                    return index + 1, found + 1
        return line, column


__all__ = ["Path_", "Place", "Positions"]

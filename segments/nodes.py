"""The immutable rule tree: one frozen dataclass per construct of the rule language."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

# Every node records its span in the rule text (0-based start, end) so errors and
# explanations can point at and quote exactly what the marketer wrote.


@dataclass(frozen=True)
class Node:
    """Base of all rule tree nodes."""

    start: int = field(kw_only=True, default=0)
    end: int = field(kw_only=True, default=0)

    def children(self) -> tuple[Node, ...]:
        """Direct sub-nodes, left to right."""
        return ()

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.children():
            yield from child.walk()


@dataclass(frozen=True)
class Literal(Node):
    """A constant: kind is ``number``, ``string``, ``boolean`` or ``null``."""

    value: int | float | str | bool | None
    kind: str


@dataclass(frozen=True)
class Column(Node):
    """A customer column by name."""

    name: str


@dataclass(frozen=True)
class Not(Node):
    """Logical negation (``not unknown`` is unknown)."""

    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class BoolOp(Node):
    """``and`` / ``or`` over two or more operands, SQL three-valued."""

    op: str
    operands: tuple[Node, ...]
    chain: bool = False  # True when desugared from a comparison chain like 18 <= age <= 30

    def children(self) -> tuple[Node, ...]:
        return self.operands


@dataclass(frozen=True)
class Compare(Node):
    """A binary comparison: ``== != < <= > >=``."""

    op: str
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class InList(Node):
    """``x in [..]`` or ``x not in [..]`` against literal items."""

    operand: Node
    items: tuple[Literal, ...]
    negated: bool = False

    def children(self) -> tuple[Node, ...]:
        return (self.operand, *self.items)


@dataclass(frozen=True)
class Arith(Node):
    """Arithmetic on numbers: ``+ - * /`` (``/`` is true division; by zero gives null)."""

    op: str
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Neg(Node):
    """Unary minus on a number."""

    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Call(Node):
    """One of the allowed functions: is_null, lower, days_since, months_since."""

    func: str
    args: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.args


FUNCTIONS: dict[str, int] = {"is_null": 1, "lower": 1, "days_since": 1, "months_since": 1}
COMPARE_OPS = ("==", "!=", "<", "<=", ">", ">=")


@dataclass(frozen=True)
class Rule:
    """A parsed, type-checked rule: its text, its tree and the columns it reads."""

    text: str
    tree: Node
    columns: frozenset[str]

    def source(self, node: Node) -> str:
        """The rule text a node was parsed from."""
        return self.text[node.start : node.end]

    def __str__(self) -> str:
        return self.text

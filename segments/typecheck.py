"""Static checks of a rule tree against the customer schema, before any data is read."""

from __future__ import annotations

from fanzha.segments.errors import RuleTypeError, UnknownColumnError
from fanzha.segments.nodes import (
    Arith,
    BoolOp,
    Call,
    Column,
    Compare,
    InList,
    Literal,
    Neg,
    Node,
    Not,
    Rule,
)
from fanzha.segments.parser import parse_tree
from fanzha.segments.schema import CustomerSchema

ANY = "any"  # a column whose type is not known (no schema given)
_FAMILY = {
    "integer": "number",
    "number": "number",
    "string": "string",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
}
_ORDERED = ("number", "string", "date", "datetime")
_NAMES = {
    "number": "a number",
    "string": "text",
    "boolean": "true/false",
    "date": "a date",
    "datetime": "a date-time",
    "null": "null",
}


class _Checker:
    """Infers the type of each node, raising RuleTypeError with the node's column."""

    def __init__(self, rule: str, schema: CustomerSchema | None) -> None:
        self.rule = rule
        self.schema = schema

    def fail(self, node: Node, message: str, hint: str = "") -> RuleTypeError:
        return RuleTypeError(message, rule=self.rule, column=node.start + 1, hint=hint)

    def src(self, node: Node) -> str:
        return self.rule[node.start : node.end]

    def describe(self, node: Node, type_: str) -> str:
        return f"{self.src(node)} is {_NAMES.get(type_, type_)}"

    def check(self, node: Node) -> str:
        method = getattr(self, f"_{type(node).__name__.lower()}")
        return method(node)

    def want_boolean(self, node: Node, context: str) -> None:
        type_ = self.check(node)
        if type_ not in ("boolean", ANY):
            hint = f"e.g. {self.src(node)} >= 55" if type_ == "number" else ""
            raise self.fail(
                node, f"{context} needs true/false, but {self.describe(node, type_)}", hint
            )

    def _literal(self, node: Literal) -> str:
        return node.kind

    def _column(self, node: Column) -> str:
        if self.schema is None:
            return ANY
        if node.name not in self.schema:
            near = self.schema.closest(node.name)
            hint = (
                f'did you mean "{near}"?'
                if near
                else "known columns: " + ", ".join(self.schema.names)
            )
            raise UnknownColumnError(
                f'unknown column "{node.name}"', rule=self.rule, column=node.start + 1, hint=hint
            )
        return _FAMILY[self.schema.type_of(node.name)]

    def _not(self, node: Not) -> str:
        self.want_boolean(node.operand, "'not'")
        return "boolean"

    def _boolop(self, node: BoolOp) -> str:
        for operand in node.operands:
            self.want_boolean(operand, f"'{node.op}'")
        return "boolean"

    def _no_null(self, node: Node, type_: str, what: str) -> None:
        if type_ == "null":
            raise self.fail(
                node,
                f"null cannot be used in {what}",
                hint="use is_null(x) to ask for missing values",
            )

    def _compare(self, node: Compare) -> str:
        left, right = self.check(node.left), self.check(node.right)
        self._no_null(node.left, left, "a comparison")
        self._no_null(node.right, right, "a comparison")
        if ANY in (left, right):
            return "boolean"
        if left != right:
            raise self.fail(
                node, f"cannot compare {_NAMES[left]} with {_NAMES[right]}: {self.src(node)}"
            )
        if node.op not in ("==", "!=") and left not in _ORDERED:
            raise self.fail(node, f"'{node.op}' does not apply to true/false", hint="use == or !=")
        return "boolean"

    def _inlist(self, node: InList) -> str:
        operand = self.check(node.operand)
        self._no_null(node.operand, operand, "'in'")
        kinds = {item.kind for item in node.items}
        for item in node.items:
            self._no_null(item, item.kind, "a list")
        if len(kinds) > 1:
            raise self.fail(
                node.items[0], "list items must all be of one kind (all numbers or all text)"
            )
        kind = kinds.pop()
        if operand not in (ANY, kind):
            raise self.fail(
                node, f"{self.describe(node.operand, operand)} but the list holds {_NAMES[kind]}"
            )
        return "boolean"

    def _arith(self, node: Arith) -> str:
        for side in (node.left, node.right):
            type_ = self.check(side)
            if type_ not in ("number", ANY):
                raise self.fail(
                    side, f"'{node.op}' needs numbers, but {self.describe(side, type_)}"
                )
        return "number"

    def _neg(self, node: Neg) -> str:
        type_ = self.check(node.operand)
        if type_ not in ("number", ANY):
            raise self.fail(node, f"'-' needs a number, but {self.describe(node.operand, type_)}")
        return "number"

    def _call(self, node: Call) -> str:
        (arg,) = node.args
        type_ = self.check(arg)
        if node.func == "is_null":
            return "boolean"
        self._no_null(arg, type_, f"{node.func}()")
        if node.func == "lower":
            if type_ not in ("string", ANY):
                raise self.fail(node, f"lower() needs text, but {self.describe(arg, type_)}")
            return "string"
        if type_ not in ("date", "datetime", ANY):
            raise self.fail(node, f"{node.func}() needs a date, but {self.describe(arg, type_)}")
        return "number"


def check_tree(rule: str, tree: Node, schema: CustomerSchema | None) -> None:
    """Raise RuleTypeError / UnknownColumnError unless the tree is a well-typed true/false rule."""
    checker = _Checker(rule, schema)
    checker.want_boolean(tree, "a rule")


def parse_rule(text: str, schema: CustomerSchema | None = None) -> Rule:
    """Parse and (with a schema) type-check a rule; RuleError subclasses carry ``column``."""
    tree = parse_tree(text)
    check_tree(text, tree, schema)
    columns = frozenset(n.name for n in tree.walk() if isinstance(n, Column))
    return Rule(text=text, tree=tree, columns=columns)

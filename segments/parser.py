"""Recursive-descent parser: rule text → immutable tree (never Python's eval or ast)."""

from __future__ import annotations

import dataclasses

from fanzha.segments.errors import RuleSyntaxError
from fanzha.segments.lexer import FOREIGN_WORDS, KEYWORDS, Token, tokenize
from fanzha.segments.nodes import (
    COMPARE_OPS,
    FUNCTIONS,
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
)

MAX_DEPTH = 40
MAX_LIST_ITEMS = 1000
_VALUE = "a value (a column, number, \"text\", true, false, null or '(')"


class _Parser:
    """Holds the token stream and the nesting depth of one parse."""

    def __init__(self, rule: str) -> None:
        self.rule = rule
        self.tokens = tokenize(rule)
        self.i = 0
        self.depth = 0

    # -- helpers -----------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def fail(self, message: str, tok: Token | None = None, hint: str = "") -> RuleSyntaxError:
        tok = tok or self.tok
        return RuleSyntaxError(message, rule=self.rule, column=tok.pos + 1, hint=hint)

    def found(self, tok: Token | None = None) -> str:
        tok = tok or self.tok
        return "the end of the rule" if tok.kind == "EOF" else repr(tok.text)

    def at(self, kind: str, text: str | None = None) -> bool:
        return self.tok.kind == kind and (text is None or self.tok.text == text)

    def take(self) -> Token:
        tok = self.tok
        self.i += 1
        return tok

    def expect(self, text: str, what: str) -> Token:
        if not self.at("OP", text):
            raise self.fail(f"expected {what} but found {self.found()}")
        return self.take()

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"rule nests too deeply (more than {MAX_DEPTH} levels)")

    # -- grammar -----------------------------------------------------------------
    def parse(self) -> Node:
        node = self.or_expr()
        if not self.at("EOF"):
            hint = "join conditions with 'and' or 'or'" if self.tok.kind != "OP" else ""
            raise self.fail(
                f"expected 'and', 'or' or the end of the rule but found {self.found()}", hint=hint
            )
        return node

    def _boolop(self, op: str, sub) -> Node:  # type: ignore[no-untyped-def]
        first = sub()
        operands = [first]
        while self.at("NAME", op):
            self.take()
            operands.append(sub())
        if len(operands) == 1:
            return first
        return BoolOp(op=op, operands=tuple(operands), start=first.start, end=operands[-1].end)

    def or_expr(self) -> Node:
        return self._boolop("or", self.and_expr)

    def and_expr(self) -> Node:
        return self._boolop("and", self.not_expr)

    def not_expr(self) -> Node:
        if self.at("NAME", "not"):
            tok = self.take()
            self.nest()
            operand = self.not_expr()
            self.depth -= 1
            return Not(operand=operand, start=tok.pos, end=operand.end)
        return self.comparison()

    def comparison(self) -> Node:
        left = self.sum()
        if self.at("NAME", "in") or (self.at("NAME", "not") and self._next_is_in()):
            negated = self.take().text == "not"
            if negated:
                self.take()
            items, end = self.literal_list()
            return InList(operand=left, items=items, negated=negated, start=left.start, end=end)
        pairs: list[Compare] = []
        while self.at("OP") and self.tok.text in COMPARE_OPS:
            op = self.take().text
            right = self.sum()
            pairs.append(Compare(op=op, left=left, right=right, start=left.start, end=right.end))
            left = right
        if not pairs:
            return left
        if len(pairs) == 1:
            return pairs[0]
        return BoolOp(
            op="and", operands=tuple(pairs), chain=True, start=pairs[0].start, end=pairs[-1].end
        )

    def _next_is_in(self) -> bool:
        nxt = self.tokens[self.i + 1]
        return nxt.kind == "NAME" and nxt.text == "in"

    def literal_list(self) -> tuple[tuple[Literal, ...], int]:
        self.expect("[", "'[' to start the list")
        items: list[Literal] = []
        while not self.at("OP", "]"):
            items.append(self.list_item())
            if len(items) > MAX_LIST_ITEMS:
                raise self.fail(f"list longer than {MAX_LIST_ITEMS} items")
            if not self.at("OP", "]"):
                self.expect(",", "',' or ']'")
        end = self.take().pos + 1
        if not items:
            raise self.fail(
                "the list is empty", self.tokens[self.i - 1], hint="give at least one value"
            )
        return tuple(items), end

    def list_item(self) -> Literal:
        tok = self.tok
        sign = 1
        if self.at("OP", "-"):
            self.take()
            sign = -1
        node = self.primary()
        if not isinstance(node, Literal) or (sign < 0 and node.kind != "number"):
            raise self.fail('list items must be literal values (numbers, "text", true, false)', tok)
        if sign < 0:
            return Literal(value=-node.value, kind="number", start=tok.pos, end=node.end)  # type: ignore[operator]
        return node

    def _binary(self, ops: tuple[str, ...], sub) -> Node:  # type: ignore[no-untyped-def]
        left = sub()
        while self.at("OP") and self.tok.text in ops:
            op = self.take().text
            right = sub()
            left = Arith(op=op, left=left, right=right, start=left.start, end=right.end)
        return left

    def sum(self) -> Node:
        return self._binary(("+", "-"), self.term)

    def term(self) -> Node:
        return self._binary(("*", "/"), self.unary)

    def unary(self) -> Node:
        if self.at("OP", "-"):
            tok = self.take()
            self.nest()
            operand = self.unary()
            self.depth -= 1
            if isinstance(operand, Literal) and operand.kind == "number":
                return Literal(value=-operand.value, kind="number", start=tok.pos, end=operand.end)  # type: ignore[operator]
            return Neg(operand=operand, start=tok.pos, end=operand.end)
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        """Refuse what Python would allow after a value: .attr, [index], (call)."""
        if self.at("OP", "["):
            raise self.fail("subscripts are not allowed", hint="use a column name on its own")
        if self.at("OP", "(") and not isinstance(node, Call):
            raise self.fail("only is_null, lower, days_since and months_since can be called")
        return node

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind == "NUMBER":
            self.take()
            return Literal(
                value=_scalar(tok.value), kind="number", start=tok.pos, end=tok.pos + len(tok.text)
            )
        if tok.kind == "STRING":
            self.take()
            return Literal(
                value=_scalar(tok.value), kind="string", start=tok.pos, end=tok.pos + len(tok.text)
            )
        if tok.kind == "OP" and tok.text == "(":
            self.take()
            self.nest()
            inner = self.or_expr()
            self.depth -= 1
            close = self.expect(")", "')'")
            # the span includes the parentheses, so quoted clauses read as written
            return dataclasses.replace(inner, start=tok.pos, end=close.pos + 1)
        if tok.kind == "NAME":
            return self.name()
        raise self.fail(f"expected {_VALUE} but found {self.found()}")

    def name(self) -> Node:
        tok = self.take()
        end = tok.pos + len(tok.text)
        word = tok.text
        if word in ("true", "false"):
            return Literal(value=word == "true", kind="boolean", start=tok.pos, end=end)
        if word == "null":
            return Literal(value=None, kind="null", start=tok.pos, end=end)
        if word in KEYWORDS:
            raise self.fail(f"expected {_VALUE} but found {word!r}", tok)
        if word in FOREIGN_WORDS:
            raise self.fail(
                f"{word!r} is not part of the rule language", tok, hint=FOREIGN_WORDS[word]
            )
        if "__" in word:
            raise self.fail(f"names with double underscores are not allowed: {word!r}", tok)
        if self.at("OP", "("):
            return self.call(tok)
        return Column(name=word, start=tok.pos, end=end)

    def call(self, tok: Token) -> Node:
        if tok.text not in FUNCTIONS:
            known = ", ".join(FUNCTIONS)
            raise self.fail(
                f"unknown function {tok.text!r}", tok, hint=f"the functions are {known}"
            )
        self.take()
        self.nest()
        args: list[Node] = []
        while not self.at("OP", ")"):
            args.append(self.or_expr())
            if not self.at("OP", ")"):
                self.expect(",", "',' or ')'")
        self.depth -= 1
        close = self.take()
        if len(args) != FUNCTIONS[tok.text]:
            raise self.fail(
                f"{tok.text}() takes exactly {FUNCTIONS[tok.text]} argument, got {len(args)}", tok
            )
        return Call(func=tok.text, args=tuple(args), start=tok.pos, end=close.pos + 1)


def parse_tree(rule: str) -> Node:
    """Parse rule text into its tree; RuleSyntaxError carries the 1-based column."""
    if not isinstance(rule, str):
        raise RuleSyntaxError("a rule must be text", rule=str(rule), column=1)
    if not rule.strip():
        raise RuleSyntaxError(
            "the rule is empty", rule=rule, column=1, hint="for example: age >= 55"
        )
    return _Parser(rule).parse()


def _scalar(value: object) -> int | float | str | bool | None:
    """A token's value as a literal's (the lexer makes only these)."""
    assert value is None or isinstance(value, (int, float, str, bool))
    return value

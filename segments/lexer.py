"""Tokenizer of the rule language: a closed set of tokens, hostile input rejected early."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from fanzha.segments.errors import RuleSyntaxError

MAX_RULE_CHARS = 4000
MAX_STRING_CHARS = 500
MAX_NUMBER = 10**15  # beyond this no customer attribute makes sense, and floats lose integers

KEYWORDS = ("and", "or", "not", "in", "true", "false", "null")
# Python words a marketer (or an attacker) might try, with what to write instead.
FOREIGN_WORDS: dict[str, str] = {
    "is": "use is_null(x) to test for a missing value",
    "lambda": "functions cannot be defined in a rule",
    "import": "a rule cannot import anything",
    "for": "comprehensions are not part of the rule language",
    "if": "conditional expressions are not part of the rule language",
    "else": "conditional expressions are not part of the rule language",
    "def": "functions cannot be defined in a rule",
    "class": "a rule cannot define classes",
    "exec": "a rule cannot run code",
    "eval": "a rule cannot run code",
    "yield": "a rule is a single expression",
    "await": "a rule is a single expression",
}
PYTHON_LITERALS = {"True": "true", "False": "false", "None": "null", "AND": "and", "OR": "or"}

_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")
_OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", ",")
_MISUSED: dict[str, str] = {
    "=": "'=' assigns; use '==' to compare",
    ".": "attribute access is not allowed; use a column name",
    "**": "powers are not part of the rule language",
    "//": "use '/' for division",
    "%": "'%' is not part of the rule language",
    "&": "use 'and'",
    "|": "use 'or'",
    "~": "use 'not'",
    "!": "use 'not', or '!=' to compare",
    "&&": "use 'and'",
    "||": "use 'or'",
    "{": "braces are not part of the rule language; lists use [ ]",
    "}": "braces are not part of the rule language",
    ":": "':' is not part of the rule language",
    ";": "a rule is a single expression",
    "@": "'@' is not part of the rule language",
    "`": "backquotes are not part of the rule language",
    "\\": "a backslash is allowed only inside a string",
    "$": "'$' is not part of the rule language",
    "#": "comments are not allowed inside a rule",
}
_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t"}


@dataclass(frozen=True)
class Token:
    """One token: kind is NUMBER, STRING, NAME, OP or EOF; pos is 0-based."""

    kind: str
    text: str
    pos: int
    value: object = None


def _fail(rule: str, pos: int, message: str, hint: str = "") -> RuleSyntaxError:
    return RuleSyntaxError(message, rule=rule, column=pos + 1, hint=hint)


def _read_string(rule: str, pos: int) -> Token:
    """A quoted string starting at ``pos`` with \\\\, \\", \\', \\n, \\t escapes."""
    quote, i = rule[pos], pos + 1
    out: list[str] = []
    while i < len(rule):
        ch = rule[i]
        if ch == quote:
            text = "".join(out)
            if len(text) > MAX_STRING_CHARS:
                raise _fail(rule, pos, f"string longer than {MAX_STRING_CHARS} characters")
            return Token("STRING", rule[pos : i + 1], pos, text)
        if ch == "\\":
            nxt = rule[i + 1 : i + 2]
            if nxt not in _ESCAPES:
                raise _fail(rule, i, f"unknown escape '\\{nxt}' in a string")
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        if ch == "\n":
            break
        out.append(ch)
        i += 1
    raise _fail(rule, pos, "string is not closed", hint=f"add the closing {quote}")


def _read_number(rule: str, pos: int) -> Token:
    """An integer or decimal literal, refused when absurdly large."""
    match = _NUMBER.match(rule, pos)
    assert match is not None
    text = match.group(0)
    end = match.end()
    if end < len(rule) and (rule[end].isalnum() or rule[end] in "._"):
        raise _fail(rule, end, f"unexpected {rule[end]!r} after the number {text}")
    value: int | float = float(text) if "." in text else int(text)
    if abs(value) > MAX_NUMBER or len(text) > 30:
        raise _fail(rule, pos, f"number {text[:20]}… is too large (limit {MAX_NUMBER:.0e})")
    return Token("NUMBER", text, pos, value)


def _bad_word(rule: str, pos: int) -> RuleSyntaxError:
    """An identifier-like word that is not a valid column name, with why."""
    end = pos
    while end < len(rule) and (rule[end].isalnum() or rule[end] == "_"):
        end += 1
    word = rule[pos:end] or rule[pos]
    for i, ch in enumerate(word):
        if not ch.isascii():
            name = unicodedata.name(ch, "unknown character")
            return _fail(
                rule,
                pos + i,
                f"unexpected character {ch!r} (U+{ord(ch):04X} {name}) in {word!r}",
                hint="names use only the letters a-z, digits and _; text goes in quotes",
            )
    if word in PYTHON_LITERALS:
        return _fail(rule, pos, f"unknown word {word!r}", hint=f"write {PYTHON_LITERALS[word]}")
    return _fail(
        rule, pos, f"{word!r} is not a valid name", hint=f'names are lowercase: "{word.lower()}"'
    )


def tokenize(rule: str) -> list[Token]:
    """Split a rule into tokens; RuleSyntaxError (with column) on anything outside the language."""
    if len(rule) > MAX_RULE_CHARS:
        raise _fail(rule, MAX_RULE_CHARS, f"rule longer than {MAX_RULE_CHARS} characters")
    tokens: list[Token] = []
    pos = 0
    while pos < len(rule):
        ch = rule[pos]
        if ch in " \t\r\n":
            pos += 1
        elif ch in "\"'":
            tokens.append(_read_string(rule, pos))
            pos = tokens[-1].pos + len(tokens[-1].text)
        elif ch.isascii() and ch.isdigit():
            tokens.append(_read_number(rule, pos))
            pos += len(tokens[-1].text)
        elif match := _NAME.match(rule, pos):
            end = match.end()
            if end < len(rule) and (
                (rule[end].isalnum() and not rule[end].isascii()) or rule[end].isupper()
            ):
                raise _bad_word(rule, pos)
            if "__" in match.group(0):
                raise _fail(
                    rule, pos, f"names with double underscores are not allowed: {match.group(0)!r}"
                )
            if match.group(0) in FOREIGN_WORDS:
                word = match.group(0)
                raise _fail(
                    rule, pos, f"{word!r} is not part of the rule language", FOREIGN_WORDS[word]
                )
            tokens.append(Token("NAME", match.group(0), pos))
            pos = end
        elif ch.isalpha() or ch == "_":
            raise _bad_word(rule, pos)
        else:
            tokens.append(_read_operator(rule, pos))
            pos += len(tokens[-1].text)
    tokens.append(Token("EOF", "", len(rule)))
    return tokens


def _read_operator(rule: str, pos: int) -> Token:
    """An operator or bracket; known mistakes get a hint, anything else a plain error."""
    for length in (2, 1):
        text = rule[pos : pos + length]
        if len(text) == length and text in _OPERATORS:
            return Token("OP", text, pos)
        if len(text) == length and text in _MISUSED:
            raise _fail(rule, pos, f"{text!r} is not allowed here", hint=_MISUSED[text])
    ch = rule[pos]
    name = unicodedata.name(ch, "control character")
    raise _fail(rule, pos, f"unexpected character {ch!r} (U+{ord(ch):04X} {name})")

"""Safe copy templating: `{{ customer.<field> }}` only, in a sandboxed Jinja2 environment.

Copy is data written by people, so it is rendered in an immutable sandbox with
StrictUndefined (an unknown name is an error, never an empty string), and every
template is first checked to name only allowlisted customer fields: no filters, no
calls, no statements. HTML output (preview gallery, feed) escapes the whole rendered
copy, literal text as well as values, since copy is text and never markup.

Nearly all copy is plain text with `{{ customer.<field> }}` tags and nothing else; such a
template is checked and filled by a regular expression, with the same problems and the
same text as Jinja2 gives (the tests compare the two), and Jinja2 is not even imported.
Anything else (another `{`, a carriage return, other spacing) goes to Jinja2.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import markupsafe
from fanzha.content.config import BANK_SETTINGS, TEMPLATE_FIELDS, CopyContext
from fanzha.content.errors import BankNotConfigured, TemplateError

if TYPE_CHECKING:
    import jinja2
    from jinja2 import nodes
    from jinja2.sandbox import ImmutableSandboxedEnvironment

# The one tag copy may use, as plain as it is written: `{{ customer.<field> }}`.
_TAG = re.compile(r"\{\{ ?customer\.([a-z_]+) ?\}\}")


@dataclass(frozen=True)
class TemplateIssue:
    """One problem in a template: the text to point at and what is wrong."""

    needle: str
    message: str


@cache
def _simple(source: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A template of plain text and `{{ customer.<field> }}` tags alone, as (the texts
    between the tags, the tags' fields); None for anything else (Jinja2's to read)."""
    if "\r" in source:  # Jinja2 turns carriage returns into newlines
        return None
    parts = _TAG.split(source)
    texts, fields = tuple(parts[0::2]), tuple(parts[1::2])
    if any("{" in text for text in texts):
        return None
    return texts, fields


def _field_issues(fields: tuple[str, ...], allowed: Collection[str]) -> list[TemplateIssue]:
    """The problems of a simple template's fields, as ``_issues_in`` words them."""
    issues = []
    for attr in fields:
        needle = f"customer.{attr}"
        if attr not in TEMPLATE_FIELDS:
            message = (
                f"template uses undefined field customer.{attr}; "
                f"allowed: {', '.join(TEMPLATE_FIELDS)}"
            )
            issues.append(TemplateIssue(needle, message))
        elif attr not in allowed:
            issues.append(TemplateIssue(needle, _not_here(attr, allowed)))
    return issues


def _not_here(attr: str, allowed: Collection[str]) -> str:
    return (
        f"customer.{attr} may not be used here (image copy is shared by every "
        f"customer); allowed: {', '.join(allowed)}"
    )


@cache
def _environment() -> ImmutableSandboxedEnvironment:
    """The sandbox, built on first use (not at import)."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # plain text; HTML callers get the whole result escaped
        keep_trailing_newline=True,
    )


def _issues_in(node: nodes.Node, allowed: Collection[str]) -> Iterator[TemplateIssue]:
    """Walk a parsed template; yield every construct other than customer.<allowed>."""
    from jinja2 import nodes

    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
        name, attr = node.node.name, node.attr
        needle = f"{name}.{attr}"
        if name != "customer":
            yield TemplateIssue(
                needle, f"template names {needle!r}; only customer.<field> is allowed"
            )
        elif attr not in TEMPLATE_FIELDS:
            yield TemplateIssue(
                needle,
                f"template uses undefined field customer.{attr}; "
                f"allowed: {', '.join(TEMPLATE_FIELDS)}",
            )
        elif attr not in allowed:
            yield TemplateIssue(needle, _not_here(attr, allowed))
        return
    if isinstance(node, nodes.Name):
        yield TemplateIssue(
            node.name, f"template names {node.name!r}; only customer.<field> is allowed"
        )
        return
    if not isinstance(node, (nodes.Template, nodes.Output, nodes.TemplateData)):
        yield TemplateIssue(
            "{", f"template uses {type(node).__name__}; only {{{{ customer.<field> }}}} is allowed"
        )
        return
    for child in node.iter_child_nodes():
        yield from _issues_in(child, allowed)


def check_template(source: str, allowed: Collection[str] = TEMPLATE_FIELDS) -> list[TemplateIssue]:
    """Every problem in `source` as a template restricted to `allowed` customer fields."""
    if "{" not in source:
        return []  # fast path: plain text
    simple = _simple(source)
    if simple is not None:
        return _field_issues(simple[1], allowed)
    return _jinja_issues(source, allowed)


def _jinja_issues(source: str, allowed: Collection[str]) -> list[TemplateIssue]:
    """Every problem in `source`, as Jinja2 parses it."""
    import jinja2

    try:
        tree = _environment().parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return [TemplateIssue("{", f"template syntax error: {exc.message}")]
    return list(_issues_in(tree, allowed))


@cache
def fields_used(source: str) -> frozenset[str]:
    """The customer fields a (checked) template names."""
    if "{" not in source:
        return frozenset()
    simple = _simple(source)
    if simple is not None:
        return frozenset(simple[1])
    from jinja2 import nodes

    tree = _environment().parse(source)
    return frozenset(
        node.attr
        for node in tree.find_all(nodes.Getattr)
        if isinstance(node.node, nodes.Name) and node.node.name == "customer"
    )


def _require_bank(source: str, context: CopyContext) -> None:
    """BankNotConfigured when the copy names a bank detail the context leaves empty."""
    for name, setting in BANK_SETTINGS.items():
        if name in fields_used(source) and not str(getattr(context, name)).strip():
            raise BankNotConfigured(name, setting)


@cache
def _compiled(source: str) -> jinja2.Template:
    """A checked, compiled template (cached: copy repeats across customers)."""
    return _environment().from_string(source)


def render_template(
    source: str,
    context: CopyContext,
    *,
    html: bool = False,
    allowed: Collection[str] = TEMPLATE_FIELDS,
) -> str:
    """Fill `source` from `context`; TemplateError for anything outside the allowlist.

    BankNotConfigured (a TemplateError) when the copy names the bank's name or phone and
    the context has none: such copy never renders with a blank or a made-up number.
    """
    issues = check_template(source, allowed)
    if issues:
        raise TemplateError(issues[0].message)
    text = source
    if "{" in source:
        _require_bank(source, context)
        text = _filled(source, context)
    return str(markupsafe.escape(text)) if html else text


def _filled(source: str, context: CopyContext) -> str:
    """A checked template filled from `context` (by the tags alone when it is simple)."""
    simple = _simple(source)
    if simple is not None:
        texts, fields = simple
        try:  # Jinja2 prints a value as str() does
            values = [str(getattr(context, attr)) for attr in fields]
        except AttributeError:
            values = None  # a context without the field: Jinja2 words the error
        if values is not None:
            return "".join(t + v for t, v in zip(texts, [*values, ""], strict=True))
    return _jinja_filled(source, context)


def _jinja_filled(source: str, context: CopyContext) -> str:
    """A checked template filled by Jinja2."""
    import jinja2

    try:
        return _compiled(source).render(customer=context)
    except jinja2.TemplateError as exc:  # e.g. an undefined name slipping through
        raise TemplateError(f"cannot render template: {exc}") from exc


def mask_templates(source: str) -> str:
    """`source` with every `{{ ... }}` replaced by spaces (same length), for text checks."""
    out = []
    i = 0
    while True:
        start = source.find("{{", i)
        end = source.find("}}", start + 2) if start >= 0 else -1
        if start < 0 or end < 0:
            out.append(source[i:])
            return "".join(out)
        out.append(source[i:start])
        out.append(" " * (end + 2 - start))
        i = end + 2

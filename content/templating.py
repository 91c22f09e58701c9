"""Safe copy templating: `{{ customer.<field> }}` only, in a sandboxed Jinja2 environment.

Copy is data written by people, so it is rendered in an immutable sandbox with
StrictUndefined (an unknown name is an error, never an empty string), and every
template is first checked to name only allowlisted customer fields: no filters, no
calls, no statements. HTML output (preview gallery, feed) escapes the whole rendered
copy, literal text as well as values, since copy is text and never markup.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache

import jinja2
import markupsafe
from fanzha.content.config import BANK_SETTINGS, TEMPLATE_FIELDS, CopyContext
from fanzha.content.errors import BankNotConfigured, TemplateError
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

_PLAIN_NODES = (nodes.Template, nodes.Output, nodes.TemplateData)


@dataclass(frozen=True)
class TemplateIssue:
    """One problem in a template: the text to point at and what is wrong."""

    needle: str
    message: str


@cache
def _environment() -> ImmutableSandboxedEnvironment:
    """The sandbox, built on first use (not at import)."""
    return ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # plain text; HTML callers get the whole result escaped
        keep_trailing_newline=True,
    )


def _issues_in(node: nodes.Node, allowed: Collection[str]) -> Iterator[TemplateIssue]:
    """Walk a parsed template; yield every construct other than customer.<allowed>."""
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
            yield TemplateIssue(
                needle,
                f"customer.{attr} may not be used here (image copy is shared by every "
                f"customer); allowed: {', '.join(allowed)}",
            )
        return
    if isinstance(node, nodes.Name):
        yield TemplateIssue(
            node.name, f"template names {node.name!r}; only customer.<field> is allowed"
        )
        return
    if not isinstance(node, _PLAIN_NODES):
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
        try:
            text = _compiled(source).render(customer=context)
        except jinja2.TemplateError as exc:  # e.g. an undefined name slipping through
            raise TemplateError(f"cannot render template: {exc}") from exc
    return str(markupsafe.escape(text)) if html else text


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

"""Templating: only allowlisted customer fields, sandboxed, strict, escaped for HTML."""

from __future__ import annotations

import pytest
from fanzha.content import (
    IMAGE_FIELDS,
    BankNotConfigured,
    ContentConfig,
    CopyContext,
    TemplateError,
    render_template,
)
from fanzha.content.templating import check_template, mask_templates
from hypothesis import given, settings
from hypothesis import strategies as st


@pytest.fixture
def context() -> CopyContext:
    config = ContentConfig(bank_name="示例银行", bank_phone="400-888-0000", cooling_off_days=10)
    return CopyContext.for_locale(config, "zh-CN", segment_label="新就业青年", salutation="王女士")


def test_fills_allowlisted_fields(context: CopyContext) -> None:
    text = "{{ customer.salutation }}，{{ customer.bank_name }}贷款{{ customer.cooling_off_days }}天内可还"
    assert render_template(text, context) == "王女士，示例银行贷款10天内可还"


@pytest.mark.parametrize(
    "source",
    [
        "{{ customer.name }}",
        "{{ customer.id_number }}",
        "{{ customer.__class__ }}",
        "{{ name }}",
        "{{ customer.bank_name|upper }}",
        "{% for x in customer %}{{ x }}{% endfor %}",
        "{{ customer.bank_name.__class__.__mro__ }}",
        "{{ customer. }}",
    ],
)
def test_anything_else_is_refused(source: str, context: CopyContext) -> None:
    with pytest.raises(TemplateError):
        render_template(source, context)


def test_image_copy_may_not_use_salutation(context: CopyContext) -> None:
    with pytest.raises(TemplateError, match=r"customer\.salutation may not be used here"):
        render_template("{{ customer.salutation }}", context, allowed=IMAGE_FIELDS)
    assert render_template("{{ customer.bank_name }}", context, allowed=IMAGE_FIELDS) == "示例银行"


def test_html_output_escapes_copy_and_values() -> None:
    context = CopyContext(segment_label="<b>新市民</b>")
    out = render_template("<i>{{ customer.segment_label }}</i>", context, html=True)
    assert out == "&lt;i&gt;&lt;b&gt;新市民&lt;/b&gt;&lt;/i&gt;"
    assert render_template("<i>", context) == "<i>"


def test_check_names_the_offending_field() -> None:
    (issue,) = check_template("您好 {{ customer.phone }}")
    assert issue.needle == "customer.phone"
    assert issue.message.startswith("template uses undefined field customer.phone")


def test_mask_keeps_positions() -> None:
    text = "拨打{{ customer.bank_phone }}咨询"
    masked = mask_templates(text)
    assert len(masked) == len(text)
    assert masked.startswith("拨打") and masked.endswith("咨询") and "customer" not in masked


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=40))
def test_plain_text_renders_unchanged_and_html_has_no_tags(text: str) -> None:
    context = CopyContext()
    assert render_template(text, context) == text
    escaped = render_template(text, context, html=True)
    assert "<" not in escaped and ">" not in escaped


@pytest.mark.parametrize(
    ("source", "setting"),
    [
        ("挂断后拨打{{ customer.bank_phone }}核实", "FANZHA_BANK_PHONE"),
        ("在{{ customer.bank_name }}App里自己办", "FANZHA_BANK_NAME"),
    ],
)
def test_copy_naming_an_unset_bank_detail_refuses_to_render(source: str, setting: str) -> None:
    unset = CopyContext.for_locale(ContentConfig(), "zh-CN")
    with pytest.raises(BankNotConfigured, match=f"set {setting}") as info:
        render_template(source, unset)
    assert isinstance(info.value, TemplateError)  # callers that catch TemplateError still do
    # copy that does not name the bank renders without it
    assert render_template("挂断电话，拨打110核实", unset) == "挂断电话，拨打110核实"


def test_the_bank_has_no_default_name_or_phone() -> None:
    context = CopyContext.for_locale(ContentConfig(), "en")
    assert context.bank_name == "" and context.bank_phone == ""

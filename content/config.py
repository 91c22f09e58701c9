"""Content configuration (the bank's own terms) and the copy context templates see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from fanzha.content.limits import display_width

LocalizedText = str | Mapping[str, str]

DEFAULT_AUDIENCES = ("all", "elderly", "founders", "young_workers")
# The cast roles a story may ask a segment's readers to see themselves in (its protagonist).
# A bank that adds a segment declares its roles here (ContentConfig.protagonists).
DEFAULT_PROTAGONISTS: Mapping[str, tuple[str, ...]] = {
    "elderly": ("elderly",),
    "founders": ("shop_owner",),
    "young_workers": ("young_worker",),
    "all": ("elderly", "young_worker", "shop_owner", "family"),
}
# Where the bank's own details come from; named in the error when copy needs one unset.
BANK_SETTINGS = {"bank_name": "FANZHA_BANK_NAME", "bank_phone": "FANZHA_BANK_PHONE"}
# Worst-case bank details the lint measures copy with (real banks: 10-character names,
# 400 numbers), so copy that fits the lint fits any bank's details up to these lengths.
SAMPLE_BANK_NAME = {"zh-CN": "长三角新市民商业银行", "en": "Xinmin Commerce Bank"}
SAMPLE_BANK_PHONE = "400-888-0000"

# Fields copy may name as {{ customer.<field> }}; image copy may not use salutation
# so one render serves every customer of a segment.
TEMPLATE_FIELDS = (
    "salutation",
    "segment_label",
    "bank_name",
    "bank_phone",
    "cooling_off_days",
    "cooling_off_waived",
)
IMAGE_FIELDS = tuple(f for f in TEMPLATE_FIELDS if f != "salutation")

_DEFAULT_SALUTATION = {"zh-CN": "您好", "en": "Hello"}


@dataclass(frozen=True)
class ContentConfig:
    """The bank's settings that copy may state: name, number, cooling-off terms.

    The bank's name and phone have no default: copy that names either refuses to render
    until it is configured (BankNotConfigured names the setting).
    """

    bank_name: LocalizedText = ""
    bank_phone: str = ""
    cooling_off_days: int = 7
    cooling_off_waived: LocalizedText = field(
        default_factory=lambda: {"zh-CN": "利息和手续费", "en": "interest and fees"}
    )
    fallback_locale: str = "zh-CN"
    repeat_window_days: int = 28
    audiences: tuple[str, ...] = DEFAULT_AUDIENCES
    protagonists: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_PROTAGONISTS)
    )

    def __post_init__(self) -> None:
        if self.cooling_off_days < 1:
            raise ValueError("cooling_off_days must be at least 1")
        if self.repeat_window_days < 0:
            raise ValueError("repeat_window_days must not be negative")
        if self.bank_phone and not self.bank_phone.replace("-", "").isdigit():
            raise ValueError(f"bank_phone {self.bank_phone!r} must be digits")

    def text(self, name: str, locale: str) -> str:
        """A localized setting in `locale`, else in the fallback locale, else any."""
        value = getattr(self, name)
        if isinstance(value, str):
            return value
        for key in (locale, self.fallback_locale):
            if value.get(key):
                return value[key]
        return next((v for v in value.values() if v), "")

    def allowed_numbers(self) -> frozenset[str]:
        """Phone numbers copy may contain: police, anti-fraud line, 12381, the bank."""
        numbers = {"110", "96110", "12381"}
        if self.bank_phone:
            numbers.add(self.bank_phone.replace("-", ""))
        return frozenset(numbers)


@dataclass(frozen=True)
class CopyContext:
    """What `{{ customer.* }}` may name; nothing else about a customer reaches copy."""

    salutation: str = ""
    segment_label: str = ""
    bank_name: str = ""
    bank_phone: str = ""
    cooling_off_days: int = 7
    cooling_off_waived: str = ""

    @classmethod
    def for_locale(
        cls,
        config: ContentConfig,
        locale: str,
        *,
        segment_label: str = "",
        salutation: str | None = None,
    ) -> CopyContext:
        """The campaign-level context for one locale (and optionally a salutation)."""
        if salutation is None:
            salutation = _DEFAULT_SALUTATION.get(locale, _DEFAULT_SALUTATION["zh-CN"])
        return cls(
            salutation=salutation,
            segment_label=segment_label,
            bank_name=config.text("bank_name", locale),
            bank_phone=config.bank_phone,
            cooling_off_days=config.cooling_off_days,
            cooling_off_waived=config.text("cooling_off_waived", locale),
        )

    def as_dict(self) -> dict[str, str | int]:
        """The allowlisted fields as a plain mapping."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _longer(configured: str, sample: str) -> str:
    """The longer of a configured value and its sample (display width decides)."""
    return configured if display_width(configured) > display_width(sample) else sample


def sample_context(config: ContentConfig, locale: str) -> CopyContext:
    """A worst-case context for measuring copy length in the linter.

    Bank details are the configured ones or the samples (a 10-character name, a
    12-character 400 number), whichever is longer, so the lint passes without a bank
    configured and copy still fits the banks that use long names and 400 numbers.
    """
    zh = locale.startswith("zh")
    long_label = "中老年新市民客户" if zh else "older new citizens"
    long_salutation = "尊敬的客户" if zh else "Dear customer"
    context = CopyContext.for_locale(
        config, locale, segment_label=long_label, salutation=long_salutation
    )
    sample_name = SAMPLE_BANK_NAME["zh-CN" if zh else "en"]
    return replace(
        context,
        bank_name=_longer(context.bank_name, sample_name),
        bank_phone=_longer(context.bank_phone, SAMPLE_BANK_PHONE),
    )

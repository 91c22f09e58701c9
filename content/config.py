"""Content configuration (the bank's own terms) and the copy context templates see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

LocalizedText = str | Mapping[str, str]

DEFAULT_AUDIENCES = ("all", "elderly", "founders", "young_workers")

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
    """The bank's settings that copy may state: name, number, cooling-off terms."""

    bank_name: LocalizedText = field(default_factory=lambda: {"zh-CN": "本行", "en": "our bank"})
    bank_phone: str = ""
    cooling_off_days: int = 7
    cooling_off_waived: LocalizedText = field(
        default_factory=lambda: {"zh-CN": "利息和手续费", "en": "interest and fees"}
    )
    fallback_locale: str = "zh-CN"
    repeat_window_days: int = 28
    audiences: tuple[str, ...] = DEFAULT_AUDIENCES

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
            if key in value:
                return value[key]
        return next(iter(value.values()), "")

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


def sample_context(config: ContentConfig, locale: str) -> CopyContext:
    """A worst-case-ish context for measuring copy length in the linter."""
    long_label = "中老年新市民客户" if locale.startswith("zh") else "older new citizens"
    long_salutation = "尊敬的客户" if locale.startswith("zh") else "Dear customer"
    return CopyContext.for_locale(
        config, locale, segment_label=long_label, salutation=long_salutation
    )

"""Settings: every ``FANZHA_*`` variable, typed and checked when a command starts.

Built with pydantic-settings, never at import time: ``Settings.from_env()`` (or
``Settings()`` with keyword overrides) reads the environment when called. A value that
does not fit is a ``SettingsError`` naming the variable. The three secret keys have no
default; ``Settings.keys()`` parses them with ``KeyRing`` for the commands that need them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fanzha.campaigns.errors import SettingsError
from fanzha.campaigns.variables import KEY_FIELDS, KEY_VARIABLES, VARIABLES
from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

if TYPE_CHECKING:
    from fanzha.delivery.keys import KeyRing


_LONGEST = {"feed_ttl": timedelta(days=3650), "horizon": timedelta(days=366)}


def _days(value: object) -> object:
    """A whole number of days (from the environment) as a timedelta; timedeltas pass."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > 100_000:  # beyond any sensible horizon, and before timedelta overflows
            raise ValueError(f"{value} days is out of range")
        return timedelta(days=value)
    raise ValueError(f"expected a whole number of days, got {value!r}")


class Settings(BaseSettings):
    """Everything fanzha reads from its environment (field docs name each variable)."""

    model_config = SettingsConfigDict(
        frozen=True, validate_by_name=True, validate_by_alias=True, extra="ignore"
    )

    db_url: str = Field(
        "sqlite:///fanzha.db",
        alias="FANZHA_DB",
        description=VARIABLES["FANZHA_DB"],
        min_length=1,
    )
    secret: SecretStr | None = Field(
        None,
        alias="FANZHA_SECRET",
        description=VARIABLES["FANZHA_SECRET"],
    )
    backend_key: SecretStr | None = Field(
        None,
        alias="FANZHA_BACKEND_KEY",
        description=VARIABLES["FANZHA_BACKEND_KEY"],
    )
    webhook_secret: SecretStr | None = Field(
        None,
        alias="FANZHA_WEBHOOK_SECRET",
        description=VARIABLES["FANZHA_WEBHOOK_SECRET"],
    )
    gateway_url: str | None = Field(
        None, alias="FANZHA_GATEWAY_URL", description=VARIABLES["FANZHA_GATEWAY_URL"]
    )
    gateway_kind: Literal["webhook", "jpush"] = Field(
        "webhook",
        alias="FANZHA_GATEWAY_KIND",
        description=VARIABLES["FANZHA_GATEWAY_KIND"],
    )
    gateway_batch: int = Field(
        500,
        alias="FANZHA_GATEWAY_BATCH",
        description=VARIABLES["FANZHA_GATEWAY_BATCH"],
        ge=1,
        le=1000,
    )
    jpush_app_key: str = Field(
        "", alias="FANZHA_JPUSH_APP_KEY", description=VARIABLES["FANZHA_JPUSH_APP_KEY"]
    )
    jpush_secret: SecretStr | None = Field(
        None,
        alias="FANZHA_JPUSH_SECRET",
        description=VARIABLES["FANZHA_JPUSH_SECRET"],
    )
    media_dir: Path = Field(
        Path("fanzha-media"),
        alias="FANZHA_MEDIA_DIR",
        description=VARIABLES["FANZHA_MEDIA_DIR"],
    )
    schema_path: Path | None = Field(
        None,
        alias="FANZHA_SCHEMA",
        description=VARIABLES["FANZHA_SCHEMA"],
    )
    content_paths: Annotated[tuple[Path, ...], NoDecode] = Field(
        (),
        alias="FANZHA_CONTENT",
        description=VARIABLES["FANZHA_CONTENT"],
    )
    bank_name: str | None = Field(
        None, alias="FANZHA_BANK_NAME", description=VARIABLES["FANZHA_BANK_NAME"]
    )
    bank_name_en: str | None = Field(
        None, alias="FANZHA_BANK_NAME_EN", description=VARIABLES["FANZHA_BANK_NAME_EN"]
    )
    bank_phone: str | None = Field(
        None,
        alias="FANZHA_BANK_PHONE",
        description=VARIABLES["FANZHA_BANK_PHONE"],
        pattern=r"^[0-9][0-9-]*$",
    )
    cooling_off_days: int = Field(
        7,
        alias="FANZHA_COOLING_OFF_DAYS",
        description=VARIABLES["FANZHA_COOLING_OFF_DAYS"],
        ge=1,
        le=365,
    )
    cooling_off_waived: str = Field(
        "利息和手续费",
        alias="FANZHA_COOLING_OFF_WAIVED",
        description=VARIABLES["FANZHA_COOLING_OFF_WAIVED"],
    )
    cooling_off_waived_en: str = Field(
        "interest and fees",
        alias="FANZHA_COOLING_OFF_WAIVED_EN",
        description=VARIABLES["FANZHA_COOLING_OFF_WAIVED_EN"],
    )
    feed_ttl: timedelta = Field(
        timedelta(days=60),
        alias="FANZHA_FEED_TTL_DAYS",
        description=VARIABLES["FANZHA_FEED_TTL_DAYS"],
    )
    horizon: timedelta = Field(
        timedelta(days=7),
        alias="FANZHA_HORIZON_DAYS",
        description=VARIABLES["FANZHA_HORIZON_DAYS"],
    )
    render_processes: int = Field(
        2,
        alias="FANZHA_RENDER_PROCESSES",
        description=VARIABLES["FANZHA_RENDER_PROCESSES"],
        ge=1,
        le=64,
    )
    public_url: str = Field(
        "http://127.0.0.1:8000",
        alias="FANZHA_PUBLIC_URL",
        description=VARIABLES["FANZHA_PUBLIC_URL"],
        pattern=r"^https?://\S+$",
    )
    # The global control group is the bank's, not a campaign's: every campaign must agree
    # on it, so it lives here rather than in a campaign file (docs/STATISTICS.md).
    control_pct: float = Field(
        0.0,
        alias="FANZHA_CONTROL_PCT",
        description=VARIABLES["FANZHA_CONTROL_PCT"],
        ge=0,
        le=20,
    )
    control_epoch_months: int = Field(
        3,
        alias="FANZHA_CONTROL_EPOCH_MONTHS",
        description=VARIABLES["FANZHA_CONTROL_EPOCH_MONTHS"],
        ge=1,
        le=120,
    )
    control_anchor: date = Field(
        date(2000, 1, 1),
        alias="FANZHA_CONTROL_ANCHOR",
        description=VARIABLES["FANZHA_CONTROL_ANCHOR"],
    )
    control_risk_prompts: bool = Field(
        True,
        alias="FANZHA_CONTROL_RISK_PROMPTS",
        description=VARIABLES["FANZHA_CONTROL_RISK_PROMPTS"],
    )

    @field_validator("gateway_url", "bank_name", "bank_name_en", "bank_phone", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("content_paths", mode="before")
    @classmethod
    def _path_list(cls, value: object) -> object:
        if isinstance(value, str):  # FANZHA_CONTENT: folders separated like PATH
            return tuple(Path(p) for p in value.split(os.pathsep) if p.strip())
        return value

    @field_validator("feed_ttl", "horizon", mode="before")
    @classmethod
    def _whole_days(cls, value: object) -> object:
        return _days(value)

    @field_validator("feed_ttl", "horizon")
    @classmethod
    def _in_range(cls, value: timedelta, info: ValidationInfo) -> timedelta:
        longest = _LONGEST[info.field_name or ""]
        if not timedelta(days=1) <= value <= longest:
            raise ValueError(f"must be between 1 and {longest.days} days")
        return value

    def __init__(self, **values: Any) -> None:
        """Read the environment; ``values`` (by field or variable name) take precedence."""
        try:
            super().__init__(**values)
        except ValidationError as exc:  # one line per variable instead of pydantic's report
            raise SettingsError.from_validation(exc, _VARIABLES) from None

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Settings from the process environment, with some values given by field name."""
        return cls(**overrides)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed by field name, checked like the environment's."""
        return type(self)(**{**self.model_dump(), **changes})

    def keyring(self, variable: str) -> KeyRing:
        """The keys of one of ``KEY_VARIABLES``; ``KeyError_`` names it when unset or weak."""
        from fanzha.delivery.keys import KeyRing

        value: SecretStr | None = getattr(self, KEY_FIELDS[variable])
        return KeyRing.parse(variable, value.get_secret_value() if value else None)

    def token_keys(self) -> KeyRing:
        """``FANZHA_SECRET``: the keys that sign and verify feed tokens."""
        return self.keyring("FANZHA_SECRET")

    def backend_keys(self) -> KeyRing:
        """``FANZHA_BACKEND_KEY``: the keys the bank's backend presents to the API."""
        return self.keyring("FANZHA_BACKEND_KEY")

    def webhook_keys(self) -> KeyRing:
        """``FANZHA_WEBHOOK_SECRET``: the keys that sign pushes to the gateway."""
        return self.keyring("FANZHA_WEBHOOK_SECRET")

    def keys(self) -> Keys:
        """All three keys, or one ``SettingsError`` line per missing or weak variable."""
        from fanzha.delivery.errors import KeyError_

        rings: dict[str, KeyRing] = {}
        problems = []
        for variable in KEY_VARIABLES:
            try:
                rings[variable] = self.keyring(variable)
            except KeyError_ as exc:
                problems.append(str(exc))  # names the variable and `fanzha keys generate`
        names = list(rings)
        for i, name in enumerate(names):  # one job per key: a gateway must not mint tokens
            for other in names[i + 1 :]:
                if {k for _, k in rings[name].keys} & {k for _, k in rings[other].keys}:
                    problems.append(f"{name} shares a key with {other}; each needs its own")
        if problems:
            raise SettingsError(problems)
        return Keys(
            token=rings["FANZHA_SECRET"],
            backend=rings["FANZHA_BACKEND_KEY"],
            webhook=rings["FANZHA_WEBHOOK_SECRET"],
        )


@dataclass(frozen=True)
class Keys:
    """The three key rings the services use."""

    token: KeyRing
    backend: KeyRing
    webhook: KeyRing


# Field name → the variable that sets it (error messages name the variable).
_VARIABLES = {name: str(field.alias) for name, field in Settings.model_fields.items()}

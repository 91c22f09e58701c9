"""New secret keys: one for a variable, or the three ``export`` lines a deployment needs."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path

from fanzha.campaigns.variables import KEY_FIELDS, KEY_VARIABLES

__all__ = ["as_fields", "env_lines", "new_key", "new_keys", "write_env_file"]


def new_key() -> str:
    """A random key of 32 bytes (base64url), strong enough for any of the three variables."""
    from fanzha.delivery.keys import generate_key

    return generate_key()


def new_keys() -> dict[str, str]:
    """A fresh key for each of ``FANZHA_SECRET``, ``FANZHA_BACKEND_KEY``, ``FANZHA_WEBHOOK_SECRET``."""
    return {name: new_key() for name in KEY_VARIABLES}


def as_fields(keys: Mapping[str, str]) -> dict[str, str]:
    """Keys by variable, as ``Settings`` field names (for ``Settings.replace``)."""
    return {KEY_FIELDS[name]: value for name, value in keys.items()}


def env_lines(values: Mapping[str, str]) -> list[str]:
    """``export NAME=VALUE`` lines, quoted for a POSIX shell."""
    return [f"export {name}={shlex.quote(value)}" for name, value in values.items()]


def write_env_file(path: Path, values: Mapping[str, str]) -> Path:
    """Write variables as a shell file only its owner can read (it holds keys)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    header = f"# fanzha settings and keys; load them into a shell with:  . {path}"
    path.write_text("\n".join([header, *env_lines(values)]) + "\n", encoding="utf-8")
    return path

"""Errors of the renderer package.

RenderError (fanzha.errors.FanzhaError)
├── TextOverflowError (ValueError)    text that does not fit its box even at the minimum size
├── UnknownFormat (LookupError)       a format name outside card/story/square/banner/poster-a4/poster-a3
├── FontNotFound (LookupError)        no usable CJK font
├── AccessibilityError (ValueError)   contrast or text size below the mode's minimum
├── UnknownArtName (ValueError)       a role, expression, scene or facing the cast lacks
└── PosterError (ValueError)          a poster that cannot be made as asked (bank name, QR address)
"""

from __future__ import annotations

from fanzha.errors import FanzhaError


class RenderError(FanzhaError):
    """Base error of the renderer package."""


class TextOverflowError(RenderError, ValueError):
    """Text that does not fit its box at the format's minimum size; names the box."""


class UnknownFormat(RenderError, LookupError):
    """A format name the renderer does not know."""


class FontNotFound(RenderError, LookupError):
    """No usable CJK font was found."""


class AccessibilityError(RenderError, ValueError):
    """A render below its accessibility minimums."""


class UnknownArtName(RenderError, ValueError):
    """A role, expression, scene or facing the cast does not have; names the closest one."""


class PosterError(RenderError, ValueError):
    """A poster that cannot be made as asked: no bank name, a QR address no phone can reach."""

"""The base error of fanzha: every package's base error derives from it.

FanzhaError (Exception)
├── CampaignsError     fanzha.campaigns.errors (campaign files, settings, the store's state)
├── SegmentsError      fanzha.segments.errors (customer data, rules)
├── ContentError       fanzha.content.errors (warning files, templates)
├── RenderError        fanzha.renderer.errors (formats, fonts, accessibility)
└── DeliveryError      fanzha.delivery.errors (store, gateways, tokens, keys)

A caller that wants every user mistake in one place catches ``FanzhaError``; each error also
subclasses the matching built-in (``ValueError``, ``LookupError``, …).
"""

from __future__ import annotations

__all__ = ["FanzhaError"]


class FanzhaError(Exception):
    """Base of every error fanzha raises on purpose (a user mistake or an unusable input)."""

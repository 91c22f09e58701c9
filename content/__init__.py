"""fanzha content: the warning library, selection, templating and lint."""

from content.copy import CastMember, Line, Panel, WarningCopy

__all__ = ["CastMember", "Line", "Panel", "WarningCopy"]

"""fanzha campaigns package."""

__all__: list[str] = []

"""fanzha content package."""

__all__: list[str] = []

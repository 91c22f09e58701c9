"""fanzha delivery package."""

__all__: list[str] = []

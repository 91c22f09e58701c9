"""fanzha renderer package."""

__all__: list[str] = []

"""fanzha segments package."""

__all__: list[str] = []

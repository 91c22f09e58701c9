"""``python -m fanzha``: the ``fanzha`` command."""

from fanzha.campaigns.cli import main

main()

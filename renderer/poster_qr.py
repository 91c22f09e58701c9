"""A poster's QR code: only a configured public https address, drawn as vector modules.

Error correction M, a 4-module quiet zone and modules of at least 1 mm (scams.md: wall posters).
A code pointing at localhost or a private network would be printed hundreds of times and work
for nobody: it is refused, naming the setting.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import segno
from fanzha.renderer.errors import PosterError

if TYPE_CHECKING:
    from fanzha.renderer.poster_formats import PosterFormat

__all__ = ["QUIET_ZONE", "qr_data", "qr_problem"]

QUIET_ZONE = 4
MIN_MODULE_MM = 1.0
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet")


def qr_problem(url: str) -> str | None:
    """Why an address cannot go on a printed poster, or None if it can."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host:
        return f"{url!r} is not an https:// address; a printed code must open the bank's site"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(_LOCAL_SUFFIXES) or "." not in host:
            return f"{url!r} points at this machine or a private network, not the public web"
        return None
    if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_unspecified:
        return f"{url!r} is a private or local address that no passer-by's phone can reach"
    return None


def qr_data(url: str | None, fmt: PosterFormat, locale: str) -> dict[str, Any] | None:
    """The template's QR: modules as row runs, module size in mm, and the manifest's facts."""
    if not url:
        return None
    problem = qr_problem(url)
    if problem is not None:
        raise PosterError(f"qr: {problem}")
    code = segno.make(url.strip(), error="m", boost_error=False, micro=False)
    rows = [list(r) for r in code.matrix]
    size = len(rows)
    target = 34.0 * fmt.scale  # the code with its quiet zone, on A3 about 34 mm
    module = max(MIN_MODULE_MM, round(target / (size + 2 * QUIET_ZONE), 3))
    runs = []
    for y, row in enumerate(rows):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append([y, start, x - start])
            else:
                x += 1
    return {
        "size": size,
        "module": module,
        "runs": runs,
        "facts": {
            "payload": url.strip(),
            "error": "M",
            "version": int(code.version) if str(code.version).isdigit() else 0,
            "modules": size,
            "quiet_zone_modules": QUIET_ZONE,
            "module_mm": module,
        },
    }

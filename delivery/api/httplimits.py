"""A request-head limit inside the server: an oversized head is refused before it is read whole.

uvicorn's h11 protocol has a limit (``h11_max_incomplete_event_size``); its httptools protocol,
the one ``uvicorn[standard]`` uses, has none: a 64 MB header was read into memory. This
subclass counts the bytes of each request head as they arrive and answers 431 once they pass
the limit, closing the connection. (The app's ``RequestLimits`` middleware checks the parsed
head too, for servers other than ``serve``.)
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_431 = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: application/json\r\n"
    b"content-length: 45\r\n"
    b"x-content-type-options: nosniff\r\n"
    b"cache-control: no-store\r\n"
    b"connection: close\r\n\r\n"
    b'{"detail": "request header fields too large"}'
)


class HeadLimitedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol that stops reading a request head past ``max_head_bytes``.

    Bytes are counted per chunk while a head is incomplete, from the chunk after the one the
    request began in (that chunk may hold the end of the previous request), so at most the
    limit and two socket reads are buffered. The exact limit is the app's (``RequestLimits``).
    """

    max_head_bytes = 16_384

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._in_head = False
        self._began = False

    def on_message_begin(self) -> None:
        """A new request: its head starts here."""
        super().on_message_begin()
        self._in_head, self._began, self._head_bytes = True, True, 0

    def on_headers_complete(self) -> None:
        """The head is complete: what follows is the body."""
        self._in_head = False
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        """Parse, then refuse if the head is still incomplete and past the limit."""
        self._began = False
        super().data_received(data)
        if self._in_head and not self._began and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head_bytes:
                self.logger.warning("Request head over %d bytes refused.", self.max_head_bytes)
                self.transport.write(_431)
                self.transport.close()


def limited_protocol(max_head_bytes: int) -> type[HeadLimitedHttpTools]:
    """The protocol class for uvicorn's ``http=`` with this limit."""
    return type("HeadLimitedHttpTools", (HeadLimitedHttpTools,), {"max_head_bytes": max_head_bytes})

"""The benches' HTTP client: one aiohttp session per simulated person.

One process must hold hundreds of open event streams while it posts cards:
threads would spend the bench's own CPU fighting for the GIL, so everything
runs on one event loop. Each `Client` is one phone or tablet: its own cookie
jar, its own keep-alive connections, and the small interface the benches
share (answers as `(status, headers, body)`, Server-Sent Events as
`(id, event, data)`).
"""

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from urllib.parse import urlencode

import aiohttp
from multidict import CIMultiDictProxy

# A bench must never hang: every answer has this long to come, and an open
# stream must say something (an event or its 15 s keep-alive) this often.
REQUEST_TIMEOUT = 20.0
STREAM_SILENCE_TIMEOUT = 40.0

Answer = tuple[int, CIMultiDictProxy[str], bytes]


class HTTPError(Exception):
    """No complete answer: timeout, refused or dropped connection."""


class Client:
    """One participant: a cookie jar and keep-alive connections."""

    def __init__(self, host: str, port: int) -> None:
        self.base = f"http://{host}:{port}"
        self.csrf = ""
        self._jar: aiohttp.CookieJar | None = None
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _open(self) -> aiohttp.ClientSession:
        """The session, opened on the running loop (a bench may run several
        loops one after the other: the cookies carry over)."""
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            # The server is an IP address: aiohttp keeps no cookie for one
            # unless told to.
            self._jar = self._jar or aiohttp.CookieJar(unsafe=True)
            self._session = aiohttp.ClientSession(
                self.base,
                cookie_jar=self._jar,
                # Uncompressed, as the benches always asked (the server's
                # figures do not include compressing every answer).
                headers={"Accept-Encoding": "identity"},
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
            )
            self._loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """Send a request; a connection the server had closed is retried once,
        as a browser does.

        :raise HTTPError: no complete answer within REQUEST_TIMEOUT seconds,
            or the connection failed twice.
        """
        for attempt in range(2):
            try:
                async with self._open().request(
                    method, path, data=body, headers=headers, allow_redirects=False
                ) as response:
                    return response.status, response.headers, await response.read()
            except TimeoutError:
                raise HTTPError(f"no answer within {REQUEST_TIMEOUT:g} s") from None
            except aiohttp.ClientConnectionError as error:
                if attempt:
                    raise HTTPError(type(error).__name__) from error
            except aiohttp.ClientError as error:
                raise HTTPError(type(error).__name__) from error
        raise AssertionError("unreachable")

    async def get(self, path: str) -> Answer:
        return await self.request("GET", path)

    async def post_form(self, path: str, fields: dict[str, str]) -> Answer:
        body = urlencode(fields).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        return await self.request("POST", path, body, form)

    async def post_json(self, path: str, payload: dict) -> Answer:
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.csrf}
        return await self.request("POST", path, json.dumps(payload).encode(), headers)

    async def events(
        self, path: str, on_open: Callable[[], None] | None = None
    ) -> AsyncIterator[tuple[str, str, str]]:
        """Open a Server-Sent Events stream; yield (id, event, data) tuples.

        `on_open()` is called once the server has answered 200.

        :raise HTTPError: no answer, an answer other than 200, or a stream
            silent for STREAM_SILENCE_TIMEOUT seconds.
        """
        timeout = aiohttp.ClientTimeout(
            total=None, connect=REQUEST_TIMEOUT, sock_read=STREAM_SILENCE_TIMEOUT
        )
        headers = {"Accept": "text/event-stream"}
        try:
            async with self._open().get(
                path, headers=headers, timeout=timeout
            ) as response:
                if response.status != 200:
                    raise HTTPError(f"stream answered {response.status}")
                if on_open is not None:
                    on_open()
                async for event in _parse_events(response.content):
                    yield event
        except TimeoutError:
            raise HTTPError("stream: silent") from None
        except aiohttp.ClientError as error:
            raise HTTPError(f"stream: {type(error).__name__}") from error


async def _parse_events(
    content: aiohttp.StreamReader,
) -> AsyncIterator[tuple[str, str, str]]:
    """The events of a text/event-stream body, as the HTML standard reads it."""
    event_id, event, data = "", "message", []
    async for raw in content:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                yield event_id, event, "\n".join(data)
            event, data = "message", []
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "id":
                event_id = value
            elif name == "event":
                event = value
            elif name == "data":
                data.append(value)

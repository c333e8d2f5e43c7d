"""A tiny HTTP/1.1 client on asyncio streams, enough for a load bench.

One process must hold hundreds of open event streams while it posts cards:
threads would spend the bench's own CPU fighting for the GIL, so everything
runs on one event loop with raw sockets (standard library only).
"""

import asyncio
import json
from collections.abc import AsyncIterator
from urllib.parse import urlencode

# A bench must never hang: every answer has this long to come, and an open
# stream must say something (an event or its 15 s keep-alive) this often.
REQUEST_TIMEOUT = 20.0
STREAM_SILENCE_TIMEOUT = 40.0


class HTTPError(Exception):
    pass


async def _read_headers(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    status_line = await reader.readline()
    if not status_line:
        raise HTTPError("connection closed before the answer")
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    cookies = []
    while True:
        line = (await reader.readline()).decode("latin-1").rstrip("\r\n")
        if not line:
            break
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "set-cookie":
            cookies.append(value.strip())
        headers[name] = value.strip()
    headers["_cookies"] = "\n".join(cookies)
    return status, headers


async def _chunks(reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
    while True:
        size_line = await reader.readline()
        if not size_line:
            return
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            await reader.readline()
            return
        data = await reader.readexactly(size)
        await reader.readexactly(2)
        yield data


class Client:
    """One participant: a cookie jar and one keep-alive connection for posts."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self._conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self.csrf = ""

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep(self, headers: dict[str, str]) -> None:
        for cookie in headers.get("_cookies", "").split("\n"):
            if "=" in cookie:
                name, _, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0]

    def _head(self, method: str, path: str, extra: dict[str, str]) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + self._cookie_header())
        lines += [f"{k}: {v}" for k, v in extra.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        timeout: float = REQUEST_TIMEOUT,
    ) -> tuple[int, dict[str, str], bytes]:
        """Send a request on the keep-alive connection (reopened if closed).

        :raise HTTPError: no complete answer within `timeout` seconds (the
            connection is dropped, as a browser would).
        """
        try:
            return await asyncio.wait_for(
                self._request(method, path, body, headers), timeout
            )
        except TimeoutError:
            if self._conn is not None:
                self._conn[1].close()
                self._conn = None
            raise HTTPError(f"no answer within {timeout:g} s") from None

    async def _request(
        self,
        method: str,
        path: str,
        body: bytes,
        headers: dict[str, str] | None,
    ) -> tuple[int, dict[str, str], bytes]:
        extra = dict(headers or {})
        if body or method == "POST":
            extra["Content-Length"] = str(len(body))
        for attempt in range(2):
            if self._conn is None:
                self._conn = await asyncio.open_connection(self.host, self.port)
            reader, writer = self._conn
            try:
                writer.write(self._head(method, path, extra) + body)
                await writer.drain()
                status, answer_headers = await _read_headers(reader)
                break
            except (HTTPError, ConnectionError):
                writer.close()
                self._conn = None
                if attempt:
                    raise
        if answer_headers.get("transfer-encoding", "").lower() == "chunked":
            data = b"".join([c async for c in _chunks(reader)])
        elif "content-length" in answer_headers:
            data = await reader.readexactly(int(answer_headers["content-length"]))
        else:
            data = await reader.read()
            answer_headers["connection"] = "close"
        if answer_headers.get("connection", "").lower() == "close":
            writer.close()
            self._conn = None
        self._keep(answer_headers)
        return status, answer_headers, data

    async def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return await self.request("GET", path)

    async def post_form(self, path: str, fields: dict[str, str]):
        body = urlencode(fields).encode()
        return await self.request(
            "POST",
            path,
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    async def post_json(self, path: str, payload: dict):
        body = json.dumps(payload).encode()
        return await self.request(
            "POST",
            path,
            body,
            {"Content-Type": "application/json", "X-CSRFToken": self.csrf},
        )

    async def events(
        self, path: str, on_open=None
    ) -> AsyncIterator[tuple[str, str, str]]:
        """Open a Server-Sent Events stream; yield (id, event, data) tuples.

        `on_open()` is called once the server has answered 200.
        """
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port), REQUEST_TIMEOUT
        )
        try:
            writer.write(self._head("GET", path, {"Accept": "text/event-stream"}))
            await writer.drain()
            try:
                status, headers = await asyncio.wait_for(
                    _read_headers(reader), REQUEST_TIMEOUT
                )
            except TimeoutError:
                raise HTTPError("stream: no answer") from None
            if status != 200:
                raise HTTPError(f"stream answered {status}")
            if on_open is not None:
                on_open()
            if headers.get("transfer-encoding", "").lower() == "chunked":
                source = _chunks(reader)
            else:
                source = _raw(reader)
            buffer = ""
            event_id, event, data = "", "message", []
            while True:
                try:
                    async with asyncio.timeout(STREAM_SILENCE_TIMEOUT):
                        chunk = await anext(source)
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    raise HTTPError("stream: silent") from None
                buffer += chunk.decode("utf-8")
                while "\n" in buffer:
                    line, buffer = buffer.split("\n", 1)
                    line = line.rstrip("\r")
                    if not line:
                        if data:
                            yield event_id, event, "\n".join(data)
                        event, data = "message", []
                    elif line.startswith(":"):
                        continue
                    else:
                        name, _, value = line.partition(":")
                        value = value[1:] if value.startswith(" ") else value
                        if name == "id":
                            event_id = value
                        elif name == "event":
                            event = value
                        elif name == "data":
                            data.append(value)
        finally:
            writer.close()


async def _raw(reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
    while True:
        data = await reader.read(65536)
        if not data:
            return
        yield data

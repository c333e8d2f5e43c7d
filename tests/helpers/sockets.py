"""Real servers in tests: free ports and reading a socket until a marker."""

import socket
import time

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def read_until(sock: socket.socket, marker: bytes, seconds: float = 5) -> bytes:
    """Read until `marker` arrives; fail after `seconds`."""
    data = b""
    deadline = time.monotonic() + seconds
    while marker not in data:
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            pytest.fail(f"{marker!r} not received within {seconds} s: {data[-300:]!r}")
        if not chunk:
            break
        data += chunk
    return data

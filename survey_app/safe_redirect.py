"""Where a sign-in may send the browser next: a path of this site, nothing else.

Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
`/<tab>/evil.example` or `/\\evil.example` lead to another site although they
start with a single slash, and a newline made the redirect itself fail with
a 500 (issue 8, E2). Anything a browser would rewrite is refused outright.
"""

from urllib.parse import urlsplit


def local_target(target: str) -> str | None:
    """`target` if it is a path on this site as a browser reads it, else None."""
    if not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target

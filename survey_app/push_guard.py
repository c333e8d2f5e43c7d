"""Push endpoints are URLs the server POSTs to: keep them on the public internet.

A subscription's endpoint comes from a browser, so anyone signed in chooses
where our server connects. `urlsplit` and the HTTP library pywebpush uses
(requests over urllib3) disagreed on `https://localhost\\@fcm.googleapis.com/`:
the allow-list saw Google, urllib3 connected to localhost (issue 8, E1).

So an endpoint is accepted only if it is plain: HTTPS on port 443, a host
name on the allow-list, no user info, no backslash, no IP literal, nothing
outside printable ASCII, and both parsers read the same host. At send time
the name is resolved once, every address must be public, and the connection
is made to that checked address (a name that resolves to a public address
for the check and to 127.0.0.1 a moment later gains nothing).
"""

import ipaddress
import socket
import string
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util import parse_url

from .settings import setting

_PLAIN = set(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")


class UnsafeAddress(OSError):
    """The push service's name leads inside the network: nothing is sent."""


def test_service(config: dict[str, Any]) -> str | None:
    """The local push service the tests run (an origin), never outside tests."""
    testing = bool(config["TESTING"]) if "TESTING" in config else False
    return setting(config, "PUSH_TEST_SERVICE") if testing else None


def endpoint_allowed(endpoint: str, config: dict[str, Any], hosts: tuple) -> bool:
    """Whether `endpoint` is an HTTPS URL of an allowed push service."""
    local = test_service(config)
    if local and endpoint.startswith(local + "/"):
        return True
    if not endpoint or not set(endpoint) <= _PLAIN:  # no \\, space, control char
        return False
    try:
        ours, theirs = urlsplit(endpoint), parse_url(endpoint)
        our_port = ours.port
    except ValueError:
        return False
    host = ours.hostname or ""
    same_reading = (
        (theirs.scheme or "").lower() == ours.scheme.lower() == "https"
        and (theirs.host or "").lower() == host
        and theirs.port == our_port
        and theirs.auth is None
    )
    if not same_reading or "@" in ours.netloc or our_port not in (None, 443):
        return False
    if _is_ip_literal(host):
        return False
    return any(host == h or host.endswith("." + h) for h in hosts)


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        # Forms getaddrinfo still reads as addresses: 2130706433, 0x7f.1, 127.1.
        return host.replace(".", "").isdigit() or host.lower().startswith("0x")
    return True


def public_address(host: str, port: int) -> str:
    """One address of `host`, after checking that every one of them is public.

    :raise UnsafeAddress: an address is private, loopback, link-local…
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise UnsafeAddress(f"{host} mène à une adresse interne ({ip}).")
    if not addresses:
        raise UnsafeAddress(f"{host} n'a pas d'adresse.")
    return addresses[0]


class _PublicOnly:
    """Connect to the checked address; TLS still verifies the host name."""

    def _new_conn(self):
        name = self._dns_host
        self._dns_host = public_address(name, self.port)
        try:
            return super()._new_conn()
        finally:
            self._dns_host = name


class _HTTPSConnection(_PublicOnly, urllib3.connection.HTTPSConnection):
    pass


class _HTTPConnection(_PublicOnly, urllib3.connection.HTTPConnection):
    pass


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _HTTPPool,
            "https": _HTTPSPool,
        }


def public_session() -> requests.Session:
    """A requests session that only ever connects to public addresses."""
    session = requests.Session()
    # No proxy from the environment: through a proxy, the proxy would
    # connect, and the checks above would not apply.
    session.trust_env = False
    adapter = _PublicOnlyAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session

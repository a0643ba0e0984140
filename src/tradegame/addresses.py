"""Web addresses shared by ``tradegame serve`` and the room server: which hosts are this machine,
what origin a URL or an ``Origin`` header names, and which pages may open a game.

A module of its own (standard library only) so that :mod:`tradegame.rooms` checks origins without
importing :mod:`tradegame.commands`, its caller.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def origin_of(url: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an http(s) URL or ``Origin`` header; None if it is not one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


def is_unspecified(host: str) -> bool:
    """Whether ``host`` means every address of this machine (``0.0.0.0``, ``::``)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def own_url(host: str, port: int, public_url: str | None) -> str | None:
    """The URL the page's links use: ``--public-url`` without a trailing slash (the links
    append ``/static/...``; ``//static`` is not found), else None (textual-serve builds
    ``http://HOST:PORT``) except for an IPv6 address, which a URL writes in brackets."""
    if public_url is not None:
        return public_url.rstrip("/")
    if ":" in host and not host.startswith("["):
        return f"http://[{host}]:{port}"
    return None


def allowed_origins(host: str, port: int, public_url: str | None) -> set[tuple[str, str, int]]:
    """The pages that may open a game: the public URL's, and this address's own (with the
    other spellings of loopback, since a browser on this machine may use any of them; also
    when serving on every address, where loopback is this server too)."""
    found = set()
    if public_url is not None:
        public = origin_of(public_url)
        if public is not None:
            found.add(public)
    if is_loopback(host) or is_unspecified(host):
        found |= {("http", name, port) for name in ("localhost", "127.0.0.1", "::1")}
    elif public_url is None:
        found.add(("http", host.lower(), port))
    return found

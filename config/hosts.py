"""The platform's public host, from its settings, and the hosts no deployment can have.

Calendar UIDs are made of the public host (issue 18, section 2): it must be the
deployment's own and stable, so production refuses a placeholder (``validate``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from inspir_events.security import is_loopback

# Hosts that name no real deployment: RFC 2606 and RFC 6761 reserved names, one-label names.
PLACEHOLDER_SUFFIXES = (".example", ".invalid", ".test", ".localhost", ".local",
                        ".example.com", ".example.org", ".example.net")
PLACEHOLDER_HOSTS = ("example.com", "example.org", "example.net", "localhost")


def public_host(settings) -> str | None:
    """The platform's public host name: PUBLIC_URL's, else SERVER_NAME's (no port)."""
    url = (settings.get("PUBLIC_URL") or "").strip()
    if url:
        return urlsplit(url if "//" in url else f"//{url}").hostname or None
    name = (settings.get("SERVER_NAME") or "").strip()
    if not name:
        return None
    return urlsplit(f"//{name}").hostname or None


def is_placeholder_host(host: str) -> bool:
    """A host that cannot be a deployment's: reserved for examples and tests, loopback, an
    address rather than a name, or a single label."""
    host = host.lower().rstrip(".")
    if host in PLACEHOLDER_HOSTS or host.endswith(PLACEHOLDER_SUFFIXES) or is_loopback(host):
        return True
    return "." not in host or host.replace(".", "").isdigit() or ":" in host

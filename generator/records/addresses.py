"""Web addresses a record may link to: a full http(s) URL with a real host, in `links:` and in abstracts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.records import abstract_links
from generator.records.problems import quoted

_HOST_LABEL_RE = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_IPV6_RE = re.compile(r"\[[0-9A-Fa-f:.]+\]")
_PORT_RE = re.compile(r"[0-9]+")


def url_problem(url: str) -> str | None:
    """Why `url` is not an absolute http(s) URL that is safe to link to, or None when it is."""
    match = re.match(r"^https?://([^/?#]*)", url, re.IGNORECASE)
    if not match or re.search(r"[\s<>\"'`\\]", url):
        return f"{quoted(url)} is not an http(s) address; write the full address, starting with https://"
    authority = match.group(1)
    if "@" in authority:  # https://arxiv.org@evil.example/ goes to evil.example
        return (
            f"{quoted(url)} has a user name before '@', which hides the real host"
            f" ({quoted(authority.rsplit('@', 1)[1])}); link to the page itself, without the part before '@'"
        )
    host, _, port = authority.rpartition(":") if not authority.endswith("]") else (authority, "", "")
    if not host:
        host, port = authority, ""
    if port and (not _PORT_RE.fullmatch(port) or not 1 <= int(port) <= 65535):
        return f"{quoted(url)} has an invalid port ':{port}'; a port is a number from 1 to 65535, or none"
    labels = host.rstrip(".").split(".")
    if not (_IPV6_RE.fullmatch(host) or all(_HOST_LABEL_RE.fullmatch(label) for label in labels)):
        return f"{quoted(url)} has an invalid host; write the full address, starting with https://"
    return None


def abstract_link_problems(abstract: str) -> Iterator[tuple[int, str]]:
    """Each link of the abstract that does not go to a full http(s) address, with its line."""
    for line, dest in abstract_links.destinations(abstract):
        if dest.startswith("#") or not dest:
            yield (
                line,
                (
                    f"links to {quoted(dest or 'nothing')}, an anchor or empty target that no page of the"
                    " site has; link to a full address (https://...) or remove the link"
                ),
            )
        elif "@" in dest and not re.match(r"https?://", dest, re.IGNORECASE) and ":" not in dest:
            yield line, f"links to the e-mail address {quoted(dest)}; an abstract links only to web addresses"
        elif not re.match(r"https?://", dest, re.IGNORECASE):
            yield (
                line,
                (
                    f"links to {quoted(dest)}, which is not a full web address; an abstract links only to"
                    " addresses starting with https://, so write the full URL or remove the link"
                ),
            )
        else:
            problem = url_problem(dest)
            if problem:
                yield line, problem

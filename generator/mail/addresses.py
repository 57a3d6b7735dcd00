"""E-mail addresses: the one rule for the digest's sender, its unsubscribe address and its recipient."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Why a text is not an address; each caller words it for the setting it reads.
SHAPE, LOCAL_NOT_ASCII, BAD_DOMAIN = "shape", "local part not ASCII", "domain"

# name@domain.tld at a glance: one @, something on each side, a dot in the domain, nothing of a list.
_SHAPE_RE = re.compile(r"^[^@\s,<>\"]+@[^@\s,<>\"]+\.[^@\s,<>\"]+$")
# RFC 5321's dot-atom: the characters a local part may hold unquoted, dots only between them.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_RE = re.compile(rf"^{_ATEXT}(\.{_ATEXT})*$")
# A host name's labels: letters, digits and inner hyphens, up to 63 each, two labels at least.
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN_RE = re.compile(rf"^{_LABEL}(\.{_LABEL})+$")


class NotAnAddress(ValueError):
    """The text is not an address; `kind` says why (SHAPE, LOCAL_NOT_ASCII, BAD_DOMAIN)."""

    def __init__(self, kind: str, text: str) -> None:
        super().__init__(f"'{text}' is not an e-mail address ({kind})")
        self.kind = kind


@dataclass(frozen=True)
class Mailbox:
    """An address as mail travels with it: the local part as written, the domain in ASCII (an
    international one as IDNA, xn--...), its case kept and without a final dot."""

    local: str
    domain: str

    @property
    def address(self) -> str:
        return f"{self.local}@{self.domain}"


def parse(text: str) -> Mailbox:
    """The address `text` names (blanks around it ignored); NotAnAddress if it is none.

    SMTPUTF8 is not used, so the local part must be ASCII; the domain may be international.
    """
    text = text.strip()
    if not _SHAPE_RE.match(text):
        raise NotAnAddress(SHAPE, text)
    local, _, domain = text.rpartition("@")
    if not local.isascii():
        raise NotAnAddress(LOCAL_NOT_ASCII, text)
    if not _LOCAL_RE.match(local):
        raise NotAnAddress(SHAPE, text)
    try:
        ascii_domain = domain.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        raise NotAnAddress(BAD_DOMAIN, text) from None
    if not _DOMAIN_RE.match(ascii_domain):
        raise NotAnAddress(BAD_DOMAIN, text)
    return Mailbox(local, ascii_domain)


def is_address(text: str) -> bool:
    try:
        parse(text)
    except NotAnAddress:
        return False
    return True

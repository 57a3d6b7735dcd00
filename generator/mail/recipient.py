"""The digest's recipient: PAPERFEED_DIGEST_TO read as one mailing list's address, the same mailbox
however it is spelled."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.errors import PaperfeedError
from generator.mail import addresses


class MailError(PaperfeedError):
    """Nothing could be sent as configured; one line that says what to change."""


@dataclass(frozen=True)
class Recipient:
    """Where the digest goes: the address as RCPT TO names it (its domain in ASCII), and the mailbox it
    stands for, as addresses compare: ALICE@Example.ORG. and alice@example.org are one recipient."""

    address: str
    mailbox: str


def recipient(address: str) -> Recipient:
    """Read one address of PAPERFEED_DIGEST_TO; MailError if it is not one."""
    address = address.strip()
    try:
        found = addresses.parse(address)
    except addresses.NotAnAddress as err:
        if err.kind == addresses.LOCAL_NOT_ASCII:
            raise MailError(
                "PAPERFEED_DIGEST_TO: write the part before @ in ASCII letters; SMTPUTF8 is not used"
            ) from None
        if err.kind == addresses.BAD_DOMAIN:
            domain = address.rpartition("@")[2]
            raise MailError(f"PAPERFEED_DIGEST_TO: '{domain}' is not a valid domain name") from None
        raise MailError(
            f"PAPERFEED_DIGEST_TO: '{address}' is not an e-mail address (name@example.org)"
        ) from None
    # Domains ignore case. Local parts may be case-sensitive in theory; no mail system in use treats them
    # so, and one list address written two ways must not get two copies.
    domain = found.domain.lower()
    return Recipient(f"{found.local}@{domain}", f"{found.local.lower()}@{domain}")


def recipient_from_env(env: Mapping[str, str]) -> Recipient:
    """PAPERFEED_DIGEST_TO: one mailing list's address. The digest's List-Unsubscribe is one URL for
    everyone, which only a list server, rewriting it for each subscriber, can honour."""
    addresses = [a for a in env.get("PAPERFEED_DIGEST_TO", "").split(",") if a.strip()]
    if not addresses:
        raise MailError(
            "PAPERFEED_DIGEST_TO is not set: give the address of the mailing list the digest goes to"
        )
    unique: dict[str, Recipient] = {}
    for address in addresses:
        found = recipient(address)
        unique.setdefault(found.mailbox, found)  # the first spelling is the one written to
    if len(unique) > 1:
        raise MailError(
            f"PAPERFEED_DIGEST_TO names {len(unique)} addresses: give one, a mailing list's; its list server"
            " gives each subscriber an unsubscribe link of their own, which one digest for several"
            " recipients cannot (README, The e-mail digest)"
        )
    return next(iter(unique.values()))

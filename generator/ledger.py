"""The digest ledger (content/digests.yml): which digest went to which recipient, so none goes twice.

It is kept in the repository and holds no address: a recipient is the SHA-256 of a random salt, kept
in the ledger, and the lower-cased address. The salt keeps the hashes from being looked up in a table
of hashed addresses or matched between two sites' ledgers; it cannot stop someone who guesses an
address from checking the guess (that would take a secret key, whose loss would resend everything),
which matters little as long as the recipient is, as intended, a public list address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .periods import Period, PeriodError

FILE_NAME = "digests.yml"
HEADER = """\
# The e-mail digests sent by `paperfeed digest --send`, so that none is sent twice to a recipient.
# Written by the digest workflow; the site's /digests/ page lists them. Recipients are salted SHA-256
# hashes of the lower-cased addresses: no address is stored. Delete a recipient's line to send again.
"""
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_SALT = re.compile(r"^[0-9a-f]{32}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
_Loader: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: a year of digests in milliseconds


class LedgerError(Exception):
    """The ledger cannot be read or written; the message says where and why."""


def default_path(content_dir: Path) -> Path:
    return content_dir / FILE_NAME


@dataclass
class Sent:
    """One digest: its period, the papers it carried (slugs, in order), when it first went out, to whom."""

    period: Period
    first_sent: dt.date
    papers: tuple[str, ...]
    recipients: list[str] = field(default_factory=list)


@dataclass
class Ledger:
    """Every digest sent, in the order they first went out."""

    path: Path
    salt: str
    digests: dict[str, Sent]

    @classmethod
    def load(cls, path: Path) -> Ledger:
        """Read the ledger; a missing file is an empty ledger (with a new salt, saved on first record)."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path, secrets.token_hex(16), {})
        except (OSError, UnicodeDecodeError) as err:
            raise LedgerError(f"{path.as_posix()}: cannot be read ({err})") from None
        try:
            data = yaml.load(text, Loader=_Loader)  # strings only: no YAML 1.1 guessing of dates
        except yaml.YAMLError as err:
            raise LedgerError(f"{path.as_posix()}: is not valid YAML ({err})".replace("\n", " ")) from None
        return cls(path, *_parse(path.as_posix(), data))

    def key(self, address: str) -> str:
        """The hash that stands for a recipient."""
        return hashlib.sha256(f"{self.salt}:{address.strip().lower()}".encode()).hexdigest()

    def has(self, period: Period, address: str) -> bool:
        sent = self.digests.get(period.id)
        return sent is not None and self.key(address) in sent.recipients

    def record(self, period: Period, papers: tuple[str, ...], address: str, today: dt.date) -> None:
        """Note one delivery and save at once, so a failure later still leaves it on record."""
        sent = self.digests.setdefault(period.id, Sent(period, today, papers))
        key = self.key(address)
        if key not in sent.recipients:
            sent.recipients.append(key)
        self.save()

    def newest_first(self) -> list[Sent]:
        """The digests by period, newest first (of a week and a day that end together, the week first)."""
        return sorted(
            self.digests.values(), key=lambda s: (s.period.end, s.period.kind == "week"), reverse=True
        )

    def dump(self) -> str:
        data = {
            "salt": self.salt,
            "digests": [
                {
                    "period": s.period.id,
                    "first_sent": s.first_sent.isoformat(),
                    "papers": list(s.papers),
                    "recipients": list(s.recipients),
                }
                for s in self.digests.values()
            ],
        }
        return HEADER + yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=200)

    def save(self) -> None:
        """Write the file whole or not at all: a crash mid-write must not lose what was sent before."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".digests-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
                out.write(self.dump())
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except OSError as err:
            Path(tmp).unlink(missing_ok=True)
            raise LedgerError(f"{self.path.as_posix()}: cannot be written ({err.strerror})") from None


def _parse(where: str, data: Any) -> tuple[str, dict[str, Sent]]:
    def fail(what: str) -> LedgerError:
        return LedgerError(f"{where}: {what}")

    if not isinstance(data, dict) or set(data) - {"salt", "digests"}:
        raise fail("must be a mapping with the keys salt and digests")
    salt = data.get("salt")
    if not isinstance(salt, str) or not _SALT.match(salt):
        raise fail("salt must be 32 hexadecimal digits")
    entries = data.get("digests") or []
    if not isinstance(entries, list):
        raise fail("digests must be a list")
    digests: dict[str, Sent] = {}
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or set(entry) != {"period", "first_sent", "papers", "recipients"}:
            raise fail(f"digest {n} must have exactly the keys period, first_sent, papers and recipients")
        try:
            period = Period.parse(str(entry["period"]))
        except PeriodError as err:
            raise fail(f"digest {n}: period {err}") from None
        if period.id in digests:
            raise fail(f"digest {n}: period {period.id} comes twice; keep one entry per period")
        try:
            first_sent = dt.date.fromisoformat(str(entry["first_sent"]))
        except ValueError:
            raise fail(f"digest {n}: first_sent '{entry['first_sent']}' is not a date (YYYY-MM-DD)") from None
        papers, recipients = entry["papers"] or [], entry["recipients"] or []
        if not isinstance(papers, list) or not all(isinstance(s, str) and _SLUG.match(s) for s in papers):
            raise fail(f"digest {n}: papers must be a list of paper slugs")
        if not isinstance(recipients, list) or not all(
            isinstance(r, str) and _HEX64.match(r) for r in recipients
        ):
            raise fail(f"digest {n}: recipients must be a list of SHA-256 hashes (64 hexadecimal digits)")
        digests[period.id] = Sent(period, first_sent, tuple(papers), list(dict.fromkeys(recipients)))
    return salt, digests

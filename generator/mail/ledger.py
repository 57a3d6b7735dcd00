"""The digest ledger (digests.yml): which digest went to which recipient, so that none goes twice.

It lives on a branch of its own (generator/data/ledger_branch.py) and holds no address: a recipient is the
SHA-256 of a random salt, kept in the ledger, and the address as the mailer compares addresses. The salt
keeps the hashes from being looked up in a table of hashed addresses or matched between two sites' ledgers;
it cannot stop someone who guesses an address from checking the guess (that would take a secret key, whose
loss would resend everything), which matters little as long as the recipient is, as intended, a public
mailing-list address.

Each delivery has a state. `sending` is written, and pushed, before the message goes to the SMTP server:
from then on no run sends it again, whatever happens next. `sent` and `failed` are written once the server
has answered; `failed` (the server refused the message, or it was never tried) is sent again by a later run.
A `sending` that stays means a run stopped without knowing whether the message went out: it is never
retried by itself (at most once), and deleting its line lets the next run send it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.data.ledger_branch import FILE_NAME, LedgerBranch
from generator.errors import PaperfeedError
from generator.periods import Period, PeriodError
from generator.records.slugs import SLUG_RE

SENDING, SENT, FAILED = "sending", "sent", "failed"
STATES = (SENDING, SENT, FAILED)
ATTEMPTS = 5  # compare-and-swap rounds before giving up: each lost round means another run wrote
HEADER = """\
# The e-mail digests of `paperfeed digest --send`, so that none goes twice to a recipient. Written by the
# digest run on its own branch; the site's /digests/ page lists them. Recipients are salted SHA-256 hashes:
# no address is stored. A state is sending (on its way, or in doubt: never sent again by itself), sent,
# or failed (a later run sends it again). Delete a recipient's line to send to it again.
"""
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_SALT = re.compile(r"^[0-9a-f]{32}$")
_Loader: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: a year of digests in milliseconds


class LedgerError(PaperfeedError):
    """The ledger cannot be read or written; the message says where and why."""


def default_path(content_dir: Path) -> Path:
    """Where the site's build reads its copy of the ledger (fetched from the branch by the deploy)."""
    return content_dir / FILE_NAME


@dataclass
class Sent:
    """One digest: its period, the papers it carries (slugs, in order), the day it first went out, and the
    state of each recipient's delivery."""

    period: Period
    first_sent: dt.date
    papers: tuple[str, ...]
    recipients: dict[str, str] = field(default_factory=dict)

    @property
    def went_out(self) -> bool:
        """Whether any recipient has (or may have) had it."""
        return any(state != FAILED for state in self.recipients.values())


@dataclass
class Ledger:
    """Every digest attempted, in the order they first went out."""

    salt: str
    digests: dict[str, Sent]

    @classmethod
    def new(cls) -> Ledger:
        return cls(secrets.token_hex(16), {})

    @classmethod
    def parse(cls, text: str, where: str) -> Ledger:
        try:
            data = yaml.load(text, Loader=_Loader)  # strings only: no YAML 1.1 guessing of dates
        except yaml.YAMLError as err:
            raise LedgerError(f"{where}: is not valid YAML ({err})".replace("\n", " ")) from None
        return cls(*_parse(where, data))

    @classmethod
    def load(cls, path: Path) -> Ledger:
        """Read a copy of the ledger; a missing file is an empty ledger."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls.new()
        except (OSError, UnicodeDecodeError) as err:
            raise LedgerError(f"{path.as_posix()}: cannot be read ({err})") from None
        return cls.parse(text, path.as_posix())

    def key(self, mailbox: str) -> str:
        """The hash that stands for a recipient (`mailbox`: the address as the mailer compares them)."""
        return hashlib.sha256(f"{self.salt}:{mailbox}".encode()).hexdigest()

    def state(self, period: Period, key: str) -> str | None:
        sent = self.digests.get(period.id)
        return sent.recipients.get(key) if sent else None

    def claim(self, period: Period, papers: tuple[str, ...], key: str, today: dt.date) -> Sent:
        """Mark a delivery as on its way. A digest that has gone out to nobody yet takes the period's papers
        of now; once it has, every later recipient gets the papers it carried then."""
        sent = self.digests.get(period.id)
        if sent is None or not sent.went_out:
            sent = self.digests[period.id] = Sent(period, today, papers, sent.recipients if sent else {})
        sent.recipients[key] = SENDING
        return sent

    def mark(self, period: Period, key: str, state: str) -> None:
        """Note how a delivery ended (a line deleted by hand meanwhile stays deleted)."""
        sent = self.digests.get(period.id)
        if sent is not None and key in sent.recipients:
            sent.recipients[key] = state

    def newest_first(self) -> list[Sent]:
        """The digests that went out, by period, newest first (of a week and a day that end together, the
        week first)."""
        return sorted(
            (s for s in self.digests.values() if s.went_out),
            key=lambda s: (s.period.end, s.period.kind == "week"),
            reverse=True,
        )

    def dump(self) -> str:
        data = {
            "salt": self.salt,
            "digests": [
                {
                    "period": s.period.id,
                    "first_sent": s.first_sent.isoformat(),
                    "papers": list(s.papers),
                    "recipients": dict(s.recipients),
                }
                for s in self.digests.values()
            ],
        }
        return HEADER + yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=200)


def _where(branch: LedgerBranch) -> str:
    return f"{branch.remote}/{branch.branch}:{FILE_NAME}"


def read(branch: LedgerBranch) -> Ledger:
    """The ledger at the branch's tip on the remote, asked afresh (empty while the branch does not exist)."""
    tip = branch.read()
    return Ledger.new() if tip.text is None else Ledger.parse(tip.text, _where(branch))


def update(branch: LedgerBranch, change: Callable[[Ledger], str | None]) -> Ledger:
    """Apply `change` to the ledger at the branch's tip and push the result, as one compare-and-swap:
    whenever another run wrote first, read its tip and apply `change` again. `change` returns the commit
    message, or None when it changed nothing; the ledger as written comes back. The first try builds on
    the tip this run last saw, which the push either proves current or refuses."""
    for attempt in range(ATTEMPTS):
        tip = branch.known if attempt == 0 and branch.known is not None else branch.read()
        ledger = Ledger.new() if tip.text is None else Ledger.parse(tip.text, _where(branch))
        message = change(ledger)
        if message is None or branch.write(tip, ledger.dump(), message):
            return ledger
    raise LedgerError(
        f"{_where(branch)}: other runs wrote to it {ATTEMPTS} times while this one tried; run again"
    )


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
        papers, recipients = entry["papers"] or [], entry["recipients"] or {}
        if not isinstance(papers, list) or not all(
            isinstance(s, str) and SLUG_RE.fullmatch(s) for s in papers
        ):
            raise fail(f"digest {n}: papers must be a list of paper slugs")
        if not isinstance(recipients, dict) or not all(
            isinstance(r, str) and _HEX64.match(r) and state in STATES for r, state in recipients.items()
        ):
            raise fail(
                f"digest {n}: recipients must map SHA-256 hashes (64 hexadecimal digits) to a state:"
                " sending, sent or failed"
            )
        digests[period.id] = Sent(period, first_sent, tuple(papers), dict(recipients))
    return salt, digests

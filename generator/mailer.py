"""Sending the digest over SMTP: settings from the environment, one message per recipient, the ledger kept.

Each delivery is written to the ledger as soon as the server accepts it, so a run that fails half-way
(a refused recipient, a dropped connection) leaves a ledger from which the next run sends only what is
missing. Messages never name a recipient's address: CI logs of a public repository are public.
"""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from . import ledger as ledgers
from .config import SiteConfig
from .digest import Digest, Sender, build, compose
from .ledger import Ledger
from .model import Feed
from .periods import Period

TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
TIMEOUT_SECONDS = 30.0
_ADDR_RE = re.compile(r"^[^@\s,<>\"]+@[^@\s,<>\"]+\.[^@\s,<>\"]+$")


class MailError(Exception):
    """Nothing could be sent as configured; one line that says what to change."""


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server: PAPERFEED_SMTP_HOST, _PORT, _USER, _PASSWORD, _TLS, _CA_FILE."""

    host: str
    port: int
    tls: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: str | None = None
    timeout: float = TIMEOUT_SECONDS

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings:
        def get(name: str) -> str | None:
            return env.get(f"PAPERFEED_SMTP_{name}", "").strip() or None

        host = get("HOST")
        if not host:
            raise MailError("PAPERFEED_SMTP_HOST is not set: name the SMTP server that sends the digest")
        tls = (get("TLS") or "starttls").lower()
        if tls not in TLS_MODES:
            raise MailError(f"PAPERFEED_SMTP_TLS must be starttls, ssl or none, not '{get('TLS')}'")
        port_text = get("PORT")
        port = DEFAULT_PORTS[tls]
        if port_text is not None:
            if not port_text.isdigit() or not 0 < int(port_text) < 65536:
                raise MailError(f"PAPERFEED_SMTP_PORT must be a port number (1-65535), not '{port_text}'")
            port = int(port_text)
        user = get("USER")
        # A password may end in spaces: only the empty one counts as missing.
        password = env.get("PAPERFEED_SMTP_PASSWORD") or None
        if bool(user) != bool(password):
            given, missing = ("USER", "PASSWORD") if user else ("PASSWORD", "USER")
            raise MailError(
                f"PAPERFEED_SMTP_{given} is set but PAPERFEED_SMTP_{missing} is not: set both, or neither"
                " for a server that needs no login"
            )
        if user and tls == "none":
            raise MailError(
                "PAPERFEED_SMTP_TLS=none would send the password unencrypted: use starttls or ssl"
            )
        return cls(host, port, tls, user, password, get("CA_FILE"))

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def tls_context(self) -> ssl.SSLContext:
        """Verify the server against the system's CAs, or only against PAPERFEED_SMTP_CA_FILE if set."""
        try:
            return ssl.create_default_context(cafile=self.ca_file)
        except (OSError, ssl.SSLError) as err:
            raise MailError(
                f"PAPERFEED_SMTP_CA_FILE: cannot read '{self.ca_file}' ({_reason(err)})"
            ) from None


def recipients_from_env(env: Mapping[str, str]) -> tuple[str, ...]:
    """PAPERFEED_DIGEST_TO, comma-separated; the same address twice (in any case) counts once."""
    raw = [a.strip() for a in env.get("PAPERFEED_DIGEST_TO", "").split(",")]
    addresses = [a for a in raw if a]
    if not addresses:
        raise MailError(
            "PAPERFEED_DIGEST_TO is not set: give the address(es) to send the digest to, comma-separated"
        )
    for n, address in enumerate(addresses, 1):
        if not _ADDR_RE.match(address):
            raise MailError(f"PAPERFEED_DIGEST_TO: recipient {n} is not an e-mail address (name@example.org)")
    unique: dict[str, str] = {}
    for address in addresses:
        unique.setdefault(address.lower(), address)
    return tuple(unique.values())


@dataclass
class Outcome:
    """What a run did: recipients by their number in PAPERFEED_DIGEST_TO (from 1), never by address."""

    total: int
    already: list[int] = field(default_factory=list)
    delivered: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return self.total - len(self.already) - len(self.delivered)

    def summary(self, period_id: str, papers: int) -> str:
        if not self.delivered and not self.failures:
            return f"{period_id}: already sent to all {self.total} recipient(s); nothing sent"
        already = f", {len(self.already)} had it already" if self.already else ""
        return f"{period_id}: {papers} paper(s); sent to {len(self.delivered)} recipient(s){already}"


def _reason(err: BaseException) -> str:
    if isinstance(err, smtplib.SMTPResponseException):
        text = (
            err.smtp_error.decode("utf-8", "replace")
            if isinstance(err.smtp_error, bytes)
            else str(err.smtp_error)
        )
        return f"{err.smtp_code} {' '.join(text.split())}"
    if isinstance(err, ssl.SSLCertVerificationError) and err.verify_message:
        return str(err.verify_message)
    if isinstance(err, ssl.SSLError) and err.reason:
        return str(err.reason).lower().replace("_", " ")  # not str(err): it names OpenSSL's source lines
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return " ".join(str(err).split()) or type(err).__name__


def _redact(text: str, secrets: Mapping[str, str]) -> str:
    """Servers echo addresses and user names in their replies; keep them out of the logs."""
    for secret, stand_in in secrets.items():
        if secret:
            text = re.sub(f"<?{re.escape(secret)}>?", stand_in, text, flags=re.IGNORECASE)
    return text


@contextmanager
def connect(settings: SmtpSettings) -> Iterator[smtplib.SMTP]:
    """An open, encrypted (unless tls=none), logged-in connection; MailError with one line if not."""
    hide = {settings.user or "": "<user>", settings.password or "": "<password>"}
    context = settings.tls_context() if settings.tls != "none" else None
    step = "connect to"
    smtp: smtplib.SMTP | None = None
    try:
        if settings.tls == "ssl":
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        smtp.ehlo()
        if settings.tls == "starttls":
            step = "start TLS with"
            if not smtp.has_extn("starttls"):
                raise MailError(
                    f"the SMTP server {settings.where} does not offer STARTTLS: set PAPERFEED_SMTP_TLS=ssl"
                    " if it expects TLS from the start"
                )
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user and settings.password:
            step = "log in to"
            smtp.login(settings.user, settings.password)
    except smtplib.SMTPAuthenticationError as err:
        _close(smtp)
        raise MailError(
            f"the SMTP server {settings.where} refused the login: {_redact(_reason(err), hide)}"
            " (check PAPERFEED_SMTP_USER and PAPERFEED_SMTP_PASSWORD)"
        ) from None
    except ssl.SSLError as err:
        _close(smtp)
        raise MailError(
            f"cannot {step} the SMTP server {settings.where}: TLS failed: {_reason(err)}"
            " (check PAPERFEED_SMTP_TLS; set PAPERFEED_SMTP_CA_FILE if the server's certificate comes from"
            " a private CA)"
        ) from None
    except (smtplib.SMTPException, OSError) as err:
        _close(smtp)
        hint = " (check PAPERFEED_SMTP_HOST and PAPERFEED_SMTP_PORT)" if step == "connect to" else ""
        if isinstance(err, socket.gaierror):
            reason = "no such host"
        elif isinstance(err, TimeoutError):
            reason = f"no answer within {settings.timeout:g} s"
        else:
            reason = _redact(_reason(err), hide)
        raise MailError(f"cannot {step} the SMTP server {settings.where}: {reason}{hint}") from None
    except MailError:
        _close(smtp)
        raise
    try:
        yield smtp
    finally:
        _close(smtp)


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def send(
    period: Period,
    papers: tuple[str, ...],
    compose: Callable[[str], EmailMessage],
    envelope_from: str,
    recipients: tuple[str, ...],
    settings: SmtpSettings,
    ledger: Ledger,
    today: dt.date,
) -> Outcome:
    """Send the period's digest to every recipient who has not had it, one message each, and note each
    delivery in the ledger. Bad settings raise MailError before anything is sent; a failing recipient or
    a dropped connection ends in `failures`, with the deliveries before it on record."""
    outcome = Outcome(total=len(recipients))
    pending: list[tuple[int, str]] = []
    for n, address in enumerate(recipients, 1):
        if ledger.has(period, address):
            outcome.already.append(n)
        else:
            pending.append((n, address))
    if not pending:
        return outcome
    with connect(settings) as smtp:
        for n, address in pending:
            hide = {address: f"<recipient {n}>"}
            try:
                smtp.send_message(compose(address), from_addr=envelope_from, to_addrs=[address])
            except smtplib.SMTPRecipientsRefused as err:
                (code, text) = next(iter(err.recipients.values()))
                refused = smtplib.SMTPResponseException(code, text)
                outcome.failures.append(f"recipient {n} refused: {_redact(_reason(refused), hide)}")
                continue
            except smtplib.SMTPSenderRefused as err:
                outcome.failures.append(
                    f"the SMTP server refused the sender {envelope_from}: {_redact(_reason(err), hide)}"
                    " (check digest_from in mkdocs.yml)"
                )
                break
            except smtplib.SMTPDataError as err:
                outcome.failures.append(f"recipient {n}: message refused: {_redact(_reason(err), hide)}")
                if err.smtp_code == 421:  # the server is closing the connection
                    break
                continue
            except (smtplib.SMTPException, OSError) as err:
                outcome.failures.append(
                    f"the connection to {settings.where} broke off at recipient {n}:"
                    f" {_redact(_reason(err), hide)}"
                )
                break
            outcome.delivered.append(n)
            ledger.record(period, papers, address, today)
    return outcome


def send_digest(
    feed: Feed, site: SiteConfig, period: Period, env: Mapping[str, str], today: dt.date
) -> tuple[Digest, Outcome]:
    """Send the period's digest as mkdocs.yml and the environment say; settings are checked first, so a
    broken configuration shows even on a day with nothing to send."""
    sender = Sender.from_site(site)
    settings = SmtpSettings.from_env(env)
    recipients = recipients_from_env(env)
    ledger = Ledger.load(ledgers.default_path(site.content_dir))
    digest = build(feed, period, ledger)
    if not digest.papers:
        return digest, Outcome(total=len(recipients))
    outcome = send(
        period,
        digest.slugs,
        lambda to: compose(digest, feed, site, sender, to),
        sender.address.addr_spec,
        recipients,
        settings,
        ledger,
        today,
    )
    return digest, outcome

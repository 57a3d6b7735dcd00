"""Sending the digest over SMTP to one mailing-list address, at most once per period, the ledger kept.

A delivery is recorded as on its way, and pushed to the ledger branch, before the message goes to the
server; a run that cannot push it sends nothing. Once the server has answered, the delivery is recorded as
sent or failed, and a failed one is sent again by a later run. Messages never name the recipient's address:
CI logs of a public repository are public.
"""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import socket
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.message import EmailMessage

from generator.config import SiteConfig
from generator.data.ledger_branch import BranchError, LedgerBranch
from generator.mail import ledger as ledgers
from generator.mail.digest import Digest, compose, prepare
from generator.mail.ledger import FAILED, SENDING, SENT, Ledger, LedgerError
from generator.mail.recipient import MailError, Recipient, recipient_from_env
from generator.model import Feed

TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
TIMEOUT_SECONDS = 30.0


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


@dataclass
class Outcome:
    """What a run did with one period's digest for its recipient: `state` is what it recorded (SENT,
    FAILED, or SENDING when the message may or may not have gone out), None when it had nothing to do;
    `before` is the state the ledger showed when it looked."""

    digest: Digest
    before: str | None
    state: str | None = None
    reason: str = ""

    @property
    def line(self) -> str:
        pid, papers = self.digest.period.id, f"{len(self.digest.papers)} paper(s)"
        if self.state == SENT:
            return f"{pid}: {papers}; sent"
        if self.state == FAILED:
            return f"{pid}: {papers}; not sent: {self.reason}"
        if self.state == SENDING:
            return f"{pid}: {papers}; in doubt: {self.reason}"
        if self.before == SENT:
            return f"{pid}: already sent; nothing sent"
        return (
            f"{pid}: another run is sending it, or stopped before recording whether it went out;"
            " not sent again"
        )


@dataclass
class Report:
    """A run's outcomes, oldest period first, and why it could not record how they ended, if it could not."""

    outcomes: list[Outcome]
    unrecorded: str | None = None

    @property
    def went_out(self) -> bool:
        """Whether any message may have reached the server: the site's /digests/ page changes."""
        return any(o.state in (SENT, SENDING) for o in self.outcomes)


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


@dataclass
class _Attempt:
    state: str
    reason: str = ""
    connected: bool = True  # whether the connection can carry the next message


def _deliver(
    smtp: smtplib.SMTP, msg: EmailMessage, envelope_from: str, to: Recipient, where: str
) -> _Attempt:
    """Hand one message to the server step by step, so that the state says what is known: FAILED when the
    server refused it or it never got as far as the message, SENDING (in doubt) when the connection broke
    while the message was on its way, SENT when the server took it."""
    hide = {to.address: "<recipient>", to.mailbox: "<recipient>"}

    def why(err: BaseException) -> str:
        return _redact(_reason(err), hide)

    try:
        code, text = smtp.mail(envelope_from)
        if code != 250:
            _reset(smtp)
            refused = why(smtplib.SMTPResponseException(code, text))
            return _Attempt(
                FAILED,
                f"the SMTP server refused the sender {envelope_from}: {refused}"
                " (check digest_from in mkdocs.yml)",
                code != 421,
            )
        code, text = smtp.rcpt(to.address)
        if code not in (250, 251):
            _reset(smtp)
            return _Attempt(
                FAILED,
                f"the recipient was refused: {why(smtplib.SMTPResponseException(code, text))}",
                code != 421,
            )
    except (smtplib.SMTPException, OSError) as err:
        return _Attempt(FAILED, f"the connection to {where} broke off before the message: {why(err)}", False)
    try:
        code, text = smtp.data(msg.as_bytes())
    except smtplib.SMTPDataError as err:  # no 354: the server would not take the message at all
        _reset(smtp)
        return _Attempt(FAILED, f"the message was refused: {why(err)}", err.smtp_code != 421)
    except (smtplib.SMTPException, OSError) as err:
        return _Attempt(
            SENDING,
            f"the connection to {where} broke off while the message was on its way: {why(err)}",
            False,
        )
    if code != 250:
        _reset(smtp)
        return _Attempt(
            FAILED, f"the message was refused: {why(smtplib.SMTPResponseException(code, text))}", code != 421
        )
    return _Attempt(SENT)


def _reset(smtp: smtplib.SMTP) -> None:
    # If this fails too, the next message finds the connection closed, and says so.
    with suppress(smtplib.SMTPException, OSError):
        smtp.rset()


def _commit_message(outcomes: list[Outcome], env: Mapping[str, str]) -> str | None:
    """`Digest ledger: 2025-03-04 sent (run 123)`, or None for no change."""
    if not outcomes:
        return None
    run = env.get("GITHUB_RUN_ID")
    done = ", ".join(f"{o.digest.period.id} {o.state}" for o in outcomes)
    return f"Digest ledger: {done}" + (f" (run {run})" if run else "")


def send_digests(
    feed: Feed, site: SiteConfig, kind: str, today: dt.date, env: Mapping[str, str], branch: LedgerBranch
) -> Report:
    """Send the digest of each period due on `today` (periods.due) that the ledger on `branch` does not show
    as sent or on its way. At most once: each delivery is recorded as on its way, and pushed, before the
    message goes to the server, and MailError (nothing sent) when that cannot be done. Settings are checked
    first, so a broken configuration shows even on a day with nothing to send."""
    run = prepare(feed, site, kind, today)
    settings = SmtpSettings.from_env(env)
    to = recipient_from_env(env)
    if not run.has_papers:
        return Report([])  # nothing to send, and no need to ask the remote

    def look(ledger: Ledger) -> list[Outcome]:
        key = ledger.key(to.mailbox)
        return [Outcome(d, ledger.state(d.period, key)) for d in run.digests(ledger)]

    try:
        outcomes = look(ledgers.read(branch))
    except (BranchError, LedgerError) as err:
        raise MailError(f"nothing sent: {err}") from None
    if all(o.before in (SENT, SENDING) for o in outcomes):
        return Report(outcomes)
    with connect(settings) as smtp:

        def claim(ledger: Ledger) -> str | None:
            outcomes[:] = look(ledger)  # what the tip says now, which another run may have changed
            for o in outcomes:
                if o.before not in (SENT, SENDING):
                    o.state = SENDING
                    ledger.claim(o.digest.period, o.digest.slugs, ledger.key(to.mailbox), today)
            return _commit_message([o for o in outcomes if o.state], env)

        try:
            ledgers.update(branch, claim)
        except (BranchError, LedgerError) as err:
            raise MailError(
                f"nothing sent: cannot record that the digest is on its way: {err} (the digest run must be"
                f" able to push to {branch.branch}: README, The e-mail digest)"
            ) from None
        connected = True
        for o in outcomes:
            if o.state != SENDING:
                continue
            if not connected:
                o.state, o.reason = FAILED, "not tried, the connection had broken off"
                continue
            message = compose(o.digest, feed, site, run.sender, to.address)
            attempt = _deliver(smtp, message, run.sender.address.addr_spec, to, settings.where)
            o.state, o.reason, connected = attempt.state, attempt.reason, attempt.connected

    def record(ledger: Ledger) -> str | None:
        done = [o for o in outcomes if o.state in (SENT, FAILED)]
        for o in done:
            ledger.mark(o.digest.period, ledger.key(to.mailbox), SENT if o.state == SENT else FAILED)
        return _commit_message(done, env)

    try:
        ledgers.update(branch, record)
    except (BranchError, LedgerError) as err:
        return Report(outcomes, str(err))
    return Report(outcomes)

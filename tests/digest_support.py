"""Shared by the digest tests: a site in a temporary folder, and a real SMTP server on loopback."""

from __future__ import annotations

import shutil
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

TESTS = Path(__file__).resolve().parent
SMALL = TESTS / "fixtures" / "small" / "content"
USER, PASSWORD = "digest-bot", "correct horse battery staple"

MKDOCS_YML = """\
site_name: {site_name}
site_url: https://example.github.io/paperfeed/
plugins:
  - search
  - paperfeed:
      content_dir: content
{options}"""
MAIL_OPTIONS = """\
      digest_from: "digest@example.org"
      unsubscribe_url: https://lists.example.org/unsubscribe?list=papers
      unsubscribe_mailto: papers-unsubscribe@example.org
"""

# A top paper for 2025-03-04 whose title and authors are not ASCII: it leads the subject line.
UNICODE_RECORD = """\
---
title: "Über-Attention: Café Transformers für alle, 注意力"
date: 2025-03-04
tags: [language-models]
authors: ["Łukasz Kaiser", "Zoë Müller"]
upvotes: 99
---
Ein Abstract über Aufmerksamkeit, with $O(n)$ cost.
"""


def make_site(
    tmp: Path,
    site_name: str = "Trending papers",
    options: str = MAIL_OPTIONS,
    records: dict[str, str] | None = None,
) -> Path:
    """A copy of the small fixture feed under tmp/content (plus `records`), and tmp/mkdocs.yml."""
    shutil.copytree(SMALL, tmp / "content")
    for name, text in (records or {}).items():
        (tmp / "content" / "papers" / "2025" / f"{name}.md").write_text(text, encoding="utf-8")
    config = tmp / "mkdocs.yml"
    config.write_text(MKDOCS_YML.format(site_name=site_name, options=options), encoding="utf-8")
    return config


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Delivery:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class Recorder:
    """The SMTP server's handler: keeps what it accepts; refuses the addresses in `refuse`, and answers
    421 (closing) to the DATA numbered `drop_at_data` (counting from 1)."""

    deliveries: list[Delivery] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    drop_at_data: int | None = None
    data_count: int = 0
    sessions: int = 0

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.data_count += 1
        if self.data_count == self.drop_at_data:
            return "421 4.3.2 Service shutting down, closing transmission channel"
        data = envelope.original_content or b""
        self.deliveries.append(Delivery(str(envelope.mail_from), list(envelope.rcpt_tos), data))
        return "250 2.0.0 Ok: queued"

    def copies(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for d in self.deliveries:
            for r in d.rcpt_tos:
                counts[r] = counts.get(r, 0) + 1
        return counts


def authenticate(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
    ok = (
        isinstance(data, LoginPassword) and data.login == USER.encode() and data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


class LoopbackController(Controller):
    """aiosmtpd's threaded server on a free loopback port (port 0: the OS picks one)."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class CertificateAuthority:
    """A CA made at test time, and the server certificate it issues for 127.0.0.1."""

    def __init__(self, tmp: Path) -> None:
        self.ca = trustme.CA()
        self.cert = self.ca.issue_cert("127.0.0.1", "localhost")
        self.ca_file = tmp / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.cert.configure_cert(context)
        return context


def start_server(
    recorder: Recorder, authority: CertificateAuthority | None, mode: str = "starttls"
) -> Controller:
    """A real SMTP server: STARTTLS required and AUTH (LOGIN, PLAIN) after it; or implicit TLS (ssl); or
    plain text without login (none)."""
    kwargs: dict[str, Any] = {"hostname": "127.0.0.1", "port": 0, "server_hostname": "mx.test"}
    if mode == "starttls":
        assert authority is not None
        kwargs |= {
            "tls_context": authority.server_context(),
            "require_starttls": True,
            "authenticator": authenticate,
            "auth_required": True,
            "auth_require_tls": True,
        }
    elif mode == "ssl":
        assert authority is not None
        # aiosmtpd counts only STARTTLS as TLS for auth_require_tls; this connection is TLS from the start.
        kwargs |= {
            "ssl_context": authority.server_context(),
            "authenticator": authenticate,
            "auth_required": True,
            "auth_require_tls": False,
        }
    controller = LoopbackController(recorder, **kwargs)
    controller.start()
    return controller


def smtp_env(
    controller: Controller, authority: CertificateAuthority | None, **overrides: str | None
) -> dict[str, str | None]:
    """The environment a digest run sees: every PAPERFEED_ variable set or removed explicitly."""
    env: dict[str, str | None] = {
        "PAPERFEED_SMTP_HOST": "127.0.0.1",
        "PAPERFEED_SMTP_PORT": str(controller.port),
        "PAPERFEED_SMTP_USER": USER,
        "PAPERFEED_SMTP_PASSWORD": PASSWORD,
        "PAPERFEED_SMTP_TLS": "starttls",
        "PAPERFEED_SMTP_CA_FILE": str(authority.ca_file) if authority else None,
        "PAPERFEED_DIGEST_TO": "alice@example.org, bob@example.net",
    }
    env.update(overrides)
    return env

"""Shared by the digest tests: a site in a temporary folder, a Git origin for it (bare, on disk, with a
pre-receive hook that protects main), and a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from click.testing import CliRunner, Result

from generator.cli import main
from generator.mail.ledger import Ledger

TESTS = Path(__file__).resolve().parent
# Two days after the fixture's newest day, 2025-03-04: the only day with papers that is due.
RUN_DAY = "2025-03-06"
LIST = "papers@lists.example.org"
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
    """A copy of the small fixture feed under tmp/content, plus `records` (by slug, in papers/2025/, or by
    "<year>/<slug>"), and tmp/mkdocs.yml."""
    shutil.copytree(SMALL, tmp / "content")
    for name, text in (records or {}).items():
        write_record(tmp / "content", name if "/" in name else f"2025/{name}", text)
    config = tmp / "mkdocs.yml"
    config.write_text(MKDOCS_YML.format(site_name=site_name, options=options), encoding="utf-8")
    return config


# A Git origin like GitHub's with README step 7's rules: main takes no push (pull requests only). The
# ledger branch takes pushes, unless a test puts files beside the hook: `refuse-ledger-from` holding N
# refuses the Nth ledger push and every later one; a `barrier` folder holds each ledger push until two are
# in flight, so that two runs race for the same tip.
PRE_RECEIVE = """\
#!/bin/sh
here=$(cd "$(dirname "$0")" && pwd)
while read -r old new ref; do
  case "$ref" in
    refs/heads/main)
      echo "GH006: Protected branch update failed for refs/heads/main." >&2
      echo "Changes must be made through a pull request." >&2
      exit 1 ;;
    refs/heads/digest-ledger)
      n=$(( $(cat "$here/ledger-pushes" 2>/dev/null || echo 0) + 1 ))
      echo "$n" > "$here/ledger-pushes"
      if [ -f "$here/refuse-ledger-from" ] && [ "$n" -ge "$(cat "$here/refuse-ledger-from")" ]; then
        echo "push $n to digest-ledger refused by this test's rules" >&2
        exit 1
      fi ;;
  esac
done
if [ -d "$here/barrier" ]; then
  touch "$here/barrier/$$"
  i=0
  while [ "$(ls "$here/barrier" | wc -l)" -lt 2 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
fi
exit 0
"""
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}
IDENTITY = {"user.name": "Maintainer", "user.email": "maintainer@example.org"}


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


@dataclass
class Origin:
    """A bare repository standing in for GitHub, and what its ledger branch holds."""

    path: Path

    @property
    def hooks(self) -> Path:
        return self.path / "hooks"

    def clone(self, where: Path) -> Path:
        git(where.parent, "clone", "--quiet", str(self.path), str(where))
        return where

    def head(self, branch: str = "main") -> str | None:
        out = git(self.path, "for-each-ref", "--format=%(objectname)", f"refs/heads/{branch}")
        return out.strip() or None

    def ledger_text(self) -> str | None:
        if self.head("digest-ledger") is None:
            return None
        return git(self.path, "show", "digest-ledger:digests.yml")

    def ledger_log(self) -> list[str]:
        if self.head("digest-ledger") is None:
            return []
        return git(self.path, "log", "--format=%s", "digest-ledger").splitlines()

    def refuse_ledger_pushes(self, from_push: int) -> None:
        """Refuse the ledger push numbered `from_push` (counting from 1) and every later one."""
        (self.hooks / "refuse-ledger-from").write_text(f"{from_push}\n", encoding="utf-8")

    def allow_ledger_pushes(self) -> None:
        (self.hooks / "refuse-ledger-from").unlink(missing_ok=True)


def make_origin(tmp: Path, seed: Path) -> Origin:
    """A bare origin whose main holds the folder `seed` (mkdocs.yml and content/), committed and pushed
    before the hook that protects main is put in."""
    origin = Origin(tmp / "origin.git")
    git(tmp, "init", "--quiet", "--bare", "--initial-branch=main", str(origin.path))
    git(seed, "init", "--quiet", "--initial-branch=main")
    git(seed, "add", ".")
    identity = [arg for k, v in IDENTITY.items() for arg in ("-c", f"{k}={v}")]
    git(seed, *identity, "commit", "--quiet", "-m", "A feed")
    git(seed, "push", "--quiet", str(origin.path), "HEAD:main")
    hook = origin.hooks / "pre-receive"
    hook.write_text(PRE_RECEIVE, encoding="utf-8")
    hook.chmod(0o755)
    return origin


_TEMPLATES: dict[str, Path] = {}


def make_repo(
    tmp: Path, records: dict[str, str] | None = None, options: str | None = None
) -> tuple[Origin, Path]:
    """make_site's feed on an origin, and a clone of it: the clone's mkdocs.yml is returned. Each kind of
    feed is made once per test process and copied, which is much faster than making it again."""
    key = repr((sorted((records or {}).items()), options))
    if key not in _TEMPLATES:
        template = Path(tempfile.mkdtemp(prefix="paperfeed-origin-"))
        atexit.register(shutil.rmtree, template, ignore_errors=True)
        seed = template / "seed"
        seed.mkdir()
        make_site(seed, records=records, **({"options": options} if options is not None else {}))
        make_origin(template, seed).clone(template / "clone")
        _TEMPLATES[key] = template
    for part in ("origin.git", "clone"):
        shutil.copytree(_TEMPLATES[key] / part, tmp / part, symlinks=True)
    git(tmp / "clone", "remote", "set-url", "origin", str(tmp / "origin.git"))
    return Origin(tmp / "origin.git"), tmp / "clone" / "mkdocs.yml"


def write_record(content: Path, name: str, text: str) -> Path:
    """Write content/papers/<name>.md, where name is "<year>/<slug>"."""
    path = content / "papers" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def record_on(day: dt.date, title: str = "") -> str:
    """A valid record dated `day`."""
    title = title or f"A paper of {day.isoformat()}"
    return f'---\ntitle: "{title}"\ndate: {day.isoformat()}\ntags: [language-models]\n---\nAn abstract.\n'


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
    """The SMTP server's handler: keeps what it accepts; refuses every sender if `refuse_senders`, and the
    recipients in `refuse`; answers MAIL and RCPT with `mail_reply(address)` and `rcpt_reply(address)` if
    set (a recipient answered with a 2xx is taken); answers the message numbered N with `data_replies[N]`
    if there is one (counting from 1); answers 421
    (closing) to the DATA numbered `drop_at_data` (counting from 1); closes the connection without an answer
    once the message numbered `hang_up_at_data` has come; and, while `hold` is set, keeps the first message
    waiting for its answer (`holding` is set meanwhile)."""

    deliveries: list[Delivery] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    refuse_senders: bool = False
    drop_at_data: int | None = None
    hang_up_at_data: int | None = None
    data_count: int = 0
    sessions: int = 0
    hold: threading.Event = field(default_factory=threading.Event)
    holding: threading.Event = field(default_factory=threading.Event)
    on_data: Callable[[], None] | None = None  # called as each message arrives, before it is answered
    mail_reply: Callable[[str], str] | None = None
    rcpt_reply: Callable[[str], str] | None = None
    data_replies: dict[int, str] = field(default_factory=dict)

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.refuse_senders:
            return "550 5.7.1 <" + address + ">: Sender address rejected: not owned by user"
        if self.mail_reply:
            return self.mail_reply(address)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        reply = self.rcpt_reply(address) if self.rcpt_reply else "250 OK"
        if reply.startswith("2"):
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.data_count += 1
        if self.data_count == self.drop_at_data:
            return "421 4.3.2 Service shutting down, closing transmission channel"
        if self.data_count in self.data_replies:
            return self.data_replies[self.data_count]
        if self.data_count == self.hang_up_at_data:
            # The server has the message; the connection breaks before its answer reaches the client.
            self.deliveries.append(Delivery(str(envelope.mail_from), list(envelope.rcpt_tos), b""))
            assert server.transport is not None
            server.transport.close()
            return "250 2.0.0 Ok: queued, but nobody hears it"
        if self.on_data:
            self.on_data()
        number = self.data_count
        while number == 1 and self.hold.is_set():
            self.holding.set()
            await asyncio.sleep(0.02)
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


class Listening(Protocol):
    port: int  # aiosmtpd's Controller, or smtp_script's server


def smtp_env(
    controller: Listening, authority: CertificateAuthority | None, **overrides: str | None
) -> dict[str, str | None]:
    """The environment a digest run sees: every PAPERFEED_ variable set or removed explicitly."""
    env: dict[str, str | None] = {
        "PAPERFEED_SMTP_HOST": "127.0.0.1",
        "PAPERFEED_SMTP_PORT": str(controller.port),
        "PAPERFEED_SMTP_USER": USER,
        "PAPERFEED_SMTP_PASSWORD": PASSWORD,
        "PAPERFEED_SMTP_TLS": "starttls",
        "PAPERFEED_SMTP_CA_FILE": str(authority.ca_file) if authority else None,
        "PAPERFEED_DIGEST_TO": "papers@lists.example.org",
        # Git as on a runner: no user configuration; commits by the Actions bot; no token or step output.
        **GIT_ENV,
        "GITHUB_ACTIONS": "true",
        "GITHUB_TOKEN": None,
        "GITHUB_OUTPUT": None,
        "GITHUB_RUN_ID": None,
    }
    env.update(overrides)
    return env


def send(config_path: Path, env: dict[str, str | None], *args: str, today: bool = False) -> Result:
    """`paperfeed digest --send` run on RUN_DAY, unless args has a --date or `today` asks for no --date."""
    args = args if "--date" in args or today else (*args, "--date", RUN_DAY)
    return CliRunner().invoke(
        main, ["digest", "--send", "-f", str(config_path), *args], env=env, catch_exceptions=False
    )


def outcome(result: Result) -> tuple[int, str, str]:
    return result.exit_code, result.stdout, result.stderr


def states(origin: Origin) -> dict[str, list[str]]:
    """The ledger on the origin's branch: each period's recipient states, in order."""
    text = origin.ledger_text()
    if text is None:
        return {}
    return {pid: list(s.recipients.values()) for pid, s in Ledger.parse(text, "ledger").digests.items()}


# The SMTP server's fixtures, for the digest tests to import: a certificate authority for the module, and
# for each test a recorder of what the server received and the server itself, on loopback.


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    return CertificateAuthority(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def server(recorder: Recorder, authority: CertificateAuthority) -> Iterator[Any]:
    controller = start_server(recorder, authority)
    yield controller
    controller.stop()

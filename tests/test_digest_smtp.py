"""`paperfeed digest --send` against a real SMTP server on loopback (aiosmtpd): STARTTLS with a certificate
made at test time (trustme), AUTH, refusals, a dropped connection, and the never-twice ledger."""

from __future__ import annotations

import datetime as dt
import email
import os
import subprocess
import sys
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from digest_support import (
    UNICODE_RECORD,
    CertificateAuthority,
    Recorder,
    closed_port,
    make_site,
    smtp_env,
    start_server,
)

from generator import config, digest, mailer, records
from generator.cli import main
from generator.ledger import Ledger
from generator.model import Feed, Paper
from generator.periods import Period

DAY = Period.parse("2025-03-04")
ALICE, BOB, CAROL = "alice@example.org", "bob@example.net", "carol@example.com"


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


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path, records={"uber-attention": UNICODE_RECORD})


def send(config_path: Path, env: dict[str, str | None], *args: str) -> Result:
    return CliRunner().invoke(
        main, ["digest", "--send", "-f", str(config_path), *args], env=env, catch_exceptions=False
    )


def ledger_bytes(config_path: Path) -> bytes | None:
    path = config_path.parent / "content" / "digests.yml"
    return path.read_bytes() if path.exists() else None


def parse(data: bytes) -> EmailMessage:
    msg = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def expected(config_path: Path, to: str) -> EmailMessage:
    """The message as composed for `to` and read back, to compare what the server received with."""
    site = config.load(config_path)
    feed = records.load_feed(site.content_dir)
    sender = digest.Sender.from_site(site)
    return parse(digest.compose(digest.build(feed, DAY, None), feed, site, sender, to).as_bytes())


def test_each_recipient_gets_exactly_the_intended_message(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    result = send(site, smtp_env(server, authority))
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "2025-03-04: 4 paper(s); sent to 2 recipient(s)\n",
        "",
    )
    assert [(d.mail_from, d.rcpt_tos) for d in recorder.deliveries] == [
        ("digest@example.org", [ALICE]),
        ("digest@example.org", [BOB]),
    ]
    for delivery, to in zip(recorder.deliveries, [ALICE, BOB], strict=True):
        got, want = parse(delivery.data), expected(site, to)
        assert delivery.data.isascii()
        assert [(k, str(v)) for k, v in got.items()] == [(k, str(v)) for k, v in want.items()]
        assert got["To"] == to
        assert str(got["Subject"]) == (
            "[Trending papers] 4 March 2025, 4 papers: Über-Attention: Café Transformers für alle, 注意力,"
            " and 3 more"
        )
        got_parts, want_parts = list(got.iter_parts()), list(want.iter_parts())
        assert [p.get_content_type() for p in got_parts] == ["text/plain", "text/html"]
        assert [p.get_content() for p in got_parts] == [p.get_content() for p in want_parts]  # type: ignore[attr-defined]
        text = got_parts[0].get_content()  # type: ignore[attr-defined]
        assert "Authors: Łukasz Kaiser, Zoë Müller" in text
        assert "<script" not in got_parts[1].get_content()  # type: ignore[attr-defined]
    assert (
        parse(recorder.deliveries[0].data)["Message-ID"] == parse(recorder.deliveries[1].data)["Message-ID"]
    )


def test_the_ledger_records_the_digest_without_addresses(
    server: Any, authority: CertificateAuthority, site: Path
) -> None:
    assert send(site, smtp_env(server, authority)).exit_code == 0
    ledger = Ledger.load(site.parent / "content" / "digests.yml")
    sent = ledger.digests["2025-03-04"]
    assert sent.first_sent == dt.datetime.now(dt.UTC).date()
    assert list(sent.papers) == [
        "uber-attention",
        "linear-attention-revisited",
        "attention-and-memory",
        "selective-state-spaces-at-scale",
    ]
    assert sent.recipients == [ledger.key(ALICE), ledger.key(BOB)]
    text = (site.parent / "content" / "digests.yml").read_text(encoding="utf-8")
    assert "alice" not in text and "bob" not in text and "example" not in text


def test_sending_again_sends_nothing_and_says_so(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    assert send(site, smtp_env(server, authority)).exit_code == 0
    before = ledger_bytes(site)
    sessions = recorder.sessions
    # The same recipients in another case and order: still the same people.
    again = send(site, smtp_env(server, authority, PAPERFEED_DIGEST_TO="BOB@example.net,alice@EXAMPLE.org"))
    assert (again.exit_code, again.stdout, again.stderr) == (
        0,
        "2025-03-04: already sent to all 2 recipient(s); nothing sent\n",
        "",
    )
    assert (len(recorder.deliveries), recorder.sessions, ledger_bytes(site)) == (2, sessions, before)


def test_a_new_recipient_gets_the_digest_as_it_first_went_out(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    assert send(site, smtp_env(server, authority, PAPERFEED_DIGEST_TO=ALICE)).exit_code == 0
    (site.parent / "content" / "papers" / "2025" / "uber-attention.md").unlink()  # a paper leaves the day
    result = send(site, smtp_env(server, authority, PAPERFEED_DIGEST_TO=f"{ALICE},{BOB}"))
    assert result.stdout == "2025-03-04: 3 paper(s); sent to 1 recipient(s), 1 had it already\n"
    first, second = (parse(d.data) for d in recorder.deliveries)
    assert second["Message-ID"] == first["Message-ID"]
    assert "uber-attention" not in second.as_string()
    assert str(second["Subject"]).startswith("[Trending papers] 4 March 2025, 3 papers: Linear Attention")


def test_a_refused_recipient_then_a_rerun_delivers_exactly_one_copy_each(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    env = smtp_env(server, authority, PAPERFEED_DIGEST_TO=f"{ALICE}, {BOB}, {CAROL}")
    recorder.refuse = {BOB}
    first = send(site, env)
    assert (first.exit_code, first.stdout, first.stderr) == (
        1,
        "2025-03-04: 4 paper(s); sent to 2 recipient(s)\n",
        "error: recipient 2 refused: 550 5.1.1 <recipient 2>: Recipient address rejected: User unknown\n"
        "Error: 1 of 3 recipient(s) still lack the digest of 2025-03-04; the ledger has the others:"
        " run again to send only what is missing\n",
    )
    assert recorder.copies() == {ALICE: 1, CAROL: 1}
    recorder.refuse = set()
    second = send(site, env)
    assert (second.exit_code, second.stdout, second.stderr) == (
        0,
        "2025-03-04: 4 paper(s); sent to 1 recipient(s), 2 had it already\n",
        "",
    )
    assert recorder.copies() == {ALICE: 1, BOB: 1, CAROL: 1}
    assert send(site, env).stdout == "2025-03-04: already sent to all 3 recipient(s); nothing sent\n"
    assert recorder.copies() == {ALICE: 1, BOB: 1, CAROL: 1}


def test_a_dropped_connection_then_a_rerun_sends_only_what_is_missing(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    env = smtp_env(server, authority, PAPERFEED_DIGEST_TO=f"{ALICE}, {BOB}, {CAROL}")
    recorder.drop_at_data = 2
    first = send(site, env)
    assert (first.exit_code, first.stdout, first.stderr) == (
        1,
        "2025-03-04: 4 paper(s); sent to 1 recipient(s)\n",
        "error: recipient 2: message refused: 421 4.3.2 Service shutting down, closing transmission channel\n"
        "Error: 2 of 3 recipient(s) still lack the digest of 2025-03-04; the ledger has the others:"
        " run again to send only what is missing\n",
    )
    assert recorder.copies() == {ALICE: 1}
    assert len(Ledger.load(site.parent / "content" / "digests.yml").digests["2025-03-04"].recipients) == 1
    recorder.drop_at_data = None
    second = send(site, env)
    assert (second.exit_code, second.stdout) == (
        0,
        "2025-03-04: 4 paper(s); sent to 2 recipient(s), 1 had it already\n",
    )
    assert recorder.copies() == {ALICE: 1, BOB: 1, CAROL: 1}


def test_an_empty_period_sends_nothing(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    result = send(site, smtp_env(server, authority), "--date", "2025-03-01")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "2025-03-01: no papers, nothing sent\n",
        "",
    )
    assert (recorder.deliveries, recorder.sessions, ledger_bytes(site)) == ([], 0, None)


def test_a_week_digest_is_its_own_period_in_the_ledger(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    assert send(site, smtp_env(server, authority)).exit_code == 0
    week = send(site, smtp_env(server, authority), "--period", "week")
    assert week.stdout == "2025-W10: 6 paper(s); sent to 2 recipient(s)\n"
    assert [parse(d.data)["Message-ID"] for d in recorder.deliveries[2:]] == [
        "<digest-2025-W10.paperfeed@example.github.io>"
    ] * 2
    assert list(Ledger.load(site.parent / "content" / "digests.yml").digests) == ["2025-03-04", "2025-W10"]


def test_a_title_carrying_a_header_adds_no_header_and_no_recipient(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    """Records cannot hold control characters, so the hostile paper goes straight to the mailer."""
    site_config = config.load(site)
    evil = Paper(
        slug="evil",
        title="Evil\r\nBcc: mallory@example.org\r\nX-Injected: 1",
        date=DAY.start,
        tags=("language-models",),
        abstract="Hello.",
        authors=("Eve\r\nCc: mallory@example.org",),
    )
    feed = Feed.of([evil], {})
    built = digest.build(feed, DAY, None)
    sender = digest.Sender.from_site(site_config)
    ledger = Ledger.load(site.parent / "content" / "digests.yml")
    settings = mailer.SmtpSettings.from_env({k: v for k, v in smtp_env(server, authority).items() if v})
    outcome = mailer.send(
        DAY,
        built.slugs,
        lambda to: digest.compose(built, feed, site_config, sender, to),
        sender.address.addr_spec,
        (ALICE,),
        settings,
        ledger,
        dt.date(2025, 3, 4),
    )
    assert (outcome.delivered, outcome.failures) == ([1], [])
    [delivery] = recorder.deliveries
    assert delivery.rcpt_tos == [ALICE]
    msg = parse(delivery.data)
    assert [k for k in msg if k.lower() in {"bcc", "cc", "x-injected"}] == []
    assert str(msg["Subject"]) == (
        "[Trending papers] 4 March 2025, 1 paper: Evil Bcc: mallory@example.org X-Injected: 1"
    )


def test_an_encoded_word_title_adds_no_header(
    server: Any, recorder: Recorder, authority: CertificateAuthority, tmp_path: Path
) -> None:
    """A valid record (no control characters) whose title decodes to CR LF in the mail library."""
    record = UNICODE_RECORD.replace(
        'title: "Über-Attention: Café Transformers für alle, 注意力"',
        'title: "=?utf-8?q?=0D=0ABcc=3A_mallory=40example.org?="',
    )
    config_path = make_site(tmp_path, records={"encoded": record})
    assert send(config_path, smtp_env(server, authority)).exit_code == 0
    assert [d.rcpt_tos for d in recorder.deliveries] == [[ALICE], [BOB]]
    msg = parse(recorder.deliveries[0].data)
    assert msg["Bcc"] is None
    assert "mallory" not in "".join(f"{k}{v}" for k, v in msg.items() if k != "Subject")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_implicit_tls_works_too(recorder: Recorder, authority: CertificateAuthority, site: Path) -> None:
    controller = start_server(recorder, authority, mode="ssl")
    try:
        result = send(site, smtp_env(controller, authority, PAPERFEED_SMTP_TLS="ssl"))
    finally:
        controller.stop()
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "2025-03-04: 4 paper(s); sent to 2 recipient(s)\n",
        "",
    )
    assert recorder.copies() == {ALICE: 1, BOB: 1}


def test_a_plain_relay_without_login_works(recorder: Recorder, site: Path) -> None:
    controller = start_server(recorder, None, mode="none")
    try:
        env = smtp_env(
            controller,
            None,
            PAPERFEED_SMTP_TLS="none",
            PAPERFEED_SMTP_USER=None,
            PAPERFEED_SMTP_PASSWORD=None,
        )
        result = send(site, env)
    finally:
        controller.stop()
    assert (result.exit_code, result.stderr) == (0, "")
    assert recorder.copies() == {ALICE: 1, BOB: 1}


# Bad settings: one clear line, exit 1, nothing sent, the ledger as it was.

PORT = "<port>"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"PAPERFEED_SMTP_HOST": None},
            "PAPERFEED_SMTP_HOST is not set: name the SMTP server that sends the digest",
        ),
        (
            {"PAPERFEED_SMTP_PASSWORD": "wrong"},
            f"the SMTP server 127.0.0.1:{PORT} refused the login: 535 5.7.8 Authentication credentials"
            " invalid (check PAPERFEED_SMTP_USER and PAPERFEED_SMTP_PASSWORD)",
        ),
        (
            {"PAPERFEED_SMTP_PORT": "closed"},
            "cannot connect to the SMTP server 127.0.0.1:<closed>: Connection refused"
            " (check PAPERFEED_SMTP_HOST and PAPERFEED_SMTP_PORT)",
        ),
        (
            {"PAPERFEED_SMTP_CA_FILE": None},
            f"cannot start TLS with the SMTP server 127.0.0.1:{PORT}: TLS failed: unable to get local issuer"
            " certificate (check PAPERFEED_SMTP_TLS; set PAPERFEED_SMTP_CA_FILE if the server's certificate"
            " comes from a private CA)",
        ),
        (
            {"PAPERFEED_SMTP_TLS": "ssl"},
            f"cannot connect to the SMTP server 127.0.0.1:{PORT}: TLS failed: wrong version number"
            " (check PAPERFEED_SMTP_TLS; set PAPERFEED_SMTP_CA_FILE if the server's certificate comes from"
            " a private CA)",
        ),
        (
            {"PAPERFEED_SMTP_TLS": "tls"},
            "PAPERFEED_SMTP_TLS must be starttls, ssl or none, not 'tls'",
        ),
        (
            {"PAPERFEED_SMTP_TLS": "none"},
            "PAPERFEED_SMTP_TLS=none would send the password unencrypted: use starttls or ssl",
        ),
        (
            {"PAPERFEED_SMTP_PORT": "smtp"},
            "PAPERFEED_SMTP_PORT must be a port number (1-65535), not 'smtp'",
        ),
        (
            {"PAPERFEED_SMTP_PASSWORD": None},
            "PAPERFEED_SMTP_USER is set but PAPERFEED_SMTP_PASSWORD is not: set both, or neither for a"
            " server that needs no login",
        ),
        (
            {"PAPERFEED_SMTP_CA_FILE": "missing-ca.pem"},
            "PAPERFEED_SMTP_CA_FILE: cannot read 'missing-ca.pem' (No such file or directory)",
        ),
        (
            {"PAPERFEED_DIGEST_TO": " , "},
            "PAPERFEED_DIGEST_TO is not set: give the address(es) to send the digest to, comma-separated",
        ),
        (
            {"PAPERFEED_DIGEST_TO": "alice@example.org, bob"},
            "PAPERFEED_DIGEST_TO: recipient 2 is not an e-mail address (name@example.org)",
        ),
    ],
)
def test_bad_settings_fail_with_one_clear_line_and_no_ledger_change(
    server: Any,
    recorder: Recorder,
    authority: CertificateAuthority,
    site: Path,
    overrides: dict[str, str | None],
    message: str,
) -> None:
    assert send(site, smtp_env(server, authority), "--date", "2025-03-03").exit_code == 0
    before, delivered = ledger_bytes(site), len(recorder.deliveries)
    port = str(closed_port())
    overrides = {k: port if v == "closed" else v for k, v in overrides.items()}
    result = send(site, smtp_env(server, authority, **overrides))
    message = message.replace(PORT, str(server.port)).replace("<closed>", port)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")
    assert (ledger_bytes(site), len(recorder.deliveries)) == (before, delivered)


def test_the_real_command_fails_without_a_traceback(tmp_path: Path) -> None:
    config_path = make_site(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
    env |= {"PAPERFEED_SMTP_HOST": "127.0.0.1", "PAPERFEED_SMTP_PORT": str(closed_port())}
    env |= {"PAPERFEED_SMTP_TLS": "none", "PAPERFEED_DIGEST_TO": ALICE}
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "digest", "--send", "-f", str(config_path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"Error: cannot connect to the SMTP server 127.0.0.1:{env['PAPERFEED_SMTP_PORT']}: Connection refused"
        " (check PAPERFEED_SMTP_HOST and PAPERFEED_SMTP_PORT)\n"
    )
    assert not (tmp_path / "content" / "digests.yml").exists()


def test_a_server_without_starttls_is_refused_rather_than_used_in_clear(
    recorder: Recorder, site: Path
) -> None:
    controller = start_server(recorder, None, mode="none")
    try:
        result = send(site, smtp_env(controller, None))
    finally:
        controller.stop()
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: the SMTP server 127.0.0.1:{controller.port} does not offer STARTTLS: set"
        " PAPERFEED_SMTP_TLS=ssl if it expects TLS from the start\n",
    )
    assert (recorder.deliveries, ledger_bytes(site)) == ([], None)

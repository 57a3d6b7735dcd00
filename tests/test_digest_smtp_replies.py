"""`paperfeed digest --send` against the replies a real server may give at each step: a refusal for now or
for good, an answer of 251, a server that closes (421) or hangs up, a reply that is not UTF-8, a DATA
refused before the message, a reset that fails. aiosmtpd on loopback where it can give the reply; where it
cannot, the scripted socket server of smtp_script.py.

Each step decides whether the connection carries the next message: on the fixture's 2025-03-04 two days are
due (2025-03-03 and 2025-03-04), so what happens to the second one shows what the first left behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import digest_support
import pytest
from digest_support import (
    LIST,
    UNICODE_RECORD,
    CertificateAuthority,
    Origin,
    Recorder,
    make_repo,
    outcome,
    send,
    smtp_env,
    states,
)
from smtp_script import HANG_UP, Reply, Script, scripted_server

BOTH_DAYS = ("--date", "2025-03-04")  # 2025-03-03 (2 papers) and 2025-03-04 (4 papers) are due
FAILED_BOTH = (
    "Error: 2025-03-03, 2025-03-04 not sent; the ledger marks it failed, and the next run sends it\n"
)
FAILED_FIRST = "Error: 2025-03-03 not sent; the ledger marks it failed, and the next run sends it\n"
NOT_TRIED = "2025-03-04: 4 paper(s); not sent: not tried, the connection had broken off\n"
SENDER = "the SMTP server refused the sender digest@example.org"
CLOSING = "421 4.3.2 Service shutting down, closing transmission channel"


# The SMTP server's fixtures (a certificate authority, what the server received, the server on loopback).
authority, recorder, server = digest_support.authority, digest_support.recorder, digest_support.server


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Origin, Path]:
    return make_repo(tmp_path, records={"uber-attention": UNICODE_RECORD})


def run_both_days(site: Path, env: dict[str, str | None]) -> tuple[int, str, str]:
    return outcome(send(site, env, *BOTH_DAYS))


# --- aiosmtpd -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "second"),
    [
        # 421: the server is closing the connection, so the second day is not tried on it.
        ("421 4.7.0 Try again later, closing connection", NOT_TRIED),
        # 5xx: a refusal of this sender on a connection that stays open; the second day is tried, and refused.
        (
            "550 5.7.1 Sender address rejected",
            f"2025-03-04: 4 paper(s); not sent: {SENDER}: 550 5.7.1 Sender address rejected (check"
            " digest_from in mkdocs.yml)\n",
        ),
    ],
)
def test_a_refused_sender_stops_the_run_only_if_the_server_is_closing(
    server: Any,
    recorder: Recorder,
    authority: CertificateAuthority,
    repo: tuple[Origin, Path],
    reply: str,
    second: str,
) -> None:
    origin, site = repo
    senders: list[str] = []
    recorder.mail_reply = lambda address: senders.append(address) or reply
    first = f"2025-03-03: 2 paper(s); not sent: {SENDER}: {reply} (check digest_from in mkdocs.yml)\n"
    assert run_both_days(site, smtp_env(server, authority)) == (1, first + second, FAILED_BOTH)
    assert len(senders) == (1 if reply.startswith("421") else 2)
    assert (recorder.deliveries, states(origin)) == ([], {"2025-03-03": ["failed"], "2025-03-04": ["failed"]})


@pytest.mark.parametrize(
    ("reply", "second"),
    [
        ("421 4.4.5 Too many connections, closing", NOT_TRIED),
        (
            "450 4.2.1 Mailbox busy, try again later",
            "2025-03-04: 4 paper(s); not sent: the recipient was refused: 450 4.2.1 Mailbox busy, try again"
            " later\n",
        ),
    ],
)
def test_a_refused_recipient_stops_the_run_only_if_the_server_is_closing(
    server: Any,
    recorder: Recorder,
    authority: CertificateAuthority,
    repo: tuple[Origin, Path],
    reply: str,
    second: str,
) -> None:
    origin, site = repo
    asked: list[str] = []
    recorder.rcpt_reply = lambda address: asked.append(address) or reply
    first = f"2025-03-03: 2 paper(s); not sent: the recipient was refused: {reply}\n"
    assert run_both_days(site, smtp_env(server, authority)) == (1, first + second, FAILED_BOTH)
    assert asked == [LIST] * (1 if reply.startswith("421") else 2)
    assert states(origin) == {"2025-03-03": ["failed"], "2025-03-04": ["failed"]}


def test_a_recipient_the_server_forwards_to_251_is_sent(
    server: Any, recorder: Recorder, authority: CertificateAuthority, repo: tuple[Origin, Path]
) -> None:
    origin, site = repo
    recorder.rcpt_reply = lambda address: "251 2.1.5 User not local; will forward"
    assert outcome(send(site, smtp_env(server, authority))) == (0, "2025-03-04: 4 paper(s); sent\n", "")
    assert (recorder.copies(), states(origin)) == ({LIST: 1}, {"2025-03-04": ["sent"]})


def test_a_message_refused_after_its_data_leaves_the_connection_to_the_next(
    server: Any, recorder: Recorder, authority: CertificateAuthority, repo: tuple[Origin, Path]
) -> None:
    origin, site = repo
    recorder.data_replies = {1: "554 5.7.1 Message rejected as spam"}
    assert run_both_days(site, smtp_env(server, authority)) == (
        1,
        "2025-03-03: 2 paper(s); not sent: the message was refused: 554 5.7.1 Message rejected as spam\n"
        "2025-03-04: 4 paper(s); sent\n",
        FAILED_FIRST,
    )
    assert states(origin) == {"2025-03-03": ["failed"], "2025-03-04": ["sent"]}
    assert recorder.data_count == 2
    assert origin.ledger_log()[0] == "Digest ledger: 2025-03-03 failed, 2025-03-04 sent"


def test_a_connection_lost_while_the_message_was_on_its_way_is_not_used_again(
    server: Any, recorder: Recorder, authority: CertificateAuthority, repo: tuple[Origin, Path]
) -> None:
    origin, site = repo
    recorder.hang_up_at_data = 1
    assert run_both_days(site, smtp_env(server, authority)) == (
        1,
        f"2025-03-03: 2 paper(s); in doubt: the connection to 127.0.0.1:{server.port} broke off while the"
        f" message was on its way: Connection unexpectedly closed\n{NOT_TRIED}",
        "Error: 2025-03-04 not sent; the ledger marks it failed, and the next run sends it; 2025-03-03 in"
        " doubt; the ledger keeps it as on its way, so no run sends it again by itself\n",
    )
    assert states(origin) == {"2025-03-03": ["sending"], "2025-03-04": ["failed"]}
    assert recorder.data_count == 1  # the second day never reached the server
    # The intent names both days; the outcome only the one whose end is known.
    assert origin.ledger_log() == [
        "Digest ledger: 2025-03-04 failed",
        "Digest ledger: 2025-03-03 sending, 2025-03-04 sending",
    ]


@pytest.mark.parametrize("written", ["Papers@lists.example.org", "PAPERS@Lists.Example.Org"])
@pytest.mark.parametrize("echo", ["as sent", "upper case", "lower case"])
def test_the_recipient_is_hidden_however_the_server_echoes_it(
    server: Any,
    recorder: Recorder,
    authority: CertificateAuthority,
    repo: tuple[Origin, Path],
    written: str,
    echo: str,
) -> None:
    """The address as written (local part in its own case), as RCPT TO sent it, or in any other case."""
    _, site = repo
    spell = {"as sent": str, "upper case": str.upper, "lower case": str.lower}[echo]
    recorder.rcpt_reply = lambda address: f"550 5.1.1 <{spell(address)}>: Recipient address rejected"
    code, out, err = outcome(send(site, smtp_env(server, authority, PAPERFEED_DIGEST_TO=written)))
    assert (code, out) == (
        1,
        "2025-03-04: 4 paper(s); not sent: the recipient was refused: 550 5.1.1 <recipient>: Recipient"
        " address rejected\n",
    )
    assert "papers@" not in (out + err).lower()


# --- the scripted server ------------------------------------------------------------------------------------


@pytest.fixture
def script_run(repo: tuple[Origin, Path]) -> Any:
    """Run both days against a scripted server: call it with the replies by verb; it gives the outcome, the
    script (what the server heard), the ledger's states and the server's port."""

    def run(**replies: list[Reply]) -> tuple[tuple[int, str, str], Script, dict[str, list[str]], int]:
        origin, site = repo
        with scripted_server(**replies) as (server, script):
            plain = {
                "PAPERFEED_SMTP_TLS": "none",
                "PAPERFEED_SMTP_USER": None,
                "PAPERFEED_SMTP_PASSWORD": None,
            }
            result = run_both_days(site, smtp_env(server, None, **plain))
        return result, script, states(origin), server.port

    return run


def test_a_reply_that_is_not_utf8_is_shown_with_stand_ins(script_run: Any) -> None:
    (code, out, err), _, ledger, _ = script_run(RCPT=[b"550 5.1.1 Empf\xe4nger unbekannt"])
    refused = "not sent: the recipient was refused: 550 5.1.1 Empf\N{REPLACEMENT CHARACTER}nger unbekannt\n"
    assert (code, out, err) == (
        1,
        f"2025-03-03: 2 paper(s); {refused}2025-03-04: 4 paper(s); {refused}",
        FAILED_BOTH,
    )
    assert ledger == {"2025-03-03": ["failed"], "2025-03-04": ["failed"]}


def test_a_greeting_longer_than_smtplib_reads_is_a_clear_error(script_run: Any) -> None:
    """smtplib refuses a reply line over 8192 bytes with a reply of its own making, 500 as text."""
    (code, out, err), script, ledger, port = script_run(GREETING=[b"220 " + b"x" * 9000])
    assert (code, out) == (1, "")
    assert err == (
        f"Error: cannot connect to the SMTP server 127.0.0.1:{port}: 500 Line too long. (check"
        " PAPERFEED_SMTP_HOST and PAPERFEED_SMTP_PORT)\n"
    )
    assert (script.heard, ledger) == ([], {})


@pytest.mark.parametrize(
    ("reply", "second", "resets"),
    [
        # No 354: the message never went; a 5xx leaves the connection to the second day, which is sent.
        (b"554 5.5.1 Error: no valid recipients", "2025-03-04: 4 paper(s); sent\n", 1),
        (b"421 4.3.2 Service shutting down, closing transmission channel", NOT_TRIED, 1),
    ],
)
def test_a_data_command_refused_before_the_message_is_a_failure_not_a_doubt(
    script_run: Any, reply: bytes, second: str, resets: int
) -> None:
    (code, out, err), script, ledger, _ = script_run(DATA=[reply, b"354 Go ahead"])
    first = f"2025-03-03: 2 paper(s); not sent: the message was refused: {reply.decode()}\n"
    closing = reply.startswith(b"421")
    assert (code, out, err) == (1, first + second, FAILED_BOTH if closing else FAILED_FIRST)
    assert ledger == {"2025-03-03": ["failed"], "2025-03-04": ["failed" if closing else "sent"]}
    assert script.heard.count("RSET") == resets
    assert len(script.messages) == (0 if closing else 1)


def test_a_reset_that_fails_leaves_the_next_day_to_find_the_connection_closed(script_run: Any) -> None:
    """The server refuses the recipient and hangs up: the reset after the refusal fails, quietly, and the
    second day finds the connection gone before its message."""
    (code, out, err), script, ledger, port = script_run(RCPT=[(b"550 5.1.1 No such list here", HANG_UP)])
    assert (code, out, err) == (
        1,
        "2025-03-03: 2 paper(s); not sent: the recipient was refused: 550 5.1.1 No such list here\n"
        f"2025-03-04: 4 paper(s); not sent: the connection to 127.0.0.1:{port} broke off before the"
        " message: please run connect() first\n",
        FAILED_BOTH,
    )
    assert ledger == {"2025-03-03": ["failed"], "2025-03-04": ["failed"]}
    assert script.heard == ["EHLO", "MAIL", "RCPT"]


def test_a_server_that_hangs_up_at_the_recipient_fails_the_day_and_tries_no_more(script_run: Any) -> None:
    (code, out, err), script, ledger, port = script_run(RCPT=[HANG_UP])
    assert (code, out, err) == (
        1,
        f"2025-03-03: 2 paper(s); not sent: the connection to 127.0.0.1:{port} broke off before the message:"
        f" Connection unexpectedly closed\n{NOT_TRIED}",
        FAILED_BOTH,
    )
    assert ledger == {"2025-03-03": ["failed"], "2025-03-04": ["failed"]}
    assert script.heard == ["EHLO", "MAIL", "RCPT"]


# --- what the run tells the workflow ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("server_does", "first", "second"),
    [
        ("refuse", "", "sent=true\n"),  # nothing went out; the next run sends it
        ("take", "sent=true\n", ""),  # sent; the next run has nothing to send
        ("hang up", "sent=true\n", ""),  # in doubt: it may have gone out; no run sends it again
    ],
)
def test_the_workflow_rebuilds_the_site_only_after_a_run_where_a_message_may_have_gone_out(
    server: Any,
    recorder: Recorder,
    authority: CertificateAuthority,
    repo: tuple[Origin, Path],
    tmp_path: Path,
    server_does: str,
    first: str,
    second: str,
) -> None:
    """`sent=true` in GITHUB_OUTPUT has the digest workflow rebuild the site, whose /digests/ page lists
    what went out."""
    _, site = repo
    output = tmp_path / "github-output"
    output.touch()
    env = smtp_env(server, authority, GITHUB_OUTPUT=str(output))
    recorder.refuse = {LIST} if server_does == "refuse" else set()
    recorder.hang_up_at_data = 1 if server_does == "hang up" else None
    send(site, env)
    assert output.read_text(encoding="utf-8") == first
    recorder.refuse, recorder.hang_up_at_data = set(), None
    send(site, env)
    assert output.read_text(encoding="utf-8") == first + second

"""`paperfeed digest --send` against a real SMTP server on loopback (aiosmtpd): STARTTLS with a certificate
made at test time (trustme), AUTH, refusals, dropped connections; and the ledger on its own branch of a
bare Git origin whose pre-receive hook protects main, so that each period goes out at most once."""

from __future__ import annotations

import datetime as dt
import email
import os
import subprocess
import sys
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import digest_support
import pytest
import yaml
from digest_support import (
    LIST,
    RUN_DAY,
    UNICODE_RECORD,
    CertificateAuthority,
    Origin,
    Recorder,
    closed_port,
    git,
    make_repo,
    outcome,
    record_on,
    send,
    smtp_env,
    start_server,
    states,
    write_record,
)

from generator import config, records
from generator.data import ledger_branch
from generator.mail import digest, mailer
from generator.mail.ledger import Ledger
from generator.model import Feed, Paper
from generator.periods import Period

DAY = Period.parse("2025-03-04")
DAY_SLUGS = [
    "uber-attention",
    "linear-attention-revisited",
    "attention-and-memory",
    "selective-state-spaces-at-scale",
]


# The SMTP server's fixtures (a certificate authority, what the server received, the server on loopback).
authority, recorder, server = digest_support.authority, digest_support.recorder, digest_support.server


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Origin, Path]:
    return make_repo(tmp_path, records={"uber-attention": UNICODE_RECORD})


@pytest.fixture
def origin(repo: tuple[Origin, Path]) -> Origin:
    return repo[0]


@pytest.fixture
def site(repo: tuple[Origin, Path]) -> Path:
    return repo[1]


def parse(data: bytes) -> EmailMessage:
    msg = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def message_ids(recorder: Recorder) -> list[str]:
    """The period of each message the server took, in order, from its Message-ID."""
    ids = [str(parse(d.data)["Message-ID"]) for d in recorder.deliveries]
    return [i.removeprefix("<digest-").split(".paperfeed@")[0] for i in ids]


def expected(config_path: Path, to: str) -> EmailMessage:
    """The message as composed for `to` and read back, to compare what the server received with."""
    site = config.load(config_path)
    feed = records.load_feed(site.content_dir)
    sender = digest.Sender.from_site(site)
    return parse(digest.compose(digest.build(feed, DAY, None), feed, site, sender, to).as_bytes())


def test_the_list_gets_exactly_the_intended_message(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    assert outcome(send(site, smtp_env(server, authority))) == (0, "2025-03-04: 4 paper(s); sent\n", "")
    [delivery] = recorder.deliveries
    assert (delivery.mail_from, delivery.rcpt_tos) == ("digest@example.org", [LIST])
    got, want = parse(delivery.data), expected(site, LIST)
    assert delivery.data.isascii()
    assert [(k, str(v)) for k, v in got.items()] == [(k, str(v)) for k, v in want.items()]
    assert got["To"] == LIST
    assert str(got["Subject"]) == (
        "[Trending papers] 4 March 2025, 4 papers: Über-Attention: Café Transformers für alle, 注意力,"
        " and 3 more"
    )
    got_parts, want_parts = list(got.iter_parts()), list(want.iter_parts())
    assert [p.get_content_type() for p in got_parts] == ["text/plain", "text/html"]
    assert [p.get_content() for p in got_parts] == [p.get_content() for p in want_parts]  # type: ignore[attr-defined]
    assert "Authors: Łukasz Kaiser, Zoë Müller" in got_parts[0].get_content()  # type: ignore[attr-defined]
    assert "<script" not in got_parts[1].get_content()  # type: ignore[attr-defined]


def test_the_ledger_is_pushed_to_its_own_branch_before_and_after_sending(
    server: Any, recorder: Recorder, authority: CertificateAuthority, origin: Origin, site: Path
) -> None:
    clone = site.parent
    head, main = git(clone, "rev-parse", "HEAD"), origin.head()
    seen_by_the_server: list[dict[str, list[str]]] = []
    recorder.on_data = lambda: seen_by_the_server.append(states(origin))
    assert send(site, smtp_env(server, authority, GITHUB_RUN_ID="77")).exit_code == 0
    # When the message reached the server, the origin already had it on record as on its way.
    assert seen_by_the_server == [{"2025-03-04": ["sending"]}]
    # The intent first, then the outcome: two commits by the Actions bot, on the ledger branch only.
    assert origin.ledger_log() == [
        "Digest ledger: 2025-03-04 sent (run 77)",
        "Digest ledger: 2025-03-04 sending (run 77)",
    ]
    authors = git(origin.path, "log", "--format=%an <%ae>", "digest-ledger").splitlines()
    assert authors == ["github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"] * 2
    assert git(origin.path, "ls-tree", "--name-only", "-r", "digest-ledger") == "digests.yml\n"
    first = git(origin.path, "show", "digest-ledger~1:digests.yml")
    assert list(yaml.safe_load(first)["digests"][0]["recipients"].values()) == ["sending"]
    # main, and the clone's branch, index and files, are as they were.
    assert (origin.head(), git(clone, "rev-parse", "HEAD")) == (main, head)
    assert git(clone, "status", "--porcelain") == ""
    text = origin.ledger_text()
    assert text is not None
    ledger = Ledger.parse(text, "ledger")
    sent = ledger.digests["2025-03-04"]
    assert (sent.first_sent, list(sent.papers)) == (dt.date(2025, 3, 6), DAY_SLUGS)
    assert sent.recipients == {ledger.key(LIST): "sent"}
    assert "papers@" not in text and "lists.example" not in text and "example.org" not in text


@pytest.mark.parametrize(
    "written",
    [
        "PAPERS@Lists.Example.ORG",
        "papers@lists.example.org.",
        " papers@LISTS.example.org ",
    ],
)
def test_the_same_list_written_otherwise_gets_nothing_more(
    server: Any, recorder: Recorder, authority: CertificateAuthority, origin: Origin, site: Path, written: str
) -> None:
    assert send(site, smtp_env(server, authority)).exit_code == 0
    before, sessions = origin.ledger_log(), recorder.sessions
    again = send(site, smtp_env(server, authority, PAPERFEED_DIGEST_TO=written))
    assert outcome(again) == (0, "2025-03-04: already sent; nothing sent\n", "")
    assert (len(recorder.deliveries), recorder.sessions, origin.ledger_log()) == (1, sessions, before)


def test_one_address_written_twice_in_one_run_gets_one_copy(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    env = smtp_env(server, authority, PAPERFEED_DIGEST_TO="alice@x.org, ALICE@X.ORG, Alice@x.org.")
    assert outcome(send(site, env)) == (0, "2025-03-04: 4 paper(s); sent\n", "")
    assert recorder.copies() == {"alice@x.org": 1}


def test_an_international_domain_is_one_recipient_in_either_form(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    env = smtp_env(
        server, authority, PAPERFEED_DIGEST_TO="papers@Bücher.example, papers@xn--bcher-kva.example"
    )
    assert send(site, env).exit_code == 0
    assert recorder.copies() == {"papers@xn--bcher-kva.example": 1}
    again = send(site, smtp_env(server, authority, PAPERFEED_DIGEST_TO="PAPERS@XN--BCHER-KVA.EXAMPLE"))
    assert again.stdout == "2025-03-04: already sent; nothing sent\n"


def test_another_list_gets_the_digest_as_it_first_went_out_without_papers_added_since(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    assert send(site, smtp_env(server, authority)).exit_code == 0
    write_record(site.parent / "content", "2025/added-later", record_on(DAY.start, "Added later"))
    other = smtp_env(server, authority, PAPERFEED_DIGEST_TO="digest@other.example.net")
    assert send(site, other).stdout == "2025-03-04: 4 paper(s); sent\n"
    first, second = (parse(d.data) for d in recorder.deliveries)
    assert second["Message-ID"] == first["Message-ID"]
    assert "Added later" not in second.as_string() and "added-later" not in second.as_string()


def test_a_day_already_sent_is_passed_over_and_the_next_one_goes_out(
    server: Any, recorder: Recorder, authority: CertificateAuthority, origin: Origin, site: Path
) -> None:
    assert send(site, smtp_env(server, authority), "--date", "2025-03-03").stdout == (
        "2025-03-03: 2 paper(s); sent\n"
    )
    both = send(site, smtp_env(server, authority), "--date", "2025-03-04")
    assert outcome(both) == (0, "2025-03-03: already sent; nothing sent\n2025-03-04: 4 paper(s); sent\n", "")
    assert message_ids(recorder) == ["2025-03-03", "2025-03-04"]
    assert states(origin) == {"2025-03-03": ["sent"], "2025-03-04": ["sent"]}


def test_a_connection_closed_at_the_first_of_three_days_leaves_the_other_two_untried(
    server: Any, recorder: Recorder, authority: CertificateAuthority, tmp_path: Path
) -> None:
    origin, site = make_repo(tmp_path, records={"2025/third-day": record_on(dt.date(2025, 3, 5))})
    recorder.drop_at_data = 1
    three = send(site, smtp_env(server, authority), "--date", "2025-03-05")  # 03-03, 03-04 and 03-05
    untried = "not sent: not tried, the connection had broken off"
    assert outcome(three) == (
        1,
        "2025-03-03: 2 paper(s); not sent: the message was refused: 421 4.3.2 Service shutting down,"
        f" closing transmission channel\n2025-03-04: 3 paper(s); {untried}\n2025-03-05: 1 paper(s);"
        f" {untried}\n",
        "Error: 2025-03-03, 2025-03-04, 2025-03-05 not sent; the ledger marks it failed, and the next run"
        " sends it\n",
    )
    assert states(origin) == {d: ["failed"] for d in ("2025-03-03", "2025-03-04", "2025-03-05")}


def test_another_list_gets_the_digest_as_it_first_went_out(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    assert send(site, smtp_env(server, authority)).exit_code == 0
    (site.parent / "content" / "papers" / "2025" / "uber-attention.md").unlink()  # a paper leaves the day
    other = smtp_env(server, authority, PAPERFEED_DIGEST_TO="digest@other.example.net")
    assert send(site, other).stdout == "2025-03-04: 3 paper(s); sent\n"
    first, second = (parse(d.data) for d in recorder.deliveries)
    assert second["Message-ID"] == first["Message-ID"]
    assert "uber-attention" not in second.as_string()
    assert str(second["Subject"]).startswith("[Trending papers] 4 March 2025, 3 papers: Linear Attention")


def test_a_refused_delivery_is_marked_failed_and_sent_by_the_next_run(
    server: Any, recorder: Recorder, authority: CertificateAuthority, origin: Origin, site: Path
) -> None:
    recorder.refuse = {LIST}
    first = send(site, smtp_env(server, authority))
    assert outcome(first) == (
        1,
        "2025-03-04: 4 paper(s); not sent: the recipient was refused: 550 5.1.1 <recipient>: Recipient"
        " address rejected: User unknown\n",
        "Error: 2025-03-04 not sent; the ledger marks it failed, and the next run sends it\n",
    )
    assert (recorder.copies(), states(origin)) == ({}, {"2025-03-04": ["failed"]})
    assert origin.ledger_log()[0] == "Digest ledger: 2025-03-04 failed"
    recorder.refuse = set()
    assert outcome(send(site, smtp_env(server, authority))) == (0, "2025-03-04: 4 paper(s); sent\n", "")
    assert (recorder.copies(), states(origin)) == ({LIST: 1}, {"2025-03-04": ["sent"]})
    assert send(site, smtp_env(server, authority)).stdout == "2025-03-04: already sent; nothing sent\n"
    assert recorder.copies() == {LIST: 1}


def test_a_refused_sender_says_which_setting_to_check(
    server: Any, recorder: Recorder, authority: CertificateAuthority, origin: Origin, site: Path
) -> None:
    recorder.refuse_senders = True
    result = send(site, smtp_env(server, authority))
    assert outcome(result) == (
        1,
        "2025-03-04: 4 paper(s); not sent: the SMTP server refused the sender digest@example.org: 550 5.7.1"
        " <digest@example.org>: Sender address rejected: not owned by user (check digest_from in"
        " mkdocs.yml)\n",
        "Error: 2025-03-04 not sent; the ledger marks it failed, and the next run sends it\n",
    )
    assert (recorder.deliveries, states(origin)) == ([], {"2025-03-04": ["failed"]})


def test_a_server_closing_at_the_first_message_leaves_both_due_days_to_the_next_run(
    server: Any, recorder: Recorder, authority: CertificateAuthority, origin: Origin, site: Path
) -> None:
    recorder.drop_at_data = 1
    first = send(site, smtp_env(server, authority), "--date", "2025-03-04")  # 2025-03-03 and -04 are due
    assert outcome(first) == (
        1,
        "2025-03-03: 2 paper(s); not sent: the message was refused: 421 4.3.2 Service shutting down,"
        " closing transmission channel\n"
        "2025-03-04: 4 paper(s); not sent: not tried, the connection had broken off\n",
        "Error: 2025-03-03, 2025-03-04 not sent; the ledger marks it failed, and the next run sends it\n",
    )
    assert states(origin) == {"2025-03-03": ["failed"], "2025-03-04": ["failed"]}
    recorder.drop_at_data = None
    second = send(site, smtp_env(server, authority), "--date", "2025-03-05")
    assert outcome(second) == (0, "2025-03-03: 2 paper(s); sent\n2025-03-04: 4 paper(s); sent\n", "")
    assert [parse(d.data)["Message-ID"] for d in recorder.deliveries] == [
        "<digest-2025-03-03.paperfeed@example.github.io>",
        "<digest-2025-03-04.paperfeed@example.github.io>",
    ]


def test_a_message_whose_answer_never_comes_is_in_doubt_and_never_sent_again(
    server: Any, recorder: Recorder, authority: CertificateAuthority, origin: Origin, site: Path
) -> None:
    recorder.hang_up_at_data = 1
    first = send(site, smtp_env(server, authority))
    assert outcome(first) == (
        1,
        f"2025-03-04: 4 paper(s); in doubt: the connection to 127.0.0.1:{server.port} broke off while the"
        " message was on its way: Connection unexpectedly closed\n",
        "Error: 2025-03-04 in doubt; the ledger keeps it as on its way, so no run sends it again by itself\n",
    )
    assert (len(recorder.deliveries), states(origin)) == (1, {"2025-03-04": ["sending"]})
    again = send(site, smtp_env(server, authority))
    assert outcome(again) == (
        0,
        "2025-03-04: another run is sending it, or stopped before recording whether it went out;"
        " not sent again\n",
        "",
    )
    assert len(recorder.deliveries) == 1


def test_a_run_that_cannot_record_the_intent_sends_nothing(
    server: Any, recorder: Recorder, authority: CertificateAuthority, origin: Origin, site: Path
) -> None:
    origin.refuse_ledger_pushes(from_push=1)  # branch rules that cover the ledger branch too
    result = send(site, smtp_env(server, authority))
    assert outcome(result) == (
        1,
        "",
        "Error: nothing sent: cannot record that the digest is on its way: the Git remote origin refused the"
        " push to digest-ledger: [remote rejected] (pre-receive hook declined); remote: push 1 to"
        " digest-ledger refused by this test's rules (the digest run must be able to push to"
        " digest-ledger: README, The e-mail digest)\n",
    )
    assert (recorder.deliveries, origin.ledger_text()) == ([], None)
    origin.allow_ledger_pushes()
    assert outcome(send(site, smtp_env(server, authority))) == (0, "2025-03-04: 4 paper(s); sent\n", "")
    assert recorder.copies() == {LIST: 1}


def test_a_run_that_cannot_record_the_outcome_fails_and_no_run_sends_again(
    server: Any, recorder: Recorder, authority: CertificateAuthority, origin: Origin, site: Path
) -> None:
    origin.refuse_ledger_pushes(from_push=2)  # the intent goes in, the outcome does not
    first = send(site, smtp_env(server, authority), "--date", "2025-03-05")
    assert outcome(first) == (
        1,
        "2025-03-03: 2 paper(s); sent\n2025-03-04: 4 paper(s); sent\n",
        "Error: cannot record how the delivery ended: the Git remote origin refused the push to"
        " digest-ledger: [remote rejected] (pre-receive hook declined); remote: push 2 to digest-ledger"
        " refused by this test's rules; the ledger shows 2025-03-03, 2025-03-04 as on its way, so no run"
        " sends it again\n",
    )
    assert states(origin) == {"2025-03-03": ["sending"], "2025-03-04": ["sending"]}
    origin.allow_ledger_pushes()
    doubt = "another run is sending it, or stopped before recording whether it went out; not sent again"
    rerun = send(site, smtp_env(server, authority), "--date", "2025-03-05")
    assert outcome(rerun) == (0, f"2025-03-03: {doubt}\n2025-03-04: {doubt}\n", "")
    next_evening = send(site, smtp_env(server, authority), "--date", "2025-03-06")
    assert outcome(next_evening) == (0, f"2025-03-04: {doubt}\n", "")
    assert message_ids(recorder) == ["2025-03-03", "2025-03-04"]


def test_a_clone_at_an_old_commit_reads_the_ledger_from_the_branch_tip(
    server: Any,
    recorder: Recorder,
    authority: CertificateAuthority,
    origin: Origin,
    site: Path,
    tmp_path: Path,
) -> None:
    other = origin.clone(tmp_path / "other") / "mkdocs.yml"
    assert git(other.parent, "rev-parse", "HEAD") == git(site.parent, "rev-parse", "HEAD")
    assert send(site, smtp_env(server, authority)).exit_code == 0
    assert outcome(send(other, smtp_env(server, authority))) == (
        0,
        "2025-03-04: already sent; nothing sent\n",
        "",
    )
    assert recorder.copies() == {LIST: 1}


def test_only_days_that_ended_within_two_days_of_the_run_are_sent(
    server: Any, recorder: Recorder, authority: CertificateAuthority, origin: Origin, site: Path
) -> None:
    # The first run today, months (at least) after the fixture's newest day: nothing is due.
    first = send(site, smtp_env(server, authority), today=True)
    assert (first.exit_code, first.stderr) == (0, "")
    assert first.stdout.endswith(": no digest due: no day with papers ends on this day or the two before\n")
    assert (recorder.sessions, origin.ledger_text()) == (0, None)
    # The same on a given day; nothing asks the origin either.
    late = send(site, smtp_env(server, authority), "--date", "2025-06-01")
    assert outcome(late) == (
        0,
        "2025-06-01: no digest due: no day with papers ends on this day or the two before\n",
        "",
    )
    assert (recorder.sessions, origin.ledger_text()) == (0, None)
    # On the day itself, the day before is due as well.
    both = send(site, smtp_env(server, authority), "--date", "2025-03-04")
    assert both.stdout == "2025-03-03: 2 paper(s); sent\n2025-03-04: 4 paper(s); sent\n"
    assert outcome(send(site, smtp_env(server, authority), "--date", "2025-03-07")) == (
        0,
        "2025-03-07: no digest due: no day with papers ends on this day or the two before\n",
        "",
    )
    assert len(recorder.deliveries) == 2


def test_the_run_day_picks_the_period_not_the_newest_paper(
    server: Any, recorder: Recorder, authority: CertificateAuthority, tmp_path: Path
) -> None:
    _, site = make_repo(tmp_path, records={"2025/later-day": record_on(dt.date(2025, 3, 20))})
    run = smtp_env(server, authority)
    # The newest paper is of 2025-03-20; a run on 2025-03-06 sends the day that is due then.
    assert send(site, run, "--date", "2025-03-06").stdout == "2025-03-04: 3 paper(s); sent\n"
    assert send(site, run, "--date", "2025-03-20").stdout == "2025-03-20: 1 paper(s); sent\n"
    assert message_ids(recorder) == ["2025-03-04", "2025-03-20"]


def test_a_paper_dated_far_ahead_does_not_stop_the_daily_digest(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    """`check` refuses a date after today, so the paper goes straight to the mailer: once the far day's
    digest was sent, a digest picked by the newest paper would never send another."""
    today = dt.datetime.now(dt.UTC).date()
    site_config = config.load(site)
    feed = records.load_feed(site_config.content_dir)
    ahead = Paper(
        slug="far-ahead", title="Far ahead", date=dt.date(2099, 1, 1), tags=("vision",), abstract="A."
    )
    of_today = Paper(slug="of-today", title="Of today", date=today, tags=("vision",), abstract="B.")
    feed = Feed.of([ahead, of_today, *feed.papers], feed.tags)
    env = {k: v for k, v in smtp_env(server, authority).items() if v}
    branch = ledger_branch.LedgerBranch(site.parent, {**os.environ, **env})
    sent = [
        [
            (o.digest.period.id, o.state)
            for o in mailer.send_digests(feed, site_config, "day", day, env, branch).outcomes
        ]
        for day in (dt.date(2025, 3, 6), today)
    ]
    assert sent == [[("2025-03-04", "sent")], [(today.isoformat(), "sent")]]
    assert message_ids(recorder) == ["2025-03-04", today.isoformat()]


def test_an_empty_run_day_sends_nothing(
    server: Any, recorder: Recorder, authority: CertificateAuthority, origin: Origin, site: Path
) -> None:
    result = send(site, smtp_env(server, authority), "--date", "2025-03-10")
    assert outcome(result) == (
        0,
        "2025-03-10: no digest due: no day with papers ends on this day or the two before\n",
        "",
    )
    assert (recorder.deliveries, recorder.sessions, origin.ledger_text()) == ([], 0, None)


def test_a_week_digest_is_its_own_period_in_the_ledger(
    server: Any, recorder: Recorder, authority: CertificateAuthority, origin: Origin, site: Path
) -> None:
    assert send(site, smtp_env(server, authority)).exit_code == 0
    week = send(site, smtp_env(server, authority), "--period", "week", "--date", "2025-03-09")
    assert week.stdout == "2025-W10: 6 paper(s); sent\n"
    assert parse(recorder.deliveries[1].data)["Message-ID"] == "<digest-2025-W10.paperfeed@example.github.io>"
    assert list(states(origin)) == ["2025-03-04", "2025-W10"]
    # A week is due on its Sunday and the two days after; not on its Saturday.
    saturday = send(site, smtp_env(server, authority), "--period", "week", "--date", "2025-03-08")
    assert (
        saturday.stdout
        == "2025-03-08: no digest due: no week with papers ends on this day or the two before\n"
    )


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
    env = {k: v for k, v in smtp_env(server, authority).items() if v}
    branch = ledger_branch.LedgerBranch(site.parent, {**os.environ, **env})
    report = mailer.send_digests(Feed.of([evil], {}), site_config, "day", DAY.start, env, branch)
    assert [(o.digest.period.id, o.state) for o in report.outcomes] == [("2025-03-04", "sent")]
    [delivery] = recorder.deliveries
    assert delivery.rcpt_tos == [LIST]
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
    _, config_path = make_repo(tmp_path, records={"encoded": record})
    assert send(config_path, smtp_env(server, authority)).exit_code == 0
    assert [d.rcpt_tos for d in recorder.deliveries] == [[LIST]]
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
    assert outcome(result) == (0, "2025-03-04: 4 paper(s); sent\n", "")
    assert recorder.copies() == {LIST: 1}


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
    assert recorder.copies() == {LIST: 1}


@pytest.mark.parametrize(
    ("tls", "mode", "port"),
    [(None, "starttls", 587), ("starttls", "starttls", 587), ("SSL", "ssl", 465), (" none ", "none", 25)],
)
def test_the_port_defaults_to_the_one_of_the_tls_mode(tls: str | None, mode: str, port: int) -> None:
    env = {"PAPERFEED_SMTP_HOST": "smtp.example.org", **({"PAPERFEED_SMTP_TLS": tls} if tls else {})}
    settings = mailer.SmtpSettings.from_env(env)
    assert (settings.tls, settings.port, settings.where) == (mode, port, f"smtp.example.org:{port}")
    assert (settings.user, settings.password, settings.ca_file) == (None, None, None)


@pytest.mark.parametrize("port", ["1", "2525", "65535", " 587 "])
def test_any_port_from_1_to_65535_is_taken(port: str) -> None:
    env = {"PAPERFEED_SMTP_HOST": "smtp.example.org", "PAPERFEED_SMTP_PORT": port}
    assert mailer.SmtpSettings.from_env(env).port == int(port.strip())


def test_starttls_is_the_default_and_is_required(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    result = send(site, smtp_env(server, authority, PAPERFEED_SMTP_TLS=None))
    assert outcome(result) == (0, "2025-03-04: 4 paper(s); sent\n", "")
    assert recorder.copies() == {LIST: 1}


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
            {"PAPERFEED_SMTP_USER": " "},
            "PAPERFEED_SMTP_PASSWORD is set but PAPERFEED_SMTP_USER is not: set both, or neither for a"
            " server that needs no login",
        ),
        (
            {"PAPERFEED_SMTP_PORT": "0"},
            "PAPERFEED_SMTP_PORT must be a port number (1-65535), not '0'",
        ),
        (
            {"PAPERFEED_SMTP_PORT": "65536"},
            "PAPERFEED_SMTP_PORT must be a port number (1-65535), not '65536'",
        ),
        (
            {"PAPERFEED_SMTP_CA_FILE": "missing-ca.pem"},
            "PAPERFEED_SMTP_CA_FILE: cannot read 'missing-ca.pem' (No such file or directory)",
        ),
        (
            {"PAPERFEED_DIGEST_TO": " , "},
            "PAPERFEED_DIGEST_TO is not set: give the address of the mailing list the digest goes to",
        ),
        (
            {"PAPERFEED_DIGEST_TO": "papers@lists.example.org, bob"},
            "PAPERFEED_DIGEST_TO: 'bob' is not an e-mail address (name@example.org)",
        ),
        (
            {"PAPERFEED_DIGEST_TO": "alice@example.org, bob@example.net, ALICE@example.org"},
            "PAPERFEED_DIGEST_TO names 2 addresses: give one, a mailing list's; its list server gives each"
            " subscriber an unsubscribe link of their own, which one digest for several recipients cannot"
            " (README, The e-mail digest)",
        ),
        (
            {"PAPERFEED_DIGEST_TO": "zoë@lists.example.org"},
            "PAPERFEED_DIGEST_TO: write the part before @ in ASCII letters; SMTPUTF8 is not used",
        ),
        (
            {"PAPERFEED_DIGEST_TO": "papers@lists..example.org"},
            "PAPERFEED_DIGEST_TO: 'lists..example.org' is not a valid domain name",
        ),
    ],
)
def test_bad_settings_fail_with_one_clear_line_and_no_ledger_change(
    server: Any,
    recorder: Recorder,
    authority: CertificateAuthority,
    origin: Origin,
    site: Path,
    overrides: dict[str, str | None],
    message: str,
) -> None:
    assert send(site, smtp_env(server, authority), "--date", "2025-03-03").exit_code == 0
    before, delivered = origin.ledger_log(), len(recorder.deliveries)
    port = str(closed_port())
    overrides = {k: port if v == "closed" else v for k, v in overrides.items()}
    result = send(site, smtp_env(server, authority, **overrides))
    message = message.replace(PORT, str(server.port)).replace("<closed>", port)
    assert outcome(result) == (1, "", f"Error: {message}\n")
    assert (origin.ledger_log(), len(recorder.deliveries)) == (before, delivered)


def test_a_folder_without_the_git_remote_is_one_clear_error(
    server: Any, recorder: Recorder, authority: CertificateAuthority, site: Path
) -> None:
    git(site.parent, "remote", "remove", "origin")
    result = send(site, smtp_env(server, authority))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: nothing sent: cannot reach the Git remote origin: ")
    assert "\n" not in result.stderr.rstrip("\n")
    assert recorder.sessions == 0


def test_the_real_command_fails_without_a_traceback(tmp_path: Path) -> None:
    _, config_path = make_repo(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPERFEED_", "GITHUB_"))}
    env |= {"PAPERFEED_SMTP_HOST": "127.0.0.1", "PAPERFEED_SMTP_PORT": str(closed_port())}
    env |= {"PAPERFEED_SMTP_TLS": "none", "PAPERFEED_DIGEST_TO": LIST, "GIT_CONFIG_NOSYSTEM": "1"}
    args = ["digest", "--send", "--date", RUN_DAY, "-f", str(config_path)]
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True, env=env, check=False
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"Error: cannot connect to the SMTP server 127.0.0.1:{env['PAPERFEED_SMTP_PORT']}: Connection refused"
        " (check PAPERFEED_SMTP_HOST and PAPERFEED_SMTP_PORT)\n"
    )


def test_a_server_without_starttls_is_refused_rather_than_used_in_clear(
    recorder: Recorder, origin: Origin, site: Path
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
    assert (recorder.deliveries, origin.ledger_text()) == ([], None)

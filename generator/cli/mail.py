"""`paperfeed digest`: the e-mail digest written to a file or sent to the mailing list."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator import records
from generator.cli.group import (
    CONFIG_OPTION,
    main,
    print_problems,
    site_config,
)

if TYPE_CHECKING:
    from generator.mail.mailer import Report


@main.command("digest")
@click.option("--period", "kind", type=click.Choice(["day", "week"]), default="day", show_default=True)
@click.option(
    "--date",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The run's day [today, UTC]: the digest is of the day (or week) with papers that ended on it or on"
    " one of the two days before.",
)
@click.option("--send", is_flag=True, help="Send it over SMTP (PAPERFEED_SMTP_*) to PAPERFEED_DIGEST_TO.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="The file [digest-<period>.eml]."
)
@CONFIG_OPTION
def digest_command(
    kind: str, day: dt.datetime | None, send: bool, out: Path | None, config_file: Path
) -> None:
    """The e-mail digest of the day's or the week's papers: write it to a .eml file, or --send it to the
    mailing list, at most once, as the ledger on the digest-ledger branch records."""
    # Imported here so that the other commands do not load the mail and template machinery.
    from generator.data import ledger_branch
    from generator.mail import digest, ledger, mailer

    if send and out:
        raise click.UsageError("--out writes the message for a look; --send sends it and writes no file")
    today = day.date() if day else dt.datetime.now(dt.UTC).date()
    site = site_config(config_file)
    try:
        feed = records.load_feed(site.content_dir)
        if not feed.papers:
            click.echo(f"no papers in {records.display_path(site.content_dir)}: no digest")
            return
        if send:
            branch = ledger_branch.LedgerBranch(config_file.resolve().parent, os.environ)
            report = mailer.send_digests(feed, site, kind, today, os.environ, branch)
        else:
            run = digest.prepare(feed, site, kind, today)
            copy = ledger.Ledger.load(ledger.default_path(site.content_dir))  # the site's, if fetched
            shown = next(reversed(run.digests(copy)), None)
    except records.ContentError as err:
        print_problems(err.problems, "text")
        raise click.ClickException("no digest: the content has problems (see above)") from None
    nothing = f"{today.isoformat()}: no digest due: no {kind} with papers ends on this day or the two before"
    if send:
        _report_sending(report, nothing)
        return
    if shown is None:
        click.echo(nothing)
        return
    out = out or Path(f"digest-{shown.period.id}.eml")
    try:
        out.write_bytes(digest.compose(shown, feed, site, run.sender).as_bytes())
    except OSError as err:
        raise click.ClickException(f"cannot write {records.display_path(out)} ({err.strerror})") from None
    click.echo(f"{shown.period.id}: {len(shown.papers)} paper(s); wrote {records.display_path(out)}")


def _report_sending(report: Report, nothing: str) -> None:
    """One line per due period; exit 1 unless every one went out or had gone out."""
    from generator.mail.ledger import FAILED, SENDING, SENT

    for outcome in report.outcomes:
        click.echo(outcome.line)
    if not report.outcomes:
        click.echo(nothing)
    github_output = os.environ.get("GITHUB_OUTPUT")
    if github_output and report.went_out:
        with open(github_output, "a", encoding="utf-8") as step_output:
            step_output.write("sent=true\n")  # the workflow rebuilds the site, whose /digests/ page changed

    def ids(*states: str) -> str:
        return ", ".join(o.digest.period.id for o in report.outcomes if o.state in states)

    if report.unrecorded:
        raise click.ClickException(
            f"cannot record how the delivery ended: {report.unrecorded}; the ledger shows"
            f" {ids(SENT, FAILED, SENDING)} as on its way, so no run sends it again"
        )
    problems = []
    if ids(FAILED):
        problems.append(f"{ids(FAILED)} not sent; the ledger marks it failed, and the next run sends it")
    if ids(SENDING):
        problems.append(
            f"{ids(SENDING)} in doubt; the ledger keeps it as on its way, so no run sends it again by itself"
        )
    if problems:
        raise click.ClickException("; ".join(problems))

"""`paperfeed stars`: the GitHub stars of the papers' code repositories, sampled for trending."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from generator import records
from generator.cli.group import (
    CONFIG_OPTION,
    main,
    print_problems,
    site_config,
)


@main.command("stars")
@click.option(
    "--date",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The day the samples are of [today, UTC]; a repository already sampled that day is not asked again.",
)
@click.option(
    "--push",
    is_flag=True,
    help="Read the samples from the trending-data branch of origin and push them back there (as the daily"
    " workflow does), besides writing the site's copy.",
)
@CONFIG_OPTION
def stars_command(day: dt.datetime | None, push: bool, config_file: Path) -> None:
    """Sample the GitHub stars of every paper's code repository (links.code) into content/stars.tsv, which
    the trending page ranks by. Asks the API at $PAPERFEED_GITHUB_API [https://api.github.com], with
    $GITHUB_TOKEN when it is set."""
    # Imported here so that the other commands do not load the API client.
    from generator.data import github, ledger_branch, starfile, stars

    today = day.date() if day else dt.datetime.now(dt.UTC).date()
    site = site_config(config_file)
    copy = starfile.default_path(site.content_dir)
    try:
        feed = records.load_feed(site.content_dir)
        client = github.Client(os.environ, notify=click.echo)
        if push:
            data = ledger_branch.STARS
            branch = ledger_branch.LedgerBranch(config_file.resolve().parent, os.environ, data=data)
            run_id = os.environ.get("GITHUB_RUN_ID")
            report = stars.run_branch(feed, branch, copy, client, today, click.echo, run_id)
        else:
            report = stars.run_local(feed, copy, client, today, click.echo)
    except records.ContentError as err:
        print_problems(err.problems, "text")
        raise click.ClickException("nothing sampled: the content has problems (see above)") from None
    if report.stop and not report.results.fatal:
        click.echo(report.stop)  # a rate limit: what was fetched is kept, and the next run goes on
    click.echo(report.summary)
    github_output = os.environ.get("GITHUB_OUTPUT")
    if github_output and report.changed:
        with open(github_output, "a", encoding="utf-8") as step_output:
            step_output.write("sampled=true\n")  # the workflow rebuilds the site, whose trending page changed
    if report.stop and report.results.fatal:
        raise click.ClickException(report.stop)  # the API could not be used at all

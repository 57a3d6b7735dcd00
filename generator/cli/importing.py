"""`paperfeed import` (candidates from arXiv queries) and `paperfeed candidates` (their PR's text)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from generator import records
from generator.cli.group import (
    content_option,
    count,
    main,
    print_problems,
)
from generator.contributing import arxiv as arxiv_api
from generator.contributing import importer, proposal, sources
from generator.records import Problem, gitbase


@main.command("import")
@click.option(
    "--query",
    help="An arXiv API search_query, e.g. 'cat:cs.LG AND abs:\"state space\"' [the queries of"
    " content/sources.yml].",
)
@click.option("--tag", "tags", multiple=True, help="With --query: a tag its papers get (repeat for more).")
@click.option(
    "--limit", type=int, help=f"With --query: the most papers a run takes [{sources.DEFAULT_LIMIT}]."
)
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="The day the papers enter the feed [today, UTC]."
)
@content_option
def import_command(
    query: str | None, tags: tuple[str, ...], limit: int | None, day: dt.datetime | None, content_dir: Path
) -> None:
    """Write the new papers of arXiv queries as records: candidates for a curator to keep or delete.

    Asks the arXiv API (newest first, 3 s between requests) for the papers each query has not seen yet,
    writes those not in the feed, and keeps each query's newest paper in content/import-state.yml. A
    failure writes nothing. Prints one line per query: found, new, skipped.
    """
    if query is None and (tags or limit is not None):
        raise click.UsageError(
            "--tag and --limit go with --query; a query of content/sources.yml has its own"
        )
    if query is not None and not tags:
        raise click.UsageError("give --tag with --query: the tags its papers get")
    today = records.today_utc()
    when = day.date() if day else today
    if when > today + records.FUTURE_GRACE or when.year < records.FIRST_FEED_YEAR:
        raise click.BadParameter(
            f"{when.isoformat()} is not a day a paper can enter the feed: from {records.FIRST_FEED_YEAR}"
            " to today (UTC)",
            param_hint="'--date'",
        )
    queries = _queries(content_dir, query, tags, limit)
    try:
        outcome = importer.run(content_dir, queries, when)
    except records.ContentError as err:
        print_problems(err.problems, "text")
        raise click.ClickException("nothing imported: the content has problems (see above)") from None
    except (importer.ImportFailed, arxiv_api.ArxivError) as err:
        raise click.ClickException(f"nothing imported: {err}") from None
    for tally in outcome.tallies:
        click.echo(str(tally))
        for note in tally.notes:
            click.echo(f"  {note}")
    click.echo(_import_summary(outcome))


def _queries(
    content_dir: Path, query: str | None, tags: tuple[str, ...], limit: int | None
) -> list[sources.Query]:
    """The query of the command line, or those of content/sources.yml; a one-line error if unusable."""
    problems: list[Problem] = []
    vocabulary = records.read_tags(content_dir / "tags.yml", problems)
    if problems:
        print_problems(problems, "text")
        raise click.ClickException("nothing imported: the tag vocabulary has problems (see above)")
    if query is not None:
        limit = sources.DEFAULT_LIMIT if limit is None else limit
        wrong = sources.check_query(query, tags, limit, vocabulary)
        if wrong:
            raise click.UsageError(wrong)
        return [sources.Query(query.strip(), tuple(dict.fromkeys(tags)), limit)]
    path = content_dir / sources.SOURCES_FILE
    if not path.exists():
        raise click.ClickException(
            f"nothing imported: {records.display_path(path)} is missing; list the queries there (see the"
            " README), or give one with --query"
        )
    found = sources.read_sources(path, vocabulary, problems)
    if problems:
        print_problems(sorted(problems), "text")
        raise click.ClickException(f"nothing imported: {records.display_path(path)} has problems (see above)")
    return found


def _import_summary(outcome: importer.Outcome) -> str:
    state = f" and {records.display_path(outcome.state)}" if outcome.state else ""
    if outcome.written:
        folders = ", ".join(sorted({f"{records.display_path(p.parent)}/" for p in outcome.written}))
        return f"wrote {count(len(outcome.written), 'record')} ({folders}){state}"
    if outcome.state:
        return f"no new papers; wrote {records.display_path(outcome.state)}"
    return "no new papers: nothing written"


@main.command("candidates")
@click.option(
    "--base",
    required=True,
    metavar="COMMIT",
    help="The branch the candidates go into, e.g. origin/main: the records it lacks are the candidates.",
)
@click.option("--title", "title_only", is_flag=True, help="Print the pull request's title alone.")
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="The day of the candidates [today, UTC]."
)
@click.option(
    "--log",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="What paperfeed import printed, to show in the description.",
)
@content_option
def candidates_command(
    base: str, title_only: bool, day: dt.datetime | None, log: Path | None, content_dir: Path
) -> None:
    """The title and description (Markdown) of the pull request that proposes the records BASE lacks."""
    papers = sorted((content_dir / "papers").rglob("*.md"))
    new = {records.display_path(p) for p in gitbase.files_not_in(base, papers)}
    report = records.check(content_dir)
    if report.problems:
        print_problems(report.problems, "text")
        raise click.ClickException("the content has problems (see above)")
    chosen = [paper for paper in report.feed.papers if paper.source in new]
    when = day.date() if day else records.today_utc()
    if title_only:
        click.echo(proposal.title(when, len(chosen)))
        return
    text = log.read_text(encoding="utf-8", errors="replace") if log else None
    click.echo(proposal.description(chosen, when, text), nl=False)

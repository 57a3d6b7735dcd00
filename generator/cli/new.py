"""`paperfeed new`: one record written from options or from arXiv, refused as `check` would refuse it."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from generator import records
from generator.cli.group import (
    content_option,
    main,
    print_problems,
)
from generator.contributing import arxiv as arxiv_api
from generator.contributing import authoring, suggest
from generator.model import Link
from generator.records import Problem


def _parse_link(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> tuple[Link, ...]:
    links = []
    for value in values:
        label, sep, url = value.partition("=")
        if not sep:
            raise click.BadParameter(f"'{value}' must be KIND=URL, e.g. code=https://github.com/owner/repo")
        links.append(Link(label.strip(), url.strip()))
    return tuple(links)


@main.command()
@click.option("--title", help="The paper's title, exactly as published.")
@click.option("--tag", "tags", multiple=True, help="A tag slug from content/tags.yml (repeat for more).")
@click.option("--abstract", help="The abstract (Markdown, math as $...$); '-' reads it from standard input.")
@click.option("--author", "authors", multiple=True, help="An author (repeat, in order).")
@click.option(
    "--arxiv",
    help="The arXiv id or URL, e.g. 2401.01234. Unless both --title and --abstract are given, fetches what "
    f"is missing, the authors and the first publication date from the arXiv API (${arxiv_api.API_ENV}), "
    "and suggests tags when no --tag is given.",
)
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="The day it enters the feed [today, UTC]."
)
@click.option("--published", type=click.DateTime(["%Y-%m-%d"]), help="The day of its first public version.")
@click.option("--link", "links", multiple=True, callback=_parse_link, help="KIND=URL, e.g. code=https://...")
@click.option("--submitted-by", help="Your GitHub user name.")
@click.option("--slug", help="The file name and URL of the paper [from the title].")
@content_option
def new(
    title: str | None,
    tags: tuple[str, ...],
    abstract: str | None,
    authors: tuple[str, ...],
    arxiv: str | None,
    day: dt.datetime | None,
    published: dt.datetime | None,
    links: tuple[Link, ...],
    submitted_by: str | None,
    slug: str | None,
    content_dir: Path,
) -> None:
    """Write a new, valid paper record at content/papers/<year>/<slug>.md."""
    if arxiv is not None:
        try:
            arxiv = arxiv_api.normalize_id(arxiv)
        except arxiv_api.ArxivError as err:
            raise click.ClickException(f"not written: {err}") from None
    if abstract == "-":
        abstract = _read_stdin()
    first_version = published.date() if published else None
    if arxiv and not (title and abstract):
        paper = _fetch_arxiv(arxiv)
        arxiv, title, abstract = paper.arxiv, title or paper.title, abstract or paper.abstract
        authors = authors or paper.authors
        first_version = first_version or paper.published
        tags = tags or _suggest_tags(content_dir, title, abstract)
    missing = [
        name for name, value in (("--title", title), ("--abstract", abstract), ("--tag", tags)) if not value
    ]
    if missing or title is None or abstract is None:
        raise click.UsageError(f"give {', '.join(missing)}")
    draft = authoring.Draft(
        title=title.strip(),
        tags=tags,
        abstract=abstract,
        date=day.date() if day else dt.datetime.now(dt.UTC).date(),
        authors=authors,
        arxiv=arxiv,
        published=first_version,
        links=links,
        submitted_by=submitted_by,
    )
    try:
        path = authoring.write_record(content_dir, draft, slug)
    except authoring.RefusedError as err:
        raise click.ClickException(f"not written: {err}") from None
    except records.ContentError as err:
        print_problems(err.problems, "text")
        raise click.ClickException("not written: the record would be invalid (see above)") from None
    click.echo(f"wrote {records.display_path(path)}")


def _read_stdin() -> str:
    """Standard input as UTF-8 text (a byte-order mark and CRLF line ends allowed)."""
    raw = sys.stdin.buffer.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise click.ClickException(
            f"not written: the abstract on standard input is not UTF-8 (byte 0x{raw[err.start]:02x} at"
            f" offset {err.start}); save it with UTF-8 encoding"
        ) from None
    return text.replace("\r\n", "\n")


def _fetch_arxiv(arxiv_id: str) -> arxiv_api.ArxivPaper:
    try:
        return arxiv_api.fetch(arxiv_id)
    except arxiv_api.ArxivError as err:
        raise click.ClickException(f"not written: {err}") from None


def _suggest_tags(content_dir: Path, title: str, abstract: str) -> tuple[str, ...]:
    """The tags the abstract names, printed with the words that earned them."""
    tags_file = content_dir / "tags.yml"
    problems: list[Problem] = []
    vocabulary = records.read_tags(tags_file, problems)
    if problems:
        print_problems(problems, "text")
        raise click.ClickException("not written: the tag vocabulary has problems (see above)")
    found = suggest.suggest(title, abstract, vocabulary)
    if not found:
        raise click.ClickException(
            f"not written: the abstract names no tag of {records.display_path(tags_file)}; choose with --tag"
        )
    click.echo(f"suggested tags (choose others with --tag): {', '.join(str(s) for s in found)}")
    return tuple(s.tag for s in found)

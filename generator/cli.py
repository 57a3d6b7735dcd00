"""The `paperfeed` command: each subcommand is a thin call into the modules that do the work."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

import click

from . import authoring, records
from .model import Link
from .records import Problem


def _content_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--content",
        "content_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("content"),
        show_default=True,
        help="The content folder: papers/<year>/<slug>.md and tags.yml.",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version("paperfeed"), prog_name="paperfeed")
def main() -> None:
    """paperfeed: a research-paper feed kept in Git, built into a static site with feeds and a digest."""


def _annotation(problem: Problem) -> str:
    """A GitHub Actions error annotation, escaped as the workflow-command format requires."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    where = f"file={prop(problem.path)},line={problem.line},title={prop(problem.field)}"
    return f"::error {where}::{data(problem.message)}"


def print_problems(problems: Iterable[Problem], fmt: str) -> None:
    for problem in problems:
        click.echo(_annotation(problem) if fmt == "github" else str(problem))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github"]),
    default=lambda: "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text",
    help="github prints workflow annotations (the default when GITHUB_ACTIONS=true).",
)
@_content_option
def check(paths: tuple[Path, ...], fmt: str, content_dir: Path) -> None:
    """Validate the content, or just PATHS against it; exit 1 with one line per problem."""
    report = records.check(content_dir, only=paths or None)
    tags = len(report.feed.tags)
    if report.problems:
        print_problems(report.problems, fmt)
        files = len({p.path for p in report.problems})
        click.echo(f"{len(report.problems)} problem(s) in {files} file(s)", err=True)
        sys.exit(1)
    if paths:
        click.echo(
            f"{report.checked} file(s) checked against {len(report.feed.papers)} papers, {tags} tags: ok"
        )
    else:
        click.echo(f"{len(report.feed.papers)} papers, {tags} tags: ok")


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
@click.option("--arxiv", help="The arXiv id, e.g. 2401.01234.")
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="The day it enters the feed [today, UTC]."
)
@click.option("--published", type=click.DateTime(["%Y-%m-%d"]), help="The day of its first public version.")
@click.option("--link", "links", multiple=True, callback=_parse_link, help="KIND=URL, e.g. code=https://...")
@click.option("--submitted-by", help="Your GitHub user name.")
@click.option("--slug", help="The file name and URL of the paper [from the title].")
@_content_option
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
    if abstract == "-":
        abstract = sys.stdin.read()
    missing = [
        name for name, value in (("--title", title), ("--abstract", abstract), ("--tag", tags)) if not value
    ]
    if missing:
        raise click.UsageError(f"give {', '.join(missing)}")
    assert title is not None and abstract is not None
    draft = authoring.Draft(
        title=title.strip(),
        tags=tags,
        abstract=abstract,
        date=day.date() if day else dt.datetime.now(dt.UTC).date(),
        authors=authors,
        arxiv=arxiv,
        published=published.date() if published else None,
        links=links,
        submitted_by=submitted_by,
    )
    try:
        path = authoring.write_record(content_dir, draft, slug)
    except authoring.DuplicateError as err:
        raise click.ClickException(f"not written: {err}") from None
    except records.ContentError as err:
        print_problems(err.problems, "text")
        raise click.ClickException("not written: the record would be invalid (see above)") from None
    click.echo(f"wrote {records.display_path(path)}")


def _mkdocs(*args: str) -> None:
    """Run MkDocs in a child process: the CLI stays free of MkDocs, which only the plugin imports."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # Material's end-of-life banner, printed on every run
    code = subprocess.call([sys.executable, "-m", "mkdocs", *args], env=env)
    if code:
        sys.exit(code)


@main.command()
@click.option("-f", "--config-file", default="mkdocs.yml", show_default=True, help="The site's configuration.")
@click.option("-d", "--site-dir", help="Where to write the site [site/].")
def build(config_file: str, site_dir: str | None) -> None:
    """Build the site into site/ (mkdocs build --strict): invalid records stop the build."""
    _mkdocs("build", "--strict", "--config-file", config_file, *(["--site-dir", site_dir] if site_dir else []))


@main.command()
@click.option("-f", "--config-file", default="mkdocs.yml", show_default=True, help="The site's configuration.")
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(config_file: str, dev_addr: str) -> None:
    """Serve the site locally, rebuilding it when content/, the theme or mkdocs.yml change."""
    _mkdocs("serve", "--config-file", config_file, "--dev-addr", dev_addr)


if __name__ == "__main__":  # pragma: no cover
    main()

"""`paperfeed check` (records, tags and the import's files) and `paperfeed check-paths` (a PR's paths)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import records
from generator.cli.group import (
    content_option,
    count,
    main,
    print_problems,
)
from generator.contributing import pathcheck, sources
from generator.contributing.github_annotations import output_format
from generator.model import Tag
from generator.records import Problem, gitbase


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github"]),
    default=output_format,
    help="github prints workflow annotations (the default when GITHUB_ACTIONS=true).",
)
@click.option(
    "--base",
    metavar="COMMIT",
    help="The commit a pull request starts from: a paper that repeats another is reported on the file"
    " that commit lacks.",
)
@content_option
def check(paths: tuple[Path, ...], fmt: str, base: str | None, content_dir: Path) -> None:
    """Validate the content, or just PATHS (records or folders of them) against it; exit 1 if it has problems.

    Prints one line per problem, or a summary line when there is none.
    """
    new: set[Path] = set()
    if base is not None:
        papers = sorted((content_dir / "papers").rglob("*.md"))
        new = gitbase.files_not_in(base, papers)
    import_files, record_paths = _import_files(content_dir, paths)
    report = records.check(content_dir, only=record_paths if paths else None, new=new)
    problems = sorted([*report.problems, *_import_problems(content_dir, import_files, report.feed.tags)])
    feed = f"{count(len(report.feed.papers), 'paper')}, {count(len(report.feed.tags), 'tag')}"
    if problems:
        print_problems(problems, fmt)
        files = len({p.path for p in problems})
        click.echo(f"{count(len(problems), 'problem')} in {count(files, 'file')}", err=True)
        sys.exit(1)
    if paths:
        click.echo(f"{count(report.checked + len(import_files), 'file')} checked against {feed}: ok")
    else:
        click.echo(f"{feed}: ok")


def _import_files(content_dir: Path, paths: tuple[Path, ...]) -> tuple[list[Path], list[Path]]:
    """Of the files to check, the import's (content/sources.yml, content/import-state.yml: all of them when
    no path is given, or a folder holds them), and the paths left for the records check."""
    own = [content_dir / sources.SOURCES_FILE, content_dir / sources.STATE_FILE]
    if not paths:
        return [f for f in own if f.exists()], []
    named = {f.resolve(): f for f in own}
    chosen = [named[p.resolve()] for p in paths if p.resolve() in named]
    for folder in (p.resolve() for p in paths if p.is_dir()):
        chosen += [f for f in own if f.exists() and f.resolve().is_relative_to(folder)]
    return list(dict.fromkeys(chosen)), [p for p in paths if p.resolve() not in named]


def _import_problems(content_dir: Path, files: list[Path], tags: dict[str, Tag]) -> list[Problem]:
    problems: list[Problem] = []
    for path in files:
        if path.name == sources.SOURCES_FILE:
            sources.read_sources(path, tags, problems)
        else:
            sources.read_state(path, problems)
    return problems


@main.command("check-paths")
@click.option("--base", help="Compare HEAD with this revision, e.g. origin/main [file names on stdin].")
@click.option("--head", help="With --base: list the changes of this revision instead [HEAD].")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github"]),
    default=output_format,
    help="github prints workflow annotations (the default when GITHUB_ACTIONS=true).",
)
def check_paths(base: str | None, head: str | None, fmt: str) -> None:
    """Fail when a change touches anything but paper records, the tag list and the import's state."""
    if head is not None and base is None:
        raise click.ClickException("--head needs --base: the revision its changes are counted from")
    if base is not None:
        changes = pathcheck.changes_since(base, head=head or "HEAD")
    else:
        changes = pathcheck.changes_piped(sys.stdin)
    lines, summary = pathcheck.report(changes, fmt)
    for line in lines:
        click.echo(line)
    click.echo(summary, err=bool(lines))
    if lines:
        sys.exit(1)

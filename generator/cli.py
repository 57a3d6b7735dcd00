"""The `paperfeed` command: each subcommand is a thin call into the modules that do the work."""

from __future__ import annotations

import datetime as dt
import errno
import os
import socket
import sys
from collections.abc import Iterable, Sequence
from dataclasses import astuple
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator import config, records, relay
from generator.contributing import arxiv as arxiv_api
from generator.contributing import authoring, importer, pathcheck, proposal, sources, suggest
from generator.contributing.github_annotations import error_annotation, output_format
from generator.errors import PaperfeedError
from generator.model import Link, Tag
from generator.records import Problem, gitbase

if TYPE_CHECKING:
    from generator.mail.mailer import Report

DEBUG_ENV = "PAPERFEED_DEBUG"  # set to 1 to see the traceback of an unexpected error


class OneLineGroup(click.Group):
    """A command group whose every failure is one line on stderr and an exit code, never a traceback.

    Click's own usage errors print the usage and a hint around the message; here it is the message alone
    (exit code 2), as for every other error (exit code 1).
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as err:  # `paperfeed` alone: the help, as Click shows it
            err.show()
            sys.exit(err.exit_code)
        except click.ClickException as err:
            _fail(err.format_message(), err.exit_code)
        except click.exceptions.Abort:  # Ctrl-C or end of input at a prompt; Click printed the line end
            _fail("aborted", 1)
        except (PaperfeedError, pathcheck.PathCheckError) as err:
            # The one place a user's error becomes its line (pathcheck runs alone in CI: its own class).
            _fail(str(err), 1)
        except OSError as err:
            if err.errno == errno.EPIPE:  # the reader went away (paperfeed check | head): nothing to say
                _silence_stdout()
                sys.exit(1)
            if os.environ.get(DEBUG_ENV):
                raise
            _fail(_os_error(err), 1)
        except Exception as err:
            if os.environ.get(DEBUG_ENV):
                raise
            _fail(
                f"unexpected {type(err).__name__}: {err}; this is a bug in paperfeed, please report it"
                f" (run again with {DEBUG_ENV}=1 for the details)",
                1,
            )
        sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _os_error(err: OSError) -> str:
    where = f"{records.display_path(Path(os.fsdecode(err.filename)))}: " if err.filename else ""
    return f"{where}{err.strerror or err}"


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit does not fail a second time."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (a test runner's): nothing will flush it
        pass
    finally:
        os.close(devnull)


def _content_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--content",
        "content_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("content"),
        show_default=True,
        help="The content folder: papers/<year>/<slug>.md and tags.yml.",
    )(func)


@click.group(cls=OneLineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version("paperfeed"), prog_name="paperfeed")
def main() -> None:
    """paperfeed: a research-paper feed kept in Git, built into a static site with feeds and a digest."""


def print_problems(problems: Iterable[Problem], fmt: str) -> None:
    for problem in problems:
        click.echo(error_annotation(*astuple(problem)) if fmt == "github" else str(problem))


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
@_content_option
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
    feed = f"{_count(len(report.feed.papers), 'paper')}, {_count(len(report.feed.tags), 'tag')}"
    if problems:
        print_problems(problems, fmt)
        files = len({p.path for p in problems})
        click.echo(f"{_count(len(problems), 'problem')} in {_count(files, 'file')}", err=True)
        sys.exit(1)
    if paths:
        click.echo(f"{_count(report.checked + len(import_files), 'file')} checked against {feed}: ok")
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


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


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
@_content_option
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
        return f"wrote {_count(len(outcome.written), 'record')} ({folders}){state}"
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
@_content_option
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


def _site_config(config_file: Path) -> config.SiteConfig:
    """The site's settings; a one-line error when mkdocs.yml is missing or cannot be used."""
    if not config_file.exists():
        raise click.ClickException(
            f"{records.display_path(config_file)} is missing; run this in the site's folder, or give the"
            " site's configuration with --config-file"
        )
    return config.load(config_file)


def _build_settings(config_file: Path) -> None:
    """What a build reads, checked before MkDocs starts: mkdocs.yml and the environment (the plugin checks
    them again, for `mkdocs build` run by itself)."""
    from generator.data import feeds  # here: only the site's commands need it

    _site_config(config_file)
    feeds.empty_feed_date()  # SOURCE_DATE_EPOCH


def _mkdocs(*args: str) -> None:
    """Run MkDocs in a child process: the CLI stays free of MkDocs, which only the plugin imports."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # Material's end-of-life banner, printed on every run
    # An error MkDocs did not foresee (a folder where a file should go, the port taken in the meantime)
    # ends in a traceback: the user reads its last line.
    prefix = None if os.environ.get(DEBUG_ENV) else "Error: MkDocs stopped: "
    argv = [sys.executable, "-m", "mkdocs", *args]
    code = relay.run(argv, env, lambda line: click.echo(line, err=True, nl=False), prefix)
    if code:
        sys.exit(code)


_CONFIG_OPTION = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The site's configuration.",
)


@main.command()
@_CONFIG_OPTION
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the site [site/].",
)
def build(config_file: Path, site_dir: Path | None) -> None:
    """Build the site into site/ (mkdocs build --strict): invalid records stop the build."""
    _build_settings(config_file)
    _mkdocs(
        "build",
        "--strict",
        "--config-file",
        str(config_file),
        *(["--site-dir", str(site_dir)] if site_dir else []),
    )


@main.command()
@_CONFIG_OPTION
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(config_file: Path, dev_addr: str) -> None:
    """Serve the site locally, rebuilding it when content/, the theme or mkdocs.yml change."""
    _build_settings(config_file)
    _check_address(dev_addr)
    _mkdocs("serve", "--config-file", str(config_file), "--dev-addr", dev_addr)


def _check_address(dev_addr: str) -> None:
    """Fail in one line, before MkDocs spends a build on it, when the address cannot be served on."""
    host, sep, port_text = dev_addr.rpartition(":")
    host = host.strip("[]")  # [::1]:8000
    if not (sep and host and port_text.isdigit() and int(port_text) <= 65535):
        raise click.BadParameter(
            f"'{dev_addr}' must be HOST:PORT, e.g. 127.0.0.1:8000", param_hint="'--dev-addr'"
        )
    port = int(port_text)
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        raise click.ClickException(f"cannot serve on {dev_addr}: no such host as '{host}'") from None
    with socket.socket(family, kind, proto) as probe:
        # As MkDocs' server does: a port that is only waiting out an old connection is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            why = {
                errno.EADDRINUSE: "the address is in use; stop the server that holds it, or choose another"
                " port with --dev-addr",
                errno.EACCES: "permission denied; choose a port above 1023 with --dev-addr",
                errno.EADDRNOTAVAIL: "the address is not one of this machine's; use 127.0.0.1 in --dev-addr",
            }.get(err.errno or 0, f"{err.strerror}; choose another address with --dev-addr")
            raise click.ClickException(f"cannot serve on {dev_addr}: {why}") from None


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
@_CONFIG_OPTION
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
    site = _site_config(config_file)
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
@_CONFIG_OPTION
def stars_command(day: dt.datetime | None, push: bool, config_file: Path) -> None:
    """Sample the GitHub stars of every paper's code repository (links.code) into content/stars.tsv, which
    the trending page ranks by. Asks the API at $PAPERFEED_GITHUB_API [https://api.github.com], with
    $GITHUB_TOKEN when it is set."""
    # Imported here so that the other commands do not load the API client.
    from generator.data import github, ledger_branch, starfile, stars

    today = day.date() if day else dt.datetime.now(dt.UTC).date()
    site = _site_config(config_file)
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


if __name__ == "__main__":  # pragma: no cover
    main()

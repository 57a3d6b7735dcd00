"""The `paperfeed` command group: every failure one line and an exit code, and what its commands share."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import astuple
from importlib.metadata import version
from pathlib import Path
from typing import Any

import click

from generator import config, records
from generator.contributing import pathcheck
from generator.contributing.github_annotations import error_annotation
from generator.errors import PaperfeedError
from generator.records import Problem

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


def content_option(func: click.decorators.FC) -> click.decorators.FC:
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


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def site_config(config_file: Path) -> config.SiteConfig:
    """The site's settings; a one-line error when mkdocs.yml is missing or cannot be used."""
    if not config_file.exists():
        raise click.ClickException(
            f"{records.display_path(config_file)} is missing; run this in the site's folder, or give the"
            " site's configuration with --config-file"
        )
    return config.load(config_file)


CONFIG_OPTION = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The site's configuration.",
)

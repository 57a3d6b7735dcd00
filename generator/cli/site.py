"""`paperfeed build` and `paperfeed serve`: MkDocs in a child process, its settings checked first."""

from __future__ import annotations

import errno
import os
import socket
import sys
from pathlib import Path

import click

from generator import relay
from generator.cli.group import (
    CONFIG_OPTION,
    DEBUG_ENV,
    main,
    site_config,
)


def _build_settings(config_file: Path) -> None:
    """What a build reads, checked before MkDocs starts: mkdocs.yml and the environment (the plugin checks
    them again, for `mkdocs build` run by itself)."""
    from generator.data import feeds  # here: only the site's commands need it

    site_config(config_file)
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


@main.command()
@CONFIG_OPTION
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
@CONFIG_OPTION
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(config_file: Path, dev_addr: str) -> None:
    """Serve the site locally, rebuilding what changed when content/, the theme or mkdocs.yml change."""
    _build_settings(config_file)
    _check_address(dev_addr)
    # --dirty: MkDocs writes only the files the plugin says changed (generator/site/incremental.py).
    _mkdocs("serve", "--dirty", "--config-file", str(config_file), "--dev-addr", dev_addr)


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

"""The `paperfeed` command: each subcommand a thin call into the modules that do the work, one module per
job (records, new papers, imports, the site, the digest, stars); importing this package registers them all."""

from generator.cli import check, importing, mail, new, site, stars
from generator.cli.group import main

__all__ = ["check", "importing", "mail", "main", "new", "site", "stars"]

"""`python -m generator.cli`: the `paperfeed` command."""

from generator.cli import main

main()

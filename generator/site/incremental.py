"""`paperfeed serve` rebuilding only what changed: records re-read only when their bytes change, pages made
again only when what they are made from changed, and files written only when their bytes changed.

A page is kept with what it was made from (its paper, its neighbours and related papers, its citation key;
a listing's template context): the records' cache hands back the same Paper object while a record's bytes
are unchanged, so comparing with the last build's costs next to nothing. Each file of the site is then
compared with what the last build wrote, and the adapter tells MkDocs to render and write only those that
differ (`mkdocs serve --dirty` leaves the others as they are), and deletes the files of pages that are
gone. A change of the settings (mkdocs.yml, the theme's overrides, tags.yml) makes every page again. A full
build (`paperfeed build`, CI) never comes here.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import logging
import os
from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import jinja2.bccache

from generator import urls
from generator.config import SiteConfig
from generator.data import feeds
from generator.data.starfile import StarData
from generator.model import Feed, Paper
from generator.records.cache import RecordCache
from generator.site import assemble, reindex, related, search
from generator.site.assemble import Content
from generator.site.pages import Page, SiteBuilder, src_of

_F = TypeVar("_F")

# Templates whose render is not kept: the one page that shows the whole trending ranking, made on every
# build, and a paper's page, which MemoBuilder.paper_page keeps before its abstract is rendered.
NOT_KEPT = frozenset({"trending.md.j2", "paper.md.j2"})
# MkDocs' warning on every `--dirty` build, which strict mode would count: here nothing is left stale.
DIRTY_WARNING = "A 'dirty' build is being performed"


def not_dirty_warning(record: logging.LogRecord) -> bool:
    """A logging filter that drops MkDocs' warning about `--dirty` builds (the site stays whole)."""
    return not record.getMessage().startswith(DIRTY_WARNING)


def frozen(context: dict[str, Any]) -> Hashable:
    """A template's context as a value to compare with the last build's: its items, and the items of each
    dict in it (whose order a template may show, and == ignores). Papers compare as values, and as the
    same object when their record is unchanged (records/cache.py keeps them), which costs nothing."""
    return tuple((k, tuple(v.items()) if isinstance(v, dict) else v) for k, v in context.items())


class MemoBuilder(SiteBuilder):
    """A SiteBuilder that makes a page again only if what it is made from changed since the last build."""

    def __init__(
        self,
        feed: Feed,
        site: SiteConfig,
        stars: StarData,
        memo: dict[str, tuple[Hashable, Any]],
        activity: int,
    ) -> None:
        super().__init__(feed, site, stars)
        self.memo = memo
        self.activity = activity  # changes when any paper's stars or stars gained change
        self.used: set[str] = set()
        self.made = 0  # pages made, not kept

    def _kept(self, name: str, key: Hashable, make: Callable[[], Any]) -> Any:
        self.used.add(name)
        old = self.memo.get(name)
        if old is not None and old[0] == key:
            return old[1]
        self.made += 1
        value = make()
        self.memo[name] = (key, value)
        return value

    @functools.cached_property
    def stars_shown(self) -> dict[str, tuple[int | None, int | None]]:
        """What pages show of each paper's trending signal but its upvotes (a field of the paper): its
        stars and the stars gained this week (generator/site/templates/_trending.md.j2), where known."""
        signals = self.trend.signals.items()
        return {slug: (s.stars, s.gained) for slug, s in signals if (s.stars, s.gained) != (None, None)}

    def paper_page(self, papers: Sequence[Paper], i: int) -> Page:
        paper = papers[i]
        near = (papers[i - 1] if i > 0 else None, papers[i + 1] if i + 1 < len(papers) else None)
        related = tuple(self.slugs[slug] for slug in self.related[paper.slug])
        key = (paper, near, related, self.keys[paper.slug], self.stars_shown.get(paper.slug))
        made = lambda: super(MemoBuilder, self).paper_page(papers, i)  # noqa: E731
        return self._kept(src_of(urls.paper(paper.slug)), key, made)  # type: ignore[no-any-return]

    def render(self, template: str, here: str, **context: Any) -> str:
        if template in NOT_KEPT:
            return super().render(template, here, **context)
        key: Hashable = (frozen(context), self.activity)
        if template == "day.md.j2":  # the home page's strip of the trending papers
            key = (key, self.trend.sampled, self.trend.strip)
        made = lambda: super(MemoBuilder, self).render(template, here, **context)  # noqa: E731
        return self._kept(f"{template} {here}", key, made)  # type: ignore[no-any-return]


class Bytecode(jinja2.BytecodeCache):
    """The theme's templates compiled once for all rebuilds (MkDocs makes a new Jinja environment for each);
    Jinja compiles a template again when its source changed."""

    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.stored:
            bucket.bytecode_from_string(self.stored[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.stored[bucket.key] = bucket.bytecode_to_string()


class Incremental:
    """What one `paperfeed serve` keeps between its rebuilds: the records, the pages made, and what each
    file of the site held when it was last written."""

    @classmethod
    def start(cls) -> Incremental:
        """A session: MkDocs' warning on each --dirty build is left out (strict mode would count it)."""
        logging.getLogger("mkdocs.commands.build").addFilter(not_dirty_warning)
        return cls()

    def __init__(self) -> None:
        self.records = RecordCache()
        self.memo: dict[str, tuple[Hashable, Any]] = {}
        self.settings: Hashable = None
        self.related: tuple[Hashable, dict[str, tuple[str, ...]]] | None = None
        self.written: dict[str, Hashable] = {}  # by site path: what the last good build wrote there
        self.pending: dict[str, Hashable] = {}  # what this build writes
        self.dests: set[str] = set()  # every file the builds so far wrote and did not delete
        self.papers: dict[str, Paper] = {}
        self.files: dict[str, object] = {}  # the adapter's file of each path, as the last build had it
        self.kept = assemble.Kept()
        self.words = related.Words()
        self.stars_shown: dict[str, tuple[int | None, int | None]] = {}
        self.activity = 0
        self.made = 0
        self.bytecode = Bytecode()
        self.feeds: tuple[object, dict[str, bytes]] | None = None
        self.reindex = reindex.Reindexer()
        self.shard_size = search.SHARD_SIZE
        self.frozen = False

    def content(self, site: SiteConfig, settings: Hashable) -> Content:
        """assemble.full's content, made again only where it changed since the last build; `settings`
        stands for what every page depends on (settings_key)."""
        feed = self.records.load_feed(site.content_dir)
        self.shard_size = site.search_shard_size  # for the search index, made after the build (finish)
        settings = (settings, tuple(feed.tags.values()))  # tags.yml: tag names show on every kind of page
        if settings != self.settings:  # every page again, every file written
            self.memo, self.related, self.feeds, self.written, self.files = {}, None, None, {}, {}
            self.kept = assemble.Kept()
            self.settings = settings
        builder = MemoBuilder(feed, site, assemble.stars(site), self.memo, self.activity)
        if builder.stars_shown != self.stars_shown:  # every listing's cards show them
            self.stars_shown, self.activity = builder.stars_shown, self.activity + 1
            builder.activity = self.activity
        # tf-idf weighs every word by the whole feed: the lists change whenever a paper's words do.
        words = tuple((p.slug, p.title, p.abstract, p.tags) for p in feed.papers)
        if self.related is None or self.related[0] != words:
            self.related = (words, related.related(feed, words=self.words))
        builder.related = self.related[1]
        made = assemble.content(site, feed, builder, assemble.sequential, self._feeds, self.kept)
        self.memo = {name: kept for name, kept in self.memo.items() if name in builder.used}
        self.papers = {src_of(urls.paper(p.slug)): p for p in feed.papers}
        self.pending, self.made = {}, builder.made
        return made

    def _feeds(self, feed: Feed, site: SiteConfig) -> dict[str, bytes]:
        """feeds.render_feeds, made again when a feed carries other papers (or a paper changed)."""
        key = feeds.carried(feed, site)
        if self.feeds is None or self.feeds[0] != key:
            self.feeds = (key, feeds.render_feeds(feed, site))
        return dict(self.feeds[1])

    def changed(self, path: str, data: str | bytes) -> bool:
        """Whether the file at `path` (a page's source, or a data file) differs from the last build's."""
        value = (data, self.papers.get(path))  # a paper's page shows all of it (in its head too)
        self.pending[path] = value
        return self.written.get(path) != value

    def file(self, path: str, data: str | bytes, make: Callable[[], _F], kind: type[_F]) -> _F:
        """The adapter's file for `path`: the last build's (`kind`, with its page) if its bytes are the same,
        said to be unmodified (MkDocs, with --dirty, then neither reads nor writes it, nor makes a page for
        it); otherwise `make()`."""
        changed, file = self.changed(path, data), self.files.get(path)
        if changed or not isinstance(file, kind):
            file = self.files[path] = make()
        if not changed:
            file.is_modified = lambda: False  # type: ignore[attr-defined]
        return file

    def built(self, site_dir: Path, dests: Iterable[str]) -> list[str]:
        """The build went well: keep what it wrote, and delete the files of the last build that this one
        no longer has (with the folders they leave empty); the files deleted."""
        self.written, self.pending = self.pending, {}
        self.files = {path: file for path, file in self.files.items() if path in self.written}
        current = set(dests)
        gone = sorted(self.dests - current)
        self.dests = current
        for dest in gone:
            remove_file(site_dir, Path(dest))
        return gone

    def finish(
        self,
        site_dir: Path,
        files: Iterable[Any],
        feed: Feed,
        index: search.BuildIndex,
    ) -> list[str]:
        """After a good build of `files` (MkDocs' Files): delete what is gone (built), start the search
        index of the build's hand-written pages (`index`'s) in the background if what it is made from
        changed; lines for the log."""
        written = sum(f.is_modified() for f in files if f.generated_by is not None)
        gone = self.built(site_dir, [f.abs_dest_path for f in files])
        if not self.frozen:
            # What the first build made stays for the session: the collector leaves it out of its
            # rounds, which at 10,000 papers took a second of each rebuild.
            gc.collect()
            gc.freeze()
            self.frozen = True
        lines = [f"Rebuilt: {self.made} pages made, {written} files written, {len(gone)} deleted"]
        docs, language = sorted(index.pages, key=lambda doc: doc.url), index.language
        if self.reindex.start(
            self.index_key(feed, docs, language), feed, docs, site_dir / "pagefind", language, self.shard_size
        ):
            lines.append("Search index: made again in the background; search catches up in a moment")
        return lines

    def failed(self, dests: Iterable[str]) -> None:
        """The build stopped part way: what it wrote is not known, so the next one writes every file."""
        self.written, self.pending, self.files = {}, {}, {}
        self.dests |= set(dests)

    def index_key(self, feed: Feed, pages: Sequence[search.Document], language: str) -> Hashable:
        """What the search index is made from: when it is the last build's, the index is left as it is."""
        papers = feed.papers
        documents = tuple(sorted(dataclasses.astuple(p) for p in pages))
        return papers, tuple(feed.tags.values()), documents, language


def remove_file(site_dir: Path, path: Path) -> None:
    """Delete a file of the site, and each folder above it that it leaves empty (not the site's own)."""
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != site_dir and folder.is_relative_to(site_dir):
        try:
            folder.rmdir()
        except OSError:  # not empty
            return
        folder = folder.parent


def settings_key(site: SiteConfig, config_file: str | None, theme_dir: str | None) -> Hashable:
    """What every page depends on but the vocabulary: mkdocs.yml, the site's settings, and the theme's
    overrides (each file's size and time; MkDocs watches Material's own files only with --watch-theme)."""
    config = Path(config_file).read_bytes() if config_file else b""
    theme: list[tuple[str, int, int]] = []
    if theme_dir:
        for folder, _, names in sorted(os.walk(theme_dir)):
            for name in sorted(names):
                stat = os.stat(os.path.join(folder, name))
                theme.append((os.path.join(folder, name), stat.st_size, stat.st_mtime_ns))
    return config, repr(site), tuple(theme)

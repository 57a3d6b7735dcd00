"""The MkDocs adapter: hands generated pages and feeds to MkDocs; the only module that imports mkdocs."""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import time
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, Environment
from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils.templates import TemplateContext

from generator import records, urls
from generator.config import ConfigError, SiteConfig
from generator.data import citations, exports, feeds, starfile
from generator.mail import digest, ledger
from generator.model import Feed, Paper
from generator.site import fastpath, htmlmin, metadata, pages, parallel, search


class PaperfeedConfig(base.Config):  # type: ignore[no-untyped-call]
    """The plugin's options in mkdocs.yml; see generator/config.py for their meaning."""

    content_dir = opt.Type(str, default="content")
    page_size = opt.Type(int, default=50)
    feed_size = opt.Type(int, default=50)
    subscribe_url = opt.Optional(opt.URL())
    subscribe_field = opt.Type(str, default="email")
    digest_from = opt.Optional(opt.Type(str))
    digest_list_id = opt.Optional(opt.Type(str))
    unsubscribe_url = opt.Optional(opt.URL())
    unsubscribe_mailto = opt.Optional(opt.Type(str))


class PaperfeedPlugin(BasePlugin[PaperfeedConfig]):  # type: ignore[no-untyped-call]
    """Loads content/ and adds every page and feed of the feed to the build."""

    def __init__(self) -> None:
        self.site: SiteConfig | None = None
        self.updated: dict[str, str] = {}
        self.newest = _EPOCH
        self.feed: Feed | None = None
        self.bodies: dict[str, str] = {}
        self.papers: dict[str, Paper] = {}
        self.handwritten: list[search.Document] = []
        self.indexing: search.Indexing | None = None
        self.index_count = 0
        self.index_seconds = 0.0
        self.fast = True  # generated pages filled into their kind's chrome (generator/site/fastpath.py)
        self.env: Environment | None = None
        self.kinds: dict[str, str] = {}  # a generated page's kind (fastpath.group_key), by its src_uri
        self.probed: dict[str, tuple[str, dict[str, str]]] = {}  # a kind's first page and its slot values
        self.chromes: dict[str, fastpath.Chrome | None] = {}  # a kind's chrome; None: through the theme
        self.last: dict[str, str] = {}  # a kind's last page, filled and rendered both, to compare
        self.filled = 0  # pages filled into their kind's chrome, in this build

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base_dir = Path(config.config_file_path).parent
        try:
            self.site = SiteConfig.from_options(dict(config), dict(self.config), base_dir)
        except ConfigError as err:
            raise PluginError(str(err)) from None
        self.fast = os.environ.get(FAST_PAGES_ENV, "1") != "0"
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.site is not None
        try:
            feed = records.load_feed(self.site.content_dir)
        except records.ContentError as err:
            # The same lines `paperfeed check` prints; MkDocs shows them and stops, with no traceback.
            raise PluginError(f"the content has problems:\n{err}") from None
        self.feed = feed
        self.papers = {pages.src_of(urls.paper(p.slug)): p for p in feed.papers}
        # Hand-written pages (About) have no date of their own: the feed's newest day stands for it.
        self.newest = feed.papers[0].date.isoformat() if feed.papers else _EPOCH
        try:
            digests = digest.digest_pages(feed, self.site, ledger.default_path(self.site.content_dir))
        except ledger.LedgerError as err:
            raise PluginError(str(err)) from None
        try:
            # The star samples, fetched from their branch by the deploy (none: no activity data yet).
            stars = starfile.load(starfile.default_path(self.site.content_dir), recent=True)
        except starfile.StarsError as err:
            raise PluginError(str(err)) from None
        # The feeds first: they read SOURCE_DATE_EPOCH, and a bad value must stop the build with their one
        # line before the pages import scipy, whose import reads it too and fails with a traceback.
        try:
            feed_files = feeds.render_feeds(feed, self.site)
        except feeds.FeedError as err:
            raise PluginError(str(err)) from None
        builder = pages.SiteBuilder(feed, self.site, stars)
        builder.keys = keys = citations.citation_keys(feed)  # for the paper pages and papers.bib alike
        self.updated = {}
        self.handwritten = []
        self.kinds, self.probed, self.chromes, self.last, self.filled = {}, {}, {}, {}, 0
        for page in [*parallel.build_pages(builder), *digests]:
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.src, content=page.text, inclusion=inclusion))
            if page.updated:
                self.updated[page.src] = page.updated.isoformat()
        feed_files[urls.TRENDING_FEED] = feeds.trending_feed(builder.trend, self.site, feed.tags)
        for path, data in {**feed_files, **exports.render_exports(feed, self.site, keys)}.items():
            files.append(File.generated(config, path, content=data))
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self.fast:
            # MkDocs makes a Page for each file not in the nav when it reads them, unless one exists.
            for file in files.documentation_pages():
                if file.generated_by == GENERATED_BY and file.page is None:
                    _GeneratedPage(None, file, config)
        return nav

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        # Templates do not change during a build; without this, Jinja stats every template file on
        # every page (MkDocs serve makes a new environment for each rebuild).
        env.auto_reload = False
        # A page of a kind already probed renders this one-slot template; on_page_context fills it.
        assert env.loader is not None
        env.loader = ChoiceLoader([DictLoader({FILLED: "{{ paperfeed_filled }}"}), env.loader])
        self.env = env
        # Every page's content is known now (hand-written ones are searched too): Pagefind indexes them
        # on another core while MkDocs writes the pages, and on_post_build waits for it.
        if self.feed is not None:
            start = time.perf_counter()
            language = str(config.theme.get("language") or "en")
            pages = sorted(self.handwritten, key=lambda page: page.url)
            output = Path(config.site_dir) / "pagefind"
            try:
                self.index_count, self.indexing = search.start_index(self.feed, pages, output, language)
            except search.SearchIndexError as err:
                raise PluginError(str(err)) from None
            self.index_seconds = time.perf_counter() - start
        return env

    def on_pre_page(self, page: Page, /, *, config: MkDocsConfig, files: Files) -> Page:
        # The sitemap prints each page's update_date, which MkDocs sets to the build day: use the day the
        # page's content last changed instead, so that two builds of the same content match. It must be
        # set here: MkDocs renders sitemap.xml after reading the pages but before on_page_context.
        page.update_date = self.updated.get(page.file.src_uri, self.newest)
        return page

    def on_page_markdown(self, markdown: str, /, *, page: Page, **_: Any) -> str:
        # Generated pages are HTML already (escaped, sanitized) inside Markdown, which Markdown would pass
        # through unchanged; skipping its parser for them halves the build time of a large feed.
        if page.file.generated_by == GENERATED_BY:
            self.bodies[page.file.src_uri] = markdown
            if self.fast:
                # Read once: the page's text would stay in memory beside its body until the build ends.
                page.file.content_string = ""
            return ""
        return markdown

    def on_page_content(self, html: str, /, *, page: Page, **_: Any) -> str:
        if page.file.generated_by != GENERATED_BY:
            # Hand-written pages are searched too (papers are indexed from the model, listings not at
            # all); on_env hands them to the search index.
            self.handwritten.append(search.Document(page.url, str(page.title or page.url), html))
            return html
        # Material's "Skip to content" link goes to the first entry of the page's table of contents, which
        # a generated page (its body is HTML, not Markdown headings) does not have: its heading.
        body, anchor = pages.skip_target(self.bodies.pop(page.file.src_uri, html))
        if anchor:
            page.toc = TableOfContents([AnchorLink(str(page.title or ""), anchor, 1)])
        # (A page that names its own template keeps it, and goes through the theme.)
        if self.fast and page.file.inclusion == InclusionLevel.NOT_IN_NAV and "template" not in page.meta:
            kind = fastpath.group_key(page.url, page.meta, anchor, [page.edit_url, page.is_homepage])
            self.kinds[page.file.src_uri] = kind
            # The kind's first page goes through the theme (and its probe, on_page_context); the others
            # render FILLED. MkDocs picks the template from the meta before on_page_context.
            if kind in self.probed:
                page.meta["template"] = FILLED
                self.last[kind] = page.file.src_uri
            else:
                self.probed[kind] = (page.file.src_uri, {})
        return body

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        if self.site is not None and self.feed is not None:
            tag = self.feed.tags.get(str((page.meta or {}).get("feed_tag", "")))
            links = feeds.feed_links(self.site, tag)
            if (page.meta or {}).get("feed_trending"):
                links.insert(0, feeds.trending_feed_link(self.site))
            if page.file.src_uri.startswith("papers/"):
                # A paper page names the site's RSS feed alone (for feed readers that look for one on
                # any page); the listings name every feed. Ten thousand pages each carry the difference.
                links = [link for link in links if link.kind == "rss"]
            context["paperfeed_feeds"] = links  # type: ignore[typeddict-unknown-key]
            context["paperfeed_head"] = self._head(page)  # type: ignore[typeddict-unknown-key]
        if self.site is not None:
            context["paperfeed_site"] = self.site  # type: ignore[typeddict-unknown-key]
        kind = self.kinds.get(page.file.src_uri)
        if kind is not None:
            self._fill(context, page, kind)
        return context

    def _fill(self, context: TemplateContext, page: Page, kind: str) -> None:
        """The kind's first page: render its probe into the kind's chrome. Any other: fill the chrome with
        the page's values into the context of FILLED, or (no chrome) render the page as MkDocs would."""
        assert self.env is not None
        values = fastpath.slot_values(
            page.url,
            title=str(page.title or ""),
            description=str(page.meta.get("description") or ""),
            body=page.content or "",
            head=context["paperfeed_head"].html(),  # type: ignore[typeddict-item]
            anchor=page.toc.items[0].id if page.toc.items else "",
        )
        first, _ = self.probed[kind]
        if first == page.file.src_uri:
            self.probed[kind] = (first, values)
            probe_context = dict(context, page=self._probe(page), paperfeed_head=fastpath.HeadProbe())
            probe = self.env.get_template("main.html").render(probe_context)
            self.chromes[kind] = fastpath.Chrome.cut(probe)
            return
        del page.meta["template"]  # the meta as the page's own, for a theme that reads it
        chrome = self.chromes.get(kind)
        if chrome is not None:
            filled = chrome.fill(values)
            self.filled += 1
            # The kind's last page is rendered by the theme too: a value of the page's own that the probe
            # took from the first page would show here, and means the pages between are wrong.
            if self.last.get(kind) == page.file.src_uri:
                rendered = self.env.get_template("main.html").render(context)
                if rendered != filled:
                    log.warning(
                        f"{page.file.src_uri}: the fast path's page differs from the theme's; build with "
                        f"{FAST_PAGES_ENV}=0 for a right site, and report it"
                    )
        else:
            filled = self.env.get_template("main.html").render(context)
        context["paperfeed_filled"] = filled  # type: ignore[typeddict-unknown-key]

    def _probe(self, page: Page) -> fastpath.Probe:
        """The page with a marker in each of its own values."""
        url, _ = fastpath.url_slots(page.url)
        meta = dict(page.meta)
        for key in ("title", "description"):
            if meta.get(key):
                meta[key] = fastpath.marker(key, str(meta[key]))
        toc = page.toc
        if toc.items:
            title, anchor = (
                fastpath.marker("title", toc.items[0].title),
                fastpath.marker("anchor", toc.items[0].id),
            )
            toc = TableOfContents([AnchorLink(title, anchor, 1)])
        return fastpath.Probe(
            page,
            url=url,
            canonical_url=_swap_tail(page.canonical_url, page.url, url),
            abs_url=_swap_tail(page.abs_url, page.url, url),
            meta=meta,
            title=fastpath.marker("title", str(page.title)) if page.title else page.title,
            content=fastpath.marker("body", page.content or ""),
            toc=toc,
        )

    def on_template_context(
        self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext:
        # The theme's own pages (404.html) have the same footer as the others.
        if self.site is not None:
            context["paperfeed_site"] = self.site  # type: ignore[typeddict-unknown-key]
        return context

    def _head(self, page: Page) -> metadata.Head:
        """The page's metadata for other programs: a paper's from its record, any other page's from its own
        title (which a generated page's front matter holds HTML-escaped)."""
        assert self.site is not None
        url = urls.absolute(self.site.site_url, page.url)
        paper = self.papers.get(page.file.src_uri)
        if paper is not None:
            return metadata.paper_head(paper, url, self.site.site_name)
        title = html.unescape(str((page.meta or {}).get("title") or page.title or self.site.site_name))
        return metadata.page_head(title, url, self.site.site_name)

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        kind = self.kinds.get(page.file.src_uri)
        if kind is not None and self.probed[kind][0] == page.file.src_uri:
            # The kind's first page, rendered by the theme: its chrome must give it exactly, or the kind
            # goes through the theme page by page.
            chrome = self.chromes.get(kind)
            if chrome is not None and chrome.fill(self.probed[kind][1]) != output:
                log.debug(f"{page.file.src_uri}: its kind's pages go through the theme (no exact chrome)")
                self.chromes[kind] = None
        return htmlmin.minify(output)

    def on_post_template(self, output: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        # The theme's own pages (404.html), written beside the sitemap, which stays as it is.
        return htmlmin.minify(output) if template_name.endswith(".html") else output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        indexing, self.indexing = self.indexing, None
        start = time.perf_counter()
        if indexing is not None:
            try:
                indexing.wait()
            except search.SearchIndexError as err:
                raise PluginError(str(err)) from None
        added = self.index_seconds + time.perf_counter() - start
        log.info(f"Search index of {self.index_count} pages: it added {added:.2f} seconds to the build")
        if self.fast:
            themed = [kind for kind, chrome in self.chromes.items() if chrome is None]
            rendered = len(self.kinds) - self.filled
            log.info(
                f"Generated pages: {self.filled} filled into their kind's chrome, {rendered} rendered by "
                f"the theme; {len(themed)} of {len(self.chromes)} kinds without a chrome"
            )

    def on_build_error(self, *, error: Exception) -> None:
        if self.indexing is not None:
            self.indexing.cancel()
            self.indexing = None

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        assert self.site is not None
        server.watch(str(self.site.content_dir))
        # MkDocs watches the theme only with --watch-theme, and then Material's installed files too; the
        # site's own overrides are what a maintainer edits, so a change there rebuilds like content does.
        if config.theme.custom_dir:
            server.watch(config.theme.custom_dir)
        return server


class _GeneratedPage(Page):
    """A generated page, whose Markdown on_page_markdown takes whole: rendering nothing through Markdown
    gives nothing, with no table of contents, title or anchors, and costs a parser made for each page."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown:
            super().render(config, files)
            return
        self.content = ""
        self.toc = TableOfContents([])
        self._title_from_render = None
        self.present_anchor_ids = set()
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
            self.links_to_anchors = {}  # as Page.render sets them


log = logging.getLogger("mkdocs.plugins.paperfeed")
GENERATED_BY = "paperfeed"  # MkDocs marks the files a plugin generates with the plugin's name
_EPOCH = dt.date(1970, 1, 1).isoformat()
FILLED = "paperfeed-filled.html"  # the one-slot template of a page filled into its kind's chrome
FAST_PAGES_ENV = "PAPERFEED_FAST_PAGES"  # "0": every page through the theme, as MkDocs renders it


def _swap_tail(url: str | None, tail: str, new: str) -> str | None:
    """An absolute form of a page's URL with the page's part replaced."""
    if url is None or not url.endswith(tail):
        return url
    return url[: len(url) - len(tail)] + new

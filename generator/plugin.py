"""The MkDocs adapter: hands generated pages and feeds to MkDocs; the only module that imports mkdocs."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

from jinja2 import ChoiceLoader, DictLoader, Environment
from mkdocs.commands import build
from mkdocs.config import base
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import meta
from mkdocs.utils.templates import TemplateContext

from generator import forked, records, urls
from generator.config import SiteConfig
from generator.data import feeds
from generator.errors import PaperfeedError
from generator.model import Feed, Paper
from generator.site import (
    assemble,
    fastpath,
    forked_pages,
    front_matter,
    htmlmin,
    incremental,
    metadata,
    pages,
    search,
    skip_link,
    watching,
)

if TYPE_CHECKING:  # the server's module (and its watchdog) is imported by `mkdocs serve` alone
    from mkdocs.livereload import LiveReloadServer

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _readable(hook: Callable[_P, _R]) -> Callable[_P, _R]:
    """The one place a hook's PaperfeedError becomes MkDocs' PluginError: MkDocs prints its message and
    stops the build, with no traceback. A content error gets the lines `paperfeed check` prints."""

    @functools.wraps(hook)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return hook(*args, **kwargs)
        except records.ContentError as err:
            raise PluginError(f"the content has problems:\n{err}") from None
        except PaperfeedError as err:
            raise PluginError(str(err)) from None

    return run


class _NoSchema(base.Config):  # type: ignore[no-untyped-call]
    """MkDocs' schema of the plugin's options: none; SiteConfig's is the one (see load_config)."""


class PaperfeedPlugin(BasePlugin[_NoSchema]):  # type: ignore[no-untyped-call]
    """Loads content/ and adds every page and feed of the feed to the build."""

    def __init__(self) -> None:
        self.options: dict[str, Any] = {}
        self._site: SiteConfig | None = None
        self.updated: dict[str, str] = {}
        self.newest = _EPOCH
        self.feed: Feed | None = None
        self.bodies: dict[str, str] = {}
        self.papers: dict[str, Paper] = {}
        self.index = search.BuildIndex(Path())  # and the hand-written pages read, which it indexes too
        self.fast = True  # generated pages filled into their kind's chrome (generator/site/fastpath.py)
        self.env: Environment | None = None
        self.kinds = fastpath.Kinds()  # this build's kinds of generated pages, their chromes
        self.forked = forked_pages.ForkedPages()  # the large kinds' pages, written by a forked child
        self.serving: incremental.Incremental | None = None  # `mkdocs serve --dirty`: rebuilds what changed
        self.files = Files([])
        self.nav = Navigation([], [])
        self.sitemap_due: Callable[[Navigation], None] | None = None  # on_env's, for once the child starts

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        # The options have one schema, SiteConfig's (generator/config.py), which on_config applies: MkDocs'
        # own checks would accept or word a mistake otherwise than `paperfeed digest` does.
        self.options = dict(options)
        return [], []

    @property
    def site(self) -> SiteConfig:
        """The site's settings, which on_config reads before any other hook runs."""
        if self._site is None:
            raise PluginError("paperfeed: the site's settings are read in on_config, which has not run")
        return self._site

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining this hook keeps the plugin (and what it kept) from one rebuild of `mkdocs serve` to the
        # next. `paperfeed serve` passes --dirty: MkDocs then writes only the files said to be modified.
        self.on_shutdown()  # the session before, in the same process (tests start several)
        self.serving = incremental.Incremental.start() if command == "serve" and dirty else None

    @_readable
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base_dir = Path(config.config_file_path).parent
        self._site = SiteConfig.from_options(dict(config), self.options, base_dir)
        # Environment settings are checked on every build, before anything else is done (a bad
        # SOURCE_DATE_EPOCH is otherwise found only when some feed turns out empty, or by scipy's import).
        feeds.empty_feed_date()
        # The theme's icon file and script are templates, rendered with mkdocs.yml's icons and palettes.
        config.theme.static_templates.update(THEME_TEMPLATES)
        self.fast = os.environ.get(fastpath.FAST_PAGES_ENV, "1") != "0"
        return config

    @_readable
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        for unused in [f for f in files if f.generated_by is None and search.unused_theme_file(f.src_uri)]:
            files.remove(unused)
        # Pagefind runs beside the build from when the records are read (serving: after the build).
        language, output = str(config.theme.get("language") or "en"), Path(config.site_dir) / "pagefind"
        handwritten = [f for f in files.documentation_pages() if f.generated_by is None]
        due = len([f for f in handwritten if f.inclusion.is_included()])  # type: ignore[no-untyped-call]
        self.index = search.BuildIndex(
            output, language, self.site.search_shard_size, bool(self.serving), due=due
        )
        if self.serving is None:
            forked.hold_build()  # until on_post_build: the build's objects are its own to its end
            front = functools.partial(front_matter.front, pattern=meta.YAML_RE, yaml_read=meta.get_data)
            content = assemble.full(self.site, front if self.fast else None, self.index.expect)
        else:
            settings = incremental.settings_key(self.site, config.config_file_path, config.theme.custom_dir)
            content = self.serving.content(self.site, settings)
            self.index.expect(content.feed)
            for file in handwritten:  # read each time: the search index and the sitemap need them
                file.is_modified = lambda: True  # type: ignore[method-assign]
        self.feed = feed = content.feed
        self.papers = {pages.src_of(urls.paper(p.slug)): p for p in feed.papers}
        # Hand-written pages (About) have no date of their own: the feed's newest day stands for it.
        self.newest = feed.papers[0].date.isoformat() if feed.papers else _EPOCH
        self.updated, self.kinds = {}, fastpath.Kinds()
        unread: list[forked_pages.Unread] = []  # pages the fork may write, which MkDocs is not to read
        for page in content.pages:
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            file = self._file(config, page.src, page.text, inclusion)
            files.append(file)
            if page.updated:
                self.updated[page.src] = page.updated.isoformat()
            if self.fast and not page.in_nav and file.page is None and page.front is not None:
                unread.append((page.src, file.url, page.text, page.front, _NOT_HOME))
        for path, data in content.data.items():
            files.append(self._file(config, path, data, InclusionLevel.UNDEFINED))
        self.files = files
        alone = self.serving is None and forked_pages.hooked_alone(config.plugins.events)
        taken = set(self.forked.withhold(unread) if alone else ())
        for src, _, _, parsed, _ in unread:  # a withheld page has no Page (in the sitemap: _build_sitemap)
            if src in taken:
                files.src_uris[src].inclusion = InclusionLevel.EXCLUDED
            else:  # get_navigation makes the others' Pages
                made = _GeneratedPage(None, files.src_uris[src], config)
                made.front, made.update_date = parsed, self.updated.get(src, self.newest)
        return files

    def _file(self, config: MkDocsConfig, src: str, data: str | bytes, inclusion: InclusionLevel) -> File:
        """A generated file (serving, the last build's if its bytes are the same: Incremental.file)."""
        make = functools.partial(File.generated, config, src, content=data, inclusion=inclusion)
        return make() if self.serving is None else self.serving.file(src, data, make, File)

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        for file in (f for f in files.documentation_pages() if f.generated_by == GENERATED_BY):
            # Every file has a Page by now (get_navigation's, or on_files'): a generated one in the nav (the
            # home page) becomes a _GeneratedPage too, which differs only in how it is read and rendered.
            if self.fast and type(file.page) is Page:
                file.page.__class__ = _GeneratedPage
            if self.serving and file.page is not None:  # the sitemap's date of a page not read again
                file.page.update_date = self.updated.get(file.src_uri, self.newest)
        return nav

    @_readable
    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        # Templates do not change during a build: Jinja would stat every template file on every page.
        env.auto_reload = False
        if self.serving is not None:
            env.bytecode_cache = self.serving.bytecode
        # The theme's JSON (Material's page configuration, palette options) without json.dumps' spaces.
        env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
        # A page of a kind already probed renders this one-slot template; on_page_context fills it.
        if env.loader is not None:
            env.loader = ChoiceLoader([DictLoader({FILLED: "{{ paperfeed_filled }}"}), env.loader])
        self.env = env
        if self.fast and self.serving is None and SITEMAP in config.theme.static_templates:
            config.theme.static_templates.discard(SITEMAP)
            self.sitemap_due = functools.partial(build._build_theme_template, SITEMAP, env, files, config)
        # Every page is read: the index is given the hand-written pages (one another plugin left out).
        self.index.give_pages()
        if self.forked.taken:
            self._start_withheld(config, files, env)
        return env

    def _start_withheld(self, config: MkDocsConfig, files: Files, env: Environment) -> None:
        """Each withheld kind's first page built now, kept out of MkDocs' loop; the child started on the
        kinds whose chrome gives it exactly. The others' pages are read now, for MkDocs to render."""
        pages = {src: cast(Page, files.src_uris[src].page) for src in self.forked.firsts.values()}
        doc_files = files.documentation_pages()
        for page in pages.values():
            build._build_page(page, config, doc_files, self.nav, env)
            page.file.inclusion = InclusionLevel.EXCLUDED  # built (in the sitemap: _build_sitemap)

        def fits(src: str, kind: str) -> bool:  # a chrome that gives the page, whose title is its own
            return self.kinds.fillable(src, kind) and pages[src].title == pages[src].meta.get("title")

        for src in self.forked.start(self._write_withheld, fits):
            files.src_uris[src].inclusion = InclusionLevel.NOT_IN_NAV
            build._populate_page(_GeneratedPage(None, files.src_uris[src], config), config, files)
        self._build_sitemap(config)  # while the child writes

    def _build_sitemap(self, config: MkDocsConfig) -> None:
        """The sitemap, as MkDocs renders it, if on_env left it for later (once a build)."""
        build_it, self.sitemap_due = self.sitemap_due, None
        if build_it is not None:
            listed = functools.partial(self._listed, config.site_url)
            with self.forked.shown(self.files.src_uris, InclusionLevel, listed):
                build_it(self.nav)

    def _listed(self, site_url: str | None, file: File) -> Page:
        """A withheld page as the sitemap reads it, its URLs and date: made at a tenth of a Page's cost."""
        page = _GeneratedPage.__new__(_GeneratedPage)
        page.file, page.update_date = file, self.updated.get(file.src_uri, self.newest)
        page._set_canonical_url(site_url)
        return page

    def on_pre_page(self, page: Page, /, *, config: MkDocsConfig, files: Files) -> Page:
        # The sitemap prints each page's update_date, which MkDocs sets to the build day: the day the page's
        # content last changed instead, so that two builds of the same content match (set before it is).
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

    @_readable
    def on_page_content(self, html: str, /, *, page: Page, **_: Any) -> str:
        if page.file.generated_by != GENERATED_BY:
            # Hand-written pages are searched too (papers are indexed from the model, listings not at all).
            self.index.add(search.Document(page.url, str(page.title or page.url), html))
            return html
        # "Skip to content" goes to the first entry of the table of contents: the heading (site/skip_link.py).
        body, anchor = skip_link.skip_target(self.bodies.pop(page.file.src_uri, html))
        if anchor:
            page.toc = _one_heading(str(page.title or ""), anchor)
        if self.fast and page.file.inclusion == InclusionLevel.NOT_IN_NAV and "template" not in page.meta:
            kind = fastpath.group_key(page.url, page.meta, anchor, [page.edit_url, page.is_homepage])
            # The kind's first page goes through the theme (and its probe, on_page_context); the others
            # render FILLED (MkDocs picks the template from the meta; a page naming its own keeps it).
            if self.kinds.add(page.file.src_uri, kind):
                page.meta["template"] = FILLED
        return body

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        values = cast(dict[str, Any], context)  # the theme's, with the plugin's own keys
        values["paperfeed_site"] = site = self.site
        if self.feed is not None:
            paper, src = self.papers.get(page.file.src_uri), page.file.src_uri
            head = metadata.of_page(site, self.feed, paper, src, page.meta, page.title, page.url)
            values["paperfeed_head"] = head
        if page.file.src_uri in self.kinds.kinds:  # the kind's first page is probed; the others, filled
            main = cast(Environment, self.env).get_template("main.html")  # (on_env's)
            if filled := self.kinds.render(page, values, main.render, _one_heading):
                values["paperfeed_filled"], wrong = filled
                if wrong:
                    log.warning(fastpath.UNLIKE.format(page.file.src_uri))
        return context

    def _write_withheld(self, src_uri: str, url: str, markdown: str, meta: dict[str, Any]) -> None:
        """A page MkDocs has not read, filled and written (by forked_pages' child, or here)."""
        paper, feed = self.papers.get(src_uri), cast(Feed, self.feed)
        head = metadata.of_page(self.site, feed, paper, src_uri, meta, meta["title"], url).html()
        values = fastpath.unread_values(url, markdown, meta, head)
        page = self.kinds.fill_kind(self.forked.kind_of(src_uri), values)
        forked_pages.write(self.files.src_uris[src_uri].abs_dest_path, page)

    def on_template_context(
        self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext:
        # The theme's own pages (404.html) have the same footer as the others.
        if self._site is not None:
            context["paperfeed_site"] = self.site  # type: ignore[typeddict-unknown-key]
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        src = page.file.src_uri
        if self.kinds.first(src) and not self.kinds.check_first(src, output):
            log.debug(f"{src}: its kind's pages go through the theme (no exact chrome)")
        elif self.kinds.made_small(src):
            return output
        return htmlmin.minify(output)

    def on_post_template(self, output: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        # The theme's own pages (404.html), written beside the sitemap, which stays as it is.
        return htmlmin.minify(output) if template_name.endswith(".html") else output

    @_readable
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._build_sitemap(config)
        written = self.forked.finish()
        forked.release_build()
        if self.serving is not None and self.feed is not None:
            for line in self.serving.finish(Path(config.site_dir), self.files, self.feed, self.index):
                log.info(line)
            return
        log.info(self.index.wait())
        if self.fast:
            log.info(self.kinds.summary(written))

    def on_build_error(self, *, error: Exception) -> None:
        self.forked.cancel()
        forked.release_build()
        if self.serving is not None:
            self.serving.failed(f.abs_dest_path for f in self.files)
        self.index.cancel()

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        folders = [str(self.site.content_dir), *filter(None, [config.theme.custom_dir])]
        watching.watch(server, folders, natively=self.serving is not None)
        return server

    def on_shutdown(self) -> None:
        # The session ends: MkDocs keeps this plugin for the process, whose next build is a build.
        if self.serving is not None:
            self.serving.reindex.cancel()
        self.serving = None


def _one_heading(title: str, anchor: str) -> TableOfContents:
    """The table of contents of a generated page: its heading."""
    return TableOfContents([AnchorLink(title, anchor, 1)])


class _GeneratedPage(Page):
    """A generated page, whose front matter is read without YAML where it can be (site/front_matter.py),
    and whose Markdown on_page_markdown takes whole (rendering nothing through Markdown costs a parser)."""

    front: front_matter.Front | None = None  # its front matter, read where the page was made

    def _set_canonical_url(self, base: str | None) -> None:
        # Page's own joins each page's URL to the site's (urljoin): a tenth of a second per 1,000 pages.
        prefixes = urls.joined_prefixes(base) if base and urls.PLAIN_PAGE.fullmatch(self.url) else None
        if prefixes is None:
            return super()._set_canonical_url(base)
        self.canonical_url, self.abs_url = prefixes[0] + self.url, prefixes[1] + self.url

    def read_source(self, config: MkDocsConfig) -> None:
        source = config.plugins.on_page_read_source(page=self, config=config)
        text = self.file.content_string if source is None else source
        if source is None and self.front is not None:  # read where the page was made
            (start, self.meta), self.front = self.front, None
            self.markdown = text[start:]
        else:
            self.markdown, self.meta = front_matter.read(text, meta.YAML_RE, meta.get_data)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown:
            super().render(config, files)
            return
        self.content, self.toc, self._title_from_render = "", TableOfContents([]), None
        self.present_anchor_ids = set()
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
            self.links_to_anchors = {}  # as Page.render sets them


log = logging.getLogger("mkdocs.plugins.paperfeed")
GENERATED_BY = "paperfeed"  # MkDocs marks the files a plugin generates with the plugin's name
THEME_TEMPLATES = ("assets/images/paperfeed-icons.svg", "assets/javascripts/paperfeed.js")
_EPOCH = "1970-01-01"  # the sitemap date of a page in an empty feed
SITEMAP = "sitemap.xml"
FILLED = "paperfeed-filled.html"  # the one-slot template of a page filled into its kind's chrome
# group_key's extra for a generated page not in the nav: MkDocs gives it no edit URL; it is not the home page.
_NOT_HOME = (None, False)

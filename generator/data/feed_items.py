"""What a feed item says of a paper: its abstract's HTML with a line of its outside links, sanitized, made
once however many feeds carry the paper."""

from __future__ import annotations

import html

from generator import urls
from generator.config import SiteConfig
from generator.data.paperlinks import OutsideLink, outside_links
from generator.model import Paper, Tag
from generator.records import abstracts


class ItemContent:
    """Each paper's HTML and outside links, made once however many feeds carry it."""

    def __init__(self, site: SiteConfig) -> None:
        self.site = site
        self.cache: dict[str, str] = {}
        self.links_cache: dict[str, list[OutsideLink]] = {}

    def page_url(self, paper: Paper) -> str:
        return urls.absolute(self.site.site_url, urls.paper(paper.slug))

    def links(self, paper: Paper) -> list[OutsideLink]:
        cached = self.links_cache.get(paper.slug)
        if cached is None:
            cached = self.links_cache[paper.slug] = outside_links(paper)
        return cached

    def html(self, paper: Paper) -> str:
        """The abstract, then a line of the paper's outside links; sanitized together, as one fragment."""
        cached = self.cache.get(paper.slug)
        if cached is None:
            links = " · ".join(
                f'<a href="{html.escape(link.url)}">{html.escape(link.title, quote=False)}</a>'
                for link in self.links(paper)
            )
            fragment = abstracts.render(paper.abstract) + (f"\n<p>{links}</p>" if links else "")
            cached = self.cache[paper.slug] = abstracts.sanitize(fragment, base=self.page_url(paper))
        return cached


def tag_name(slug: str, vocabulary: dict[str, Tag]) -> str:
    """A tag's name for a feed's category, its slug if the vocabulary lacks it."""
    tag = vocabulary.get(slug)
    return tag.name if tag else slug

"""The links of a paper off the site: arXiv's abstract page and PDF, Hugging Face's page, the record's own."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.model import Paper

_NEW_STYLE = re.compile(r"^[0-9]{4}\.[0-9]{4,5}")


@dataclass(frozen=True)
class OutsideLink:
    """A link to somewhere off the site, with the label a reader sees and, where known, its media type."""

    title: str
    url: str
    mime: str | None = None
    kind: str = ""  # arxiv, pdf, huggingface, or the record's label (code, project, ...)
    contributed: bool = False  # the record's own URL, not one made from its arXiv id (rel="nofollow")


def arxiv_abs(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def arxiv_pdf(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"


def huggingface(paper: Paper) -> str | None:
    """The paper's page on Hugging Face, which exists for new-style arXiv ids (by the id without version)."""
    match = _NEW_STYLE.match(paper.arxiv or "")
    return f"https://huggingface.co/papers/{match.group(0)}" if match else None


def pdf_url(paper: Paper) -> str | None:
    """The record's own `pdf` link, else arXiv's PDF, else none."""
    own = _own_pdf(paper)
    return own or (arxiv_pdf(paper.arxiv) if paper.arxiv else None)


def _own_pdf(paper: Paper) -> str | None:
    return next((link.url for link in paper.links if link.label == "pdf"), None)


def _pdf(paper: Paper) -> OutsideLink | None:
    url = pdf_url(paper)
    return OutsideLink("PDF", url, "application/pdf", "pdf", url == _own_pdf(paper)) if url else None


def label(kind: str) -> str:
    """How a record's link kind reads on a button: pdf as PDF, the rest capitalized (code: Code)."""
    return "PDF" if kind == "pdf" else kind.capitalize()


def _unique(links: list[OutsideLink]) -> list[OutsideLink]:
    """The links without one that repeats an earlier one's URL."""
    seen: set[str] = set()
    unique = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            unique.append(link)
    return unique


def outside_links(paper: Paper, *, huggingface_page: bool = False) -> list[OutsideLink]:
    """The arXiv abstract, the PDF (the record's own `pdf` link, else arXiv's), Hugging Face's page if asked,
    then the record's other links in its order; a URL that repeats an earlier one is left out."""
    found: list[OutsideLink] = []
    if paper.arxiv:
        found.append(OutsideLink(f"arXiv {paper.arxiv}", arxiv_abs(paper.arxiv), "text/html", "arxiv"))
    pdf = _pdf(paper)
    if pdf:
        found.append(pdf)
    hf = huggingface(paper) if huggingface_page else None
    if hf:
        found.append(OutsideLink("Hugging Face", hf, "text/html", "huggingface"))
    found += [
        OutsideLink(label(x.label), x.url, None, x.label, True) for x in paper.links if x.label != "pdf"
    ]
    return _unique(found)


def card_links(paper: Paper) -> list[OutsideLink]:
    """The few links a listing's card shows: arXiv, PDF, code (short labels; the card names the paper)."""
    found = []
    if paper.arxiv:
        found.append(OutsideLink("arXiv", arxiv_abs(paper.arxiv), "text/html", "arxiv"))
    pdf = _pdf(paper)
    if pdf:
        found.append(pdf)
    code = next((link.url for link in paper.links if link.label == "code"), None)
    if code:
        found.append(OutsideLink("Code", code, None, "code", True))
    return _unique(found)

"""Related papers: for each paper, the papers of the feed most like it by tf-idf over titles, abstracts, tags.

Each paper is a vector of its words (the title's words count twice; each tag is a word of its own, counted
twice) weighed by tf-idf (sublinear term frequency, smoothed idf). Common English words are left out, and
in a big feed the words of more than a tenth of its papers too; each paper keeps its 12 heaviest words, so
that the product of the feed with itself stays sparse; it is taken a block of papers at a time. Similarity
is the cosine; ties go to the paper that comes first in the feed, so the lists are the same on every build.
numpy and scipy do the arithmetic (0.75 s for 10,000 papers).
"""

from __future__ import annotations

import string
from collections import defaultdict
from itertools import count
from typing import TYPE_CHECKING

from generator.model import Feed, Paper

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

LIMIT = 5  # related papers per paper
WORDS_KEPT = 12  # per paper: the heaviest words only
MAX_SHARE = 0.1  # a word in more than this share of the papers tells none apart,
MIN_COMMON = 20  # in a feed big enough for that to mean more than this many papers
# Splitting at every ASCII character but a letter or digit: str.translate and str.split run in C, three
# times as fast as a regular expression's findall over a feed's abstracts.
_KEPT = string.ascii_letters + string.digits
_SPACES = str.maketrans({c: " " for c in map(chr, range(128)) if c not in _KEPT})
# Common English words, and the words every abstract uses to speak of itself.
STOP_WORDS = frozenset(
    """
    about above after again against all also although among and any are around as at be because been
    before being below between both but by can could did do does doing done down during each either
    else even every for from further had has have having here how however if in into is it its
    itself just less many may might more most much must neither no nor not now of off on once only
    onto or other our ours out over own per same several should since so some such than that the
    their them then there these they this those though through thus to too toward towards under
    until up upon us use used uses using very via was we well were what when where whether which
    while who whom whose why will with within without would yet you your paper papers propose
    proposed proposes present presents show shows shown approach approaches method methods result
    results work new based also first two three one
    """.split()  # noqa: SIM905 (a list of 100 quoted words reads worse)
)


def _tokens(paper: Paper) -> list[str]:
    words = f"{paper.title} {paper.title} {paper.abstract}".lower().translate(_SPACES).split()
    return words + [f"tag:{slug}" for slug in paper.tags] * 2


def _ignored(word: str) -> bool:
    """A word that tells no paper apart: a common one, a single character, a number."""
    return word in STOP_WORDS or len(word) < 2 or word.isdigit()


class Words:
    """Word ids kept from one call to the next (`paperfeed serve`'s rebuilds), and each paper's words as
    ids: a paper is split into words once, not on every rebuild."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.ignored: list[bool] = []  # by id
        self.papers: dict[Paper, np.ndarray] = {}

    def of(self, paper: Paper) -> np.ndarray:
        import numpy as np  # imported where the arithmetic is done: see _weights

        found = self.papers.get(paper)
        if found is None:
            found = self.papers[paper] = np.fromiter(map(self._id, _tokens(paper)), dtype=np.int64)
        return found

    def _id(self, word: str) -> int:
        found = self.ids.get(word)
        if found is None:
            found = self.ids[word] = len(self.ids)
            self.ignored.append(_ignored(word))
        return found

    def columns(self, papers: tuple[Paper, ...]) -> tuple[np.ndarray, list[int], np.ndarray]:
        """The papers' words as _weights numbers them (by first appearance in `papers`), each paper's
        number of words, and which ids are ignored words."""
        import numpy as np

        arrays = [self.of(p) for p in papers]
        self.papers = dict(zip(papers, arrays, strict=True))  # the papers gone leave
        kept = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)
        first = np.full(len(self.ids), len(kept))  # where each id first appears (len: nowhere)
        np.minimum.at(first, kept, np.arange(len(kept)))
        present = np.flatnonzero(first < len(kept))
        in_order = present[np.argsort(first[present])]
        renumbered = np.zeros(len(self.ids), dtype=np.int64)
        renumbered[in_order] = np.arange(len(in_order))
        return renumbered[kept], [len(a) for a in arrays], np.asarray(self.ignored, dtype=bool)[in_order]


def _weights(papers: tuple[Paper, ...], words: Words | None = None) -> sp.csr_matrix:
    """The papers' tf-idf vectors, each cut to its heaviest words and of unit length, as sparse rows."""
    # Imported here, not with the module: numpy and scipy take a third of a second, every command imports
    # pages, and a build ranks the related papers in a forked child (site/parallel.py).
    import numpy as np
    import scipy.sparse as sp

    n = len(papers)
    if words is not None:
        cols, lengths, ignored = words.columns(papers)
        size = len(ignored)
    else:
        vocabulary: defaultdict[str, int] = defaultdict(count().__next__)  # a new word takes the next id
        columns: list[int] = []
        lengths = []
        for paper in papers:
            tokens = _tokens(paper)
            columns.extend(map(vocabulary.__getitem__, tokens))
            lengths.append(len(tokens))
        size = len(vocabulary)
        cols = np.asarray(columns, dtype=np.int64)
        ignored = np.zeros(size, dtype=bool)
        ignored[[i for word, i in vocabulary.items() if _ignored(word)]] = True
    # A paper's words are one run of the columns: its row of the matrix, once the ignored words are out.
    keep = ~ignored[cols]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(np.repeat(np.arange(n), lengths)[keep], minlength=n), out=indptr[1:])
    counts = sp.csr_matrix((np.ones(len(cols[keep])), cols[keep], indptr), shape=(n, size))
    counts.sum_duplicates()  # each word's count in each paper (4 times as fast as from coordinates)
    df = np.bincount(counts.indices, minlength=size)
    idf = np.log((1 + n) / (1 + df)) + 1
    idf[df > max(MAX_SHARE * n, MIN_COMMON)] = 0
    data = (1 + np.log(counts.data)) * idf[counts.indices]
    # Each paper's words ranked heaviest first (ties by word id, so the cut is the same on every build).
    row_of = np.repeat(np.arange(n), np.diff(counts.indptr))
    order = np.lexsort((counts.indices, -data, row_of))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - counts.indptr[row_of[order]]
    data[rank >= WORDS_KEPT] = 0
    vectors = sp.csr_matrix((data, counts.indices, counts.indptr), shape=(n, size))
    vectors.eliminate_zeros()
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sp.csr_matrix(sp.diags(1 / norms) @ vectors)


def related(feed: Feed, limit: int = LIMIT, words: Words | None = None) -> dict[str, tuple[str, ...]]:
    """Each paper's most similar papers by slug, most similar first; a paper that shares no word has none.
    `words` keeps the papers' words from one call to the next."""
    papers = feed.papers
    if not papers:
        return {}
    import scipy.sparse as sp

    vectors = _weights(papers, words)
    others = sp.csr_matrix(vectors.T)
    slugs = [paper.slug for paper in papers]
    found: dict[str, tuple[str, ...]] = {}
    # The similarities a block of papers at a time: the whole product (7 million scores at 10,000 papers)
    # took 200 MB, and the time to fill that much fresh memory was more than the sums'.
    for first in range(0, len(papers), BLOCK):
        similar = sp.csr_matrix(vectors[first : first + BLOCK] @ others)
        for n, chosen in enumerate(_nearest(similar, first, limit), start=first):
            found[slugs[n]] = tuple(slugs[j] for j in chosen)
    return found


def _nearest(similar: sp.csr_matrix, first: int, limit: int) -> list[list[int]]:
    """Each row's `limit` best columns (paper `first + row` itself left out), by score above 0, then by
    column: ties go to the paper that comes first in the feed."""
    import numpy as np

    # One number per score, smallest for the best: the score (rounded, so that sums taken in another order
    # on another machine rank the same) from the top, then the column. Each row's best is then its smallest
    # number, found for all rows in one pass, `limit` times.
    counts = np.diff(similar.indptr)
    rows = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    columns = similar.indices.astype(np.int64)
    score = np.rint(similar.data * _SCALE).astype(np.int64)
    score[columns == rows + first] = 0  # a paper is not its own
    numbers = ((_TOP - score) << _COLUMN_BITS) | columns
    numbers[score <= 0] = _NONE
    filled = np.flatnonzero(counts)
    starts, runs = similar.indptr[filled], counts[filled]
    best = []
    for _ in range(limit if len(numbers) else 0):
        smallest = np.minimum.reduceat(numbers, starts)
        best.append(smallest)
        numbers[numbers == np.repeat(smallest, runs)] = _NONE
    chosen: list[list[int]] = [[] for _ in counts]
    picked = np.stack(best, axis=1).tolist() if best else [[] for _ in filled]
    for row, numbers_of_row in zip(filled.tolist(), picked, strict=True):
        chosen[row] = [number & _COLUMN_MASK for number in numbers_of_row if number != _NONE]
    return chosen


BLOCK = 512  # papers whose similarities are taken at a time
# The parts of _nearest's numbers: a score (30 bits), a column (32: a feed of up to 4 billion papers).
_SCALE = 10**9  # scores rounded to 9 decimals
_SCORE_BITS, _COLUMN_BITS = 30, 32
_TOP = 1 << _SCORE_BITS
_COLUMN_MASK = (1 << _COLUMN_BITS) - 1
_NONE = (1 << 63) - 1  # no score: a number above any other

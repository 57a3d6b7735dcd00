"""Read and validate `content/` into the model; the only package that parses YAML or front matter.

Every problem of every file is collected, never raised one at a time, so a contributor sees all there is
to fix in one run. Each is one line: `path:line: field: what is wrong, and how to fix it`. This module is
the package's public face, and re-exports; each job is a module of its own:

    content      check and load a whole tree        tree         walking content/papers/
    decode       bytes to text                      chars        the characters no text may hold
    frontmatter  front matter, strict YAML files    yamlnodes    YAML as nodes that keep their lines
    fields       typed field values                 addresses    the web addresses a record may link to
    paper        the rules of one record            vocabulary   content/tags.yml
    across       slugs, arXiv ids, titles unique    slugs        the slug rules, and making a slug
    problems     the one problem collector          gitbase      the files a base commit lacks
    abstracts, abstract_links, commonmark           the abstract: CommonMark, math, sanitizing, links
"""

from __future__ import annotations

from generator.arxiv_ids import ARXIV_RE, arxiv_base
from generator.model import Feed, Link, Paper, Tag
from generator.records import abstract_links, abstracts, yamlnodes
from generator.records.across import title_key
from generator.records.addresses import url_problem
from generator.records.chars import FORBIDDEN_CHAR_RE, UNPRINTABLE_RE, forbidden_char
from generator.records.content import Report, check, load_feed
from generator.records.decode import BOM, FILE_MAX_BYTES
from generator.records.fields import FIELDS, HANDLE_RE, LINK_LABEL_RE, REQUIRED, UPVOTES_MAX, Fields
from generator.records.frontmatter import RECORD_HINT, read_yaml_file
from generator.records.paper import (
    ABSTRACT_MAX,
    FIRST_FEED_YEAR,
    FUTURE_GRACE,
    TITLE_MAX,
    Record,
    read_paper,
    today_utc,
)
from generator.records.problems import ContentError, FileProblems, Problem, Problems, display_path
from generator.records.slugs import (
    RESERVED_SLUGS,
    RESERVED_TAG_SLUGS,
    SLUG_MAX,
    SLUG_RE,
    TAG_SLUG_RE,
    hyphenate,
    slugify,
)
from generator.records.tree import YEAR_RE
from generator.records.vocabulary import read_tags

__all__ = [
    "ABSTRACT_MAX",
    "ARXIV_RE",
    "BOM",
    "FIELDS",
    "FILE_MAX_BYTES",
    "FIRST_FEED_YEAR",
    "FORBIDDEN_CHAR_RE",
    "FUTURE_GRACE",
    "HANDLE_RE",
    "LINK_LABEL_RE",
    "RECORD_HINT",
    "REQUIRED",
    "RESERVED_SLUGS",
    "RESERVED_TAG_SLUGS",
    "SLUG_MAX",
    "SLUG_RE",
    "TAG_SLUG_RE",
    "TITLE_MAX",
    "UNPRINTABLE_RE",
    "UPVOTES_MAX",
    "YEAR_RE",
    "ContentError",
    "Feed",
    "Fields",
    "FileProblems",
    "Link",
    "Paper",
    "Problem",
    "Problems",
    "Record",
    "Report",
    "Tag",
    "abstract_links",
    "abstracts",
    "arxiv_base",
    "check",
    "display_path",
    "forbidden_char",
    "hyphenate",
    "load_feed",
    "read_paper",
    "read_tags",
    "read_yaml_file",
    "slugify",
    "title_key",
    "today_utc",
    "url_problem",
    "yamlnodes",
]

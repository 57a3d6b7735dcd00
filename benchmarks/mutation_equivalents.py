"""The surviving mutants that no test can kill, by mutmut's name, each with the reason it is equivalent.

A name is mutmut's: the module, the function (x_NAME, or xǁCLASSǁNAME for a method) and the mutant's
number in it. A change to the function renumbers its mutants: rerun benchmarks/mutation.py and check the
report's diffs against the reasons here.
"""

from __future__ import annotations

P = "generator.contributing.pathcheck."  # the path check's names are long
EQUIVALENT: dict[str, str] = {
    # generator/records/abstracts.py
    "generator.records.abstracts.x__drop_hidden__mutmut_26": (
        "`end <= 0` for `end < 0`: the close is searched from the end of its opening, never at 0"
    ),
    "generator.records.abstracts.x__drop_hidden__mutmut_27": (
        "`end < 1` for `end < 0`: the close is searched from the end of its opening, never at 0"
    ),
    "generator.records.abstracts.x__drop_hidden__mutmut_32": (
        "a comment's end found as the '>' after `-->` instead of 3 past it: the same place"
    ),
    "generator.records.abstracts.x_abstract_problem__mutmut_3": (
        "another stand-in text for a formula: only its nesting is measured, and letters do not nest"
    ),
    "generator.records.abstracts.x_abstract_problem__mutmut_4": (
        "another stand-in text for a formula: only its nesting is measured, and letters do not nest"
    ),
    "generator.records.abstracts.x_sanitize__mutmut_28": (
        "strip_comments left out: nh3 strips comments by default (its signature says strip_comments=True)"
    ),
    # generator/contributing/pathcheck.py
    P + "x__escape__mutmut_15": (
        "`<= 0x100` for `< 0x100`: U+0100 is a letter (Lu), never a hidden character, so never escaped"
    ),
    P + "x__escape__mutmut_16": (
        "`< 257` for `< 0x100`: U+0100 is a letter (Lu), never a hidden character, so never escaped"
    ),
    P + "xǁFindingǁannotation__mutmut_11": "'UTF-8' for 'utf-8': one codec",
    P + "xǁFindingǁannotation__mutmut_15": "'UTF-8' for 'utf-8': one codec",
    P + "x_changes_since__mutmut_27": "check=None for check=False: both false",
    P + "x_changes_since__mutmut_31": "check left out: False is subprocess.run's default",
    P + "x_changes_since__mutmut_46": "'UTF-8' for 'utf-8': one codec",
    P + "x_changes_since__mutmut_51": (
        "the fallback `exit status N` never taken: reached only by a git diff that fails without a word on"
        " stderr (git killed by a signal); a real git names its reason on every failure, so only a fake git"
        " could kill this mutant, and the suite runs the real one"
    ),
    P + "x_is_content__mutmut_24": (
        "'.' parts never checked: PurePosixPath drops them ('content/./papers/x.md' has the parts"
        " content, papers, x.md), so no part is ever '.'"
    ),
    P + "x_parse_raw__mutmut_7": "zip(strict=None) for strict=False: both false",
    P + "x_parse_raw__mutmut_10": "strict left out: False is zip's default",
    P + "x_parse_raw__mutmut_21": (
        "split() for split(' '): the same on git's raw line, whose fields one space apart hold no other"
        " whitespace (with -z the path comes after a NUL, not a tab)"
    ),
    P + "x_parse_raw__mutmut_23": (
        "meta[2:] for meta[1:]: only the first digit of the old mode is lost, and the old mode is not used"
    ),
    P + "x_parse_raw__mutmut_25": "'ASCII' for 'ascii': one codec",
    P + "x_parse_raw__mutmut_39": "'UTF-8' for 'utf-8': one codec",
    P + "x_parse_raw__mutmut_42": (
        "status[:2] for status[:1]: with --no-renames (and no -B or -C) git gives one-letter statuses only;"
        " the score digits follow R, C and a broken M"
    ),
    # generator/mail/ledger.py
    "generator.mail.ledger.xǁLedgerǁload__mutmut_2": (
        "the file read in the locale's encoding instead of UTF-8: the same where the locale is UTF-8, as"
        " Python makes it of a C locale and as on every machine that runs the tests"
    ),
    "generator.mail.ledger.xǁLedgerǁload__mutmut_4": "'UTF-8' for 'utf-8': one codec",
    "generator.mail.ledger.xǁLedgerǁdump__mutmut_19": "sort_keys=None for False: both false",
    "generator.mail.ledger.xǁLedgerǁdump__mutmut_21": (
        "PyYAML's default width (80) for 200: it folds only at spaces, and no value of a ledger has one"
        " (salt, period ids, dates, slugs, hashes, states)"
    ),
    "generator.mail.ledger.xǁLedgerǁdump__mutmut_23": (
        "PyYAML's Python dumper for libyaml's safe one: the same text for strings, lists and mappings, slower"
    ),
    "generator.mail.ledger.xǁLedgerǁdump__mutmut_25": (
        "default_flow_style left out: False is PyYAML's default"
    ),
    "generator.mail.ledger.xǁLedgerǁdump__mutmut_26": (
        "width left out: PyYAML folds only at spaces, and no value of a ledger has one"
    ),
    "generator.mail.ledger.xǁLedgerǁdump__mutmut_29": (
        "width 201 for 200: no line of a ledger comes near either"
    ),
    "generator.mail.ledger.x_update__mutmut_3": (
        "the first try reads the tip again instead of using the one this run last saw: the same tip or a"
        " newer one, and the compare-and-swap push makes either right (one git fetch more)"
    ),
    # generator/mail/mailer.py
    "generator.mail.mailer.x__reset__mutmut_2": (
        "suppress(SMTPException, None): rset() raises SMTPException only, never a bare OSError (smtplib's"
        " send() and getreply() turn every socket error into SMTPServerDisconnected), and issubclass()"
        " stops at the first class of the tuple that matches, before it reaches None"
    ),
    "generator.mail.mailer.x__reset__mutmut_3": (
        "suppress(OSError) for suppress(SMTPException, OSError): smtplib.SMTPException is an OSError"
    ),
    "generator.mail.mailer.x__reset__mutmut_4": (
        "suppress(SMTPException) without OSError: rset() raises SMTPException only (smtplib's send() and"
        " getreply() turn every socket error into SMTPServerDisconnected)"
    ),
    "generator.mail.mailer.x__reason__mutmut_9": "'UTF-8' for 'utf-8': one codec",
    "generator.mail.mailer.x__reason__mutmut_31": (
        "the class name of None for the error's: the fallback for an error whose text is empty, which"
        " nothing the mailer calls raises (smtplib's errors carry a message or a reply; socket and ssl"
        " errors a strerror, a reason or a message), so it is never reached"
    ),
    "generator.mail.mailer.x__deliver__mutmut_53": (
        "connected=None for False: the run tests it for truth (`if not connected`); both false"
    ),
    "generator.mail.mailer.x__deliver__mutmut_73": (
        "connected=None for False: the run tests it for truth (`if not connected`); both false"
    ),
    "generator.mail.mailer.xǁSmtpSettingsǁfrom_env__mutmut_23": (
        "'STARTTLS' for 'starttls' as the default mode: the next step lower-cases it"
    ),
    # generator/data/feeds.py: feedgen's defaults, and the parts of a link that a format never writes
    **dict.fromkeys(
        (f"generator.data.feeds.x__json_feed__mutmut_{n}" for n in (60, 62)),
        "ensure_ascii=None, sort_keys=None for False: json.dumps tests them for truth; both false",
    ),
    "generator.data.feeds.x__json_feed__mutmut_66": "sort_keys left out: False is json.dumps's default",
    "generator.data.feeds.x__json_feed__mutmut_72": "'UTF-8' for 'utf-8': one codec",
    **dict.fromkeys(
        (f"generator.data.feeds.x__rss_and_atom__mutmut_{n}" for n in (3, 16)),
        "atom=None, rss=None for False: feedgen tests an extension's flags for truth; both false",
    ),
    "generator.data.feeds.x__rss_and_atom__mutmut_7": "rss left out: True is feedgen's default",
    "generator.data.feeds.x__rss_and_atom__mutmut_20": "atom left out: True is feedgen's default",
    **dict.fromkeys(
        (f"generator.data.feeds.x__rss_and_atom__mutmut_{n}" for n in (21, 25)),
        "the related links' extension then runs for RSS too (True is feedgen's default), where the"
        " extend_rss of both its halves (_NoExtension's) returns the element as it is, and extend_ns adds"
        " no namespace",
    ),
    **dict.fromkeys(
        (
            *(f"generator.data.feeds.x__rss_and_atom__mutmut_{n}" for n in (36, 38, 39)),
            *(f"generator.data.feeds.x_trending_feed__mutmut_{n}" for n in (24, 26, 27)),
        ),
        "quote=None (false), or True as html.escape's default, for False: True escapes quotation marks"
        " too, as &quot; and &#x27;, in the RSS description's HTML, which a reader decodes to the same"
        " characters (element text, not an attribute)",
    ),
    **dict.fromkeys(
        (f"generator.data.feeds.x__rss_and_atom__mutmut_{n}" for n in (65, 66, 68, 69, 72, 73)),
        "the page link added before rss_str, which only RSS reads: RSS writes the href of the last link"
        " added as its <link>, and only rel=self links as atom:link, so this link's rel and type are"
        " never written; Atom's links are set again (replace=True) before atom_str",
    ),
    **dict.fromkeys(
        (
            *(f"generator.data.feeds.x__rss_and_atom__mutmut_{n}" for n in (75, 76, 77)),
            *(f"generator.data.feeds.x_trending_feed__mutmut_{n}" for n in (61, 62, 63)),
        ),
        "feedgen's add_entry prepends only for order='prepend': any other value appends",
    ),
    **dict.fromkeys(
        (
            "generator.data.feeds.x__rss_and_atom__mutmut_81",
            "generator.data.feeds.x_trending_feed__mutmut_67",
        ),
        "permalink left out: False is feedgen's default",
    ),
    **dict.fromkeys(
        (f"generator.data.feeds.x__rss_and_atom__mutmut_{n}" for n in (87, 89, 90, 94, 95)),
        "the entry's link: feedgen 1.0 writes an Atom entry's links with their href only (see"
        " _RelatedLinks), and an RSS item's <link> as the href of its alternate link (rel defaults to"
        " alternate): the type, and a rel left out, are never written",
    ),
    **dict.fromkeys(
        (f"generator.data.feeds.x_trending_feed__mutmut_{n}" for n in (5, 8, 12)),
        "the dc extension's atom flag: the trending feed is written as RSS only, so it is never read",
    ),
    "generator.data.feeds.x_trending_feed__mutmut_9": "rss left out: True is feedgen's default",
    **dict.fromkeys(
        (f"generator.data.feeds.x_trending_feed__mutmut_{n}" for n in (51, 52, 54, 55, 58, 59)),
        "the page link of the trending feed, which is RSS only: RSS writes the href of the last link added"
        " as its <link>, and only rel=self links as atom:link, so this link's rel and type are never"
        " written",
    ),
    **dict.fromkeys(
        (f"generator.data.feeds.x_trending_feed__mutmut_{n}" for n in (73, 75, 76, 80, 81)),
        "the entry's link in the trending feed, which is RSS only: an RSS item's <link> is the href of its"
        " alternate link (rel defaults to alternate); the type is never written",
    ),
    **dict.fromkeys(
        (f"generator.data.feeds.x_trending_feed__mutmut_{n}" for n in (89, 91, 94)),
        "quote=None (false), or True, for False in the signal: its words ('+5,000 stars this week',"
        " '12 upvotes') hold digits, letters, commas, '+' and ' · ', never a quotation mark",
    ),
    **dict.fromkeys(
        (f"generator.data.feeds.x_trending_feed__mutmut_{n}" for n in (97, 99, 102, 103)),
        "the content's type in the trending feed, which is RSS only: feedgen's RSS item reads it only to"
        " wrap the content in CDATA when it is 'CDATA'",
    ),
    "generator.data.feeds.xǁ_RelatedLinksǁ__init____mutmut_1": (
        "links None for []: every entry's links are set (entry.paperfeed_links.links = ...) before the"
        " feed is written, so the first value is never read"
    ),
    # generator/periods.py
    "generator.periods.x_due__mutmut_10": (
        "one more day looked back: that day's period ends before the two days of grace (a day), or is the"
        " week of the day after it (a week), so the filter keeps the same periods"
    ),
}

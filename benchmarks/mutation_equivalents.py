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
    # generator/records/fields.py
    "generator.records.fields.x__suggest_tag__mutmut_13": (
        "a known slug not taken as it is but left to difflib: a string is its own closest match (ratio 1)"
    ),
    "generator.records.fields.x_suggest__mutmut_8": (
        "get_close_matches' n left out: only the first match is used"
    ),
    "generator.records.fields.x_suggest__mutmut_9": "cutoff left out: 0.6 is get_close_matches' default",
    "generator.records.fields.x_suggest__mutmut_11": (
        "n=2 for n=1: only the first match, the closest, is used"
    ),
    "generator.records.fields.xǁFieldsǁlinks__mutmut_31": "plain=None for plain=False: both false",
    "generator.records.fields.xǁFieldsǁtags__mutmut_23": (
        "zip(strict=None) for strict=True: the values are made one for each item, so the lengths are equal"
    ),
    "generator.records.fields.xǁFieldsǁtags__mutmut_26": (
        "zip without strict: the values are made one for each item, so the lengths are equal"
    ),
    "generator.records.fields.xǁFieldsǁtags__mutmut_27": (
        "zip(strict=False) for strict=True: the values are made one for each item, so the lengths are equal"
    ),
    "generator.records.fields.xǁFieldsǁarxiv__mutmut_36": (
        "the prefixes to drop written in capitals: the pattern ignores case"
    ),
    "generator.records.fields.xǁFieldsǁtags__mutmut_34": "ok = None for ok = False: both false",
    "generator.records.fields.xǁFieldsǁtext__mutmut_1": (
        "the default limit 501 for 500: every caller gives its own limit"
    ),
    # generator/records/frontmatter.py
    "generator.records.frontmatter.x_key_of_line__mutmut_14": (
        "return for break at a fence: after the break the keys are none or nested (indent > 0), so None too"
    ),
    "generator.records.frontmatter.x_read_source__mutmut_31": (
        "the closing fence searched from one character before the opening's end instead of one after: '^'"
        " matches only at the start of a line, and neither place is one"
    ),
    "generator.records.frontmatter.x_read_yaml__mutmut_12": (
        "tabs looked for in every line instead of the first len(text): a text is never shorter than its"
        " number of lines, unless all are empty, and an empty file is refused before"
    ),
    # generator/records/addresses.py
    "generator.records.addresses.x_abstract_link_problems__mutmut_22": (
        "re.IGNORECASE left out of the http(s) test of the e-mail rule: an address that starts with"
        " http(s):// holds ':', which the rule's last test already leaves out"
    ),
    "generator.records.addresses.x_abstract_link_problems__mutmut_23": (
        "another pattern for the http(s) test of the e-mail rule: an address that starts with http(s)://"
        " holds ':', which the rule's last test already leaves out"
    ),
    "generator.records.addresses.x_abstract_link_problems__mutmut_24": (
        "HTTPS for https in the http(s) test of the e-mail rule: an address that starts with http(s)://"
        " holds ':', which the rule's last test already leaves out"
    ),
    "generator.records.addresses.x_abstract_link_problems__mutmut_36": (
        "HTTPS for https in the scheme test: the pattern ignores case"
    ),
    "generator.records.addresses.x_url_problem__mutmut_9": (
        "HTTPS for https in the scheme test: the pattern ignores case"
    ),
    "generator.records.addresses.x_url_problem__mutmut_42": (
        "another text for the separator of an IPv6 authority: it is thrown away (`_`)"
    ),
    # generator/records/yamlnodes.py
    "generator.records.yamlnodes.x__hint__mutmut_10": (
        "another stand-in for no character at the mark: like '', it is none of the characters a hint is for"
    ),
    "generator.records.yamlnodes.x__hint__mutmut_13": (
        "another stand-in for no problem text: like '', it holds none of the words a hint is for"
    ),
    "generator.records.yamlnodes.x__hint__mutmut_17": (
        "the word 'tab' not looked for in the problem: every libyaml message about a tab has its mark on the"
        " tab, which the first test finds"
    ),
    "generator.records.yamlnodes.x__hint__mutmut_18": (
        "'TAB' for 'tab': every libyaml message about a tab has its mark on the tab, which the first test"
        " finds"
    ),
    "generator.records.yamlnodes.x_read__mutmut_2": (
        "'' for None as the loader before it is made: making it from a str raises nothing that check can"
        " meet (a surrogate, the one thing that makes it fail, is refused when the file is decoded)"
    ),
    "generator.records.yamlnodes.x_read__mutmut_12": "count from None for count from 0: the same start",
    "generator.records.yamlnodes.x_read__mutmut_29": (
        "the mark always read: every error of libyaml's parser (and PyYAML's) carries its problem mark"
    ),
    "generator.records.yamlnodes.x_read__mutmut_30": (
        "1 for 0 when there is no mark: every error of libyaml's parser carries its problem mark"
    ),
    "generator.records.yamlnodes.x_read__mutmut_32": (
        "rstrip() for rstrip('.'): no message of libyaml's parser ends with a '.' or a space"
    ),
    "generator.records.yamlnodes.x_read__mutmut_33": (
        "lstrip('.') for rstrip('.'): no message of libyaml's parser starts or ends with a '.'"
    ),
    "generator.records.yamlnodes.x_read__mutmut_34": (
        "`context and 'cannot be read'`: reached only without a problem text, and libyaml gives one with"
        " every error"
    ),
    "generator.records.yamlnodes.x_read__mutmut_36": (
        "another fallback text: reached only without a problem text, and libyaml gives one with every error"
    ),
    "generator.records.yamlnodes.x_read__mutmut_37": (
        "another fallback text: reached only without a problem text, and libyaml gives one with every error"
    ),
    "generator.records.yamlnodes.x_read__mutmut_38": (
        "rstrip('XX.XX') for rstrip('.'): no message of libyaml's parser ends with a '.' or an 'X'"
    ),
    "generator.records.yamlnodes.x_read__mutmut_47": (
        "the last except, for a YAMLError without a mark: libyaml's parser raises only marked errors and"
        " ReaderError (both handled above); kept as a safety net"
    ),
    "generator.records.yamlnodes.x_read__mutmut_48": (
        "the last except, for a YAMLError without a mark: libyaml's parser raises only marked errors and"
        " ReaderError (both handled above); kept as a safety net"
    ),
    "generator.records.yamlnodes.x_read__mutmut_49": (
        "the last except, for a YAMLError without a mark: libyaml's parser raises only marked errors and"
        " ReaderError (both handled above); kept as a safety net"
    ),
    "generator.records.yamlnodes.x_read__mutmut_50": (
        "the last except, for a YAMLError without a mark: libyaml's parser raises only marked errors and"
        " ReaderError (both handled above); kept as a safety net"
    ),
    "generator.records.yamlnodes.x_read__mutmut_51": (
        "the loader never disposed: dispose() frees libyaml's parser early, and nothing reads it after"
    ),
    "generator.records.yamlnodes.xǁ_Builderǁmapping__mutmut_33": (
        "a plain value built by node() instead of in place: node() builds the same Scalar for a scalar"
        " without anchor or tag"
    ),
    # generator/records/paper.py
    "generator.records.paper.x_read_paper__mutmut_10": (
        "declared left out: its default, (), is what it is given by default here too"
    ),
    "generator.records.paper.x_read_record__mutmut_18": (
        "the line of the stand-in for an empty front matter: a mapping's own line is never reported (only a"
        " front matter that is not a mapping is)"
    ),
    "generator.records.paper.x_read_record__mutmut_21": (
        "the line of the stand-in for an empty front matter: a mapping's own line is never reported (only a"
        " front matter that is not a mapping is)"
    ),
    "generator.records.paper.x_read_record__mutmut_211": (
        "the check that a record without problems has a title, a date and tags: not reachable, since a"
        " missing or bad one is a problem; it narrows the types for mypy"
    ),
    "generator.records.paper.x_read_record__mutmut_212": (
        "the check that a record without problems has a title, a date and tags: not reachable, since a"
        " missing or bad one is a problem; it narrows the types for mypy"
    ),
    "generator.records.paper.x_read_record__mutmut_213": (
        "the check that a record without problems has a title, a date and tags: not reachable, since a"
        " missing or bad one is a problem; it narrows the types for mypy"
    ),
    "generator.records.paper.x_read_record__mutmut_242": (
        "a field left out reads as None already (get() gives None for it), and a bad one is a problem, so no"
        " Paper is made"
    ),
    "generator.records.paper.x_read_record__mutmut_244": (
        "a field left out reads as None already (get() gives None for it), and a bad one is a problem, so no"
        " Paper is made"
    ),
    "generator.records.paper.x_read_record__mutmut_248": (
        "a field left out reads as None already (get() gives None for it), and a bad one is a problem, so no"
        " Paper is made"
    ),
    "generator.records.paper.xǁRecordǁline__mutmut_2": (
        "the line of a field the record does not name: every caller asks for one it names (the title, or the"
        " arXiv id it has)"
    ),
    "generator.records.paper.xǁRecordǁline__mutmut_4": (
        "the line of a field the record does not name: every caller asks for one it names (the title, or the"
        " arXiv id it has)"
    ),
    "generator.records.paper.xǁRecordǁline__mutmut_5": (
        "the line of a field the record does not name: every caller asks for one it names (the title, or the"
        " arXiv id it has)"
    ),
    # generator/records/decode.py
    "generator.records.decode.x_decode__mutmut_5": (
        "the whole file read instead of one byte past the limit: the same problem (its size from fstat),"
        " only the memory a huge file takes differs; no test makes a file of gigabytes"
    ),
    "generator.records.decode.x_decode__mutmut_7": (
        "two bytes past the limit read instead of one: either way a file over the limit reads more than the"
        " limit, and its size comes from fstat"
    ),
    "generator.records.decode.x_decode__mutmut_10": (
        "the size always from fstat: for a regular file it is the number of bytes read when they are not"
        " more than the limit"
    ),
    "generator.records.decode.x_decode__mutmut_12": (
        "fstat's size for a file of exactly the limit too: for a regular file it is the number of bytes read"
    ),
    "generator.records.decode.x_decode__mutmut_57": "'UTF-8' for 'utf-8': one codec",
    "generator.records.decode.x_decode__mutmut_84": "count from None for count from 0: the same start",
    # generator/records/chars.py
    "generator.records.chars.x_char_name__mutmut_13": (
        "U+206A taken as a bidirectional control too: it is not a forbidden character, so no problem names it"
    ),
    "generator.records.chars.x_char_name__mutmut_20": (
        "U+E000 taken as a surrogate too: it is not a forbidden character (private use), so no problem names"
        " it"
    ),
    "generator.records.chars.x_escape_unprintable__mutmut_11": (
        "'UNICODE_ESCAPE' for 'unicode_escape': one codec"
    ),
    "generator.records.chars.x_escape_unprintable__mutmut_13": "'ASCII' for 'ascii': one codec",
    # generator/records/slugs.py
    "generator.records.slugs.x_hyphenate__mutmut_15": "'ASCII' for 'ascii': one codec",
    "generator.records.slugs.x_hyphenate__mutmut_35": (
        "strip('XX-XX') for strip('-'): strip takes a set of characters, and a slug of a-z, 0-9 and '-'"
        " holds no 'X'"
    ),
    "generator.records.slugs.x_hyphenate__mutmut_48": (
        "`cut >= 0` for `cut > 0`: the first character is never a hyphen, so no hyphen is found at 0"
    ),
    # generator/records/gitbase.py
    "generator.records.gitbase.x__git__mutmut_5": "check=None for check=False: both false",
    "generator.records.gitbase.x__git__mutmut_9": "check left out: False is subprocess.run's default",
    "generator.records.gitbase.x__git__mutmut_21": "'UTF-8' for 'utf-8': one codec",
    "generator.records.gitbase.x__git__mutmut_27": (
        "three arguments named instead of two: only the error of rev-parse --show-toplevel is shown"
        " (ls-tree's is replaced by --base's own), and it has two"
    ),
    "generator.records.gitbase.x__git__mutmut_29": (
        "the fallback 'failed' for a git that fails without a word on stderr: a real git names its reason on"
        " every failure, so only a fake git could kill this mutant, and the suite runs the real one"
    ),
    "generator.records.gitbase.x__git__mutmut_31": (
        "the fallback 'failed' for a git that fails without a word on stderr: a real git names its reason on"
        " every failure, so only a fake git could kill this mutant, and the suite runs the real one"
    ),
    "generator.records.gitbase.x__git__mutmut_32": (
        "the fallback 'failed' for a git that fails without a word on stderr: a real git names its reason on"
        " every failure, so only a fake git could kill this mutant, and the suite runs the real one"
    ),
    # generator/records/abstract_links.py
    "generator.records.abstract_links.x_destinations__mutmut_30": (
        "the part after '@' of an address the pattern matched: it holds no second '@' ([^\\s<>@]+), so every"
        " split gives the same"
    ),
    "generator.records.abstract_links.x_destinations__mutmut_31": (
        "the part after '@' of an address the pattern matched: it holds no second '@' ([^\\s<>@]+), so every"
        " split gives the same"
    ),
    "generator.records.abstract_links.x_destinations__mutmut_33": (
        "the part after '@' of an address the pattern matched: it holds no second '@' ([^\\s<>@]+), so every"
        " split gives the same"
    ),
    "generator.records.abstract_links.x_destinations__mutmut_42": (
        "the newlines listed when no link was found: nothing then asks for a line"
    ),
    # generator/records/vocabulary.py
    "generator.records.vocabulary.x_read_vocabulary__mutmut_149": (
        "the description's limit left out: Fields.text's default, 500, is the limit it names"
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
    "generator.data.feeds.x_carried__mutmut_3": (
        "None for the date of an empty feed: carried returns the channels' papers, never that date"
    ),
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

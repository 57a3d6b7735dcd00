"""Each rule records owns is defined once, and every module that applies it applies that one definition.

Where two copies of a rule used to differ, a test here feeds the input that only one of them accepted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from records_support import run_check
from test_records_tree import good, make_tree

from generator import arxiv_ids, records
from generator.config import SiteConfig
from generator.contributing import arxiv, authoring, pathcheck
from generator.mail import digest, ledger
from generator.records import chars, slugs

ROOT = Path(__file__).resolve().parent.parent
SALT = "0123456789abcdef" * 2


def ledger_text(papers: str) -> str:
    return (
        f"salt: {SALT}\ndigests:\n- {{period: 2025-03-04, first_sent: 2025-03-05, papers: {papers},"
        " recipients: {}}\n"
    )


# --- the slug pattern -------------------------------------------------------------------------------------


def test_the_ledger_and_records_share_one_slug_pattern() -> None:
    assert ledger.SLUG_RE is records.SLUG_RE is authoring.SLUG_RE is slugs.SLUG_RE


def test_a_slug_with_a_final_newline_is_refused_by_the_ledger_as_by_check(tmp_path: Path) -> None:
    # The ledger's own copy matched with `$`, which also matches before a final newline.
    assert ledger.Ledger.parse(ledger_text('["my-paper"]'), "digests.yml").digests["2025-03-04"].papers == (
        "my-paper",
    )
    with pytest.raises(ledger.LedgerError) as err:
        ledger.Ledger.parse(ledger_text('["my-paper\\n"]'), "digests.yml")
    assert str(err.value) == "digests.yml: digest 1: papers must be a list of paper slugs"
    make_tree(tmp_path, {"2025/my-paper\n.md": good(1)})
    assert run_check(tmp_path) == (
        1,
        "content/papers/2025/my-paper\\n.md:1: slug: 'my-paper\\n' (the file name) must be lowercase letters,"
        " digits and hyphens; rename it my-paper.md\n1 problem in 1 file\n",
    )


# --- forbidden and unprintable characters -----------------------------------------------------------------


def test_the_digest_headers_and_problem_lines_share_one_unprintable_rule() -> None:
    assert digest.UNPRINTABLE_RE is records.UNPRINTABLE_RE is chars.UNPRINTABLE_RE
    assert records.FORBIDDEN_CHAR_RE is chars.FORBIDDEN_CHAR_RE


def test_a_header_loses_bidirectional_controls_and_noncharacters_not_only_c0_and_c1() -> None:
    # The digest's own copy knew the C0 and C1 controls only: a right-to-left override reached the subject.
    assert digest.header_text("A \u202egnp.exe\ufffe, \x85then\tmore\x00") == "A gnp.exe , then more"
    assert (
        digest.header_text("Caf\u00e9 \u00ab\u03b2-VAE\u00bb \U0001f600")
        == "Caf\u00e9 \u00ab\u03b2-VAE\u00bb \U0001f600"
    )


def test_a_sender_with_a_bidirectional_control_is_refused() -> None:
    site = SiteConfig.from_options(
        {"site_name": "Papers", "site_url": "https://example.org/"},
        {"digest_from": "Papers \u202e <digest@example.org>", "unsubscribe_url": "https://example.org/u"},
        Path("."),
    )
    with pytest.raises(digest.DigestError) as err:
        digest.Sender.from_site(site)
    assert str(err.value) == (
        "mkdocs.yml: digest_from 'Papers \u202e <digest@example.org>' must be an address, as"
        " digest@example.org or Name <digest@example.org>"
    )


def test_unprintable_is_forbidden_plus_tab_newline_and_the_other_c0_controls() -> None:
    bmp = [chr(c) for c in range(0x10000)]
    forbidden = {c for c in bmp if chars.FORBIDDEN_CHAR_RE.match(c)}
    unprintable = {c for c in bmp if chars.UNPRINTABLE_RE.match(c)}
    assert unprintable - forbidden == {"\t", "\n"}
    assert forbidden <= unprintable
    assert chars.UNPRINTABLE_RE.match("\U0010ffff") and not chars.UNPRINTABLE_RE.match("\U0010fffd")


def test_the_path_check_quotes_every_character_records_forbid_but_noncharacters() -> None:
    # pathcheck.py runs alone, from the base commit, so it cannot import records: its rule is its own, by
    # Unicode category, and this keeps it at least as strict for everything that can make a path lie.
    nonchars = {chr(c) for c in range(0xFDD0, 0xFDF0)} | {"\ufffe", "\uffff"}
    for code in range(0x10000):
        char = chr(code)
        if chars.FORBIDDEN_CHAR_RE.match(char) and char not in nonchars:
            assert pathcheck.shown(f"a{char}b") != f"a{char}b", f"U+{code:04X}"


# --- making a slug from text ------------------------------------------------------------------------------


def test_paperfeed_new_and_check_make_slugs_with_one_function() -> None:
    assert authoring.slugify is records.slugify is slugs.slugify
    assert authoring.SLUG_MAX == slugs.SLUG_MAX == 60


def test_the_file_name_fix_transliterates_as_paperfeed_new_does(tmp_path: Path) -> None:
    # check's own copy dropped each letter outside ASCII: it suggested ber-paper.md for Über-Paper.md.
    make_tree(tmp_path, {"2025/Über-Paper.md": good(1), "2025/What's_New.md": good(2)})
    assert run_check(tmp_path) == (
        1,
        "content/papers/2025/What's_New.md:1: slug: 'What's_New' (the file name) must be lowercase letters,"
        " digits and hyphens; rename it whats-new.md\n"
        "content/papers/2025/Über-Paper.md:1: slug: 'Über-Paper' (the file name) must be lowercase letters,"
        " digits and hyphens; rename it uber-paper.md\n"
        "2 problems in 2 files\n",
    )
    assert records.slugify("Über-Paper") == "uber-paper"  # what paperfeed new makes of the same words


def test_the_tag_slug_fix_transliterates_and_cuts_at_a_word(tmp_path: Path) -> None:
    make_tree(tmp_path, {})
    tags = tmp_path / "content" / "tags.yml"
    long_name = "Théorie " + "des-graphes " * 5  # 8 + 60 characters: cut before the word that passes 50
    tags.write_text(
        tags.read_text(encoding="utf-8")
        + f'Théorie:\n  name: "Theory"\n{long_name.strip()}:\n  name: "Graphs"\n',
        encoding="utf-8",
    )
    code, output = run_check(tmp_path)
    lines = output.splitlines()
    assert code == 1
    assert lines[-1] == "2 problems in 1 file"
    assert lines[0].endswith(
        ": Théorie: a tag slug is lowercase letters, digits and hyphens; write it like theorie"
    )
    assert lines[1].endswith(
        "a tag slug is lowercase letters, digits and hyphens; write it like"
        " theorie-des-graphes-des-graphes-des-graphes-des"
    )


def test_hyphenate_is_the_slug_of_any_text_and_slugify_pads_a_paper_slug() -> None:
    assert records.hyphenate("hep-th/9901001v2") == "hep-th-9901001v2"  # the import's slug suffix
    assert records.hyphenate("Ærø: Łódź, Þing & ΑΒΓ") == "aero-lodz-thing-alphabetagamma"
    assert records.hyphenate("one two three", 9) == "one-two"
    assert records.hyphenate("abcdefghij", 4) == "abcd"
    assert records.hyphenate("¿?") == ""
    assert (records.slugify("¿?"), records.slugify("X"), records.slugify("XY")) == ("paper", "x-paper", "xy")


# --- arXiv ids --------------------------------------------------------------------------------------------


def test_the_arxiv_client_loads_the_id_helper_not_the_validator() -> None:
    code = "import sys, generator.contributing.arxiv; print(sorted(m for m in sys.modules if 'records' in m))"
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); {code}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "[]\n"
    assert arxiv.ARXIV_RE is records.ARXIV_RE is arxiv_ids.ARXIV_RE
    assert records.arxiv_base is arxiv_ids.arxiv_base


def test_an_arxiv_id_with_a_final_newline_is_not_an_id() -> None:
    # `$` matched before a final newline, and the client matches from the start only (`.match`).
    assert arxiv_ids.ARXIV_RE.match("2401.01234v2")
    assert not arxiv_ids.ARXIV_RE.match("2401.01234\n")
    with pytest.raises(arxiv.ArxivError) as err:
        arxiv.normalize_id("https://arxiv.org/abs/2401.01234\n?v=1")
    assert str(err.value) == (
        "'https://arxiv.org/abs/2401.01234\n?v=1' is not an arXiv id; give one like 2401.01234 or"
        " https://arxiv.org/abs/2401.01234"
    )
    assert arxiv.normalize_id("https://arxiv.org/abs/2401.01234?v=1") == "2401.01234"

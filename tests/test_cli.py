"""Every way a `paperfeed` command fails ends in one line on stderr and an exit code, never a traceback.

The commands run as a user runs them: the installed `paperfeed`, in a separate process, in a site folder
made for the test (mkdocs.yml, theme/ and a small content tree).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from generator import relay

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "small" / "content"
PAPERFEED = str(Path(sys.executable).with_name("paperfeed"))
MISSING_CONFIG = (
    "Error: mkdocs.yml is missing; run this in the site's folder, or give the site's configuration with"
    " --config-file\n"
)
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass(frozen=True)
class Done:
    code: int
    out: str
    err: str


def env(**changes: str | None) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PAPERFEED_DEBUG")}
    base.update({"NO_MKDOCS_2_WARNING": "1", "NO_PROXY": "127.0.0.1"})
    for key, value in changes.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def paperfeed(
    cwd: Path, *args: str | bytes, stdin: bytes = b"", timeout: float = 120, **environ: str
) -> Done:
    """Run the installed command; whatever it prints, a traceback is never part of it."""
    done = subprocess.run(
        [PAPERFEED, *args], cwd=cwd, input=stdin, capture_output=True, env=env(**environ), timeout=timeout
    )
    result = Done(done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace"))
    assert "Traceback" not in result.out + result.err, result.err
    return result


def one_line(done: Done, code: int, message: str) -> None:
    """The command failed with exactly this line on stderr (and nothing on stdout)."""
    assert (done.code, done.out, done.err) == (code, "", f"Error: {message}\n")


def tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site folder: the project's mkdocs.yml and theme/, a small content tree and the hand-written pages."""
    root = tmp_path / "site"
    shutil.copytree(SMALL, root / "content")
    shutil.copytree(ROOT / "content" / "pages", root / "content" / "pages")
    shutil.copytree(ROOT / "theme", root / "theme")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def set_config(site: Path, **settings: object) -> None:
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(settings)
    (site / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --- mkdocs.yml ------------------------------------------------------------------------------------------

SITE_COMMANDS = [["build"], ["serve", "--dev-addr", "127.0.0.1:1"], ["digest"]]


@pytest.mark.parametrize("command", SITE_COMMANDS, ids=lambda c: c[0])
def test_no_mkdocs_yml(tmp_path: Path, command: list[str]) -> None:
    one_line(paperfeed(tmp_path, *command), 1, MISSING_CONFIG.removeprefix("Error: ").removesuffix("\n"))


@pytest.mark.parametrize("command", SITE_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"site_name: [unclosed\n",
         "mkdocs.yml: is not valid YAML (while parsing a flow sequence in \"<unicode string>\", line 1,"
         " column 12: site_name: [unclosed ^ expected ',' or ']', but got '<stream end>' in"
         " \"<unicode string>\", line 2, column 1: ^)"),
        (b"site_name: a\n  bad: indent\n",
         "mkdocs.yml: is not valid YAML (mapping values are not allowed here in \"<unicode string>\", line 2,"
         " column 6: bad: indent ^)"),
        (b"- a list\n", "mkdocs.yml: must be a mapping of settings, such as site_name: My feed"),
        (b"site_name: caf\xe9\n", "mkdocs.yml: is not UTF-8; save it with UTF-8 encoding"),
        (b"plugins:\n  - paperfeed: 3\n",
         "mkdocs.yml: the paperfeed plugin's options must be a mapping (key: value)"),
        (b"site_url: /relative/\n", "mkdocs.yml: site_url '/relative/' must be an absolute http(s) URL"),
    ],
    ids=["unclosed", "indent", "list", "latin-1", "plugin-options", "site-url"],
)  # fmt: skip
def test_mkdocs_yml_that_cannot_be_used(site: Path, command: list[str], text: bytes, message: str) -> None:
    (site / "mkdocs.yml").write_bytes(text)
    one_line(paperfeed(site, *command), 1, message)


@pytest.mark.parametrize("command", SITE_COMMANDS, ids=lambda c: c[0])
def test_mkdocs_yml_that_is_a_folder(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "mkdocs.yml").mkdir()
    done = paperfeed(tmp_path, *command)
    one_line(done, 2, "Invalid value for '-f' / '--config-file': File 'mkdocs.yml' is a directory.")


def test_plugins_as_a_mapping_are_read_as_mkdocs_reads_them(site: Path) -> None:
    """MkDocs allows `plugins:` as a mapping; the digest reads the paperfeed options from it too."""
    set_config(site, plugins={"search": {}, "paperfeed": {"content_dir": "content"}})
    done = paperfeed(site, "digest", "--out", "x.eml")
    one_line(
        done,
        1,
        "mkdocs.yml: the e-mail digest needs the paperfeed options digest_from and unsubscribe_url"
        " (missing: digest_from, unsubscribe_url)",
    )


# --- the content folder ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["check"], ["new", "--title", "A paper", "--tag", "vision", "--abstract", "x"]],
    ids=["check", "new"],
)
def test_content_folder_that_is_a_file(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "content").write_text("not a folder\n", encoding="utf-8")
    done = paperfeed(tmp_path, *command, "--content", "content")
    one_line(done, 2, "Invalid value for '--content': Directory 'content' is a file.")


def test_site_whose_content_folder_is_a_file(site: Path) -> None:
    shutil.rmtree(site / "content" / "papers")
    (site / "content" / "papers").write_text("not a folder\n", encoding="utf-8")
    built = paperfeed(site, "build")
    assert (built.code, built.out, built.err.splitlines()[-1]) == (1, "", "Aborted with a BuildError!")
    assert "content/papers:1: folder: " in built.err
    digest = paperfeed(site, "digest")
    assert (digest.code, digest.err) == (1, "Error: no digest: the content has problems (see above)\n")
    assert digest.out.startswith("content/papers:1: folder: ")


@pytest.mark.skipif(AS_ROOT, reason="root reads a file whatever its mode; the folder case below runs instead")
def test_unreadable_record(site: Path) -> None:
    record = next((site / "content" / "papers").rglob("*.md"))
    shown = record.relative_to(site).as_posix()
    record.chmod(0)
    try:
        check = paperfeed(site, "check")
        assert (check.code, check.out) == (1, f"{shown}:1: file: cannot be read (Permission denied)\n")
        assert check.err == "1 problem in 1 file\n"
        digest = paperfeed(site, "digest")
        assert (digest.code, digest.err) == (1, "Error: no digest: the content has problems (see above)\n")
        built = paperfeed(site, "build")
        assert (built.code, built.out, built.err.splitlines()[-1]) == (1, "", "Aborted with a BuildError!")
        assert f"{shown}:1: file: cannot be read (Permission denied)" in built.err
    finally:
        record.chmod(0o644)


def test_tag_vocabulary_that_is_a_folder(site: Path) -> None:
    """The case of an unreadable file that runs as root too: a folder where tags.yml should be."""
    (site / "content" / "tags.yml").unlink()
    (site / "content" / "tags.yml").mkdir()
    before = tree(site)
    new = paperfeed(site, "new", "--title", "A paper", "--tag", "vision", "--abstract", "x")
    one_line(
        new,
        1,
        "not written: content/tags.yml is a folder; it must be the file of the tag vocabulary"
        " (slug: {name, description})",
    )
    assert tree(site) == before
    check = paperfeed(site, "check")
    assert (check.code, check.err) == (1, "1 problem in 1 file\n")
    assert check.out.startswith("content/tags.yml:1: file: ")
    digest = paperfeed(site, "digest")
    assert (digest.code, digest.err) == (1, "Error: no digest: the content has problems (see above)\n")
    built = paperfeed(site, "build")
    assert (built.code, built.out, built.err.splitlines()[-1]) == (1, "", "Aborted with a BuildError!")
    assert "content/tags.yml:1: file: " in built.err


# --- paperfeed new: where the record goes, and what it holds ----------------------------------------------

NEW = ("new", "--title", "A new paper", "--tag", "vision", "--date", "2024-01-01")


def test_new_when_papers_is_a_file(site: Path) -> None:
    shutil.rmtree(site / "content" / "papers")
    (site / "content" / "papers").write_text("not a folder\n", encoding="utf-8")
    before = tree(site)
    done = paperfeed(site, *NEW, "--abstract", "x")
    one_line(
        done,
        1,
        "not written: cannot make the folder content/papers/2024: content/papers is a file, not a folder",
    )
    assert tree(site) == before


def test_new_when_the_year_is_a_file(site: Path) -> None:
    (site / "content" / "papers" / "2024").write_text("not a folder\n", encoding="utf-8")
    before = tree(site)
    done = paperfeed(site, *NEW, "--abstract", "x")
    one_line(
        done,
        1,
        "not written: cannot make the folder content/papers/2024: content/papers/2024 is a file,"
        " not a folder",
    )
    assert tree(site) == before


def test_new_abstract_on_stdin_that_is_not_utf8(site: Path) -> None:
    before = tree(site)
    done = paperfeed(site, *NEW, "--abstract", "-", stdin=b"Caf\xe9 au lait.\n")
    one_line(
        done,
        1,
        "not written: the abstract on standard input is not UTF-8 (byte 0xe9 at offset 3); save it with"
        " UTF-8 encoding",
    )
    assert tree(site) == before  # not even an empty file


def test_new_abstract_on_stdin_with_bom_and_crlf(site: Path) -> None:
    done = paperfeed(site, *NEW, "--abstract", "-", stdin=b"\xef\xbb\xbfLine one.\r\n\r\nLine two.\r\n")
    assert (done.code, done.out) == (0, "wrote content/papers/2024/a-new-paper.md\n")
    text = (site / "content/papers/2024/a-new-paper.md").read_bytes()
    assert text.endswith(b"---\nLine one.\n\nLine two.\n")


def test_new_argument_that_is_not_utf8(site: Path) -> None:
    before = tree(site)
    done = paperfeed(
        site, "new", "--title", b"Caf\xe9", "--tag", "vision", "--abstract", "x", LC_ALL="C.UTF-8"
    )
    one_line(
        done,
        1,
        "not written: an option holds bytes that are not UTF-8 text; check the terminal's encoding (locale)",
    )
    assert tree(site) == before


# --- outputs ---------------------------------------------------------------------------------------------


def test_digest_into_a_folder_that_does_not_exist(site: Path) -> None:
    one_line(
        paperfeed(site, "digest", "--date", "2025-03-04", "--out", "missing/week.eml"),
        1,
        "cannot write missing/week.eml (No such file or directory)",
    )


def test_build_into_a_folder_that_does_not_exist_makes_it(site: Path) -> None:
    done = paperfeed(site, "build", "--site-dir", "missing/deeper/site")
    assert done.code == 0, done.err
    assert (site / "missing" / "deeper" / "site" / "index.html").is_file()


def test_build_into_a_file(site: Path) -> None:
    """MkDocs did not foresee it and fails with a traceback: the user reads its last line, and the code."""
    done = paperfeed(site, "build", "--site-dir", "mkdocs.yml/site")
    assert done.code == 1
    target = site / "mkdocs.yml" / "site"
    assert done.err.splitlines()[-1] == (
        f"Error: MkDocs stopped: NotADirectoryError: [Errno 20] Not a directory: '{target}'"
    )


def test_check_into_a_closed_pipe(site: Path) -> None:
    """`paperfeed check | head -0`: the reader has gone; no traceback, no complaint about flushing."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # before the command starts: its first line has nobody to read it
    try:
        done = subprocess.run(
            [PAPERFEED, "check"], cwd=site, stdout=write_end, stderr=subprocess.PIPE, env=env(), timeout=60
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (1, b"")


# --- serve -----------------------------------------------------------------------------------------------


def test_serve_on_a_port_in_use(site: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = paperfeed(site, "serve", "--dev-addr", f"127.0.0.1:{port}", timeout=60)
    one_line(
        done,
        1,
        f"cannot serve on 127.0.0.1:{port}: the address is in use; stop the server that holds it, or choose"
        " another port with --dev-addr",
    )


@pytest.mark.parametrize("address", ["8000", "127.0.0.1", "127.0.0.1:http", "127.0.0.1:70000", ":8000"])
def test_serve_on_an_address_that_is_not_one(site: Path, address: str) -> None:
    done = paperfeed(site, "serve", "--dev-addr", address)
    one_line(done, 2, f"Invalid value for '--dev-addr': '{address}' must be HOST:PORT, e.g. 127.0.0.1:8000")


def test_serve_on_a_host_that_does_not_resolve(site: Path) -> None:
    done = paperfeed(site, "serve", "--dev-addr", "no-such-host.invalid:8000", timeout=60)
    one_line(done, 1, "cannot serve on no-such-host.invalid:8000: no such host as 'no-such-host.invalid'")


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _poll(url: str, until: str, seconds: float) -> str | None:
    """The page once it contains `until`, or None after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = _get(url)
        if page is not None and until in page:
            return page
        time.sleep(0.2)
    return None


@pytest.fixture
def server(site: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`paperfeed serve` on a free port of 127.0.0.1, and its URL; stopped at the end if the test did not."""
    port = free_port()
    set_config(site, site_url=f"http://127.0.0.1:{port}/")

    def default_sigint() -> None:  # a test run from a shell's background job would pass "ignore" on
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    process = subprocess.Popen(
        [PAPERFEED, "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=site,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # Ctrl-C below goes to paperfeed alone, as a terminal's would not
        preexec_fn=default_sigint if ignored else None,
    )
    try:
        yield process, f"http://127.0.0.1:{port}/"
    finally:
        # paperfeed hands each signal to MkDocs (its own process group): SIGKILL would leave MkDocs running.
        for stop, wait in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            if process.poll() is not None:
                break
            process.send_signal(stop)
            try:
                process.communicate(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        for stream in (process.stdout, process.stderr):
            assert stream is not None
            stream.close()


def test_serve_rebuilds_when_the_theme_changes_and_stops_clean(
    site: Path, server: tuple[subprocess.Popen[bytes], str]
) -> None:
    process, url = server
    first = _poll(url, "</html>", 60)
    assert first is not None, "the site was not served within 60 s"
    marker = '<meta name="paperfeed-test" content="the theme changed">'
    assert marker not in first
    main_html = site / "theme" / "main.html"
    text = main_html.read_text(encoding="utf-8")
    assert "{% block extrahead %}\n" in text
    main_html.write_text(
        text.replace("{% block extrahead %}\n", "{% block extrahead %}\n" + marker + "\n", 1)
    )
    assert _poll(url, marker, 20) is not None, (
        "the page did not change within 20 s of editing theme/main.html"
    )

    process.send_signal(signal.SIGINT)  # to paperfeed only: it hands the Ctrl-C to MkDocs, once
    _, err = process.communicate(timeout=30)
    log = err.decode(errors="replace")
    assert process.returncode == 0, log
    assert "Detected file changes" in log and "Shutting down..." in log
    assert "Traceback" not in log and "Error" not in log


def test_serve_shows_a_saved_abstract_and_a_new_paper(
    site: Path, server: tuple[subprocess.Popen[bytes], str]
) -> None:
    """The real server: a record saved, then a record added, each polled for until it is served (the
    rebuilds are incremental: generator/site/incremental.py)."""
    process, url = server
    assert _poll(url, "</html>", 60) is not None, "the site was not served within 60 s"
    record = sorted((site / "content" / "papers").rglob("*.md"))[0]
    text = record.read_text(encoding="utf-8")
    marker = "An abstract saved while the site is served"
    record.write_text(text.replace("\n---\n", f"\n---\n{marker}. ", 1), encoding="utf-8")
    assert _poll(f"{url}papers/{record.stem}/", marker, 60) is not None, "the saved abstract was not served"

    added = record.with_name("a-paper-added-while-serving.md")
    front = [
        line for line in text.split("\n---\n", 1)[0].splitlines() if not line.startswith(("title", "arxiv"))
    ]
    front.insert(1, 'title: "A paper added while the site is served"')
    added.write_text("\n".join([*front, "---", "Its abstract.", ""]), encoding="utf-8")
    page = _poll(f"{url}papers/{added.stem}/", "A paper added while the site is served", 60)
    assert page is not None, "the new paper's page was not served"

    time.sleep(3)  # the server is idle now: reading files to rebuild must not look like changing them
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    log = err.decode(errors="replace")
    assert process.returncode == 0, log
    assert "Traceback" not in log
    # The first build and one a change (a write the watcher saw as two, at most, once).
    assert 3 <= log.count("Rebuilt: ") <= 4, log


# --- errors nobody foresaw -------------------------------------------------------------------------------

FAILING_COMMAND = """
import sys
from generator.cli import main

@main.command()
def explode() -> None:
    raise ValueError("a bug")

sys.argv = ["paperfeed", "explode"]
main()
"""


def test_an_unexpected_error_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FAILING_COMMAND], cwd=tmp_path, capture_output=True, text=True, env=env()
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        "Error: unexpected ValueError: a bug; this is a bug in paperfeed, please report it (run again with"
        " PAPERFEED_DEBUG=1 for the details)\n",
    )


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FAILING_COMMAND],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env(PAPERFEED_DEBUG="1"),
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Traceback (most recent call last):\n")
    assert done.stderr.endswith("ValueError: a bug\n")


# --- the traceback filter, on its own ---------------------------------------------------------------------


def filtered(*lines: str) -> list[str]:
    out: list[str] = []
    lines_filter = relay.TracebackFilter(out.append, "Error: ")
    for line in lines:
        lines_filter.feed(line + "\n")
    lines_filter.close()
    return out


FRAMES = ['  File "x.py", line 1, in <module>', "    f()", "    ^^^"]


def test_filter_passes_lines_through() -> None:
    assert filtered("INFO    -  Building", "", "  indented") == [
        "INFO    -  Building\n",
        "\n",
        "  indented\n",
    ]


def test_filter_cuts_a_traceback_to_its_last_line() -> None:
    lines = (
        "INFO    -  Building",
        "Traceback (most recent call last):",
        *FRAMES,
        "OSError: [Errno 98] in use",
    )
    assert filtered(*lines) == ["INFO    -  Building\n", "Error: OSError: [Errno 98] in use\n"]


def test_filter_keeps_the_last_exception_of_a_chain() -> None:
    lines = (
        "Traceback (most recent call last):", *FRAMES, "KeyError: 'x'", "",
        "During handling of the above exception, another exception occurred:", "",
        "Traceback (most recent call last):", *FRAMES, "ValueError: y", "",
        "The above exception was the direct cause of the following exception:", "",
        "Traceback (most recent call last):", *FRAMES, "RuntimeError: z",
    )  # fmt: skip
    assert filtered(*lines) == ["Error: RuntimeError: z\n"]


def test_filter_resumes_after_a_traceback() -> None:
    """MkDocs serve prints a rebuild's traceback and goes on serving: what follows is passed on."""
    lines = ("Traceback (most recent call last):", *FRAMES, "jinja2.TemplateSyntaxError: unexpected '}'",
             "ERROR   -  An error happened during the rebuild.", "INFO    -  Reloading browsers")  # fmt: skip
    assert filtered(*lines) == [
        "Error: jinja2.TemplateSyntaxError: unexpected '}'\n",
        "ERROR   -  An error happened during the rebuild.\n",
        "INFO    -  Reloading browsers\n",
    ]


def test_relay_runs_a_child_that_crashes() -> None:
    out: list[str] = []
    script = "import sys; print('first', file=sys.stderr); raise SystemError('boom')"
    code = relay.run([sys.executable, "-c", script], env(), out.append, "Error: it stopped: ")
    assert (code, out) == (1, ["first\n", "Error: it stopped: SystemError: boom\n"])


def test_relay_without_a_prefix_passes_the_traceback() -> None:
    out: list[str] = []
    code = relay.run([sys.executable, "-c", "raise SystemError('boom')"], env(), out.append, None)
    assert code == 1
    assert out[0] == "Traceback (most recent call last):\n" and out[-1] == "SystemError: boom\n"

"""Helpers for the browser tests: build a site for a local address, serve it, and drive Debian's Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request

from tests.sitebuild import build_site

HOST = "127.0.0.1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A TCP port that is free on the loopback address now (the site is built for it before it is served)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def build(tmp: Path, content: Path, site_url: str, **options: Any) -> Path:
    """Build `content` into tmp/site with the project's mkdocs.yml; fail with MkDocs' output if it fails."""
    done = build_site(tmp, content, site_url, **options)
    assert done.returncode == 0, f"mkdocs build failed:\n{done.stdout}\n{done.stderr}"
    return tmp / "site"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # keep the test output readable
        pass


@contextmanager
def serve(directory: Path, port: int) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1:port in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer((HOST, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium (PAPERFEED_CHROMIUM overrides the path); Playwright's own download is not used."""
    return playwright.chromium.launch(
        executable_path=os.environ.get("PAPERFEED_CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS
    )


@dataclass
class Watch:
    """Every request a page makes and every error it logs, recorded while a test drives it."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("request", self._on_request)
        page.on("console", self._on_console)
        page.on("pageerror", lambda err: self.errors.append(f"page error: {err}"))

    def _on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def outside(self) -> list[str]:
        """The requests that left 127.0.0.1 (data: URLs never leave the page, so they do not count)."""
        return [
            url for url in self.requests if not url.startswith("data:") and urlsplit(url).hostname != HOST
        ]


# WCAG 2 contrast of every visible text under a selector against the background it is drawn on (colours
# with alpha blended over the ancestors' backgrounds); returns the texts below 4.5:1 (3:1 for large text).
LOW_CONTRAST_JS = """
(root) => {
  const parse = (c) => {
    const m = c.match(/[\\d.]+/g).map(Number);
    return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
  };
  const over = (top, below) => [0, 1, 2].map((i) => top[i] * top[3] + below[i] * (1 - top[3])).concat([1]);
  const background = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  const luminance = (c) => {
    const f = (v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const low = [];
  for (const element of document.querySelectorAll(root + " *")) {
    const text = [...element.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent);
    const shown = text.join("").trim();
    if (!shown || element.closest(".pf-sr") || !element.checkVisibility()) continue;
    const style = getComputedStyle(element);
    const bg = background(element);
    const [hi, lo] = [luminance(over(parse(style.color), bg)), luminance(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (parseInt(style.fontWeight) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) {
      const name = `<${element.localName} class="${element.className}">`;
      low.push(`${name} ${shown.slice(0, 40)}: ${ratio.toFixed(2)}:1`);
    }
  }
  return low;
}
"""

"""A scripted SMTP server on loopback, for the replies aiosmtpd cannot give: bytes that are not UTF-8, a
DATA refused before its 354, a greeting longer than any client reads, a hang-up right after a reply.

It is a real socket server that reads each command line and answers with the reply the test scripted for
its verb: the replies of a verb are used in turn, the last one again once they run out. A reply of HANG_UP
closes the connection without a word; a reply followed by HANG_UP in the same list entry (a tuple) is sent
and then the connection is closed.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

HANG_UP = b""
Reply = bytes | tuple[bytes, bytes]  # a reply, or (a reply, HANG_UP)

DEFAULTS: dict[str, list[Reply]] = {
    "GREETING": [b"220 mx.test ESMTP scripted"],
    "EHLO": [b"250 mx.test"],
    "MAIL": [b"250 2.1.0 Ok"],
    "RCPT": [b"250 2.1.5 Ok"],
    "DATA": [b"354 End data with <CR><LF>.<CR><LF>"],
    ".": [b"250 2.0.0 Ok: queued"],  # the answer to the message itself
    "RSET": [b"250 2.0.0 Ok"],
    "QUIT": [b"221 2.0.0 Bye"],
}


@dataclass
class Script:
    """What the server answers, and what it heard: each command's verb in order ('.' for a message)."""

    replies: dict[str, list[Reply]] = field(default_factory=dict)
    heard: list[str] = field(default_factory=list)
    messages: list[bytes] = field(default_factory=list)
    used: dict[str, int] = field(default_factory=dict)

    def next(self, verb: str) -> Reply:
        given = self.replies.get(verb) or DEFAULTS.get(verb) or [b"502 5.5.2 Command not recognized"]
        n = self.used.get(verb, 0)
        self.used[verb] = n + 1
        return given[min(n, len(given) - 1)]


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def answer(self, verb: str) -> bytes | None:
        """Send the scripted reply for `verb` and return it; None once the connection is to close."""
        reply = self.server.script.next(verb)
        text, then = reply if isinstance(reply, tuple) else (reply, b"-")
        if text:
            self.wfile.write(text + b"\r\n")
            self.wfile.flush()
        return text if text and then != HANG_UP else None

    def handle(self) -> None:
        script = self.server.script
        if self.answer("GREETING") is None:
            return
        while line := self.rfile.readline():
            verb = line.split(b" ", 1)[0].strip().upper().decode("ascii", "replace")
            script.heard.append(verb)
            sent = self.answer(verb)
            if sent is None:
                return
            if verb == "DATA" and sent.startswith(b"354"):
                lines = []
                while (body := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(body)
                script.messages.append(b"".join(lines))
                script.heard.append(".")
                if self.answer(".") is None:
                    return
            if verb == "QUIT":
                return


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, script: Script) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = script
        self.port = int(self.server_address[1])


@contextmanager
def scripted_server(**replies: list[Reply]) -> Iterator[tuple[_Server, Script]]:
    """The server, listening on a free loopback port while the block runs. Keyword names are verbs (EHLO,
    MAIL, RCPT, DATA, RSET, GREETING; END for the answer to the message itself)."""
    script = Script({("." if verb == "END" else verb): list(given) for verb, given in replies.items()})
    server = _Server(script)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server, script
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

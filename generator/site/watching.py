"""`paperfeed serve` told of a saved file at once: MkDocs' server polls each watched folder twice a second,
which over 10,000 records took a fifth of a core when idle and up to half a second to see a save. Where the
system has a native watcher (inotify on Linux), the server's watches are moved to it before it starts."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("mkdocs.plugins.paperfeed")


def watch(server: Any, folders: list[str], natively: bool) -> None:
    """Have the server (MkDocs' LiveReloadServer) watch the content and the theme's overrides too: MkDocs
    watches the theme only with --watch-theme, and then Material's installed files too, but the site's own
    overrides are what a maintainer edits. `natively`: with the system's watcher (watch_natively)."""
    for folder in folders:
        server.watch(folder)
    if natively:
        watch_natively(server)


def watch_natively(server: Any) -> bool:
    """Move the watches of MkDocs' LiveReloadServer (1.x, whose internals no longer change) to the system's
    own watcher; whether they moved (if not, polling goes on, as MkDocs does it)."""
    from watchdog import events
    from watchdog.observers import Observer  # MkDocs' own dependency, which it polls with
    from watchdog.observers.polling import PollingObserver

    if Observer is PollingObserver or not isinstance(server.observer, PollingObserver):
        return False
    # What polling sees: a native watcher also reports each file opened and closed unchanged, which a
    # build does to the files it reads (MkDocs rebuilds on any event: it would rebuild for ever).
    changes: list[type[events.FileSystemEvent]] = [
        events.FileCreatedEvent,
        events.FileModifiedEvent,
        events.FileDeletedEvent,
        events.FileMovedEvent,
        events.FileClosedEvent,  # after a write
        events.FileAttribEvent,  # a time set (touch)
    ]

    class Changes(Observer):  # type: ignore[misc, valid-type]
        def schedule(self, handler: Any, path: Any, **options: Any) -> Any:
            return super().schedule(handler, path, **{**options, "event_filter": changes})

    before = (server.observer, server._watched_paths, server._watch_refs)
    paths = list(server._watched_paths)
    server.observer, server._watched_paths, server._watch_refs = Changes(), {}, {}
    try:
        for path in paths:
            server.watch(path)
    except OSError as err:  # no more inotify watches, say: poll, as before
        log.info(f"Watching for changes by polling ({err})")
        server.observer, server._watched_paths, server._watch_refs = before
        return False
    return True

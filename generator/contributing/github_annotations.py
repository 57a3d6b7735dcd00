"""GitHub Actions error annotations (`::error file=...,line=...::message`); standard library only."""

from __future__ import annotations


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def error_annotation(path: str, line: int, title: str, message: str) -> str:
    """One annotation, escaped as the workflow-command format requires, shown on `path`'s `line`."""
    return f"::error file={_property(path)},line={line},title={_property(title)}::{_data(message)}"

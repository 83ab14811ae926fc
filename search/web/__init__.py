"""Vraagbaak on the web: the search page and the HTTP API served by `vraagbaak serve` (the `web` extra)."""

from .app import create_app

__all__ = ["create_app"]

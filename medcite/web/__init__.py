"""The web app: server-rendered pages (Jinja2) and one small script for citation hovercards.

It needs no build step; `medcite serve` mounts it beside the HTTP API.
"""

from .pages import register

__all__ = ["register"]

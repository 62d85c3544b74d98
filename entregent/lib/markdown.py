"""Markdown written by members, rendered to HTML that is safe to show."""

from __future__ import annotations

import threading

import markdown as md
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip


_local = threading.local()


def _converter() -> md.Markdown:
    # Building a Markdown instance costs more than converting a short note: keep one per
    # thread and reset it between uses.
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = md.Markdown(
            extensions=["sane_lists", "tables"], output_format="html"
        )
    return converter


def render_markdown(text: str) -> str:
    """HTML from Markdown; raw HTML, scripts and unsafe links are stripped by nh3."""
    if not text:
        return ""
    html = _converter().reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )

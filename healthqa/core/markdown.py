"""Markdown to safe HTML, and plain-text teasers. Every body field goes through here."""

import functools
import html
import re

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# Raw HTML in the source is not passed through: it is shown as text.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr", "li", "ol",
    "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize_html(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


@functools.lru_cache(maxsize=2048)
def render_markdown(source):
    """Render reader-facing Markdown to sanitized HTML, marked safe for templates.

    The only place Markdown becomes HTML: stored `body_html` fields are written from it, and
    templates render other Markdown fields with the `markdown` filter, which calls it.
    """
    if not source:
        return SafeString("")
    # Safe to mark safe: raw HTML in the source is escaped by the renderer (`"html": False`),
    # and nh3 then keeps only ALLOWED_TAGS, ALLOWED_ATTRIBUTES and ALLOWED_URL_SCHEMES (no
    # scripts, event handlers, styles or javascript: links). Nothing is added after cleaning.
    return mark_safe(sanitize_html(_markdown.render(source)))  # noqa: S308


# ASCII whitespace only: a non-breaking space is kept, and a cut never falls on it.
_whitespace = re.compile(r"[ \t\n\r\f\v]+")


@functools.lru_cache(maxsize=4096)
def plain_text(source):
    """Markdown or HTML to one line of plain text (for teasers and meta descriptions)."""
    text = html.unescape(strip_tags(render_markdown(source))) if source else ""
    return _whitespace.sub(" ", text).strip()


def teaser(text, limit=150, reach=12):
    """Cut text at a word boundary near `limit` characters and end it with "…".

    The cut finishes the word that straddles the limit when it ends within `reach` characters,
    otherwise it falls back to the last whole word before the limit.
    """
    text = _whitespace.sub(" ", text or "").strip()
    if len(text) <= limit:
        return text
    end = text.find(" ", limit)
    if end == -1:
        end = len(text)
    if end - limit <= reach:
        if end == len(text):
            return text
    else:
        end = text.rfind(" ", 0, limit + 1)
        if end <= 0:
            end = limit
    return text[:end].rstrip(" ,;:.-–—") + "…"

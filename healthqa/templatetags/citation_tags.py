"""Sources, `[n]` citations and review dates on reader pages."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape

from healthqa.core.citations import link_citations
from healthqa.core.citations import source_anchor as anchor_of
from healthqa.models import cited_works

register = template.Library()


@register.filter
def reader_sources(answer):
    """The sources readers see under an answer: `source_list` when the view set it (a preview
    may show a revision's), else the approved list."""
    sources = getattr(answer, "source_list", None)
    return cited_works(answer.approved_sources) if sources is None else sources


@register.filter
def answer_prefix(answer):
    """What tells an answer's sources list apart from the others on its page."""
    return f"answer-{answer.pk}"


@register.simple_tag
def source_anchor(prefix, number):
    return anchor_of(prefix, number)


@register.simple_tag
def cite_links(html, prefix, sources):
    """A sanitized body (`body_html|safe`) with each `[n]` linked to entry n of `sources`.

    Anything not marked safe is escaped first: only HTML sanitized on save goes through as it is.
    """
    return link_citations(conditional_escape(html), prefix, len(sources or ()))


@register.filter
def web_link(url):
    """`url` when it is a web address (http or https), else "": nothing else becomes a link."""
    url = str(url or "")
    return url if url.lower().startswith(("https://", "http://")) else ""


@register.filter
def iso_day(value):
    """The day of a date, or of an aware datetime in the site's time zone, for `<time>`."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


@register.filter
def full_stop(text):
    """The "." that ends a part of a reference, unless the part already ends a sentence."""
    return "" if str(text).rstrip().endswith((".", "?", "!")) else "."

from django import template
from django.utils.http import urlencode

from healthqa.rendering import plain_text
from healthqa.rendering import teaser as cut_teaser

register = template.Library()


@register.filter
def teaser(text, limit=150):
    return cut_teaser(plain_text(text), int(limit))


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """The current URL with only the page number changed."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return "?" + urlencode(sorted(query.items()))

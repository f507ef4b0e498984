from django import template
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from healthqa.core.links import cached_reverse
from healthqa.core.markdown import plain_text, render_markdown
from healthqa.core.markdown import teaser as cut_teaser
from healthqa.pagecache.keys import depends_on
from healthqa.pagecache.shared import keys_of, shared_part

register = template.Library()


@register.filter
def markdown(source):
    """`{{ question.details|markdown }}`: a Markdown field as sanitized HTML.

    For fields without stored HTML; a stored `body_html` is printed as it is. The HTML comes
    from `render_markdown`, which sanitizes it and marks it safe (and caches it).
    """
    return render_markdown(source)


@register.filter
def teaser(text, limit=150):
    return cut_teaser(plain_text(text), int(limit))


@register.filter
def iso_datetime(value):
    """An aware datetime for `<time datetime>` and the like, in the site's time zone, to the
    second: HTML allows at most three fractional digits, and `|date:"c"` (isoformat) gives six
    when the time has microseconds."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


@register.filter
def long_date(value):
    """`|date:"j F Y"` ("3 March 2026") for an aware datetime, in the site's time zone."""
    if not value:
        return ""
    day = timezone.localtime(value)
    return f"{day.day} {MONTHS[day.month]} {day.year}"


@register.filter
def tag_url(tag):
    """The tag's page, or "" when its slug cannot make an address (as `{% url ... as %}`)."""
    try:
        return cached_reverse("healthqa:tag_detail", slug=tag.slug)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """The current URL with only the page number changed."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return "?" + urlencode(sorted(query.items()))


@register.simple_tag(takes_context=True)
def shared_include(context, template_name, key="", shows=None, **values):
    """`{% include %}` for a part shown alike on many cached pages, rendered once by each worker
    while it renders pages for the page cache, and again when what it shows changes (afresh
    for any other render).

    Without `key` the part must be the same on every page (the site header and footer); with
    one it may depend on that object alone (`key=article.pk` for its card). `shows` names the
    object from the page's context it displays (`shows=article`), so that the part is rendered
    again when that changes; like `with` on an include, `values` are added to the context (and
    count as shown too).
    """

    def render():
        template = context.template.engine.get_template(template_name)
        with context.push(**values):
            depends_on(*keys_of([shows, *values.values()]))
            return mark_safe(template.render(context))  # noqa: S308 (escaped by the engine)

    return shared_part(context.get("request"), f"include:{template_name}:{key}", render)

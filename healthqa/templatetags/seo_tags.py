"""JSON-LD and canonical URLs in templates; the data itself is built in healthqa.public.seo."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from healthqa.public import seo
from healthqa.templatetags.picture_tags import rendition_url

register = template.Library()


def _script(data):
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(seo.to_script_json(data))
    )


@register.simple_tag(takes_context=True)
def question_json_ld(context, question, answers):
    site = context.get("site_settings")
    return _script(seo.question_page(question, answers, context["request"], site=site))


@register.simple_tag(takes_context=True)
def article_json_ld(context, article, image_url=None, sources=(), corrections=()):
    page = seo.article_page(
        article,
        context["request"],
        image_url=image_url or None,
        site=context.get("site_settings"),
        sources=sources,
        corrections=corrections,
    )
    return _script(page)


@register.simple_tag(takes_context=True)
def expert_json_ld(context, expert):
    request = context["request"]
    url = rendition_url(expert.photo, 400)
    image_url = request.build_absolute_uri(url) if url else None
    return _script(seo.expert_profile(expert, request, image_url=image_url))


@register.simple_tag(takes_context=True)
def breadcrumb_json_ld(context, crumbs, current):
    return _script(seo.breadcrumb_list(crumbs or [], current, context["request"]))


@register.simple_tag(takes_context=True)
def canonical_url(context, obj=None):
    """The detail view's object's own URL, else this path with only ?page=N kept."""
    return seo.canonical_url(context["request"], obj or context.get("object"))


@register.simple_tag(takes_context=True)
def absolute_static(context, path):
    return context["request"].build_absolute_uri(static(path))

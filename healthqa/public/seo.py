"""Structured data (schema.org JSON-LD) and meta text, built from the models, never by hand.

Every builder takes the request so that URLs are absolute (`request.build_absolute_uri`).
"""

import json

from django.templatetags.static import static
from django.urls import reverse

from healthqa.core.markdown import plain_text, teaser
from healthqa.models import SiteSettings

DESCRIPTION_LENGTH = 155
CONTEXT = "https://schema.org"
# What json.dumps leaves as is but could end a <script> element or start markup inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def to_script_json(data):
    """JSON for a <script type="application/ld+json"> element: no text can break out of it."""
    return json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_SCRIPT_ESCAPES)


def _date(value):
    return value.isoformat() if value else None


def _clean(data):
    """Drop empty values, so that no property is published as null or ""."""
    if isinstance(data, dict):
        return {k: _clean(v) for k, v in data.items() if v not in (None, "", [], {})}
    if isinstance(data, list):
        return [_clean(v) for v in data]
    return data


def site_organization(request, site=None):
    """The site itself; pass the `site_settings` a page already has to save a lookup."""
    site = site or SiteSettings.load()
    return {
        "@type": "Organization",
        "name": site.site_name,
        "url": request.build_absolute_uri(reverse("healthqa:home")),
        "logo": request.build_absolute_uri(static("img/og-default.png")),
    }


def expert_entity(expert, request, *, full=False, image_url=None):
    """An expert as a schema.org Person or Organization (with its profile URL)."""
    entity = {
        "@type": "Organization" if expert.is_organization else "Person",
        "name": expert.name,
        "url": request.build_absolute_uri(expert.get_absolute_url()),
    }
    if full:
        entity.update(
            {
                "description": expert.headline or teaser(plain_text(expert.bio), 300),
                "sameAs": [expert.website] if expert.website else [],
                "knowsAbout": [topic.name for topic in expert.specialties.all()],
            }
        )
        if not expert.is_organization:
            entity["honorificSuffix"] = expert.credentials
            entity["jobTitle"] = expert.headline
        if image_url:
            entity["logo" if expert.is_organization else "image"] = image_url
    return entity


def _reviewer(user, request, site=None):
    """The moderator who approved an answer: their expert profile when they have one."""
    if user is None:
        return site_organization(request, site)
    profile = getattr(user, "expert_profile", None)
    if profile is not None:
        return expert_entity(profile, request)
    name = user.get_full_name() or user.get_username()
    return {"@type": "Person", "name": name}


def answer_entity(answer, question_url, request):
    return {
        "@type": "Answer",
        "text": plain_text(answer.body),
        "datePublished": _date(answer.reviewed_at or answer.submitted_at or answer.created_at),
        "url": f"{question_url}#answer-{answer.pk}",
        "upvoteCount": answer.helpful_yes,
        "author": expert_entity(answer.expert, request),
    }


def question_page(question, answers, request, *, site=None):
    """QAPage: the question, its first approved answer as accepted, the others suggested."""
    url = request.build_absolute_uri(question.get_absolute_url())
    if question.submitted_by_name or question.submitted_by_email:
        asker = {"@type": "Person", "name": "A reader"}
    else:
        asker = site_organization(request, site)
    main = {
        "@type": "Question",
        "name": question.title,
        "text": plain_text(question.details) or question.title,
        "answerCount": len(answers),
        "datePublished": _date(question.published_at),
        "dateModified": _date(question.updated_at),
        "author": asker,
        "url": url,
    }
    if answers:
        main["acceptedAnswer"] = answer_entity(answers[0], url, request)
        main["suggestedAnswer"] = [answer_entity(a, url, request) for a in answers[1:]]
    reviewed = [a for a in answers if a.reviewed_at]
    latest = max(reviewed, key=lambda a: a.reviewed_at) if reviewed else None
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "QAPage",
            "url": url,
            "name": question.title,
            "about": {"@type": "Thing", "name": question.topic.name} if question.topic else None,
            "lastReviewed": _date(latest.reviewed_at) if latest else None,
            "reviewedBy": _reviewer(latest.reviewed_by, request, site) if latest else None,
            "mainEntity": main,
        }
    )


def article_page(article, request, *, image_url=None, site=None):
    url = request.build_absolute_uri(article.get_absolute_url())
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "MedicalWebPage",
            "url": url,
            "headline": article.title,
            "name": article.title,
            "description": article.teaser,
            "image": image_url,
            "datePublished": _date(article.published_at),
            "dateModified": _date(article.updated_at),
            "author": expert_entity(article.author, request) if article.author else None,
            "publisher": site_organization(request, site),
            "lastReviewed": _date(article.reviewed_at),
            "reviewedBy": (
                expert_entity(article.reviewed_by, request) if article.reviewed_by else None
            ),
            "about": {"@type": "Thing", "name": article.topic.name} if article.topic else None,
            "mainEntityOfPage": url,
        }
    )


def expert_profile(expert, request, *, image_url=None):
    entity = expert_entity(expert, request, full=True, image_url=image_url)
    return _clean({"@context": CONTEXT, **entity})


def breadcrumb_list(crumbs, current, request):
    """Home › crumbs… › the current page (which has no link of its own, so it takes this URL)."""
    trail = [("Home", reverse("healthqa:home")), *crumbs, (current, request.path)]
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": str(name),
                "item": request.build_absolute_uri(url),
            }
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def question_description(question, answers):
    """The first approved answer, else the details, cut near 155 characters."""
    if answers:
        return teaser(plain_text(answers[0].body), DESCRIPTION_LENGTH)
    return teaser(plain_text(question.details) or question.title, DESCRIPTION_LENGTH)


def canonical_url(request, obj=None):
    """The page's own address: the object's URL, or this path with only a valid ?page=N kept."""
    if obj is not None and hasattr(obj, "get_absolute_url"):
        return request.build_absolute_uri(obj.get_absolute_url())
    page = request.GET.get("page", "")
    path = request.path
    if page.isdigit() and int(page) > 1:
        path = f"{path}?page={int(page)}"
    return request.build_absolute_uri(path)

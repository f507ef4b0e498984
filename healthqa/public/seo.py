"""Structured data (schema.org JSON-LD) and meta text, built from the models, never by hand.

Every builder takes the request so that URLs are absolute (`request.build_absolute_uri`).
"""

import json
import re

from django.templatetags.static import static
from django.urls import reverse

from healthqa.core.markdown import plain_text, teaser
from healthqa.models import Citation, SiteSettings, cited_works

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


def medical_reviewer_entity(expert, request):
    """A clinician who checked the content, with their credentials."""
    entity = expert_entity(expert, request)
    if not expert.is_organization:
        entity["honorificSuffix"] = expert.credentials
    return entity


# Words that make an author an organization ("World Health Organization", "NHS England").
_ORGANIZATION = re.compile(
    r"\b(organi[sz]ation|association|academy|agency|board|cent(?:er|re)s?|college|committee|"
    r"council|department|foundation|group|institute|ministry|NHS|network|service|society|"
    r"university|federation|collaboration)\b",
    re.IGNORECASE,
)


def _authors(text):
    """The authors of a source: one organization, or people listed as "Smith J, Jones K"."""
    text = (text or "").strip()
    if not text:
        return []
    if _ORGANIZATION.search(text):
        return [{"@type": "Organization", "name": text}]
    names = [name.strip() for name in re.split(r"[,;]", text)]
    return [
        {"@type": "Person", "name": name}
        for name in names
        if name and name.rstrip(".").lower() not in {"et al", "and others"}
    ]


def citation_entity(source):
    """A cited work (a source row or a `CitedWork`): a ScholarlyArticle for a journal article,
    else a CreativeWork; its DOI and PubMed ID as identifiers and as the same work elsewhere."""
    journal = source.kind == Citation.Kind.JOURNAL_ARTICLE
    identifiers = [
        {"@type": "PropertyValue", "propertyID": name, "value": value}
        for name, value in (("DOI", source.doi), ("PMID", source.pmid))
        if value
    ]
    link = source.link if source.link.lower().startswith(("https://", "http://")) else ""
    container = None
    if source.container:
        container = {"@type": "Periodical" if journal else "Organization", "name": source.container}
    authors = _authors(source.authors)
    return {
        "@type": "ScholarlyArticle" if journal else "CreativeWork",
        "name": source.title,
        "author": authors[0] if len(authors) == 1 else authors,
        "isPartOf" if journal else "publisher": container,
        "datePublished": str(source.year) if source.year else None,
        "url": link,
        "identifier": identifiers,
        "sameAs": [url for url in (source.doi_url, source.pmid_url) if url],
    }


def _sources_of(answer):
    sources = getattr(answer, "source_list", None)
    return cited_works(answer.approved_sources) if sources is None else sources


def _latest(*moments):
    moments = [moment for moment in moments if moment]
    return max(moments) if moments else None


def answer_modified(answer):
    """When readers last saw the answer change: its latest approval or correction."""
    corrections = getattr(answer, "correction_list", None) or []
    return _latest(answer.reviewed_at, *(correction.made_at for correction in corrections))


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
        "dateModified": _date(answer_modified(answer)),
        "url": f"{question_url}#answer-{answer.pk}",
        "upvoteCount": answer.helpful_yes,
        "author": expert_entity(answer.expert, request),
        "citation": [citation_entity(source) for source in _sources_of(answer)],
    }


def question_page(question, answers, request, *, site=None):
    """QAPage: the question, its first approved answer as accepted, the others suggested."""
    url = request.build_absolute_uri(question.get_absolute_url())
    if question.submitted_by_name or question.submitted_by_email:
        asker = {"@type": "Person", "name": "A reader"}
    else:
        asker = site_organization(request, site)
    modified = _latest(*(answer_modified(answer) for answer in answers)) or question.updated_at
    main = {
        "@type": "Question",
        "name": question.title,
        "text": plain_text(question.details) or question.title,
        "answerCount": len(answers),
        "datePublished": _date(question.published_at),
        "dateModified": _date(modified),
        "author": asker,
        "url": url,
    }
    if answers:
        main["acceptedAnswer"] = answer_entity(answers[0], url, request)
        main["suggestedAnswer"] = [answer_entity(a, url, request) for a in answers[1:]]
    reviewed = [a for a in answers if a.reviewed_at]
    latest = max(reviewed, key=lambda a: a.reviewed_at) if reviewed else None
    last_reviewed = _date(latest.reviewed_at) if latest else None
    reviewed_by = _reviewer(latest.reviewed_by, request, site) if latest else None
    # A clinician's check of the accepted answer says more than the moderator's approval.
    clinician = answers[0].medical_reviewer if answers else None
    if clinician is not None:
        reviewed_by = medical_reviewer_entity(clinician, request)
        last_reviewed = _date(answers[0].medically_reviewed_on) or last_reviewed
    return _clean(
        {
            "@context": CONTEXT,
            "@type": "QAPage",
            "url": url,
            "name": question.title,
            "about": {"@type": "Thing", "name": question.topic.name} if question.topic else None,
            "dateModified": _date(modified),
            "lastReviewed": last_reviewed,
            "reviewedBy": reviewed_by,
            "mainEntity": main,
        }
    )


def article_page(article, request, *, image_url=None, site=None, sources=(), corrections=()):
    """MedicalWebPage; `sources` and `corrections` are those the page shows (newest first)."""
    url = request.build_absolute_uri(article.get_absolute_url())
    modified = _latest(article.updated_at, *(correction.made_at for correction in corrections))
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
            "dateModified": _date(modified),
            "author": expert_entity(article.author, request) if article.author else None,
            "publisher": site_organization(request, site),
            "lastReviewed": _date(article.reviewed_at),
            "reviewedBy": (
                medical_reviewer_entity(article.reviewed_by, request)
                if article.reviewed_by
                else None
            ),
            "about": {"@type": "Thing", "name": article.topic.name} if article.topic else None,
            "mainEntityOfPage": url,
            "citation": [citation_entity(source) for source in sources or ()],
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

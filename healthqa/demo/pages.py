"""The publisher's six pages in the demo: short, honest texts that say they are demonstration
content. A page the publisher has written (not marked as demo content) is never overwritten."""

from django.conf import settings

from healthqa.models import PublisherPage

Kind = PublisherPage.Kind

DEMO_NOTE = (
    "_This is demonstration content of the HealthQA demo site. A publisher replaces it with its "
    "own text in the admin (Publisher pages)._"
)


def page_texts(days):
    """{slug: (title, Markdown body)}, with the retention period of personal data in `days`."""
    return {
        Kind.ABOUT: (
            "About us",
            "HealthQA answers plain-language health questions. Readers ask; vetted experts "
            "(doctors, nurses, physiotherapists, dietitians and others) answer; moderators "
            "check every answer before readers see it.\n\n"
            "Our answers are general information. They do not replace advice from your own "
            "healthcare provider, who knows your history. In an emergency, call your local "
            "emergency number.\n\n"
            "How we work is set out in our [editorial policy](/editorial-policy/). "
            "Questions about the site: see [contact](/contact/).",
        ),
        Kind.EDITORIAL_POLICY: (
            "Editorial policy",
            "## How an answer is written and reviewed\n\n"
            "1. An editor reads every question readers send and chooses the ones we answer.\n"
            "2. An expert whose credentials an editor has verified writes the answer, citing "
            "sources.\n"
            "3. A moderator reviews it and approves it, asks for changes or rejects it. Only an "
            "approved answer is published; every later change to it is reviewed the same way.\n"
            "4. An editor may name a clinician as the medical reviewer of an answer or article: "
            "the page then shows who reviewed it and when.\n\n"
            "Editors are reminded to review each published answer and article a year after its "
            "last review.\n\n"
            "## Sources\n\n"
            "Answers and articles list their sources under the text: guidelines, peer-reviewed "
            "studies and reference works, with links (DOI, PubMed) where there are any. "
            "Numbers in the text such as [1] point to them.\n\n"
            "## Corrections\n\n"
            "When a published answer or article was wrong, we correct it and say so on the page "
            "(“Corrected”, with the date and what changed). All corrections are listed on our "
            "[corrections page](/corrections/). To tell us about a mistake, use “Report” under "
            "an answer.\n\n"
            "## Independence\n\n"
            "Advertisers have no say in what we publish: see our "
            "[advertising policy](/advertising-policy/).",
        ),
        Kind.PRIVACY: (
            "Privacy notice",
            "## What we store\n\n"
            "- **Questions you send us** (/ask/): your question and details, and — only if you "
            "give them — your name and email address. Email addresses and phone numbers typed "
            "into the question are hidden before anyone reads it; the text as typed is kept for "
            "our moderators. Your name and email address are only for our editors, in case they "
            "need to ask you something; they are never shown on the site.\n"
            "- **Reports** about an answer: the reason you chose and the details you write.\n"
            "- **Your network address**, briefly, to limit how often forms are sent (it is not "
            "stored with your question or report).\n\n"
            "## How long we keep it\n\n"
            f"We keep names, email addresses, questions as typed and report details for "
            f"**{days} days**. After that they are erased by a job that runs every day "
            "(`erase_personal_data`), also from our edit history; the question (without your "
            "contact details) and the report's reason remain.\n\n"
            "## Erasure on request\n\n"
            "You may ask us at any time to erase what you sent earlier, or to tell you what we "
            "hold about you: write to us through the [contact page](/contact/), saying roughly "
            "when you sent your question or report.\n\n"
            "## Cookies\n\n"
            "We set no tracking or advertising cookies. Pages with a form set a security token, "
            "and sending a form or a vote starts a session; both are used only for that.",
        ),
        Kind.ADVERTISING_POLICY: (
            "Advertising policy",
            "The demo site shows one house ad, for our own articles; it has no paid "
            "advertising.\n\n"
            "A publisher that takes advertising says here which ads it accepts, how they are "
            "marked (“Advertisement”), and that advertisers have no influence on answers, "
            "articles or their review.",
        ),
        Kind.TERMS: (
            "Terms of use",
            "Answers and articles on this site are general health information, not medical "
            "advice, diagnosis or treatment. Always ask your own healthcare provider about your "
            "situation, and call your local emergency number in an emergency.\n\n"
            "By sending a question you agree that we may publish it, edited and without your "
            "name, with an expert's answer. We may decline any question.",
        ),
        Kind.CONTACT: (
            "Contact",
            "The demo site has no real postal or email address. A publisher gives here how to "
            "reach its editors, for example [editors@example.org](mailto:editors@example.org), "
            "and how to ask for personal data to be erased (see our "
            "[privacy notice](/privacy/)).\n\n"
            "To tell us about a mistake in an answer, use “Report” under the answer. We do not "
            "answer personal medical questions by email.",
        ),
    }


def load_publisher_pages():
    """Create the six pages, or refresh those still marked as demo content. Returns how many
    pages are demo content."""
    count = 0
    texts = page_texts(settings.HEALTHQA_PERSONAL_DATA_DAYS)
    for slug, (title, body) in texts.items():
        body = f"{DEMO_NOTE}\n\n{body}"
        page = PublisherPage.objects.filter(slug=slug).first()
        if page is None:
            PublisherPage.objects.create(slug=slug, title=title, body=body, is_demo=True)
        elif not page.is_demo:
            continue
        elif (page.title, page.body) != (title, body):
            page.title, page.body = title, body
            page.save()
        count += 1
    return count

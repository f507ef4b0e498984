"""An answer's sources in the admin: its expert edits them inline on the change form; on a live
answer a change to them waits for review like a change of the text; moderators read the sources
under review (and what changed) in the queue; the live preview shows the posted ones."""

import pytest

from healthqa.models import Answer, AnswerRevision, AnswerSource, SiteSettings
from tests.admin.test_admin import events_of, form_data, messages_of, url_for
from tests.factories import AnswerFactory, AnswerSourceFactory, QuestionFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/"
WAITS = "Your edit waits for review; readers see the approved text until then."


def with_sources(data, *rows):
    """`data` of a change form with new source rows added to the inline."""
    data = dict(data)
    start = int(data["sources-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        fields = {"kind": "journal_article", "position": str(start + offset), **row}
        for name, value in fields.items():
            data[f"sources-{start + offset}-{name}"] = value
    data["sources-TOTAL_FORMS"] = str(start + len(rows))
    return data


def titles(copies):
    return [copy["title"] for copy in copies]


@pytest.fixture
def draft(expert):
    return AnswerFactory(expert=expert, draft=True, body="Walk every day.")


@pytest.fixture
def live(expert, moderator):
    """A live answer of `expert` on a public question, approved with one source."""
    answer = AnswerFactory(
        expert=expert, draft=True, body="Walk every day.", question=QuestionFactory()
    )
    AnswerSourceFactory(answer=answer, title="Walking trial", doi="10.1136/bmj.n1", position=0)
    answer.submit(by=expert.user)
    answer.approve(by=moderator)
    return answer


def test_expert_adds_sources_to_a_draft_through_the_change_form(client, expert_user, draft):
    client.force_login(expert_user)
    data = with_sources(
        form_data(client.get(url_for(draft))),
        {
            "title": "Walking trial",
            "doi": "https://doi.org/10.1136/BMJ.N1234",
            "pmid": "https://pubmed.ncbi.nlm.nih.gov/31234567/",
            "year": "2021",
        },
        {"title": "NICE guideline", "kind": "guideline", "url": "https://www.nice.org.uk/ng59"},
    )

    response = client.post(url_for(draft), data)

    assert response.status_code == 302
    rows = list(draft.sources.all())
    assert [row.title for row in rows] == ["Walking trial", "NICE guideline"]
    assert (rows[0].doi, rows[0].pmid) == ("10.1136/bmj.n1234", "31234567")
    draft.refresh_from_db()
    assert draft.status == Answer.Status.DRAFT
    assert not draft.revisions.exists()


def test_submitting_from_the_change_form_sends_the_new_sources_with_the_text(
    client, expert_user, draft
):
    client.force_login(expert_user)
    data = with_sources(form_data(client.get(url_for(draft))), {"title": "Walking trial"})

    client.post(url_for(draft), {**data, "_submit": "pressed"})

    draft.refresh_from_db()
    assert draft.status == Answer.Status.PENDING
    assert titles(draft.pending_revision().sources) == ["Walking trial"]


def test_invalid_dois_and_pubmed_ids_are_field_errors_in_the_inline(client, expert_user, draft):
    client.force_login(expert_user)
    data = with_sources(
        form_data(client.get(url_for(draft))),
        {"title": "Bad identifiers", "doi": "doi me", "pmid": "PMID: twelve"},
    )

    response = client.post(url_for(draft), data)

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    assert "Enter a DOI" in errors["doi"][0]
    assert "Enter a PubMed ID" in errors["pmid"][0]
    assert not AnswerSource.objects.exists()


def test_a_source_only_edit_of_a_live_answer_waits_for_review(client, expert_user, live):
    client.force_login(expert_user)
    data = form_data(client.get(url_for(live)))
    data["sources-0-title"] = "Walking trial, 10-year follow-up"

    response = client.post(url_for(live), data, follow=True)

    assert WAITS in messages_of(response)
    live.refresh_from_db()
    revision = live.pending_revision()
    assert titles(revision.sources) == ["Walking trial, 10-year follow-up"]
    assert revision.body == live.body == "Walk every day."
    assert titles(live.approved_sources) == ["Walking trial"]
    assert Answer.objects.approved().filter(pk=live.pk).exists()
    page = client.get(live.question.get_absolute_url())
    assert "10-year follow-up" not in page.content.decode()
    # The form starts again from the working rows, which equal the revision's copy.
    form = client.get(url_for(live)).context["inline_admin_formsets"][0].formset.forms[0]
    assert form["title"].value() == "Walking trial, 10-year follow-up"


def test_text_and_sources_edited_together_make_one_revision(client, expert_user, live):
    client.force_login(expert_user)
    data = with_sources(form_data(client.get(url_for(live))), {"title": "Swimming review"})
    data["body"] = "Walk or swim every day."

    client.post(url_for(live), data)

    revision = live.revisions.get(status=AnswerRevision.Status.PENDING)
    assert revision.body == "Walk or swim every day."
    assert titles(revision.sources) == ["Walking trial", "Swimming review"]
    assert events_of(live).filter(action="revise").count() == 1
    assert live.revisions.count() == 2  # the approved one and this


def test_saving_a_live_answer_unchanged_stores_no_revision(client, expert_user, live):
    client.force_login(expert_user)

    client.post(url_for(live), form_data(client.get(url_for(live))))

    assert live.pending_revision() is None


def test_another_expert_cannot_change_the_sources(client, other_expert_user, live, expert_user):
    client.force_login(expert_user)
    data = with_sources(form_data(client.get(url_for(live))), {"title": "Planted source"})
    client.force_login(other_expert_user)

    response = client.post(url_for(live), data)

    assert response.status_code == 302
    assert not AnswerSource.objects.filter(title="Planted source").exists()
    assert live.pending_revision() is None


def test_moderators_read_the_sources_but_cannot_change_them(client, moderator, live, expert_user):
    client.force_login(expert_user)
    data = with_sources(form_data(client.get(url_for(live))), {"title": "Planted source"})
    client.force_login(moderator)

    inline = client.get(url_for(live)).context["inline_admin_formsets"][0]
    client.post(url_for(live), data)

    assert inline.has_view_permission and not inline.has_add_permission
    assert not inline.has_change_permission
    assert not AnswerSource.objects.filter(title="Planted source").exists()


def test_moderator_sees_the_sources_under_review_in_the_queue(client, moderator, expert, live):
    live.sources.update(title="Walking trial <script>x</script>")
    AnswerSourceFactory(answer=live, title="PubMed-only study", doi="", pmid="31234567", position=3)
    live.revise(body=live.body, by=expert.user)
    client.force_login(moderator)

    page = client.get(QUEUE).content.decode()

    assert '<ol class="queue-sources">' in page
    assert '<a href="https://doi.org/10.1136/bmj.n1"' in page
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/31234567/"' in page
    assert "Sources changed against the live answer" in page
    added = page.split('class="sources-added"')[1].split("</ul>")[0]
    removed = page.split('class="sources-removed"')[1].split("</ul>")[0]
    assert "PubMed-only study" in added and "&lt;script&gt;x&lt;/script&gt;" in added
    assert "Walking trial" in removed and "PubMed-only study" not in removed
    assert "<script>x</script>" not in page


def test_a_new_answer_in_the_queue_lists_its_sources(client, moderator, expert, draft):
    AnswerSourceFactory(answer=draft, title="Walking trial")
    draft.submit(by=expert.user)
    client.force_login(moderator)

    item = client.get(QUEUE).context["items"][0]

    assert [source.title for source in item.sources] == ["Walking trial"]
    assert (item.sources_added, item.sources_removed) == ([], [])


def test_queue_with_sources_runs_a_constant_number_of_queries(
    client, moderator, expert, django_assert_max_num_queries
):
    for _ in range(12):
        answer = AnswerFactory(expert=expert, draft=True)
        AnswerSourceFactory.create_batch(2, answer=answer)
        answer.submit(by=expert.user)
    client.force_login(moderator)

    with django_assert_max_num_queries(12):
        items = client.get(QUEUE).context["items"]
        assert [len(item.sources) for item in items] == [2] * 12


def test_the_approve_button_shows_the_refusal_of_an_answer_without_a_source(
    client, moderator, expert, draft
):
    settings = SiteSettings.load()
    settings.answers_need_source = True
    settings.save()
    draft.submit(by=expert.user)
    client.force_login(moderator)
    data = form_data(client.get(url_for(draft)))

    response = client.post(url_for(draft), {**data, "_approve": "pressed"})

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == [
        "This answer needs at least one source before it can be approved: ask the expert to "
        "add one."
    ]
    draft.refresh_from_db()
    assert draft.status == Answer.Status.PENDING


def test_the_live_preview_shows_the_posted_sources(client, expert_user, live):
    client.force_login(expert_user)
    data = with_sources(form_data(client.get(url_for(live))), {"title": "Swimming review"})
    data["sources-0-DELETE"] = "on"

    response = client.post(url_for(live, "live_preview"), data)

    assert response.status_code == 200
    answer = next(a for a in response.context["answers"] if a.pk == live.pk)
    assert [source.title for source in answer.source_list] == ["Swimming review"]
    assert answer.review_label.startswith("Your edit")
    assert titles(live.sources.values("title")) == ["Walking trial"]


def test_the_live_preview_shows_source_errors(client, expert_user, live):
    client.force_login(expert_user)
    data = with_sources(form_data(client.get(url_for(live))), {"title": "X", "doi": "nope"})

    response = client.post(url_for(live, "live_preview"), data)

    assert response.status_code == 422
    assert "Source 2: doi" in response.content.decode()

"""An answer's sources travel through review with its text: each revision keeps a copy of the
working list, approval makes that copy what readers see, a rejected revision's sources are
dropped; the site may require a source before approval; DOIs and PubMed IDs are normalised."""

import pytest
from django.core.exceptions import ValidationError

from healthqa.models import Answer, AnswerRevision, AnswerSource, SiteSettings
from tests.factories import AnswerFactory, AnswerSourceFactory

pytestmark = pytest.mark.django_db

NEEDS_SOURCE = (
    "This answer needs at least one source before it can be approved: ask the expert to add one."
)


def titles(copies):
    return [copy["title"] for copy in copies]


def working(answer):
    return [source.as_dict() for source in answer.sources.all()]


@pytest.fixture
def draft(expert):
    answer = AnswerFactory(expert=expert, draft=True, body="Walk every day.")
    AnswerSourceFactory(answer=answer, title="Walking trial", position=0)
    AnswerSourceFactory(answer=answer, title="Back pain guideline", position=1)
    return answer


@pytest.fixture
def live(draft, expert, moderator):
    draft.submit(by=expert.user)
    draft.approve(by=moderator)
    return draft


@pytest.fixture
def needs_source():
    settings = SiteSettings.load()
    settings.answers_need_source = True
    settings.save()
    return settings


def test_submitting_copies_the_working_sources_into_the_revision(draft, expert):
    draft.submit(by=expert.user)

    revision = draft.pending_revision()
    assert titles(revision.sources) == ["Walking trial", "Back pain guideline"]
    assert revision.sources == working(draft)
    assert draft.approved_sources == []


def test_approving_makes_the_revisions_sources_what_readers_see(live):
    assert titles(live.approved_sources) == ["Walking trial", "Back pain guideline"]
    assert working(live) == live.approved_sources
    assert live.revisions.get().status == AnswerRevision.Status.APPROVED


def test_approving_a_pending_answer_without_a_revision_row_copies_its_working_rows(moderator):
    answer = AnswerFactory(pending=True)
    AnswerSourceFactory(answer=answer, title="Cohort study")

    answer.approve(by=moderator)

    assert titles(answer.approved_sources) == ["Cohort study"]
    assert titles(answer.revisions.get().sources) == ["Cohort study"]


def test_revising_a_live_answer_copies_the_sources_and_leaves_readers_the_approved_ones(
    live, expert
):
    live.sources.filter(title="Walking trial").delete()
    AnswerSourceFactory(answer=live, title="Newer review", position=5)

    live.revise(body=live.body, by=expert.user)

    live.refresh_from_db()
    assert titles(live.pending_revision().sources) == ["Back pain guideline", "Newer review"]
    assert titles(live.approved_sources) == ["Walking trial", "Back pain guideline"]


def test_approving_a_revision_replaces_the_approved_sources(live, expert, moderator):
    AnswerSourceFactory(answer=live, title="Newer review", position=5)
    live.revise(body="Walk every day, and swim.", by=expert.user)

    live.approve(by=moderator)

    assert titles(live.approved_sources) == ["Walking trial", "Back pain guideline", "Newer review"]
    assert working(live) == live.approved_sources
    assert live.body == "Walk every day, and swim."


def test_approval_makes_the_working_rows_those_approved(live, expert, moderator):
    """Rows changed after the revision was stored are not what the moderator approved."""
    live.revise(body="Walk every day, and swim.", by=expert.user)
    AnswerSourceFactory(answer=live, title="Added after submitting", position=9)

    live.approve(by=moderator)

    assert "Added after submitting" not in titles(live.approved_sources)
    assert working(live) == live.approved_sources


def test_rejecting_a_revision_resets_the_working_sources_to_the_approved_ones(
    live, expert, moderator
):
    live.sources.all().delete()
    AnswerSourceFactory(answer=live, title="A blog post", position=0)
    live.revise(body=live.body, by=expert.user)

    live.reject(by=moderator, note="A blog post is not a source.")

    assert titles(working(live)) == ["Walking trial", "Back pain guideline"]
    assert live.status == Answer.Status.APPROVED


def test_requesting_changes_to_a_revision_keeps_the_working_sources(live, expert, moderator):
    AnswerSourceFactory(answer=live, title="A preprint", position=5)
    live.revise(body=live.body, by=expert.user)

    live.request_changes(by=moderator, note="Is there a peer-reviewed version?")

    assert "A preprint" in titles(working(live))
    assert "A preprint" not in titles(live.approved_sources)


def test_approval_without_a_source_is_refused_when_the_site_requires_one(
    needs_source, expert, moderator
):
    answer = AnswerFactory(expert=expert, draft=True)
    answer.submit(by=expert.user)

    with pytest.raises(ValidationError) as refused:
        answer.approve(by=moderator)

    assert refused.value.messages == [NEEDS_SOURCE]
    answer.refresh_from_db()
    assert answer.status == Answer.Status.PENDING
    assert answer.pending_revision() is not None


def test_a_revision_that_drops_every_source_is_refused_when_the_site_requires_one(
    live, expert, moderator, needs_source
):
    live.sources.all().delete()
    live.revise(body=live.body, by=expert.user)

    with pytest.raises(ValidationError, match="needs at least one source"):
        live.approve(by=moderator)

    live.refresh_from_db()
    assert titles(live.approved_sources) == ["Walking trial", "Back pain guideline"]


def test_approval_with_a_source_passes_when_the_site_requires_one(
    needs_source, draft, expert, moderator
):
    draft.submit(by=expert.user)

    draft.approve(by=moderator)

    assert draft.status == Answer.Status.APPROVED


def test_approval_without_a_source_passes_by_default(expert, moderator):
    answer = AnswerFactory(expert=expert, draft=True)
    answer.submit(by=expert.user)

    answer.approve(by=moderator)

    assert answer.status == Answer.Status.APPROVED
    assert answer.approved_sources == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://doi.org/10.1136/BMJ.N1234", "10.1136/bmj.n1234"),
        ("doi: 10.1136/bmj.n1234", "10.1136/bmj.n1234"),
        ("http://dx.doi.org/10.1001/jama.2020.1", "10.1001/jama.2020.1"),
    ],
)
def test_dois_are_normalised(typed, stored):
    source = AnswerSourceFactory(doi=typed)

    source.full_clean()

    assert source.doi == stored
    assert source.doi_url == f"https://doi.org/{stored}"


@pytest.mark.parametrize(
    "typed", ["PMID: 31234567", "https://pubmed.ncbi.nlm.nih.gov/31234567/", " 31234567 "]
)
def test_pubmed_ids_are_normalised(typed):
    source = AnswerSourceFactory(pmid=typed, doi="")

    assert source.pmid == "31234567"
    assert source.pmid_url == "https://pubmed.ncbi.nlm.nih.gov/31234567/"


@pytest.mark.parametrize(
    ("field", "value"),
    [("doi", "not a doi"), ("doi", "11.1234/x"), ("pmid", "0123"), ("pmid", "PMID: abc")],
)
def test_invalid_dois_and_pubmed_ids_are_refused(field, value):
    source = AnswerSourceFactory.build(answer=AnswerFactory(draft=True), **{field: value})

    with pytest.raises(ValidationError) as refused:
        source.full_clean()

    assert field in refused.value.message_dict
    assert not AnswerSource.objects.exists()


def test_the_queue_shows_the_refusal_of_an_answer_without_a_source(
    client, needs_source, expert, moderator
):
    answer = AnswerFactory(expert=expert, draft=True)
    answer.submit(by=expert.user)
    client.force_login(moderator)
    page = client.get("/admin/moderation/").content.decode()
    assert "Approving is refused until the expert adds one" in page

    response = client.post(
        "/admin/moderation/decide/",
        {
            "answer": answer.pk,
            "decision": "approve",
            f"seen-{answer.pk}": answer.pending_revision().pk,
        },
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [f"“{answer}”: {NEEDS_SOURCE}"]
    answer.refresh_from_db()
    assert answer.status == Answer.Status.PENDING

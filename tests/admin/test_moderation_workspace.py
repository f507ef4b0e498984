"""The expert's workspace on the admin home, and starting an answer from an assignment."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from healthqa.core.notifications import start_answer_url
from healthqa.models import Answer
from tests.factories import AnswerFactory, AssignmentFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user)
    return client.get(reverse("admin:index"))


def test_expert_home_lists_waiting_questions_due_first(client, expert_user, expert):
    later = AssignmentFactory(expert=expert, due_at=timezone.now() + timedelta(days=9))
    no_date = AssignmentFactory(expert=expert, due_at=None)
    sooner = AssignmentFactory(expert=expert, due_at=timezone.now() + timedelta(days=1))
    AssignmentFactory(expert=expert, status="answered")
    AssignmentFactory()

    workspace = home(client, expert_user).context["workspace"]

    assert workspace["assignments"] == [sooner, later, no_date]


def test_expert_home_shows_drafts_sent_back_and_published_answers(client, expert_user, expert):
    draft = AnswerFactory(expert=expert, draft=True)
    sent_back = AnswerFactory(expert=expert, changes_requested=True, review_note="Add a source.")
    AnswerFactory(expert=expert, helpful_yes=12, helpful_no=3)
    AnswerFactory(draft=True)

    response = home(client, expert_user)
    page = response.content.decode()

    assert "Questions waiting for your answer" in page
    assert list(response.context["workspace"]["drafts"]) == [draft]
    assert list(response.context["workspace"]["sent_back"]) == [sent_back]
    assert "Moderator’s note: Add a source." in page
    assert "12 / 3" in page


def test_staff_without_an_expert_profile_see_no_workspace(client, editor):
    response = home(client, editor)

    assert response.context["workspace"] is None
    assert "Questions waiting for your answer" not in response.content.decode()


def test_expert_starts_an_answer_from_the_assignment_in_one_click(client, expert_user, expert):
    assignment = AssignmentFactory(expert=expert)
    page = home(client, expert_user).content.decode()
    url = start_answer_url(assignment)
    assert f'href="{url.replace("&", "&amp;")}"' in page

    form = client.get(url).context["adminform"].form

    assert form.fields["question"].disabled
    assert form.initial["question"] == str(assignment.question_id)


def test_the_question_of_an_answer_started_from_an_assignment_cannot_be_swapped(
    client, expert_user, expert
):
    assignment = AssignmentFactory(expert=expert)
    client.force_login(expert_user)
    other = QuestionFactory(draft=True)
    AnswerFactory(expert=expert, question=other, rejected=True)

    response = client.post(
        start_answer_url(assignment),
        {"question": other.pk, "body": "My answer.", "position": 0,
         "revisions-TOTAL_FORMS": 0, "revisions-INITIAL_FORMS": 0,
         "flags-TOTAL_FORMS": 0, "flags-INITIAL_FORMS": 0,
         "sources-TOTAL_FORMS": 0, "sources-INITIAL_FORMS": 0},
    )  # fmt: skip

    assert response.status_code == 302, response.context["errors"]
    answer = Answer.objects.get(body="My answer.")
    assert (answer.question, answer.expert, answer.status) == (
        assignment.question,
        expert,
        Answer.Status.DRAFT,
    )


def test_continuing_an_assignment_links_to_the_existing_draft(client, expert_user, expert):
    assignment = AssignmentFactory(expert=expert)
    draft = AnswerFactory(expert=expert, question=assignment.question, draft=True)

    page = home(client, expert_user).content.decode()

    assert reverse("admin:healthqa_answer_change", args=[draft.pk]) in page
    assert "Continue your answer" in page


def test_expert_home_lists_edits_of_live_answers_waiting_for_review(
    client, expert_user, expert, moderator
):
    live = AnswerFactory(expert=expert, body="Walk every day.")
    live.revise(body="Walk every day, for 30 minutes.", by=expert_user)
    AnswerFactory(expert=expert)

    response = home(client, expert_user)

    assert list(response.context["workspace"]["edits_in_review"]) == [live]
    page = response.content.decode()
    assert "Edits waiting for review (1)" in page
    assert reverse("admin:healthqa_answer_change", args=[live.pk]) in page


@pytest.fixture
def briefed(expert, editor):
    """An assignment on a question with Markdown details and an editor's note."""
    editor.first_name, editor.last_name = "Edna", "Editor"
    editor.save()
    question = QuestionFactory(
        draft=True, title="Can I run with shin splints?", details="It hurts **after** 5 km."
    )
    return AssignmentFactory(
        expert=expert,
        question=question,
        assigned_by=editor,
        due_at=timezone.now() + timedelta(days=3),
        note="Please mention <rest> & ice.",
    )


def test_expert_starting_an_answer_sees_the_question_details_and_the_assignment(
    client, expert_user, briefed
):
    client.force_login(expert_user)

    page = client.get(start_answer_url(briefed)).content.decode()

    assert "Can I run with shin splints?" in page
    assert "<p>It hurts <strong>after</strong> 5 km.</p>" in page
    assert "Please mention &lt;rest&gt; &amp; ice." in page
    assert "assigned by Edna Editor" in page
    assert "due " in page
    assert reverse("admin:auth_user_change", args=[briefed.assigned_by_id]) not in page


def test_expert_editing_an_answer_sees_the_question_details_and_the_assignment(
    client, expert_user, expert, briefed
):
    answer = AnswerFactory(expert=expert, question=briefed.question, draft=True)
    client.force_login(expert_user)

    page = client.get(reverse("admin:healthqa_answer_change", args=[answer.pk])).content.decode()

    assert "<p>It hurts <strong>after</strong> 5 km.</p>" in page
    assert "Please mention &lt;rest&gt; &amp; ice." in page
    assert "assigned by Edna Editor" in page


def test_the_brief_links_a_public_question_to_its_reader_page(client, expert_user, expert):
    answer = AnswerFactory(expert=expert)
    client.force_login(expert_user)

    page = client.get(reverse("admin:healthqa_answer_change", args=[answer.pk])).content.decode()

    assert f'<a href="{answer.question.get_absolute_url()}">{answer.question.title}</a>' in page
    assert "No assignment for this question." in page


def test_expert_sees_no_brief_of_a_question_not_theirs(client, expert_user, briefed):
    other = QuestionFactory(draft=True, details="Secret editorial details.")
    client.force_login(expert_user)

    for query in (f"?question={other.pk}", "?question=abc", "?question=99999999999999999999"):
        response = client.get(reverse("admin:healthqa_answer_add") + query)
        assert response.status_code == 200
        assert "Secret editorial details." not in response.content.decode()


def test_expert_sees_only_their_own_assignment_note(
    client, expert_user, briefed, other_expert_user
):
    AssignmentFactory(
        question=briefed.question, expert=other_expert_user.expert_profile, note="For Sam only."
    )
    url = f"{reverse('admin:healthqa_answer_add')}?question={briefed.question_id}"
    client.force_login(expert_user)

    page = client.get(f"{url}&expert={other_expert_user.expert_profile.pk}").content.decode()

    assert "For Sam only." not in page
    assert "Please mention &lt;rest&gt; &amp; ice." in page


def test_assignments_inline_names_who_assigned_without_a_link(client, editor, briefed):
    client.force_login(editor)

    page = client.get(
        reverse("admin:healthqa_question_change", args=[briefed.question_id])
    ).content.decode()

    assert "Edna Editor" in page
    assert reverse("admin:auth_user_change", args=[editor.pk]) not in page

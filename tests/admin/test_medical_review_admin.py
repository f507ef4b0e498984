"""Medical reviewers in the admin: editors (who only view answers) name one on the answer's
"Medical review" page; articles offer and accept only clinicians, with a date that is given
with the reviewer and not in the future."""

from datetime import date, timedelta

import pytest
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.admin.test_admin import admin_url, events_of, form_data, url_for
from tests.factories import AnswerFactory, ArticleFactory, ExpertFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 14)  # the frozen clock's day


@pytest.fixture
def clinician(db):
    return ExpertFactory(is_clinician=True, name="Dr. Ada Reviewer", credentials="MD")


def review_url(answer):
    return reverse("admin:healthqa_answer_medical_review", args=[answer.pk])


def reviewer_of(answer):
    answer.refresh_from_db()
    return answer.medical_reviewer, answer.medically_reviewed_on


def test_the_answer_page_links_the_medical_review_page_for_editors(client, editor, frozen):
    answer = AnswerFactory()
    client.force_login(editor)

    page = client.get(url_for(answer)).content.decode()

    assert f'<a href="{review_url(answer)}">Name the medical reviewer</a>' in page


@pytest.mark.parametrize("role", ["moderator", "expert_user"])
def test_others_see_no_link_and_get_403(client, request, role, clinician, frozen):
    user = request.getfixturevalue(role)
    answer = AnswerFactory(expert=getattr(user, "expert_profile", None) or ExpertFactory())
    client.force_login(user)

    assert "Name the medical reviewer" not in client.get(url_for(answer)).content.decode()
    assert client.get(review_url(answer)).status_code == 403
    posted = {"reviewer": clinician.pk, "reviewed_on": "2025-03-01", "version": answer.version}
    assert client.post(review_url(answer), posted).status_code == 403
    assert reviewer_of(answer) == (None, None)


def test_an_editor_names_the_reviewer_through_the_page(client, editor, clinician, frozen):
    answer = AnswerFactory()
    ExpertFactory(is_clinician=False, name="Ms. Not Clinician")
    client.force_login(editor)
    page = client.get(review_url(answer))
    choices = [label for _, label in page.context["form"].fields["reviewer"].choices]
    assert choices == ["No medical reviewer", "Dr. Ada Reviewer, MD"]

    response = client.post(
        review_url(answer),
        {"reviewer": clinician.pk, "reviewed_on": "2025-03-01", "version": answer.version},
    )

    assert response.status_code == 302 and response.url == url_for(answer)
    assert reviewer_of(answer) == (clinician, date(2025, 3, 1))
    assert [e.action for e in events_of(answer)] == ["medical_review"]
    page = client.get(url_for(answer)).content.decode()
    assert "Dr. Ada Reviewer, MD, 1 March 2025" in page  # the read-only field


def test_an_editor_clears_the_reviewer(client, editor, clinician, frozen):
    answer = AnswerFactory()
    answer.name_medical_reviewer(reviewer=clinician, reviewed_on=TODAY, by=editor)
    client.force_login(editor)

    response = client.post(review_url(answer), {"reviewer": "", "version": answer.version})

    assert response.status_code == 302
    assert reviewer_of(answer) == (None, None)


JUNK = [
    {"reviewer": "abc"},
    {"reviewer": "1;DROP"},
    {"reviewer": "-1"},
    {"reviewer": "99999999"},
    {"reviewer": "99999999999999999999"},
    {"reviewed_on": "not a date"},
    {"reviewed_on": "2025-02-30"},
    {"reviewed_on": "99999-01-01"},
    {"reviewed_on": "2025-03-15"},  # tomorrow
    {"reviewed_on": ""},
    {"version": "abc"},
    {"version": ""},
    {"version": "99999999999999999999"},
    {"version": "0"},
]


@pytest.mark.parametrize("junk", JUNK, ids=lambda junk: repr(junk))
def test_junk_posts_get_form_errors(client, editor, clinician, junk, frozen):
    answer = AnswerFactory()
    client.force_login(editor)
    data = {"reviewer": clinician.pk, "reviewed_on": "2025-03-01", "version": answer.version}

    response = client.post(review_url(answer), {**data, **junk})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()
    assert reviewer_of(answer) == (None, None)


def test_refusals_of_the_model_are_form_errors(client, editor, frozen):
    own = ExpertFactory(is_clinician=True)
    answer = AnswerFactory(expert=own)
    client.force_login(editor)

    response = client.post(
        review_url(answer), {"reviewer": own.pk, "reviewed_on": "2025-03-01", "version": "1"}
    )

    assert response.status_code == 200
    assert "own expert cannot be its medical reviewer" in response.content.decode()


def test_a_stale_page_is_refused(client, editor, superuser, clinician, frozen):
    answer = AnswerFactory()
    client.force_login(editor)
    loaded = client.get(review_url(answer)).context["form"].initial["version"]
    answer.confirm_review(by=superuser)

    response = client.post(
        review_url(answer), {"reviewer": clinician.pk, "reviewed_on": "2025-03-01",
                             "version": loaded},
    )  # fmt: skip

    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert reviewer_of(answer) == (None, None)


@pytest.mark.parametrize("object_id", ["999999", "abc", "99999999999999999999"])
def test_an_unknown_answer_is_a_warning_not_an_error(client, editor, object_id):
    client.force_login(editor)

    response = client.get(f"/admin/healthqa/answer/{object_id}/medical-review/")

    assert response.status_code == 302


def test_the_page_escapes_what_people_wrote(client, editor, frozen):
    answer = AnswerFactory(expert=ExpertFactory(name="<script>alert(1)</script>"))
    client.force_login(editor)

    page = client.get(review_url(answer)).content.decode()

    assert "<script>alert(1)</script>" not in page


# --- Articles ------------------------------------------------------------------------------------


def test_the_article_reviewer_autocomplete_offers_only_clinicians(client, editor, clinician):
    ExpertFactory(is_clinician=False, name="Dr. Ada Coach")
    client.force_login(editor)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "reviewed_by",
            "term": "Ada",
        },
    )

    assert [row["text"] for row in response.json()["results"]] == ["Dr. Ada Reviewer"]


def post_article(client, article, **changes):
    url = url_for(article)
    data = {k: v for k, v in form_data(client.get(url)).items() if not isinstance(v, FieldFile)}
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(url, data)


def review_fields(moment):
    local = timezone.localtime(moment)
    return {
        "reviewed_at_0": local.strftime("%Y-%m-%d"),
        "reviewed_at_1": local.strftime("%H:%M:%S"),
    }


def test_an_article_takes_a_clinician_and_a_past_date(client, editor, clinician, frozen):
    article = ArticleFactory()
    client.force_login(editor)

    response = post_article(
        client,
        article,
        reviewed_by=clinician.pk,
        **review_fields(timezone.now() - timedelta(days=2)),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.reviewed_by == clinician
    assert article.reviewed_at == timezone.now() - timedelta(days=2)


@pytest.mark.parametrize(
    "case, message",
    [
        ("future", "cannot be in the future"),
        ("no date", "Give the date of the medical review"),
        ("no reviewer", "Name the medical reviewer"),
        ("not a clinician", "Select a valid choice"),
    ],
)
def test_the_article_form_refuses_an_incomplete_or_future_review(
    client, editor, clinician, case, message, frozen
):
    article = ArticleFactory()
    client.force_login(editor)
    past = review_fields(timezone.now() - timedelta(days=2))
    changes = {
        "future": {"reviewed_by": clinician.pk, **review_fields(timezone.now() + timedelta(1))},
        "no date": {"reviewed_by": clinician.pk, "reviewed_at_0": "", "reviewed_at_1": ""},
        "no reviewer": {"reviewed_by": None, **past},
        "not a clinician": {"reviewed_by": ExpertFactory(is_clinician=False).pk, **past},
    }[case]

    response = post_article(client, article, **changes)

    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.reviewed_by, stored.reviewed_at) == (None, None)


def test_the_article_form_shows_the_medical_review_fieldset(client, editor):
    client.force_login(editor)

    page = client.get(admin_url("articles.article", "add")).content.decode()

    assert "Medical review" in page and "Give both or neither." in page

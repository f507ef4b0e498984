"""Junk ids posted to relation fields: every admin form answers with a form error, never a 500.

A scanner posts `parent=abc` or `specialties=1;DROP`. The autocomplete widget looked the
posted values up again while rendering the form's errors, and raised. Every registered admin
(inlines included) is tried, on its add page and on the change page of a row made by the
factories: each relation field of the rendered form in turn, with each junk value, as a
superuser. The forms are posted as a browser would, from the HTML the GET returned.
"""

import pytest
from django.apps import apps
from django.contrib.admin.widgets import (
    AutocompleteMixin,
    ForeignKeyRawIdWidget,
    RelatedFieldWidgetWrapper,
)
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.urls import NoReverseMatch

from healthqa.admin.site import site
from tests.admin import test_permission_matrix as matrix
from tests.admin.test_permission_matrix import (
    MODEL_PAGES,
    admin_url,
    rendered_form_data,
    signed_in,
)

# The matrix's users and rows: made once for this module, each test rolled back.
shared, users, world = matrix.shared, matrix.users, matrix.world

pytestmark = pytest.mark.django_db

JUNK = ("abc", "1;DROP", "99999999", "99999999999999999999", "-1", "")


def registered_labels():
    return sorted(
        model._meta.label_lower
        for model in apps.get_models(include_auto_created=True)
        if site.is_registered(model)
    )


def model_admin_of(label):
    return site.get_model_admin(apps.get_model(label))


def existing_row(label, world):
    """The permission matrix's row of the model, else any row (None if there is none)."""
    if label in MODEL_PAGES:
        return getattr(world, MODEL_PAGES[label][0][0])
    return apps.get_model(label)._default_manager.order_by("pk").first()


def page_url(label, page, world):
    """The add page, or the change page of an existing row; None if there is no such page."""
    row = existing_row(label, world) if page == "change" else None
    if page == "change" and row is None:
        return None
    try:
        return admin_url(label, page, *([row.pk] if row else []))
    except NoReverseMatch:
        return None


def unwrapped(widget):
    return widget.widget if isinstance(widget, RelatedFieldWidgetWrapper) else widget


def looks_ids_up(field):
    """An autocomplete or raw-id widget: the ones that take an id typed or posted as text."""
    return isinstance(unwrapped(field.widget), AutocompleteMixin | ForeignKeyRawIdWidget)


def relation_fields(response):
    """[(posted name, form field, model, inline prefix or None)] of the page's relation fields.

    An inline's fields are tried on a new row, whose inputs the page renders in its empty
    form (`prefix-__prefix__-name`).
    """
    fields = []
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        if isinstance(field, ModelChoiceField) and not field.disabled:
            fields.append((form.add_prefix(name), field, form._meta.model, None))
    for inline in response.context["inline_admin_formsets"]:
        empty = inline.formset.empty_form
        if not inline.has_add_permission:
            continue
        for name, field in empty.fields.items():
            if isinstance(field, ModelChoiceField) and not field.disabled:
                fields.append((name, field, empty._meta.model, inline.formset.prefix))
    return fields


def with_junk(data, name, field, prefix, junk):
    """`data` with `junk` posted for the field (on a new inline row when `prefix` is given)."""
    data = dict(data)
    if prefix is not None:
        row = int(data[f"{prefix}-TOTAL_FORMS"])
        template = f"{prefix}-__prefix__-"
        for key, value in list(data.items()):
            if key.startswith(template):
                data[f"{prefix}-{row}-{key.removeprefix(template)}"] = value
        data[f"{prefix}-TOTAL_FORMS"] = str(row + 1)
        name = f"{prefix}-{row}-{name}"
    data[name] = [junk] if isinstance(field, ModelMultipleChoiceField) else junk
    return data, name


def field_errors(response, posted_name):
    """The errors shown for the posted field, on the main form or an inline row."""
    form = response.context["adminform"].form
    for name in form.fields:
        if form.add_prefix(name) == posted_name:
            return form.errors.get(name, [])
    for inline in response.context["inline_admin_formsets"]:
        for row in inline.formset.forms:
            for name in row.fields:
                if row.add_prefix(name) == posted_name:
                    return row.errors.get(name, [])
    return []


def row_counts(models):
    return {model: model._default_manager.count() for model in models}


def snapshot(row):
    """The row's columns and many-to-many ids as they are in the database now."""
    if row is None:
        return None
    manager = type(row)._default_manager
    state = manager.filter(pk=row.pk).values().get()
    fresh = manager.get(pk=row.pk)
    for field in type(row)._meta.many_to_many:
        state[field.name] = sorted(getattr(fresh, field.name).values_list("pk", flat=True))
    return state


def form_page(client, url):
    """The admin's add or change form at `url`, or None (no page, or not a form)."""
    response = client.get(url) if url else None
    if response is None or response.status_code != 200 or not response.context:
        return None
    return response if "adminform" in response.context else None


def try_junk(client, url, world, label, page):
    """Post each junk value to each relation field of the page: [failure], [field tried]."""
    response = form_page(client, url)
    if response is None:
        return [], []
    base = rendered_form_data(response)
    failures, tried = [], []
    model = apps.get_model(label)
    row = existing_row(label, world) if page == "change" else None
    for name, field, owner, prefix in relation_fields(response):
        tried.append((owner._meta.label_lower, name.rpartition("-")[2], looks_ids_up(field)))
        for junk in JUNK:
            data, posted = with_junk(base, name, field, prefix, junk)
            counts, before = row_counts({model, owner}), snapshot(row)
            answer = client.post(url, data)
            case = f"{label} {page}: {posted}={junk!r}"
            if answer.status_code >= 500:
                failures.append(f"{case}: HTTP {answer.status_code}")
                continue
            if junk == "":
                # No id: valid for an optional field; a required one says so.
                if answer.status_code not in {200, 302}:
                    failures.append(f"{case}: HTTP {answer.status_code}")
                continue
            if answer.status_code != 200:
                failures.append(f"{case}: HTTP {answer.status_code}, not the form again")
                continue
            if not field_errors(answer, posted):
                failures.append(f"{case}: the form shows no error for the field")
            if row_counts({model, owner}) != counts:
                failures.append(f"{case}: a row was saved")
            if snapshot(row) != before:
                failures.append(f"{case}: the row was changed")
    return failures, tried


PAGES = [(label, page) for label in registered_labels() for page in ("add", "change")]


@pytest.mark.parametrize("label, page", PAGES)
def test_junk_ids_get_a_form_error_not_a_500(label, page, users, world):
    url = page_url(label, page, world)
    if form_page(signed_in(users["superuser"]), url) is None:
        pytest.skip(f"{label} has no {page} form")
    failures, _ = try_junk(signed_in(users["superuser"]), url, world, label, page)
    assert not failures, "\n".join(failures)


def declared_lookup_fields(request):
    """{(model label, field name)} of every autocomplete and raw-id field of the admins and
    their inlines."""
    declared = set()
    for label in registered_labels():
        model_admin = model_admin_of(label)
        for owner in [model_admin, *model_admin.get_inline_instances(request)]:
            names = [*owner.get_autocomplete_fields(request), *owner.raw_id_fields]
            declared |= {(owner.model._meta.label_lower, name) for name in names}
    return declared


def test_every_autocomplete_and_raw_id_field_is_tried(rf, users, world):
    """The test above finds the fields in the rendered forms: it must find all of them."""
    client = signed_in(users["superuser"])
    tried = set()
    for label, page in PAGES:
        response = form_page(client, page_url(label, page, world))
        if response is None:
            continue
        tried |= {
            (owner._meta.label_lower, name.rpartition("-")[2])
            for name, field, owner, _ in relation_fields(response)
            if looks_ids_up(field)
        }
    request = rf.get("/admin/")
    request.user = users["superuser"]
    declared = declared_lookup_fields(request)
    assert declared, "no autocomplete or raw-id field found: the discovery is broken"
    assert declared <= tried, f"fields never tried: {sorted(declared - tried)}"


@pytest.mark.parametrize("page", ["add", "change"])
@pytest.mark.parametrize(
    "label, fields", [("healthqa.topic", ("parent",)), ("experts.expert", ("specialties", "user"))]
)
def test_raw_id_fields_answer_junk_with_a_form_error(
    label, fields, page, users, world, monkeypatch
):
    """No admin has raw-id fields yet: the same fields as raw ids must answer the same way."""
    model_admin = model_admin_of(label)
    monkeypatch.setattr(model_admin, "autocomplete_fields", ())
    monkeypatch.setattr(model_admin, "raw_id_fields", fields)
    client = signed_in(users["superuser"])
    failures, tried = try_junk(client, page_url(label, page, world), world, label, page)
    assert not failures, "\n".join(failures)
    raw_ids = {name for _, name, looks_up in tried if looks_up}
    assert raw_ids == set(fields)

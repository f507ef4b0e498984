"""Corrections: read-only in the admin (they are made by approving a revision of a live answer
or by saving a live article), and the article form's "This is a correction"."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html

from healthqa.admin.base import ReadOnly, cut, person
from healthqa.admin.workflow import (
    CORRECTION_FIELDS,
    Refused,
    check_correction,
    correction_form_fields,
    correction_note,
    with_checks,
)
from healthqa.models import Correction


@admin.register(Correction)
class CorrectionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("made_at", "what", "short_note", "made_by_name")
    list_filter = ("made_at",)
    search_fields = ("note", "answer__question__title", "article__title")
    list_select_related = ("answer__question", "article", "made_by")
    date_hierarchy = "made_at"
    fields = ("made_at", "what", "note", "made_by_name", "public_link")
    readonly_fields = fields
    made_by_name = person("made_by", "by")

    @admin.display(description="what")
    def what(self, correction):
        if correction.answer_id:
            answer = correction.answer
            url = reverse("admin:healthqa_answer_change", args=[answer.pk])
            return format_html('Answer to <a href="{}">{}</a>', url, answer.question.title)
        article = correction.article
        url = reverse("admin:articles_article_change", args=[article.pk])
        return format_html('Article <a href="{}">{}</a>', url, article.title)

    @admin.display(description="note", ordering="note")
    def short_note(self, correction):
        return cut(correction.note, 80)

    @admin.display(description="on the site")
    def public_link(self, correction):
        url = correction.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)


class CorrectsLiveArticle:
    """For the article admin (listed before its state buttons): on a live article, "This is a
    correction" and its public note; saving records it with `Article.record_correction`, in the
    transaction of the save, so a refusal undoes the save too."""

    @staticmethod
    def is_live(obj):
        return obj is not None and obj.status == obj.Status.PUBLISHED and not obj.is_scheduled

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.is_live(obj):
            description = (
                "Tick it when this save fixes something wrong that readers have seen: the note "
                "is shown above the article and in the list of corrections, with today's date. "
                "Corrections are never deleted."
            )
            fieldsets = [
                *fieldsets,
                ("Correction", {"fields": CORRECTION_FIELDS, "description": description}),
            ]
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            # Declared on every change form, shown only on a live article's: a correction
            # posted for a draft is refused with a reason rather than ignored.
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (base,), correction_form_fields())
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            return form
        live = self.is_live(obj)

        def check(bound):
            if not live and bound.cleaned_data.get("is_correction"):
                state = "scheduled" if obj.is_scheduled else obj.get_status_display().lower()
                bound.add_error(
                    None, f"Only a live article can be marked as corrected; this one is {state}."
                )
            elif live:
                check_correction(bound)

        return with_checks(form, check)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        note = correction_note(form) if change else ""
        if not note:
            return
        try:
            form.instance.record_correction(note=note, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            raise Refused(exc) from exc
        messages.success(request, "Marked as a correction: readers see the note with the article.")

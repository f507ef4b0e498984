"""Sources become full citations: the publisher is kept as "journal or publisher", the
publication date as its year; medical review fields are labelled as such."""

import django.db.models.deletion
from django.db import migrations, models


def years_from_dates(apps, schema_editor):
    Source = apps.get_model("articles", "Source")
    for source in Source.objects.exclude(published_on=None).only("pk", "published_on"):
        Source.objects.filter(pk=source.pk).update(year=source.published_on.year)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_whole_second_times"),
        ("experts", "0005_clinician"),
    ]

    operations = [
        migrations.RenameField(model_name="source", old_name="publisher", new_name="container"),
        migrations.AlterField(
            model_name="source",
            name="container",
            field=models.CharField(
                blank=True,
                help_text="The journal of an article; the publisher of a book, guideline or page.",
                max_length=200,
                verbose_name="journal or publisher",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="year",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(years_from_dates, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="source",
            name="published_on",
        ),
        migrations.AddField(
            model_name="source",
            name="accessed_on",
            field=models.DateField(
                blank=True,
                help_text="When the web address was last read.",
                null=True,
                verbose_name="date accessed",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="authors",
            field=models.CharField(
                blank=True,
                help_text='For example "Smith J, Jones K" or "World Health Organization".',
                max_length=300,
                verbose_name="authors or organization",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="doi",
            field=models.CharField(
                blank=True,
                help_text="For example 10.1249/MSS.0000000000001234.",
                max_length=200,
                verbose_name="DOI",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="kind",
            field=models.CharField(
                choices=[
                    ("journal_article", "Journal article"),
                    ("guideline", "Guideline"),
                    ("book", "Book"),
                    ("web_page", "Web page"),
                ],
                default="journal_article",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="pmid",
            field=models.CharField(blank=True, max_length=9, verbose_name="PubMed ID"),
        ),
        migrations.AlterField(
            model_name="article",
            name="reviewed_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the medical reviewer last checked the content.",
                null=True,
                verbose_name="medically reviewed",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="reviewed_by",
            field=models.ForeignKey(
                blank=True,
                help_text="A clinician expert who checked the medical content.",
                limit_choices_to={"is_clinician": True},
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="experts.expert",
                verbose_name="medical reviewer",
            ),
        ),
        migrations.AlterField(
            model_name="historicalarticle",
            name="reviewed_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the medical reviewer last checked the content.",
                null=True,
                verbose_name="medically reviewed",
            ),
        ),
        migrations.AlterField(
            model_name="historicalarticle",
            name="reviewed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="A clinician expert who checked the medical content.",
                limit_choices_to={"is_clinician": True},
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="experts.expert",
                verbose_name="medical reviewer",
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="url",
            field=models.URLField(blank=True, max_length=500, verbose_name="URL"),
        ),
    ]

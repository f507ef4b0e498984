"""Reader submissions can be merged into an existing question during triage."""

import django.db.models.deletion
from django.db import migrations, models

QUESTION_STATUSES = [
    ("submitted", "Submitted by a reader"),
    ("draft", "Draft"),
    ("published", "Published"),
    ("archived", "Archived"),
    ("rejected", "Rejected"),
    ("merged", "Merged into another question"),
]
MERGE_TARGETS = models.Q(("status__in", ["draft", "published", "archived"]))
MERGED_HELP = "The question a reader submission was merged into during triage."


class Migration(migrations.Migration):
    dependencies = [("healthqa", "0006_search")]

    operations = [
        migrations.RemoveConstraint(model_name="question", name="question_status_valid"),
        migrations.AddField(
            model_name="historicalquestion",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text=MERGED_HELP,
                limit_choices_to=MERGE_TARGETS,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="healthqa.question",
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                help_text=MERGED_HELP,
                limit_choices_to=MERGE_TARGETS,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="merged_submissions",
                to="healthqa.question",
            ),
        ),
        migrations.AlterField(
            model_name="historicalquestion",
            name="status",
            field=models.CharField(
                choices=QUESTION_STATUSES, db_index=True, default="draft", max_length=20
            ),
        ),
        migrations.AlterField(
            model_name="question",
            name="status",
            field=models.CharField(
                choices=QUESTION_STATUSES, db_index=True, default="draft", max_length=20
            ),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        ["submitted", "draft", "published", "archived", "rejected", "merged"],
                    )
                ),
                name="question_status_valid",
            ),
        ),
    ]

"""Publication and review times in whole seconds, as the admin form stores them: a time with
microseconds read as changed by every save of an unchanged form."""

from django.db import migrations


def whole_seconds(apps, schema_editor):
    fields = ("published_at", "reviewed_at")
    for model_name in ("Article", "HistoricalArticle"):
        model = apps.get_model("articles", model_name)
        rows = model._default_manager.using(schema_editor.connection.alias)
        pk = model._meta.pk.attname
        for row in rows.values(pk, *fields).iterator():
            changed = {
                name: value.replace(microsecond=0)
                for name, value in row.items()
                if name in fields and value is not None and value.microsecond
            }
            if changed:
                rows.filter(**{pk: row[pk]}).update(**changed)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_article_version"),
    ]

    operations = [
        # Backwards there is nothing to restore: the microseconds are gone, and not needed.
        migrations.RunPython(whole_seconds, migrations.RunPython.noop, elidable=True),
    ]

"""Grants for sources, corrections, link checks, the publisher's pages and medical reviewers.

Experts keep the sources of their own answers (the admin scopes the rows to their answers);
editors edit the publisher's pages and articles' sources, and name medical reviewers;
corrections are made through approving or saving, never edited, never deleted.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editors": [
        ("healthqa", "add_publisherpage"),
        ("healthqa", "change_publisherpage"),
        ("healthqa", "view_publisherpage"),
        ("healthqa", "view_correction"),
        ("healthqa", "view_linkcheck"),
        ("healthqa", "view_answersource"),
        ("healthqa", "name_medical_reviewer"),
    ],
    "Moderators": [
        ("healthqa", "view_correction"),
        ("healthqa", "view_linkcheck"),
        ("healthqa", "view_answersource"),
    ],
    "Experts": [
        ("healthqa", "add_answersource"),
        ("healthqa", "change_answersource"),
        ("healthqa", "delete_answersource"),
        ("healthqa", "view_answersource"),
    ],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GRANTS.items():
        group = Group.objects.get(name=name)
        for app_label, codename in wanted:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for app_label, codename in wanted:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [("healthqa", "0014_sources_corrections_pages")]

    operations = [migrations.RunPython(grant, revoke)]

"""Create the Editors, Moderators and Experts groups with the permissions of the role table."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def perms(app, model, *actions):
    return [(app, f"{action}_{model}") for action in actions]


ROLES = {
    "Editors": [
        *perms("healthqa", "question", "add", "change", "view"),
        ("healthqa", "triage_question"),
        ("healthqa", "publish_question"),
        *perms("healthqa", "topic", "add", "change", "view"),
        *perms("healthqa", "continuelearningpick", "add", "change", "delete", "view"),
        *perms("healthqa", "assignment", "add", "change", "delete", "view"),
        *perms("healthqa", "sitesettings", "change", "view"),
        *perms("healthqa", "adplacement", "add", "change", "delete", "view"),
        *perms("healthqa", "answer", "view"),
        *perms("healthqa", "answerrevision", "view"),
        *perms("healthqa", "moderationevent", "view"),
        *perms("healthqa", "flag", "view"),
        *perms("articles", "article", "add", "change", "view"),
        *perms("articles", "source", "add", "change", "delete", "view"),
        *perms("experts", "expert", "add", "change", "view"),
        *perms("taggit", "tag", "add", "change", "view"),
    ],
    "Moderators": [
        *perms("healthqa", "question", "change", "view"),
        ("healthqa", "triage_question"),
        *perms("healthqa", "answer", "change", "view"),
        ("healthqa", "moderate_answer"),
        *perms("healthqa", "answerrevision", "view"),
        *perms("healthqa", "moderationevent", "view"),
        *perms("healthqa", "flag", "change", "view"),
        *perms("healthqa", "topic", "view"),
        *perms("healthqa", "assignment", "view"),
        *perms("articles", "article", "view"),
        *perms("experts", "expert", "view"),
    ],
    "Experts": [
        *perms("healthqa", "answer", "add", "change", "view"),
        *perms("healthqa", "answerrevision", "view"),
        *perms("healthqa", "assignment", "view"),
        *perms("healthqa", "question", "view"),
    ],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        found = []
        for app_label, codename in wanted:
            found.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(found)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("healthqa", "0001_initial"),
        ("articles", "0003_initial"),
        ("experts", "0002_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

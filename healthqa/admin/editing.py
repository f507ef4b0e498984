"""Who else has a change page open: the page sends a heartbeat, the answer names the others.

Presence lives in the default cache, which every process shares (disk cache on one machine,
Redis across several): one key per object holding {user id: (name, opened at, last seen)}.
An entry goes when its page says it is leaving (a beacon on pagehide) or when no heartbeat has
come for three intervals. The same answer says whether someone saved a newer version than the
one the page was loaded with. Editors are warned only: the version check of `VersionedAdmin`
still decides which save wins.
"""

import re
import time
import uuid
from datetime import UTC, datetime

from django import forms
from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.urls import path, reverse
from django.utils import timezone

from healthqa.admin.versions import last_change
from healthqa.core.bases import Versioned
from healthqa.core.text import user_label

# How long the read-change-write of one object's entries may hold its lock, and how long a
# heartbeat waits for it before answering from what is stored (the next heartbeat writes).
LOCK_SECONDS = 5
LOCK_WAIT = 0.02
LOCK_TRIES = 50
VERSION = re.compile(r"[0-9]{1,12}")


def heartbeat_seconds():
    return settings.HEALTHQA_EDITING_HEARTBEAT


def expiry_seconds():
    """An entry without a heartbeat for this long is gone: two beats may be late or lost."""
    return 3 * heartbeat_seconds()


def clock_time(timestamp):
    """A Unix time as HH:MM in the site's time zone."""
    return timezone.localtime(datetime.fromtimestamp(timestamp, tz=UTC)).strftime("%H:%M")


class Presence:
    """The people who have the change page of `obj` open, kept in the shared cache."""

    def __init__(self, obj):
        self.cache = caches["default"]
        self.key = f"healthqa:editing:{obj._meta.label_lower}:{obj.pk}"

    def live(self, now):
        entries = self.cache.get(self.key)
        if not isinstance(entries, dict):
            return {}
        oldest = now - expiry_seconds()
        return {user_id: entry for user_id, entry in entries.items() if entry[2] >= oldest}

    def _change(self, change):
        """Apply `change(entries, now)` under a short lock (`cache.add` is atomic in both
        backends), so that two heartbeats at once do not drop each other's entry."""
        lock, token = f"{self.key}:lock", uuid.uuid4().hex
        for _ in range(LOCK_TRIES):
            if self.cache.add(lock, token, timeout=LOCK_SECONDS):
                break
            time.sleep(LOCK_WAIT)
        else:
            return self.live(time.time())
        try:
            now = time.time()
            entries = self.live(now)
            change(entries, now)
            if entries:
                self.cache.set(self.key, entries, timeout=expiry_seconds() + LOCK_SECONDS)
            else:
                self.cache.delete(self.key)
            return entries
        finally:
            if self.cache.get(lock) == token:
                self.cache.delete(lock)

    def beat(self, user):
        """`user` still has the page open; returns everyone's entries."""

        def seen(entries, now):
            _, opened, _ = entries.get(user.pk, (None, now, now))
            entries[user.pk] = (user_label(user), opened, now)

        return self._change(seen)

    def leave(self, user):
        self._change(lambda entries, now: entries.pop(user.pk, None))

    def others(self, user, entries=None):
        """[{"name", "since"}] of everyone but `user`, first opened first."""
        entries = self.live(time.time()) if entries is None else entries
        rows = sorted(
            (opened, name) for user_id, (name, opened, _) in entries.items() if user_id != user.pk
        )
        return [{"name": name, "since": clock_time(opened)} for opened, name in rows]


def newer_version(obj, loaded):
    """{"by", "at"} of the save that moved `obj` past version `loaded`, else None."""
    if loaded is None or not isinstance(obj, Versioned) or obj.version <= loaded:
        return None
    user, changed_at = last_change(obj)
    at = clock_time(changed_at.timestamp()) if changed_at else None
    return {"by": user_label(user), "at": at}


class EditingPresence:
    """For a ModelAdmin: its change pages tell an editor who else has the same object open
    and whether someone saved a newer version (static/js/admin-editing.js)."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_editing"
        view = self.admin_site.admin_view(self.editing_view)
        return [path("<path:object_id>/editing/", view, name=name), *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and not context.get("is_popup"):
            context["media"] = context["media"] + self.editing_media(request, obj, context)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def editing_media(self, request, obj, context):
        """The script, with what it needs in data- attributes (the CSP allows no inline
        script): where to beat, how often, and the version the form was loaded with."""
        form = context["adminform"].form
        version = form["loaded_version"].value() if "loaded_version" in form.fields else None
        if version in (None, "") and isinstance(obj, Versioned):
            version = obj.version
        url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_editing",
            args=(obj.pk,),
        )
        script = forms.Script(
            "js/admin-editing.js",
            defer=True,
            **{
                "data-editing-url": url,
                "data-editing-interval": heartbeat_seconds(),
                "data-editing-version": "" if version is None else version,
                "data-editing-noun": self.opts.verbose_name,
                "data-editing-form": f"{self.opts.model_name}_form",
                "data-editing-can-change": "1" if self.has_change_permission(request, obj) else "",
            },
        )
        return forms.Media(js=[script], css={"all": ["css/admin-editing.css"]})

    def editing_view(self, request, object_id):
        """POST: a heartbeat (with the page's `version`) or, with `release`, leaving."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such object.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        presence = Presence(obj)
        if request.POST.get("release"):
            presence.leave(request.user)
            return HttpResponse(status=204)
        raw = request.POST.get("version", "")
        if raw and not VERSION.fullmatch(raw):
            return HttpResponseBadRequest("The version must be a whole number.")
        # People who may only look are told about the others but are not listed as editing.
        if self.has_change_permission(request, obj):
            entries = presence.beat(request.user)
        else:
            entries = None
        response = JsonResponse(
            {
                "others": presence.others(request.user, entries),
                "newer": newer_version(obj, int(raw) if raw else None),
            }
        )
        response["Cache-Control"] = "no-store"
        return response

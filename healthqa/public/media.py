"""Uploaded files served by the app (small installs; large ones serve media elsewhere)."""

from django.conf import settings
from django.views.static import serve

# An uploaded file is never a page: no script, no plugin, no framing, even if it claims HTML.
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'none'; sandbox"


def serve_media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # Stored names never change content (the storage picks a fresh name for a new upload).
    response["Cache-Control"] = "public, max-age=2592000"
    return response

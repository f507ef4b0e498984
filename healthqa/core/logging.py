"""Logging filters, named in `settings.LOGGING`."""

import logging

from django.conf import settings
from django.utils.encoding import escape_uri_path
from django.utils.module_loading import import_string


def remote_addr(request):
    return request.META.get("REMOTE_ADDR")


class DisallowedHostFilter(logging.Filter):
    """Django's DisallowedHost report as one WARNING line, without the traceback.

    Django logs every request with a foreign Host header at ERROR, traceback included, so a
    scanner fills the log (and the admins' mailbox) with an answer that was only a 400. The
    record becomes "Invalid Host header 'evil.example' from 1.2.3.4 for /path".

    `client_ip`: dotted path of a function request -> IP address (the one behind our proxies).
    """

    MAX_HOST = 200  # characters of the header kept: a scanner may send kilobytes

    def __init__(self, client_ip=None):
        super().__init__()
        self.client_ip_path = client_ip
        self._client_ip = None

    def client_ip(self, request):
        # Imported on first use: logging is configured before the apps are loaded.
        if self._client_ip is None:
            self._client_ip = (
                import_string(self.client_ip_path) if self.client_ip_path else remote_addr
            )
        return self._client_ip(request)

    def filter(self, record):
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info = record.exc_text = record.stack_info = None
        request = getattr(record, "request", None)
        if request is not None:
            record.msg = "Invalid Host header %r from %s for %s"
            record.args = (
                raw_host(request)[: self.MAX_HOST],
                self.client_ip(request) or "an unknown address",
                escape_uri_path(request.path),
            )
        # The record was made at ERROR: the logger's level is checked again for a WARNING.
        return logging.getLogger(record.name).isEnabledFor(logging.WARNING)


def raw_host(request):
    """The Host header as sent (what `request.get_host()` refused)."""
    meta = request.META
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in meta:
        return meta["HTTP_X_FORWARDED_HOST"]
    return meta.get("HTTP_HOST") or meta.get("SERVER_NAME", "")

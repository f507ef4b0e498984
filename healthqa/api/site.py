"""The `NinjaAPI` object, and the JSON shape of every error it answers."""

from django.http import Http404, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from healthqa.api.endpoints import router as endpoints

api = NinjaAPI(
    title="HealthQA API",
    version="1",
    description=(
        "Read-only access to HealthQA's published questions, expert answers, articles, experts, "
        "topics and tags. Only what readers of the site may see."
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url=None,
)
api.add_router("", endpoints)


def error(status, message, **headers):
    """`{"error": {"status": …, "message": …}}`, never cached by anyone."""
    response = JsonResponse({"error": {"status": status, "message": message}}, status=status)
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _messages(errors):
    parts = []
    for item in errors:
        where = ".".join(str(part) for part in item.get("loc", ())[1:]) or "request"
        parts.append(f"{where}: {item.get('msg', 'invalid value')}")
    return "; ".join(parts) or "Invalid request."


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    return error(400, _messages(exc.errors))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error(404, "Not found.")


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return error(exc.status_code, str(exc) or "Request refused.")


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return error(
        401, "Unknown or revoked API key.", WWW_Authenticate='Bearer error="invalid_token"'
    )

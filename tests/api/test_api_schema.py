"""The OpenAPI schema at /api/v1/schema/ and the docs page at /api/docs/ that renders it.

The schema is checked with openapi-spec-validator, and against issue 16: every endpoint, its
parameters and its JSON error responses. The docs page is a page of the site like any other:
open to anonymous readers, under the same Content-Security-Policy, kept by the page cache.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import validate

SCHEMA = "/api/v1/schema/"
DOCS = "/api/docs/"
PAGED = {"limit", "cursor", "fields"}
# Issue 16: each endpoint with the query parameters it must document.
ENDPOINTS = {
    "/api/v1/questions/": PAGED | {"topic", "tag", "updated_since"},
    "/api/v1/questions/{slug}/": {"fields"},
    "/api/v1/articles/": PAGED | {"topic", "updated_since"},
    "/api/v1/articles/{slug}/": {"fields"},
    "/api/v1/experts/": PAGED,
    "/api/v1/experts/{slug}/": {"fields"},
    "/api/v1/topics/": PAGED,
    "/api/v1/topics/{slug}/": {"fields"},
    "/api/v1/tags/": PAGED,
    "/api/v1/search/": PAGED | {"q"},
}
DETAILS = {path for path in ENDPOINTS if "{slug}" in path}


@pytest.fixture
def schema(db, client):
    response = client.get(SCHEMA)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def resolve(schema, node):
    """`node`, or what its `$ref` ("#/components/schemas/Error") points at."""
    while "$ref" in node:
        found = schema
        for part in node["$ref"].removeprefix("#/").split("/"):
            found = found[part]
        node = found
    return node


def api_routes():
    """The URL patterns under /api/v1/ in the URLconf, written as the schema writes paths."""
    found = set()

    def walk(patterns, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and route.startswith("api/v1/"):
                found.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))

    walk(get_resolver().url_patterns, "")
    # django-ninja's root answers 404 when the API has no docs_url (ours live at /api/docs/).
    return found - {SCHEMA, "/api/v1/"}


def test_the_schema_is_valid_openapi(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_the_schema_documents_every_route_of_the_api(schema):
    assert set(ENDPOINTS) <= set(schema["paths"])
    assert api_routes() == set(schema["paths"])


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
def test_each_endpoint_is_a_get_with_its_parameters(schema, path):
    item = schema["paths"][path]
    assert set(item) == {"get"}, "the API is read-only"
    documented = {p["name"]: p for p in item["get"].get("parameters", [])}
    assert ENDPOINTS[path] <= {name for name, p in documented.items() if p["in"] == "query"}
    for name in ENDPOINTS[path]:
        assert documented[name].get("description"), f"{path}: {name} is not described"
    if path in DETAILS:
        assert documented["slug"]["in"] == "path"
        assert documented["slug"]["required"] is True
    if path == "/api/v1/search/":
        assert documented["q"]["required"] is True


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
def test_each_endpoint_documents_its_errors_in_the_error_shape(schema, path):
    responses = schema["paths"][path]["get"]["responses"]
    expected = {"400", "429"} | ({"404"} if path in DETAILS else set())
    assert expected <= set(responses), f"{path} documents only {sorted(responses)}"
    for status in expected:
        body = resolve(schema, responses[status]["content"]["application/json"]["schema"])
        assert body["required"] == ["error"]
        error = resolve(schema, body["properties"]["error"])
        assert set(error["required"]) == {"status", "message"}
        assert error["properties"]["status"]["type"] == "integer"
        assert error["properties"]["message"]["type"] == "string"


def test_the_limit_is_documented_with_its_bounds(schema):
    limit = next(
        p
        for p in schema["paths"]["/api/v1/questions/"]["get"]["parameters"]
        if p["name"] == "limit"
    )
    assert limit["schema"]["default"] == 20
    assert limit["schema"]["maximum"] == 100
    assert limit["schema"]["minimum"] == 1


@pytest.mark.django_db
def test_anonymous_readers_get_the_docs_page_with_the_schema_address(client):
    response = client.get(DOCS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>API documentation</h1>" in page
    assert f'data-schema-url="{SCHEMA}"' in page
    assert "http://testserver/api/v1/" in page
    assert 'href="/"' in page  # the site itself


@pytest.mark.django_db
def test_the_docs_page_loads_only_our_static_files_and_no_inline_script(client):
    page = client.get(DOCS).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", page)
    sources = [re.search(r'src="([^"]+)"', attrs) for attrs in scripts]
    assert all(sources), "inline script on the docs page"
    assert [m.group(1) for m in sources] == [
        "/static/ninja/swagger-ui-bundle.js",
        "/static/js/api-docs.js",
    ]
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert "/static/ninja/swagger-ui.css" in stylesheets
    assert all(href.startswith("/static/") for href in stylesheets)
    assert "<style" not in page
    assert " style=" not in page


@pytest.mark.django_db
def test_the_docs_page_has_the_sites_content_security_policy(client):
    policy = client.get(DOCS)["Content-Security-Policy"]
    assert policy == client.get("/")["Content-Security-Policy"]
    assert "unsafe" not in policy
    assert "script-src 'self';" in policy + ";"


@pytest.mark.django_db
def test_swagger_ui_is_served_from_our_static_files(client):
    for url in ("/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui.css",
                "/static/js/api-docs.js", "/static/css/api-docs.css"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        b"".join(response.streaming_content)


@pytest.mark.django_db(transaction=True)
def test_the_docs_page_is_kept_by_the_page_cache():
    from healthqa.models import ContentChange, SiteSettings

    # As tests/public: only this test's own changes in the log, the settings row made first.
    ContentChange.objects.all().delete()
    SiteSettings.load()
    first = Client().get(DOCS)
    assert first["X-Page-Cache"] == "miss"
    assert first["Cache-Control"].startswith("public")
    assert Client().get(DOCS)["X-Page-Cache"] == "hit"

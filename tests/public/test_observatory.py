"""The MDN HTTP Observatory grade (scripts/observatory) and the headers it grades."""

import json
import os
import shutil
import socket
import subprocess
import sys

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "observatory"
SCANNER = ROOT / "node_modules" / "@mdn" / "mdn-http-observatory" / "src" / "scanner" / "index.js"


def csp_directives(response):
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/questions/", "/no-such-page/", "/admin/login/"])
def test_pages_refuse_every_resource_kind_not_listed(client, url):
    directives = csp_directives(client.get(url))
    assert directives["default-src"] == "'none'"
    for kind in ("script-src", "style-src", "img-src", "font-src", "connect-src", "form-action"):
        assert "'self'" in directives[kind].split()


@pytest.mark.django_db
def test_pages_are_not_loadable_by_other_origins(client):
    assert client.get("/")["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.django_db
def test_uploads_keep_their_own_locked_down_policy(client):
    name = default_storage.save("tests/note.txt", ContentFile(b"hello"))
    response = client.get(f"/media/{name}")
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "sandbox" in response["Content-Security-Policy"]


def _unbindable_port():
    """The first of 80/443 on localhost that this process cannot bind, or None."""
    for port in (80, 443):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError as exc:
                return f"port {port} on 127.0.0.1: {exc}"
    return None


def test_the_site_grades_a_plus_with_no_failed_test(tmp_path):
    if not shutil.which("node"):
        pytest.skip("node is not installed: the Observatory scanner is a Node program")
    if not SCANNER.is_file():
        pytest.skip("@mdn/mdn-http-observatory is not installed (npm ci --ignore-scripts)")
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed: it makes the local CA")
    busy = _unbindable_port()
    if busy:
        pytest.skip(f"the scanner needs ports 80 and 443 on localhost, cannot bind {busy}")

    output = tmp_path / "observatory.json"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    scan = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--output", str(output)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        log, _ = scan.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        scan.terminate()  # SIGTERM: the script stops its servers before exiting
        log, _ = scan.communicate(timeout=30)
        pytest.fail(f"scripts/observatory took over 120 s:\n{log}")
    assert scan.returncode == 0, log

    report = json.loads(output.read_text())
    failed = {name: test["result"] for name, test in report["tests"].items() if not test["pass"]}
    assert (report["grade"], failed) == ("A+", {}), log
    assert len(report["tests"]) == 10
    assert report["score"] >= 100
    tests = report["tests"]
    assert tests["redirection"]["result"] == "redirection-to-https"
    assert tests["strict-transport-security"]["result"] == (
        "hsts-implemented-max-age-at-least-six-months"
    )
    assert tests["content-security-policy"]["result"] == (
        "csp-implemented-with-no-unsafe-default-src-none"
    )

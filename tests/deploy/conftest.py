"""The site as production runs it (gunicorn, collected static files, demo content) behind the
proxy configurations in deploy/.

`site`: one gunicorn per test module, on its own copy of a demo database built once per session;
a module sets extra environment for it by overriding `site_env`. `varnish` and `nginx` run the
configurations from deploy/ with only the addresses rewritten.
"""

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.deploy.harness import (
    HOST,
    build_demo,
    free_port,
    rewrite,
    run_proxy,
    serve,
    stop,
    system_tool,
)

VCL = ROOT / "deploy" / "varnish.vcl"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    """The environment of a migrated database with the demo content and collected static files
    (about 10 s, once per session)."""
    return build_demo(tmp_path_factory.mktemp("demo-build"))


@pytest.fixture(scope="module")
def site_env():
    """Extra environment for the module's site (e.g. HEALTHQA_PURGE_URL, REDIS_URL)."""
    return {}


@pytest.fixture(scope="module")
def site(demo_build, site_env, tmp_path_factory):
    """gunicorn with 3 workers on a fresh copy of the demo database and an empty cache:
    `.url`, `.env`, `.manage(*args)`, `.shell(code)`, `.get(path)`, `.log`."""
    served = serve(demo_build, tmp_path_factory.mktemp("site"), site_env)
    yield served
    stop(served.process)


@pytest.fixture(scope="module")
def varnish_port():
    """Chosen before the site starts, so that the site can be told where to purge."""
    return free_port()


@pytest.fixture(scope="module")
def varnish(site, varnish_port, tmp_path_factory):
    """varnishd in the foreground with deploy/varnish.vcl, its backend pointed at the site."""
    varnishd = system_tool("varnishd", "varnish")
    workdir = tmp_path_factory.mktemp("varnish")
    vcl = workdir / "varnish.vcl"
    vcl.write_text(
        rewrite(VCL.read_text(), r'^(\s*\.port\s*=\s*")8000(";)', rf"\g<1>{site.port}\2")
    )
    # -j none: no privilege separation, so the work directory under pytest's private temporary
    # folder stays usable when the tests run as root.
    args = [varnishd, "-F", "-j", "none", "-n", workdir / "instance", "-f", vcl,
            "-a", f"{HOST}:{varnish_port}", "-s", "malloc,32m"]  # fmt: skip
    proxy = run_proxy(args, f"http://{HOST}:{varnish_port}", workdir, workdir / "varnishd.log",
                      "varnishd")  # fmt: skip
    yield proxy
    stop(proxy.process)


@pytest.fixture(scope="module")
def nginx(site):
    """nginx in the foreground with deploy/nginx.conf under a prefix of its own, its listen
    address and upstream rewritten."""
    binary = system_tool("nginx", "nginx")
    # Not under pytest's temporary folder (mode 0700): nginx's workers run as another user when
    # the tests run as root, and must reach the cache.
    prefix = Path(tempfile.mkdtemp(prefix="healthqa-nginx-"))
    prefix.chmod(0o755)
    (prefix / "logs").mkdir()
    port = free_port()
    text = rewrite(NGINX_CONF.read_text(), r"^(\s*listen\s+)8080;", rf"\g<1>{HOST}:{port};")
    text = rewrite(text, r"^(\s*server\s+)127\.0\.0\.1:8000;", rf"\g<1>{HOST}:{site.port};")
    conf = prefix / "nginx.conf"
    conf.write_text(text)
    args = [binary, "-p", f"{prefix}/", "-c", conf, "-g", "daemon off;"]
    try:
        proxy = run_proxy(args, f"http://{HOST}:{port}", prefix, prefix / "nginx.out",
                          "nginx")  # fmt: skip
        yield proxy
        stop(proxy.process)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)

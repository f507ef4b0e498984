"""HealthQA against the framework's ceiling, in one run (`make bench`).

1. Builds a data set (default 100,000 questions) in its own database, unless it exists.
2. Starts HealthQA and a minimal Django "hello" app, each under gunicorn with the same number
   of sync workers, production settings, on 127.0.0.1.
3. Loads them with wrk, alternating: hello, question page with the cache cold (every request a
   different question) and warm (one question), topic page, home, search, and the API's question
   detail and listing, warm and cold (`bench/api.py`).
4. Times the API's first and 5,000th listing page, uncached (`bench/api.py`).
5. Prints and writes bench/results.md: requests/s, p50/p99 latency, non-2xx count, ratio to the
   ceiling, and the workers' peak memory.
"""

import argparse
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import api, survival  # noqa: E402

PYTHON = sys.executable

# What readers type: the generated vocabulary (body parts, activities, topics) and the demo
# questions, short and long, common and rare, plus a few that match nothing.
SEARCH_QUERIES = [
    "back pain push-ups", "why does my back hurt when i do push-ups", "lower back pain",
    "knee pain running", "is it safe to run with knee problems", "shoulder", "hip pain cycling",
    "ankle swim", "sleep", "insomnia", "how many hours of sleep do adults need", "naps",
    "snoring", "protein breakfast", "fibre", "hydration", "blood pressure", "heart rate exercise",
    "cholesterol", "circulation stairs", "stress", "anxiety yoga", "mood", "focus at my desk",
    "eczema", "sunburn", "acne", "dry skin", "bloating", "heartburn", "constipation", "gut health",
    "should i see a doctor about neck pain", "spine", "stand all day", "carry my child",
    "garden back", "play tennis elbow", "climb stairs knee", "lift weights safely",
    "warm up before exercise", "physical therapist", "rest days", "posture", "numbness weakness",
    "pushups", "push-ups", "what helps hip trouble after i swim", "vitamin d", "xylophone quartz",
]  # fmt: skip


def log(message):
    print(f"[bench] {message}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_url, static_root, media_root, redis_url):
    env = dict(os.environ)
    for key in [k for k in env if k.startswith("DJANGO_")]:
        del env[key]
    env.update(
        DJANGO_SETTINGS_MODULE="healthqa.settings",
        DJANGO_SECRET_KEY="benchmark-only-secret-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_MEDIA_ROOT=str(media_root),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        HEALTHQA_CACHE_DIR=str(Path(static_root).parent / "cache"),
        HEALTHQA_API_RATE_LIMIT=str(api.RATE_LIMIT),
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(*args, env):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_until_up(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def gunicorn(app, port, workers, env):
    command = [
        PYTHON, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", "sync", "--log-level", "warning", "--keep-alive", "5",
    ]  # fmt: skip
    errors = Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log"
    with open(errors, "w") as logfile:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=logfile, start_new_session=True)  # fmt: skip


def worker_pids(master_pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master_pid)],
                         capture_output=True, text=True).stdout  # fmt: skip
    return [int(pid) for pid in out.split()]


def peak_memory_mb(pids):
    peak = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peak = max(peak, int(match.group(1)) / 1024)
    return peak


def parse_wrk(output):
    def latency(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       output)  # fmt: skip
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "requests": int(total.group(1)) if total else 0,
        "p50": latency("50"),
        "p99": latency("99"),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(g) for g in errors.groups()) if errors else 0,
    }


def run_wrk(url, *, seconds, connections, threads, paths_file=None):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    env = dict(os.environ)
    if paths_file:
        command[1:1] = ["-s", str(ROOT / "bench" / "paths.lua")]
        env["WRK_PATHS"] = str(paths_file)
    output = subprocess.run(command, capture_output=True, text=True, env=env).stdout
    return parse_wrk(output)


def build_data(args, env):
    sqlite = args.database_url.startswith("sqlite")
    if args.reuse and (not sqlite or Path(args.db_file).exists()):
        log(f"reusing {args.db_file if sqlite else 'the database at --database-url'}")
        return
    if args.database_url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db_file}{suffix}").unlink(missing_ok=True)
    log("migrating")
    manage("migrate", "--noinput", "-v0", env=env)
    log("loading the demo site")
    manage("load_demo", env={**env, "DEMO_PASSWORD": "benchmark-demo-password"})
    log(f"generating {args.questions} questions")
    started = time.monotonic()
    manage("generate_content", "--questions", str(args.questions), "--seed", str(args.seed),
           env=env)  # fmt: skip
    log(f"data set ready in {time.monotonic() - started:.0f} s")
    if (ROOT / "healthqa" / "management" / "commands" / "rebuild_search_index.py").exists():
        started = time.monotonic()
        manage("rebuild_search_index", env=env)
        log(f"search index rebuilt in {time.monotonic() - started:.0f} s")


def flush_cache(redis_url, cache_dir):
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    else:
        shutil.rmtree(cache_dir, ignore_errors=True)


def question_paths(args, env, count=20_000):
    query = (
        "SELECT slug FROM healthqa_question WHERE status = 'published' AND slug LIKE 'gen%' "
        f"ORDER BY id LIMIT {count * 5}"
    )
    if args.database_url.startswith("sqlite"):
        with sqlite3.connect(args.db_file) as db:
            slugs = [row[0] for row in db.execute(query).fetchall()]
    else:
        code = (
            "from django.db import connection\n"
            "with connection.cursor() as c:\n"
            f"    c.execute({query.replace('%', '%%')!r})\n"
            "    print('\\n'.join(row[0] for row in c.fetchall()))"
        )
        out = subprocess.run([PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
        slugs = out.split()
    random.Random(1).shuffle(slugs)
    return [f"/questions/{slug}/" for slug in slugs[:count]]


def search_latency(site_url, env, rounds=3):
    """Sequential search requests, one at a time: p50, p95 and max in ms over every request."""
    from urllib.parse import urlencode

    def fetch(query):
        started = time.perf_counter()
        with urllib.request.urlopen(f"{site_url}/search/?{urlencode({'q': query})}") as response:
            response.read()
            if response.status != 200:
                raise RuntimeError(f"search {query!r} answered {response.status}")
        return (time.perf_counter() - started) * 1000

    for query in SEARCH_QUERIES:  # warm up the workers
        fetch(query)
    timings = sorted(fetch(query) for _ in range(rounds) for query in SEARCH_QUERIES)

    def percentile(p):
        return timings[min(len(timings) - 1, int(round(p / 100 * (len(timings) - 1))))]

    return {
        "queries": len(SEARCH_QUERIES),
        "requests": len(timings),
        "p50": percentile(50),
        "p95": percentile(95),
        "max": timings[-1],
        "long_max": long_query_ms(env),
    }


LONG_QUERY_CODE = """
import time
from django.test import Client
words = " ".join({queries!r}).split()
query = ""
while len(query) < 10_000:
    query += words[len(query) % len(words)] + " "
client, timings = Client(), []
for _ in range(5):
    started = time.perf_counter()
    response = client.get("/search/", {{"q": query[:10_000]}}, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, response.status_code
    timings.append((time.perf_counter() - started) * 1000)
print(max(timings))
"""


def long_query_ms(env):
    """A reader pasting a whole article (10,000 characters) into search, timed in the app.

    In-process, because gunicorn (like most front servers) refuses request lines over 4 KB
    with a 414 before the app sees them.
    """
    code = LONG_QUERY_CODE.format(queries=SEARCH_QUERIES)
    out = subprocess.run([PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return float(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--db-file", default=str(ROOT / "bench" / "out" / "bench.sqlite3"))
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--reuse", action="store_true", help="keep an existing data set")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        help='the shared cache of the workers (flushed by the benchmark); "" for the disk cache',
    )
    parser.add_argument("--results", default=str(ROOT / "bench" / "results.md"))
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="only the sequential search latency (no wrk, no hello app)",
    )
    parser.add_argument(
        "--paging-only",
        action="store_true",
        help="only the API's first and 5,000th page, timed (no wrk, no hello app)",
    )
    args = parser.parse_args()
    if not (args.search_only or args.paging_only) and not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    Path(args.db_file).parent.mkdir(parents=True, exist_ok=True)
    args.database_url = args.database_url or f"sqlite:///{args.db_file}"
    work = Path(tempfile.mkdtemp(prefix="healthqa-bench-"))
    media_root = Path(args.db_file).parent / "media"
    env = production_env(args.database_url, work / "static", media_root, args.redis_url)
    build_data(args, env)
    manage("collectstatic", "--noinput", "-v0", env=env)

    # Before the workers start: they keep the disk cache's files open and cannot recreate them.
    flush_cache(args.redis_url, env["HEALTHQA_CACHE_DIR"])  # nothing left from earlier
    site_port, hello_port = free_port(), free_port()
    site = gunicorn("healthqa.wsgi", site_port, args.workers, env)
    if args.search_only or args.paging_only:
        try:
            wait_until_up(f"http://127.0.0.1:{site_port}/healthz")
            if args.search_only:
                report = render_search(args, search_latency(f"http://127.0.0.1:{site_port}", env))
            else:
                paging = api.deep_paging(f"http://127.0.0.1:{site_port}", env)
                report = api.render_paging(vendor_name(args), paging)
        finally:
            os.killpg(site.pid, signal.SIGTERM)
            site.wait(timeout=30)
        print(report)
        return
    hello = gunicorn("bench.hello.wsgi", hello_port, args.workers,
                     {**env, "DJANGO_SETTINGS_MODULE": "bench.hello.settings"})  # fmt: skip
    try:
        site_url, hello_url = f"http://127.0.0.1:{site_port}", f"http://127.0.0.1:{hello_port}"
        wait_until_up(site_url + "/healthz")
        wait_until_up(hello_url + "/")
        paths = question_paths(args, env)
        paths_file = work / "questions.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        question = "/questions/why-does-my-back-hurt-when-i-do-push-ups/"
        scenarios = [
            ("question page, cold cache (20,000 different questions)", site_url, paths_file),
            ("question page, warm cache (one question)", site_url + question, None),
            ("topic page", site_url + "/topics/back-pain/", None),
            ("home", site_url + "/", None),
            ("search", site_url + "/search/?q=back+pain+push-ups", None),
            *api.scenarios(site_url, work, paths),
        ]
        for _, url, cold in scenarios:  # warm up the workers and the page cache
            if not cold:
                run_wrk(url, seconds=2, connections=4, threads=1)
        run_wrk(hello_url + "/", seconds=2, connections=4, threads=1)
        rows, ceilings = [], []
        for name, url, paths in scenarios:
            log(f"hello (ceiling) then {name}")
            ceiling = run_wrk(hello_url + "/", seconds=args.seconds, connections=args.connections,
                              threads=args.threads)  # fmt: skip
            ceilings.append(ceiling)
            result = run_wrk(url if not paths else url + "/", seconds=args.seconds,
                             connections=args.connections, threads=args.threads,
                             paths_file=paths)  # fmt: skip
            result["ratio"] = result["rps"] / ceiling["rps"] if ceiling["rps"] else 0
            rows.append((name, result))
        log("sequential search latency")
        latency = search_latency(site_url, env)
        log(f"API deep paging: page 1 and page {api.DEEP_PAGE:,}")
        paging = api.deep_paging(site_url, env)
        log("page cache survival after an edit")
        kept = survival.measure(site_url, paths_file.read_text().split(), env)
        memory = peak_memory_mb(worker_pids(site.pid))
        hello_memory = peak_memory_mb(worker_pids(hello.pid))
    finally:
        for process in (site, hello):
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for process in (site, hello):
            process.wait(timeout=30)
    ceiling_rps = sum(c["rps"] for c in ceilings) / len(ceilings)
    ceiling_p50 = sum(c["p50"] for c in ceilings) / len(ceilings)
    ceiling_p99 = sum(c["p99"] for c in ceilings) / len(ceilings)
    report = render(args, rows, ceiling_rps, ceiling_p50, ceiling_p99, memory, hello_memory)
    report += render_search(args, latency)
    report += api.render_paging(vendor_name(args), paging)
    report += survival.render(kept)
    print(report)
    Path(args.results).write_text(report)
    log(f"written to {args.results}")


def render(args, rows, ceiling_rps, ceiling_p50, ceiling_p99, memory, hello_memory):
    import django

    vendor = vendor_name(args)
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())  # fmt: skip
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `make bench`: {args.questions:,} "
        f"generated questions on {vendor}, gunicorn with {args.workers} sync workers, production "
        f"settings, shared cache {'Redis' if args.redis_url else 'on disk (no REDIS_URL)'}, wrk "
        f"`-t{args.threads} -c{args.connections} -d{args.seconds}s` on loopback; "
        "the hello app is measured right before each HealthQA page, in the same run; "
        f"`HEALTHQA_API_RATE_LIMIT={api.RATE_LIMIT}` (wrk is one client).",
        "",
        f"Machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, "
        f"Django {django.get_version()}.",
        "",
        "| page | requests/s | p50 ms | p99 ms | non-2xx | × hello ceiling |",
        "|---|---:|---:|---:|---:|---:|",
        f'| minimal Django "hello" (ceiling, mean) | {ceiling_rps:,.0f} | {ceiling_p50:.1f} | '
        f"{ceiling_p99:.1f} | 0 | 1.00 |",
    ]
    for name, r in rows:
        lines.append(
            f"| {name} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
            f"{r['non2xx'] + r['socket_errors']} | {r['ratio']:.2f} |"
        )
    lines += [
        "",
        f"Peak resident memory of one HealthQA worker: {memory:.0f} MB "
        f"(hello worker: {hello_memory:.0f} MB).",
        "",
    ]
    return "\n".join(lines)


def vendor_name(args):
    return "SQLite" if args.database_url.startswith("sqlite") else "PostgreSQL"


def render_search(args, latency):
    vendor = vendor_name(args)
    return "\n".join(
        [
            f"Search latency on {vendor}, one request at a time (no other load): "
            f"{latency['queries']} fixed queries × 3 = {latency['requests']} requests "
            f"(`SEARCH_QUERIES` in bench/bench.py): p50 {latency['p50']:.1f} ms, "
            f"p95 {latency['p95']:.1f} ms, max {latency['max']:.1f} ms. A 10,000-character "
            f"query: at most {latency['long_max']:.1f} ms over 5 requests.",
            "",
        ]
    )


if __name__ == "__main__":
    main()

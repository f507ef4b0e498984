"""How much of the page cache survives an edit (part of `make bench`).

With every sampled page cached (random question pages, every topic page, the lists), one change
is made the way editors and readers make it: a question's title saved from a separate
`manage.py shell` process, an answer's text saved likewise, a reader's vote over HTTP. Then every
sampled page is requested again: the share still answered from the cache (`X-Page-Cache: hit`)
is the share that survived. The edited question is drawn from all questions, not the sample.
"""

import http.client
import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

EDITS = {
    "a random question's title, saved in another process": """
from healthqa.models import Question
q = Question.objects.public().filter(slug__startswith="gen").order_by("?").first()
q.title = q.title + " (edited)"
q.save()
print(q.get_absolute_url())
""",
    "an answer's text, saved in another process": """
from healthqa.models import Answer
a = Answer.objects.public().filter(question__slug__startswith="gen").order_by("?").first()
a.body = a.body + " Edited."
a.save()
print(a.question.get_absolute_url())
""",
}


def cache_state(url):
    request = urllib.request.Request(url, headers={"User-Agent": "bench"})
    with urllib.request.urlopen(request, timeout=30) as response:  # nosec B310: loopback
        response.read()
        return response.headers.get("X-Page-Cache")


def shell(code, env):
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", code]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def sample_paths(question_paths, env, questions=2000):
    lists = json.loads(
        shell(
            "import json\nfrom healthqa.models import Topic\n"
            "print(json.dumps([t.get_absolute_url() for t in Topic.objects.all()]))",
            env,
        )
    )
    return ["/", "/questions/", "/topics/", "/experts/", "/articles/", *lists,
            *question_paths[:questions]]  # fmt: skip


def vote(site_url, path, env):
    """A reader's vote on the first answer of a sampled question page."""
    answer = shell(
        "from healthqa.models import Answer\n"
        f"print(Answer.objects.public().filter(question__slug={path.split('/')[2]!r})"
        ".values_list('pk', flat=True).first())",
        env,
    )
    # http.client, not urllib: the 302 back to the page must not be followed (that GET would
    # store the page again before it is counted).
    address = urlsplit(site_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request(
        "POST",
        f"/answers/{answer}/helpful/",
        body="vote=yes",
        headers={"Origin": site_url, "Content-Type": "application/x-www-form-urlencoded"},
    )
    status = connection.getresponse().status
    connection.close()
    assert status == 302, status
    return path


def edit_sampled_title(path, env):
    """The title of a sampled question, saved in another process."""
    return shell(
        "from healthqa.models import Question\n"
        f"q = Question.objects.get(slug={path.split('/')[2]!r})\n"
        "q.title = q.title + ' (edited)'\nq.save()\nprint(q.get_absolute_url())",
        env,
    )


def measure(site_url, question_paths, env):
    """[(edit, pages sampled, pages kept, the edited question's page)] for each edit."""
    paths = sample_paths(question_paths, env)
    for path in paths:
        cache_state(site_url + path)
    results = []
    edits = [
        *((name, lambda code=code: shell(code, env)) for name, code in EDITS.items()),
        ("a sampled question's title, saved in another process",
         lambda: edit_sampled_title(paths[-2], env)),
        ("a reader's vote on one sampled question's answer",
         lambda: vote(site_url, paths[-1], env)),
    ]  # fmt: skip
    for name, make in edits:
        for path in paths:  # everything cached again before each edit
            cache_state(site_url + path)
        edited = make()
        kept = sum(cache_state(site_url + path) == "hit" for path in paths)
        results.append((name, len(paths), kept, edited in paths))
    return results


def render(results):
    lines = [
        "",
        "Page cache after one edit (every sampled page cached first; `bench/survival.py`):",
        "",
        "| edit | pages sampled | still served from the cache | share |",
        "|---|---:|---:|---:|",
    ]
    for name, sampled, kept, _ in results:
        lines.append(f"| {name} | {sampled:,} | {kept:,} | {kept / sampled:.2%} |")
    return "\n".join(lines) + "\n"

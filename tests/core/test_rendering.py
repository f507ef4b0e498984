import ast
import random
import re

import pytest
from django.template import engines
from django.utils.safestring import SafeData, SafeString

from healthqa.core.markdown import plain_text, render_markdown, sanitize_html, teaser
from healthqa.templatetags.healthqa_tags import markdown
from tests.conftest import ROOT

# --- render_markdown ---------------------------------------------------------------------------


def test_markdown_is_rendered():
    html = render_markdown("## Warm up\n\nDo **ten** push-ups.\n\n- one\n- two")

    assert "<h2>Warm up</h2>" in html
    assert "<strong>ten</strong>" in html
    assert "<li>one</li>" in html


@pytest.mark.parametrize("source", [None, ""])
def test_empty_source_renders_nothing(source):
    assert render_markdown(source) == ""


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Before <script src=https://evil.example/x.js></script> after",
        "<img src=x onerror=alert(1)>",
        '<a href="https://example.com" onclick="alert(1)">link</a>',
        "<iframe src=https://evil.example></iframe>",
        "<style>body{display:none}</style>",
    ],
)
def test_raw_html_is_shown_as_text_not_markup(source):
    html = render_markdown(source)

    assert not re.search(r"<(script|img|iframe|style)\b", html, re.I)
    assert not re.search(r"<a\b[^>]*\bon\w+=", html, re.I)
    assert "&lt;" in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](java&#115;cript:alert(1))",
        "[click][ref]\n\n[ref]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ],
)
def test_dangerous_links_do_not_become_links(source):
    html = render_markdown(source)

    assert "href" not in html


def test_sanitizer_removes_javascript_hrefs_and_event_handlers():
    html = sanitize_html(
        '<a href="javascript:alert(1)" onclick="alert(2)">x</a><p onmouseover="alert(3)">p</p>'
        '<img src="x" onerror="alert(4)">'
    )

    assert "javascript" not in html
    assert "alert" not in html
    assert "<img" not in html
    assert "<p>p</p>" in html


@pytest.mark.parametrize(
    "href",
    ["http://example.com/a", "https://example.com/b?c=d", "mailto:help@example.com",
     "tel:+15551234567"],
)  # fmt: skip
def test_safe_links_are_kept_with_nofollow(href):
    html = render_markdown(f"[link]({href})")

    match = re.search(r'<a href="([^"]*)" rel="([^"]*)">link</a>', html)
    assert match, html
    assert match.group(1) == href.replace("&", "&amp;")
    assert "nofollow" in match.group(2).split()


def test_images_are_not_embedded_from_markdown():
    html = render_markdown("![tracker](https://evil.example/pixel.gif)")

    assert "<img" not in html


@pytest.mark.parametrize("source", [None, "", "Some *text*."])
def test_render_markdown_returns_safe_html(source):
    assert isinstance(render_markdown(source), SafeString)


# --- the `markdown` template filter --------------------------------------------------------------


def render_with_filter(source):
    template = engines["django"].from_string("{% load healthqa_tags %}{{ source|markdown }}")
    return template.render({"source": source})


def test_markdown_filter_renders_markdown_unescaped():
    html = render_with_filter("Take **two** a day.\n\n- one\n- two")

    assert "<p>Take <strong>two</strong> a day.</p>" in html
    assert "<li>one</li>" in html
    assert "&lt;" not in html


def test_markdown_filter_returns_what_render_markdown_renders():
    source = "## Rest\n\nSee [the guide](https://example.com/guide) & rest."

    assert render_with_filter(source) == render_markdown(source)


def test_markdown_filter_returns_safe_html():
    assert isinstance(markdown("Some *text*."), SafeData)
    assert isinstance(markdown(""), SafeData)


def test_markdown_filter_removes_scripts():
    html = render_with_filter("Before <script>alert(1)</script> after")

    assert not re.search(r"<script\b", html, re.I)
    assert "&lt;script&gt;" in html  # shown as text, escaped once


@pytest.mark.parametrize(
    "source", ["[click](javascript:alert(1))", "[click][ref]\n\n[ref]: JaVaScRiPt:alert(1)"]
)
def test_markdown_filter_drops_javascript_links(source):
    html = render_with_filter(source)

    assert "href" not in html
    assert not re.search(r"=\s*[\"']?\s*javascript:", html, re.I)  # in no attribute
    assert "click" in html


def test_markdown_filter_renders_nothing_for_an_empty_field():
    assert render_with_filter(None) == ""
    assert render_with_filter("") == ""


# --- Markdown is marked safe in one place ------------------------------------------------------

# Every call of mark_safe (or SafeString) in the project's code, by file and function. Only
# render_markdown marks Markdown output safe; the others build HTML from pieces they escape
# themselves (or serialize safely) and never see Markdown output.
ALLOWED_MARK_SAFE = {
    # Markdown rendered and sanitized with nh3: the one place.
    ("healthqa/core/markdown.py", "render_markdown"),
    # The word diff: every word is escaped before <del>/<ins> are added.
    ("healthqa/core/text.py", "word_diff"),
    # Search snippets: the text is escaped before <mark> is added.
    ("healthqa/search/results.py", "_highlight"),
    # JSON-LD: seo.to_script_json escapes <, > and & inside the script element.
    ("healthqa/templatetags/seo_tags.py", "_script"),
    # A shared include: the output of a template, escaped by the template engine.
    ("healthqa/templatetags/healthqa_tags.py", "shared_include.render"),
    # `[n]` links in sanitized HTML: only text between tags changes, and the anchor is escaped.
    ("healthqa/core/citations.py", "link_citations"),
}
SAFE_MAKERS = {"mark_safe", "SafeString"}


def project_sources():
    for package in ("healthqa", "articles", "experts"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def safe_marking_calls(tree):
    """(qualified name of the enclosing function, call) for each mark_safe/SafeString call."""
    found = []

    def visit(node, scope):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                visit(child, [*scope, child.name])
                continue
            if isinstance(child, ast.Call):
                func = child.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name in SAFE_MAKERS:
                    found.append((".".join(scope) or "<module>", child))
            visit(child, scope)

    visit(tree, [])
    return found


def test_markdown_output_is_marked_safe_only_in_core_markdown():
    seen = set()
    for path in project_sources():
        relative = path.relative_to(ROOT).as_posix()
        for scope, call in safe_marking_calls(ast.parse(path.read_text(), str(path))):
            seen.add((relative, scope))
            assert (relative, scope) in ALLOWED_MARK_SAFE, (
                f"{relative}:{call.lineno} marks HTML safe in {scope}(): Markdown output is "
                "already safe from render_markdown (or the |markdown filter); anything else "
                "must escape every piece itself and be listed in ALLOWED_MARK_SAFE."
            )
    assert seen == ALLOWED_MARK_SAFE, f"no longer marks anything safe: {ALLOWED_MARK_SAFE - seen}"


def test_only_core_markdown_sanitizes():
    for path in project_sources():
        relative = path.relative_to(ROOT).as_posix()
        if relative != "healthqa/core/markdown.py":
            source = path.read_text()
            assert "nh3" not in source, relative
            assert "sanitize_html(" not in source, relative


def test_templates_print_only_stored_markdown_html_as_safe():
    """`|safe` is for stored `body_html` (written by render_markdown on save) alone: other
    Markdown fields go through `|markdown`, and no HTML-producing property is marked safe."""
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for expression in re.findall(r"{{(.*?)}}", path.read_text(), re.S):
            if re.search(r"\|\s*safe\b", expression):
                assert re.fullmatch(r"\s*\w+\.body_html\s*\|\s*safe\s*", expression), (
                    f"{path.relative_to(ROOT)}: {{{{{expression}}}}}"
                )
        assert "{% autoescape off" not in path.read_text(), path.relative_to(ROOT)


def test_models_have_no_rendering_properties():
    """Rendered Markdown is a stored field or the |markdown filter, never a property."""
    from django.apps import apps

    for model in apps.get_models():
        if model.__module__.split(".")[0] in {"healthqa", "articles", "experts"}:
            for name, value in vars(model).items():
                assert not (isinstance(value, property) and name.endswith("_html")), (
                    f"{model.__name__}.{name}"
                )


# --- plain_text --------------------------------------------------------------------------------


def test_plain_text_strips_markup_and_joins_lines():
    source = "## Title\n\nSome **bold** and *italic* text\nwith a [link](https://example.com).\n"

    assert plain_text(source) == "Title Some bold and italic text with a link."


def test_plain_text_turns_entities_back_into_characters():
    assert plain_text('Fish & chips < 5 > 3, "quoted" and it\'s') == (
        'Fish & chips < 5 > 3, "quoted" and it\'s'
    )


def test_plain_text_shows_raw_html_as_text():
    assert plain_text("<b>bold</b>") == "<b>bold</b>"


@pytest.mark.parametrize("source", [None, "", "   \n  "])
def test_plain_text_of_nothing_is_empty(source):
    assert plain_text(source) == ""


def test_plain_text_keeps_non_breaking_spaces_as_characters():
    assert "&nbsp;" not in plain_text("Take 2\u00a0tablets a day.")


def test_plain_text_unescapes_entities_only_once():
    assert plain_text("Write `&lt;` for a less-than sign.") == "Write &lt; for a less-than sign."


# --- teaser ------------------------------------------------------------------------------------


def words(*lengths):
    """Text of words made of letters, one word per length, separated by single spaces."""
    return " ".join(chr(ord("a") + i % 26) * n for i, n in enumerate(lengths))


def test_short_text_is_unchanged():
    assert teaser("Chances are you've experienced back pain.") == (
        "Chances are you've experienced back pain."
    )


def test_text_of_exactly_the_limit_is_unchanged():
    text = words(*[9] * 15)

    assert len(text) == 149
    assert teaser(text + "x") == text + "x"


@pytest.mark.parametrize("text", [None, "", "   "])
def test_empty_text_gives_an_empty_teaser(text):
    assert teaser(text) == ""


def test_long_text_is_cut_at_a_word_boundary_with_an_ellipsis():
    text = "Chances are you've experienced back pain at some point in your life. " * 5

    result = teaser(text)

    assert result.endswith("…")
    kept = result[:-1]
    assert text.startswith(kept)
    assert text[len(kept)] == " "
    assert 140 <= len(kept) <= 150 + 12


def test_word_straddling_the_limit_is_finished_when_it_ends_within_reach():
    text = "a" * 145 + " " + "b" * 10 + " and then some more words"

    assert teaser(text) == "a" * 145 + " " + "b" * 10 + "…"


def test_word_straddling_the_limit_is_dropped_when_it_runs_past_reach():
    text = "a" * 145 + " " + "b" * 30 + " tail"

    assert teaser(text) == "a" * 145 + "…"


def test_text_ending_within_reach_is_kept_whole():
    text = "a" * 145 + " " + "b" * 10

    assert teaser(text) == text


def test_a_single_very_long_word_is_cut_at_the_limit():
    assert teaser("x" * 400) == "x" * 150 + "…"


def test_trailing_punctuation_is_dropped_before_the_ellipsis():
    text = "a" * 148 + ", " + "b" * 30 + " and so on"

    assert teaser(text) == "a" * 148 + "…"


def test_whitespace_is_collapsed():
    assert teaser("  Back\n\npain\t is   common.  ") == "Back pain is common."


def test_whitespace_is_collapsed_before_measuring():
    text = "word" + " \n\t " * 100 + "end"

    assert teaser(text) == "word end"


def test_limit_and_reach_can_be_changed():
    text = "one two three four five six"

    assert teaser(text, limit=9, reach=2) == "one two…"
    assert teaser(text, limit=9, reach=4) == "one two three…"


def test_teaser_never_exceeds_limit_plus_reach_plus_ellipsis():
    rng = random.Random(20250314)
    for _ in range(500):
        text = words(*[rng.choice([1, 2, 3, 5, 8, 13, 21, 40]) for _ in range(rng.randint(1, 60))])
        limit, reach = rng.choice([(150, 12), (60, 5), (20, 0)])

        result = teaser(text, limit, reach)

        assert len(result) <= limit + reach + 1, (text, result)
        if result.endswith("…"):
            assert text.startswith(result[:-1])
        else:
            assert result == text

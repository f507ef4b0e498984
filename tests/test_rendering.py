import random
import re

import pytest

from healthqa.core.markdown import plain_text, render_markdown, sanitize_html, teaser

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

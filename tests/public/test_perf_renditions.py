"""Rendition URLs are remembered per worker, so a page render asks the thumbnail store once."""

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sorl.thumbnail import default

from healthqa.templatetags import picture_tags
from tests.factories import ArticleFactory, image_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    picture_tags._renditions_memo.clear()
    return tmp_path


@pytest.fixture
def store_lookups(monkeypatch):
    """Counts the thumbnail store lookups (one cache round trip each)."""
    calls = []
    original = default.kvstore.get

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(default.kvstore, "get", counting)
    return calls


def test_a_second_render_of_the_same_picture_does_not_ask_the_thumbnail_store(store_lookups):
    article = ArticleFactory(image=image_file("card.png", size=(800, 400)), image_alt="Card")
    first = picture_tags.picture(article.image, "Card", widths="320,640")
    asked = len(store_lookups)
    assert asked >= 4  # two widths, WebP and PNG
    again = picture_tags.picture(article.image, "Card", widths="320,640")
    assert again == first
    assert len(store_lookups) == asked


def test_remembered_renditions_are_looked_up_again_after_a_while(store_lookups):
    article = ArticleFactory(image=image_file("card.png", size=(800, 400)), image_alt="Card")
    with freeze_time() as clock:
        picture_tags.renditions(article.image, [320])
        picture_tags.renditions(article.image, [320])
        asked = len(store_lookups)
        clock.tick(timedelta(seconds=picture_tags.RENDITIONS_MEMO_SECONDS + 1))
        picture_tags.renditions(article.image, [320])
    assert len(store_lookups) == asked + 2  # WebP and PNG, found in the store this time


def test_another_upload_is_not_given_the_first_ones_renditions():
    small = ArticleFactory(image=image_file("a.png", size=(300, 200)), image_alt="a")
    large = ArticleFactory(image=image_file("b.png", size=(900, 600)), image_alt="b")
    first = picture_tags.renditions(small.image, [640])
    second = picture_tags.renditions(large.image, [640])
    assert first["fallback"][0][1] == 300
    assert second["fallback"][0][1] == 640

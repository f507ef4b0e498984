"""Uploaded images are served as resized WebP and JPEG/PNG renditions, made once."""

import io
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from healthqa.pagecache import shared
from healthqa.pagecache.feed import feed
from healthqa.templatetags import picture_tags
from healthqa.templatetags.picture_tags import renditions
from tests.factories import (
    AdPlacementFactory,
    ArticleFactory,
    ExpertFactory,
    TopicFactory,
    image_file,
    make_public_question,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg_with_exif(size=(1000, 600)):
    image = Image.new("RGB", size, "#4a8")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8298] = "Owner: Jordan"  # Copyright
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def pictures(html):
    return re.findall(r"<picture\b.*?</picture>", html, re.S)


def srcset_urls(srcset):
    return [(url, int(width[:-1])) for url, width in (item.split() for item in srcset.split(", "))]


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Image.open(io.BytesIO(body))


def test_article_card_serves_webp_and_jpeg_renditions_in_several_widths(client):
    topic = TopicFactory()
    question = make_public_question(topic=topic)
    ArticleFactory(topic=topic, image=jpeg_with_exif(), image_alt="A person doing yoga")
    html = client.get(question.get_absolute_url()).content.decode()
    [card] = [p for p in pictures(html) if "article-card__image" in p]
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)"', card)
    img = re.search(r"<img\b[^>]*>", card).group()
    assert webp and webp.group(2)
    fallback = re.search(r'srcset="([^"]+)"', img).group(1)
    assert [w for _, w in srcset_urls(webp.group(1))] == [320, 480, 640]
    assert [w for _, w in srcset_urls(fallback)] == [320, 480, 640]
    assert 'loading="lazy"' in img and 'alt="A person doing yoga"' in img
    assert re.search(r'width="480" height="288"', img)
    for url, width in srcset_urls(webp.group(1)):
        image = fetch(client, url)
        assert (image.format, image.width) == ("WEBP", width)
    for url, width in srcset_urls(fallback):
        image = fetch(client, url)
        assert (image.format, image.width) == ("JPEG", width)
        assert not image.getexif(), "renditions must not carry the original's EXIF data"


def test_article_hero_is_eager_and_never_wider_than_the_original(client):
    article = ArticleFactory(image=image_file("wide.png", size=(900, 300)), image_alt="Hills")
    html = client.get(article.get_absolute_url()).content.decode()
    [hero] = [p for p in pictures(html) if "article__image" in p]
    assert 'loading="eager"' in hero and 'loading="lazy"' not in hero
    widths = [w for _, w in srcset_urls(re.search(r'<img[^>]*srcset="([^"]+)"', hero).group(1))]
    assert widths == [480, 800, 900]
    # A PNG original keeps a PNG fallback (logos and drawings may be transparent).
    assert re.search(r'<img[^>]*src="[^"]+\.png"', hero)


def test_expert_avatar_is_a_square_rendition_at_one_and_two_times(client):
    expert = ExpertFactory(photo=image_file("face.jpg", fmt="JPEG", size=(500, 700)))
    html = client.get(expert.get_absolute_url()).content.decode()
    [avatar] = [p for p in pictures(html) if 'class="avatar"' in p]
    assert 'width="120" height="120"' in avatar and f'alt="Photo of {expert.name}"' in avatar
    urls = srcset_urls(re.search(r'<source[^>]*srcset="([^"]+)"', avatar).group(1))
    assert [w for _, w in urls] == [120, 240]
    image = fetch(client, urls[-1][0])
    assert image.size == (240, 240)


def test_ad_slot_uses_renditions(client):
    question = make_public_question()
    AdPlacementFactory(image=image_file("ad.png", size=(1200, 300)), image_alt="Our newsletter")
    html = client.get(question.get_absolute_url()).content.decode()
    ad = re.search(r'<aside class="ad-slot".*?</aside>', html, re.S).group()
    assert "<picture" in ad and 'alt="Our newsletter"' in ad and "image/webp" in ad


def test_missing_image_shows_the_placeholder(client):
    topic = TopicFactory()
    question = make_public_question(topic=topic)
    ArticleFactory(topic=topic)
    html = client.get(question.get_absolute_url()).content.decode()
    assert "article-card__image--placeholder" in html
    assert not [p for p in pictures(html) if "article-card__image" in p]


def test_a_rendition_is_made_once(media):
    article = ArticleFactory(image=jpeg_with_exif(), image_alt="Yoga")
    first = renditions(article.image, [320, 640])
    made = {path: path.stat().st_mtime_ns for path in Path(media, "cache").rglob("*.*")}
    assert len(made) == 4
    cache.clear()  # forgotten by the cache and by this worker: found in storage, not made again
    picture_tags._renditions_memo.clear()
    assert renditions(article.image, [320, 640]) == first
    assert {path: path.stat().st_mtime_ns for path in Path(media, "cache").rglob("*.*")} == made


def test_question_page_queries_do_not_grow_with_the_number_of_images(client):
    def queries_for(image_count):
        topic = TopicFactory()
        question = make_public_question(topic=topic)
        for _ in range(image_count):
            ArticleFactory(topic=topic, image=jpeg_with_exif((700, 400)), image_alt="x")
        client.get("/articles/")  # the same cards: renditions made and remembered
        feed.refresh()  # the page cache reads the log of these writes: not the page's queries
        shared.clear()  # both pages start without parts shared by earlier renders
        with CaptureQueriesContext(connection) as captured:
            assert client.get(question.get_absolute_url()).status_code == 200
        return len(captured)

    assert queries_for(1) == queries_for(4)

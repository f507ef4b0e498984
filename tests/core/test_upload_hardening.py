"""Hostile uploads: refused with a form error, or stored only as a clean re-encoding.

Every file is made here with Pillow (or by hand where Pillow cannot write the format) and sent
through the real admin add and change pages as well as to the functions directly.
"""

import io
import random
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from PIL import ExifTags, Image, ImageFile, ImageSequence

from articles.models import Article
from experts.models import Expert
from healthqa.core import images
from healthqa.core.images import ImageUploadField, reencoded_image, validate_image
from tests.factories import AdPlacementFactory, ArticleFactory, ExpertFactory, image_bytes

HTML_PAYLOAD = b"<html><script>alert(1)</script></html>"
GPS_DATUM = "WGS-84-HOME-OF-THE-UPLOADER"  # a marker that must not survive in stored bytes
GPS_IFD = ExifTags.IFD.GPSInfo


# --- files -----------------------------------------------------------------------------------


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width, height):
    """A PNG of a few kilobytes that declares width × height pixels of real (blank) data.

    One bit per pixel keeps it quick to make; decoding it would still take a byte per pixel.
    """
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte, then the packed pixels
    compressor = zlib.compressobj(9)
    rows_per_step = 1000
    compressed = [compressor.compress(row * rows_per_step) for _ in range(height // rows_per_step)]
    compressed.append(compressor.compress(row * (height % rows_per_step)))
    compressed.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(compressed))
        + _png_chunk(b"IEND", b"")
    )


def png_with_html():
    """A real PNG followed by an HTML page: a browser sniffing the bytes could run the script."""
    return image_bytes("PNG", (12, 8)) + HTML_PAYLOAD


def jpeg_exif_with_gps(orientation=None):
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = "Taken at home"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 40.0)
    gps[ExifTags.GPS.GPSMapDatum] = GPS_DATUM
    return exif


def jpeg_with_gps(size=(24, 16), orientation=None):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(
        buffer, "JPEG", exif=jpeg_exif_with_gps(orientation), quality=90
    )
    return buffer.getvalue()


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)


def psd_bytes(width=4, height=3, channels=3):
    """A minimal valid Photoshop file (Pillow reads PSD but cannot write it)."""
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, channels, height, width, 8, 3)
    sections = struct.pack(">III", 0, 0, 0)  # colour mode data, image resources, layers
    pixels = struct.pack(">H", 0) + b"\x80" * (channels * width * height)  # raw, uncompressed
    return header + sections + pixels


def eleven_megabyte_png():
    """A real, noisy PNG just over 11 MB: it is refused for its size alone."""
    width, height = 2000, 1950
    noise = random.Random(11).randbytes(width * height * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), noise).save(buffer, "PNG", compress_level=1)
    data = buffer.getvalue()
    assert len(data) > 11 * 1024 * 1024
    return data


def animated(fmt, frames=3):
    pictures = [Image.new("RGB", (10, 6), (60 * index, 90, 30)) for index in range(frames)]
    buffer = io.BytesIO()
    pictures[0].save(
        buffer,
        fmt,
        save_all=True,
        append_images=pictures[1:],
        duration=[100 + 20 * index for index in range(frames)],
        loop=0,
    )
    return buffer.getvalue()


def upload(data, name):
    return SimpleUploadedFile(name, data)


# --- what is stored ----------------------------------------------------------------------------


# Where image fields store uploads; other tests put hand-made files elsewhere in the media root
# (served-media header tests), which no upload form can write.
UPLOAD_FOLDERS = ("experts", "articles", "ads")


def stored_files():
    root = Path(django_settings.MEDIA_ROOT)
    return {
        path for folder in UPLOAD_FOLDERS for path in (root / folder).rglob("*") if path.is_file()
    }


def leaks(path):
    """What a stored file gives away: a script, EXIF, GPS data or our GPS marker."""
    data = path.read_bytes()
    found = []
    if b"<script" in data.lower():
        found.append("script")
    if b"Exif\x00\x00" in data or GPS_DATUM.encode() in data:
        found.append("exif bytes")
    try:
        with Image.open(path) as image:
            exif = image.getexif()
            if len(exif) or exif.get_ifd(GPS_IFD):
                found.append("exif tags")
    except Exception:
        found.append("not an image")
    return found


@pytest.fixture(scope="module", autouse=True)
def _media_root_stays_clean():
    """After every test of this module, no stored file holds a script or location data."""
    yield
    leaking = {str(path): leaks(path) for path in stored_files() if leaks(path)}
    assert leaking == {}


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_helpers_make_what_they_claim():
    """The hostile files really are what the tests below say they are."""
    with Image.open(io.BytesIO(png_bomb(10_000, 10_000))) as image:
        assert (image.format, image.size) == ("PNG", (10_000, 10_000))
    with Image.open(io.BytesIO(psd_bytes())) as image:
        assert image.format == "PSD"
        image.load()
    with Image.open(io.BytesIO(jpeg_with_gps())) as image:
        assert image.getexif().get_ifd(GPS_IFD)[ExifTags.GPS.GPSMapDatum] == GPS_DATUM
    assert png_with_html().endswith(HTML_PAYLOAD)
    assert len(png_bomb(20_000, 20_000)) < 200_000


# --- unit level: validate_image ---------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [10_000, 20_000], ids=["100-megapixels", "400-megapixels"])
def test_decompression_bomb_is_refused_without_decoding(side, monkeypatch):
    def no_decoding(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)

    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload(png_bomb(side, side), "bomb.png"))

    assert excinfo.value.code == "image_pixels"
    assert "megapixels" in excinfo.value.messages[0]


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [10_000, 20_000], ids=["100-megapixels", "400-megapixels"])
def test_image_form_field_says_a_bomb_has_too_many_pixels(side):
    with pytest.raises(ValidationError) as excinfo:
        ImageUploadField().clean(upload(png_bomb(side, side), "bomb.png"))

    assert excinfo.value.code == "image_pixels"


def test_image_form_field_accepts_a_real_image_and_leaves_it_readable():
    file = ImageUploadField().clean(upload(image_bytes("PNG", (5, 3)), "ok.png"))

    assert file.image.size == (5, 3)
    assert file.read().startswith(b"\x89PNG")


def test_svg_with_a_script_is_refused():
    for name in ("drawing.svg", "drawing.png"):
        with pytest.raises(ValidationError) as excinfo:
            validate_image(upload(SVG_WITH_SCRIPT, name))

        assert excinfo.value.code == "invalid_image"


def test_photoshop_file_renamed_jpg_is_refused_as_psd():
    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload(psd_bytes(), "holiday.jpg"))

    assert excinfo.value.code == "image_format"
    assert "PSD" in excinfo.value.messages[0]


def test_file_over_ten_megabytes_is_refused_before_it_is_opened():
    data = b"\x89PNG\r\n\x1a\n" + b"\0" * (11 * 1024 * 1024)  # not even a readable image

    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload(data, "big.png"))

    assert excinfo.value.code == "image_too_large"


def test_real_eleven_megabyte_png_is_refused_for_its_size():
    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload(eleven_megabyte_png(), "big.png"))

    assert excinfo.value.code == "image_too_large"
    assert "10.0\xa0MB" in excinfo.value.messages[0]


def test_animation_with_too_many_pixels_in_all_frames_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 10 * 6 * 2  # two frames' worth, and the GIF has three

    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload(animated("GIF"), "anim.gif"))

    assert excinfo.value.code == "image_frames"


def test_animation_within_the_pixel_limit_for_all_frames_is_accepted(settings):
    settings.IMAGE_MAX_PIXELS = 10 * 6 * 3

    validate_image(upload(animated("GIF"), "anim.gif"))


# --- unit level: the re-encoding --------------------------------------------------------------


def test_png_with_html_appended_is_stored_without_it():
    clean = reencoded_image(upload(png_with_html(), "page.png")).read()

    assert b"<script" not in clean.lower()
    assert b"<html" not in clean.lower()
    with Image.open(io.BytesIO(clean)) as image, Image.open(io.BytesIO(png_with_html())) as source:
        assert image.format == "PNG"
        assert image.tobytes() == source.tobytes()


def test_jpeg_with_trailing_bytes_is_stored_without_them():
    clean = reencoded_image(upload(image_bytes("JPEG", (8, 8)) + HTML_PAYLOAD, "p.jpg")).read()

    assert b"<script" not in clean.lower()
    assert clean.endswith(b"\xff\xd9")  # the JPEG end-of-image marker is the last thing


def test_jpeg_with_gps_is_stored_without_any_exif():
    clean = reencoded_image(upload(jpeg_with_gps(), "walk.jpg")).read()

    with Image.open(io.BytesIO(clean)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(GPS_IFD) == {}
    assert b"Exif\x00\x00" not in clean
    assert GPS_DATUM.encode() not in clean
    assert b"Taken at home" not in clean


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_exif_of_png_and_webp_is_dropped(fmt):
    with Image.open(io.BytesIO(jpeg_with_gps())) as source:
        exif = source.getexif()
        buffer = io.BytesIO()
        source.save(buffer, fmt, exif=exif)
    assert GPS_DATUM.encode() in buffer.getvalue()

    clean = reencoded_image(upload(buffer.getvalue(), f"walk.{fmt.lower()}")).read()

    assert GPS_DATUM.encode() not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert image.format == fmt
        assert dict(image.getexif()) == {}


def test_png_text_chunks_are_dropped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG", pnginfo=info)

    clean = reencoded_image(upload(buffer.getvalue(), "c.png")).read()

    assert b"<script" not in clean.lower()


def test_exif_orientation_is_applied_before_the_exif_is_dropped():
    # Orientation 6: the camera was turned, so the 24 × 16 picture is shown 16 wide, 24 high.
    clean = reencoded_image(upload(jpeg_with_gps(size=(24, 16), orientation=6), "p.jpg"))

    with Image.open(clean) as image:
        assert image.size == (16, 24)
        assert dict(image.getexif()) == {}


@pytest.mark.parametrize(
    ("fmt", "name", "stored_name"),
    [
        ("JPEG", "photo.jpeg", "photo.jpg"),
        ("PNG", "photo.jpg", "photo.png"),
        ("WEBP", "photo.png", "photo.webp"),
        ("GIF", "photo.html", "photo.gif"),
    ],
)
def test_format_is_kept_and_the_name_gets_its_extension(fmt, name, stored_name):
    mode = "P" if fmt == "GIF" else "RGB"
    clean = reencoded_image(upload(image_bytes(fmt, (8, 6), mode=mode), name))

    assert clean.name == stored_name
    with Image.open(clean) as image:
        assert (image.format, image.size) == (fmt, (8, 6))


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"])
def test_animation_keeps_its_frames_and_their_durations(fmt):
    def frames(data):
        with Image.open(io.BytesIO(data)) as image:
            found = []
            for frame in ImageSequence.Iterator(image):
                frame.load()
                found.append(frame.info.get("duration"))
            return found

    source = animated(fmt)

    clean = reencoded_image(upload(source, f"anim.{fmt.lower()}")).read()

    assert frames(clean) == frames(source) == [100, 120, 140]


def test_camera_jpeg_with_extra_pictures_is_stored_as_its_main_picture():
    main, depth_map = Image.new("RGB", (30, 20), (250, 0, 0)), Image.new("RGB", (15, 10))
    buffer = io.BytesIO()
    main.save(buffer, "MPO", save_all=True, append_images=[depth_map], exif=jpeg_exif_with_gps())
    with Image.open(io.BytesIO(buffer.getvalue())) as source:
        assert (source.format, source.n_frames) == ("MPO", 2)

    validate_image(upload(buffer.getvalue(), "camera.jpg"))
    clean = reencoded_image(upload(buffer.getvalue(), "camera.JPG"))

    assert clean.name == "camera.jpg"
    data = clean.read()
    assert GPS_DATUM.encode() not in data
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size, getattr(image, "n_frames", 1)) == ("JPEG", (30, 20), 1)
        assert dict(image.getexif()) == {}


def test_jpeg_keeps_its_quantisation_tables():
    noise = Image.frombytes("RGB", (32, 32), random.Random(5).randbytes(32 * 32 * 3))
    for quality in (30, 95):
        buffer = io.BytesIO()
        noise.save(buffer, "JPEG", quality=quality)

        clean = reencoded_image(upload(buffer.getvalue(), "q.jpg"))

        with Image.open(clean) as image, Image.open(io.BytesIO(buffer.getvalue())) as source:
            assert image.quantization == source.quantization


def test_lossless_webp_stays_lossless():
    picture = Image.frombytes("RGB", (16, 16), random.Random(3).randbytes(16 * 16 * 3))
    buffer = io.BytesIO()
    picture.save(buffer, "WEBP", lossless=True)

    clean = reencoded_image(upload(buffer.getvalue(), "logo.webp"))

    with Image.open(clean) as image:
        assert image.tobytes() == picture.tobytes()


def test_reencoding_refuses_what_validation_refuses():
    with pytest.raises(ValidationError) as excinfo:
        reencoded_image(upload(psd_bytes(), "p.jpg"))

    assert excinfo.value.code == "image_format"


# --- model saves --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_new_upload_is_reencoded_when_the_row_is_saved():
    expert = ExpertFactory(photo=upload(png_with_html(), "portrait.jpg"))

    expert.refresh_from_db()
    assert expert.photo.name.endswith(".png")
    assert leaks(Path(expert.photo.path)) == []
    assert (expert.photo_width, expert.photo_height) == (12, 8)


@pytest.mark.django_db
def test_ad_image_is_reencoded_too():
    ad = AdPlacementFactory(image=upload(jpeg_with_gps(), "ad.jpg"))

    assert leaks(Path(ad.image.path)) == []


@pytest.mark.django_db
def test_dimensions_follow_the_orientation():
    article = ArticleFactory(image=upload(jpeg_with_gps((24, 16), orientation=6), "a.jpg"))

    article.refresh_from_db()
    assert (article.image_width, article.image_height) == (16, 24)


@pytest.mark.django_db
def test_saving_again_does_not_reencode_the_stored_image(monkeypatch):
    expert = ExpertFactory(photo=upload(image_bytes("PNG", (8, 8)), "p.png"))
    stored_bytes = Path(expert.photo.path).read_bytes()
    calls = []
    monkeypatch.setattr(images, "reencoded_image", lambda file: calls.append(file))

    expert.headline = "Changed"
    expert.save()
    Expert.objects.get(pk=expert.pk).save()

    assert calls == []
    assert Path(expert.photo.path).read_bytes() == stored_bytes


@pytest.mark.django_db
def test_save_that_skips_validation_still_refuses_a_hostile_file():
    before = stored_files()
    expert = ExpertFactory.build(photo=upload(psd_bytes(), "p.jpg"))

    with pytest.raises(ValidationError):
        expert.save()

    assert not Expert.objects.filter(slug=expert.slug).exists()
    assert stored_files() == before


# --- through the admin --------------------------------------------------------------------------


def admin_form_data(client, url):
    """The POST data of an admin add or change page as rendered, inline management included."""
    response = client.get(url)
    assert response.status_code == 200
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value not in (None, False, ""):
            data[form.add_prefix(name)] = "on" if value is True else value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def post_expert(client, file, expert=None):
    url = (
        reverse("admin:experts_expert_change", args=[expert.pk])
        if expert
        else reverse("admin:experts_expert_add")
    )
    data = admin_form_data(client, url)
    if not expert:
        data.update(name="Dr. Upload Test", slug="dr-upload-test", kind="person")
    data["photo"] = file
    return client.post(url, data)


def post_article(client, file, article=None):
    url = (
        reverse("admin:articles_article_change", args=[article.pk])
        if article
        else reverse("admin:articles_article_add")
    )
    data = admin_form_data(client, url)
    if not article:
        data.update(title="Upload test", slug="upload-test", body="Text.")
    data.update(image=file, image_alt="A test picture")
    return client.post(url, data)


HOSTILE = {
    "bomb-100-megapixels": (lambda: png_bomb(10_000, 10_000), "bomb.png"),
    "bomb-400-megapixels": (lambda: png_bomb(20_000, 20_000), "bomb.png"),
    "svg-with-script": (lambda: SVG_WITH_SCRIPT, "drawing.svg"),
    "svg-named-png": (lambda: SVG_WITH_SCRIPT, "drawing.png"),
    "psd-named-jpg": (psd_bytes, "holiday.jpg"),
    "eleven-megabytes": (eleven_megabyte_png, "big.png"),
}


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("kind", HOSTILE)
def test_admin_add_page_refuses_hostile_expert_photo_with_a_form_error(client, editor, kind):
    make, name = HOSTILE[kind]
    client.force_login(editor)
    before = stored_files()

    response = post_expert(client, upload(make(), name))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo"]
    assert not Expert.objects.filter(slug="dr-upload-test").exists()
    assert stored_files() == before


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("kind", HOSTILE)
def test_admin_add_page_refuses_hostile_article_image_with_a_form_error(client, editor, kind):
    make, name = HOSTILE[kind]
    client.force_login(editor)
    before = stored_files()

    response = post_article(client, upload(make(), name))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["image"]
    assert not Article.objects.filter(slug="upload-test").exists()
    assert stored_files() == before


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: png_bomb(10_000, 10_000), "10000 × 10000 pixels; the limit is 40 megapixels"),
        (lambda: psd_bytes(), "this file is PSD"),
        (eleven_megabyte_png, "the limit is 10.0\xa0MB"),
    ],
    ids=["bomb", "psd", "size"],
)
def test_admin_form_error_says_what_is_wrong(client, superuser, make, message):
    client.force_login(superuser)

    response = post_expert(client, upload(make(), "upload.jpg"))

    assert message in " ".join(response.context["adminform"].form.errors["photo"])


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_admin_with_the_upload_form_field_names_the_limit_for_a_huge_bomb(
    client, superuser, monkeypatch
):
    """With ImageUploadField wired into the admin, even a 400 MP bomb gets the pixel message."""
    overrides = admin.site.get_model_admin(Expert).formfield_overrides[models.ImageField]
    monkeypatch.setitem(overrides, "form_class", ImageUploadField)
    client.force_login(superuser)

    response = post_expert(client, upload(png_bomb(20_000, 20_000), "bomb.png"))

    errors = " ".join(response.context["adminform"].form.errors["photo"])
    assert "more pixels than the limit of 40 megapixels" in errors


@pytest.mark.django_db
def test_admin_change_page_refusal_keeps_the_stored_photo(client, superuser):
    expert = ExpertFactory(photo=upload(image_bytes("PNG", (8, 8)), "kept.png"))
    stored_name = expert.photo.name
    client.force_login(superuser)
    before = stored_files()

    response = post_expert(client, upload(psd_bytes(), "new.jpg"), expert=expert)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo"]
    expert.refresh_from_db()
    assert expert.photo.name == stored_name
    assert stored_files() == before


@pytest.mark.django_db
def test_admin_stores_a_png_with_html_appended_without_the_html(client, editor):
    client.force_login(editor)

    response = post_expert(client, upload(png_with_html(), "portrait.png"))

    assert response.status_code == 302
    expert = Expert.objects.get(slug="dr-upload-test")
    stored = Path(expert.photo.path).read_bytes()
    assert b"<script" not in stored.lower()
    assert leaks(Path(expert.photo.path)) == []


@pytest.mark.django_db
def test_admin_stores_a_large_upload_that_was_spooled_to_disk(client, editor, settings):
    noise = Image.frombytes("RGB", (1000, 1000), random.Random(2).randbytes(1000 * 1000 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG", compress_level=1)
    assert len(buffer.getvalue()) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    client.force_login(editor)

    response = post_expert(client, upload(buffer.getvalue() + HTML_PAYLOAD, "large.png"))

    assert response.status_code == 302
    expert = Expert.objects.get(slug="dr-upload-test")
    assert (expert.photo_width, expert.photo_height) == (1000, 1000)
    with Image.open(expert.photo.path) as image:
        assert image.tobytes() == noise.tobytes()
    assert leaks(Path(expert.photo.path)) == []


@pytest.mark.django_db
def test_admin_change_page_stores_a_jpeg_without_its_gps(client, editor):
    article = ArticleFactory(with_image=True)
    client.force_login(editor)

    response = post_article(client, upload(jpeg_with_gps(), "walk.jpg"), article=article)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.image.name.endswith(".jpg")
    with Image.open(article.image.path) as image:
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(GPS_IFD) == {}
    assert GPS_DATUM.encode() not in Path(article.image.path).read_bytes()


@pytest.mark.django_db
def test_admin_add_page_stores_an_article_image_without_trailing_html(client, editor):
    client.force_login(editor)

    response = post_article(client, upload(png_with_html(), "cover.png"))

    assert response.status_code == 302
    article = Article.objects.get(slug="upload-test")
    assert leaks(Path(article.image.path)) == []
    assert (article.image_width, article.image_height) == (12, 8)


@pytest.mark.django_db
def test_no_stored_upload_holds_a_script_or_location_data(client, editor):
    """Store the hostile-but-valid files by every route, then scan everything stored."""
    client.force_login(editor)
    before = stored_files()
    assert post_expert(client, upload(jpeg_with_gps(), "gps.jpg")).status_code == 302
    assert post_article(client, upload(png_with_html(), "html.png")).status_code == 302
    AdPlacementFactory(image=upload(jpeg_with_gps(), "ad.jpg"))
    ExpertFactory(photo=upload(png_with_html(), "x.png"))

    files = stored_files()

    assert len(files - before) == 4
    assert {str(path): leaks(path) for path in files if leaks(path)} == {}

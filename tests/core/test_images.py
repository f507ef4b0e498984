import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from healthqa.core.images import validate_image
from tests.factories import AdPlacementFactory, image_bytes


def upload(data, name="upload.png"):
    return SimpleUploadedFile(name, data)


def noisy_image_bytes(fmt, size=(120, 120)):
    """An image that does not compress well, so that cutting it short loses pixel data."""
    rng = random.Random(7)
    image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [("JPEG", "RGB"), ("PNG", "RGBA"), ("PNG", "RGB"), ("WEBP", "RGB"), ("GIF", "P")],
)
def test_allowed_image_formats_are_accepted(fmt, mode):
    validate_image(upload(image_bytes(fmt, (8, 6), mode=mode), f"small.{fmt.lower()}"))


def test_format_is_read_from_the_content_not_the_file_name():
    validate_image(upload(image_bytes("PNG"), "really-a-png.jpg"))


def test_validation_leaves_the_file_position_where_it_was():
    file = upload(image_bytes("PNG"))
    file.seek(5)

    validate_image(file)

    assert file.tell() == 5


@pytest.mark.parametrize(
    "data",
    [b"Just some text, not an image.\n", b"", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"],
    ids=["text", "empty", "pdf"],
)
def test_a_file_that_is_not_an_image_is_refused(data):
    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload(data, "photo.jpg"))

    assert excinfo.value.code == "invalid_image"


def test_a_file_over_the_size_limit_is_refused(settings):
    data = image_bytes("PNG", (8, 8))
    settings.IMAGE_MAX_BYTES = len(data) - 1

    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload(data))

    assert excinfo.value.code == "image_too_large"


def test_a_file_at_the_size_limit_is_accepted(settings):
    data = image_bytes("PNG", (8, 8))
    settings.IMAGE_MAX_BYTES = len(data)

    validate_image(upload(data))


def test_an_image_over_the_pixel_limit_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 8 * 8 - 1

    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload(image_bytes("PNG", (8, 8))))

    assert excinfo.value.code == "image_pixels"


def test_an_image_at_the_pixel_limit_is_accepted(settings):
    settings.IMAGE_MAX_PIXELS = 8 * 8

    validate_image(upload(image_bytes("PNG", (8, 8))))


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO", "PPM"])
def test_a_real_image_in_a_format_we_do_not_serve_is_refused(fmt):
    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload(image_bytes(fmt, (8, 8)), f"image.{fmt.lower()}"))

    assert excinfo.value.code == "image_format"


@pytest.mark.parametrize("keep", [0.5, 0.1], ids=["half", "header-only"])
def test_a_truncated_png_is_refused(keep):
    data = noisy_image_bytes("PNG")

    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload(data[: int(len(data) * keep)]))

    assert excinfo.value.code == "invalid_image"


def test_a_truncated_jpeg_is_refused():
    data = noisy_image_bytes("JPEG")

    with pytest.raises(ValidationError):
        validate_image(upload(data[: len(data) // 2], "cut.jpg"))


@pytest.mark.django_db
def test_model_validation_refuses_a_non_image_upload():
    ad = AdPlacementFactory.build(image=upload(b"not an image", "ad.png"))

    with pytest.raises(ValidationError) as excinfo:
        ad.full_clean()

    assert "image" in excinfo.value.message_dict


@pytest.mark.django_db
def test_model_validation_accepts_a_real_image():
    ad = AdPlacementFactory.build()

    ad.full_clean()

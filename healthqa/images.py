"""Validation of uploaded images: real images of an allowed format, within size and pixel limits."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def validate_image(file):
    """Refuse anything that is not a JPEG, PNG, WebP or GIF within the configured limits.

    The pixel count is read from the header before any decoding, so a decompression bomb is
    refused without being expanded in memory.
    """
    if getattr(file, "_committed", False):
        return  # already in storage: it was validated when it was uploaded
    size = getattr(file, "size", None)
    if size is not None and size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            "This image is %(size)s; the limit is %(limit)s.",
            code="image_too_large",
            params={
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.IMAGE_MAX_BYTES),
            },
        )
    if getattr(file, "closed", False) and hasattr(file, "open"):
        file.open("rb")
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(
                    "Upload a JPEG, PNG, WebP or GIF image (this file is %(format)s).",
                    code="image_format",
                    params={"format": image_format or "not an image"},
                )
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise ValidationError(
                    "This image is %(width)s × %(height)s pixels; the limit is %(limit)s "
                    "megapixels.",
                    code="image_pixels",
                    params={
                        "width": width,
                        "height": height,
                        "limit": settings.IMAGE_MAX_PIXELS // 1_000_000,
                    },
                )
            image.verify()
        # verify() does not read JPEG or GIF data to the end: decode once to catch truncation.
        file.seek(0)
        with Image.open(file) as image:
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            "Upload a valid image. The file is not an image or it is corrupted.",
            code="invalid_image",
        ) from None
    finally:
        if position is not None:
            file.seek(position)

"""Uploaded images: checked before anything is decoded, then stored as a clean re-encoding.

`validate_image` refuses anything that is not a JPEG, PNG, WebP or GIF within the configured
size and pixel limits. `reencode_new_uploads` (a pre_save receiver) swaps each newly uploaded
image for a re-encoding of its pixels in the same format, which drops EXIF (GPS included), XMP,
comments, text chunks and any bytes appended after the image, such as an HTML page that a
browser might otherwise sniff.
"""

import io
import os
import struct
from contextlib import contextmanager

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.signals import pre_save
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, ImageSequence, JpegImagePlugin

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Many phone and camera photos are JPEGs with extra pictures (depth or gain maps) appended, which
# Pillow calls MPO. They are accepted as JPEGs and stored as their main picture alone.
STORED_AS = {"MPO": "JPEG"}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
# Pillow copies some metadata from the source image unless it is given empty values.
NO_METADATA = {"exif": b"", "xmp": b"", "comment": b""}
WEBP_QUALITY = 90


def _size_error(size):
    return ValidationError(
        "This image is %(size)s; the limit is %(limit)s.",
        code="image_too_large",
        params={
            "size": filesizeformat(size),
            "limit": filesizeformat(settings.IMAGE_MAX_BYTES),
        },
    )


def _pixels_error(width=None, height=None):
    limit = settings.IMAGE_MAX_PIXELS // 1_000_000
    if width is None:
        return ValidationError(
            "This image has more pixels than the limit of %(limit)s megapixels.",
            code="image_pixels",
            params={"limit": limit},
        )
    return ValidationError(
        "This image is %(width)s × %(height)s pixels; the limit is %(limit)s megapixels.",
        code="image_pixels",
        params={"width": width, "height": height, "limit": limit},
    )


def _check_header(image):
    """Format, pixel and frame limits, read from the header: nothing has been decoded yet."""
    stored_format = STORED_AS.get(image.format, image.format)
    if stored_format not in ALLOWED_FORMATS:
        raise ValidationError(
            "Upload a JPEG, PNG, WebP or GIF image (this file is %(format)s).",
            code="image_format",
            params={"format": image.format or "not an image"},
        )
    width, height = image.size
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise _pixels_error(width, height)
    frames = 1 if stored_format == "JPEG" else getattr(image, "n_frames", 1)
    if width * height * frames > settings.IMAGE_MAX_PIXELS:
        raise ValidationError(
            "This animation has %(frames)s frames of %(width)s × %(height)s pixels; the limit is "
            "%(limit)s megapixels for all frames together.",
            code="image_frames",
            params={
                "frames": frames,
                "width": width,
                "height": height,
                "limit": settings.IMAGE_MAX_PIXELS // 1_000_000,
            },
        )


@contextmanager
def _opened(file):
    """The upload opened by Pillow once its size and header pass; any failure is a form error.

    Pillow can raise almost anything on hostile input, so every error while the image is open
    becomes a ValidationError. The file is left at the position it had.
    """
    size = getattr(file, "size", None)
    if size is not None and size > settings.IMAGE_MAX_BYTES:
        raise _size_error(size)
    if getattr(file, "closed", False) and hasattr(file, "open"):
        file.open("rb")
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with Image.open(file) as image:
            _check_header(image)
            yield image
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _pixels_error() from None
    except Exception as exc:
        raise ValidationError(
            "Upload a valid image. The file is not an image or it is corrupted.",
            code="invalid_image",
        ) from exc
    finally:
        if position is not None:
            file.seek(position)


def validate_image(file):
    """Refuse anything that is not a JPEG, PNG, WebP or GIF within the configured limits.

    The byte size, format and pixel count are checked before any decoding, so a decompression
    bomb is refused without being expanded in memory.
    """
    if getattr(file, "_committed", False):
        return  # already in storage: it was validated when it was uploaded
    with _opened(file) as image:
        image.verify()
    # verify() does not read JPEG or GIF data to the end: decode once to catch truncation.
    with _opened(file) as image:
        image.load()


class ImageUploadField(forms.ImageField):
    """A form field that runs validate_image before Django's own Pillow check.

    Django's check refuses a large decompression bomb as "not an image"; this one says why.
    """

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "read"):
            validate_image(data)
        return super().to_python(data)


def _webp_is_lossless(file):
    """Whether a WebP file holds lossless (VP8L) image data, so that it is re-encoded losslessly."""
    file.seek(0)
    data = file.read()
    position, end = 12, len(data)
    while position + 8 <= end:
        fourcc = data[position : position + 4]
        (size,) = struct.unpack_from("<I", data, position + 4)
        if fourcc == b"VP8L":
            return True
        if fourcc == b"VP8 ":
            return False
        # An animation frame (ANMF) holds its image chunks after a 16-byte frame header.
        position += 8 + 16 if fourcc == b"ANMF" else 8 + size + (size & 1)
    return False


def _frame_durations(image):
    durations = []
    for frame in ImageSequence.Iterator(image):
        frame.load()  # WebP reads a frame's duration as it decodes it
        durations.append(frame.info.get("duration", 0))
    image.seek(0)
    return durations


def _encoded(image, image_format, lossless_webp):
    """The pixels of `image` (open, not yet decoded) in `image_format`, with no metadata."""
    options = dict(NO_METADATA)
    if icc_profile := image.info.get("icc_profile"):
        options["icc_profile"] = icc_profile  # how to show the colours, not personal data
    if image_format == "WEBP":
        options.update(lossless=lossless_webp, quality=100 if lossless_webp else WEBP_QUALITY)
    buffer = io.BytesIO()
    if image_format != "JPEG" and getattr(image, "n_frames", 1) > 1:
        # Each frame is decoded and written again; animations are not rotated (EXIF is rare there).
        if image_format == "WEBP":
            # The WebP writer takes frame durations and the loop count only from its arguments.
            options.update(duration=_frame_durations(image), loop=image.info.get("loop", 0))
        image.save(buffer, image_format, save_all=True, **options)
        return buffer.getvalue()
    if image_format == "JPEG":
        # The original's quantisation tables and subsampling: no visible loss from re-encoding.
        options.update(
            qtables=getattr(image, "quantization", None) or None,
            subsampling=JpegImagePlugin.get_sampling(image),
        )
    ImageOps.exif_transpose(image, in_place=True)
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def reencoded_image(file):
    """A new file holding only the pixels of the uploaded `file`, with the format's extension.

    The file is checked as validate_image checks it, since not every save runs validators.
    """
    with _opened(file) as image:
        image_format = STORED_AS.get(image.format, image.format)
        lossless = image_format == "WEBP" and _webp_is_lossless(file)
        file.seek(0)
        data = _encoded(image, image_format, lossless)
    stem = os.path.splitext(os.path.basename(file.name or ""))[0] or "image"
    return ContentFile(data, name=stem + EXTENSIONS[image_format])


def validated_image_fields(model):
    """The ImageFields of `model` that use validate_image: their new uploads get re-encoded."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.ImageField) and validate_image in field.validators
    ]


def reencode_new_uploads(sender, instance, raw=False, update_fields=None, **kwargs):
    """Swap each newly uploaded image for its re-encoding just before the field stores it.

    Files already in storage are left alone, so a plain save never re-encodes anything.
    """
    if raw:
        return  # fixtures load rows as they are
    for field in validated_image_fields(sender):
        if update_fields is not None and field.name not in update_fields:
            continue
        upload = getattr(instance, field.attname)
        if upload and not upload._committed:
            setattr(instance, field.attname, reencoded_image(upload))


def connect_upload_reencoding():
    """Re-encode the new uploads of every model with an ImageField that uses validate_image."""
    for model in apps.get_models():
        if validated_image_fields(model):
            pre_save.connect(
                reencode_new_uploads,
                sender=model,
                dispatch_uid=f"reencode-uploads-{model._meta.label_lower}",
            )

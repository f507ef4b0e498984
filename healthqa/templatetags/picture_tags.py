"""Responsive image renditions: `{% picture image alt widths=... sizes=... %}`.

Renditions are made by sorl-thumbnail on first use (Pillow; EXIF not copied; orientation
applied), stored beside the uploads and remembered in the Django cache
(`healthqa.core.thumbnail_store`): pages make no database query for their images.
"""

import logging
import time

from django import template
from sorl.thumbnail import get_thumbnail

register = template.Library()
logger = logging.getLogger(__name__)

WEBP_QUALITY = 80
FALLBACK_QUALITY = 82


def _original_size(field_file):
    """Width and height from the model's dimension fields, so that no file is opened."""
    field, instance = field_file.field, field_file.instance
    width = getattr(instance, field.width_field, None) if field.width_field else None
    height = getattr(instance, field.height_field, None) if field.height_field else None
    return width, height


def _fallback_format(field_file):
    return "PNG" if field_file.name.lower().endswith((".png", ".gif")) else "JPEG"


# Renditions of one upload never change (a new upload gets a new name), so each worker remembers
# their URLs and sizes for a while instead of asking the thumbnail store (one cache round trip
# per rendition, six per picture) on every page it renders. Bounded in time so that renditions
# deleted by hand (see README) are made again within RENDITIONS_MEMO_SECONDS.
RENDITIONS_MEMO_SECONDS = 300
_RENDITIONS_MEMO_MAX = 1024
_renditions_memo = {}


def renditions(field_file, widths, *, square=False):
    """{"webp": [(url, w, h)…], "fallback": [(url, w, h)…]} for each width the original allows."""
    storage = field_file.storage
    where = (type(storage), getattr(storage, "location", ""))  # the same name elsewhere differs
    key = (*where, field_file.name, _original_size(field_file), tuple(widths), square)
    now = time.monotonic()
    remembered = _renditions_memo.get(key)
    if remembered is not None and remembered[0] > now:
        return remembered[1]
    result = _make_renditions(field_file, widths, square=square)
    if len(_renditions_memo) >= _RENDITIONS_MEMO_MAX:
        _renditions_memo.clear()
    _renditions_memo[key] = (now + RENDITIONS_MEMO_SECONDS, result)
    return result


def _make_renditions(field_file, widths, *, square):
    original_width, _ = _original_size(field_file)
    wanted = sorted({int(w) for w in widths})
    if original_width:
        wanted = sorted({min(w, original_width) for w in wanted})
    options = {"crop": "center", "upscale": False} if square else {"upscale": False}
    result = {"webp": [], "fallback": []}
    for key, image_format, quality in (
        ("webp", "WEBP", WEBP_QUALITY),
        ("fallback", _fallback_format(field_file), FALLBACK_QUALITY),
    ):
        for width in wanted:
            geometry = f"{width}x{width}" if square else f"{width}"
            thumb = get_thumbnail(
                field_file, geometry, format=image_format, quality=quality, **options
            )
            result[key].append((thumb.url, thumb.width, thumb.height))
    return result


def rendition_url(field_file, width):
    """One fallback-format rendition (for og:image and structured data)."""
    if not field_file:
        return ""
    try:
        return renditions(field_file, [width])["fallback"][-1][0]
    except Exception:  # a broken or missing original must not take the page down
        logger.exception("Could not make a rendition of %s", field_file.name)
        return ""


def _srcset(items):
    return ", ".join(f"{url} {width}w" for url, width, _ in items)


@register.inclusion_tag("includes/picture.html")
def picture(
    field_file,
    alt,
    widths="320,640",
    sizes="100vw",
    default=None,
    eager=False,
    img_class="",
    square=False,
    width=None,
    height=None,
):
    """A <picture> with WebP and JPEG/PNG srcsets; lazy unless `eager` (the hero image).

    `width`/`height` set the displayed size when CSS does not; by default they are the
    rendition's own, which gives the browser the aspect ratio before the image arrives.
    """
    if not field_file:
        return {"picture": None}
    try:
        made = renditions(field_file, str(widths).split(","), square=square)
    except Exception:
        logger.exception("Could not make renditions of %s", field_file.name)
        return {"picture": None}
    fallback = made["fallback"]
    chosen = fallback[-1]
    if default:
        chosen = min(fallback, key=lambda item: abs(item[1] - int(default)))
    return {
        "picture": {
            "webp_srcset": _srcset(made["webp"]),
            "srcset": _srcset(fallback),
            "src": chosen[0],
            "width": width or chosen[1],
            "height": height or chosen[2],
        },
        "alt": alt,
        "sizes": sizes,
        "eager": eager,
        "img_class": img_class,
    }


@register.simple_tag(takes_context=True)
def absolute_rendition(context, field_file, width=1200):
    url = rendition_url(field_file, width)
    return context["request"].build_absolute_uri(url) if url else ""


@register.inclusion_tag("includes/picture.html")
def avatar_picture(expert, size=56):
    """An expert's portrait or logo, square, at 1× and 2× the displayed size."""
    size = int(size or 56)
    if expert.is_organization:
        alt, css = f"{expert.name} logo", "avatar avatar--logo"
    else:
        alt, css = f"Photo of {expert.name}", "avatar"
    return picture(
        expert.photo,
        alt,
        widths=f"{size},{size * 2}",
        sizes=f"{size}px",
        default=size,
        img_class=css,
        square=True,
        width=size,
        height=size,
    )

"""Made-up pictures for the demo content: landscapes, monogram avatars and a house ad, drawn
with Pillow so that the demo ships no image files."""

import colorsys
import io
import random
from math import sin

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from healthqa.demo import content

ARTICLE_IMAGE_SIZE = (1200, 675)
AVATAR_SIZE = (400, 400)
AD_SIZE = (1200, 300)


def colour(hue, lightness, saturation):
    red, green, blue = colorsys.hls_to_rgb((hue % 360) / 360, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


def save_image(field_file, name, image):
    """Store a generated image through its field, which also records its width and height.

    The content must carry a name: an ImageField ignores the dimensions of a nameless file.
    """
    buffer = io.BytesIO()
    if name.endswith(".jpg"):
        image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    else:
        image.save(buffer, "PNG", optimize=True)
    field_file.save(name, ContentFile(buffer.getvalue(), name=name))


def vertical_gradient(size, top, bottom):
    width, height = size
    column = Image.new("RGB", (1, height))
    column.putdata(
        [
            tuple(round(a + (b - a) * y / (height - 1)) for a, b in zip(top, bottom, strict=True))
            for y in range(height)
        ]
    )
    return column.resize(size, Image.NEAREST)


def landscape_image(palette, *, seed):
    """A calm illustration: a sky gradient, a low sun, soft clouds and layered hills.

    Drawn at twice the size and scaled down, which smooths the edges of the shapes.
    """
    hue, saturation = content.PALETTES[palette]
    rng = random.Random(seed)
    width, height = ARTICLE_IMAGE_SIZE[0] * 2, ARTICLE_IMAGE_SIZE[1] * 2
    image = vertical_gradient(
        (width, height), colour(hue, 0.95, saturation), colour(hue + 12, 0.84, saturation)
    )
    draw = ImageDraw.Draw(image, "RGBA")  # blends translucent fills into the sky
    sun_x, sun_y = rng.uniform(0.58, 0.82) * width, rng.uniform(0.22, 0.34) * height
    for radius, alpha in ((260, 40), (200, 60), (150, 255)):
        draw.ellipse(
            (sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius),
            fill=(*colour(42, 0.84, 0.85), alpha),
        )
    for _ in range(2):
        cloud_x, cloud_y = rng.uniform(0.1, 0.5) * width, rng.uniform(0.12, 0.3) * height
        for dx, dy, rx, ry in ((0, 0, 150, 55), (110, -35, 120, 60), (220, 5, 140, 50)):
            draw.ellipse(
                (cloud_x + dx - rx, cloud_y + dy - ry, cloud_x + dx + rx, cloud_y + dy + ry),
                fill=(250, 250, 250),
            )

    for layer, lightness in enumerate((0.74, 0.62, 0.5)):
        base = height * (0.58 + 0.12 * layer)
        amplitude = height * rng.uniform(0.05, 0.09)
        phase, waves = rng.uniform(0, 6.28), rng.uniform(0.5, 0.9)
        points = [(0, height)]
        for step in range(0, 101):
            x = width * step / 100
            y = base - amplitude * _wave(x / width * waves * 6.28 + phase)
            points.append((x, y))
        points.append((width, height))
        draw.polygon(points, fill=colour(hue - 8 * layer, lightness, saturation * 0.9))
    return image.reduce(2)


def _wave(x):
    return 0.6 * sin(x) + 0.4 * sin(2.3 * x + 1)


def avatar_image(monogram, palette, *, organization):
    """A monogram: a soft circle for a person, a rounded square logo for an organization."""
    hue, saturation = content.PALETTES[palette]
    width, height = AVATAR_SIZE[0] * 2, AVATAR_SIZE[1] * 2
    if organization:
        image = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(image)
        draw.rounded_rectangle(
            (60, 60, width - 60, height - 60), radius=120, fill=colour(hue, 0.38, saturation + 0.1)
        )
        text_colour = "white"
    else:
        image = vertical_gradient(
            (width, height), colour(hue, 0.86, saturation), colour(hue + 15, 0.76, saturation)
        )
        draw = ImageDraw.Draw(image)
        text_colour = colour(hue, 0.25, saturation)
    font = ImageFont.load_default(size=340 if len(monogram) <= 2 else 210)
    draw.text((width / 2, height / 2), monogram, font=font, fill=text_colour, anchor="mm")
    return image.reduce(2)


def ad_image(palette):
    """A house banner pointing readers to the articles; its alt text repeats the words."""
    hue, saturation = content.PALETTES[palette]
    width, height = AD_SIZE[0] * 2, AD_SIZE[1] * 2
    image = vertical_gradient(
        (width, height), colour(hue, 0.32, saturation), colour(hue + 10, 0.24, saturation)
    )
    draw = ImageDraw.Draw(image)
    for index, lightness in enumerate((0.5, 0.6, 0.7)):
        x = width - 420 + index * 90
        draw.ellipse((x - 170, 130, x + 170, 470), fill=colour(hue + 20 * index, lightness, 0.5))
    white = (255, 255, 255)
    draw.text((100, 150), "Continue learning", font=ImageFont.load_default(size=120), fill=white)
    draw.text(
        (100, 310),
        "Plain-language health articles, reviewed by experts",
        font=ImageFont.load_default(size=60),
        fill=colour(hue, 0.9, 0.4),
    )
    draw.rounded_rectangle((100, 420, 560, 520), radius=50, fill=white)
    draw.text(
        (330, 470),
        "Browse articles",
        font=ImageFont.load_default(size=52),
        fill=colour(hue, 0.28, saturation),
        anchor="mm",
    )
    return image.reduce(2)

"""The public read-only API, `/api/v1/` (README, Partners), built on django-ninja.

Only what readers may see, read through the same `public()` querysets as the pages; JSON errors
(`{"error": {"status": …, "message": …}}`) for every refusal; responses stored and invalidated
by the page cache like pages (`cached_page`), with its validators and `Cache-Control`.
"""

"""The change log that keeps cached pages exact: one row per content key a write touched."""

from django.db import models


class ContentChange(models.Model):
    """Written only by database triggers (`healthqa.pagecache.triggers`), in the writer's own
    transaction; read by every process's page cache (`healthqa.pagecache.feed`). Rows older
    than a day are pruned: no stored page is older than that."""

    content_key = models.CharField(max_length=120)
    changed_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.content_key} at {self.changed_at:%Y-%m-%d %H:%M:%S}"

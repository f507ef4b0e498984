"""Signals our models send where Django sends none.

`QuerySet.update()` writes rows without `post_save`. The querysets of the indexed models
(questions, answers, articles, experts) are `UpdatesSendSignal`: their `update()` sends
`rows_updated` afterwards, from model code, a script or the shell alike, so that the search
index (`healthqa.search.sync`) hears of it like of any save. (The page cache needs no signal:
database triggers record every write.)
"""

from django.db import models
from django.dispatch import Signal

# sender: the model class; pks: the ids of the updated rows; fields: the names written;
# using: the database alias.
rows_updated = Signal()


class UpdatesSendSignal(models.QuerySet):
    def update(self, **kwargs):
        """`QuerySet.update()`, then `rows_updated` for the rows it wrote (read first: one
        more query)."""
        pks = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        if pks:
            rows_updated.send(sender=self.model, pks=pks, fields=set(kwargs), using=self.db)
        return count

    update.alters_data = True

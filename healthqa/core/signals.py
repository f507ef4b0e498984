"""Signals our models send where Django sends none.

`QuerySet.update()` writes rows without `post_save`. Model code that changes what readers see
that way (a vote count, revisions closed in bulk) sends `rows_updated` afterwards, so that the
receivers keeping derived data in step (the page cache, the search index; connected in
`healthqa.apps`) hear of it like of any save.
"""

from django.dispatch import Signal

# sender: the model class; pks: the ids of the updated rows; fields: the names written.
rows_updated = Signal()

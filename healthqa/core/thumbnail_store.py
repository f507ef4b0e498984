"""Where sorl-thumbnail remembers which renditions exist: the Django cache, and only there.

sorl's default store falls back to a database table on a cache miss and writes a row for every new
rendition, which would add queries per image to pages. Here a miss costs a look at the storage
instead (the file exists: it is reused, never made again), so page query counts stay fixed. A cache
cannot be listed, so sorl's `thumbnail cleanup`/`clear_delete_*` commands find nothing to do: to
drop every rendition, delete `<media root>/cache/` and clear the cache.
"""

from sorl.thumbnail.conf import settings
from sorl.thumbnail.kvstores.cached_db_kvstore import KVStore


class CacheKVStore(KVStore):
    def _get_raw(self, key):
        return self.cache.get(key)

    def _set_raw(self, key, value):
        self.cache.set(key, value, settings.THUMBNAIL_CACHE_TIMEOUT)

    def _delete_raw(self, *keys):
        self.cache.delete_many(keys)

    def _find_keys_raw(self, prefix):
        return []

    def set(self, image_file, source=None):
        """Remember one image's size; sorl's per-source list of renditions is not kept."""
        image_file.set_size()
        self._set(image_file.key, image_file)

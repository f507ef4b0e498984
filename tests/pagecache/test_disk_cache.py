"""The disk cache backend (without REDIS_URL) keeps its connections between requests."""

from healthqa.pagecache.disk import DiskCache


def connections(backend):
    return [getattr(shard._local, "con", None) for shard in backend._cache._shards]


def test_the_end_of_a_request_leaves_the_disk_cache_connected(tmp_path, settings):
    backend = DiskCache(str(tmp_path / "cache"), {"SHARDS": 2, "OPTIONS": {}})
    backend.set("count", 1)
    backend.incr("count")
    before = connections(backend)
    assert any(before)
    backend.close()  # what Django calls at the end of every request
    assert connections(backend) == before
    assert backend.incr("count") == 3

"""The Redis cache backend (CACHES BACKEND in settings) with a fast read for the page cache."""

import os
import threading

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusedClients(RedisCacheClient):
    """One redis-py client per connection pool, instead of a new one for every cache call.

    Django builds a `redis.Redis` object per get/set; with redis-py 5+ its constructor (response
    callbacks, event dispatcher) costs about as much CPU as the round trip itself. Clients are
    thread-safe and hold no connection of their own, so sharing them changes nothing else.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache backend with `_ReusedClients` (CACHES BACKEND in settings)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClients
        self._own = threading.local()

    def get_quickly(self, key):
        """`get(key)` over a connection this thread (and process) keeps to itself.

        Every page cache lookup reads the content generation; through the client that read costs
        about three times the CPU of the round trip itself (pool checkout, retry wrappers,
        response callbacks). Any Redis error closes the connection and falls back to `get()`.
        """
        own = self._own
        connection = getattr(own, "connection", None)
        if connection is None or own.pid != os.getpid():
            pool = self._cache.get_client(key).connection_pool
            connection = own.connection = pool.connection_class(**pool.connection_kwargs)
            own.pid = os.getpid()
        try:
            connection.send_command("GET", self.make_and_validate_key(key))
            value = connection.read_response()
        except Exception:
            connection.disconnect()
            own.connection = None
            return self.get(key)
        return None if value is None else self._cache._serializer.loads(value)


def get_quickly(key):
    """The cache's `get_quickly()` where it has one (Redis), else its `get()`."""
    backend = caches["default"]
    getter = getattr(backend, "get_quickly", None)
    return backend.get(key) if getter is None else getter(key)

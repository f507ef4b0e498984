"""The Redis cache backend (CACHES BACKEND in settings) with a fast read for the page cache.

A small backend of our own on redis-py's public API. Django's built-in one builds a `redis.Redis`
object for every get and set, and with redis-py 5+ that constructor (response callbacks, event
dispatcher) costs about as much CPU as the round trip itself; making it reuse one would mean
overriding its private methods. This one has the API of Django's (the `BaseCache` methods), its
keys, timeouts and stored values (integers as plain integers, so that INCR works; everything else
pickled), so either can read what the other wrote, over one client per process.
"""

import os
import pickle
import threading

import redis
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.exceptions import ImproperlyConfigured

# One client, and so one connection pool, per server and options in each process: clients are
# thread-safe and hold no connection of their own, and their pool starts afresh in a forked child.
_clients = {}
_clients_lock = threading.Lock()

# INCRBY only if the key exists, in one step: with EXISTS then INCRBY a key expiring in between
# would come back without a timeout (and a rate limit window would never end).
_INCR_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('INCRBY', KEYS[1], ARGV[1])
"""


def _shared_client(url, options):
    key = (url, repr(sorted(options.items())))
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = redis.Redis.from_url(url, **options)
        return client


def dumps(value):
    """What is stored for `value`: an int as it is (bool is pickled, like any other type)."""
    return value if type(value) is int else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def loads(data):
    """The value `dumps()` (or Django's Redis backend) stored as `data`."""
    if data[:1] != b"\x80":  # not a pickle (protocol 2 and up): an integer, as INCR leaves it
        try:
            return int(data)
        except ValueError:
            pass
    # Like Django's backend: whoever can write to this Redis can run code in the web workers.
    return pickle.loads(data)


class RedisCache(BaseCache):
    """Django's cache API on one Redis server.

    LOCATION is a redis://, rediss:// or unix:// URL; OPTIONS, if any, are keyword arguments for
    `redis.Redis.from_url` (e.g. `socket_timeout`, `max_connections`).
    """

    def __init__(self, server, params):
        super().__init__(params)
        if not isinstance(server, str) or "," in server:
            raise ImproperlyConfigured("RedisCache takes the URL of one Redis server")
        self._url = server
        self._options = params.get("OPTIONS") or {}
        self._redis = None
        self._own = threading.local()

    @property
    def client(self):
        """This process's `redis.Redis` client for the server (shared by all threads)."""
        if self._redis is None:
            self._redis = _shared_client(self._url, self._options)
        return self._redis

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        """Seconds, or None for no expiry; 0 or less means expired at once (as Django's)."""
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout == 0:
            return not self.client.exists(key)
        return bool(self.client.set(key, dumps(value), ex=timeout, nx=True))

    def get(self, key, default=None, version=None):
        value = self.client.get(self.make_and_validate_key(key, version=version))
        return default if value is None else loads(value)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout == 0:
            self.client.delete(key)
        else:
            self.client.set(key, dumps(value), ex=timeout)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            return bool(self.client.persist(key)) or bool(self.client.exists(key))
        return bool(self.client.expire(key, timeout))

    def delete(self, key, version=None):
        return bool(self.client.delete(self.make_and_validate_key(key, version=version)))

    def get_many(self, keys, version=None):
        made = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not made:
            return {}
        values = self.client.mget(list(made))
        found = zip(made.values(), values, strict=True)
        return {key: loads(value) for key, value in found if value is not None}

    def has_key(self, key, version=None):
        return bool(self.client.exists(self.make_and_validate_key(key, version=version)))

    def incr(self, key, delta=1, version=None):
        made = self.make_and_validate_key(key, version=version)
        value = self.client.eval(_INCR_IF_EXISTS, 1, made, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        timeout = self.get_backend_timeout(timeout)
        values = {self.make_and_validate_key(k, version=version): dumps(v) for k, v in data.items()}
        pipeline = self.client.pipeline()  # MULTI/EXEC: all keys with their timeouts or none
        if timeout == 0:
            pipeline.delete(*values)
        else:
            pipeline.mset(values)
            if timeout is not None:
                for key in values:
                    pipeline.expire(key, timeout)
        pipeline.execute()
        return []

    def delete_many(self, keys, version=None):
        keys = [self.make_and_validate_key(key, version=version) for key in keys]
        if keys:
            self.client.delete(*keys)

    def clear(self):
        """Empty the whole Redis database of LOCATION (as Django's), not only our prefix."""
        return bool(self.client.flushdb())

    def get_quickly(self, key):
        """`get(key)` over a connection this thread (and process) keeps to itself.

        Every page cache lookup reads the content generation; through the client that read costs
        about half as much CPU again (pool checkout, retry wrappers, response callbacks). After a
        fork the child opens its own connection; any error closes it and falls back to `get()`.
        """
        made = self.make_and_validate_key(key)
        own = self._own
        connection = getattr(own, "connection", None)
        if connection is None or own.pid != os.getpid():
            pool = self.client.connection_pool
            connection = own.connection = pool.connection_class(**pool.connection_kwargs)
            own.pid = os.getpid()
        try:
            connection.send_command("GET", made)
            value = connection.read_response()
        except BaseException as error:
            # A reply may be left half read: never use this connection again.
            own.connection = None
            connection.disconnect()
            if not isinstance(error, Exception):
                raise
            return self.get(key)
        return None if value is None else loads(value)


def get_quickly(key, alias="default"):
    """The cache's `get_quickly()` where it has one (Redis), else its `get()`."""
    backend = caches[alias]
    getter = getattr(backend, "get_quickly", None)
    return backend.get(key) if getter is None else getter(key)

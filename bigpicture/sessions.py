"""Sessions kept in the database, read through the shared cache (Django's ``cached_db``),
with the cached copy kept five minutes at most.

The database row is the session; the cache saves most requests its query. When Redis cannot
be reached, the cache is skipped (settings: a failing cache is a miss), so a sign-out then
deletes the row but not the cached copy. Kept as long as the session (12 hours), that copy
would sign the person in again once Redis is back; kept five minutes, it is gone by then, and
the next read goes to the database, which no longer has the session.
"""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore

CACHED_SECONDS = 5 * 60


class _ShortLived:
    """A cache whose writes are kept ``CACHED_SECONDS`` at most; everything else as is."""

    def __init__(self, cache):
        self._cache = cache

    def set(self, key, value, timeout=None, **kwargs):
        return self._cache.set(key, value, _capped(timeout), **kwargs)

    async def aset(self, key, value, timeout=None, **kwargs):
        return await self._cache.aset(key, value, _capped(timeout), **kwargs)

    def __contains__(self, key):
        return key in self._cache

    def __getattr__(self, name):
        return getattr(self._cache, name)


def _capped(timeout) -> int:
    return CACHED_SECONDS if timeout is None else min(timeout, CACHED_SECONDS)


class SessionStore(CachedDbStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _ShortLived(self._cache)

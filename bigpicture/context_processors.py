"""Template context every page gets."""

from bigpicture import selectors


def fragments(request) -> dict:
    """The key and lifetime of the page fragments cached per viewer (see ``fragment_key``).

    The key is a callable, so pages that cache nothing never compute it.
    """
    return {
        "fragment_key": lambda: selectors.fragment_key(request),
        "fragment_seconds": selectors.FRAGMENT_CACHE_SECONDS,
    }

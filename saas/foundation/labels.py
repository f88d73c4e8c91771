"""Names for the codes in the published statistics (tracks, life domains, closure reasons).

The codes belong to the tenant packages, which saas/ does not import; a package that publishes
registers how to name them (:func:`register_labels`, called when its module is imported), and the
foundation's pages ask here. A code nobody named is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable

#: dimension ("track", "domain", "closure_reason") → function(language) → {code: label}
_PROVIDERS: dict[str, Callable[[str], dict[str, str]]] = {}


def register_labels(dimension: str, provider: Callable[[str], dict[str, str]]) -> None:
    """Name the codes of ``dimension``: ``provider(language)`` returns {code: label}, in display order."""
    _PROVIDERS[dimension] = provider


def labels(dimension: str, language: str) -> dict[str, str]:
    """{code: label} for ``dimension`` in ``language``, in the provider's order (empty if none)."""
    provider = _PROVIDERS.get(dimension)
    return dict(provider(language)) if provider else {}

"""Identifiers in the service's style: a prefix and 21 random letters and digits.

``event_``, ``item_``, ``resp_``, ``sess_``, ``conv_`` and ``call_`` ids look like
``item_C9G8pGVKYnaZu8PH5YQ9O``. Clients must treat them as opaque strings.
"""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str) -> str:
    """A fresh id such as ``event_C9G8pqbTEddBSIxbBN6Os``."""
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(21))

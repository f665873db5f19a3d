"""Signed one-click unsubscribe tokens (RFC 8058): what a digest's List-Unsubscribe link carries.

A signed token is `s1.<subscriber id>.<HMAC-SHA256>`, keyed with REGWATCH_UNSUBSCRIBE_SECRET over the
subscriber's id and their stored random token. It names one subscriber, cannot be forged or altered to
name another without the secret, and dies with the subscription (a subscriber removed and added again
gets a new stored token, so old links stop working). No account, no login, no database column: the
stored token stays the per-subscriber salt it always was.

Without a secret, digests carry the stored random token itself (as before); it is accepted too, so links
in mails already sent keep working once a secret is set.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from regwatch import settings
from regwatch.notify.subscribers import Subscriber, subscriber_by_id, unsubscribe
from regwatch.store import Store

PREFIX = "s1"


def token_for(subscriber: Subscriber, secret: str | None = None) -> str:
    """The token a digest to `subscriber` links to: signed when a secret is set, else their stored token."""
    secret = secret if secret is not None else settings.unsubscribe_secret()
    stored = subscriber.token or ""
    if not secret or subscriber.id is None or not stored:
        return stored
    return f"{PREFIX}.{subscriber.id}.{_mac(secret, subscriber.id, stored)}"


def subscriber_for(store: Store, token: str, secret: str | None = None) -> Subscriber | None:
    """The subscriber a token names, or None for a token that is malformed, forged or no longer valid."""
    secret = secret if secret is not None else settings.unsubscribe_secret()
    if token.startswith(PREFIX + "."):
        _, _, rest = token.partition(".")
        sub_id, _, mac = rest.partition(".")
        if not secret or not sub_id.isdigit() or len(sub_id) > 12:
            return None
        found = subscriber_by_id(store, int(sub_id))
        if found is None or not found.token:
            return None
        return found if hmac.compare_digest(mac, _mac(secret, int(sub_id), found.token)) else None
    if not token:
        return None
    return subscriber_by_id(store, None, token=token)


def unsubscribe_with(store: Store, token: str, secret: str | None = None) -> Subscriber | None:
    """Deactivate the subscriber a valid token names (idempotent) and drop their unsent alerts; who it was."""
    found = subscriber_for(store, token, secret)
    if found is None or not found.token:
        return None
    unsubscribe(store, found.token)
    return found


def _mac(secret: str, sub_id: int, stored: str) -> str:
    digest = hmac.new(secret.encode(), f"unsubscribe\n{sub_id}\n{stored}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")

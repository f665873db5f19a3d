"""Which changes a subscriber asked for: jurisdiction patterns, substances and a minimum severity."""

from __future__ import annotations

from regwatch.domain.models import Change
from regwatch.notify.subscribers import Subscriber, covers


def wants(subscriber: Subscriber, change: Change) -> bool:
    """Whether `change` passes every filter of `subscriber` (an empty filter lets everything through)."""
    if change.severity.rank < subscriber.min_severity.rank:
        return False
    # One legal event moves several substances (a ban of kratom covers 7-OH and synthetics): a subscriber
    # to any one of them is told.
    moved = change.substances or ([change.substance] if change.substance is not None else [])
    if subscriber.substances and moved and not set(moved) & set(subscriber.substances):
        return False
    if subscriber.jurisdictions and change.jurisdiction is not None:
        return any(covers(p, change.jurisdiction) for p in subscriber.jurisdictions)
    # A change with no jurisdiction or substance (a broken source) concerns every subscriber who
    # passed the severity filter: their statuses may be stale until it is fixed.
    return True

"""Which left-out readings join the events of others (events._groups), found without reading them whole.

A report with no event key of its own joins the official act of its place nearest in date, within
events.REPORT_WINDOW, that sets a status the report names (events._closest: the fewest days apart, then the
smaller notice id). A reading the fold leaves out (regwatch.pipeline.readings: quiet, or idle on the date) is
an official act, so it may be that nearest act, and must then be read whole. Only the one nearest act of each
report is: a place with many reports and many quiet readings reads a few of them, not every one near a report.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from regwatch.domain.events import REPORT_WINDOW, status_pairs
from regwatch.domain.models import Action
from regwatch.domain.status import is_visible

# (day as an ordinal, notice id): sorted, the acts of one day come smallest id first, as events._closest breaks ties.
Candidate = tuple[int, str]


def pair_names(action: Action) -> list[str]:
    """The (status, substance) pairs a report and its act are matched by (events.status_pairs), as sorted text."""
    return sorted(f"{status.value}:{substance.value}" for status, substance in status_pairs(action))


def joined(
    held: Iterable[Action],
    keys: Mapping[str, set[str]],
    left_out: Iterable[tuple[str, date, tuple[str, ...]]],
    as_of: date,
) -> set[str]:
    """The notices among `left_out` (visible on `as_of`, left out of the fold: id, day published, pair names) that
    a report among `held` (the place's readings read whole, their event keys in `keys`) joins."""
    reports: list[Action] = []
    officials: defaultdict[str, list[Candidate]] = defaultdict(list)
    for action in held:
        if not is_visible(action, as_of):
            continue  # the fold does not see it (regwatch.domain.status.fold_place)
        if action.reported and not keys.get(action.notice):
            reports.append(action)
        else:
            for pair in pair_names(action):
                officials[pair].append((action.published.toordinal(), action.notice))
    if not reports:
        return set()
    waiting: set[str] = set()
    for notice, published, pairs in left_out:
        waiting.add(notice)
        for pair in pairs:
            officials[pair].append((published.toordinal(), notice))
    for found in officials.values():
        found.sort()
    out: set[str] = set()
    for report in reports:
        day = report.published.toordinal()
        nearest = [c for pair in pair_names(report) for c in _nearest(officials.get(pair, []), day)]
        if nearest and (chosen := min(nearest)[1]) in waiting:
            out.add(chosen)
    return out


def _nearest(found: list[Candidate], day: int) -> list[tuple[int, str]]:
    """(days apart, notice id) of the nearest acts in `found` within the window, on or after `day` and before it:
    on each side, the smallest id of the nearest day."""
    out: list[tuple[int, str]] = []
    after = bisect_left(found, (day, ""))
    if after < len(found) and found[after][0] - day <= REPORT_WINDOW.days:
        out.append((found[after][0] - day, found[after][1]))
    if after > 0 and day - (before := found[after - 1][0]) <= REPORT_WINDOW.days:
        out.append((day - before, found[bisect_left(found, (before, ""))][1]))
    return out


def by_keys(
    held: Mapping[str, set[str]], waiting: Iterable[tuple[str, tuple[str, ...], bool]], joined: set[str]
) -> tuple[set[str], dict[str, tuple[str, ...]]]:
    """Notices that share an event key make one event (events._groups). Given the event keys of the readings held
    whole (`held`), of the visible left-out ones (`waiting`, in the store's order, each with whether a provision of
    it sets a status), and the left-out ones a report joins (`joined`, read whole): the left-out notices of an
    event that may move the table (with a reading read whole, or one that sets a status: the event is read by
    its lead's provisions and every member's stages, so a failed bill and a live resolution of its number are a
    live proposal), which must be read whole too; and each left-out notice of an event of left-out notices none
    of which sets a status -> its members, in order."""
    parent: dict[str, str] = {}

    def find(notice: str) -> str:
        while parent[notice] != notice:
            parent[notice] = parent[parent[notice]]
            notice = parent[notice]
        return notice

    waiting = list(waiting)
    owner: dict[str, str] = {}  # event key -> the first notice named by it
    order: list[str] = []
    moving = set(held) | joined | {notice for notice, _, sets in waiting if sets}
    for notice, keys in [*held.items(), *((notice, keys) for notice, keys, _ in waiting)]:
        parent.setdefault(notice, notice)
        order.append(notice)
        for key in keys:
            if key in owner:
                parent[find(notice)] = find(owner[key])
            else:
                owner[key] = notice
    members: defaultdict[str, list[str]] = defaultdict(list)
    for notice in order:
        members[find(notice)].append(notice)
    whole: set[str] = set()
    groups: dict[str, tuple[str, ...]] = {}
    for event in members.values():
        if len(event) < 2:
            continue
        if not moving.isdisjoint(event):
            whole.update(n for n in event if n not in held)
        else:
            together = tuple(event)
            groups.update(dict.fromkeys(together, together))
    return whole, groups

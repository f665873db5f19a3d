"""The US tile-grid map as data: one square per state, DC and PR, coloured and labelled by status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from regwatch.domain import jurisdictions
from regwatch.domain.models import StatusRow
from regwatch.domain.vocab import Reliability, Status, Substance
from regwatch.reports import words

# The common US tile grid (the layout NPR and others popularised): (column, row) per state, 11 x 8.
# Alaska and Hawaii sit in the west corners, DC beside Maryland, Puerto Rico to the south-east.
GRID: dict[str, tuple[int, int]] = {
    "US-AK": (0, 0), "US-ME": (10, 0),
    "US-VT": (9, 1), "US-NH": (10, 1),
    "US-WA": (0, 2), "US-ID": (1, 2), "US-MT": (2, 2), "US-ND": (3, 2), "US-MN": (4, 2), "US-IL": (5, 2),
    "US-WI": (6, 2), "US-MI": (7, 2), "US-NY": (8, 2), "US-RI": (9, 2), "US-MA": (10, 2),
    "US-OR": (0, 3), "US-NV": (1, 3), "US-WY": (2, 3), "US-SD": (3, 3), "US-IA": (4, 3), "US-IN": (5, 3),
    "US-OH": (6, 3), "US-PA": (7, 3), "US-NJ": (8, 3), "US-CT": (9, 3),
    "US-CA": (0, 4), "US-UT": (1, 4), "US-CO": (2, 4), "US-NE": (3, 4), "US-MO": (4, 4), "US-KY": (5, 4),
    "US-WV": (6, 4), "US-VA": (7, 4), "US-MD": (8, 4), "US-DE": (9, 4),
    "US-AZ": (1, 5), "US-NM": (2, 5), "US-KS": (3, 5), "US-AR": (4, 5), "US-TN": (5, 5), "US-NC": (6, 5),
    "US-SC": (7, 5), "US-DC": (8, 5),
    "US-OK": (3, 6), "US-LA": (4, 6), "US-MS": (5, 6), "US-AL": (6, 6), "US-GA": (7, 6),
    "US-HI": (0, 7), "US-TX": (3, 7), "US-FL": (8, 7), "US-PR": (10, 7),
}  # fmt: skip

COLUMNS = 11
ROWS = 8
TILE = 48  # px in the viewBox: room for a two-letter code and a three-letter status under it
GAP = 4


@dataclass(frozen=True)
class StatusStyle:
    """How a status is drawn: a fill, a text colour with at least 4.5:1 contrast on it, and words."""

    fill: str
    text: str
    abbr: str
    label: str


# Fills from ColorBrewer's diverging RdYlBu family (colour-blind safe); the text colour on each is
# chosen for WCAG AA contrast (checked in tests), and the abbreviation makes the map readable in grey.
STATUS_STYLES: dict[Status, StatusStyle] = {
    Status.LEGAL: StatusStyle("#d1e5f0", "#08306b", "LEG", "legal: no kratom-specific law"),
    Status.REGULATED: StatusStyle("#67a9cf", "#0b1f33", "REG", "regulated: age, labels, licences"),
    Status.RESTRICTED: StatusStyle("#fdae61", "#3d1f00", "RST", "restricted: 7-OH or concentrates barred"),
    Status.BANNED: StatusStyle("#b2182b", "#ffffff", "BAN", "banned"),
    Status.UNKNOWN: StatusStyle("#e6e6e6", "#333333", "UNK", "unknown: no evidence yet"),
}

# The maps drawn on the index page, with their headings.
MAP_SUBSTANCES: dict[Substance, str] = {Substance.KRATOM: "Kratom", Substance.SEVEN_OH: "7-OH"}


@dataclass(frozen=True)
class Tile:
    """One state's square on one substance's map."""

    code: str
    name: str
    x: int
    y: int
    status: Status
    style: StatusStyle
    since: date | None
    last_verified: date | None
    pending: bool
    scheduled: bool
    since_text: str = ""  # `since` as far as it is known: "2019", "2019-07" or "2019-07-01"
    detail: str = ""
    reliability: Reliability | None = None
    marks: tuple[str, ...] = ()  # under review, unverified, lapsed: the tile shows "?" and its title says which

    @property
    def label(self) -> str:
        """The two-letter postal code shown on the tile."""
        return self.code.split("-", 1)[1]


def tiles(rows: list[StatusRow], substance: Substance) -> list[Tile]:
    """The tiles of one substance's map; a state with no row is drawn as unknown, never left out."""
    by_code = {r.jurisdiction: r for r in rows if r.substance is substance}
    out = []
    for code, (col, row) in GRID.items():
        status_row = by_code.get(code)
        status = status_row.status if status_row else Status.UNKNOWN
        out.append(
            Tile(
                code=code,
                name=jurisdictions.name(code),
                x=col * (TILE + GAP),
                y=row * (TILE + GAP),
                status=status,
                style=STATUS_STYLES[status],
                since=status_row.since if status_row else None,
                last_verified=status_row.last_verified if status_row else None,
                pending=bool(status_row and status_row.pending),
                scheduled=bool(status_row and status_row.scheduled),
                since_text=words.since(status_row) if status_row else "",
                detail=status_row.detail if status_row else "",
                reliability=status_row.reliability if status_row else None,
                marks=tuple(words.cell_marks(status_row)) if status_row else (),
            )
        )
    return out


def viewbox() -> str:
    """The SVG viewBox that holds the whole grid."""
    return f"0 0 {COLUMNS * (TILE + GAP) - GAP} {ROWS * (TILE + GAP) - GAP}"

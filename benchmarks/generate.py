"""A synthetic, deterministic archive of the sources at any scale, for the benchmarks.

Written here from the shapes of real responses (Federal Register API v1 documents, Open States v3 bills)
and the fda.gov / dea.gov selectors in docs/sources.md; no recorded text is copied. Proportions follow the
real sources: most Federal Register documents that match drug terms are about other drugs (quotas,
registrations, information collections), most press releases are not about kratom, and bills move
through introduced -> passed -> signed -> effective, or die, or are vetoed.

`Corpus(seed)` gives source records; `notices(n)` turns them into Notices exactly as the spiders would
(through the spiders' own field functions); `benchmarks.pages.build_archive` renders them as pages.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from regwatch.domain import jurisdictions
from regwatch.domain.models import Notice
from regwatch.domain.vocab import NoticeKind
from spiders.federal_register import document_fields
from spiders.openstates import bill_fields

FIRST_DAY = date(2012, 1, 1)
LAST_DAY = date(2026, 10, 31)
# Open States covers the states, DC and Puerto Rico; the other territories have no legislature data there.
STATES = tuple(
    code.removeprefix("US-").lower()
    for code in jurisdictions.us_states_and_territories()
    if code not in ("US-AS", "US-GU", "US-MP", "US-UM", "US-VI")
)
# Shares of the archive by source (pages and notices alike): the API sources dominate.
SOURCE_SHARES = (("federal_register", 0.35), ("openstates", 0.45), ("dea", 0.1), ("fda", 0.1))
# Of Federal Register documents matching the search terms, about one in eight is about kratom.
FR_KRATOM_SHARE = 0.12
# Of press releases on dea.gov / fda.gov, few are about kratom or 7-OH.
RELEASE_KRATOM_SHARE = 0.06

OTHER_DRUGS = (
    "fentanyl",
    "N-ethylhexedrone",
    "alpha-PHP",
    "butonitazene",
    "xylazine",
    "etizolam",
    "4-MEAP",
    "methylone",
    "psilocybin",
    "marihuana",
    "tianeptine",
    "nitazene analogues",
)
FR_UNRELATED = (
    (
        "Notice",
        "Established Aggregate Production Quotas for Schedule I and II Controlled Substances",
        "The Drug Enforcement Administration establishes the aggregate production quotas for {year}.",
    ),
    (
        "Notice",
        "Importer of Controlled Substances Application: {firm}",
        "{firm} has applied to be registered as an importer of {drug} in Schedule I.",
    ),
    (
        "Notice",
        "Agency Information Collection Activities; Proposed Collection; Comment Request",
        "The Food and Drug Administration is announcing an opportunity for public comment on {drug} labeling.",
    ),
    (
        "Rule",
        "Schedules of Controlled Substances: Placement of {drug} in Schedule I",
        "This final rule places {drug} in schedule I of the Controlled Substances Act.",
    ),
    (
        "Proposed Rule",
        "Schedules of Controlled Substances: Temporary Placement of {drug} in Schedule I",
        "The Administrator issues this notice of intent to temporarily place {drug} in schedule I.",
    ),
    (
        "Notice",
        "Issuance of Priority Review Voucher; Rare Pediatric Disease Product",
        "The Food and Drug Administration is announcing the issuance of a priority review voucher.",
    ),
)
FR_KRATOM = (
    (
        "Proposed Rule",
        "notice of intent",
        (
            "Schedules of Controlled Substances: Temporary Placement of Mitragynine and 7-Hydroxymitragynine "
            "Into Schedule I"
        ),
        "The Administrator issues this notice of intent to temporarily schedule mitragynine and 7-hydroxymitragynine.",
    ),
    (
        "Proposed Rule",
        "notice of intent",
        (
            "Schedules of Controlled Substances: Temporary Placement of 7-Hydroxymitragynine Above a Threshold "
            "in Schedule I"
        ),
        "Notice of intent to temporarily place 7-OH products above 0.05 percent by dry weight in schedule I.",
    ),
    (
        "Notice",
        "withdrawal",
        (
            "Schedules of Controlled Substances: Withdrawal of Notice of Intent To Temporarily Place Mitragynine "
            "Into Schedule I"
        ),
        "The Administrator is withdrawing the notice of intent and solicits comments on mitragynine.",
    ),
    (
        "Rule",
        "Temporary scheduling order",
        (
            "Schedules of Controlled Substances: Temporary Placement of Mitragynine Pseudoindoxyl, MGM-15 and MGM-16 "
            "in Schedule I"
        ),
        "This temporary scheduling order places mitragynine pseudoindoxyl, MGM-15 and MGM-16 in schedule I.",
    ),
    (
        "Notice",
        "Request for information",
        "Request for Information on 7-Hydroxymitragynine Concentration Thresholds",
        "HHS requests comments on a threshold for concentrated 7-OH products; kratom leaf is outside its scope.",
    ),
)
# Each bill kind: its share of the corpus, a title and an abstract.
BILL_KINDS = (
    (
        0.30,
        "Kratom Consumer Protection Act",
        "Regulates the sale of kratom products; prohibits sale to persons under 21 years of age; requires labels.",
    ),
    (
        0.14,
        "Relating to controlled substances; kratom",
        "Adds mitragynine and 7-hydroxymitragynine to Schedule I of the controlled substances act.",
    ),
    (
        0.18,
        "Relating to 7-hydroxymitragynine products",
        "Prohibits the sale of synthetic 7-OH and kratom products with more than 2 percent 7-hydroxymitragynine.",
    ),
    (
        0.05,
        "Relating to kratom; repeal",
        "Repeals the ban on kratom and removes mitragynine from Schedule I; provides for regulated sale.",
    ),
    (0.05, "Kratom study", "Mandates a legislative management study of the potential uses and regulation of kratom."),
    (
        0.05,
        "Resolution urging regulation of kratom",
        "Urges the Congress and the Food and Drug Administration to regulate kratom.",
    ),
    (
        0.23,
        "Relating to hemp-derived products and other substances",
        "Amends the definition of hemp products; retail licensing; includes kratom in the tobacco retail licence.",
    ),
)
FATES = (("enacted", 0.25), ("died", 0.55), ("one_chamber", 0.12), ("vetoed", 0.05), ("failed_vote", 0.03))
RELEASE_OTHER = (
    "Two men sentenced for distributing {drug} in {city}",
    "Operation seizes {drug} pills in {city}",
    "FDA approves new treatment for {condition}",
    "FDA warns consumers about {drug} products",
)
RELEASE_KRATOM = (
    "FDA issues warning letters to firms marketing 7-OH products in {city}",
    "DEA: kratom and 7-OH poisonings increase in {city}",
    "FDA takes steps to restrict 7-OH opioid products",
    "Seizure of adulterated kratom products in {city}",
)
CITIES = ("St. Louis", "Miami", "Houston", "Denver", "Seattle", "Boston", "Phoenix", "Atlanta", "Tampa", "Omaha")
CONDITIONS = ("migraine", "sickle cell disease", "opioid use disorder", "hypertension", "psoriasis")
FIRMS = ("Cerilliant Corporation", "Noramco", "Siegfried USA", "Johnson Matthey", "Cambrex Charles City")


@dataclass
class Release:
    """A press release on fda.gov or dea.gov: title, date and body paragraphs."""

    site: str
    number: int
    title: str
    published: date
    paragraphs: list[str]
    about_kratom: bool
    path: str = ""


@dataclass
class SourceRecords:
    """Raw records per source, in the shapes the sources publish."""

    fr_documents: list[dict[str, Any]] = field(default_factory=list)
    bills: list[dict[str, Any]] = field(default_factory=list)
    releases: dict[str, list[Release]] = field(default_factory=lambda: {"dea": [], "fda": []})


class Corpus:
    """Deterministic source records for a seed: the same seed and counts always give the same records."""

    def __init__(self, seed: int = 7) -> None:
        self.seed = seed
        self.rng = random.Random(seed)

    def day(self) -> date:
        return FIRST_DAY + timedelta(days=self.rng.randrange((LAST_DAY - FIRST_DAY).days))

    # Federal Register ------------------------------------------------------------------------------

    def fr_document(self, number: int) -> dict[str, Any]:
        """One document as the Federal Register API returns it with the spider's `fields[]`."""
        rng = self.rng
        published = self.day()
        doc_number = f"{published.year}-{10000 + number:05d}"  # unique at any scale
        if rng.random() < FR_KRATOM_SHARE:
            doc_type, action, title, abstract = rng.choice(FR_KRATOM)
            agency = "drug-enforcement-administration"
        else:
            doc_type, title, abstract = rng.choice(FR_UNRELATED)
            values = {"drug": rng.choice(OTHER_DRUGS), "firm": rng.choice(FIRMS), "year": published.year}
            title, abstract = title.format(**values), abstract.format(**values)
            action = {"Rule": "Final rule.", "Proposed Rule": "Proposed rule.", "Notice": "Notice."}[doc_type]
            agency = rng.choice(("drug-enforcement-administration", "food-and-drug-administration"))
        effective = published + timedelta(days=30) if doc_type == "Rule" else None
        closes = published + timedelta(days=60) if doc_type == "Proposed Rule" else None
        part = rng.choice((1308, "1308", None, 1301))  # int, string or null, as the API sends it
        slug = "-".join(title.lower().replace(":", "").replace(",", "").split()[:8])
        return {
            "abstract": abstract,
            "action": action,
            "agencies": [
                {
                    "raw_name": agency.upper().replace("-", " "),
                    "name": agency.replace("-", " ").title(),
                    "id": 100 + len(agency),
                    "slug": agency,
                }
            ],
            "cfr_references": [{"title": 21, "part": part}],
            "citation": f"{published.year - 1935} FR {rng.randrange(100, 99000)}",
            "comments_close_on": closes.isoformat() if closes else None,
            "dates": f"Comments must be received on or before {closes:%B %d, %Y}." if closes else None,
            "docket_ids": [f"Docket No. DEA-{rng.randrange(100, 1500)}"],
            "document_number": doc_number,
            "effective_on": effective.isoformat() if effective else None,
            "html_url": f"https://www.federalregister.gov/documents/{published:%Y/%m/%d}/{doc_number}/{slug}",
            "publication_date": published.isoformat(),
            "title": title,
            "type": doc_type,
        }

    # Open States -----------------------------------------------------------------------------------

    def bill(self, number: int) -> dict[str, Any]:
        """One bill as Open States v3 returns it with include=actions, abstracts and sources."""
        rng = self.rng
        state = rng.choice(STATES)
        title, abstract = _weighted(rng, [(share, (t, a)) for share, t, a in BILL_KINDS])
        introduced = self.day()
        chamber, other = rng.choice((("lower", "upper"), ("upper", "lower")))
        prefix = "HB" if chamber == "lower" else "SB"
        identifier = f"{prefix} {100 + number % 9000}"
        session = str(introduced.year)
        actions = self._life_cycle(introduced, chamber, other, _weighted(rng, [(s, f) for f, s in FATES]))
        bill_id = f"ocd-bill/{uuid.UUID(int=rng.getrandbits(128), version=4)}"
        return {
            "id": bill_id,
            "session": session,
            "jurisdiction": {
                "id": f"ocd-jurisdiction/country:us/state:{state}/government",
                "name": state.upper(),
                "classification": "state",
            },
            "from_organization": {"name": "House" if chamber == "lower" else "Senate", "classification": chamber},
            "identifier": identifier,
            "title": title,
            "classification": ["resolution"] if title.startswith("Resolution") else ["bill"],
            "subject": [],
            "extras": {},
            "created_at": f"{introduced.isoformat()}T00:27:59.942288+00:00",
            "updated_at": f"{actions[-1]['date']}T17:52:32.911374+00:00",
            "openstates_url": f"https://openstates.org/{state}/bills/{session}/{identifier.replace(' ', '')}/",
            "first_action_date": introduced.isoformat(),
            "latest_action_date": actions[-1]["date"],
            "latest_action_description": actions[-1]["description"],
            "latest_passage_date": "",
            "abstracts": [{"abstract": abstract, "note": "summary"}],
            "actions": actions,
            "sources": [
                {
                    "url": f"https://legislature.{state}.gov/bills/{session}/{identifier.replace(' ', '')}",
                    "note": "homepage",
                }
            ],
        }

    def _life_cycle(self, start: date, chamber: str, other: str, fate: str) -> list[dict[str, Any]]:
        """Dated actions: introduction, committee, passage in one or both chambers, signature or death."""
        names = {"lower": "House", "upper": "Senate"}
        steps = [(start, chamber, "Introduced and referred to Judiciary"), (start, chamber, "Read first time")]
        day = start + timedelta(days=self.rng.randrange(10, 40))
        steps.append((day, chamber, "Committee hearing held"))
        if fate in ("died",):
            steps.append((day + timedelta(days=120), chamber, "Died in committee"))
        elif fate == "failed_vote":
            steps.append((day + timedelta(days=20), chamber, f"Failed to pass {names[chamber]}, yeas 15 nays 77"))
        else:
            day += timedelta(days=self.rng.randrange(10, 40))
            steps.append((day, chamber, f"Passed {names[chamber]}"))
            if fate == "one_chamber":
                steps.append((day + timedelta(days=90), other, f"Died in {names[other]} committee"))
            else:
                day += timedelta(days=self.rng.randrange(10, 40))
                steps.append((day, other, f"Passed {names[other]}"))
                day += timedelta(days=5)
                steps.append((day, "executive", "Sent to Governor"))
                day += timedelta(days=self.rng.randrange(3, 20))
                last = "Vetoed by Governor" if fate == "vetoed" else "Signed by Governor"
                steps.append((day, "executive", last))
        return [
            {
                "organization": {"name": names.get(org, "Governor"), "classification": org},
                "description": text,
                "date": when.isoformat(),
                "classification": [],
                "order": i,
            }
            for i, (when, org, text) in enumerate(steps, start=1)
        ]

    # press releases --------------------------------------------------------------------------------

    def release(self, site: str, number: int) -> Release:
        """One press release; about kratom in RELEASE_KRATOM_SHARE of cases."""
        rng = self.rng
        kratom = rng.random() < RELEASE_KRATOM_SHARE
        values = {"drug": rng.choice(OTHER_DRUGS), "city": rng.choice(CITIES), "condition": rng.choice(CONDITIONS)}
        title = rng.choice(RELEASE_KRATOM if kratom else RELEASE_OTHER).format(**values)
        published = self.day()
        city = values["city"].upper()
        body = [f"{city} - {title}. The agency announced the action today."]
        if kratom:
            body.append("Products sold as kratom or 7-OH were found to contain concentrated 7-hydroxymitragynine.")
            body.append("Consumers should not buy or use these products, which are sold online and in smoke shops.")
        body += [f"Background paragraph {i} on the agency's work with partners." for i in range(rng.randrange(3, 8))]
        return Release(site, number, title, published, body, kratom)

    # notices ---------------------------------------------------------------------------------------

    def notices(self, count: int) -> Iterator[Notice]:
        """`count` Notices as the spiders would yield them, in the sources' shares."""
        for number in range(count):
            source = _weighted(self.rng, [(share, name) for name, share in SOURCE_SHARES])
            if source == "federal_register":
                fields = document_fields(self.fr_document(number))
            elif source == "openstates":
                fields = bill_fields(self.bill(number)) or {}
            else:
                release = self.release(source, number)
                if not release.about_kratom:
                    # the spiders drop these; a kept release stands in so the shares hold
                    release = self._kratom_release(source, number)
                fields = release_fields(release)
            yield Notice.model_validate({"source": source, **fields})

    def _kratom_release(self, site: str, number: int) -> Release:
        while True:
            release = self.release(site, number)
            if release.about_kratom:
                return release


def release_fields(release: Release) -> dict[str, Any]:
    """Notice fields of a kratom press release, as spiders.fda / spiders.dea build them."""
    return {
        "jurisdiction": "US",
        "kind": NoticeKind.PRESS_RELEASE,
        "title": release.title,
        "text": " ".join(release.paragraphs[:3]),
        "url": f"https://www.{release.site}.gov/press-releases/{release.published:%Y/%m/%d}/release-{release.number}",
        "published": release.published.isoformat(),
    }


def _weighted(rng: random.Random, options: list[tuple[float, Any]]) -> Any:
    """One of `options` (share, value), drawn by share."""
    point = rng.random() * sum(share for share, _ in options)
    for share, value in options:
        point -= share
        if point <= 0:
            return value
    return options[-1][1]

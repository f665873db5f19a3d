"""JSON API pages of the demo archive, in the shapes of real responses of each API (written here, not copied;
docs/sources.md): Federal Register v1, Congress.gov v3, Open States v3, LegiScan, MediaWiki parse, ClinicalTrials v2.

Facts are those of the project's initial research notes (not part of this repository), the compilation the
curated baseline was built from; regwatch/data/baseline/ gives their sources and reliability. Where those notes
give no date for a procedural step, the step is left out; where they give only the session of an introduction,
the first action is dated in the session's opening weeks and says "(date approximate)". Identifiers a source
would assign that the notes do not give (Open States and LegiScan bill ids, change hashes, Wikipedia revision
ids, Federal Register citations of 2026 documents) are made up and stable; ClinicalTrials studies are
illustrative (NCT999xxxxx is not an assigned range).
Records marked NEGATIVE are not about kratom: the spiders skip them or the rules read them as unrelated.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any
from urllib.parse import urlencode

Page = tuple[str, Any]  # (live URL, JSON body)
FR = "https://www.federalregister.gov"
DEA_AGENCY = {"name": "Drug Enforcement Administration", "slug": "drug-enforcement-administration", "id": 116}
CFR_1308 = [{"title": 21, "part": 1308, "chapter": "II"}]


def fr_document(number: str, date: str, title: str, doc_type: str, action: str, abstract: str, **extra: Any) -> dict:
    """One Federal Register result with the `fields[]` the spider asks for."""
    year, month, day = date.split("-")
    slug = "-".join(title.lower().replace(":", "").replace(",", "").split())[:90]
    return {
        "abstract": abstract, "action": action, "agencies": [DEA_AGENCY], "cfr_references": CFR_1308,
        "citation": extra.get("citation"), "comments_close_on": extra.get("comments_close_on"),
        "dates": extra.get("dates"), "docket_ids": extra.get("docket_ids", []), "document_number": number,
        "effective_on": extra.get("effective_on"), "html_url": f"{FR}/documents/{year}/{month}/{day}/{number}/{slug}",
        "publication_date": date, "title": title, "type": doc_type,
    }  # fmt: skip


def federal_register(first_url: str) -> list[Page]:
    """Two pages, newest first: the 2026 notices of intent (and a NEGATIVE quota notice), then 2016."""
    second_url = first_url.replace("/documents.json?", "/documents.json?page=2&")
    intent_7oh = fr_document(
        "2026-13580", "2026-07-06",
        "Schedules of Controlled Substances: Temporary Placement of 7-Hydroxymitragynine in Schedule I",
        "Proposed Rule", "Notice of intent.",
        "The Drug Enforcement Administration gives notice of its intent to temporarily place 7-hydroxymitragynine "
        "(7-OH) in schedule I of the Controlled Substances Act where it exceeds 0.05 percent of a product by dry "
        "weight or more than 1 milligram per finished unit. Natural kratom leaf below that threshold is not covered.",
        docket_ids=["Docket No. DEA-1500"],
    )  # fmt: skip
    intent_synthetic = fr_document(
        "2026-13581", "2026-07-06",
        "Schedules of Controlled Substances: Temporary Placement of Mitragynine Pseudoindoxyl, MGM-15, and MGM-16 "
        "in Schedule I",
        "Proposed Rule", "Notice of intent.",
        "The Drug Enforcement Administration gives notice of its intent to temporarily place the semi-synthetic "
        "kratom alkaloids mitragynine pseudoindoxyl, MGM-15 and MGM-16 in schedule I of the Controlled Substances Act.",
        docket_ids=["Docket No. DEA-1501"],
    )  # fmt: skip
    quotas = fr_document(  # NEGATIVE: DEA scheduling vocabulary, nothing about kratom
        "2025-22871", "2025-12-15",
        "Established Aggregate Production Quotas for Schedule I and II Controlled Substances and Assessment of "
        "Annual Needs for the List I Chemicals Ephedrine, Pseudoephedrine, and Phenylpropanolamine for 2026",
        "Notice", "Final order.",
        "This final order establishes the 2026 aggregate production quotas for controlled substances in schedules "
        "I and II and the assessment of annual needs for three list I chemicals.",
        effective_on="2025-12-15",
    )  # fmt: skip
    intent_2016 = fr_document(
        "2016-20803", "2016-08-31",
        "Schedules of Controlled Substances: Temporary Placement of Mitragynine and 7-Hydroxymitragynine Into "
        "Schedule I",
        "Proposed Rule", "Notice of intent.",
        "The Administrator of the Drug Enforcement Administration gives notice of the intent to temporarily place "
        "mitragynine and 7-hydroxymitragynine, the main psychoactive constituents of the plant Mitragyna speciosa "
        "(kratom), in schedule I of the Controlled Substances Act.",
        citation="81 FR 59929", docket_ids=["Docket No. DEA-442"],
    )  # fmt: skip
    withdrawal_2016 = fr_document(
        "2016-24659", "2016-10-13",
        "Schedules of Controlled Substances: Withdrawal of Notice of Intent To Temporarily Place Mitragynine and "
        "7-Hydroxymitragynine Into Schedule I",
        "Proposed Rule", "Withdrawal of notice of intent; solicitation of comments.",
        "The Drug Enforcement Administration withdraws its notice of intent of August 31, 2016, to temporarily "
        "place mitragynine and 7-hydroxymitragynine in schedule I, and invites comments, while the scientific and "
        "medical evaluation it requested from the Food and Drug Administration is pending.",
        citation="81 FR 70652", comments_close_on="2016-12-01", docket_ids=["Docket No. DEA-442W"],
    )  # fmt: skip
    first = {"count": 5, "description": "Documents matching kratom", "total_pages": 2, "next_page_url": second_url,
             "results": [intent_7oh, intent_synthetic, quotas]}  # fmt: skip
    second = {"count": 5, "description": "Documents matching kratom", "total_pages": 2,
              "results": [withdrawal_2016, intent_2016]}  # fmt: skip
    return [(first_url, first), (second_url, second)]


CONGRESS = "https://api.congress.gov/v3"
# (congress, type, number, title, introduced, chamber action): numbers and dates as the research notes cite
# congress.gov for them, titles as commonly reported; none passed a chamber.
FEDERAL_BILLS = (
    (117, "S", 5316, "Kratom Consumer Protection Act", "2022-12-20", "Introduced in Senate"),
    (118, "S", 3039, "Kratom Consumer Protection Act", "2023-10-04", "Introduced in Senate"),
    (118, "HR", 5905, "Kratom Consumer Protection Act", "2023-10-04", "Introduced in House"),
)


def congress(recent_url: str) -> list[Page]:
    """The watch-list bills with their actions, and the recent-bills list (NEGATIVE: no kratom titles)."""
    pages: list[Page] = []
    for number_of, kind, number, title, introduced, action in FEDERAL_BILLS:
        base = f"{CONGRESS}/bill/{number_of}/{kind.lower()}/{number}"
        bill = {
            "congress": number_of, "type": kind, "number": str(number), "title": title,
            "introducedDate": introduced, "originChamber": "Senate" if kind == "S" else "House",
            "updateDate": "2025-01-10T12:00:00Z", "latestAction": {"actionDate": introduced, "text": action},
            "actions": {"count": 1, "url": f"{base}/actions?format=json"},
            "summaries": {"count": 0, "url": f"{base}/summaries?format=json"},
            "cosponsors": {"count": 0, "url": f"{base}/cosponsors?format=json"},
        }  # fmt: skip
        actions = {"actions": [{"actionDate": introduced, "text": action, "type": "IntroReferral"}],
                   "pagination": {"count": 1}}  # fmt: skip
        pages += [(f"{base}?format=json", {"bill": bill}), (f"{base}/actions?format=json&limit=250", actions)]
    recent = [
        {"congress": 119, "type": "HR", "number": "1", "title": "One Big Beautiful Bill Act",
         "updateDate": "2025-07-08T10:00:00Z", "url": f"{CONGRESS}/bill/119/hr/1?format=json"},
        {"congress": 119, "type": "S", "number": "5", "title": "Laken Riley Act",
         "updateDate": "2025-01-30T10:00:00Z", "url": f"{CONGRESS}/bill/119/s/5?format=json"},
    ]  # fmt: skip
    pages.append((recent_url, {"bills": recent, "pagination": {"count": 2}}))
    return pages


def _ocd(state: str, ident: str) -> str:
    return f"ocd-bill/{uuid.uuid5(uuid.NAMESPACE_URL, f'demo/{state}/{ident}')}"


def state_bill(state: str, session: str, ident: str, title: str, abstract: str, actions: list[tuple[str, str]]) -> dict:
    """One Open States v3 bill with include=actions, abstracts and sources."""
    compact = ident.replace(" ", "")
    return {
        "id": _ocd(state, ident), "session": session, "identifier": ident, "title": title,
        "jurisdiction": {"id": f"ocd-jurisdiction/country:us/state:{state}/government", "classification": "state"},
        "classification": ["bill"], "subject": [], "extras": {},
        "created_at": f"{actions[0][0]}T00:00:00+00:00", "updated_at": f"{actions[-1][0]}T06:00:00+00:00",
        "openstates_url": f"https://openstates.org/{state}/bills/{session}/{compact}/",
        "first_action_date": actions[0][0], "latest_action_date": actions[-1][0],
        "latest_action_description": actions[-1][1], "latest_passage_date": "",
        "abstracts": [{"abstract": abstract, "note": ""}],
        "actions": [{"date": d, "description": text, "classification": [], "order": i}
                    for i, (d, text) in enumerate(actions)],
        "sources": [],
    }  # fmt: skip


def openstates(first_url: str) -> list[Page]:
    """State bills on kratom (the US state facts of the research notes), one page of 20 at most."""
    bills = [
        state_bill("tn", "114", "HB 1649", "Matthew Davenport's Law",
                   "Makes the possession of kratom a Class A misdemeanor and its sale a Class C felony.",
                   [("2026-04-08", "Status of companion SB 1656 updated; HB 1649 pending")]),
        state_bill("wa", "2025-2026", "SB 6287", "Concerning kratom products",
                   "Would ban kratom products containing synthetic 7-OH or more than two percent of the compound and "
                   "prohibit sales to anyone under 21.",
                   [("2026-01-20", "First reading, referred to Labor & Commerce (date approximate).")]),
        state_bill("wa", "2025-2026", "HB 2291", "Regulating kratom products",
                   "Kratom consumer protection: Liquor and Cannabis Board licensing, an 11 percent tax, sales to "
                   "persons 21 and older only, state preemption; effective January 1, 2027 if enacted.",
                   [("2026-01-20", "First reading, referred to Consumer Protection & Business (date approximate).")]),
        state_bill("la", "2025", "SB 154", "Provides relative to kratom",
                   "Adds kratom to Schedule I: it is unlawful for any person in Louisiana to knowingly or "
                   "intentionally produce, manufacture, distribute, dispense or possess kratom.",
                   [("2025-06-04", "Signed by the Governor. Becomes Act No. 41."),
                    ("2025-08-01", "Effective date of Act No. 41.")]),
        state_bill("ri", "2025", "H 5565", "Rhode Island Kratom Act",
                   "Authorizes and regulates the distribution of the product known as kratom: sales to persons 21 "
                   "and older, licences for manufacturers, distributors and retailers, a 15 percent excise tax.",
                   [("2025-02-12", "Introduced, referred to House Judiciary"),
                    ("2025-07-02", "Signed by Governor"), ("2026-04-01", "Effective date")]),
        # Crawled between the demo's two runs (2026-06-01 and 2026-09-01), and in no baseline fact: the crawl alone
        # brings this pending bill. The research notes give A10969 (assembly summary) and report the synthetic/7-OH
        # ban's passage in June 2026 without a day; the day here is approximate, as the action says.
        state_bill("ny", "2025-2026", "A 10969", "Synthetic kratom kills act",
                   "Would prohibit the sale of synthetic kratom and of products with concentrated or "
                   "semi-synthetic 7-hydroxymitragynine.",
                   [("2026-06-15", "Referred to codes (date approximate)")]),
        state_bill("nd", "69", "HB 1101", "Relating to the scheduling of mitragynine",
                   "Would place mitragynine and 7-hydroxymitragynine in Schedule I.",
                   [("2025-01-15", "Second reading, failed to pass, yeas 15 nays 77")]),
    ]  # fmt: skip
    body = {"results": bills, "pagination": {"per_page": 20, "page": 1, "max_page": 1, "total_items": len(bills)}}
    return [(first_url, body)]


LEGISCAN_BILLS = (  # (bill_id, state, number, session, year, title, description, history)
    (1980001, "OH", "SB299", "136th General Assembly", 2025, "Regulate kratom products",
     "To regulate the manufacture and sale of kratom products (a kratom consumer protection bill).",
     [("2025-10-01", "Introduced (date approximate)")]),
    (1980002, "MO", "HB504", "2025 Regular Session", 2025, "Kratom Consumer Protection Act",
     "Establishes the Kratom Consumer Protection Act, with age limits, labelling and preemption of local rules.",
     [("2025-01-08", "Introduced and Read First Time (H) (date approximate)")]),
    (1980003, "WA", "SB6196", "2025-2026 Regular Session", 2026, "Concerning the taxation of kratom products",
     "Imposes a tax of 95 percent on the sale of kratom products.",
     [("2026-01-16", "First reading (date approximate)")]),
)  # fmt: skip


def legiscan(search_url: str, bill_url: Any) -> list[Page]:
    """getSearch (an object keyed "0", "1"... beside "summary") and getBill for each hit."""
    hits: dict[str, Any] = {}
    pages: list[Page] = []
    for i, (bill_id, state, number, session, year, title, description, history) in enumerate(LEGISCAN_BILLS):
        change_hash = hashlib.md5(f"{bill_id}{history}".encode()).hexdigest()  # noqa: S324 (LegiScan's own hash kind)
        url = f"https://legiscan.com/{state}/bill/{number}/{year}"
        hits[str(i)] = {"relevance": 100 - i, "state": state, "bill_number": number, "bill_id": bill_id,
                        "change_hash": change_hash, "url": url, "last_action_date": history[-1][0],
                        "last_action": history[-1][1], "title": title}  # fmt: skip
        bill = {
            "bill_id": bill_id, "change_hash": change_hash, "url": url, "state_link": "", "state": state,
            "bill_number": number, "bill_type": "B", "status": 1, "status_date": history[-1][0],
            "session": {"session_name": session, "year_start": year},
            "progress": [{"date": history[0][0], "event": 1}], "title": title, "description": description,
            "history": [{"date": d, "action": a, "chamber": number[0], "importance": 1} for d, a in history],
        }  # fmt: skip
        pages.append((bill_url(bill_id), {"status": "OK", "bill": bill}))
    summary = {"page": "1 of 1", "range": f"1 - {len(hits)}", "count": len(hits), "page_current": 1, "page_total": 1}
    return [(search_url, {"status": "OK", "searchresult": {"summary": summary, **hits}}), *pages]


def wikipedia(api: str, section_html: str) -> list[Page]:
    """Sections and revid, the legal-status section's HTML at that revision, and the revision's timestamp."""
    revid = "1290001234"
    common = {"format": "json", "formatversion": "2"}
    sections = [
        {"toclevel": 1, "level": "2", "line": line, "number": str(i), "index": str(i), "anchor": line.replace(" ", "_")}
        for i, line in enumerate(["Description", "Chemistry", "Uses", "Adverse effects", "Legal status"], start=1)
    ]
    parse_sections = {"action": "parse", **common, "page": "Mitragyna_speciosa", "prop": "sections|revid"}
    parse_text = {"action": "parse", **common, "oldid": revid, "section": "5", "prop": "text|revid"}
    query = {"action": "query", "prop": "revisions", "revids": revid, "rvprop": "timestamp", **common}
    revision = {"revid": int(revid), "timestamp": "2026-05-20T14:03:11Z"}
    return [
        (f"{api}?{urlencode(parse_sections)}",
         {"parse": {"title": "Mitragyna speciosa", "pageid": 3917402, "revid": int(revid), "sections": sections}}),
        (f"{api}?{urlencode(parse_text)}",
         {"parse": {"title": "Mitragyna speciosa", "pageid": 3917402, "revid": int(revid), "text": section_html}}),
        (f"{api}?{urlencode(query)}",
         {"batchcomplete": True, "query": {"pages": [{"pageid": 3917402, "title": "Mitragyna speciosa",
                                                      "revisions": [revision]}]}}),
    ]  # fmt: skip


def study(nct: str, title: str, summary: str, sponsor: str, posted: str, status: str, country: str) -> dict:
    """One ClinicalTrials.gov v2 study (protocolSection only)."""
    return {"protocolSection": {
        "identificationModule": {"nctId": nct, "briefTitle": title},
        "statusModule": {"overallStatus": status, "studyFirstPostDateStruct": {"date": posted, "type": "ACTUAL"},
                         "startDateStruct": {"date": posted[:7]}},
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": sponsor, "class": "OTHER"}},
        "descriptionModule": {"briefSummary": summary},
        "contactsLocationsModule": {"locations": [{"city": "Baltimore", "country": country}]},
    }, "hasResults": False}  # fmt: skip


def clinicaltrials(first_url: str) -> list[Page]:
    """Illustrative studies on kratom (research watch), one page without a nextPageToken."""
    studies = [
        study("NCT99900001", "Kratom Use Patterns and Withdrawal in Adults (illustrative demo study)",
              "Observational study of self-reported kratom use, dose and withdrawal symptoms.",
              "Demo University", "2025-03-14", "RECRUITING", "United States"),
        study("NCT99900002", "Pharmacokinetics of Mitragynine After Oral Kratom Tea (illustrative demo study)",
              "Single-dose study of mitragynine and 7-hydroxymitragynine in plasma.", "Demo Institute",
              "2026-02-02", "NOT_YET_RECRUITING", "United States"),
    ]  # fmt: skip
    return [(first_url, {"studies": studies})]


def fr_filing(number: str, filed: str, publish: str, title: str, doc_type: str, docket: str) -> dict:
    """One public-inspection filing with the `fields[]` the spider asks for (filing time made up)."""
    slug = "-".join(title.lower().replace(":", "").replace(",", "").split())[:90]
    return {
        "agencies": [DEA_AGENCY], "agency_names": ["Drug Enforcement Administration"], "docket_numbers": [docket],
        "document_number": number, "editorial_note": None, "filed_at": f"{filed}T08:45:00.000-04:00",
        "filing_type": "regular", "html_url": f"{FR}/public-inspection/{number}/{slug}",
        "pdf_url": f"https://public-inspection.federalregister.gov/{number}.pdf", "publication_date": publish,
        "title": title, "type": doc_type,
    }  # fmt: skip


def federal_register_inspection(desk_url: str, search_url: str) -> list[Page]:
    """The public inspection desk as it stood on 2026-07-01, when DEA filed its two notices of intent (published
    2026-07-06, the documents of federal_register()), and the search answer listing the same two filings."""
    filings = [
        fr_filing(
            "2026-13580", "2026-07-01", "2026-07-06",
            "Schedules of Controlled Substances: Temporary Placement of 7-Hydroxymitragynine in Schedule I",
            "Proposed Rule", "Docket No. DEA-1500",
        ),
        fr_filing(
            "2026-13581", "2026-07-01", "2026-07-06",
            "Schedules of Controlled Substances: Temporary Placement of Mitragynine Pseudoindoxyl, MGM-15, and "
            "MGM-16 in Schedule I",
            "Proposed Rule", "Docket No. DEA-1501",
        ),
    ]  # fmt: skip
    return [(desk_url, {"count": len(filings), "results": filings}),
            (search_url, {"count": len(filings), "total_pages": 1, "results": filings})]  # fmt: skip


def fda_warning_letters(search_urls: list[str], letters: str) -> list[Page]:
    """fda.gov's warning-letter DataTables answers: both searches find the 2025-06-25 letter to Shaman Botanicals,
    LLC on 7-OH products (subject wording and MARCS-CMS number made up)."""
    row = [
        '<time datetime="2025-07-15T04:00:00Z">07/15/2025</time>',
        '<time datetime="2025-06-25T04:00:00Z">06/25/2025</time>',
        f'<a href="{letters}/shaman-botanicals-llc-709999-06252025">Shaman Botanicals, LLC</a>',
        "Center for Food Safety and Applied Nutrition (CFSAN)",
        "Unapproved New Drugs/Misbranded/Adulterated Dietary Supplement/7-OH",
        "", "", "",
    ]  # fmt: skip
    return [(url, {"draw": 1, "recordsTotal": 3664, "recordsFiltered": 1, "data": [row]}) for url in search_urls]

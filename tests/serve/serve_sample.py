"""The sample the web service tests share: two run dates, a bearer token, notices (one with a hostile title)."""

from __future__ import annotations

from datetime import date

XSS = '<script>alert("title")</script><img src=x onerror=alert(1)>'
FIRST, SECOND = date(2025, 6, 1), date(2026, 1, 15)
TOKEN = "test-token-0123456789"

NOTICES = [
    {  # a ban bill in Texas, passed one chamber by the second run: pending, with a title meant to break pages
        "id": "openstates:tx-sb-3",
        "jurisdiction": "US-TX",
        "source": "openstates",
        "kind": "bill",
        "title": f"Relating to kratom {XSS}",
        "text": "Adds mitragynine and 7-hydroxymitragynine to Schedule I; it is unlawful to possess or sell kratom.",
        "url": "https://capitol.texas.gov/BillLookup/History.aspx?LegSess=89R&Bill=SB3",
        "published": "2025-09-01",
        "identifier": "SB 3",
        "actions": [{"date": "2025-10-02", "description": "Passed the Senate"}],
    },
    {  # a 7-OH emergency rule in Florida, in force between the runs: a change of the second run
        "id": "fl:7oh-rule",
        "jurisdiction": "US-FL",
        "source": "fda",
        "kind": "emergency_rule",
        "title": "Emergency rule 11ER25-1: 7-hydroxymitragynine added to Schedule I",
        "text": "7-hydroxymitragynine (7-OH) is temporarily placed in Schedule I. Kratom leaf is not affected.",
        "url": "https://www.flrules.org/gateway/ruleNo.asp?id=11ER25-1",
        "published": "2025-08-14",
        "identifier": "11ER25-1",
        "actions": [{"date": "2025-08-14", "description": "Filed; effective immediately"}],
        "effective": "2025-08-14",
    },
]

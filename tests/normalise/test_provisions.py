"""Clause-level readings on real texts (issue 20): every provision, its scope and detail, the principal one,
reports of acts, withdrawals and the catch-all. Sources are cited beside each text."""

from __future__ import annotations

from typing import Any

import pytest

from regwatch.domain.models import Notice
from regwatch.domain.vocab import Reliability, Stage
from regwatch.normalise import classify

KY = (  # KRS 217.2202 (2024 Ky. Acts ch. 44), courtgpt.ai/laws/kentucky/chapter-217/section-217-2202
    "A kratom processor or kratom retailer shall not: (1) Distribute, dispense, sell, or make available for sale any "
    "kratom extract or kratom product to an individual who is under twenty -one (21) years of age; or (2) Prepare, "
    "manufacture, distribute, dispense, sell, or make available for sale any kratom extract or kratom product that: "
    "(a) Is adulterated with a dangerous nonkratom substance that affects the quality or strength of the kratom "
    "extract or kratom product to such a degree that it may injure a consumer; (b) Contains a poisonous or otherwise "
    "harmful nonkratom ingredient, including but not limited to any controlled substance as defined in KRS Chapter "
    "218A; (c) Contains a level of 7 -hydroxymitragynine in the alkaloid fraction that is greater than two percent "
    "(2%) of the overall alkaloid composition of the product; (d) Contains any synthetic alkaloid, including synthetic "
    "mitragynine, synthetic 7 - hydroxymitragynine, or any other synthetically derived compound of the plant Mitragyna "
    "speciosa; (e) Contains level s of residual solvents higher than those permitted under the United States "
    "Pharmacopeia Chapter 467; or (f) Does not meet the labeling requirements established pursuant to KRS 217.2203."
)
TX = (  # Tex. Health and Safety Code § 444.003 (Acts 2023, 88th Leg., ch. 2), via casetext mirror
    "A kratom processor or kratom retailer may not prepare, distribute, sell, or offer to sell a kratom product that: "
    "(1) is adulterated with a dangerous non-kratom substance affecting the quality or strength of the product to a "
    "degree that renders the product injurious to a consumer; (2) is contaminated with a poisonous or otherwise "
    "deleterious non-kratom substance, including any substance designated as a controlled substance by Chapter 481 "
    "(Texas Controlled Substances Act); (3) contains a level of 7-hydroxymitragynine in the alkaloid fraction that is "
    "greater than two percent of the overall alkaloid composition of the product; or (4) contains any synthetic "
    "alkaloids, including synthetic 7-hydroxymitragynine and synthetically derived compounds from a kratom plant."
)
OK = (  # 63 O.S. § 1-1432.4, getpocketlaw.com
    "A. A vendor shall not prepare, distribute, sell or expose for sale any of the following: 1. A kratom product "
    "that is adulterated with a nonkratom substance. 3. A kratom product containing a level of 7-hydroxymitragynine in "
    "the alkaloid fraction that is greater than two percent (2%) of the alkaloid composition of the product; 4. A "
    "kratom product containing any synthetic alkaloid including synthetic mitragynine, synthetic 7-hydroxymitragynine "
    "or any other synthetically derived compounds of the kratom plant; or 5. A kratom product containing any "
    "controlled substance. B. Kratom products shall be accompanied by a label bearing the following information prior "
    "to its sale in this state: 2. That the sale or transfer of kratom to a person under eighteen (18) years of age is "
    "prohibited;"
)
CAP = "7-OH <= 2% of the alkaloid fraction"


def notice(**fields: object) -> Notice:
    base: dict[str, object] = {
        "jurisdiction": "US-KY",
        "source": "openstates",
        "kind": "statute",
        "published": "2024-07-15",
    }
    return Notice.model_validate({**base, **fields})


def provisions(n: Notice) -> list[tuple[str, list[str], str, dict[str, object]]]:
    return [
        (p.measure.value, [s.value for s in p.substances], p.scope.value, p.detail.model_dump(exclude_defaults=True))
        for p in classify(n).provisions
    ]


@pytest.mark.parametrize(
    ("jurisdiction", "title", "text", "age"),
    [
        ("US-KY", "217.2202 Kratom processors and retailers -- Prohibitions", KY, 21),
        ("US-TX", "Kratom Consumer Health and Safety Protection Act, Section 444.003", TX, None),
        ("US-OK", "Section 63-1-1432.4 Prohibited products, labeling requirements, distribution to minors", OK, 18),
    ],
)
def test_a_consumer_protection_act_reads_three_provisions(
    jurisdiction: str, title: str, text: str, age: int | None
) -> None:
    got = provisions(notice(jurisdiction=jurisdiction, title=title, text=text))
    assert ("restrict", ["7-oh"], "sale", {"cap": CAP}) in got
    assert ("restrict", ["synthetic"], "sale", {}) in got
    if age is not None:
        assert ("regulate", ["kratom"], got[-1][2], {"age": age}) in got
    assert all(p[0] != "ban" for p in got)


@pytest.mark.parametrize(
    ("fields", "measure", "substances", "scope"),
    [
        # Kansas SB 497 (2025-26) short title and hearing minutes, kslegislature.gov, under a regulation title
        (
            {
                "jurisdiction": "US-KS",
                "kind": "bill",
                "title": "Regulating the sale and distribution of kratom products",
                "text": "SB 497 adds kratom to Schedule I of the Uniform Controlled Substances Act.",
            },
            "ban",
            ["kratom"],
            "all",
        ),
        # Kratom Act B.E. 2486 (1943), mytreesoflife.com/history
        (
            {
                "jurisdiction": "TH",
                "source": "wikipedia",
                "title": "Kratom Act B.E. 2486",
                "text": "So on August 3rd, 1943 they banned it with the Kratom Act 2486.",
            },
            "ban",
            ["kratom"],
            "all",
        ),
        # Florida AG emergency rule, 2025-08-13 (bipc.com), and the KCPA it leaves in force (CS/HB 179, 2023)
        (
            {
                "jurisdiction": "US-FL",
                "kind": "emergency_rule",
                "published": "2025-08-13",
                "title": "Notice of Emergency Rule: 7-Hydroxymitragynine",
                "text": "In the Notice of Emergency Rule, the AG found a need to immediately place 7-Hydroxymitragynine (7-OH) "  # noqa: E501
                "concentrated at a level above 1% by total weight to Schedule I of the Florida Controlled Substances Act. "  # noqa: E501
                "Kratom products remain regulated under the Florida Kratom Consumer Protection Act (CS/HB 179, 2023).",
            },
            "restrict",
            ["7-oh"],
            "all",
        ),
        # CDPH press release, 2025-10-24 (pubt.io copy)
        (
            {
                "jurisdiction": "US-CA",
                "source": "cdph",
                "kind": "press_release",
                "published": "2025-10-24",
                "title": "CDPH warns consumers about kratom and 7-OH",
                "text": "CDPH is warning consumers that foods and other products containing kratom and 7-OH are illegal to "  # noqa: E501
                "sell or manufacture and may result in addiction, serious harm, overdose, and death. Since April 2025, Los "  # noqa: E501
                "Angeles County Department of Public Health reported six fatal overdoses linked to 7-OH.",
            },
            "ban",
            ["kratom", "7-oh"],
            "sale",
        ),
    ],
)
def test_the_strictest_provision_is_principal(
    fields: dict[str, Any], measure: str, substances: list[str], scope: str
) -> None:
    action = classify(notice(**fields))
    lead = action.provisions[0]
    assert (action.measure.value, [s.value for s in action.substances], lead.scope.value) == (
        measure,
        substances,
        scope,
    )
    if measure == "restrict":
        assert all(p.measure.value != "ban" for p in action.provisions)


def test_a_dea_release_reporting_a_scheduling_order_takes_the_stage_it_reports() -> None:
    action = classify(
        notice(
            jurisdiction="US",
            source="dea",
            kind="press_release",
            published="2026-08-01",
            title="DEA Places 7-Hydroxymitragynine (7-OH) in Schedule I",
        )
    )
    assert (action.measure.value, action.reported, action.reliability) == ("restrict", True, Reliability.PRIMARY)
    assert [e.stage for e in action.history] == [Stage.ENACTED, Stage.EFFECTIVE]


def test_a_release_about_a_notice_of_intent_reports_a_proposal() -> None:
    # go2asap.com, 2016-09: a headline saying "places" over a body describing a notice of intent
    action = classify(
        notice(
            jurisdiction="US",
            source="news",
            kind="other",
            published="2016-09-01",
            title="DEA Temporarily Places Mitragynine and 7-Hydroxymitragynine into Schedule 1",
            text="The Administrator of the Drug Enforcement Administration (DEA) is issued a notice "
            "of intent on Aug. 31, 2016 to temporarily schedule the opioids mitragynine and 7- "
            "hydroxymitragynine into schedule I.",
        )
    )
    assert (action.measure.value, action.history[0].stage, action.reported) == ("ban", Stage.PROPOSED, True)
    assert action.reliability is Reliability.UNVERIFIED


def test_a_warning_letter_stays_enforcement_news() -> None:
    action = classify(
        notice(
            jurisdiction="US",
            source="fda",
            kind="warning_letter",
            published="2025-07-15",
            title="FDA issues warning letters to firms marketing products containing 7-hydroxymitragynine",
        )
    )
    assert (action.measure.value, action.history[-1].stage, action.reported) == ("enforce", Stage.PUBLISHED, False)


def test_a_statement_about_a_withdrawn_notice_reads_withdraw() -> None:
    # AHPA legal alert on the DEA's withdrawal, 2016-10 (speciosa.org/ahpa-legal-alert)
    action = classify(
        notice(
            jurisdiction="US",
            source="news",
            kind="other",
            published="2016-10-13",
            title="AHPA- Legal Alert",
            text="The Drug Enforcement Agency (DEA) announced it is withdrawing a Notice of Intent to "
            "temporarily place two active constituents of kratom into schedule I of the Controlled "
            "Substances Act (CSA). If during this process, the DEA determines kratom presents an "
            "imminent hazard to public health, it would need to issue a new Notice of Intent and wait "
            "30 days before placing kratom into schedule I.",
        )
    )
    assert action.measure.value == "withdraw"
    assert all(p.measure.value != "ban" for p in action.provisions)


def test_milligrams_are_not_mitragynine() -> None:
    # DEA 2026 notice of intent threshold, via nutritionaloutlook.com
    action = classify(
        notice(
            jurisdiction="US",
            source="federal_register",
            kind="notice",
            published="2026-07-06",
            title="Temporary placement of 7-hydroxymitragynine above a threshold in Schedule I",
            text="0.050 percentage by weight or greater than 1.00 mg of 7-hydroxymitragynine in "
            "articles resulting from synthetic methods.",
        )
    )
    assert "kratom" not in [s.value for s in action.substances]
    assert "7-OH <= 1.00 mg per unit" in [p.detail.cap for p in action.provisions]


def test_a_text_that_names_kratom_and_matches_nothing_is_unclassified_and_reviewed() -> None:
    action = classify(notice(kind="other", title="Kratom: information for health care providers"))
    assert action.measure.value == "unclassified" and action.review
    assert action.history[-1].stage is Stage.PUBLISHED


def test_news_of_other_states_laws_is_unrelated_but_an_act_citing_them_still_bans() -> None:
    # Source: a review article on mathewsopenaccess.com (Kratom in America: Legal Differences across Jurisdictions)
    review = classify(
        notice(
            kind="other",
            title="Kratom in America: Legal Differences across Federal, State, and Local Jurisdictions",
            text="On the state level, kratom laws are constantly changing and vary greatly from state-to-state with "
            "some states completely banning the substance and other states adopting legislation that protects "
            "kratom consumers by regulating its manufacturing and sale. Most states have no kratom laws.",
        )
    )
    assert (review.measure.value, review.review) == ("unrelated", [])
    # The same background sentence beside an operative clause (Louisiana SB 154 wording, 2025) does not hide it.
    act = classify(
        notice(
            jurisdiction="US-LA",  # a Louisiana bill (filed under another state, it would tell of elsewhere)
            kind="bill",
            title="Kratom",
            text="Whereas some states have banned kratom; it is unlawful for any person in Louisiana to knowingly "
            "or intentionally produce, manufacture, distribute, dispense or possess Kratom.",
        )
    )
    assert act.measure.value == "ban"


def test_a_private_wrongful_death_suit_is_not_enforcement() -> None:
    # supplysidesj.com, "Slate of kratom wrongful death lawsuits expands with Jordan McKibban filing"
    action = classify(
        notice(
            kind="other",
            title="Slate of kratom wrongful death lawsuits expands with Jordan McKibban filing",
            text="A kratom wrongful death lawsuit has been filed in county court in Washington state.",
        )
    )
    assert action.measure.value == "unrelated"


def test_an_age_limit_in_a_bill_that_also_orders_a_study_is_regulation() -> None:
    # fightforbotanicals.com, New York kratom bill (2024)
    action = classify(
        notice(
            jurisdiction="US-NY",  # New York's bill (filed under another state, it would tell of elsewhere)
            kind="other",
            title="New York State Moves to Restrict Kratom Sales to Those Over 21",
            text="The New York State Legislature has passed a bill to prohibit the sale of kratom, an herbal substance "
            "with both medicinal and addictive properties, to individuals under the age of 21. ... The newly passed "
            "bill not only restricts sales to those under 21 but also mandates a study of kratom by the New York "
            "State Department of Health.",
        )
    )
    assert action.measure.value == "regulate"
    assert "study" in [p.measure.value for p in action.provisions]

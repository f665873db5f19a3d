"""Whole readings for the classes of error tuned on 2026-11-28 (tune9en): enforcement news (arrests, public
health warnings, an authority's lawsuit) is enforcement, a family's or a class's lawsuit is background, a ban
recommended to a council is no ban, and a study that rides along with an age limit does not hide the limit.
Texts are quoted from the sources the rules cite (measures.yaml)."""

from __future__ import annotations

from pathlib import Path

from regwatch.domain.models import Notice
from regwatch.domain.vocab import Measure
from regwatch.normalise import classify
from regwatch.normalise.clauses import split
from tests.helpers.scoring import load, score

PROBES = Path(__file__).resolve().parents[1] / "data" / "classification_tune9en_probes.jsonl"

NAPERVILLE = (
    "Pass the ordinance amending Sections 3-3-3 and 3-3-14 of the Naperville Municipal Code by placing age"
    " restrictions on the sale and possession of kratom. On August 9, 2018, the Liquor Commission unanimously"
    " recommended banning the retail sale of kratom. Several states, including Indiana and Wisconsin, have banned"
    " kratom."
)


def notice(text: str, title: str, kind: str = "other") -> Notice:
    return Notice.model_validate(
        {"jurisdiction": "US", "source": "eval", "kind": kind, "published": "2025-06-01", "title": title, "text": text}
    )


def test_a_ban_recommended_to_the_council_is_not_what_it_passed() -> None:
    # Before this round the recommendation read as a ban beside the age limit the ordinance sets, and the ban led
    # (the whole text reads as background, news of other states, so no whole-text reading held the clause back).
    action = classify(notice(NAPERVILLE, "Kratom age restrictions", kind="ordinance"))
    assert action.measure is Measure.REGULATE
    assert [p.measure for p in action.provisions] == [Measure.REGULATE]


def test_a_familys_lawsuit_is_not_enforcement_but_an_attorney_generals_is() -> None:
    family = (
        "The family of a Florida resident who overdosed on kratom has filed a wrongful death lawsuit against the chain"
        " of smoke shops that sold him the substance. The lawsuit is holding more than a dozen defendants liable."
    )
    state = (
        "Attorney General Ken Paxton filed a lawsuit against kratom retailers operating under the name Smokey's"
        " Paradise for deceptively marketing and selling kratom products."
    )
    assert classify(notice(family, "Family sues after death")).measure is Measure.UNRELATED
    assert classify(notice(state, "Attorney General sues kratom retailers")).measure is Measure.ENFORCE


def test_an_arrest_is_enforcement() -> None:
    text = (
        "On October 29 a probation officer searched a man's home and 907 grams of Kratom were found. The officers"
        " locked the man up, charged him with drug trafficking, and set the man's bail at $35,000."
    )
    assert classify(notice(text, "A Man In Arkansas Was Found With A Kilo Of Kratom")).measure is Measure.ENFORCE


def test_an_arrest_a_ban_threatens_leaves_the_ban() -> None:
    # An arrest pattern that fired on any "arrested" would read the whole text as enforcement and hold the ban
    # clause back (a whole-text reading outranks stricter clauses that may not escalate over it).
    text = (
        "Governor Robert Bentley signed Senate Bill 226 outlawing kratom. Anyone caught with kratom after the law"
        " takes effect can be arrested."
    )
    assert classify(notice(text, "Kratom now illegal in Alabama")).measure is Measure.BAN


def test_a_sentence_ending_in_an_age_is_a_clause_of_its_own() -> None:
    # "under the age of 21." was taken for a list number ("following: 1.") and ran on into the next sentence,
    # whose study then hid the age limit (fightforbotanicals.com, New York, 2024).
    text = (
        "The New York State Legislature has passed a bill to prohibit the sale of kratom to individuals under the"
        " age of 21. The newly passed bill also mandates a study of kratom."
    )
    assert len(split(text)) == 2
    assert split("The act provides the following: 1. A kratom product shall carry a label.") == [
        "The act provides the following:",
        "1. A kratom product shall carry a label.",
    ]
    action = classify(notice(text, "New York State Moves to Restrict Kratom Sales to Those Over 21"))
    assert action.measure is Measure.REGULATE
    assert [p.measure for p in action.provisions] == [Measure.REGULATE, Measure.STUDY]


def test_a_health_warning_about_7oh_restricts_nothing() -> None:
    # The title named 7-OH (or "synthetic kratom") and nothing else, and read as a restriction of 7-OH that
    # outranked the warning (LA County DPH, 2025; KDHE, 2025).
    text = (
        "Public health officials in Los Angeles County Friday issued a warning about the risks of using the synthetic"
        " kratom compound known as 7-Hydroxymitragynine (7-OH) after three people died from an overdose."
    )
    action = classify(notice(text, "LA County warns of synthetic kratom compound after three overdose deaths"))
    assert action.measure is Measure.ENFORCE
    kdhe = (
        "The Kansas Department of Health and Environment (KDHE) and the U.S. Food and Drug Administration (FDA) are"
        " warning residents about the dangers of 7-hydroxymitragynine (7-OH)."
    )
    action = classify(notice(kdhe, "Unregulated 7-OH products pose serious overdose risk, KDHE warns"))
    assert action.measure is Measure.ENFORCE


def test_a_7oh_ban_that_also_warns_is_still_a_restriction() -> None:
    # The warning guard of the 7-OH rule stands aside where the clause bans, schedules or caps: without that, a
    # headline that both bans and warns went unread (unclassified).
    title = "Governor signs ban on 7-OH products, warns sellers"
    assert classify(notice("The governor spoke on Tuesday.", title)).measure is Measure.RESTRICT


def test_the_news_probe_set_keeps_its_figure() -> None:
    # 73 English texts found by search for these classes (seizures, recalls, attorneys general, warnings, import
    # alerts, arrests, state and local regulation, private lawsuits), labelled by the helper: the first 53 before
    # any rule of this round (first contact 42/53, 2 dangerous), the last 20 after the first rules (first contact
    # 13/20, 0 dangerous), then used to write rules: a regression bar, not an unseen score.
    result = score(load(PROBES))
    assert result.items == 73
    assert result.right >= 72
    assert result.dangerous == {}

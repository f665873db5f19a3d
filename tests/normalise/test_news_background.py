"""Whole readings for the classes of error tuned on 2026-11-28 (tune8en): a health, science or trade story
that names kratom but reports no act is unrelated; the words of pharmacology ("narcotic, opioid-like
effects") are no schedule; an act no rule reads keeps the notice unclassified, whatever background surrounds
it. Texts are quoted from the sources the rules cite (measures.yaml)."""

from __future__ import annotations

from pathlib import Path

from regwatch.domain.models import Notice
from regwatch.domain.vocab import Measure
from regwatch.normalise import classify
from tests.helpers.scoring import load, score

PROBES = Path(__file__).resolve().parents[1] / "data" / "classification_tune8en_probes.jsonl"

AASLD = (
    "Data from a new study presented this week at The Liver Meeting® – held by the American Association for the"
    " Study of Liver Diseases – found that kratom, a popular and widely available product, may cause liver toxicity"
    " and severe liver injury. Kratom has stimulant effects at low doses, and sedative or narcotic, opioid-like"
    " effects at high doses."
)
OUACHITA = (
    "Kratom, scientifically known as Mitragyna speciosa, is an herbal extract derived from the leaves of an"
    " evergreen tree native to Southeast Asia. Juror Michael Thompson was the sole dissenting voice on the Police"
    " Jury. Thompson said Tuesday, that the initial ordinance bans the sale, but he fears that up the road it will"
    " be illegal to use."
)


def notice(text: str, title: str, kind: str = "other") -> Notice:
    return Notice.model_validate(
        {"jurisdiction": "US", "source": "eval", "kind": kind, "published": "2025-06-01", "title": title, "text": text}
    )


def test_a_health_story_is_unrelated_not_a_schedule() -> None:
    # "narcotic" here describes an effect: no list the plant is on (it read as a ban before this round).
    action = classify(notice(AASLD, "Kratom may cause liver toxicity and injury"))
    assert (action.measure, action.review) == (Measure.UNRELATED, [])


def test_an_act_no_rule_reads_outranks_the_background_around_it() -> None:
    # The plant's description is background; "the initial ordinance bans the sale" is an act the rules cannot
    # place: the notice must go to review, never come out as unrelated.
    action = classify(notice(OUACHITA, "Police Jury votes on kratom"))
    assert action.measure is Measure.UNCLASSIFIED
    assert action.rule.startswith("act-not-read")


def test_what_vendors_print_on_labels_is_no_regulation() -> None:
    text = (
        "Many vendors label their capsules with the amount of kratom inside, typically ranging from 500 mg to"
        " 1,000 mg per capsule."
    )
    assert classify(notice(text, "The Evolution of Kratom")).measure is Measure.UNCLASSIFIED


def test_kratom_legal_to_grow_again_reads_unban() -> None:
    text = (
        "Eyed as a new cash crop next to cannabis, kratom, or Mitragyna speciosa, can now be legally grown in a"
        " household or sold commercially."
    )
    action = classify(notice(text, "Starting today, psychoactive folk remedy kratom is legal to grow, sell"))
    assert action.measure is Measure.UNBAN


def test_the_federal_kratom_consumer_protection_act_protects_access() -> None:
    text = "1. Short title This Act may be cited as the Federal Kratom Consumer Protection Act."
    action = classify(notice(text, "H.R. 5905 (118th): Federal Kratom Consumer Protection Act", kind="bill"))
    assert action.measure is Measure.PROTECT


def test_the_news_probe_set_keeps_its_figure() -> None:
    # 62 English texts found by search for these classes (seizures, recalls, warnings, arrests, lawsuits, market
    # and health stories, explainers, unbans, regulations, local bans), labelled by the helper who then wrote
    # rules from them: a regression bar, not an unseen score. Before this round: 41/62, 7 dangerous.
    result = score(load(PROBES))
    assert result.items == 62
    assert result.right >= 57
    # Known: t8-x1, a Louisiana bill told in a story filed under US federal (the rules cannot tell places apart).
    dangerous = {
        w.split(":")[0] for w in result.wrong if any(f"expected {a}, got {b}" in w for a, b in result.dangerous)
    }
    assert dangerous <= {"t8-x1"}

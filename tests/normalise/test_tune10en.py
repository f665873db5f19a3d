"""Whole readings for the classes tuned on 2026-11-28 (tune10en): whose act a clause tells (a state's ban retold
in another place's story, a list of states, another county's ban), enforcement led by what the authority did
rather than the restriction it describes, bans denied or only weighed, restrictions named without any law,
explainers of the model consumer protection act and research news. Texts are quoted from the pages the probe
table (classification_tune10en_probes.jsonl) cites."""

from __future__ import annotations

from pathlib import Path

from regwatch.domain.models import Notice
from regwatch.domain.vocab import Measure
from regwatch.normalise import classify
from regwatch.normalise.acts import operative, speaks_of_law
from regwatch.normalise.places import elsewhere, localities_named, places_named, survey
from regwatch.normalise.rules import fold_text
from tests.helpers.scoring import load, score

PROBES = Path(__file__).resolve().parents[1] / "data" / "classification_tune10en_probes.jsonl"


def notice(title: str, text: str, jurisdiction: str, kind: str = "other") -> Notice:
    fields = {"jurisdiction": jurisdiction, "source": "eval", "kind": kind, "published": "2025-06-01"}
    return Notice.model_validate({**fields, "title": title, "text": text})


def test_places_a_clause_names() -> None:
    listed = places_named(fold_text("Kratom is illegal in Vermont, Indiana, Tennessee, Arkansas and Wisconsin."))
    assert listed == {"US-VT", "US-IN", "US-TN", "US-AR", "US-WI"}
    assert survey(listed, "US")  # a list of states is background even in a federal notice
    # Where the plant grows names no place that acts; Kansas City is no word about Kansas.
    assert places_named(fold_text("a natural substance grown primarily in Southeast Asia, Thailand")) == set()
    assert places_named(fold_text("KANSAS CITY, Mo. — The Justice Department announced")) == set()


def test_whose_place_a_clause_tells_of() -> None:
    assert elsewhere(frozenset({"US-WI", "US-IN"}), "US-IL:batavia")
    assert not elsewhere(frozenset({"US-AL"}), "US")  # a state's act filed under US is not news of elsewhere
    assert not elsewhere(frozenset({"US-MO"}), "US-MO:kansas-city")  # a city's notice naming its state
    assert not elsewhere(frozenset(), None)
    parish = "US-LA:east-feliciana-parish"
    assert elsewhere(frozenset(), parish, localities_named("in 2022, ascension parish banned the sale of kratom"))
    assert not elsewhere(frozenset(), parish, localities_named("a hearing at east feliciana parish policy jury"))
    assert localities_named("throughout the county") == set()


def test_acts_done_wished_or_only_named() -> None:
    assert operative(fold_text("Gov. Robert Bentley on Tuesday signed a bill that puts chemicals found in kratom"))
    assert not operative(fold_text("The FDA has repeatedly said it wants to classify 7-OH as a Schedule 1 drug"))
    assert not speaks_of_law(fold_text("a months-long federal campaign against concentrated kratom derivatives"))
    assert speaks_of_law(fold_text("the sale of synthetic kratom products is considered illegal in the city"))


def test_another_states_ban_in_a_city_story_is_background() -> None:
    # shawlocal.com, Batavia (2025): the Wisconsin and Indiana bans must not outrank the city's age limit.
    text = (
        "While hemp is federally legal, Kratom is largely unregulated. It is illegal in several states, however,"
        " including Wisconsin and Indiana. Under the new ordinance, Kratom and hemp product sales will be limited to"
        " customers 21 and older, similar to the regulations of cannabis dispensaries."
    )
    action = classify(notice("Batavia restricts sales of Kratom, hemp products in city", text, "US-IL:batavia"))
    assert action.measure is Measure.REGULATE


def test_a_state_ban_told_in_a_federal_notice_is_still_a_ban() -> None:
    # drugfree.org (2016): the act of one state filed under US; the other states' bans are a list (background).
    text = (
        "Alabama recently became the sixth state to ban the herbal supplement kratom over concerns about its potential"
        " for addiction, according to the Associated Press. Wisconsin, Vermont, Tennessee, Indiana and Arkansas have"
        " also banned the supplement. Alabama classified kratom as a Schedule I drug, alongside heroin and Ecstasy."
    )
    action = classify(notice("Six States Ban Kratom Over Concerns About Addiction Potential", text, "US"))
    assert action.measure is Measure.BAN


def test_another_parishs_ban_is_not_this_parishs() -> None:
    # kratomscience.com (2023): East Feliciana Parish only held a hearing; the bans told are other parishes'.
    text = (
        "A public hearing was held on April 3, 2023, at East Feliciana Parish Policy jury, about a possible kratom"
        " ban in the parish. In 2022, Ascension Parish banned the sale of kratom, with members of LifeHouse"
        " Rehabilitation center testifying at the hearing. Rapides Parish banned both the sale and possession of"
        " kratom that same year."
    )
    action = classify(notice("East Feliciana Parish looks at kratom", text, "US-LA:east-feliciana-parish"))
    assert action.measure is not Measure.BAN


def test_a_seizure_leads_over_the_scheduling_it_wishes_for() -> None:
    # WDAF news of the seizures (digital-release.newsnationnow.com, 2025)
    text = (
        "KANSAS CITY, Mo. (WDAF) — The United States Department of Justice announced on Tuesday that two warehouses in"
        " the Kansas City metro had thousands of illegal products containing 7-hydroxymitragine (7-OH) seized as part"
        " of a government operation. The FDA has repeatedly said it wants to classify 7-OH as a Schedule 1 drug and"
        " that products containing the substance are not approved for medical use or dietary means."
    )
    action = classify(notice("Feds seize thousands of illegal 7-OH products at two facilities", text, "US-MO"))
    assert action.measure is Measure.ENFORCE
    assert Measure.RESTRICT in [p.measure for p in action.provisions]  # kept, not principal


def test_a_restriction_made_leads_over_the_seizures_under_it() -> None:
    # particle.news (2025): the emergency rule is the act; seizures follow it.
    text = (
        "Attorney General James Uthmeier issued an emergency rule on August 13 classifying 7-hydroxymitragynine at or"
        " above 1 percent concentration as a Schedule I controlled substance effective immediately. Agriculture"
        " Commissioner Wilton Simpson’s office has begun seizing noncompliant 7-OH products from smoke shops, vape"
        " shops and gas stations under the new emergency rule."
    )
    action = classify(
        notice("Florida moves to ban concentrated kratom alkaloid as Schedule I substance", text, "US-FL")
    )
    assert action.measure is Measure.RESTRICT


def test_a_ban_denied_or_weighed_is_no_ban() -> None:
    # antikratom.org (Texas) and growcola.com (from Filter)
    denied = classify(
        notice(
            "Texas has not passed a statewide kratom ban",
            "Kratom – an unregulated opioid – remains legally sold in gas stations, vape shops, and online.",
            "US-TX",
        )
    )
    weighed = classify(
        notice(
            "Dozens of legislatures weighing how to regulate or ban kratom",
            "Dozens of legislatures across the United States are currently weighing how to regulate or ban kratom, a"
            " plant with mild opioid-like properties that’s indigenous to Southeast Asia.",
            "US",
        )
    )
    assert denied.measure is not Measure.BAN
    assert weighed.measure is not Measure.BAN


def test_the_probe_set_keeps_its_figure() -> None:
    # 53 English texts found by search (7-OH seizures and warning letters, a state's ban told in and out of its own
    # story, lists of states, county acts, explainers, research pages), labelled by the helper before any rule was
    # written, then used to tune: a regression bar, not an unseen score. First contact 27/53 with 10 dangerous (6
    # unrelated read as ban). Known: t10-u06 (a failed 2019 Texas ban bill retold in an explainer reads as a ban,
    # as the tables label news of failed bills) and t10-b06 (a ban bill's news beside a separate KCPA bill reads as
    # regulation).
    result = score(load(PROBES))
    assert result.items == 53
    assert result.right >= 37
    assert sum(result.dangerous.values()) <= 2

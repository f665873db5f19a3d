"""Whole readings for the classes of error tuned on 2026-11-28 (tune6): a removal outranks the schedule it
quotes (in English and in the other languages with rules), a ban asked for is no ban, an agency's sale
restriction, a schedule list headed by mitragynine itself, a regulation in statutory phrasing, and a meeting
that adopted nothing. Texts are quoted from the sources the rules cite (measures.yaml, languages/*.yaml)."""

from __future__ import annotations

import pytest

from regwatch.domain.models import Notice
from regwatch.domain.vocab import Measure, Scope, Substance
from regwatch.normalise import classify


def notice(text: str, kind: str = "press_release", title: str = "", jurisdiction: str = "US") -> Notice:
    """A notice whose title, when none is given, is its first sentence (as a news page's headline often is)."""
    title = title or text.split(". ")[0]
    return Notice.model_validate(
        {
            "jurisdiction": jurisdiction,
            "source": "eval",
            "kind": kind,
            "published": "2025-06-01",
            "title": title,
            "text": text,
        }
    )


@pytest.mark.parametrize(
    ("title", "text", "kind"),
    [
        (
            "Supervisors abolish ordinance on kratom, will follow state law",
            (
                "The Jones County Board of Supervisors dealt with another"
                " chapter in Kratomgate Monday morning, abolishing"
                " their ordinance they previously adopted on the substance and"
                " following the bill that was recently signed"
                " by Gov. Tate Reeves in April."
            ),
            "press_release",
        ),
        (
            "Rhode Island Becomes First State to Flip Kratom Ban",
            (
                "Rhode Island became the first state to ditch its kratom ban"
                " in favor of regulation when the Rhode Island"
                " Kratom Act was signed into law on July 2."
            ),
            "press_release",
        ),
        (
            "Rhode Island S 2704 (2024)",
            (
                "Significant changes include the removal of mitragynine and"
                " 7-hydroxymitragynine from the list of schedule I"
                " controlled substances, effectively decriminalizing these substances."
            ),
            "bill",
        ),
    ],
)
def test_a_removal_or_repeal_outranks_the_schedule_it_quotes(title: str, text: str, kind: str) -> None:
    action = classify(notice(text, kind, title))
    assert action.measure is Measure.UNBAN
    assert Substance.KRATOM in action.substances


@pytest.mark.parametrize(
    "text",
    [
        (
            "BANGKOK: Thailand hat Kratom mit sofortiger Wirkung von der"
            " Liste der Betäubungsmittel gestrichen. Obwohl es"
            " nun erlaubt ist, Krathom anzubauen, Blätter zu verkaufen und"
            " zu konsumieren, sind der Verkauf und der Konsum"
            " von aus den Blättern hergestellten Konzentraten weiterhin illegal."
        ),
        (
            "Tailandia retiró de su lista de drogas ilícitas la planta"
            " psicotrópica kratom, originaria del sudeste asiático"
            " y utilizada desde hace mucho tiempo en la medicina tradicional. Esta había permanecido ilegal desde 1946."
        ),
        (
            "A Tailândia retirou a kratom de sua lista de drogas ilícitas, uma planta psicotrópica nativa do sudeste da"
            " Ásia usada por muito tempo na medicina tradicional. Na Tailândia, a substância era ilegal desde 1943."
        ),
        (
            "Thailand sendiri menghapus nama tanaman kratom dari daftar"
            " narkotika yang dilarang sejak tanggal 24 Agustus"
            " 2021 kemarin, dan tanaman ini sebelumnya dianggap sebagai salah satu jenis narkoba."
        ),
        (
            "태국이 24일(현지시간) 전통적 약초로 사용해 온 크라톰을 합법화했다고 AFP통신이 보도했다."
            " 크라톰 관련 수감자 1000명 이상이 석방될 것이라고 정부 대변인은 밝혔다."
        ),
        (
            "По мнению министра Прадит Синтаванаронг, кратом нужно не только"
            " изъять из списка наркотических средств, но и"
            " использовать в лечебных целях."
        ),
    ],
    ids=["de", "es", "pt", "id", "ko", "ru"],
)
def test_a_delisting_in_another_language_is_read_as_such(text: str) -> None:
    action = classify(notice(text))
    assert action.language is not None and action.language != "en"
    assert action.measure is Measure.UNBAN


def test_a_ban_asked_for_is_no_ban() -> None:
    text = (
        "Absent any action by state authorities or federal agencies to restrict the herbal product called kratom, a"
        " coalition of local parents and law enforcement officials is again asking Lee County supervisors to ban"
        " kratom locally. Lee County supervisors heard a similar request in 2019."
    )
    action = classify(notice(text, title="Lee County supervisors hear request for kratom ban, defer any action"))
    assert action.measure is Measure.UNCLASSIFIED and action.review


def test_a_headline_asking_whether_a_ban_comes_is_no_ban() -> None:
    text = (
        "The parents and lawmakers in Shelby county have been pushing to have Kratom vendors and Kratom use banned in"
        " their hometown."
    )
    action = classify(notice(text, kind="other", title="Kratom Ban Ahead in Shelby County?"))
    assert action.measure is Measure.UNCLASSIFIED


def test_a_ban_voted_after_it_was_asked_for_is_still_a_ban() -> None:
    text = "After residents asked the council to ban kratom, the council voted to ban the sale of kratom in the city."
    assert classify(notice(text)).measure is Measure.BAN


def test_an_agency_restricting_sale_for_human_consumption_bans_sale() -> None:
    text = (
        "Effective immediately, Denver Environmental Health (DEH), Public Health Inspections Division is restricting"
        " the sale or service of kratom for human consumption in Denver. A consumer advisory shall be affixed to each"
        " package of kratom product."
    )
    action = classify(notice(text, kind="advisory"))
    assert action.measure is Measure.BAN
    assert action.provisions[0].scope is Scope.SALE


def test_a_schedule_list_headed_by_mitragynine_reaches_the_leaf() -> None:
    text = (
        "House Bill 19 aims to amend the Uniform Controlled Dangerous Substances Law by adding three specific"
        " substances to Schedule I. These substances include Mitragynine, 7-Hydroxymitragynine, and Mitragynine"
        " pseudoindoxyl."
    )
    action = classify(notice(text, kind="bill", title="Adds substances to Schedule I"))
    assert action.measure is Measure.BAN
    assert Substance.KRATOM in action.substances


def test_a_bill_defining_kratom_products_regulates() -> None:
    text = (
        "SECTION 1: Chapter 94 of the general laws shall be amended by inserting the following new chapter at the end"
        ' thereof: Chapter 94J: Kratom. "Kratom extract", a substance or compound obtained by extraction of the'
        ' Mitragyna speciosa leaf, intended for ingestion. "Department", the department of agricultural resources.'
    )
    assert (
        classify(notice(text, kind="bill", title="An Act establishing Chapter 94J: Kratom")).measure is Measure.REGULATE
    )


def test_a_meeting_that_adopted_no_regulation_regulates_nothing() -> None:
    text = (
        "The Town of Hubbardston Board of Health discussed possible local restrictions on kratom and nitrous-oxide"
        " canisters after a resident letter raised health and addiction concerns at the board's Nov. 25 meeting. The"
        " board did not adopt any regulation at the Nov. 25 meeting."
    )
    assert classify(notice(text, kind="other")).measure is Measure.UNCLASSIFIED


def test_what_other_towns_did_is_background() -> None:
    text = (
        "Members told the board they had seen a patchwork of local actions in other towns: some municipalities have"
        " prohibited kratom sales outright, while others have restricted sales to people 21 and older."
    )
    assert classify(notice(text, kind="other")).measure is Measure.UNRELATED


@pytest.mark.parametrize(
    "text",
    [
        (
            "Kratom will be removed from Thailand’s Narcotics Act. The updated list was published in the Royal Gazette"
            " earlier this week, making it official."
        ),
        (
            "Mitragyna Speciosa, also known as “Kratom”, has been effectively excluded from the list of controlled"
            " narcotics under the Narcotics Act (No. 8) B.E. 2564 (2021)."
        ),
        (
            "The Thai House of Representatives voted to remove the plant kratom from the Thailand’s narcotics list and"
            " classify it as a controlled substance to be used for medicinal purposes."
        ),
        "Thailand takes kratom off illegal drug list. Kratom had been listed as a Category 5 narcotic.",
    ],
    ids=["will-be-removed", "excluded-from", "remove-from-possessive", "takes-off"],
)
def test_news_of_a_delisting_is_no_ban(text: str) -> None:
    assert classify(notice(text, jurisdiction="TH")).measure is Measure.UNBAN


def test_thailands_delisting_filed_under_the_us_is_not_a_us_unban() -> None:
    # The same news filed under US tells of another nation's act: it sets no US status (places.py).
    text = "Thailand takes kratom off illegal drug list. Kratom had been listed as a Category 5 narcotic."
    assert classify(notice(text, jurisdiction="US")).measure is Measure.UNCLASSIFIED


def test_products_removed_from_shelves_are_no_delisting() -> None:
    text = (
        "Dana Point introduced a ban on all kratom sales in the city at Tuesday's city council meeting. The proposed"
        " ban comes after reports of kratom being sold in the city, which led to the products being removed because"
        " of existing county regulations."
    )
    assert classify(notice(text, kind="ordinance", title="Dana Point introduces ban on all kratom sales")).measure is (
        Measure.BAN
    )


@pytest.mark.parametrize(
    "text",
    [
        (
            "Nearly 90,000 bottles of dietary supplements containing kratom are held. Now, the FDA has administratively"
            " detained the product under the Federal Food, Drug and Cosmetic Act."
        ),
        "As a result, officers confiscated 55 bottles of cough syrup and 812 bottles of Kratom juice.",
        (
            "A Federal Court in Florida has entered a consent decree, giving the FDA the authority to destroy"
            " 207,000 units of kratom supplements."
        ),
    ],
    ids=["detained", "confiscated", "destroy"],
)
def test_detentions_confiscations_and_destruction_are_enforcement(text: str) -> None:
    assert classify(notice(text)).measure is Measure.ENFORCE


@pytest.mark.parametrize(
    "text",
    [
        (
            "The Drug Enforcement Administration (DEA) has decided to reverse its decision to place the herb kratom"
            " on the Schedule I list of prohibited substances."
        ),
        (
            "The Drug Enforcement Administration is backtracking on its decision to outlaw kratom apparently in part"
            " because the public doesn't want the ban."
        ),
    ],
    ids=["reverse-decision", "backtrack"],
)
def test_a_reversed_plan_to_schedule_is_a_withdrawal(text: str) -> None:
    assert classify(notice(text)).measure is Measure.WITHDRAW


def test_a_draft_ban_replaced_before_passage_is_no_ban() -> None:
    text = (
        "Originally, the ordinance was designed as a total ban on kratom products, but a committee substitute was"
        " adopted that echoed kratom regulations that have typically passed at the state level. The council passed"
        " the measure to impose regulations on what type of kratom products can be sold in the city."
    )
    assert classify(notice(text)).measure is Measure.REGULATE


def test_a_ban_voted_down_is_no_ban() -> None:
    assert classify(notice("Council members voted against a total ban of Kratom earlier this month.")).measure is (
        Measure.UNCLASSIFIED
    )


def test_an_indonesian_seizure_is_enforcement() -> None:
    text = (
        "Polisi menyita 12 ton daun kratom di Palangka Raya, Kalimantan Tengah. Daun-daun kratom itu rencananya akan"
        " dikirim ke luar negeri."
    )
    action = classify(notice(text, title="Polisi Sita 12 Ton Daun Kratom yang Akan Diekspor ke Luar Negeri"))
    assert (action.language, action.measure) == ("id", Measure.ENFORCE)


def test_an_indonesian_agency_bar_on_kratom_in_medicines_bans_sale() -> None:
    text = (
        "Kabid Pemberantasan BNN Kaltim membenarkan bahwa Kratom belum masuk dalam UU Narkotika sebagai salah satu"
        " jenis Narkotika, namun berdasarkan Surat Kepala Badan Pengawasan Obat dan Makanan (BPOM) tahun 2016, Kratom"
        " dilarang penggunaannya dalam obat tradisional dan suplemen kesehatan."
    )
    action = classify(notice(text, kind="advisory"))
    assert (action.language, action.measure) == ("id", Measure.BAN)
    assert action.provisions[0].scope is Scope.SALE


def test_a_czech_bill_regulating_kratom_for_adults_regulates() -> None:
    text = (
        "Psychomodulační látky jako je třeba kratom, CBD nebo HHC by nově mohly být regulované. Zákon, který s tím"
        " počítá, schválila vláda. Podle vicepremiéra by měly být tyto látky dostupné jen starším 18 let."
    )
    action = classify(notice(text, title="Vláda schválila regulaci psychomodulačních látek jako je kratom nebo CBD"))
    assert (action.language, action.measure) == ("cs", Measure.REGULATE)


def test_the_leafs_scheduling_outranks_a_synthetic_ban_read_from_the_whole_text() -> None:
    text = (
        "Earlier this month, the Ohio Board of Pharmacy approved new rules classifying natural kratom as a Schedule I"
        " drug under state law. The decision followed an executive order from Gov. Mike DeWine banning the sale of"
        " synthetic kratom products in the state."
    )
    action = classify(notice(text, title="States tighten kratom regulations as overdose deaths draw scrutiny"))
    assert (action.measure, action.substances) == (Measure.BAN, [Substance.KRATOM])


def test_alkaloids_scheduled_other_than_within_kratom_leave_the_leaf_lawful() -> None:
    text = (
        "It also limits the amount of 7-hydroxymitragyine to just 0.1% of alkaloids ... In amending the Texas"
        " Controlled Substances Act, SB1868 also adds all of kratom's main alkaloids to the controlled substances"
        ' list, "other than within kratom".'
    )
    action = classify(notice(text, title="Texas Bill Aims to Ban All But Plain Leaf Kratom"))
    assert action.measure is Measure.RESTRICT


def test_a_ban_on_synthetic_and_plain_kratom_products_reaches_the_leaf() -> None:
    text = (
        "The Starkville Board of Aldermen voted tonight to move forward with two public hearings on a proposed"
        " ordinance to ban the sale of synthetic kratom and kratom products inside the city limits."
    )
    action = classify(notice(text, title="Starkville Board of Alderman moves forward with hearings for banning Kratom"))
    assert action.measure is Measure.BAN and Substance.KRATOM in action.substances


def test_a_state_said_to_have_banned_kratom_is_not_a_ban_sought() -> None:
    text = "Alabama became the sixth state to have banned kratom."
    assert classify(notice(text)).measure is Measure.BAN


# kratomaton.com/news/kratom-ban-repealed-in-monroe-county-mississippi/ (2020): a county repeals its ban; the
# ban it recites ("The ban made it illegal to use, possess ...") is the one it ends.
MONROE = (
    "On Monday, June 1st, 2020, Mississippi legislators voted to repeal an active kratom ban in Monroe County. "
    "Although the vote was split 3-2 against the ban, the ban was ultimately rescinded. Monroe County originally "
    "passed their kratom ban in March 2019. The ban made it illegal to use, possess, purchase, distribute, or sell "
    "the plant throughout the county."
)


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Kratom Ban Repealed in Monroe County, Mississippi", MONROE),
        ("Kratom Ban Repealed in Monroe County, Mississippi", "The ban made it illegal to sell kratom in the county."),
        ("Monroe County news", MONROE),
    ],
    ids=["whole", "title-over-recited-ban", "an-active-ban-repealed"],
)
def test_a_ban_repealed_in_passive_or_with_an_article_reads_unban(title: str, text: str) -> None:
    action = classify(notice(text, title=title))
    assert action.measure is Measure.UNBAN

"""Texts in the other languages watched: detected, routed to their own rules, each rule proved by its
quoted examples, and kratom's names found in every script."""

from __future__ import annotations

import pytest

from regwatch.domain.vocab import Measure, NoticeKind, Substance
from regwatch.normalise.language import by_script, detect
from regwatch.normalise.reading import read
from regwatch.normalise.rules import fold_text, language_tables, names_kratom, substances_named

EXAMPLES = [
    (code, rule.name, ex) for code, table in language_tables().items() for rule in table.rules for ex in rule.examples
]


@pytest.mark.parametrize(
    ("code", "rule_name", "example"), EXAMPLES, ids=[f"{c}:{n}:{i}" for i, (c, n, _) in enumerate(EXAMPLES)]
)
def test_language_rule_example(code: str, rule_name: str, example: object) -> None:
    assert example.source and example.source.startswith("http")  # type: ignore[attr-defined]
    reading = read("", example.text, example.kind, code)  # type: ignore[attr-defined]
    found = reading.principal
    got = {"measure": found.provision.measure.value, "substances": [s.value for s in found.provision.substances]}
    assert (found.rule.name, got) == (rule_name, example.expect)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("code", "rule_name", "example"), EXAMPLES, ids=[f"{c}:{n}:{i}" for i, (c, n, _) in enumerate(EXAMPLES)]
)
def test_language_examples_are_detected_in_their_language(code: str, rule_name: str, example: object) -> None:
    assert names_kratom(fold_text(example.text))  # type: ignore[attr-defined]
    assert detect(example.text) == code  # type: ignore[attr-defined]


def test_every_rule_name_is_unique_and_prefixed_by_its_language() -> None:
    names = [rule.name for table in language_tables().values() for rule in table.rules]
    assert len(names) == len(set(names))
    for code, table in language_tables().items():
        assert all(rule.name.startswith(f"{code}-") for rule in table.rules)


@pytest.mark.parametrize(
    ("text", "substances"),
    [
        ("クラトムが指定薬物に", [Substance.KRATOM]),
        ("7-ハイドロミトラジニン", [Substance.SEVEN_OH]),
        ("'7-히드록시미트라지닌' 반입 차단", [Substance.SEVEN_OH]),
        ("미트라지닌(Mitragynine)", [Substance.KRATOM]),
        ("增列「7-羥基帽柱木鹼」", [Substance.SEVEN_OH]),
        ("第三級管制藥品「卡痛（Kratom）」", [Substance.KRATOM]),
        ("พืชกระท่อม", [Substance.KRATOM]),
        ("кратом та мітрагінін", [Substance.KRATOM]),
        ("7-гідроксимітрагінін", [Substance.SEVEN_OH]),
        ("la mitraginina y la 7-hidroximitraginina", [Substance.KRATOM, Substance.SEVEN_OH]),
        ("קרטום", [Substance.KRATOM]),
        ("طبقهبندی کراتوم", [Substance.KRATOM]),
    ],
)
def test_kratoms_names_are_found_in_every_script(text: str, substances: list[Substance]) -> None:
    folded = fold_text(text)
    assert names_kratom(folded)
    assert substances_named(folded) == substances


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ราชกิจจาฯ ประกาศปลดล็อก พืชกระท่อม", "th"),
        ("クラトムが指定薬物に", "ja"),
        ("식약처 크라톰 반입 차단", "ko"),
        ("食藥署預告新增3項管制藥品", "zh"),
        ("שני חומרים חדשים", "he"),
        ("تعویق تصمیم گیری درباره کراتوم در آمریکا", "fa"),  # Persian letters (keheh, gaf, Farsi yeh)
        ("هيئة الغذاء والدواء تحذر من الكراتوم", "ar"),
        ("FDA issues warning letters to firms marketing kratom", None),
    ],
)
def test_a_script_names_its_language_alone(text: str, code: str | None) -> None:
    assert by_script(text) == code


def test_a_language_without_rules_abstains() -> None:
    # No German rule reads "legal" as an act: a German text naming kratom that no German rule recognises is
    # unclassified (review), not guessed by the English rules.
    reading = read(
        "Kratom – Drogenhandel in rechtlicher Grauzone", "Kratom ist in Deutschland legal.", NoticeKind.OTHER, "de"
    )
    assert reading.principal.provision.measure is Measure.UNCLASSIFIED
    assert reading.principal.provision.substances == [Substance.KRATOM]


def test_a_foreign_text_naming_no_kratom_is_unrelated() -> None:
    reading = read("Anvisa amplia lista de substâncias proibidas no País", "", NoticeKind.PRESS_RELEASE, "pt")
    assert reading.principal.provision.measure is Measure.UNRELATED


# Real texts that name kratom and say it is NOT banned, or that an attempt to ban it failed: no language rule
# may read them as a ban (they stay unclassified or read as what they do).
NOT_BANNED = [
    # https://www.kratomit.eu/de/blog/ist-kratom-in-deutschland-verboten-
    (
        "de",
        (
            "Ist Kratom in Deutschland verboten? Derzeit ist Kratom in Deutschland nicht allgemein verboten "
            "und nicht in der Liste der Betäubungsmittel nach dem deutschen BtmG (Betäubungsmittelgesetz) "
            "aufgeführt. Das bedeutet, dass Besitz, Verkauf und Konsum legal sind, sofern es sich nicht um "
            "spezielle Präparate mit hohem Alkaloidgehalt handelt, die als Arzneimittel gelten könnten."
        ),
    ),
    # https://no.m.wikipedia.org/wiki/Kratom
    (
        "nb",
        (
            "I flere år har det påpått diskusjoner om regulering av kratom i mange land. Drug Enforcement "
            "Administration (DEA) i USA forsøkte å klassifisere kratom som et narkotisk stoff. Dette "
            "forsøket ble imidlertid møtt med betydelig motstand. DEAs forsøk på å klassifisere kratom som "
            "narkotika førte ikke frem på grunn av manglende bevis og intens motstand fra en rekke aktører."
        ),
    ),
    # https://bodytechemsfit.com/fi/kratom-drugfacts-suomi
    (
        "fi",
        (
            "Kratom on Kaakkois-Aasiasta kotoisin oleva trooppinen puu (Mitragyna speciosa), jonka lehdet "
            "sisältävät yhdisteitä, joilla voi olla psykotrooppisia (mieltä muuttavia) vaikutuksia. Kratom "
            "ei ole tällä hetkellä laitonta ainetta, ja sitä on ollut helppo tilata internetistä."
        ),
    ),
    # https://www.sonline.hu/helyi-kozelet/2024/02/nalunk-meg-nem-tiltjak-de-fuggove-tesz-a-kratom
    (
        "hu",
        (
            "Nálunk még nem tiltják, de függővé tesz a kratom. A kratomot egy Délkelet-Ázsiában őshonos "
            "trópusi fa leveléből állítják elő. Ezért szerepel sok országban a tiltott szerek listáján. "
            "Nálunk azonban bioboltokban is kapható."
        ),
    ),
]


@pytest.mark.parametrize(("code", "text"), NOT_BANNED, ids=[c for c, _ in NOT_BANNED])
def test_a_text_saying_kratom_is_not_banned_is_no_ban(code: str, text: str) -> None:
    assert detect(text) == code
    reading = read("", text, NoticeKind.OTHER, code)
    assert reading.principal.provision.measure not in (Measure.BAN, Measure.RESTRICT)


def test_a_persian_text_naming_kratom_abstains_and_is_never_unrelated() -> None:
    # daroovasalamat.ir/news/2168: the DEA postpones its kratom scheduling decision (2016)
    title = "تعویق تصمیم گیری درباره کراتوم در آمریکا"
    assert detect(title) == "fa"
    reading = read(title, "", NoticeKind.OTHER, "fa")
    assert reading.principal.provision.measure is Measure.UNCLASSIFIED


def test_slovene_is_not_read_by_the_slovak_rules() -> None:
    # delo.si: customs find 3000 kg of kratom at the port of Koper (2024)
    text = "V koprskem pristanišču so cariniki s hitrim testom odkrili prepovedano drogo kratom (Mitragyna speciosa)."
    assert detect(text) == "sl"

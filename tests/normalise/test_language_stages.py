"""Stage words in the other languages watched: each stage rule proved by its quoted examples, the stage a foreign
report or notice tells in its own words (never in English words it quotes), and every match of a stage pattern
holding a declared need."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regwatch.domain.models import Notice
from regwatch.domain.vocab import Measure, NoticeKind, Stage
from regwatch.normalise.classify import classify
from regwatch.normalise.language import detect
from regwatch.normalise.prefilter import holds_one
from regwatch.normalise.rules import Pattern, fold_text, language_stage, language_tables

STAGE_EXAMPLES = [
    (code, rule.name, rule.stage, ex)
    for code, table in language_tables().items()
    for rule in table.stages
    for ex in rule.examples
]


@pytest.mark.parametrize(
    ("code", "rule_name", "stage", "example"),
    STAGE_EXAMPLES,
    ids=[f"{c}:{n}:{i}" for i, (c, n, _, _) in enumerate(STAGE_EXAMPLES)],
)
def test_language_stage_example(code: str, rule_name: str, stage: Stage, example: object) -> None:
    assert example.source.startswith("http")  # type: ignore[attr-defined]
    assert detect(example.text) == code  # type: ignore[attr-defined]
    assert language_stage(code, fold_text(example.text)) == (stage, rule_name)  # type: ignore[attr-defined]


def test_every_stage_rule_name_is_prefixed_by_its_language() -> None:
    names = [rule.name for table in language_tables().values() for rule in table.stages]
    assert len(names) == len(set(names))
    for code, table in language_tables().items():
        assert all(rule.name.startswith(f"{code}-") for rule in table.stages)


def _notice(kind: NoticeKind, title: str, text: str) -> Notice:
    return Notice.model_validate(
        {
            "id": "n1",
            "source": "eval",
            "jurisdiction": "SE",
            "kind": kind,
            "title": title,
            "text": text,
            "published": date(2025, 1, 1),
        }  # fmt: skip
    )


# Real texts (quoted in the languages' files): the stage a report or notice in another language tells.
REPORTED = [
    # https://ekuriren.se/nyheter/inrikes/brott/artikel/fhm-knarkklassa-asiatiska-vaxten/jp2ed1qr: a proposal
    (
        NoticeKind.PRESS_RELEASE,
        "FHM: Narkotikaklassa växtdrogen",
        "Folkhälsomyndigheten (FHM) föreslår att regeringen ska klassificera växten kratom som narkotika.",
        "sv",
        Stage.PROPOSED,
    ),
    # https://omni.se/vaxtdrogen-narkotikaklassas-manniskor-har-dott/a/LMXGMR: the government decided
    (
        NoticeKind.OTHER,
        'Växtdrogen narkotikaklassas: "Människor har dött"',
        (
            "Regeringen narkotikaklassar växtdrogen Kratom, rapporterar P3 Nyheter. Beslutet kommer efter att "
            "Folkhälsomyndigheten gett sitt godkännande."
        ),
        "sv",
        Stage.EFFECTIVE,
    ),
    # https://udn.com/news/story/7266/9270107: a pre-announced draft (預告 ... 草案), a notice
    (
        NoticeKind.NOTICE,
        "食藥署預告新增3項管制藥品 喪屍煙彈前驅物入列",
        (
            "衛生福利部食品藥物管理署13日預告修正「管制藥品分級及品項」草案，內容包括增列「7-羥基帽柱木鹼"
            "（7-Hydroxymitragynine）」、「苯基乙基胺戊酮（N-Ethylpentedrone）」為第三級管制藥品，預告期14天。"
        ),
        "zh",
        Stage.PROPOSED,
    ),
    # http://www.ntoday.co.kr/news/articleView.html?idxno=79582: 입법예고, a notice
    (
        NoticeKind.NOTICE,
        "식약처, 의존성 확인 약물 17종 마약·향정신성의약품 신규 지정 입법예고",
        (
            "식품의약품안전처(식약처)는 17일 마약류 관리에 관한 법률 시행령 개정안을 입법예고하고 8월 25일까지 의견을 "
            "받는다고 밝혔다. ... 향정신성의약품 14종은 7-히드록시미트라지닌(7-Hydroxymitragynine), "
            "미트라지닌(Mitragynine)"
        ),
        "ko",
        Stage.PROPOSED,
    ),
    # https://codeblue.galencentre.org/2019/07/11/kkm-mahu-larang-penanaman-daun-ketum/: being amended
    (
        NoticeKind.OTHER,
        "KKM Mahu Larang Penanaman Daun Ketum",
        "Kementerian Kesihatan Malaysia (KKM) sedang meminda Akta Racun 1952 untuk melarang penanaman daun ketum.",
        "ms",
        Stage.PROPOSED,
    ),
]


@pytest.mark.parametrize(
    ("kind", "title", "text", "code", "stage"), REPORTED, ids=[f"{r[3]}:{r[4].value}" for r in REPORTED]
)
def test_a_foreign_report_takes_the_stage_its_own_words_tell(
    kind: NoticeKind, title: str, text: str, code: str, stage: Stage
) -> None:
    action = classify(_notice(kind, title, text))
    assert action.language == code
    assert action.history[-1].stage is stage


def test_english_stage_words_are_not_read_in_a_foreign_text() -> None:
    # Built from the sum.dk release (Forbud_mod_euforiserende_plante) with two English report phrases added:
    # "proposed" and "signed into law" are English report words; in a Danish text that quotes them they say
    # nothing, and a Danish report of a ban without its own stage words stays `published`.
    text = (
        "Kratom er forbudt i Danmark. Planten kratom og dens indholdsstoffer 7-hydroxymitragynin og mitragynin "
        'må fremover kun anvendes i medicinsk og videnskabeligt øjemed ("proposed rule", "signed into law").'
    )
    action = classify(_notice(NoticeKind.OTHER, "Forbud mod kratom", text))
    assert action.language == "da" and action.measure is Measure.BAN
    assert action.history[-1].stage is Stage.PUBLISHED


STAGE_PATTERNS = list(
    {p.pattern: p for table in language_tables().values() for rule in table.stages for p in rule.any}.values()
)


@pytest.mark.parametrize("pattern", STAGE_PATTERNS, ids=lambda p: p.pattern[:40])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_every_match_of_a_stage_pattern_holds_a_declared_need(pattern: Pattern, data: st.DataObject) -> None:
    # A stage pattern is searched only in texts holding one of its needs (prefilter.py): a match without one
    # would be missed silently.
    texts = [data.draw(st.from_regex(pattern.pattern))] + [
        fold_text(ex.text) for table in language_tables().values() for r in table.stages for ex in r.examples
    ]
    for text in texts:
        for match in re.finditer(pattern.pattern, text):
            assert holds_one(pattern.needs, match.group()), (pattern.pattern, match.group())

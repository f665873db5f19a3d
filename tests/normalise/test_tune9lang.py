"""Whole readings for the classes of non-English text tuned on 2026-11-28 (tune9lang): seizure and arrest news in
Indonesian, Thai, Ukrainian, Russian and Korean is enforcement; a status named in passing (the adjective
"заборонений", a delisting retold as the time of a raid, a category denied) sets no status; trade news and research
talk that tell of no act are background. Texts are quoted from the sources the language rules cite."""

from __future__ import annotations

from pathlib import Path

from regwatch.domain.models import Notice
from regwatch.domain.vocab import Measure
from regwatch.normalise import classify
from tests.helpers.scoring import load, score

PROBES = Path(__file__).resolve().parents[1] / "data" / "classification_tune9lang_probes.jsonl"


def notice(text: str, title: str, jurisdiction: str) -> Notice:
    return Notice.model_validate(
        {
            "jurisdiction": jurisdiction,
            "source": "eval",
            "kind": "other",
            "published": "2025-06-01",
            "title": title,
            "text": text,
        }  # fmt: skip
    )


def test_a_category_denied_is_no_listing() -> None:
    # "tidak masuk kategori narkotika" holds the listing rule's words; before this round it read as a ban.
    text = (
        "Kepala Staf Presiden, Moeldoko, menegaskan bahwa Kementerian Kesehatan tidak mengategorikan daun kratom"
        ' sebagai narkotika. "Menurut Kemenkes, kratom tidak masuk kategori narkotika," ujar Moeldoko.'
    )
    action = classify(notice(text, "Kemenkes: Kratom Tak Masuk Jenis Narkotika", "ID"))
    assert action.measure is not Measure.BAN


def test_a_listing_in_indonesian_still_reads_as_a_ban() -> None:
    text = "Tanaman tersebut kini masuk dalam narkotika golongan I menurut BNN."
    action = classify(notice(text, "BNN: kratom masuk narkotika golongan I", "ID"))
    assert action.measure is Measure.BAN


def test_the_ukrainian_adjective_banned_is_no_ban_but_the_predicate_is() -> None:
    seizure = (
        "В Україні викрито діяльність злочинної організації, яка налагодила контрабанду та продаж забороненого"
        " наркотичного засобу – кратому."
    )
    assert classify(notice(seizure, "В Україні викрили схему збуту кратому", "UA")).measure is Measure.ENFORCE
    act = "Кабінет Міністрів ухвалив постанову: обіг кратому в Україні заборонено."
    assert classify(notice(act, "Кабмін заборонив кратом", "UA")).measure is Measure.BAN


def test_a_delisting_retold_as_the_time_of_a_raid_is_no_delisting() -> None:
    text = (
        "ปฏิบัติการบุกทลาย 2 โรงงานใหญ่ ผลิตเครื่องดื่มที่มีส่วนผสมของ น้ำกระท่อม หลังปลดล็อก พืชกระท่อม"
        " ออกจากบัญชียาเสพติดประเภท 5 เมื่อวันที่ 24 ส.ค. 2564 ที่ผ่านมา กก.ดส. บุกจับกุมโรงงานผลิต Craft Soda น้ำกระท่อม"
    )
    assert classify(notice(text, "Craft Soda น้ำกระท่อม", "TH")).measure is Measure.ENFORCE


def test_a_refusal_citing_the_act_in_force_is_no_new_ban() -> None:
    text = (
        "Kementerian Dalam Negeri (KDN) tidak akan membenarkan daun ketum dari negara ini dieksport ke Thailand."
        " Menurut Menteri Dalam Negeri, perkara itu bertentangan dengan Akta Racun 1952 yang dikuatkuasakan di negara"
        " ini, yang antara lain melarang sebarang aktiviti mengimport, mengeksport, menjual atau memiliki ketum."
    )
    assert classify(notice(text, "Eksport ketum ke Thailand tidak dibenarkan", "MY")).measure is Measure.UNCLASSIFIED


def test_trade_news_that_names_a_rule_abstains() -> None:
    # Export news is background, but a sentence on whether the trade is regulated tells of the law: review it.
    text = (
        "Kratom merupakan salah satu komoditas penghasil devisa. Menurut Kemendag, ekspor kratom memang tak diatur"
        " hingga saat ini alias bebas."
    )
    assert classify(notice(text, "Ekspor kratom", "ID")).measure is Measure.UNCLASSIFIED


def test_the_probe_set_keeps_its_figure() -> None:
    # 55 non-English texts found by search (seizures, arrests, raids, sale limits, the Kratom Plant Act, trade and
    # research news), labelled by the helper before any rule was written, then used to write rules: a regression
    # bar, not an unseen score. First contact: 23/49, one dangerous (a study read as a ban); a second batch (Swedish
    # and German, t9-sv*, t9-de*) 3/6 on first contact, none dangerous. Known: t9-ms11 (an opinion letter naming the
    # Poisons Act), t9-es01, t9-sv04, t9-de01 (texts saying kratom is legal as it stands abstain) and t9-de02 (a
    # consumer body's warning read as an advisory).
    result = score(load(PROBES))
    assert result.items == 55
    assert result.right >= 50
    assert result.dangerous == {}


def test_a_senator_wanting_an_amendment_is_no_ban() -> None:
    # fresh3 c050: the ban rule's "larang ... ketum" fired on a call for an amendment before this round.
    text = (
        "Seorang senator mahu pindaan dibuat terhadap Akta Racun dengan memasukkan peruntukan larangan penanaman ketum."
    )
    action = classify(notice(text, "Larang penanaman ketum di bawah Akta Racun", "MY"))
    assert action.measure is Measure.UNCLASSIFIED

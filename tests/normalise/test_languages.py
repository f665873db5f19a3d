"""Texts in the other languages watched: detected, routed to their own rules, each rule proved by its
quoted examples, and kratom's names found in every script."""

from __future__ import annotations

import pytest

from regwatch.domain.vocab import Measure, NoticeKind, Substance
from regwatch.normalise.language import by_script, detect
from regwatch.normalise.reading import read
from regwatch.normalise.rules import (
    fold_text,
    language_tables,
    names_kratom,
    substances_named,
)

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
        ("تصنيف نبات الكرتوم كمادة مخدرة", [Substance.KRATOM]),
        ("تجريم مادة (القرطوم)", [Substance.KRATOM]),
        ("مادة الميتراجينين المخدرة", [Substance.KRATOM]),
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


NOT_BANNED += [
    # https://www.ma.hu/eletmod.hu/405684/A_taplalekkiegeszito_amit_mindenhol_betiltanak__Mit_kell_tudni_a_kratomrol?place=srss
    (
        "hu",
        (
            "A táplálékkiegészítő, amit mindenhol betiltanak - Mit kell tudni a kratomról? Az Egyesült "
            "Államokban egyre több helyi közösség dönt úgy, hogy betiltja a kratom bizonyos szintetikus formáit."
        ),
    ),
    # https://says.com/my/news/zahid-hamidi-kata-daun-ketum-mungkin-dikategori-akta-dadah-berbahaya
    (
        "ms",
        (
            "Zahid Hamidi Berkata Daun Ketum Mungkin Dadah Berbahaya. Daun ketum atau yang sama jenis dengannya "
            "boleh diletakkan di bawah Akta Dadah Berbahaya jika terbukti mempunyai unsur dadah yang menyebabkan "
            'penagihan berulang, kata Menteri Dalam Negeri Datuk Seri Dr Ahmad Zahid Hamidi. "Jika akta yang ada '
            "sekarang ini mencukupi untuk meletakkan daun ketum sebagai satu unsur dadah berbahaya, tentu ia boleh "
            'dilakukan dari segi pentadbiran untuk menguatkuasakannya," katanya.'
        ),
    ),
    # https://utusan.com.my/rencana/forum/2024/02/hidupkan-semula-inisiatif-terhadap-ketum
    (
        "ms",
        (
            "Para saintis dan badan antarabangsa seperti Pejabat Dadah dan Jenayah PBB (UNOCD) mengklasifikasikan "
            "ketum sebagai NPS (bahan psikoaktif baharu), terasing daripada dadah lain. Ini juga antara punca "
            "kenapa ketum ditadbir di bawah Akta Racun dan bukannya Akta Dadah Berbahaya. Namun ada sebahagian "
            "pihak yang lantang mahukan ketum dikawal sebagai dadah berbahaya."
        ),
    ),
    # https://swed24.se/وزير-سويدي-يدعو-إلى-ضوابط-على-بيع-مُنتج (a minister calls for controls: no act)
    (
        "ar",
        (
            "صرح وزير الشؤون الاجتماعية السويدي، ياكوب فورسسميد، بأنه من “غير المقبول” أن تُباع المخدرات "
            "النباتية بشكل قانوني في السويد، مشيرًا إلى أن السلطات تراقب الوضع بشكل دقيق. أحد أنواع المخدرات "
            "النباتية هو “الكراتوم”، الذي يتم ترويجه عبر وسائل التواصل الاجتماعي، ويباع بشكل رسمي كمكون لصناعة الصابون."
        ),
    ),
    # https://kienthuc.net.vn/doi-song/chat-gay-nghien-kratom-doi-lot-thuc-pham-chuc-nang-1033435.html
    (
        "vi",
        (
            "Tuy là một chất gây nghiện rất mạnh nhưng kratom lại không được kiểm soát. Cũng theo bác sĩ Huỳnh "
            "Thanh Hiển, Cơ quan Quản lý dược phẩm và thực phẩm Mỹ (FDA) mới đây đã từ chối cấp phép lưu hành tại "
            "quốc gia này các thực phẩm chức năng hay thuốc đông dược có thành phần từ lá kratom."
        ),
    ),
]


NOT_BANNED += [
    # https://rvh-synergie.org/actualites/malgre-les-avertissements-federaux-le-kratom-est-toujours-disponible-partout-aux-etats-unis/
    (
        "fr",
        (
            "La Drug Enforcement Administration a brièvement classé le kratom comme drogue de l’Annexe I en 2016, "
            "mais a retiré cette action après la réaction du public. Depuis, plusieurs États ont abordé la "
            "question dans leurs lois locales, mais aucune mesure fédérale n’a été prise. Dans le Mississippi, "
            "plus de 30 comtés et villes ont restreint ou interdit le produit."
        ),
    ),
    # https://www.zamnesia.fr/blog-la-dea-fait-machine-arriere-sur-linterdiction-du-kratom-n1199 (a withdrawal)
    (
        "fr",
        (
            "La DEA Fait Machine Arrière Sur l’Interdiction Du Kratom. En août, la DEA a voulu interdire le "
            "Kratom, interdiction annulée par le besoin de plus d’études. LA DEA ANNULE UNE PROPOSITION "
            "D’INTERDICTION DU KRATOM."
        ),
    ),
]
NOT_BANNED += [
    # https://spiegato.com/pt/quais-sao-os-diferentes-tipos-de-plantas-de-kratom (other countries' law)
    (
        "pt",
        (
            "As folhas das plantas da kratom têm propriedades narcóticas, analgésicas e supressoras da tosse, "
            "levando ao uso tradicional da kratom como um tônico herbal para dor e depressão. O uso de Kratom é "
            "ilegal na Austrália e na Malásia e é punível com a morte na Tailândia."
        ),
    ),
]
# Constructed (not quoted): kratom illegal in another country, or said not to be illegal in Poland.
NOT_BANNED += [
    ("pl", "W Tajlandii kratom przez wiele lat był nielegalny, a dziś można go tam kupić w sklepach."),
    ("pl", "W Polsce kratom nie został wpisany do wykazu substancji psychotropowych i można go kupić w sklepach."),
]
# https://www.mtvuutiset.fi/makuja/artikkeli/hyvinvointijuoma-ajoi-jasminen-riippuvuuteen-ja-velkoihin-aine-suomessa-kielletty/9212010
# A consumer story about a person and a US drink names Finland's ban only as the law as it stands.
NOT_BANNED += [
    (
        "fi",
        (
            "Hyvinvointijuoma ajoi Jasminen riippuvuuteen ja velkoihin – aine Suomessa kielletty. Piristävänä "
            "hyvinvointijuomana Yhdysvalloissa markkinoitu Feel Free sisältää Suomessa kuluttajamarkkinoilla "
            "kiellettyä psykoaktiiviseksi aineeksi luokiteltu kratomia."
        ),
    ),
]
# Constructed (not quoted): kratom classified as a narcotic "in several countries" is news of others' law.
NOT_BANNED.append(("ar", "تم تصنيف نبات الكراتوم كمادة مخدرة في عدة دول، لكنه يباع عبر الإنترنت."))
# Constructed (not quoted): banned or classified "in many countries" is news of others' law, not an act of the
# place; each of these was read as a ban before its ban rule learned the phrase.
NOT_BANNED += [
    (
        "de",
        (
            "Kratom ist in vielen Ländern verboten, etwa in Thailand und Malaysia, und wird dort als "
            "Betäubungsmittel eingestuft."
        ),
    ),
    ("fr", "Le kratom est interdit dans de nombreux pays, où il est classé comme stupéfiant."),
    ("nb", "Kratom er forbudt i mange land og klassifisert som narkotika."),
    ("ru", "Кратом запрещен во многих странах и внесен в списки наркотических веществ."),
    ("ms", "Ketum diharamkan di banyak negara dan disenaraikan sebagai dadah berbahaya."),
    ("tr", "Kratom birçok ülkede yasaklanmıştır."),
    ("pt", "A kratom é ilegal ou considerada uma substância controlada em muitos países."),
]

# Constructed (not quoted): Thailand's 2021 delisting told in Norwegian was read as a listing (nb) before the
# ban rule learned removal words.
NOT_BANNED.append(("nb", "Thailand har fjernet kratom fra narkotikalisten, og planten er nå lovlig å dyrke og selge."))
# Constructed (not quoted): a guide that asks whether kratom is legal describes the law as it stands (a shop's
# "Är kratom lagligt i Sverige?" was labelled unrelated by a blind reader); the ban rules abstain on it.
NOT_BANNED += [
    ("pl", "Czy kratom jest legalny w Polsce? W Polsce kratom jest nielegalny od 2011 roku."),
    ("da", "Er kratom lovligt i Danmark? Nej, kratom er forbudt i Danmark."),
    ("ru", "Легален ли кратом в России? Нет, кратом запрещен и внесен в перечень наркотических средств."),
]
NOT_BANNED += [
    ("sk", "Thajsko legalizovalo kratom, ktorý bol od roku 1943 zakázaný a zaradený medzi omamné látky."),
    (
        "da",
        (
            "Thailand har lovliggjort kratom, som har været forbudt siden 1943 og stod på listen over "
            "euforiserende stoffer."
        ),
    ),
]

# Constructed (not quoted): a removal from the narcotics list is read as a removal (ar) or abstains (uk), never
# as the listing or the seizure whose words it shares ("вилучив" is also "seized").
REMOVALS = [
    ("ar", "ألغت تايلاند تصنيف الكراتوم كمادة مخدرة وأزالته من قائمة المخدرات.", Measure.UNBAN),
    ("uk", "Таїланд вилучив кратом з переліку наркотичних засобів і легалізував його.", Measure.UNCLASSIFIED),
]


@pytest.mark.parametrize(("code", "text", "measure"), REMOVALS, ids=[c for c, _, _ in REMOVALS])
def test_a_removal_from_the_list_is_no_listing_nor_seizure(code: str, text: str, measure: Measure) -> None:
    assert detect(text) == code
    assert read("", text, NoticeKind.OTHER, code).principal.provision.measure is measure


@pytest.mark.parametrize(("code", "text"), NOT_BANNED, ids=[c for c, _ in NOT_BANNED])
def test_a_text_saying_kratom_is_not_banned_is_no_ban(code: str, text: str) -> None:
    assert detect(text) == code
    reading = read("", text, NoticeKind.OTHER, code)
    assert reading.principal.provision.measure not in (Measure.BAN, Measure.RESTRICT)


def test_a_persian_report_of_an_act_abstains_and_is_never_unrelated() -> None:
    # daroovasalamat.ir/news/2168: the DEA postpones its kratom scheduling decision (2016). Only an
    # encyclopedia's description of the plant (fa-plant-described) is background in Persian.
    title = "تعویق تصمیم گیری درباره کراتوم در آمریکا"
    assert detect(title) == "fa"
    reading = read(title, "", NoticeKind.OTHER, "fa")
    assert reading.principal.provision.measure is Measure.UNCLASSIFIED


def test_slovene_is_not_read_by_the_slovak_rules() -> None:
    # delo.si: customs find 3000 kg of kratom at the port of Koper (2024)
    text = "V koprskem pristanišču so cariniki s hitrim testom odkrili prepovedano drogo kratom (Mitragyna speciosa)."
    assert detect(text) == "sl"


# Thailand's 2021 delisting retold in languages whose rules also read bans: the removal is read first, so
# that the listing it recalls ("原先卡痛被列為第5級管制毒品", "senarai dadah berbahaya") is no ban now.
DELISTED = [
    # https://siakapkeli.my/2021/08/24/boleh-guna-dan-jual-secara-sah-thailand-keluarkan-ketum-dari-senarai-dadah-haram/
    ("ms", "Thailand hari ini mengeluarkan ketum dari senarai dadah yang diharamkan di negara itu."),
    # https://tuhaubambangan.com/?p=633 (the ban rule's "senarai dadah berbahaya" is in the same sentence)
    (
        "ms",
        (
            "Thailand hari ini mengeluarkan ketum, yang sekian lama digunakan sebagai ubat herba, daripada senarai "
            "dadah berbahaya, sekali gus membolehkannya digunakan secara terbuka."
        ),
    ),
    # https://www.thaich.net/news/20210527kw.htm/amp (麻薬指定 would fire the designation rule)
    (
        "ja",
        (
            "タイ王国政府官報 (Royal Thai Government Gazette)のウェブサイトは2021年5月27日、"
            "「クラトムの葉」を第5種麻薬指定から除外する麻薬法を掲載しました。"
        ),
    ),
    # https://visionthai.net/zh-hans/?p=146754
    ("zh", "政府修法将原先被列为毒品的卡痛(kratom)从管制名单中去除,相关法令自8月24日起生效。"),
]


@pytest.mark.parametrize(("code", "text"), DELISTED, ids=[c for c, _ in DELISTED])
def test_a_delisting_in_a_language_with_a_ban_rule_reads_unban(code: str, text: str) -> None:
    assert detect(text) == code
    assert read("", text, NoticeKind.OTHER, code).principal.provision.measure is Measure.UNBAN


def test_a_japanese_text_telling_of_thai_delisting_and_japans_designation_abstains() -> None:
    # https://thaich.net/news/20231224dm.htm: Thailand delisted kratom in 2021; in Japan it is a designated
    # substance. The rules cannot tell which country the text is about, so neither ban nor unban is read.
    text = (
        "2021年8月24日からクラトムは、麻薬リストから削除されて合法化。現在は、栽培や所持、売買が自由となっています。"
        "一方日本では、クラトムはミトラガイナ・スペシオーサとも呼ばれ、指定薬物となっており、所持や使用は違法です。"
    )
    assert detect(text) == "ja"
    assert read("", text, NoticeKind.OTHER, "ja").principal.provision.measure is Measure.UNCLASSIFIED


def test_a_thai_report_of_seized_leaves_is_enforcement() -> None:
    # workpointtoday.com (2018, the URL is in th.yaml): rangers find over a tonne of kratom leaves hidden in a hut
    # (กระท่อม) in the forest: the leaves (ใบกระท่อม) are seized, the hut is not a second kratom.
    text = "จนท.ลาดตระเวนแนวป่าชายแดนไทย–มาเลเซีย พบใบกระท่อมถูกซุกไว้ในกระท่อมขนาดใหญ่กลางป่า ยึดได้กว่า 1 ตัน"
    assert detect(text) == "th"
    assert read("", text, NoticeKind.OTHER, "th").principal.provision.measure is Measure.ENFORCE


def test_a_malay_call_citing_thailands_delisting_is_no_delisting() -> None:
    # https://malaysiagazette.com/2022/05/24/pengkomersialan-ketum-perlu-kerjasama-semua-pihak/ (opinion):
    # a deputy minister asks the government to consider allowing ketum, following Thailand's removal.
    text = (
        "Baru-baru ini, Datuk Zahidi Zainul Abidin yang juga Timbalan Menteri Komunikasi dan Multimedia, merangkap "
        "Ahli Parlimen Padang Besar, dilaporkan meminta kerajaan mempertimbangkan kebenaran menanam tanaman ketum "
        "susulan langkah kerajaan Thailand mengeluarkan tanaman itu daripada senarai dadah."
    )
    assert detect(text) == "ms"
    measure = read("", text, NoticeKind.OTHER, "ms").principal.provision.measure
    assert measure not in (Measure.UNBAN, Measure.BAN)


def test_a_french_referral_to_a_commission_is_no_seizure() -> None:
    # Constructed (not quoted): "saisir" also means to refer a matter to a body; the scheduling it leads to
    # stays a ban, while customs that "ont saisi" kratom enforce (fr-police-seizure-or-arrest).
    referral = "L'ANSM a saisi la commission des stupéfiants au sujet du kratom, inscrit sur la liste des psychotropes."
    seizure = "Les douaniers ont saisi 40 kilos de kratom à Roissy."
    assert read("", referral, NoticeKind.OTHER, "fr").principal.provision.measure is Measure.BAN
    assert read("", seizure, NoticeKind.OTHER, "fr").principal.provision.measure is Measure.ENFORCE


# Constructed (not quoted): the past-tense act of listing reads as a ban; a participle that only describes a
# status ("narkotikaklassat sedan 2011", a shop's guide) does not.
LISTED_NOW = [
    ("es", "El kratom ya no es legal en España: el Gobierno lo incluyó en la lista de estupefacientes.", Measure.BAN),
    ("ru", "Правительство внесло кратом в перечень наркотических средств.", Measure.BAN),
    ("sv", "Regeringen har narkotikaklassat växten kratom.", Measure.BAN),
    ("sv", "I Sverige är mitragynin narkotikaklassat sedan 2011, men växten kratom säljs som råvara för tvål.", None),
]


@pytest.mark.parametrize(("code", "text", "measure"), LISTED_NOW, ids=[f"{c}:{m}" for c, _, m in LISTED_NOW])
def test_an_act_of_listing_is_a_ban_and_a_status_is_not(code: str, text: str, measure: Measure | None) -> None:
    assert detect(text) == code
    got = read("", text, NoticeKind.OTHER, code).principal.provision.measure
    assert got is measure if measure is not None else got not in (Measure.BAN, Measure.RESTRICT)

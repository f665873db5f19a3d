"""Classification quality on real texts the rules were not written from (tests/data/*.yaml).

classification_eval.yaml was gathered by hand from real bills, rules, releases and news; half of it (the
`dev` split, by a hash of the id) was used to tune the rules, the other half was held out until the
figure in the README was taken. classification_holdout2.yaml is a second corpus gathered afterwards.
The guard here is the product's quality bar: >= 95% of measures right, and never a ban read as an
unban, a regulation or unrelated (nor the reverse): the confusions that would mislead a compliance team.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from regwatch.domain.vocab import NoticeKind
from regwatch.normalise.language import detect
from regwatch.normalise.reading import read
from regwatch.normalise.rules import fold_text, names_kratom

DATA = Path(__file__).resolve().parents[1] / "data"
CORPORA = sorted(p.name for p in DATA.glob("classification_*.yaml"))
DANGEROUS = {("ban", "unban"), ("ban", "regulate"), ("ban", "unrelated")}


def _score(name: str) -> tuple[float, Counter[tuple[str, str]]]:
    items = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    right = 0
    confusions: Counter[tuple[str, str]] = Counter()
    for item in items:
        # As classify reads a notice: in the language detected where it names kratom (the Swedish item of
        # holdout2 goes to the Swedish rules).
        whole = f"{item['title']}. {item['text']}"
        language = detect(whole) if names_kratom(fold_text(whole)) else "en"
        reading = read(item["title"], item["text"], NoticeKind(item["kind"]), language)
        got, expected = reading.principal.provision.measure.value, item["expect"]["measure"]
        # A consumer protection act is labelled by its regulation, but its principal provision is its 7-OH
        # cap or synthetic ban (the strictest, models.principal): right when the regulation is read too.
        kcpa = (expected, got) == ("regulate", "restrict") and any(
            p.measure.value == expected for p in reading.provisions
        )
        if got == expected or got in (item.get("also") or []) or kcpa:
            right += 1
        else:
            confusions[(expected, got)] += 1
    return right / sum(confusions.values(), right), confusions


@pytest.mark.parametrize("name", CORPORA)
def test_measure_accuracy(name: str) -> None:
    accuracy, confusions = _score(name)
    print(f"{name}: {accuracy:.1%} right; confusions {dict(confusions)}")
    assert accuracy >= 0.95, f"{name}: {accuracy:.1%} right; confusions {confusions.most_common()}"


@pytest.mark.parametrize("name", CORPORA)
def test_no_ban_confusion(name: str) -> None:
    _, confusions = _score(name)
    dangerous = {pair: n for pair, n in confusions.items() if pair in DANGEROUS or pair[::-1] in DANGEROUS}
    assert dangerous == {}

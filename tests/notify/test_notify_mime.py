"""The digest's bytes written directly (regwatch.notify.mime) are the email package's, boundary aside."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regwatch.domain.models import Change
from regwatch.domain.vocab import Severity, Substance
from regwatch.notify import mime
from regwatch.notify.render import Sender, build_message, compose
from regwatch.notify.subscribers import make_subscriber
from tests.notify.alerts_helpers import CHANGES, NOW, change

BOUNDARY = re.compile(rb"={15}\d{19}==")
LOCAL = Sender("regwatch@localhost", "https://localhost/unsubscribe")
NAMED = Sender("Reg Watch <alerts@example.org>", "https://example.org/unsubscribe")


def hostile(summary: str) -> list[Change]:
    return [change("odd", Severity.CRITICAL, "US-KY", Substance.KRATOM, summary=summary), *CHANGES[1:3]]


CASES = {
    "every shape of change": (LOCAL, "all@example.com", CHANGES),
    "one change, a named sender": (NAMED, "one@example.com", CHANGES[:1]),
    "controls and markup": (LOCAL, "a@example.com", hostile("Kentucky\r\nBcc: v@example.com <script>x</script>\x00")),
    "non-ASCII subject and body": (NAMED, "a@example.com", hostile("Türkiye bans kratom \u2014 \u201cTürkçe\u201d")),
    "an encoded word in scraped text": (LOCAL, "a@example.com", hostile("=?utf-8?q?Kentucky?= bans kratom")),
    "a subject long enough to shorten": (LOCAL, "a@example.com", hostile("Kentucky " + "bans kratom " * 20)),
    "a body line over 998 characters": (LOCAL, "a@example.com", hostile("Kentucky " + "bans kratom " * 100)),
    "an address that needs SMTPUTF8": (LOCAL, "jörg@example.com", CHANGES),
}


@pytest.mark.parametrize("case", CASES)
def test_compose_writes_the_bytes_the_email_package_writes(case: str) -> None:
    sender, address, changes = CASES[case]
    subscriber = make_subscriber(email=address)

    before = build_message(subscriber, changes, sender, "<1.2.3@example.org>", NOW).as_bytes()
    mail = compose(subscriber, changes, sender, "<1.2.3@example.org>", NOW)

    assert BOUNDARY.sub(b"B", mail.data) == BOUNDARY.sub(b"B", before)
    assert len(BOUNDARY.findall(mail.data)) == 4  # the Content-Type parameter, two delimiters, the close
    assert (mail.to, mail.message_id) == (str(mail.message()["To"]), "<1.2.3@example.org>")
    assert mail.sender == ("alerts@example.org" if sender is NAMED else "regwatch@localhost")


def test_compose_leaves_overlong_lines_and_smtputf8_addresses_to_the_email_package() -> None:
    plain = compose(make_subscriber(email="a@example.com"), CHANGES, LOCAL, "<1@example.org>", NOW)
    utf8 = compose(make_subscriber(email="jörg@example.com"), CHANGES, LOCAL, "<2@example.org>", NOW)
    long = compose(make_subscriber(email="a@example.com"), hostile("x" * 1200), LOCAL, "<3@example.org>", NOW)

    assert (plain.email, utf8.email is not None, long.email is not None) == (None, True, True)


def test_a_boundary_never_occurs_in_the_parts() -> None:
    part = mime.text_part("text", "plain", mime_version=False)
    assert part is not None
    data = mime.alternative([b"Subject: s\r\n"], [part, part])
    boundary = BOUNDARY.search(data)
    assert boundary is not None and data.count(boundary.group()) == 4


ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
WORDS = st.lists(st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=30), min_size=1)
# Words joined by single spaces (written as they are), and any printable ASCII (some of it folded).
PLAIN_TEXT = WORDS.map(" ".join) | st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1)
ADDRESS = st.from_regex(rf"\A[{ATEXT}]{{1,20}}(\.[{ATEXT}]{{1,8}}){{0,2}}@[a-z0-9-]{{1,12}}(\.[a-z]{{2,6}}){{0,2}}\Z")


@settings(max_examples=300, deadline=None)
@given(value=PLAIN_TEXT, name=st.sampled_from(["Subject", "List-Unsubscribe"]))
def test_a_plain_unstructured_header_is_what_the_policy_folds(value: str, name: str) -> None:
    assert mime.header(name, value) == mime.folded(name, value)


@settings(max_examples=300, deadline=None)
@given(address=ADDRESS, name=st.sampled_from(["To", "Message-ID"]))
def test_a_plain_address_or_message_id_is_what_the_policy_folds(address: str, name: str) -> None:
    value = f"<{address}>" if name == "Message-ID" else address
    assert mime.header(name, value) == mime.folded(name, value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Subject", "x " * 600),  # over the 998-character line: folded
        ("Subject", "a  b"),
        ("Subject", " leading"),
        ("To", "Person <a@example.com>"),
        ("To", "a@[127.0.0.1]"),
        ("Message-ID", "no-brackets@example.org"),
        ("Message-ID", "<a@b> (comment)"),
    ],
)
def test_anything_else_is_folded_by_the_policy(name: str, value: str) -> None:
    assert mime.header(name, value) == mime.folded(name, value)

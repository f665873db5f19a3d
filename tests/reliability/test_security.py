"""Hostile input: scraped text never runs in a report nor reaches a mail header; XML entities stay off;
YAML is loaded safely; archive names stay in the archive; SQL goes through bound parameters."""

from __future__ import annotations

import ast
import re
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import lxml.html
import pytest
import yaml
from pydantic import ValidationError
from scrapy import Request
from scrapy.http import XmlResponse

from regwatch.domain import jurisdictions
from regwatch.domain.models import Notice, SourceHealth
from regwatch.evidence.records import Archive, ArchiveError, split_ref
from regwatch.normalise import yamlfile
from regwatch.notify import RetryPolicy, send_digests
from regwatch.notify.subscribers import BadSubscriber, make_subscriber, read_yaml, upsert
from regwatch.pipeline.steps import load_baseline, run_pipeline
from regwatch.scraping.text import html_text
from regwatch.store import Store
from spiders.fda import FdaSpider
from tests.helpers.spider_helpers import make_spider
from tests.reliability.reliability_helpers import CLOCK, DAY1, DAY2, response

ROOT = Path(__file__).resolve().parents[2]
CODE = sorted([*(ROOT / "regwatch").rglob("*.py"), *(ROOT / "spiders").rglob("*.py")])
SCRIPT = "<script>alert(1)</script>"
HOSTILE = f'"><img src=x onerror=alert(1)>{SCRIPT}\r\nBcc: victim@example.com'


def hostile_notice(**fields: object) -> Notice:
    base: dict[str, object] = {
        "id": "hostile:1",
        "jurisdiction": "US-LA",
        "source": "legiscan",
        "kind": "bill",
        "title": f"Bans kratom {HOSTILE}",
        "text": f"Adds mitragynine to Schedule I. {HOSTILE}",
        "url": "javascript:alert(document.cookie)",
        "published": "2026-08-20",
        "identifier": f"SB 1 {SCRIPT}",
        "actions": [{"date": "2026-08-20", "description": f"Signed by the Governor {SCRIPT}"}],
        "effective": "2026-08-25",
    }
    base.update(fields)
    return Notice.model_validate(base)


@pytest.fixture
def hostile_reports(sqlite_store: Store, tmp_path: Path) -> Path:
    """A full run whose notice, source-health message and evidence URLs are all hostile."""
    load_baseline(sqlite_store)
    run_pipeline(sqlite_store, DAY1, reports_dir=tmp_path / "reports")
    sqlite_store.ingest([hostile_notice(), hostile_notice(id="hostile:2", url="data:text/html,<script>x</script>")])
    broken = SourceHealth(source="fda", ok=False, message=f"layout not recognised at javascript:alert(1): {HOSTILE}")
    run_pipeline(sqlite_store, DAY2, reports_dir=tmp_path / "reports", crawl=lambda: [broken])
    return tmp_path / "reports" / DAY2.isoformat()


def test_scraped_text_never_executes_in_any_report_page(hostile_reports: Path) -> None:
    pages = sorted(hostile_reports.rglob("*.html"))
    assert len(pages) > 50
    codes = set()
    for page in pages:
        doc = lxml.html.fromstring(page.read_bytes())
        assert not doc.xpath("//script | //iframe | //object | //embed | //img[@onerror]"), page
        for element in doc.iter():
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (page, name)
                if name in ("href", "src", "action", "formaction", "xlink:href"):
                    assert not re.match(r"\s*(javascript|data|vbscript):", value, re.IGNORECASE), (page, value)
                if name == "data-jurisdiction":
                    codes.add(value)
    assert codes and all(jurisdictions.validate(c) == c for c in codes)  # every attribute value a real code
    index = (hostile_reports / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index  # shown as text, not dropped


@pytest.mark.parametrize(
    "code",
    ['US-CA:x" onmouseover="alert(1)', "US-CA:<script>", "US-LA\r\nBcc: x@example.com", 'US" data-x="1', "US-CA:a b"],
)
def test_a_jurisdiction_that_could_break_out_of_an_attribute_is_refused(code: str) -> None:
    with pytest.raises(ValidationError):
        hostile_notice(jurisdiction=code)


def test_scraped_text_never_reaches_a_mail_header(sqlite_store: Store, tmp_path: Path) -> None:
    load_baseline(sqlite_store)
    upsert(sqlite_store, [make_subscriber(email="ops@example.com")])
    run_pipeline(sqlite_store, DAY1, reports_dir=tmp_path / "reports")
    # A warning letter is always news, so the hostile title reaches a change and a digest.
    letter = hostile_notice(
        kind="warning_letter",
        jurisdiction="US",
        title=f"Warning letter to a kratom seller {HOSTILE}",
        text=f"FDA issued a warning letter about kratom products. {HOSTILE}",
        effective=None,
        actions=[],
    )
    sqlite_store.ingest([letter])
    outcome = run_pipeline(sqlite_store, DAY2, reports_dir=tmp_path / "reports")
    assert any(HOSTILE.splitlines()[0] in c.summary for c in outcome.changes)
    report = send_digests(sqlite_store, "daily", eml_dir=tmp_path / "eml", retry=RetryPolicy(attempts=1, wait=0))
    assert report.files
    for path in report.files:
        raw = path.read_bytes()
        head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
        names = [
            line.split(b":", 1)[0].lower() for line in re.split(rb"\r?\n", head) if line and line[:1] not in b" \t"
        ]
        assert b"bcc" not in names  # the CR/LF in the title did not start a header of its own
        mail = message_from_bytes(raw, policy=policy.default)
        assert mail["To"] == "ops@example.com" and mail.get_all("To") == ["ops@example.com"]
        assert "\n" not in str(mail["Subject"]) and "\r" not in str(mail["Subject"])


SECRET_FILE_TEXT = "top-secret-file-content-7731"


def xxe_page(secret: Path) -> bytes:
    """An FDA-shaped page, as XML, declaring an external entity (XXE) and nested ones (billion laughs)."""
    laughs = "".join(
        f'<!ENTITY l{i} "{"&l" + str(i - 1) + ";" * 1 if i else "lol"}{("&l" + str(i - 1) + ";") * 9 if i else ""}">'
        for i in range(10)
    )  # noqa: E501
    return (
        f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">{laughs}]>'
        '<html><head><title>FDA and Kratom</title></head><body><h1 class="content-title">FDA and Kratom &xxe;</h1>'
        '<div class="node-current-date"><time datetime="2025-07-29T12:00:00Z">07/29/2025</time></div>'
        '<div role="main"><p>Kratom &xxe; &l9;</p></div></body></html>'
    ).encode()


def test_xml_responses_are_parsed_with_entities_off(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET_FILE_TEXT)
    spider = make_spider(FdaSpider)
    url = "https://www.fda.gov/news-events/public-health-focus/fda-and-kratom"
    # A server that answers application/xml makes Scrapy build an XmlResponse: the XML parser reads it.
    answer = XmlResponse(url=url, body=xxe_page(secret), request=Request(url))
    out = list(spider.parse_topic(answer))
    text = " ".join(str(item) for item in out) + " ".join(spider.problems)
    assert SECRET_FILE_TEXT not in text
    assert "lollollol" not in text  # nested entities were not expanded either
    html = response(xxe_page(secret), url, html=True)
    assert SECRET_FILE_TEXT not in " ".join(str(i) for i in spider.parse_topic(html))
    assert SECRET_FILE_TEXT not in html_text(xxe_page(secret).decode())


XML_PARSERS = re.compile(
    r"xml\.etree|xml\.dom|xml\.sax|minidom|expatbuilder|lxml\.etree\.(parse|fromstring|XML)|etree\.XMLParser|feedparser"
)


def test_no_product_code_parses_xml_itself() -> None:
    """Untrusted XML only reaches Scrapy's selectors (parsel: resolve_entities off, tested above)."""
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in CODE
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if XML_PARSERS.search(line)
    ]  # noqa: E501
    assert offenders == []


def test_yaml_is_only_loaded_safely() -> None:
    unsafe = re.compile(r"yaml\.(load|load_all|unsafe_load|full_load)\(|Loader=yaml\.(Loader|FullLoader|UnsafeLoader)")
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in CODE
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if unsafe.search(line)
    ]  # noqa: E501
    assert offenders == []
    # The rule files' loader (regwatch/normalise/yamlfile.py) is one of PyYAML's two safe loaders.
    assert yamlfile.LOADER in {yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)}
    with pytest.raises(yaml.constructor.ConstructorError):
        yamlfile.load("!!python/object/new:os.system [echo]")


def test_a_python_object_tag_in_a_subscribers_file_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    bad = tmp_path / "subscribers.yaml"
    bad.write_text(f'- email: ops@example.com\n  cadence: !!python/object/apply:os.system ["touch {marker}"]\n')
    with pytest.raises(BadSubscriber, match="cannot be read as YAML"):
        read_yaml(bad)
    assert not marker.exists()
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.safe_load("!!python/object/new:os.system [echo]")  # what the baseline and rules loaders use


@pytest.mark.parametrize(
    "name",
    ["../escape.warc.gz", "/etc/passwd.warc.gz", "sub/dir.warc.gz", ".hidden.warc.gz", "x.warc.gz/..", "..warc.gz",
     "x\x00.warc.gz", "x.txt", "", "C:\\x.warc.gz"],
)  # fmt: skip
def test_archive_names_cannot_leave_the_archive_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(ArchiveError):
        Archive(tmp_path).path(name)
    with pytest.raises(ArchiveError):
        split_ref(f"{name}#<urn:uuid:00000000-0000-0000-0000-000000000001>")


def _sql_strings() -> list[str]:
    """Every f-string or %-formatted string in product code that looks like SQL."""
    sql = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|DROP|CREATE|ALTER)\b\s", re.IGNORECASE)
    found = []
    for path in CODE:
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                literal = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
                if sql.search(literal) and re.search(r"\b(FROM|INTO|TABLE|SET|WHERE)\b", literal, re.IGNORECASE):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
                left = node.left.value
                if isinstance(left, str) and sql.search(left):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_sql_is_never_built_from_formatted_strings() -> None:
    assert _sql_strings() == []


def test_sql_injection_in_scraped_text_round_trips(store: Store) -> None:
    evil = "'); DROP TABLE notices; --"
    notice = Notice(
        id=f"legiscan:{evil}",
        jurisdiction="US-LA",
        source="legiscan",
        kind="bill",
        title=evil,
        text=f"kratom {evil}",
        published=date(2026, 8, 20),
        identifier=evil,
        retrieved=CLOCK,
    )
    store.ingest([notice])
    assert store.notice(f"legiscan:{evil}") == notice
    upsert(store, [make_subscriber(email="o'brien@example.com")])
    run_pipeline(store, DAY1)
    assert store.count_notices() == 1 and [n.title for n in store.notices()] == [evil]

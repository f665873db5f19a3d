"""Wikipedia: the legal-status section of the kratom article (Mitragyna speciosa), one notice per
paragraph, list item or table row about a country. The revision id is the change key in each notice id.

Requests: the article's sections and revid; that section's HTML at that revid; the revision's timestamp
(the date the text was published).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlencode

from scrapy.http import Response
from scrapy.selector import Selector

from regwatch.domain import jurisdictions
from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.countries import countries_named, country_code
from regwatch.scraping.shapes import MediaWikiSpider
from regwatch.scraping.text import clean, excerpt

ARTICLE = "Mitragyna_speciosa"
BLOCKS = "//h2 | //h3 | //h4 | //p | //li | //table[contains(@class, 'wikitable')]//tr"
# Text of a block without edit links, footnote markers ([12]) or inline styles.
VISIBLE = (
    ".//text()[not(ancestor::span[contains(@class, 'mw-editsection')])"
    " and not(ancestor::sup[contains(@class, 'reference')]) and not(ancestor::style)"
    " and not(ancestor::ul[ancestor::li]) and not(ancestor::ol[ancestor::li])]"
)
MIN_BLOCK = 25  # shorter blocks are captions or stubs ("See also"), not statements of law


class WikipediaSpider(MediaWikiSpider):
    name = "wikipedia"
    allowed_domains: ClassVar[list[str]] = ["wikipedia.org"]  # links and redirects elsewhere are refused
    api_url: ClassVar[str] = "https://en.wikipedia.org/w/api.php"
    page: ClassVar[str] = ARTICLE
    section_heading: ClassVar[re.Pattern[str]] = re.compile(r"legal status|legality", re.IGNORECASE)

    def parse_section(self, html: str, revid: str, section: dict[str, Any], response: Response) -> Iterator[Any]:
        blocks = country_blocks(html)
        if not blocks:
            self.layout_error(response, f"section {section.get('line')!r} names no country")
            return
        query = {"action": "query", "prop": "revisions", "revids": revid, "rvprop": "timestamp",
                 "format": "json", "formatversion": "2"}  # fmt: skip
        kwargs = {"blocks": blocks, "revid": revid, "anchor": section.get("anchor", ""), "section": response}
        yield self.request(f"{self.api_url}?{urlencode(query)}", callback=self.parse_revision, cb_kwargs=kwargs)

    def parse_revision(
        self, response: Response, blocks: list[tuple[str, str]], revid: str, anchor: str, section: Response
    ) -> Iterator[dict[str, Any]]:
        data = self.load_json(response)
        try:
            stamp = data["query"]["pages"][0]["revisions"][0]["timestamp"]
            published = datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()
        except (KeyError, IndexError, TypeError, ValueError):
            if data is not None:
                self.layout_error(response, "expected query.pages[0].revisions[0].timestamp")
            return
        url = f"https://en.wikipedia.org/w/index.php?title={ARTICLE}&oldid={revid}#{anchor}"
        seen: dict[str, int] = {}
        for code, text in blocks:
            seen[code] = seen.get(code, 0) + 1
            suffix = f"-{seen[code]}" if seen[code] > 1 else ""
            yield self.notice(
                section,
                id=f"wikipedia:{revid}:{code}{suffix}",
                jurisdiction=code,
                kind=NoticeKind.OTHER,
                title=f"Legal status of kratom in {jurisdictions.name(code)} (Wikipedia)",
                text=excerpt(text),
                url=url,
                published=published.isoformat(),
                identifier=f"{ARTICLE} revision {revid}",
            )


def country_blocks(html: str) -> list[tuple[str, str]]:
    """(ISO code, text) for each paragraph, list item or table row about a country, in page order.

    The country is the one a sub-heading names ("Thailand"), else the first one the block itself names.
    """
    heading_country: str | None = None
    blocks: list[tuple[str, str]] = []
    for node in Selector(text=html).xpath(BLOCKS):
        text = clean(" ".join(node.xpath(VISIBLE).getall()))
        tag = node.root.tag
        if tag == "h2":
            heading_country = None
            continue
        if tag in ("h3", "h4"):  # a sub-heading that names no country keeps its parent's country
            heading_country = country_code(text) or (heading_country if tag == "h4" else None)
            continue
        if len(text) < MIN_BLOCK:
            continue
        named = countries_named(text)
        code = heading_country or (named[0] if named else None)
        if code and _valid(code):
            blocks.append((code, text))
    return blocks


def _valid(code: str) -> bool:
    try:
        jurisdictions.validate(code)
    except jurisdictions.UnknownJurisdiction:
        return False
    return True

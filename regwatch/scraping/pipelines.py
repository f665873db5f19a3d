"""Item pipeline: every notice must be a valid Notice; an invalid one is counted, logged and not written."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from regwatch.domain.models import Notice
from regwatch.errors import explain
from regwatch.scraping.batch import NOTICES, NoticeBatch, NoticeLines

logger = logging.getLogger(__name__)

INVALID = "regwatch/invalid_items"
JURISDICTIONS = "regwatch/jurisdictions"


class NoticeValidationPipeline:
    """Validate with regwatch.domain.models.Notice; pass on each notice as the model dumps it (JSON-ready).

    A NoticeBatch (a page's notices, regwatch.scraping.batch) is validated notice by notice: the invalid
    ones are dropped from it, the rest go on together as NoticeLines (the JSON lines pydantic writes).
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.jurisdictions: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NoticeValidationPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> NoticeLines | dict[str, Any]:
        if isinstance(item, NoticeBatch):
            valid = [notice for notice in map(self._valid, item.notices) if notice is not None]
            if not valid:
                raise DropItem(f"no valid notice among {len(item.notices)}")
            # Counted per page: Scrapy's stats collector wraps every call (~1 us), 14 notices a page.
            self.crawler.stats.inc_value(NOTICES, len(valid))
            lines = b"".join(notice.model_dump_json(exclude_none=True).encode() + b"\n" for notice in valid)
            return NoticeLines(lines, len(valid))
        notice = self._valid(item)
        if notice is None:
            raise DropItem("invalid notice")
        self.crawler.stats.inc_value(NOTICES)
        return notice.model_dump(mode="json", exclude_none=True)

    def _valid(self, item: Any) -> Notice | None:
        """The notice as a model, or None after counting and logging why it is invalid."""
        stats = self.crawler.stats
        try:
            notice = Notice.model_validate(dict(item))
        except (ValidationError, TypeError, ValueError) as exc:
            stats.inc_value(INVALID)
            reason = explain(exc) if isinstance(exc, ValidationError) else str(exc)
            source = item.get("source") if isinstance(item, dict) else None
            logger.error("invalid notice from %s (not written): %s; item: %r", source, reason, item)
            return None
        if notice.jurisdiction not in self.jurisdictions:
            self.jurisdictions.add(notice.jurisdiction)
            stats.set_value(JURISDICTIONS, sorted(self.jurisdictions))
        return notice

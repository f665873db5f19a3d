"""Item pipeline: every item must be a valid Notice; an invalid one is counted, logged and not written."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from regwatch.domain.models import Notice
from regwatch.errors import explain

logger = logging.getLogger(__name__)

INVALID = "regwatch/invalid_items"
JURISDICTIONS = "regwatch/jurisdictions"


class NoticeValidationPipeline:
    """Validate with regwatch.domain.models.Notice; pass on the item as the model dumps it (JSON-ready)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.jurisdictions: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NoticeValidationPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> dict[str, Any]:
        stats = self.crawler.stats
        try:
            notice = Notice.model_validate(dict(item))
        except (ValidationError, TypeError, ValueError) as exc:
            stats.inc_value(INVALID)
            reason = explain(exc) if isinstance(exc, ValidationError) else str(exc)
            source = item.get("source") if isinstance(item, dict) else None
            logger.error("invalid notice from %s (not written): %s; item: %r", source, reason, item)
            raise DropItem(f"invalid notice: {reason}") from exc
        self.jurisdictions.add(notice.jurisdiction)
        stats.set_value(JURISDICTIONS, sorted(self.jurisdictions))
        return notice.model_dump(mode="json", exclude_none=True)

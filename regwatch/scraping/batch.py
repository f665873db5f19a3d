"""One Scrapy item per page: the notices a callback yields, gathered into a NoticeBatch.

Scrapy's per-item path (the spider middleware chain, the item pipeline, the `item_scraped` signal, the feed
exporter) cost about twice a raw crawl's CPU per page when each of an API page's ~20 notices went through it
alone (benchmarks/README.md, round 3). The spiders still yield one notice dict at a time (their tests read
them so); NoticeBatchMiddleware, next to the spiders, hands the rest of the crawl one batch per response, the
validation pipeline validates its notices one by one, and NoticeLinesExporter writes one JSON line per notice,
as Scrapy's JSON Lines exporter wrote them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from scrapy.exporters import BaseItemExporter
from scrapy.http import Response
from scrapy.utils.serialize import ScrapyJSONEncoder

# Stat: notices written (valid ones); `item_scraped_count` counts batches.
NOTICES = "regwatch/notices"


@dataclass
class NoticeBatch:
    """The notices one response yielded, in the order the callback yielded them."""

    notices: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class NoticeLines:
    """A batch once validated: its valid notices as JSON lines, as pydantic writes each model
    (`model_dump_json(exclude_none=True)`: the values of `model_dump(mode="json", exclude_none=True)`, keys
    in the same order, UTF-8, no spaces after `,` and `:`). Writing a model's JSON in pydantic-core cost a
    fifth of dumping it to a dict and encoding that with Scrapy's encoder (benchmarks/README.md, round 5)."""

    lines: bytes
    count: int


class NoticeBatchMiddleware:
    """Gathers the dict items of one callback into one NoticeBatch; requests pass on at once.

    The batch is passed on after the callback's last output, or before an exception the callback raises
    goes on to ParserErrorMiddleware, so what a failing callback yielded before the error is still kept.
    """

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        batch = NoticeBatch()
        try:
            for output in result:
                if isinstance(output, dict):
                    batch.notices.append(output)
                else:
                    yield output
        except Exception:
            if batch.notices:
                yield batch
            raise
        if batch.notices:
            yield batch

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        batch = NoticeBatch()
        try:
            async for output in result:
                if isinstance(output, dict):
                    batch.notices.append(output)
                else:
                    yield output
        except Exception:
            if batch.notices:
                yield batch
            raise
        if batch.notices:
            yield batch


class NoticeLinesExporter(BaseItemExporter):
    """JSON Lines: a validated batch's lines as they are (NoticeLines), one line per notice of a NoticeBatch
    (one per plain item), written in one call per batch.

    The lines of a NoticeBatch or plain item are byte for byte those of Scrapy's JsonLinesItemExporter for the
    same dicts: the same encoder and options (key order kept, ", " and ": " separators, non-ASCII kept under
    UTF-8). A NoticeLines' lines parse to the same values (only the spaces after separators differ).
    """

    def __init__(self, file: IO[bytes], **kwargs: Any):
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.encoder = ScrapyJSONEncoder(ensure_ascii=not self.encoding)

    def export_item(self, item: Any) -> None:
        if isinstance(item, NoticeLines):
            if self.encoding in ("utf-8", "UTF-8"):
                self.file.write(item.lines)
                return
            # Another encoding (or ASCII escapes): the rows through this exporter's own encoder.
            item = NoticeBatch([json.loads(line) for line in item.lines.splitlines()])
        rows = item.notices if isinstance(item, NoticeBatch) else [dict(self.get_serialized_fields(item))]
        if rows:
            encode = self.encoder.encode
            self.file.write("".join(encode(row) + "\n" for row in rows).encode(self.encoding or "utf-8"))

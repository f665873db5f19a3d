"""Scrapy settings for regwatch's spiders. Every setting that differs from Scrapy's default says why."""

from __future__ import annotations

from regwatch import settings as regwatch_settings

BOT_NAME = "regwatch"

# Scrapy's spider loader walks this package: every module in spiders/ is one source (regwatch.scraping.registry).
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Government sites ask crawlers to say who they are and how to reach the operator.
USER_AGENT = "regwatch/0.1 (+https://github.com/regwatch/regwatch; kratom regulatory monitor)"
# We read public records on other people's servers: do what their robots.txt asks.
ROBOTSTXT_OBEY = True
# No Referer: LegiScan's key rides in its URLs, and a Referer would copy it into every next request,
# the HTTP cache and the archive. These APIs and pages need none.
REFERER_ENABLED = False

# Politeness per domain: a couple of requests at a time, paced by AutoThrottle from measured latency.
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0  # a floor under AutoThrottle: never more than about one request a second per site
AUTOTHROTTLE_ENABLED = True  # adapts the delay per domain (download slot) to how fast each server answers
# Start at the floor: AutoThrottle never lowers a delay on a non-200 answer, so a higher start would
# keep an unchanged re-run (all 304s) twice as slow as the first run (benchmarks/README.md).
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0  # a slow site slows us down this far, no further
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0  # one request in flight per site on average

# Retries: APIs rate-limit (429) and government sites have bad minutes (5xx). 408/522/524 are dropped
# from Scrapy's list: a timeout is retried through the exception path already.
RETRY_ENABLED = True
RETRY_TIMES = 3  # four tries in all: enough for a bad minute, not a retry storm
RETRY_HTTP_CODES = [429, 500, 502, 503, 504]
REGWATCH_RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry; doubles each time (2, 4, 8)
REGWATCH_RETRY_BACKOFF_MAX = 120.0  # backoff never waits longer than this
REGWATCH_RETRY_AFTER_MAX = 600.0  # a Retry-After longer than 10 minutes is capped: the run must end

# Pages and API responses here are kilobytes to a few MB; anything far larger is not what we asked for.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
# Caps on one crawl (one source): a pager that never ends or a list page with thousands of matching links
# is a fault of the source, not data, and must end the crawl instead of asking thousands of pages.
# The largest real crawl, LegiScan's first run (10 search pages and one getBill per bill), asks about 500
# pages; at the polite pace of about one a second, 1,000 also ends within the crawl timeout of 30 minutes
# (regwatch.pipeline.crawl). Scrapy's CloseSpider extension counts responses and closes the spider at
# the cap; the health file then reports the source broken, naming the cap.
CLOSESPIDER_PAGECOUNT = 1000
# Pages of one list followed through its next-page links before the source is reported broken (the
# longest real chain is Open States' 25 pages); a next page already read is a loop and breaks it at once.
REGWATCH_MAX_PAGES = 50

# Three minutes (the default) hides a stuck server for too long; one minute is ample for these sources.
DOWNLOAD_TIMEOUT = 60

# Scrapy re-reads each generator callback's source on every response to warn about `return value`;
# its cache never hits for our spiders, and the check cost 9% of replay throughput (benchmarks).
WARN_ON_GENERATOR_RETURN_VALUE = False

# Conditional requests: the RFC 2616 policy revalidates cached pages with ETag / If-Modified-Since, so an
# unchanged source costs a 304. The cache lives beside the store, under REGWATCH_DATA_DIR.
HTTPCACHE_ENABLED = True
# RFC 2616's policy, plus pages the spider knows it holds and a robots.txt younger than a day answered
# from the cache without asking (regwatch.scraping.cache): between weekly full sweeps a re-run asks only
# for what may have changed (regwatch.scraping.marks).
HTTPCACHE_POLICY = "regwatch.scraping.cache.HeldPagesPolicy"
HTTPCACHE_DIR = str(regwatch_settings.data_dir() / "httpcache")
HTTPCACHE_IGNORE_HTTP_CODES = [429, 500, 502, 503, 504]  # never replay a failure from the cache
HTTPCACHE_GZIP = True  # JSON and HTML compress ~10x; the cache is kept between runs
# Scrapy's filesystem storage, minus the API keys it would keep beside each cached response.
HTTPCACHE_STORAGE = "regwatch.scraping.cache.SecretFreeCacheStorage"

DOWNLOADER_MIDDLEWARES = {
    # First of all, so robots.txt, links and redirects all go to the replay host under -a base_url.
    "regwatch.scraping.middlewares.BaseUrlMiddleware": 10,
    # Scrapy's retry resends at once and ignores Retry-After; ours waits first.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "regwatch.scraping.middlewares.BackoffRetryMiddleware": 550,
    # Engine side of the HTTP cache, so every response a callback sees (also cache hits) is archived.
    "regwatch.scraping.warc.WarcArchiveMiddleware": 880,
}
# The archive writer can be switched off (tests of the parsers, or before it exists on a branch).
REGWATCH_ARCHIVE_ENABLED = True

SPIDER_MIDDLEWARES = {
    # Depth is never limited or read here (pages of a list are counted by REGWATCH_MAX_PAGES): Scrapy's depth
    # middleware only stamped every request and wrapped every callback's output in one more generator.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    # After HttpErrorMiddleware (50): counts only responses that reached a callback.
    "regwatch.scraping.middlewares.ResponseCountMiddleware": 60,
    # Closest to the spiders: a callback that raises on an odd page becomes a named layout error.
    "regwatch.scraping.middlewares.ParserErrorMiddleware": 950,
    # Under -a base_url, the spider's requests are sent to the replay host before they are scheduled
    # (closer to the spiders than Scrapy's offsite and URL-length checks, so those see the request sent).
    "regwatch.scraping.middlewares.BaseUrlSpiderMiddleware": 980,
    # Closer still: a callback's notices leave as one item per page (regwatch.scraping.batch says why).
    "regwatch.scraping.batch.NoticeBatchMiddleware": 990,
}
ITEM_PIPELINES = {
    # Nothing leaves a spider that is not a valid Notice.
    "regwatch.scraping.pipelines.NoticeValidationPipeline": 100,
}
EXTENSIONS = {
    # Writes the SourceHealth JSON when REGWATCH_HEALTH_FILE is set (regwatch/pipeline/crawl.py sets it).
    "regwatch.scraping.health.HealthExtension": 500,
}
REGWATCH_HEALTH_FILE = None
# Where a crawl proposes its source's next high-water mark (regwatch.scraping.marks); set by the crawl step,
# which commits it once the notices are stored. Unset: the crawl proposes none (and stays full).
REGWATCH_MARK_FILE = None
# A full crawl whatever the mark says (an operator's choice; the next mark records it as a sweep).
REGWATCH_FULL_SWEEP = False
# Off for replays of recorded archives (regwatch.pipeline.crawl): their dates are not the live sites', so
# they neither plan by a mark nor move one.
REGWATCH_MARKS_ENABLED = True

# Feeds are written as UTF-8 (titles in Thai or with curly quotes stay readable).
FEED_EXPORT_ENCODING = "utf-8"
# A page's notices arrive as one NoticeBatch: written as one JSON line per notice, as Scrapy's own wrote them.
FEED_EXPORTERS = {"jsonlines": "regwatch.scraping.batch.NoticeLinesExporter"}
# Scrapy's own default; named here to say it is chosen, not forgotten: the asyncio reactor.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# INFO shows each request; a daily run's log is read when a source breaks, so keep it readable.
LOG_LEVEL = "INFO"
# Scrapy builds a DEBUG "Scraped from" record per item even when LOG_LEVEL hides it; this one does not.
LOG_FORMATTER = "regwatch.scraping.logformat.QuietItemsLogFormatter"
# Items go through synchronous CPU work only (validation, the feed): Scrapy's default of 100 parallel
# workers per response only made 100 asyncio tasks per page (5% of a crawl); one keeps the yield order.
CONCURRENT_ITEMS = 1

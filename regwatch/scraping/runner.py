"""One Scrapy process for a whole crawl pass: `python -m regwatch.scraping.runner PLAN.json`.

Each source is a crawler of its own (its own settings, feed, health file, downloader and so its own
per-site pacing) in one reactor. Sources on one site (regwatch.scraping.registry.politeness_domain) crawl
one after another, as separate processes did; sources on different sites crawl at the same time, each
paced by its own site's delay, so politeness toward every site is what it was. What this saves is a
process start per source (Scrapy, Twisted and the spiders imported again, ~2.5 s each here) and the
waiting of one site's crawl on another's.

The plan (written by regwatch.pipeline.crawl.crawl_many) is {"groups": [[job, ...], ...]}, a job being
{"name", "feed", "settings": {NAME: value}, "args": {NAME: value}}: the groups run at once, the jobs of a
group in turn. A crawler that fails to start is logged and its group goes on: the crawl step then finds no
health file for it and reports the source broken.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any

from scrapy.crawler import AsyncCrawlerRunner, Crawler
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.log import configure_logging, log_scrapy_info
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor

logger = logging.getLogger(__name__)


def job_settings(project: Settings, job: dict[str, Any]) -> Settings:
    """The project's settings with the job's own on top, as `scrapy crawl -s ... -O feed:jsonlines` sets them."""
    settings = project.copy()
    settings.setdict(dict(job.get("settings") or {}), priority="cmdline")
    settings.set("FEEDS", {str(job["feed"]): {"format": "jsonlines", "overwrite": True}}, priority="cmdline")
    return settings


async def run_group(runner: AsyncCrawlerRunner, project: Settings, jobs: list[dict[str, Any]]) -> None:
    """The jobs of one site, one after another; one that cannot start does not stop the next."""
    for job in jobs:
        try:
            spidercls = runner.spider_loader.load(job["name"])
            crawler = Crawler(spidercls, job_settings(project, job))
            await runner.crawl(crawler, **dict(job.get("args") or {}))
        except Exception:
            logger.exception("crawl of %s failed to run", job["name"])


async def run_plan(runner: AsyncCrawlerRunner, project: Settings, groups: list[list[dict[str, Any]]]) -> None:
    await asyncio.gather(*(run_group(runner, project, jobs) for jobs in groups))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m regwatch.scraping.runner PLAN.json", file=sys.stderr)
        return 2
    plan = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    project = get_project_settings()
    configure_logging(project)
    log_scrapy_info(project)
    install_reactor(project["TWISTED_REACTOR"], project["ASYNCIO_EVENT_LOOP"])
    from twisted.internet import reactor as installed  # noqa: PLC0415 (only once the asyncio reactor is installed)

    reactor: Any = installed  # twisted types the module-level reactor as a bare module
    runner = AsyncCrawlerRunner(project)
    done = deferred_from_coro(run_plan(runner, project, plan["groups"]))
    done.addBoth(lambda _: reactor.stop())
    reactor.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

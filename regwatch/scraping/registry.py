"""The sources: every spider in the `spiders` package, found by Scrapy's own spider loader.

No list of spiders is kept by hand anywhere else: the CLI, the DAG's plan and the demo ask here, and a new
module in spiders/ with a spider class is a new source everywhere at once.
"""

from __future__ import annotations

from functools import cache

from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from regwatch.errors import BadInput
from regwatch.scraping.settings import SPIDER_MODULES
from regwatch.scraping.spider import RegwatchSpider


@cache
def spider_classes() -> dict[str, type[RegwatchSpider]]:
    """Every spider by name, in name order."""
    loader = SpiderLoader(Settings({"SPIDER_MODULES": SPIDER_MODULES}))
    found: dict[str, type[RegwatchSpider]] = {}
    for name in sorted(loader.list()):
        cls = loader.load(name)
        if not issubclass(cls, RegwatchSpider):
            raise TypeError(f"spider {name!r} ({cls.__module__}) must build on regwatch.scraping.spider.RegwatchSpider")
        found[name] = cls
    return found


def spider_names() -> tuple[str, ...]:
    """The names of every source, in name order."""
    return tuple(spider_classes())


def keyed_sources() -> tuple[str, ...]:
    """The sources that need an API key (regwatch.settings.api_key)."""
    return tuple(name for name, cls in spider_classes().items() if cls.needs_api_key)


def checked_sources(requested: list[str] | None) -> list[str]:
    """The sources requested (de-duplicated, in order), or every source; BadInput names any unknown one."""
    known = spider_names()
    unknown = [name for name in requested or [] if name not in known]
    if unknown:
        raise BadInput(f"unknown source(s) {', '.join(map(repr, unknown))}; the spiders are: {', '.join(known)}")
    return list(dict.fromkeys(requested or known))


def politeness_domain(name: str) -> str:
    """The site a source crawls, as politeness counts it: the first of its spider's `allowed_domains`.

    Every spider names its domains (a test checks it); two sources on one site share this value, so a
    deployment can keep them from crawling that site at the same time (one Airflow pool per domain).
    """
    domains: list[str] = getattr(spider_classes()[name], "allowed_domains", None) or []
    if not domains:
        raise TypeError(f"spider {name!r} names no allowed_domains")
    return str(domains[0])

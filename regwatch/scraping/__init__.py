"""The Scrapy machinery the spiders in spiders/ build on, and the registry that finds them."""

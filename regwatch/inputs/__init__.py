"""Notices that do not come from a crawl: JSON Lines files and the curated baseline."""

"""Settings from the environment, read when asked (never at import), with the defaults design.md fixes."""

from __future__ import annotations

import os
import re
from pathlib import Path


def data_dir() -> Path:
    """Where the embedded store and the evidence archive live: REGWATCH_DATA_DIR, default ./data."""
    return Path(os.environ.get("REGWATCH_DATA_DIR", "data")).resolve()


def database_url() -> str:
    """REGWATCH_DATABASE_URL, default an SQLite file in the data folder."""
    url = os.environ.get("REGWATCH_DATABASE_URL")
    if url:
        return url
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'regwatch.sqlite'}"


def reports_dir() -> Path:
    """REGWATCH_REPORTS_DIR, default ./reports."""
    return Path(os.environ.get("REGWATCH_REPORTS_DIR", "reports")).resolve()


def archive_dir() -> Path:
    """REGWATCH_ARCHIVE_DIR, default data/archive: the WARC evidence archive."""
    return Path(os.environ.get("REGWATCH_ARCHIVE_DIR", str(data_dir() / "archive"))).resolve()


def archive_url() -> str | None:
    """REGWATCH_ARCHIVE_URL: where the WARC archive is published, so reports can link archived copies."""
    return os.environ.get("REGWATCH_ARCHIVE_URL") or None


def reports_url() -> str | None:
    """REGWATCH_REPORTS_URL: where the reports folder is published, for absolute links in the feed."""
    return os.environ.get("REGWATCH_REPORTS_URL") or None


def redact_url(url: str) -> str:
    """A URL (database, SMTP) with its password replaced by ***, for messages and logs."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)

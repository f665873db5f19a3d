"""Per-run reports under REGWATCH_REPORTS_DIR: `<run-id>/` and `latest/`, written atomically."""

from regwatch.reports.writer import write_reports

__all__ = ["write_reports"]

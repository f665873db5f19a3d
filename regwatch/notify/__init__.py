"""Alerts: subscribers and their filters, the outbox, and email digests sent exactly once."""

from regwatch.notify.delivery import RetryPolicy
from regwatch.notify.digest import DigestReport, send_digests
from regwatch.notify.outbox import queue_alerts
from regwatch.notify.subscribers import BadSubscriber, Subscriber

__all__ = ["BadSubscriber", "DigestReport", "RetryPolicy", "Subscriber", "queue_alerts", "send_digests"]

"""Normalisation: read notices into actions by rules kept as data (data/rules/*.yaml)."""

from regwatch.normalise.classify import classify, classify_all

__all__ = ["classify", "classify_all"]

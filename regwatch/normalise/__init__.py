"""Normalisation: read notices into actions by rules kept as data (data/rules/*.yaml)."""

from regwatch.normalise.classify import classify

__all__ = ["classify"]

"""Migrations carry a store forward: one written by an earlier regwatch reads the same after upgrading."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect, select, text

from regwatch.domain.models import Notice
from regwatch.domain.vocab import Reliability, Substance
from regwatch.store import Store, tables

# Payloads as regwatch wrote them before migration 0004 (reliability "P"; a change with one substance).
OLD_NOTICE = (
    '{"id": "baseline:US-AL:x", "jurisdiction": "US-AL", "source": "baseline", "kind": "statute", '
    '"title": "Alabama SB 226", "text": "", "url": "https://example.org/al", "published": "2016-05-10", '
    '"identifier": "SB 226", "actions": [], "effective": null, "retrieved": null, "archive": null, '
    '"curated": {"measure": "ban", "substances": ["kratom"], "stage": "effective", "expires": null, '
    '"undated": false, "reliability": "P", "sources": ["https://example.org/al"], "note": null}}'
)
OLD_CHANGE = (
    '{"id": "c1", "run": "2026-01-01", "kind": "status_changed", "severity": "critical", "jurisdiction": "US-AL", '
    '"substance": "7-oh", "old_status": "legal", "new_status": "banned", "summary": "Alabama bans 7-OH", '
    '"notices": [], "evidence": []}'
)


def _config() -> Config:
    config = Config(str(resources.files("regwatch.store").joinpath("alembic.ini")))
    config.set_main_option("script_location", str(resources.files("regwatch.store").joinpath("migrations")))
    return config


def test_a_store_from_before_the_truth_model_reads_the_same_after_upgrading(store_url: str) -> None:
    engine = create_engine(store_url)
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
        conn.execute(
            text(
                "INSERT INTO notices (id, jurisdiction, source, kind, published, content_hash, payload, first_seen,"
                " updated) VALUES ('baseline:US-AL:x', 'US-AL', 'baseline', 'statute', '2016-05-10', 'h', :p,"
                " '2026-01-01', '2026-01-01')"
            ),
            {"p": OLD_NOTICE},
        )
        conn.execute(
            text(
                "INSERT INTO runs (id, as_of, started, state, published, notices, changes, health, news)"
                " VALUES ('2026-01-01', '2026-01-01', '2026-01-01', 'published', true, 1, 1, '[]', '[]')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO changes (run_id, id, kind, severity, jurisdiction, substance, payload)"
                " VALUES ('2026-01-01', 'c1', 'status_changed', 'critical', 'US-AL', '7-oh', :p)"
            ),
            {"p": OLD_CHANGE},
        )
    engine.dispose()

    store = Store.open(store_url)  # migrates to the head revision
    try:
        notice = store.notice("baseline:US-AL:x")
        assert notice is not None and notice.curated is not None
        assert notice.curated.reliability is Reliability.PRIMARY
        [change] = store.changes("2026-01-01")
        assert (change.substance, change.substances) == (Substance.SEVEN_OH, [Substance.SEVEN_OH])
        with store.engine.connect() as conn:
            stored = conn.execute(select(tables.notices.c.payload)).scalar_one()
        assert stored["curated"]["reliability"] == "primary"  # rewritten, not only read leniently
    finally:
        store.engine.dispose()


def test_readings_come_with_0006_and_go_with_their_notice_and_its_downgrade(store_url: str) -> None:
    store = Store.open(store_url, create=True)  # the head revision
    try:
        store.ingest([_notice()])
        store.save_readings("rules", [("baseline:US-AL:x", "h", True, "{}", "{}")])
        assert store.reading_payloads("rules", ["baseline:US-AL:x"]) == {}  # another content hash: not valid
        with store.engine.begin() as conn:
            conn.execute(tables.notices.delete())  # the reading goes with its notice (ON DELETE CASCADE)
            assert conn.execute(select(tables.readings)).all() == []
    finally:
        store.engine.dispose()
    engine = create_engine(store_url)
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
        assert "readings" not in inspect(conn).get_table_names()
        command.upgrade(config, "head")
        assert "readings" in inspect(conn).get_table_names()
    engine.dispose()


def _notice() -> Notice:
    return Notice.model_validate_json(OLD_NOTICE.replace('"P"', '"primary"'))

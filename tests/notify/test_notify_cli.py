"""`regwatch subscribers ...` and `regwatch digest send` through the real command line."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regwatch.cli import app
from regwatch.errors import BadInput
from regwatch.notify import queue_alerts
from regwatch.notify.delivery import ConfigurationError, SmtpConfig, parse_smtp_url, resolve_smtp
from regwatch.store import Store
from tests.notify.alerts_helpers import CHANGES, RUN_ID, SmtpServer, publish

runner = CliRunner()


@pytest.fixture(autouse=True)
def _initialised_store() -> None:
    """The CLI refuses a store that was never created: each test's data folder gets one, as `regwatch init` makes."""
    Store.open(create=True).engine.dispose()


def run(*args: str) -> tuple[int, str, BaseException | None]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.exception


def listed() -> list[dict[str, object]]:
    code, stdout, _ = run("subscribers", "list", "--format", "json")
    assert code == 0
    rows: list[dict[str, object]] = json.loads(stdout)
    return rows


def test_add_list_update_and_remove() -> None:
    assert run("subscribers", "add", "Ops@Example.COM", "--jurisdiction", "US-*", "--jurisdiction", "TH")[0] == 0
    assert run("subscribers", "add", "fl@example.com", "--substance", "7-oh", "--min-severity", "high",
               "--cadence", "immediate", "--jurisdiction", "US-CA:san-diego")[0] == 0  # fmt: skip
    assert listed() == [
        {
            "email": "Ops@example.com",
            "jurisdictions": ["US-*", "TH"],
            "substances": [],
            "min_severity": "low",
            "cadence": "daily",
            "active": True,
        },
        {
            "email": "fl@example.com",
            "jurisdictions": ["US-CA:san-diego"],
            "substances": ["7-oh"],
            "min_severity": "high",
            "cadence": "immediate",
            "active": True,
        },
    ]
    assert run("subscribers", "add", "Ops@example.com", "--cadence", "weekly")[0] == 0  # updates, no duplicate
    assert [(s["email"], s["cadence"], s["jurisdictions"]) for s in listed()][0] == ("Ops@example.com", "weekly", [])
    assert run("subscribers", "remove", "Ops@EXAMPLE.com")[0] == 0
    assert [s["email"] for s in listed()] == ["fl@example.com"]


def test_add_reads_names_and_lower_case_as_codes() -> None:
    assert run("subscribers", "add", "a@example.com", "-j", "us-fl", "-j", "Alabama", "-j", "us-*")[0] == 0
    assert [s["jurisdictions"] for s in listed()] == [["US-FL", "US-AL", "US-*"]]


def test_add_help_explains_the_us_groups() -> None:
    printed = runner.invoke(app, ["subscribers", "add", "--help"], env={"COLUMNS": "300"}).stdout
    shown = " ".join(printed.replace("│", " ").split())
    assert "US is US federal plus every state, territory and locality" in shown
    assert "US-* is the states and territories only, without federal actions" in shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not-an-address"], "'not-an-address' is not an email address"),
        (["a@example.com", "--jurisdiction", "US-XX"], "'US-XX' is not a jurisdiction"),
        (["a@example.com", "--jurisdiction", "US-FLA"], "did you mean Florida (US-FL)"),
        (["a@example.com", "--jurisdiction", "XX-*"], "'XX' is not a jurisdiction"),
    ],
)
def test_add_refuses_bad_input_naming_it(args: list[str], message: str) -> None:
    code, _, exc = run("subscribers", "add", *args)
    assert isinstance(exc, BadInput) and message in str(exc)
    assert listed() == []


def test_import_is_an_idempotent_upsert_and_all_or_nothing(tmp_path: Path) -> None:
    good = tmp_path / "subscribers.yaml"
    good.write_text(
        "- email: a@example.com\n  jurisdictions: [US-FL, US-*]\n  min_severity: medium\n"
        "- email: b@example.com\n  substances: [kratom]\n  cadence: weekly\n"
    )
    assert run("subscribers", "import", str(good))[0] == 0
    first = listed()
    assert run("subscribers", "import", str(good))[0] == 0
    assert listed() == first and [s["email"] for s in first] == ["a@example.com", "b@example.com"]

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- email: c@example.com\n"
        "- email: d@example.com\n  jurisdictions: [US-ZZ]\n"
        "- email: e@example.com\n  cadence: hourly\n"
        "- just-a-string\n"
    )
    _, _, exc = run("subscribers", "import", str(bad))
    assert isinstance(exc, BadInput)
    assert str(exc).splitlines() == [
        (
            f"{bad}: entry 2 (d@example.com): jurisdictions.0: 'US-ZZ' is not a jurisdiction: expected a code such as "
            "US-FL, TH or US-CA:san-diego, or the name of a nation or state; did you mean Arizona (US-AZ), Wyoming "
            "(US-WY), West Virginia (US-WV)?"
        ),
        f"{bad}: entry 3 (e@example.com): cadence: Input should be 'immediate', 'daily' or 'weekly' (got 'hourly')",
        f"{bad}: entry 4: expected a mapping with at least `email`, got str",
    ]
    assert listed() == first  # c@ was fine, but nothing of a bad file is stored


def test_digest_send_writes_eml_files_without_smtp(tmp_path: Path) -> None:
    store = Store.open()  # the CLI's own store: REGWATCH_DATA_DIR, set per test
    publish(store, CHANGES)
    run("subscribers", "add", "ops@example.com", "--cadence", "immediate")
    queue_alerts(store, RUN_ID)

    code, _, exc = run("digest", "send", "--cadence", "immediate", "--now", "2025-08-01T09:00:00+02:00")

    assert (code, exc) == (0, None)
    [eml] = (tmp_path / "reports" / RUN_ID / "outbox").glob("*.eml")
    mail = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert mail["Date"] == "Fri, 01 Aug 2025 07:00:00 +0000"
    assert str(mail["Subject"]).startswith("[regwatch] CRITICAL: Louisiana bans kratom from 2025-08-01")


def test_digest_send_through_smtp_url_and_bad_now(smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open()
    publish(store, CHANGES)
    run("subscribers", "add", "ops@example.com", "--cadence", "daily", "--min-severity", "critical")
    queue_alerts(store, RUN_ID)
    monkeypatch.setenv("REGWATCH_SMTP_URL", smtp.url)
    monkeypatch.setenv("REGWATCH_MAIL_FROM", "regwatch alerts <alerts@regwatch.example.org>")

    assert run("digest", "send", "--cadence", "daily")[0] == 0
    [mail] = smtp.mailbox.messages
    assert (mail["From"], mail["Subject"]) == (
        "regwatch alerts <alerts@regwatch.example.org>",
        "[regwatch] CRITICAL: Louisiana bans kratom from 2025-08-01",
    )
    assert mail["Message-ID"].endswith("@regwatch.example.org>")
    assert mail["List-Unsubscribe"].startswith("<mailto:alerts@regwatch.example.org?subject=unsubscribe%20")
    _, _, exc = run("digest", "send", "--cadence", "daily", "--now", "yesterday")
    assert isinstance(exc, BadInput) and "--now 'yesterday' is not an ISO 8601 time" in str(exc)
    monkeypatch.setenv("REGWATCH_SMTP_URL", "smtp://mailer:hunter2@relay:not-a-port")
    _, _, exc = run("digest", "send", "--cadence", "daily")
    assert isinstance(exc, BadInput) and str(exc) == (
        "SMTP URL 'smtp://mailer:***@relay:not-a-port': the port is not a number"
    )


def test_smtp_settings_from_url_environment_and_airflow_connection(monkeypatch: pytest.MonkeyPatch) -> None:

    assert resolve_smtp() is None  # nothing set: .eml files
    assert parse_smtp_url("smtps://mailer:p%40ss@mail.example.org") == SmtpConfig(
        host="mail.example.org", port=465, ssl=True, user="mailer", password="p@ss"
    )
    monkeypatch.setenv("REGWATCH_SMTP_USER", "env-user")
    monkeypatch.setenv("REGWATCH_SMTP_PASSWORD", "env-secret")
    monkeypatch.setenv("REGWATCH_SMTP_URL", "smtp://relay.example.org:587?starttls=1")
    config = resolve_smtp()
    assert config == SmtpConfig(
        host="relay.example.org", port=587, starttls=True, user="env-user", password="env-secret"
    )
    assert "env-secret" not in repr(config) and config is not None and "env-secret" not in config.redacted()
    with pytest.raises(ConfigurationError, match=r"'http://u:\*\*\*@x': expected smtp://host:port"):
        parse_smtp_url("http://u:secret@x")
    with pytest.raises(ConfigurationError, match=r"Invalid IPv6 URL"):  # a configuration error, not a crash
        parse_smtp_url("smtp://[::1:25")
    monkeypatch.delenv("REGWATCH_SMTP_URL")
    monkeypatch.setenv("AIRFLOW_CONN_REGWATCH_SMTP", "smtp://airflow-user:airflow-secret@airflow-relay:2525")
    assert resolve_smtp() == SmtpConfig(host="airflow-relay", port=2525, user="airflow-user", password="airflow-secret")

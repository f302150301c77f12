"""``pictograph connectors ...`` against the local server's V7 / Roboflow fixtures."""

from __future__ import annotations

from .conftest import Cli, error_of, one_line

V7_KEY = "v7_demo_key"


def test_validate_lists_remote_datasets_and_hides_the_source_key(cli: Cli) -> None:
    result = cli.json("connectors", "validate", "v7", "--source-key", V7_KEY)
    assert result["valid"] is True
    assert "street-v7" in [d["slug"] for d in result["datasets"]]
    table = cli("connectors", "validate", "v7", env={"PICTOGRAPH_SOURCE_KEY": V7_KEY})
    assert table.exit_code == 0 and "street-v7" in table.stdout
    assert V7_KEY not in table.output


def test_validate_rejected_source_key_is_exit_8(cli: Cli) -> None:
    result = cli("connectors", "validate", "roboflow", "--source-key", "wrong")
    assert result.exit_code == 8
    assert "rejected" in result.stdout


def test_validate_without_a_source_key_off_a_terminal_is_a_usage_error(cli: Cli) -> None:
    result = cli("connectors", "validate", "v7")
    assert result.exit_code == 2
    assert "--source-key" in one_line(result)


def test_unknown_provider_is_a_usage_error(cli: Cli) -> None:
    assert cli("connectors", "validate", "labelbox", "--source-key", "x").exit_code == 2


def test_check_limits(cli: Cli) -> None:
    small = cli.json("connectors", "check-limits", "--images", "5", "--bytes", "1000")
    assert small["allowed"] is True
    huge = cli.json("connectors", "check-limits", "--images", "100000000")
    assert huge["allowed"] is False and huge["exceeded"] in ("images", "both")


def test_import_waits_then_status_reports_it(cli: Cli) -> None:
    job = cli.json("connectors", "import", "v7", "--dataset", "street-v7", "--source-key", V7_KEY,
                   "--poll-interval", "0.05")
    assert job["status"] == "completed"
    status = cli.json("connectors", "status", job["import_id"])
    assert status["status"] == "completed"
    assert "street-v7" in [d["name"] for d in cli.json("datasets", "list")]


def test_import_unknown_remote_dataset_is_exit_6(cli: Cli) -> None:
    result = cli("connectors", "import", "v7", "--dataset", "nope", "--source-key", V7_KEY, "--json")
    assert result.exit_code == 6
    assert "street-v7" in error_of(result)["message"]


def test_cancel_a_running_import(cli: Cli) -> None:
    cli.server.faults.update(job_step_delay_ms=200)
    try:
        job = cli.json("connectors", "import", "roboflow", "--dataset", "people-rf", "--source-key",
                       "rf_demo_key", "--no-wait")
        cancelled = cli.json("connectors", "cancel", job["import_id"])
    finally:
        cli.server.faults.reset()
    assert cancelled["import_id"] == job["import_id"]
    assert cancelled["status"] in ("cancelled", "completed")


def test_status_of_unknown_import_is_exit_6(cli: Cli) -> None:
    result = cli("connectors", "status", "no-such-import")
    assert result.exit_code == 6
    one_line(result)

"""The output helper: --json everywhere, one-line errors, documented exit codes, --debug tracebacks."""

from __future__ import annotations

import json

import pytest

from pictograph import errors
from pictograph.cli._output import EXIT_CODES, exit_code_for, to_jsonable

from .conftest import Cli, error_of, one_line


def test_exit_codes_are_distinct_per_error_class() -> None:
    codes = [code for code, _ in EXIT_CODES.values()]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize(("exc", "name"), [
    (errors.ConfigurationError("x"), "configuration"),
    (errors.AuthError("x", status_code=401), "authentication"),
    (errors.ForbiddenError("x", status_code=403), "forbidden"),
    (errors.NotFoundError("x", status_code=404), "not_found"),
    (errors.ConflictError("x", status_code=409), "conflict"),
    (errors.ValidationError("x", status_code=422), "invalid"),
    (errors.PaymentRequiredError("x"), "payment_required"),
    (errors.RateLimitError("x"), "rate_limited"),
    (errors.ServerError("x", status_code=502), "server"),
    (errors.NetworkError("x"), "network"),
    (errors.RequestTimeoutError("x"), "network"),
    (errors.PollTimeoutError("x"), "wait_timeout"),
    (errors.FormatError("x"), "bad_file"),
    (errors.ApiError("x", code="job_failed"), "api"),
    (FileNotFoundError(2, "no such file"), "local_file"),
    (ValueError("x"), "invalid"),
    (RuntimeError("x"), "unexpected"),
])
def test_each_error_class_maps_to_its_documented_code(exc: BaseException, name: str) -> None:
    assert exit_code_for(exc) == (EXIT_CODES[name][0], name)


def test_exit_codes_command_lists_the_table(cli: Cli) -> None:
    rows = cli.json("exit-codes")
    assert {r["name"]: r["code"] for r in rows} == {k: v[0] for k, v in EXIT_CODES.items()}


def test_unknown_dataset_gives_exit_6_and_one_line(cli: Cli) -> None:
    result = cli("datasets", "get", "no-such-dataset")
    assert result.exit_code == 6
    assert "no-such-dataset" in one_line(result)
    assert result.stdout == ""


def test_json_error_is_one_json_line_on_stderr(cli: Cli) -> None:
    result = cli("datasets", "get", "road-scene", "--json")
    assert result.exit_code == 6
    err = error_of(result)
    assert err["kind"] == "not_found" and err["exit_code"] == 6 and err["status_code"] == 404
    assert "did you mean 'road-scenes'" in err["message"]


def test_json_flag_also_works_before_the_command(cli: Cli) -> None:
    result = cli("--json", "datasets", "list")
    assert result.exit_code == 0
    assert "road-scenes" in [d["name"] for d in json.loads(result.stdout)]


def test_missing_key_is_a_configuration_error(cli: Cli) -> None:
    result = cli("datasets", "list", env={"PICTOGRAPH_API_KEY": None})
    assert result.exit_code == 3
    assert "API key" in one_line(result)


def test_wrong_key_is_an_authentication_error_and_the_key_is_not_printed(cli: Cli) -> None:
    result = cli("datasets", "list", "--api-key", "pk_live_wrong_secret_value")
    assert result.exit_code == 4
    one_line(result)
    assert "pk_live_wrong_secret_value" not in result.output


def test_bad_environment_value_is_a_configuration_error(cli: Cli) -> None:
    result = cli("datasets", "list", env={"PICTOGRAPH_TIMEOUT": "soon"})
    assert result.exit_code == 3


def test_unknown_option_is_a_usage_error(cli: Cli) -> None:
    result = cli("datasets", "list", "--no-such-option")
    assert result.exit_code == 2


def test_debug_prints_the_traceback(cli: Cli) -> None:
    result = cli("datasets", "get", "no-such-dataset", "--debug")
    assert result.exit_code == 6
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("error: ")


def test_to_jsonable_handles_models_dates_and_paths(cli: Cli) -> None:
    import datetime
    from pathlib import Path

    data = to_jsonable({"when": datetime.datetime(2026, 1, 2, 3, 4, 5), "where": Path("a/b"), "n": (1, 2)})
    assert data == {"when": "2026-01-02T03:04:05", "where": "a/b", "n": [1, 2]}


def test_help_mentions_shell_completion(cli: Cli) -> None:
    result = cli("--help")
    assert result.exit_code == 0
    assert "_PICTOGRAPH_COMPLETE" in result.stdout


def test_shell_completion_script_is_generated(cli: Cli) -> None:
    result = cli(env={"_PICTOGRAPH_COMPLETE": "bash_source"})
    assert result.exit_code == 0
    assert "complete" in result.stdout

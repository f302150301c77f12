"""Configuration resolution (docs/wire-protocol.md §1.1): argument, then environment, then default."""

from __future__ import annotations

import pytest

from pictograph import AsyncClient, Client, ConfigurationError
from pictograph._config import resolve_config

KEY = "pk_live_0123456789abcdef"


def test_defaults_apply_when_nothing_else_is_set() -> None:
    config = resolve_config(KEY, environ={})
    assert (config.base_url, config.timeout, config.max_retries) == ("https://api.pictograph.io", 30.0, 3)
    assert config.api_url == "https://api.pictograph.io/api/v1/developer"


def test_environment_fills_what_the_arguments_leave_out() -> None:
    env = {
        "PICTOGRAPH_API_KEY": f"  {KEY}\n",
        "PICTOGRAPH_BASE_URL": "http://localhost:8765/",
        "PICTOGRAPH_TIMEOUT": "2.5",
        "PICTOGRAPH_MAX_RETRIES": "0",
    }
    config = resolve_config(environ=env)
    assert config.api_key == KEY
    assert config.base_url == "http://localhost:8765"
    assert config.timeout == 2.5
    assert config.max_retries == 0


def test_explicit_arguments_win_over_the_environment() -> None:
    env = {"PICTOGRAPH_API_KEY": "from-env", "PICTOGRAPH_TIMEOUT": "9", "PICTOGRAPH_MAX_RETRIES": "7"}
    config = resolve_config("from-arg", "https://eu.example.test//", 4, 1, environ=env)
    assert (config.api_key, config.base_url, config.timeout, config.max_retries) == (
        "from-arg",
        "https://eu.example.test",
        4.0,
        1,
    )


@pytest.mark.parametrize("env", [{}, {"PICTOGRAPH_API_KEY": "   "}])
def test_missing_key_raises_configuration_error(env: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError, match="PICTOGRAPH_API_KEY"):
        resolve_config(environ=env)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PICTOGRAPH_TIMEOUT", "abc"),
        ("PICTOGRAPH_TIMEOUT", "0"),
        ("PICTOGRAPH_TIMEOUT", "-1"),
        ("PICTOGRAPH_TIMEOUT", "nan"),
        ("PICTOGRAPH_MAX_RETRIES", "-1"),
        ("PICTOGRAPH_MAX_RETRIES", "2.5"),
        ("PICTOGRAPH_MAX_RETRIES", "many"),
        ("PICTOGRAPH_BASE_URL", "ftp://x"),
    ],
)
def test_bad_environment_values_raise_configuration_error(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        resolve_config(environ={"PICTOGRAPH_API_KEY": KEY, name: value})


@pytest.mark.parametrize(("kwargs"), [{"timeout": 0}, {"timeout": -3.0}, {"max_retries": -1}, {"max_retries": True}])
def test_bad_arguments_raise_configuration_error(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError):
        resolve_config(KEY, environ={}, **kwargs)  # type: ignore[arg-type]


def test_client_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PICTOGRAPH_API_KEY", KEY)
    monkeypatch.setenv("PICTOGRAPH_MAX_RETRIES", "5")
    with Client() as client:
        assert client.max_retries == 5


def test_client_without_key_fails_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PICTOGRAPH_API_KEY", raising=False)
    with pytest.raises(ConfigurationError):
        Client()
    with pytest.raises(ConfigurationError):
        AsyncClient()


def test_repr_and_str_never_show_the_key() -> None:
    client = Client(api_key=KEY, base_url="http://localhost:1")
    for text in (repr(client), str(client), repr(client._config), str(client._config)):
        assert KEY not in text
    assert "http://localhost:1" in repr(client)
    client.close()

"""``python -m pictograph.testing``: the same as ``pictograph mock-server``."""

from __future__ import annotations

from pictograph._cli_entry import mock_server

if __name__ == "__main__":
    mock_server()

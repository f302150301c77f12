"""``MockServer``: the local Pictograph server in a background thread, for tests and demos."""

from __future__ import annotations

import logging
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from pictograph.testing._bench_seed import parse_bench_seed
from pictograph.testing._budget import Budget, RequestCounter
from pictograph.testing._faults import Faults, FaultSettings
from pictograph.testing._signing import Clock, Signer
from pictograph.testing._spec import API_PREFIX, Spec
from pictograph.testing._state import ServerState
from pictograph.testing._storage import Storage

log = logging.getLogger("pictograph.testing")

_SPEC_CACHE: dict[Path, Spec] = {}
# What the server extra installs and the server imports (a missing one means the extra is not installed).
_SERVER_EXTRA_MODULES = frozenset({"uvicorn", "starlette", "werkzeug", "openapi_core", "PIL"})


def _spec() -> Spec:
    from pictograph.testing._spec import find_spec_file

    path = find_spec_file()
    if path not in _SPEC_CACHE:
        _SPEC_CACHE[path] = Spec(path)
    return _SPEC_CACHE[path]


@dataclass(frozen=True)
class OrganizationHandle:
    """An organization made by :meth:`MockServer.add_organization`: its id and its first key."""

    id: str
    api_key: str
    tier: str
    role: str


class MockServer:
    """A local, stateful Pictograph server answering every operation of ``openapi.yaml``.

    Example::

        from pictograph.testing import MockServer

        with MockServer(seed="demo", validate_responses=True) as server:
            client = server.client()
            print([d.name for d in client.datasets.list()])

    ``data_dir=None`` uses a temporary folder removed on exit; give a folder to keep the data across runs.
    ``api_key`` becomes the owner key of the seeded organization (one is generated otherwise).
    ``faults`` takes :class:`FaultSettings` or a dict of its fields; change them later via :attr:`faults`.

    ``seed`` is what a new data folder starts with: ``"demo"``, ``"empty"`` (an organization and nothing else),
    ``None`` (not even that), or ``"bench:N"``: dataset ``bench`` of N tiny JPEG images in three folders that
    share their file names, made in a few seconds for N = 100,000 (see ``_bench_seed``).

    ``request_budget`` caps the API requests each organization may send per hour (429 with ``Retry-After`` once
    spent; signed storage URLs are free): a number, ``"plan"`` for the rate of each organization's plan, or
    ``None`` for no cap. :meth:`api_requests` counts the requests either way.
    """

    def __init__(self, seed: str | None = "demo", data_dir: str | Path | None = None, api_key: str | None = None,
                 validate_responses: bool = False, providers_dir: str | Path | None = None,
                 faults: FaultSettings | dict[str, Any] | None = None, host: str = "127.0.0.1",
                 port: int = 0, request_budget: Budget = None) -> None:
        self._bench_count = parse_bench_seed(seed) if seed is not None else None
        if seed not in (None, "demo", "empty") and self._bench_count is None:
            raise ValueError(f"seed must be 'demo', 'empty', 'bench:N' (N images) or None; got {seed!r}")
        self._seed = seed
        self._tmp: Path | None = None
        self._data_dir = Path(data_dir) if data_dir is not None else None
        self._requested_key = api_key
        self._validate = validate_responses
        self._providers_dir = Path(providers_dir) if providers_dir is not None else None
        self._host = host
        self._port = port
        self.faults = Faults(faults)
        self.clock = Clock()
        self.requests = RequestCounter(self.clock, request_budget)
        """The request counts and budgets; :meth:`api_requests` and :meth:`set_request_budget` cover most uses."""
        self._state: ServerState | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._app: Any = None
        self._org_id = ""
        self.api_key = ""
        self.url = ""

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> MockServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def state(self) -> ServerState:
        if self._state is None:
            raise RuntimeError("the server is not running; use it as a context manager or call start()")
        return self._state

    @property
    def data_dir(self) -> Path:
        assert self._data_dir is not None
        return self._data_dir

    @property
    def api_url(self) -> str:
        """``url`` plus the API prefix ``/api/v1/developer``."""
        return self.url + API_PREFIX

    @property
    def response_problems(self) -> list[str]:
        """Responses that failed validation against the spec (with ``validate_responses=True``)."""
        return list(self.state.response_problems)

    def start(self) -> MockServer:
        try:
            import uvicorn

            from pictograph.testing._app import MockApp
        except ModuleNotFoundError as exc:
            if (exc.name or "").partition(".")[0] not in _SERVER_EXTRA_MODULES:
                raise
            raise ModuleNotFoundError(f"the local server needs the server extra: pip install 'pictograph[server]' "
                                      f"(missing: {exc.name})", name=exc.name) from exc
        from pictograph.testing._jobs import JobRunner

        if self._data_dir is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="pictograph-mock-"))
            self._data_dir = self._tmp
        self._data_dir.mkdir(parents=True, exist_ok=True)
        storage = Storage(self._data_dir)
        providers = self._providers_dir
        if providers is None and self._seed == "demo":
            providers = self._data_dir / "providers"
        state = ServerState(storage=storage, spec=_spec(), faults=self.faults, clock=self.clock,
                            signer=Signer(storage.secret(), self.clock), providers_dir=providers,
                            requests=self.requests, validate_responses=self._validate)
        state.jobs = JobRunner(state)
        self._state = state
        self._prepare_data(state)
        state.jobs.start()

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        sock.listen(1024)
        port = sock.getsockname()[1]
        self._app = MockApp(state)
        config = uvicorn.Config(self._app, host=self._host, port=port, log_level="warning",
                                access_log=False, lifespan="off", timeout_keep_alive=30)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name="pictograph-mock-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the local Pictograph server did not start")
            time.sleep(0.005)
        self._sock = sock
        self.url = f"http://{self._host}:{port}"
        return self

    def stop(self) -> None:
        """Stop serving, finish the job worker, close the database; remove a temporary data folder."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._app is not None:
            self._app.close()  # no API call is left running when the database closes
            self._app = None
        if self._state is not None:
            self._state.jobs.stop()
            self._state.storage.close()
        self._server = self._thread = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
            self._data_dir = None

    def _prepare_data(self, state: ServerState) -> None:
        from pictograph.testing._bench_seed import BENCH_ORG, seed_bench
        from pictograph.testing._seed import DEMO_ORG, seed_demo, write_provider_fixtures

        db = state.storage
        org_id = db.meta("main_org")
        if org_id is None:
            name = DEMO_ORG if self._seed == "demo" else BENCH_ORG if self._bench_count else "Local Organization"
            # The bench organization has no plan caps: a 100,000-image dataset would fill the pro plan exactly,
            # and tests add images to it.
            tier = "enterprise" if self._bench_count else "pro"
            org_id, key = state.add_organization(name, tier, api_key=self._requested_key)
            db.set_meta("main_org", org_id)
            db.set_meta("main_key", key)
            if self._seed == "demo":
                seed_demo(state, org_id)
            elif self._bench_count:
                seed_bench(state, org_id, self._bench_count)
        elif self._requested_key:
            state.add_key(org_id, "owner", self._requested_key)
            db.set_meta("main_key", self._requested_key)
        if self._seed == "demo" and state.providers_dir is not None and self._providers_dir is None \
                and not (state.providers_dir / "keys.json").is_file():
            write_provider_fixtures(state.providers_dir)
        self._org_id = org_id
        self.api_key = self._requested_key or db.meta("main_key") or ""

    # ------------------------------------------------------------------ helpers for tests
    @property
    def organization_id(self) -> str:
        return self._org_id

    @property
    def providers_dir(self) -> Path | None:
        return self.state.providers_dir

    def add_organization(self, tier: str = "pro", role: str = "owner", name: str | None = None,
                         **caps: int | None) -> OrganizationHandle:
        """A new, empty organization with one key of ``role``; ``caps`` override plan caps
        (``max_images``, ``max_storage_bytes``, ``max_datasets``, ``max_users``).

        Example::

            small = server.add_organization(tier="free", max_images=2)
        """
        org_id, key = self.state.add_organization(name or f"Org {tier} {time.monotonic_ns()}", tier, role=role,
                                                  caps=dict(caps))
        return OrganizationHandle(org_id, key, tier, role)

    def add_key(self, role: str = "member", organization_id: str | None = None) -> str:
        """A new API key of ``role`` for the seeded organization (or ``organization_id``)."""
        return self.state.add_key(organization_id or self._org_id, role)

    def api_requests(self, organization_id: str | None = None) -> int:
        """How many API requests the seeded organization (or ``organization_id``) sent since start or the last
        :meth:`reset_api_requests`: every request to ``/api/...`` with its key, answered, refused (429) or
        failed. Signed storage URLs are not API requests and never count.

        Example::

            before = server.api_requests()
            client.datasets.list()
            assert server.api_requests() == before + 1
        """
        return self.requests.count(organization_id or self._org_id)

    def api_requests_total(self) -> int:
        """Every API request since start or the last reset, of any organization or of none (a bad key)."""
        return self.requests.total

    def reset_api_requests(self) -> None:
        """Zero the counts of :meth:`api_requests` (a budget window already spent stays spent)."""
        self.requests.reset_counts()

    def set_request_budget(self, budget: Budget, organization_id: str | None = None) -> None:
        """Cap the API requests per hour of every organization (or of ``organization_id`` only): a number,
        ``"plan"`` for each organization's plan rate, or ``None`` to lift the cap. The hour starts again.

        Example::

            server.set_request_budget(5)   # the 6th API request of the hour is answered 429, Retry-After ~3600
        """
        self.requests.set_budget(budget, organization_id)

    def renew_request_budget(self, organization_id: str | None = None) -> None:
        """End the current budget hour now, of every organization or of one (a rerun may spend a full budget)."""
        self.requests.renew(organization_id)

    def wait_for_jobs(self, timeout: float = 30.0) -> bool:
        """Block until the export/import worker has nothing left to do."""
        return bool(self.state.jobs.wait_idle(timeout))

    def client(self, **kwargs: Any) -> Any:
        """A ``pictograph.Client`` for this server, with the seeded owner key."""
        from pictograph import Client

        kwargs.setdefault("api_key", self.api_key)
        return Client(base_url=self.url, **kwargs)

    def async_client(self, **kwargs: Any) -> Any:
        """A ``pictograph.AsyncClient`` for this server, with the seeded owner key."""
        from pictograph import AsyncClient

        kwargs.setdefault("api_key", self.api_key)
        return AsyncClient(base_url=self.url, **kwargs)

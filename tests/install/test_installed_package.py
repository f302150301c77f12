"""The package people install is the package we test: the wheel and the sdist built from this checkout, each
installed with no extra, with ``[server]`` and with ``[cli,server,images,progress]`` into a fresh venv, pass
``smoke.py`` run from a folder outside the tree.

The rest of the suite runs against the editable install, where the checkout hides anything the build leaves
out (the spec was such a file: a wheel without it broke the local server). Speed, so that this runs in every
``make test``: one build of each distribution with the project venv's own hatchling (no isolated build env);
dependencies from a local folder of wheels repacked from the project venv (``_wheelhouse``), so pip resolves
and installs them as a user's pip would, offline; bytecode left to the first import; the six installs and
their smoke runs three at a time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from ._wheelhouse import build as build_wheelhouse

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SMOKE = Path(__file__).with_name("smoke.py")
EXTRAS = {"none": "", "server": "[server]", "full": "[cli,server,images,progress]"}
BUILD_BACKEND = "hatchling"
# Variables that would make a venv's python see something other than what was installed into it, and the one
# that keeps it from caching bytecode: installs skip compiling (--no-compile), so the first import of a module
# compiles it and every later process of the smoke run reads the cached file (about 1 s less per process that
# imports the server stack).
_LEAKY_ENV = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV",
              "PYTHONDONTWRITEBYTECODE")


@dataclass(frozen=True)
class Shipped:
    """What we ship, built once for the module, and the folder of wheels its requirements install from."""

    wheel: Path
    sdist: Path
    wheel_from_sdist: Path
    wheelhouse: Path


@dataclass(frozen=True)
class Outcome:
    """One install and its smoke run."""

    name: str
    ok: bool
    log: str
    seconds: float


def _clean_env() -> dict[str, str]:
    """The environment of every step: no settings of the SDK, and no pip settings or configuration files (the
    pip that fills an sdist's build environment runs without --isolated), so every wheel comes from the
    wheelhouse and nothing from the network."""
    env = {k: v for k, v in os.environ.items()
           if k not in _LEAKY_ENV and not k.startswith(("PICTOGRAPH_", "PIP_"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def _build(source: Path, out: Path, *targets: str) -> list[Path]:
    """Build ``targets`` ("wheel", "sdist") of the project in ``source`` with the project venv's hatchling."""
    calls = ", ".join(f"build_{t}({str(out)!r})" for t in targets)
    code = f"from hatchling.build import build_sdist, build_wheel\nprint(*[{calls}], sep='\\n')"
    done = subprocess.run([sys.executable, "-c", code], cwd=source, env=_clean_env(), capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, f"building {targets} in {source} failed:\n{done.stderr}"
    return [out / name for name in done.stdout.split()]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Shipped:
    dist = tmp_path_factory.mktemp("dist")
    wheel, sdist = _build(ROOT, dist, "wheel", "sdist")
    unpacked = tmp_path_factory.mktemp("sdist")
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, filter="data")
    from_sdist_dir = tmp_path_factory.mktemp("from-sdist")
    (from_sdist,) = _build(next(unpacked.iterdir()), from_sdist_dir, "wheel")
    wheelhouse = tmp_path_factory.mktemp("wheelhouse")
    build_wheelhouse(wheelhouse, "pictograph", ["cli", "server", "images", "progress"], BUILD_BACKEND)
    return Shipped(wheel, sdist, from_sdist, wheelhouse)


def _wheel_files(wheel: Path) -> dict[str, int]:
    """Every file of a wheel but its RECORD, with its CRC (the same content gives the same CRC)."""
    with zipfile.ZipFile(wheel) as archive:
        return {i.filename: i.CRC for i in archive.infolist() if not i.filename.endswith(".dist-info/RECORD")}


def _py_files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*.py") if "__pycache__" not in p.parts}


def test_wheel_holds_the_package_the_generated_client_the_spec_and_the_type_marker(shipped: Shipped) -> None:
    files = _wheel_files(shipped.wheel)
    with zipfile.ZipFile(shipped.wheel) as archive:
        spec = archive.read("pictograph/testing/openapi.yaml")
        entry_points = archive.read("pictograph-2.0.0.dist-info/entry_points.txt").decode()
    assert spec == (ROOT / "openapi.yaml").read_bytes()
    assert "pictograph/py.typed" in files
    assert {f"pictograph/{p}" for p in _py_files(ROOT / "pictograph")} <= set(files)
    assert {f"pictograph_api/{p}" for p in _py_files(ROOT / "generated" / "pictograph_api")} <= set(files)
    assert "pictograph = pictograph._cli_entry:main" in entry_points
    outside = sorted({name.split("/", 1)[0] for name in files} - {"pictograph", "pictograph_api",
                                                                   "pictograph-2.0.0.dist-info"})
    assert outside == [], f"the wheel installs more than the two packages: {outside}"


def test_sdist_holds_the_spec_and_builds_the_same_wheel(shipped: Shipped) -> None:
    with tarfile.open(shipped.sdist) as archive:
        names = set(archive.getnames())
    assert {"pictograph-2.0.0/openapi.yaml", "pictograph-2.0.0/pyproject.toml", "pictograph-2.0.0/README.md",
            "pictograph-2.0.0/generated/pictograph_api/__init__.py"} <= names
    from_checkout, from_sdist = _wheel_files(shipped.wheel), _wheel_files(shipped.wheel_from_sdist)
    assert sorted(set(from_checkout) ^ set(from_sdist)) == []
    assert [n for n in from_checkout if from_checkout[n] != from_sdist[n]] == []


def _install_and_smoke(pip_target: str, combination: str, wheelhouse: Path, root: Path) -> Outcome:
    """A fresh venv in ``root`` with ``pip_target`` and the extras of ``combination``, then smoke.py in it."""
    name = f"{pip_target.rsplit('/', 1)[-1]} {combination}"
    started = time.monotonic()
    env = _clean_env()
    venv = root / "venv"
    log: list[str] = []

    def step(args: list[str], cwd: Path) -> bool:
        done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=180,
                              check=False)
        log.append(f"$ {' '.join(args)}\n{done.stdout}{done.stderr}")
        return done.returncode == 0

    venv_python = venv / "bin" / "python"
    work = root / "work"
    work.mkdir()
    ok = (step([sys.executable, "-m", "venv", "--without-pip", str(venv)], root)
          # The project venv's pip installs into the new venv (--python): the venv stays without pip, and
          # --isolated ignores the machine's pip configuration (other indexes, other wheel folders).
          and step([sys.executable, "-m", "pip", "--isolated", "--python", str(venv_python), "install",
                    "--quiet", "--no-compile", "--no-index", "--find-links", str(wheelhouse),
                    pip_target + EXTRAS[combination]], root)
          and step([str(venv_python), str(SMOKE), combination, str(work)], work))
    return Outcome(name, ok, "\n".join(log), time.monotonic() - started)


def test_wheel_and_sdist_work_installed_with_each_set_of_extras(
        shipped: Shipped, tmp_path_factory: pytest.TempPathFactory) -> None:
    jobs = [(dist, combination) for dist in (shipped.wheel, shipped.sdist) for combination in EXTRAS]

    def run(job: tuple[Path, str]) -> Outcome:
        dist, combination = job
        root = tmp_path_factory.mktemp(f"install-{combination}-from-{dist.suffix.lstrip('.')}")
        return _install_and_smoke(str(dist), combination, shipped.wheelhouse, root)

    # Three at a time: each job waits on pip and on servers part of the time, and two cores stay busy.
    with ThreadPoolExecutor(max_workers=3) as pool:
        outcomes = list(pool.map(run, jobs))
    failed = [o for o in outcomes if not o.ok]
    timings = ", ".join(f"{o.name}: {o.seconds:.1f} s" for o in outcomes)
    print(timings)  # shown by pytest -rP: the time each install and its smoke run took
    assert not failed, f"({timings})\n\n" + "\n\n".join(f"=== {o.name}\n{o.log}" for o in failed)

"""The wheel carries the bundled scenarios, and an installed tradegame finds them by name."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ON_DISK = sorted(p.stem for p in (REPO / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("tradegame-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert (
            sorted(
                n.removeprefix("tradegame/scenarios/").removesuffix(".yaml")
                for n in names
                if n.startswith("tradegame/scenarios/")
            )
            == ON_DISK
        )
        assert "tradegame/schemas/scenario.schema.json" in names
        archive.extractall(out / "site")
    return out / "site"


def _run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH comes before site-packages, where the editable install points at src/.
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


@pytest.mark.slow
def test_installed_wheel_finds_bundled_scenarios_by_name(
    unpacked_wheel: Path, tmp_path: Path
) -> None:
    where = _run(
        unpacked_wheel,
        tmp_path,
        "-c",
        "import tradegame.scenario.loader as l; print(l.__file__); "
        "print(*l.bundled_scenarios().values(), sep='\\n')",
    )
    assert where.returncode == 0, where.stderr
    module, *found = where.stdout.splitlines()
    assert Path(module).is_relative_to(unpacked_wheel)
    assert len(found) == len(ON_DISK)
    assert all(
        Path(entry).is_relative_to(unpacked_wheel / "tradegame" / "scenarios") for entry in found
    )

    result = _run(unpacked_wheel, tmp_path, "-m", "tradegame", "validate", *ON_DISK)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert [line.split(": OK — ")[0] for line in result.stdout.splitlines()] == [
        f"scenarios/{name}.yaml" for name in ON_DISK
    ]

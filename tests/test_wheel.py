"""The built wheel carries roles/, hooks/ and templates/ and finds them when installed."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True)
    return next(out.glob("superteam-*.whl"))


def test_wheel_contains_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("superteam/_data/roles/builder.yaml", "superteam/_data/roles/builder.md",
                     "superteam/_data/roles/pm.md", "superteam/_data/roles/reviewer.yaml",
                     "superteam/_data/hooks/reference-transaction",
                     "superteam/_data/templates/team.yaml"):
        assert expected in names


def test_installed_wheel_lists_roles(wheel: Path, tmp_path: Path) -> None:
    # A fresh venv that sees the already-installed dependencies but gets superteam itself
    # only from the wheel (no network, no checkout on the path).
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                   check=True, capture_output=True)
    where = subprocess.run([str(py), "-c", "import superteam; print(superteam.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(env_dir))
    out = subprocess.run([str(env_dir / "bin" / "superteam"), "roles", "list"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    for name in ("pm", "builder", "reviewer"):
        assert name in out.stdout
    assert "Implements one task at a time" in out.stdout

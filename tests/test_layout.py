"""The layout's rule, pinned: imports run one way (entry points → pipeline → answers → text → index →
settings) with no circle inside a package, as `lint-imports` checks the contracts in pyproject.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=120
    )


def copy_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    for name in ("bot", "index"):
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_project_keeps_its_import_contracts() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    labels = tree / "bot" / "text" / "labels.py"
    labels.write_text(labels.read_text() + "\nfrom bot.pipeline import Pipeline  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "bot.text.labels -> bot.pipeline" in result.stdout


def test_a_circle_inside_a_package_is_refused(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    base = tree / "bot" / "state" / "base.py"
    base.write_text(base.read_text() + "\nfrom bot.state.sqlite import SqliteState  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "No import circles inside a package BROKEN" in result.stdout

"""Wall times of the command line as a user meets it, printed as figures (no assertions).

    python benchmarks/bench_cli.py [--runs N] [--cold-runs M] [--importtime K]

Every run is a fresh `resobot` process (the console script of this interpreter's environment) in a
temporary RESOBOT_DATA_DIR and working directory, so the user's store and `.env` are never touched.
Prints the median (and min/max) wall time, and the median CPU time, of `resobot --help`, `resobot units
--json`, `resobot ask` on a built index, and `resobot ask` cold (an empty data dir and cache directory:
the first use builds the index); then the modules that `python -X importtime` spends the most time in
(self time summed by package) for `import bot.cli` (what `--help` pays) and for what `ask` imports when
it runs.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESOBOT = Path(sys.executable).with_name("resobot")
QUESTION = "What does the resolution say about trade unions?"


def _env(data_dir: Path, first_use: bool = False) -> dict[str, str]:
    """`first_use`: an empty cache directory too (simplemma's dictionaries are cached there)."""
    # PYTHONDONTWRITEBYTECODE (set in some shells and containers) would make every run compile the
    # project's modules again: the warm-up writes their bytecode, as an installed resobot has it.
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("RESOBOT_", "CHROMA_", "LLM_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env |= {"RESOBOT_DATA_DIR": str(data_dir), "ANONYMIZED_TELEMETRY": "False"}
    if first_use:
        env["XDG_CACHE_HOME"] = str(data_dir.parent / "cache")
    return env


def _run(args: list[str], data_dir: Path, first_use: bool = False) -> tuple[float, float]:
    """Seconds of wall time and of CPU time (user + system, its threads included) of one `resobot …`
    process; a failure stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [str(RESOBOT), *args], cwd=data_dir.parent, env=_env(data_dir, first_use), capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"resobot {' '.join(args)} failed ({result.returncode}): {result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def _line(name: str, runs: list[tuple[float, float]]) -> str:
    """The median wall time (and its min and max), and the median CPU time: on a shared machine the wall
    time waits for the cores as much as it works, the CPU time is what the command itself costs."""
    times = [wall for wall, _ in runs]
    return (
        f"{name:32} median {statistics.median(times):6.2f} s   "
        f"(min {min(times):.2f}, max {max(times):.2f}, {len(times)} runs)   "
        f"CPU median {statistics.median(cpu for _, cpu in runs):.2f} s"
    )


def importtime(statement: str, top: int) -> tuple[float, list[tuple[float, str]]]:
    """Seconds that `statement` spends importing, and the packages that take most of it: the self time of
    every module imported, summed by top-level package (chromadb, langchain_core, …), slowest first."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True, text=True, env=_env(Path(tempfile.gettempdir()) / "unused"), check=True,
    )
    by_package: dict[str, int] = {}
    total = 0
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| *(\S+)", line)
        if match:
            package = match.group(2).split(".")[0]
            by_package[package] = by_package.get(package, 0) + int(match.group(1))
            total += int(match.group(1))
    ranked = sorted(((micros / 1e6, package) for package, micros in by_package.items()), reverse=True)
    return total / 1e6, ranked[:top]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of each warm command (default 5)")
    parser.add_argument("--cold-runs", type=int, default=2, help="runs of the cold `ask` (default 2)")
    parser.add_argument("--importtime", type=int, default=12, help="import offenders listed (default 12)")
    args = parser.parse_args()
    if not RESOBOT.exists():
        sys.exit(f"{RESOBOT} not found: install the project (pip install -e .) in this environment")
    print(f"resobot: {RESOBOT}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        built = root / "built" / "data"
        built.parent.mkdir()
        _run(["index"], built)
        _run(["ask", QUESTION], built)  # one warm-up: bytecode compiled, files in the page cache
        print(_line("resobot --help", [_run(["--help"], built) for _ in range(args.runs)]))
        print(_line("resobot units --json", [_run(["units", "--json"], built) for _ in range(args.runs)]))
        print(_line("resobot ask (index built)", [_run(["ask", QUESTION], built) for _ in range(args.runs)]))
        cold = []
        for n in range(args.cold_runs):
            fresh = root / f"cold-{n}" / "data"
            fresh.parent.mkdir()
            cold.append(_run(["ask", QUESTION], fresh, first_use=True))
        if cold:  # --cold-runs 0: the warm figures only
            print(_line("resobot ask (cold: builds index)", cold))
    # `import bot.cli` is what --help pays; the second is what `ask` imports once it runs.
    for statement in ("import bot.cli", "import bot.startup, bot.terminal"):
        total, ranked = importtime(statement, args.importtime)
        print(f'python -X importtime -c "{statement}": {total:.3f} s of imports; top packages (self time):')
        for seconds, package in ranked:
            print(f"  {seconds:6.3f} s  {package}")

if __name__ == "__main__":
    main()

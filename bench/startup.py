"""Start-up: how long a user waits for ``debttrap`` before anything is computed.

Each command runs in a fresh subprocess (as a user runs it), ``--repeat`` times,
interleaved with the floors measured in the same run: ``python -c pass`` (the
interpreter alone), ``python -c "import numpy"`` (the least any numeric command
pays) and ``python -c "import numpy, pandas"`` (what a command that builds tables
pays before its own code). It prints the least wall time and the least CPU time
(user + system of the child) of the repeats, each command's CPU time above the
NumPy floor and its ratio to it, and the target. CPU time is the steadier figure
on a shared machine (other processes slow a run down but add no CPU time to it);
wall time is what a user feels. ``debttrap dsa ISO3`` reads the country it built
on an earlier run from the country cache (a temporary folder here); the "first run"
line switches that cache off and shows what building the country from the bundled
tables costs.
Targets (issue 14): ``debttrap --help`` under 0.3 s, ``debttrap dsa ZMB
--json`` under 0.7 s, ``debttrap assess examples/syria-2025.toml --json`` under
1.5 s. Nothing is asserted.

    python bench/startup.py [--repeat 5] [--no-assess]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

#: the floors: what the interpreter and the libraries cost before any of debttrap's code
FLOORS = ("python -c pass", 'python -c "import numpy"', 'python -c "import numpy, pandas"')

TARGETS_S = {"debttrap --help": 0.3, "debttrap dsa ZMB --json": 0.7,
             "debttrap assess examples/syria-2025.toml --json": 1.5}


#: commands run with the country cache switched off (what a first run pays)
NO_CACHE = "debttrap dsa ZMB --json (first run: builds ZMB)"


def _commands(with_assess: bool) -> dict[str, list[str]]:
    cmds = {
        "python -c pass": [PY, "-c", "pass"],
        'python -c "import numpy"': [PY, "-c", "import numpy"],
        'python -c "import numpy, pandas"': [PY, "-c", "import numpy, pandas"],
        "debttrap --help": [PY, "-m", "debttrap", "--help"],
        "debttrap dsa ZMB --json": [PY, "-m", "debttrap", "dsa", "ZMB", "--json"],
        NO_CACHE: [PY, "-m", "debttrap", "dsa", "ZMB", "--json"],
    }
    if with_assess:
        cmds["debttrap assess examples/syria-2025.toml --json"] = [
            PY, "-m", "debttrap", "assess", str(ROOT / "examples" / "syria-2025.toml"), "--json"
        ]
    return cmds


def _run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one subprocess run; its output is discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          cwd=ROOT, env=env, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--no-assess", action="store_true", help="skip the (slow) assess command")
    args = p.parse_args(argv)
    cmds = _commands(not args.no_assess)
    walls: dict[str, list[float]] = {name: [] for name in cmds}
    cpus: dict[str, list[float]] = {name: [] for name in cmds}
    with tempfile.TemporaryDirectory() as cache:  # the country cache, not the user's own
        env = {**os.environ, "COLUMNS": "100", "DEBTTRAP_CACHE_DIR": cache}
        envs = {name: {**env, "DEBTTRAP_NO_CACHE": "1"} if name == NO_CACHE else env
                for name in cmds}
        for name, cmd in cmds.items():  # warm the file and country caches once, untimed
            _run_once(cmd, envs[name])
        for _ in range(args.repeat):  # interleaved, so load on the machine hits all alike
            for name, cmd in cmds.items():
                wall, cpu = _run_once(cmd, envs[name])
                walls[name].append(wall)
                cpus[name].append(cpu)

    print("debttrap bench: start-up, each command in a fresh process")
    print(f"  machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}; least of {args.repeat} interleaved runs; "
          f"load average {os.getloadavg()[0]:.1f}")
    numpy_cpu = min(cpus['python -c "import numpy"'])
    print(f"\n  {'command':<52} {'wall s':>7} {'CPU s':>7} {'- numpy':>8} {'/ numpy':>8}  target")
    for name in cmds:
        wall = min(walls[name])
        cpu = min(cpus[name])
        target = TARGETS_S.get(name)
        verdict = "(floor)" if name in FLOORS else ""
        if target is not None:
            verdict = f"< {target:g} s: {'met' if cpu < target else 'MISSED'} (CPU)"
        print(f"  {name:<52} {wall:7.3f} {cpu:7.3f} {cpu - numpy_cpu:8.3f} "
              f"{cpu / numpy_cpu:7.1f}x  {verdict}")
    print("\n  '- numpy': CPU seconds above the NumPy floor of the same run (debttrap's own "
          "imports and work); 'met' compares the least CPU time with the target. Wall time on "
          "a loaded machine is CPU time times the load's slowdown.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Install debttrap as a new user would (`pip install .`, no extras) into a throw-away
# virtual environment and run the commands a first session runs. Any failure fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# build from a copy of the tracked tree, so nothing of the working checkout's venv or
# build folders leaks into the install
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$WORK"
mkdir -p "$WORK/venv"
"$PYTHON" -m venv "$WORK/venv"
echo "smoke: pip install . (no extras) into a fresh venv"
"$WORK/venv/bin/python" -m pip install --quiet --progress-bar off "$WORK"
cd "$WORK"
run() {
  echo "smoke: debttrap $*"
  "$WORK/venv/bin/debttrap" "$@" > "$WORK/out.txt" || { echo "smoke: FAILED: debttrap $*"; cat "$WORK/out.txt"; exit 1; }
}
run --version
run --help
run dsa ZMB --json
run assess examples/syria-2025.toml --json
echo "smoke: python -m debttrap --version"
"$WORK/venv/bin/python" -m debttrap --version
echo "smoke: every command ran from a plain install"

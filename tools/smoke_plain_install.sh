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
run portfolio ida --paths 100 --workers 1 --db "$WORK/book.duckdb"
echo "smoke: the workbench's app builds (debttrap serve's dependencies are installed)"
"$WORK/venv/bin/python" -c "
from debttrap.web import missing_dependencies
assert not missing_dependencies(), missing_dependencies()
from debttrap.web.app import create_app
create_app(None)
"
echo "smoke: python -m debttrap --version"
"$WORK/venv/bin/python" -m debttrap --version
echo "smoke: every command ran from a plain install"

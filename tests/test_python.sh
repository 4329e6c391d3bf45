#!/bin/sh
# The Python package's pytest suite (python/tests: scikit-learn's estimator checks, models passed
# between the command and Python, the run API), run with the interpreter `make python` installs
# the package into (.venv). Prints pytest's counts as "N passed, N failed, N skipped" for
# tests/run.sh. The command under test is $MLP.
root=$(cd "$(dirname "$0")/.." && pwd)
python="$root/.venv/bin/python"
if [ ! -x "$python" ]; then
    echo "FAIL python: $python is missing (make python installs the package there)"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# From an empty folder, so that `import mlp` finds the installed package, not python/mlp.
cd "$work" || exit 1
"$python" -m pytest -q -p no:cacheprovider -W ignore::sklearn.exceptions.ConvergenceWarning \
    --junitxml="$work/junit.xml" "$root/python/tests"
"$python" - "$work/junit.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError) as e:
    print(f"FAIL python: no pytest report ({e})")
    print("0 passed, 1 failed, 0 skipped")
    sys.exit(1)
suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
count = lambda key: sum(int(s.get(key, 0)) for s in suites)
failed = count("failures") + count("errors")
skipped = count("skipped")
print(f"{count('tests') - failed - skipped} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY

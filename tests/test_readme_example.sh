#!/bin/sh
# README's "Embedding the engine" example compiles with the command the README gives and runs:
# the README stays true when the API changes.
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(dirname "${MLP:?set MLP to the built mlp command}")
case $build in /*) ;; *) build=$root/$build ;; esac
passed=0 failed=0
dir=$(mktemp -d "${TMPDIR:-/tmp}/mlp-readme-XXXXXX")
trap 'rm -rf "$dir"' EXIT
# The first C block after the heading.
sed -n '/^## Embedding the engine/,/^## /p' "$root/README.md" | sed -n '/^```c$/,/^```$/p' |
    sed '1d;$d' > "$dir/prog.c"
if [ -s "$dir/prog.c" ] &&
    cc "$dir/prog.c" -I"$root/include" "$build/libmlp.a" -lopenblas -lm -o "$dir/prog" 2> "$dir/cc.err"; then
    echo "PASS readme_example_compiles"; passed=$((passed + 1))
else
    echo "FAIL readme_example_compiles: $(head -n 5 "$dir/cc.err")"; failed=$((failed + 1))
fi
# 50 all-zero images of class 0 and uniform initial outputs: loss ln 10, every argmax is class 0.
if [ -x "$dir/prog" ] && [ "$("$dir/prog")" = "loss 2.3026, 50 correct" ]; then
    echo "PASS readme_example_runs"; passed=$((passed + 1))
else
    echo "FAIL readme_example_runs"; failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]

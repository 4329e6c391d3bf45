#!/bin/sh
# libmlp exports exactly the functions mlp.h declares, all named mlp_*: the shared library's
# dynamic symbols and the static library's global defined symbols (a program linking libmlp.a must
# not meet libmlp's internal functions, nor the generated protobuf-c code's onnx__*). The libraries
# checked are those `make lib` built beside $MLP (its build folder's lib/).
root=$(cd "$(dirname "$0")/.." && pwd)
lib=$(cd "$(dirname "${MLP:?set MLP to the built mlp command}")" && pwd)/lib
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
dir=$(mktemp -d "${TMPDIR:-/tmp}/mlp-exports-XXXXXX")
trap 'rm -rf "$dir"' EXIT
# The functions mlp.h declares: every mlp_name( in it (its comments only name real functions).
grep -o '\bmlp_[a-z0-9_]*(' "$root/include/mlp.h" | tr -d '(' | sort -u > "$dir/declared"
[ -s "$dir/declared" ] || fail declared "no function found in mlp.h"

check() { # name, file listing the defined global symbols
    others=$(grep -v '^mlp_' "$2" | head -n 5 | tr '\n' ' ')
    count=$(grep -cv '^mlp_' "$2")
    if [ ! -s "$2" ]; then
        fail "$1_prefix" "no symbols (is $lib built? make lib)"
    elif [ "$count" -ne 0 ]; then
        fail "$1_prefix" "$count symbols without the mlp_ prefix, e.g. $others"
    else
        pass "$1_prefix"
    fi
    extra=$(comm -23 "$2" "$dir/declared" | head -n 5 | tr '\n' ' ')
    missing=$(comm -13 "$2" "$dir/declared" | head -n 5 | tr '\n' ' ')
    if [ -s "$2" ] && [ -z "$extra" ] && [ -z "$missing" ]; then
        pass "$1_is_mlp_h"
    else
        fail "$1_is_mlp_h" "exported but not in mlp.h: ${extra:-none}; in mlp.h but not exported: ${missing:-none}"
    fi
}
nm -D --defined-only "$lib/libmlp.so" 2> /dev/null | awk 'NF == 3 { print $3 }' | sort -u > "$dir/so"
check shared "$dir/so"
nm -g --defined-only "$lib/libmlp.a" 2> /dev/null | awk 'NF == 3 { print $3 }' | sort -u > "$dir/a"
check static "$dir/a"
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]

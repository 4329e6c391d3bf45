#!/bin/sh
# `make install` and `make uninstall`, staged with DESTDIR and into a temporary PREFIX, then README's
# "Embedding the engine" example built against the installed library the way the README says,
# `cc prog.c $(pkg-config --cflags --libs mlp)`, and run with the shared library; and linked
# statically with `pkg-config --static` (the installed mlp.pc's Libs.private must be complete).
# The build tested is the one of $MLP, which `make test` has built.
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$(dirname "${MLP:?set MLP to the built mlp command}")" && pwd)
# Make's own settings from `make test` (its job server) mean nothing to the makes started here.
unset MAKEFLAGS MFLAGS MAKELEVEL
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
dir=$(mktemp -d "${TMPDIR:-/tmp}/mlp-install-XXXXXX")
trap 'rm -rf "$dir"' EXIT
mk() { make -C "$root" --no-print-directory BUILD="${build#"$root"/}" "$@" > "$dir/make.log" 2>&1; }
version=$(sed -n 's/^#define MLP_VERSION "\(.*\)"$/\1/p' "$root/include/mlp.h")
major=${version%%.*}
files() { (cd "$1" && find . ! -type d | sort | tr '\n' ' '); }

# Staged into DESTDIR: exactly these files, for PREFIX /usr/local, and uninstall removes them.
stage=$dir/stage
expected="./usr/local/bin/mlp ./usr/local/include/mlp.h ./usr/local/lib/libmlp.a \
./usr/local/lib/libmlp.so ./usr/local/lib/libmlp.so.$major ./usr/local/lib/libmlp.so.$version \
./usr/local/lib/pkgconfig/mlp.pc "
if mk install DESTDIR="$stage" PREFIX=/usr/local; then
    got=$(files "$stage")
    if [ "$got" = "$expected" ]; then pass install_destdir_files
    else fail install_destdir_files "installed $got"; fi
else
    fail install_destdir_files "$(tail -n 5 "$dir/make.log")"
fi
lib=$stage/usr/local/lib
soname=$(readelf -d "$lib/libmlp.so.$version" 2> /dev/null | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
if [ "$soname" = "libmlp.so.$major" ] && [ "$(readlink "$lib/libmlp.so.$major")" = "libmlp.so.$version" ] &&
    [ "$(readlink "$lib/libmlp.so")" = "libmlp.so.$major" ]; then
    pass install_soname
else
    fail install_soname "soname '$soname', links $(readlink "$lib/libmlp.so.$major") $(readlink "$lib/libmlp.so")"
fi
# The pkg-config file names the final prefix, not the staging folder.
if grep -qx 'prefix=/usr/local' "$lib/pkgconfig/mlp.pc" && ! grep -q "$stage" "$lib/pkgconfig/mlp.pc"; then
    pass install_pc_prefix
else
    fail install_pc_prefix "$(head -n 3 "$lib/pkgconfig/mlp.pc")"
fi
if mk uninstall DESTDIR="$stage" PREFIX=/usr/local && [ -z "$(files "$stage")" ]; then
    pass uninstall_destdir
else
    fail uninstall_destdir "left $(files "$stage")"
fi

# Into a temporary PREFIX, then README's example against it.
prefix=$dir/prefix
if mk install PREFIX="$prefix" && "$prefix/bin/mlp" --version > /dev/null; then
    pass install_prefix
else
    fail install_prefix "$(tail -n 5 "$dir/make.log")"
fi
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# The first C block after the heading.
sed -n '/^## Embedding the engine/,/^## /p' "$root/README.md" | sed -n '/^```c$/,/^```$/p' |
    sed '1d;$d' > "$dir/prog.c"
# 50 all-zero images of class 0 and uniform initial outputs: loss ln 10, every argmax is class 0.
want="loss 2.3026, 50 correct"
# shellcheck disable=SC2046 # pkg-config's flags are words
if [ -s "$dir/prog.c" ] &&
    cc "$dir/prog.c" $(pkg-config --cflags --libs mlp) -o "$dir/prog" 2> "$dir/cc.err"; then
    pass readme_example_compiles
else
    fail readme_example_compiles "$(head -n 5 "$dir/cc.err")"
fi
if [ -x "$dir/prog" ] && LD_LIBRARY_PATH="$prefix/lib" ldd "$dir/prog" | grep -q "$prefix/lib/libmlp.so.$major" &&
    [ "$(LD_LIBRARY_PATH="$prefix/lib" "$dir/prog")" = "$want" ]; then
    pass readme_example_runs_shared
else
    fail readme_example_runs_shared "not run against $prefix/lib/libmlp.so.$major, or printed something else"
fi
# Statically: -l:libmlp.a takes the archive where -lmlp would take the shared library beside it.
# shellcheck disable=SC2046
if cc "$dir/prog.c" $(pkg-config --static --cflags --libs mlp | sed 's/-lmlp\( \|$\)/-l:libmlp.a /') \
    -o "$dir/prog_static" 2> "$dir/cc.err" && ! readelf -d "$dir/prog_static" | grep -q libmlp &&
    [ "$("$dir/prog_static")" = "$want" ]; then
    pass readme_example_static
else
    fail readme_example_static "$(head -n 5 "$dir/cc.err")"
fi
# A program with functions of its own named as libmlp's internal ones links with libmlp.a too.
cat > "$dir/own.c" << 'EOF'
int csv_load(void) { return 1; }
int parallel_run(void) { return 2; }
int onnx__model_proto__get_packed_size(void) { return 3; }
EOF
# shellcheck disable=SC2046
if cc "$dir/prog.c" "$dir/own.c" $(pkg-config --static --cflags --libs mlp | sed 's/-lmlp\( \|$\)/-l:libmlp.a /') \
    -o "$dir/prog_own" 2> "$dir/cc.err" && [ "$("$dir/prog_own")" = "$want" ]; then
    pass static_no_clash
else
    fail static_no_clash "$(grep -m 3 'multiple definition' "$dir/cc.err")"
fi
if mk uninstall PREFIX="$prefix" && [ -z "$(files "$prefix")" ]; then
    pass uninstall_prefix
else
    fail uninstall_prefix "left $(files "$prefix")"
fi
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]

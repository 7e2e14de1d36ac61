#!/bin/sh
# The studio's launcher (gui/studio/launcher.cpp): the studio starts once,
# with the OpenMP wait setting (GOMP_SPINCOUNT=3000) unless the user chose
# one, so it need not start itself again (issue 21: the first frame); a
# studio that is not beside it is an error in words.
#   launcher_test.sh PATH/TO/gradscope
set -u
launcher=$1
if ! command -v strace >/dev/null 2>&1; then
    echo "SKIP: strace is not installed (it counts the programs started)"
    exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# run NAME ENV...: the launcher's --help under strace; its programs' execve lines in $dir/NAME.
run() {
    name=$1
    shift
    env "$@" QT_QPA_PLATFORM=offscreen strace -f -v -s 100000 -e trace=execve -o "$dir/$name.trace" \
        "$launcher" --help >"$dir/$name.out" 2>"$dir/$name.err" || fail "$name: --help exited with $?"
    grep -q "watch neural networks learn" "$dir/$name.out" || fail "$name: not the studio's help: $(cat "$dir/$name.out")"
    grep 'execve(' "$dir/$name.trace" | grep -v ENOENT >"$dir/$name.execs"
    n=$(wc -l <"$dir/$name.execs")
    [ "$n" -eq 2 ] || fail "$name: $n programs started (the launcher and the studio expected):
$(cut -c1-160 "$dir/$name.execs")"
    sed -n 2p "$dir/$name.execs" | grep -q 'gradscope-studio"' || fail "$name: the second program is not the studio"
}

run unset -u GOMP_SPINCOUNT -u OMP_WAIT_POLICY
sed -n 2p "$dir/unset.execs" | grep -q '"GOMP_SPINCOUNT=3000"' || fail "the studio did not get GOMP_SPINCOUNT=3000"

run spincount -u OMP_WAIT_POLICY GOMP_SPINCOUNT=7
sed -n 2p "$dir/spincount.execs" | grep -q '"GOMP_SPINCOUNT=7"' || fail "the user's GOMP_SPINCOUNT was not kept"
sed -n 2p "$dir/spincount.execs" | grep -q 'GOMP_SPINCOUNT=3000' && fail "the user's GOMP_SPINCOUNT was replaced"

run passive -u GOMP_SPINCOUNT OMP_WAIT_POLICY=PASSIVE
sed -n 2p "$dir/passive.execs" | grep -q 'GOMP_SPINCOUNT' && fail "GOMP_SPINCOUNT was added to the user's OMP_WAIT_POLICY"

# Alone, without the studio beside it.
cp "$launcher" "$dir/gradscope"
"$dir/gradscope" --help >"$dir/alone.out" 2>"$dir/alone.err"
status=$?
[ "$status" -eq 127 ] || fail "without the studio: exit status $status, not 127"
grep -q "cannot start the studio $dir/gradscope-studio" "$dir/alone.err" || fail "without the studio: $(cat "$dir/alone.err")"
echo "ok: the studio starts once, with the wait setting unless the user chose one"

#!/usr/bin/env bash
# The built gradscope-monitor must not depend on the engine: it reads run logs
# through gradscope_core. Fails, naming what it found, when the program needs
# one of the engine's libraries (oneDNN, OpenMP, zlib) or holds engine code
# (gs::Session, gs::Trainer, gs::Model, the CPU backend). It also checks that
# it can see what it looks for (the core's reader is in there), so a stripped
# or missing program cannot pass by accident.
#
#   links_no_engine.sh path/to/gradscope-monitor
set -u
exe=${1:?usage: links_no_engine.sh path/to/gradscope-monitor}
[ -x "$exe" ] || { echo "not an executable: $exe"; exit 1; }

libs=$(ldd "$exe") || { echo "ldd $exe failed"; exit 1; }
syms=$(nm -C "$exe") || { echo "nm $exe failed"; exit 1; }
if ! grep -q 'gs::parse_run_log_line' <<<"$syms"; then
    echo "no gs::parse_run_log_line in $exe: cannot tell what it links (stripped?)"
    exit 1
fi

fail=0
for lib in libdnnl libgomp 'libz\.so'; do
    found=$(grep -E "$lib" <<<"$libs")
    if [ -n "$found" ]; then
        echo "gradscope-monitor needs an engine library:"
        echo "$found"
        fail=1
    fi
done
for sym in 'gs::Session::' 'gs::Trainer::' 'gs::Model::' 'gs::cpu_backend\(' 'dnnl::'; do
    found=$(grep -E "$sym" <<<"$syms" | head -3)
    if [ -n "$found" ]; then
        echo "gradscope-monitor holds engine code ($sym):"
        echo "$found"
        fail=1
    fi
done
[ "$fail" = 0 ] && echo "gradscope-monitor links no engine: $(grep -c '=>' <<<"$libs") libraries, none of the engine's"
exit "$fail"

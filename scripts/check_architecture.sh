#!/usr/bin/env bash
# check_architecture.sh: the seams of DESIGN.md's architecture, checked in the
# sources. One function per rule; each prints every offence as
# "file:line: what it does (rule: ...)" and returns non-zero when it finds
# one. The script exits non-zero when any rule fails. CTest runs it as
# architecture.check (tests/CMakeLists.txt).
#
#   scripts/check_architecture.sh [REPO_ROOT]    (default: this script's repository)
#
# To add a rule: write a rule_* function below and list it in RULES.
# shellcheck disable=SC2317  # the rules run through the RULES array
set -u
root=$(cd "${1:-$(dirname "$0")/..}" && pwd) || exit 2
cd "$root" || exit 2

# --- helpers ---------------------------------------------------------------

# The engine's public headers as included ("gradscope/session.h", ...),
# computed from engine/include/gradscope, one a line.
engine_headers() {
    (cd engine/include && find gradscope -type f -name '*.h' | sort)
}

# Lines of the given files that #include one of the headers listed in $1 (a
# file of names), as "file:line:text".
includes_of() {
    local list=$1
    shift
    [ "$#" -gt 0 ] || return 0
    # A name as a regular expression, anywhere at the end of an include path
    # ("gradscope/session.h", "../engine/include/gradscope/session.h").
    local alternatives
    # shellcheck disable=SC2016  # a sed expression, not a shell one
    alternatives=$(sed -e 's/[.[\*^$()+?{|]/\\&/g' "$list" | paste -sd'|' -)
    grep -nHE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]([^<>\"]*/)?(${alternatives})[>\"]" "$@"
}

# Prints every hit of includes_of as "file:line: include (rule: $2)"; returns
# non-zero when there was one. $1: the output of includes_of.
report_hits() {
    local found=$1 rule=$2
    [ -z "$found" ] && return 0
    while IFS= read -r hit; do
        local where what
        where=$(cut -d: -f1,2 <<<"$hit")
        what=$(cut -d: -f3- <<<"$hit" | sed -E 's/^[[:space:]]+//')
        echo "$where: $what (rule: $rule)"
    done <<<"$found"
    return 1
}

# The C++ sources (.h .cpp .cu .cuh) under the given folders, one a line.
sources_under() {
    find "$@" -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.cpp' -o -name '*.cu' -o -name '*.cuh' \) 2>/dev/null | sort
}

# Lines of the given files that include a header matching the extended
# regular expression $1 (matched against the path inside <> or "").
includes_matching() {
    local pattern=$1
    shift
    [ "$#" -gt 0 ] || return 0
    grep -nHE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"](${pattern})[>\"]" "$@"
}

# Headers of the libraries only the engine, the CUDA backend or the front
# ends may use (oneDNN, OpenMP, zlib, stb, Qt, QCustomPlot, ImGui, GLFW,
# OpenGL, CUDA, cuBLAS, cuDNN, ONNX, OpenCV), as an include-path pattern.
heavy_headers='oneapi/[^>"]*|dnnl[^>"]*|omp\.h|zlib\.h|stb_[^>"]*|Q[A-Za-z]+|Qt[A-Za-z]+/[^>"]*|qcustomplot\.h|imgui[^>"]*|backends/imgui[^>"]*|GLFW/[^>"]*|GL/[^>"]*|cuda[^>"]*|cublas[^>"]*|cudnn[^>"]*|onnx/[^>"]*|opencv2/[^>"]*'

# --- rules -------------------------------------------------------------------

# Rule 1 (DESIGN.md rule 2): only gui/studio/bridge/ touches the engine. The
# views (everything else in gui/studio, main.cpp too) and the bridge's own
# headers, which the views include, include no engine header; they see the
# core library's plain data and the bridge's view models. (The build agrees:
# the engine's include directory is on the bridge library's path only.)
rule_studio_views_include_no_engine_header() {
    local rule="studio views include no engine header: reach the engine through gui/studio/bridge/"
    local headers
    headers=$(mktemp) || return 2
    engine_headers >"$headers"
    if [ ! -s "$headers" ] || [ ! -d gui/studio ]; then
        echo "cannot check '$rule': no engine headers under engine/include/gradscope or no gui/studio"
        rm -f "$headers"
        return 1
    fi
    local files=()
    while IFS= read -r f; do
        files+=("$f")
    done < <(find gui/studio -type f \( -name '*.h' -o -name '*.cpp' \) ! -path 'gui/studio/bridge/*.cpp' | sort)
    local found
    found=$(includes_of "$headers" "${files[@]}")
    rm -f "$headers"
    report_hits "$found" "$rule"
}

# Rule 2 (DESIGN.md rule 3): the core library is plain data. core/ includes
# no engine header and no heavy library (nlohmann/json, header-only, is
# allowed); the monitor and the studio's views stand on it alone.
rule_core_is_plain_data() {
    local rule="core/ is plain data: no engine header, no heavy library"
    local headers files found status=0
    headers=$(mktemp) || return 2
    engine_headers >"$headers"
    mapfile -t files < <(sources_under core)
    [ "${#files[@]}" -gt 0 ] || { echo "cannot check '$rule': no sources under core/"; rm -f "$headers"; return 1; }
    found=$(includes_of "$headers" "${files[@]}")
    rm -f "$headers"
    report_hits "$found" "$rule" || status=1
    found=$(includes_matching "$heavy_headers" "${files[@]}")
    report_hits "$found" "$rule" || status=1
    return "$status"
}

# Rule 3 (DESIGN.md rule 1): the engine knows nothing of Qt, ImGui, GLFW or
# CUDA, and nothing of the folders built on it (cuda/, gui/, cli/, export/).
rule_engine_knows_no_gui_or_cuda() {
    local rule="engine/ includes no Qt, ImGui, GLFW, OpenGL or CUDA header and nothing from cuda/, gui/, cli/ or export/"
    local files found status=0
    mapfile -t files < <(sources_under engine)
    [ "${#files[@]}" -gt 0 ] || { echo "cannot check '$rule': no sources under engine/"; return 1; }
    found=$(includes_matching 'Q[A-Za-z]+|Qt[A-Za-z]+/[^>"]*|qcustomplot\.h|imgui[^>"]*|backends/imgui[^>"]*|gradscope_imgui/[^>"]*|GLFW/[^>"]*|GL/[^>"]*|cuda[^>"]*|cublas[^>"]*|cudnn[^>"]*|curand[^>"]*' "${files[@]}")
    report_hits "$found" "$rule" || status=1
    found=$(includes_matching '([^>"]*/)?(cuda|gui|cli|export)/[^>"]*|gradscope/cuda_backend\.h' "${files[@]}")
    report_hits "$found" "$rule" || status=1
    return "$status"
}

# Rule 4 (DESIGN.md rule 4): the public API carries no device code. The
# per-element arithmetic backends share is internal (engine/kernels, the
# gradscope_kernels target), so __CUDACC__ appears in no public header.
rule_public_headers_carry_no_device_code() {
    local rule="public headers (core/include, engine/include) carry no __CUDACC__ branches"
    local found
    found=$(grep -rnH '__CUDACC__\|__device__\|__global__' core/include engine/include 2>/dev/null)
    report_hits "$found" "$rule"
}

# Rule 5 (DESIGN.md rule 4): the CUDA backend sees the engine only through
# the contract the engine owns: the Backend interface and its tensors, the
# plugin ABI (gradscope/backend_plugin.h), gs::Error, and the shared
# per-element arithmetic (gradscope_kernels/). Nothing of the engine's
# insides (sessions, models, src/).
rule_cuda_sees_only_the_contract() {
    local rule="cuda/ includes only the backend contract: gradscope/{backend,backend_plugin,backend_info,tensor,shape,error}.h and gradscope_kernels/"
    local files found
    mapfile -t files < <(sources_under cuda)
    [ "${#files[@]}" -gt 0 ] || return 0  # a build without cuda/ has nothing to check
    found=$(grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^<>"]*/)?(gradscope|gradscope_kernels|engine|src)/[^<>"]*[>"]' "${files[@]}" |
        grep -vE '[<"]gradscope/(backend|backend_plugin|backend_info|tensor|shape|error)\.h[>"]|[<"]gradscope_kernels/[^<>"]*[>"]')
    report_hits "$found" "$rule"
}

# Rule 6 (DESIGN.md rule 3): the monitor reads records through the core
# library alone; only the in-process inspector (session_inspector.cpp and
# its header gradscope_imgui/inspector.h, the gradscope_imgui_inspector
# target) and the embedding example touch a Session. (The test
# monitor.links-no-engine checks the built program as well.)
rule_monitor_reads_core_only() {
    local rule="gui/monitor includes no engine header outside the in-process inspector"
    local headers files found
    headers=$(mktemp) || return 2
    engine_headers >"$headers"
    mapfile -t files < <(sources_under gui/monitor/src gui/monitor/include |
        grep -vE '^gui/monitor/(src/session_inspector\.cpp|include/gradscope_imgui/inspector\.h)$')
    [ "${#files[@]}" -gt 0 ] || { rm -f "$headers"; return 0; }
    found=$(includes_of "$headers" "${files[@]}")
    rm -f "$headers"
    report_hits "$found" "$rule"
}

# Rule 7 (DESIGN.md rule 4): backends are found in one place. Only the
# registry folder (engine/src/backend/) loads libraries or asks the CUDA
# loader; every front end goes through probe_backends / open_backend.
rule_backends_are_found_in_one_place() {
    local rule="only engine/src/backend/ loads backend libraries (dlopen, cuda_status, cuda_backend); front ends use open_backend"
    local found
    found=$(grep -rnHE '\b(dlopen|cuda_status|cuda_backend)[[:space:]]*\(' \
        --include='*.cpp' --include='*.h' core engine cli bench gui export 2>/dev/null |
        grep -v '^engine/src/backend/')
    report_hits "$found" "$rule"
}

# Rule 8 (DESIGN.md "Tests", issue 12): test files stay under 600 lines.
rule_test_files_stay_small() {
    local rule="test files stay under 600 lines: split them by feature"
    local status=0 f n
    while IFS= read -r f; do
        n=$(wc -l <"$f")
        if [ "$n" -ge 600 ]; then
            echo "$f:$n: $n lines (rule: $rule)"
            status=1
        fi
    done < <(find tests -type f \( -name '*.cpp' -o -name '*.h' -o -name '*.py' -o -name '*.sh' \) ! -path 'tests/fuzz/corpus/*' | sort)
    return "$status"
}

# A QtTest slot named X_data() is X's data function: QtTest never runs it as
# a test, and without a slot X() nothing runs it at all (a test named
# the_input_follows_the_data() went unrun this way).
rule_qt_test_slots_all_run() {
    local rule="a QtTest slot ending in _data() is a data function: rename the test"
    local status=0 f line name
    while IFS= read -r f; do
        while IFS= read -r line; do
            name=$(sed -E 's/.*void[[:space:]]+([A-Za-z0-9_]+)_data\(\).*/\1/' <<<"${line#*:}")
            if ! grep -qE "void[[:space:]]+${name}\(\)" "$f"; then
                echo "$f:${line%%:*}: ${name}_data() has no test ${name}() (rule: $rule)"
                status=1
            fi
        done < <(grep -nE 'void[[:space:]]+[A-Za-z0-9_]+_data\(\)' "$f")
    done < <(grep -rlE 'QTEST_(MAIN|GUILESS_MAIN|APPLESS_MAIN)|QtTest' tests | sort)
    return "$status"
}

# Rule 9 (issue 12): the engine's tests mirror the engine's sources: a test of
# engine/src/<part>/ lives in tests/engine/<part>/, every folder under
# tests/engine/ is a folder of engine/src/, and only tests of a file at the
# top of engine/src (trainer.cpp, model.cpp, ...) sit at the top of tests/engine.
rule_engine_tests_mirror_the_sources() {
    local rule="tests/engine/<part>/ mirrors engine/src/<part>/: put the test beside its part"
    local status=0 d f base
    while IFS= read -r d; do
        if [ ! -d "engine/src/${d#tests/engine/}" ]; then
            echo "$d: no engine/src/${d#tests/engine/} (rule: $rule)"
            status=1
        fi
    done < <(find tests/engine -mindepth 1 -type d | sort)
    while IFS= read -r f; do
        base=$(basename "$f" .cpp)
        base=${base#test_}
        if [ ! -f "engine/src/$base.cpp" ]; then
            echo "$f: at the top of tests/engine, but engine/src/$base.cpp is not a top-level file (rule: $rule)"
            status=1
        fi
    done < <(find tests/engine -maxdepth 1 -name 'test_*.cpp' | sort)
    return "$status"
}

# Rule 10 (DESIGN.md, issue 12): named things are written once, in
# core/src/names.cpp. Code compares, sets and assigns optimizers, schedules,
# losses, breakpoints and hyperparameters through names.h (id_of, find_*,
# the kinds), never through a hand-typed id: a line outside names.cpp and the
# tests that holds one of their ids as a string literal ("adam",
# QStringLiteral("lr")) and compares it (== !=), passes it to
# set_hyperparameter / hyperparameterChanged, or assigns it to a .type, .loss
# or .kind is an offence. The ids are read from names.cpp; "step" and
# "constant", which are also ordinary words ("step" is a record type), are
# left out. A spec file's JSON keys ("lr" in the optimizer object) are
# fields, not names: a line that compares one says so with the comment
# "// a field, not a name" and is not matched.
named_literal_exceptions=()
rule_named_things_are_written_once() {
    local rule="optimizer, schedule, loss, breakpoint and hyperparameter ids come from names.h (id_of, find_*), not string literals"
    local ids files found
    ids=$(grep -oE '(OptimizerKind|ScheduleKind|LossKind|BreakpointKind|H)::[A-Za-z]+, "[a-z_]+"' core/src/names.cpp |
        sed -E 's/.*"([a-z_]+)"/\1/' | grep -vxE 'step|constant' | sort -u | paste -sd'|' -)
    [ -n "$ids" ] || { echo "cannot check '$rule': no ids found in core/src/names.cpp"; return 1; }
    mapfile -t files < <(sources_under core/src engine/src gui cli bench export | grep -vxF core/src/names.cpp |
        grep -vxF -f <(printf '%s\n' "${named_literal_exceptions[@]}"))
    local lit="(QStringLiteral\\(|QLatin1String\\(|QString\\()?\"(${ids})\"\\)?"
    found=$(grep -nHE "(([=!]=[[:space:]]*${lit})|(${lit}[[:space:]]*[=!]=)|((set_hyperparameter|hyperparameterChanged)\\([[:space:]]*${lit})|(\\.(type|loss|kind)[[:space:]]*=[[:space:]]*${lit}))" "${files[@]}")
    found=$(grep -v '// a field, not a name' <<<"$found")
    report_hits "$found" "$rule"
}

# --- driver ------------------------------------------------------------------

RULES=(
    rule_studio_views_include_no_engine_header
    rule_core_is_plain_data
    rule_engine_knows_no_gui_or_cuda
    rule_public_headers_carry_no_device_code
    rule_cuda_sees_only_the_contract
    rule_monitor_reads_core_only
    rule_backends_are_found_in_one_place
    rule_test_files_stay_small
    rule_qt_test_slots_all_run
    rule_engine_tests_mirror_the_sources
    rule_named_things_are_written_once
)

status=0
for rule in "${RULES[@]}"; do
    if "$rule"; then
        echo "ok   ${rule#rule_}"
    else
        echo "FAIL ${rule#rule_}"
        status=1
    fi
done
exit "$status"

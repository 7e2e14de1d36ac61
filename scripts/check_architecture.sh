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
    [ -z "$found" ] && return 0
    while IFS= read -r hit; do
        local where what
        where=$(cut -d: -f1,2 <<<"$hit")
        what=$(cut -d: -f3- <<<"$hit" | sed -E 's/^[[:space:]]+//')
        echo "$where: $what (rule: $rule)"
    done <<<"$found"
    return 1
}

# --- driver ------------------------------------------------------------------

RULES=(
    rule_studio_views_include_no_engine_header
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

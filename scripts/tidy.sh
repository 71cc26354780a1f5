#!/usr/bin/env bash
# clang-tidy (checks in .clang-tidy, warnings as errors) over the C++ sources of src/.
#
# Which sources: by default those whose content is not recorded as clean in
# scripts/tidy-clean.txt (the blob hash of each source and header that passed, written by the
# last whole run with TIDY_RECORD=1). This needs no git history and no tags, so a shallow or
# tag-less clone (CI) checks exactly what changed since the record. A header whose content is not
# recorded brings in the sources of its directory; a changed .clang-tidy brings in everything.
# TIDY_BASE=<commit> checks what changed since that commit instead; TIDY_BASE=all checks all.
# TIDY_RECORD=1 rewrites the record after a passing run (not with TIDY_BASE=<commit>).
# Needs a configured build directory for compile_commands.json (BUILD_DIR, default build).
# Tests (*_test.cc) are not checked: they are GoogleTest macro code, and each file costs 5-15 s
# of parsing. Exit status 1 when any file has an error; the findings are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
TIDY=${CLANG_TIDY:-clang-tidy}
RECORD_FILE=scripts/tidy-clean.txt

if [ ! -f "$BUILD_DIR/compile_commands.json" ]; then
  echo "tidy: $BUILD_DIR/compile_commands.json is missing; build first (scripts/build.sh)" >&2
  exit 2
fi

# "<blob> <path>" for every file the record covers, from the files as they are on disk.
current_hashes() {
  local paths
  mapfile -t paths < <({ git ls-files 'src/*.cc' 'src/*.h' | grep -v '_test\.cc$'; echo .clang-tidy; } | sort)
  paste -d ' ' <(printf '%s\n' "${paths[@]}" | git hash-object --stdin-paths) <(printf '%s\n' "${paths[@]}")
}

# A header is checked through the sources that include it (HeaderFilterRegex): take the sources
# of its own directory, which include it first.
expand_headers() {
  local f
  for f in "$@"; do
    case "$f" in
      *.h) git ls-files "$(dirname "$f")/*.cc" | grep -v '_test\.cc$' || true ;;
      *.cc) [ -f "$f" ] && echo "$f" ;;
    esac
  done | sort -u
}

all_sources() { git ls-files 'src/*.cc' | grep -v '_test\.cc$' || true; }

mode=${TIDY_BASE:-record}
if [ "$mode" = all ]; then
  mapfile -t files < <(all_sources)
  what="all sources"
elif [ "$mode" = record ]; then
  recorded=$(mktemp)
  trap 'rm -f "$recorded"' EXIT
  [ -f "$RECORD_FILE" ] && grep -v '^#' "$RECORD_FILE" | sort > "$recorded"
  mapfile -t unrecorded < <(current_hashes | sort | comm -23 - "$recorded" | cut -d ' ' -f 2-)
  if printf '%s\n' "${unrecorded[@]}" | grep -qx '.clang-tidy'; then
    mapfile -t files < <(all_sources)
    what="all sources (.clang-tidy is not the recorded one)"
  else
    mapfile -t files < <(expand_headers "${unrecorded[@]}")
    what="sources not recorded clean in $RECORD_FILE"
  fi
else
  mapfile -t changed < <(git diff --name-only --diff-filter=d "$mode" -- 'src/*.cc' 'src/*.h' |
                         grep -v '_test\.cc$' || true)
  mapfile -t files < <(expand_headers "${changed[@]}")
  what="sources changed since $mode"
fi

# The contents as they were when the check started: a file edited while clang-tidy runs must not
# be recorded as checked.
started_hashes=$(current_hashes)
write_record() {
  { echo "# clang-tidy passed on these contents (scripts/tidy.sh, TIDY_RECORD=1; docs/CHECKS.md)"
    printf '%s\n' "$started_hashes"; } > "$RECORD_FILE"
  echo "tidy: recorded $(($(wc -l < "$RECORD_FILE") - 1)) clean files in $RECORD_FILE"
}

if [ ${#files[@]} -eq 0 ]; then
  echo "tidy: nothing to check ($what: none)"
  if [ "${TIDY_RECORD:-0}" = 1 ] && [ "$mode" = record ]; then write_record; fi
  exit 0
fi
echo "tidy: ${#files[@]} files, $what, $JOBS at a time"
log=$(mktemp)
trap 'rm -f "$log" "${recorded:-}"' EXIT
status=0
printf '%s\n' "${files[@]}" |
  xargs -P "$JOBS" -n 1 "$TIDY" -p "$BUILD_DIR" --quiet --extra-arg=-Wno-unknown-warning-option >"$log" 2>&1 ||
  status=$?
# Each finding once (a header's is reported by every source that includes it), with the two
# lines that show the code; clang-tidy's counts of what it suppressed are left out.
awk '/^\/.*: (warning|error):/ { seen = ($0 in done); done[$0] = 1; n = seen ? 0 : 3 }
     n > 0 { print; n-- }' "$log"
if [ $status -ne 0 ]; then
  echo "tidy: FAILED (warnings are errors; see above)" >&2
  exit 1
fi
grep -q ': warning:' "$log" && echo "tidy: passed, with the warnings above (function size: issue 19 item 6)"
echo "tidy: passed"
if [ "${TIDY_RECORD:-0}" = 1 ]; then
  if [ "$mode" = all ] || [ "$mode" = record ]; then write_record
  else echo "tidy: TIDY_RECORD ignored with TIDY_BASE=<commit> (it did not check everything)" >&2; fi
fi

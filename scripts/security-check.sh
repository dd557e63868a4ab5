#!/usr/bin/env bash
# Security checks run by `make test`: no secret in the repository, no known vulnerability in the locked
# dependencies. Exit 1 on a finding. When an advisory service cannot be reached (no network), that audit prints a
# NOTICE and is skipped: it does not fail the run.
#
#   scripts/security-check.sh                   all checks
#   scripts/security-check.sh --write-baseline  after reviewing the findings printed by a failed run: record them
#                                               as known non-secrets (test passwords, cookie names, references)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASELINE="scripts/secrets-baseline.json"
EXCLUDE_FILES='(^|/)(uv\.lock|package-lock\.json|secrets-baseline\.json)$'
# Test and load-test code is full of made-up passwords and credentials in URLs: there only the detectors of real
# credential formats run (cloud keys, tokens, private keys), not the keyword, basic-auth and entropy heuristics.
TEST_FILES='(^|/)tests?/|^loadtest/|\.(test|spec)\.[jt]sx?$'
HEURISTICS=(KeywordDetector BasicAuthDetector Base64HighEntropyString HexHighEntropyString IPPublicDetector)
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT" || exit 2

UV="${UV:-$(bash scripts/uv.sh)}"
tool() { "$UV" run --quiet --project backend --frozen "$@"; }
notice() { echo "NOTICE: $*" >&2; }

# --- secrets: tracked files scanned by detect-secrets, compared with the reviewed baseline --------------------
scan_secrets() {
  tool detect-secrets scan --exclude-files "$EXCLUDE_FILES|$TEST_FILES" >"$WORK/scan-code.json" || return 2
  local disabled=() plugin
  for plugin in "${HEURISTICS[@]}"; do disabled+=(--disable-plugin "$plugin"); done
  git ls-files | grep -E "$TEST_FILES" | grep -vE "$EXCLUDE_FILES" >"$WORK/test-files.txt"
  # shellcheck disable=SC2046
  tool detect-secrets scan "${disabled[@]}" $(cat "$WORK/test-files.txt") >"$WORK/scan-tests.json" || return 2
  tool python - "$WORK/scan-code.json" "$WORK/scan-tests.json" "$WORK/scan.json" <<'PY'
import json, sys
code, tests = (json.load(open(path)) for path in sys.argv[1:3])
code["results"].update(tests["results"])
json.dump(code, open(sys.argv[3], "w"))
PY
}

check_secrets() {
  scan_secrets || { echo "secret scan: detect-secrets failed" >&2; return 1; }
  # Same file and same hashed value as a reviewed baseline entry = known; line numbers may move.
  tool python - "$WORK/scan.json" "$BASELINE" <<'PY'
import json, sys
scan = json.load(open(sys.argv[1]))["results"]
try:
    known = json.load(open(sys.argv[2]))["results"]
except FileNotFoundError:
    known = {}
known_keys = {(path, item["hashed_secret"]) for path, items in known.items() for item in items}
new = [(path, item) for path, items in scan.items() for item in items if (path, item["hashed_secret"]) not in known_keys]
for path, item in new:
    print(f"possible secret: {path}:{item['line_number']} ({item['type']})")
if new:
    print("secret scan: FAILED. Remove the secret (and rotate it), or, if it is not one, run "
          "scripts/security-check.sh --write-baseline and commit scripts/secrets-baseline.json")
    sys.exit(1)
print(f"secret scan: ok ({sum(map(len, scan.values()))} known non-secrets)")
PY
}

write_baseline() {
  scan_secrets || exit 1
  tool python - "$WORK/scan.json" "$BASELINE" <<'PY'
import json, sys
scan = json.load(open(sys.argv[1]))
for items in scan["results"].values():
    for item in items:
        item["is_secret"] = False
        item.pop("line_number", None)  # compared by file and hashed value only
scan.pop("generated_at", None)
json.dump(scan, open(sys.argv[2], "w"), indent=2, sort_keys=True)
open(sys.argv[2], "a").write("\n")
print(f"wrote {sys.argv[2]}: {sum(map(len, scan['results'].values()))} entries marked as not secret")
PY
}

# --- Python: the locked runtime dependencies (what the image ships) -------------------------------------------
check_python() {
  if ! tool python -c "import urllib.request; urllib.request.urlopen('https://pypi.org/pypi/pip/json', timeout=10)" \
      >/dev/null 2>&1; then
    notice "PyPI's advisory service is unreachable: Python dependency audit skipped"
    return 0
  fi
  (cd backend && "$UV" export --quiet --frozen --no-dev --no-emit-project --no-hashes --format requirements.txt) \
    >"$WORK/requirements.txt" || return 1
  if tool pip-audit --requirement "$WORK/requirements.txt" --no-deps --disable-pip --progress-spinner off \
      >"$WORK/pip-audit.txt" 2>&1; then
    echo "pip-audit: ok (no known vulnerability in $(grep -c '==' "$WORK/requirements.txt") locked packages)"
    return 0
  fi
  if grep -qiE "connection|timed out|resolve|temporarily unavailable|max retries" "$WORK/pip-audit.txt" \
      && ! grep -qE "^Name +Version" "$WORK/pip-audit.txt"; then
    notice "pip-audit could not reach the advisory service: Python dependency audit skipped"
    return 0
  fi
  cat "$WORK/pip-audit.txt"
  echo "pip-audit: FAILED (upgrade the packages above: uv lock --upgrade-package NAME)"
  return 1
}

# --- JavaScript: the client's dependencies, high and critical advisories ---------------------------------------
check_npm() {
  [ -f frontend/package-lock.json ] || { echo "npm audit: no frontend/package-lock.json, skipped"; return 0; }
  if ! (cd frontend && timeout 30 npm ping >/dev/null 2>&1); then
    notice "the npm registry is unreachable: npm audit skipped"
    return 0
  fi
  if (cd frontend && npm audit --audit-level=high) >"$WORK/npm-audit.txt" 2>&1; then
    echo "npm audit: ok (no high or critical advisory)"
    return 0
  fi
  if grep -qiE "ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|audit endpoint returned an error" \
      "$WORK/npm-audit.txt"; then
    notice "npm's advisory service is unreachable: npm audit skipped"
    return 0
  fi
  cat "$WORK/npm-audit.txt"
  echo "npm audit: FAILED (npm audit fix, or upgrade the packages above)"
  return 1
}

if [ "${1:-}" = "--write-baseline" ]; then
  write_baseline
  exit $?
fi

failed=0
check_secrets || failed=1
check_python || failed=1
check_npm || failed=1
exit "$failed"

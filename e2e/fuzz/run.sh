#!/usr/bin/env bash
# API fuzzing: schemathesis generates requests from the gateway's published OpenAPI document
# and checks every answer against it (docs/api.md, "API fuzzing"). Runs against a running stack
# (deploy/stack.sh up infra apps); it writes records into the globex tenant and replaces its
# pipeline, so point it at a test stack.
#
#   e2e/fuzz/run.sh                 the bounded run of `make test`
#   FUZZ_EXAMPLES=200 e2e/fuzz/run.sh   more cases per operation
#   e2e/fuzz/run.sh --include-operation-id createLead   extra schemathesis options
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../../deploy/env.sh
source deploy/env.sh

SCHEMATHESIS_VERSION=4.32.5
RELATA_HOME="${RELATA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/relata}"
VENV="$RELATA_HOME/schemathesis-$SCHEMATHESIS_VERSION"

# Install schemathesis once into the tools cache (a venv of its own, pinned).
if [ ! -x "$VENV/bin/st" ]; then
  python=$(command -v python3 || true)
  [ -n "$python" ] || { echo "fuzz: python3 is needed to run schemathesis" >&2; exit 1; }
  echo "fuzz: installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  rm -rf "$VENV.tmp"
  "$python" -m venv "$VENV.tmp" || { echo "fuzz: python3 cannot make a venv (Debian: apt-get install python3-venv)" >&2; exit 1; }
  "$VENV.tmp/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  mv "$VENV.tmp" "$VENV"
fi

GATEWAY_URL="${GATEWAY_URL:-http://localhost:$GATEWAY_PORT}"
# A tenant admin may call every operation; <tenant>-<role>, as the demo users are named.
FUZZ_USER="${FUZZ_USER:-globex-tenant-admin}"
token=$(curl -fsS "$KEYCLOAK_ISSUER/protocol/openid-connect/token" \
  -d grant_type=password -d client_id=relata-cli \
  -d username="$FUZZ_USER" -d password="${DEMO_PASSWORD:-relata-demo}" |
  "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

# Records of the fuzzing tenant that the operations on one record act on (otherwise every
# generated id is a 404 and Sales' rules for changes are never reached). Each run makes its own:
# the fuzzer deletes some of them, and a deleted record's idempotency key is not reusable.
run_id=$(date +%s%N)
fixture() { # <path> <key> <json body> → the record's id
  curl -fsS -X POST "$GATEWAY_URL$1" -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
    -H "Idempotency-Key: fuzz-fixture-$run_id-$2" -d "$3" |
    "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["id"])'
}
FUZZ_ACCOUNT_ID=$(fixture /v1/accounts account '{"name": "Fuzzing fixture"}')
FUZZ_CONTACT_ID=$(fixture /v1/contacts contact "{\"lastName\": \"Fixture\", \"accountId\": \"$FUZZ_ACCOUNT_ID\"}")
FUZZ_LEAD_ID=$(fixture /v1/leads lead '{"lastName": "Fixture", "company": "Fuzzing"}')
# Converting is final: the conversion gets a lead of its own, so the other lead stays editable.
FUZZ_CONVERT_LEAD_ID=$(fixture /v1/leads lead-to-convert '{"lastName": "Fixture", "company": "Fuzzing conversion"}')
FUZZ_OPPORTUNITY_ID=$(fixture /v1/opportunities opportunity "{\"name\": \"Fuzzing fixture\", \"accountId\": \"$FUZZ_ACCOUNT_ID\"}")
FUZZ_ACTIVITY_ID=$(fixture /v1/activities activity "{\"type\": \"task\", \"subject\": \"Fixture\", \"relatedTo\": {\"type\": \"sales.account\", \"id\": \"$FUZZ_ACCOUNT_ID\"}}")
export FUZZ_ACCOUNT_ID FUZZ_CONTACT_ID FUZZ_LEAD_ID FUZZ_CONVERT_LEAD_ID FUZZ_OPPORTUNITY_ID FUZZ_ACTIVITY_ID
export FUZZ_TENANT="${FUZZ_USER%%-*}"

report_dir=.run/fuzz
mkdir -p "$report_dir"
# The hooks hold the check that schema-valid input is accepted; the configuration pins the
# checks, the seed, the pace and the fixtures.
export SCHEMATHESIS_HOOKS=hooks
export PYTHONPATH="$PWD/e2e/fuzz${PYTHONPATH:+:$PYTHONPATH}"
exec "$VENV/bin/st" --config-file e2e/fuzz/schemathesis.toml run "$GATEWAY_URL/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --max-examples "${FUZZ_EXAMPLES:-25}" \
  --report junit --report-dir "$report_dir" \
  "$@"

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
# The interpreter: the first that runs and is at least 3.11.5. Earlier 3.11 releases (Debian 12
# ships 3.11.2) can crash schemathesis' test generation with "AST constructor recursion depth
# mismatch" (CPython gh-106905); one of them is used only when nothing newer is there. Besides
# the PATH, the interpreters a pyenv installed are looked at too, newest first.
pick_python() {
  local c p fallback=""
  for c in python3.13 python3.12 python3 $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.*/bin/python3 2>/dev/null | sort -rV) /usr/bin/python3; do
    p=$(command -v "$c" 2>/dev/null) || continue
    "$p" -c 'import venv' 2>/dev/null || continue
    if "$p" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11, 5) else 1)'; then echo "$p"; return; fi
    [ -n "$fallback" ] || fallback=$p
  done
  [ -z "$fallback" ] || echo "fuzz: only Python $("$fallback" -c 'import platform; print(platform.python_version())') found; releases before 3.11.5 can crash schemathesis (CPython gh-106905)" >&2
  echo "$fallback"
}
python=$(pick_python)
[ -n "$python" ] || { echo "fuzz: python3 (with venv) is needed to run schemathesis (Debian: apt-get install python3-venv)" >&2; exit 1; }
VENV="$RELATA_HOME/schemathesis-$SCHEMATHESIS_VERSION-py$("$python" -c 'import platform; print(platform.python_version())')"

# Install schemathesis once into the tools cache (a venv of its own, pinned, per interpreter).
# Made in place (a venv's scripts name its path) and marked complete last, so an interrupted
# install is started again.
if [ ! -f "$VENV/.complete" ]; then
  echo "fuzz: installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  rm -rf "$VENV"
  "$python" -m venv "$VENV" || { echo "fuzz: $python cannot make a venv (Debian: apt-get install python3-venv)" >&2; exit 1; }
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  touch "$VENV/.complete"
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
# The Service's: a queue, a case of the account in it, an escalation rule, an entitlement of the
# account, a bookable room and an appointment on it for the case.
FUZZ_QUEUE_ID=$(fixture /v1/queues queue '{"name": "Fuzzing fixture"}')
FUZZ_CASE_ID=$(fixture /v1/cases case "{\"subject\": \"Fuzzing fixture\", \"accountId\": \"$FUZZ_ACCOUNT_ID\", \"contactId\": \"$FUZZ_CONTACT_ID\", \"queueId\": \"$FUZZ_QUEUE_ID\"}")
FUZZ_ESCALATION_RULE_ID=$(fixture /v1/escalation-rules escalation-rule '{"name": "Fuzzing fixture", "alert": "breach"}')
FUZZ_ENTITLEMENT_ID=$(fixture /v1/entitlements entitlement "{\"accountId\": \"$FUZZ_ACCOUNT_ID\", \"name\": \"Fuzzing fixture\", \"endDate\": \"2099-12-31\", \"allowance\": 1000, \"slaLevel\": \"gold\"}")
FUZZ_RESOURCE_ID=$(fixture /v1/resources resource '{"name": "Fuzzing fixture", "kind": "room"}')
FUZZ_APPOINTMENT_ID=$(fixture /v1/appointments appointment "{\"resourceId\": \"$FUZZ_RESOURCE_ID\", \"caseId\": \"$FUZZ_CASE_ID\", \"start\": \"2031-01-06T10:00:00Z\", \"title\": \"Fuzzing fixture\"}")
export FUZZ_ACCOUNT_ID FUZZ_CONTACT_ID FUZZ_LEAD_ID FUZZ_CONVERT_LEAD_ID FUZZ_OPPORTUNITY_ID FUZZ_ACTIVITY_ID
FUZZ_CALENDAR_ID=$(fixture /v1/business-calendars calendar '{"name": "Fuzzing fixture", "timeZone": "Europe/Berlin", "weeklyHours": [{"day": "monday", "opens": "09:00", "closes": "17:00"}]}')
FUZZ_SLA_POLICY_ID=$(fixture /v1/sla-policies sla-policy "{\"name\": \"Fuzzing fixture\", \"calendarId\": \"$FUZZ_CALENDAR_ID\", \"category\": \"fuzzing\", \"targets\": [{\"priority\": \"normal\", \"slaLevel\": \"\", \"firstResponseMinutes\": 60, \"resolutionMinutes\": 600}]}")
# The Knowledge-Base's: an article (a draft of the fuzzing user's own).
FUZZ_ARTICLE_ID=$(fixture /v1/articles article '{"title": "Fuzzing fixture", "body": "How to reset the printer."}')
export FUZZ_QUEUE_ID FUZZ_CASE_ID FUZZ_ESCALATION_RULE_ID FUZZ_ENTITLEMENT_ID FUZZ_RESOURCE_ID FUZZ_APPOINTMENT_ID FUZZ_CALENDAR_ID FUZZ_SLA_POLICY_ID
export FUZZ_ARTICLE_ID
# Marketing's: an unsubscribe link of a person of the fuzzing tenant (its value is signed: a generated one is refused).
FUZZ_UNSUBSCRIBE_TOKEN=$(curl -fsS -X POST "$GATEWAY_URL/v1/consents/unsubscribe-links" -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
  -d '{"personId": "fuzz-person", "channel": "email"}' | "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["token"])')
FUZZ_MARKETING_LIST_ID=$(fixture /v1/marketing-lists marketing-list '{"name": "Fuzzing fixture"}')
export FUZZ_UNSUBSCRIBE_TOKEN FUZZ_MARKETING_LIST_ID
# Marketing's audience and segments: a segment.
FUZZ_SEGMENT_ID=$(fixture /v1/segments segment '{"name": "Fuzzing fixture", "conditions": [{"field": "industry", "operator": "equals", "value": "Retail"}]}')
export FUZZ_SEGMENT_ID
export FUZZ_TENANT="${FUZZ_USER%%-*}"

# Marketing's campaigns: a draft for the lifecycle's verbs and the questionnaire, a running phone
# campaign for the call list, a running campaign with a survey for its answers and summary (no
# targets: their launches fix no members and need no audience).
fuzz_call() { # <method> <path> <json body>
  curl -fsS -X "$1" "$GATEWAY_URL$2" -H "Authorization: Bearer $token" -H "Content-Type: application/json" -d "$3" >/dev/null
}
FUZZ_CAMPAIGN_ID=$(fixture /v1/campaigns campaign '{"name": "Fuzzing fixture", "startsAt": "2098-01-01T09:00:00Z", "endsAt": "2098-02-01T09:00:00Z", "channels": ["email", "phone"]}')
FUZZ_CALL_CAMPAIGN_ID=$(fixture /v1/campaigns call-campaign '{"name": "Fuzzing calls", "channels": ["phone"]}')
fuzz_call POST "/v1/campaigns/$FUZZ_CALL_CAMPAIGN_ID/launch" '{}'
FUZZ_SURVEY_CAMPAIGN_ID=$(fixture /v1/campaigns survey-campaign '{"name": "Fuzzing survey", "channels": ["email"]}')
fuzz_call PUT "/v1/campaigns/$FUZZ_SURVEY_CAMPAIGN_ID/survey" '{"questions": [{"id": "colour", "text": "Colour?", "kind": "single", "options": ["Red", "Blue"]}, {"id": "likely", "text": "Recommend us?", "kind": "scale"}, {"id": "wish", "text": "Wish?", "kind": "text"}]}'
fuzz_call POST "/v1/campaigns/$FUZZ_SURVEY_CAMPAIGN_ID/launch" '{}'
export FUZZ_CAMPAIGN_ID FUZZ_CALL_CAMPAIGN_ID FUZZ_SURVEY_CAMPAIGN_ID
# Marketing's responses and lead scoring: a running campaign to respond to (no targets: web-form
# respondents only) and a behaviour scoring rule.
FUZZ_RESPONSE_CAMPAIGN_ID=$(fixture /v1/campaigns response-campaign '{"name": "Fuzzing fixture: responses", "channels": ["email"]}')
fuzz_call POST "/v1/campaigns/$FUZZ_RESPONSE_CAMPAIGN_ID/launch" '{}'
FUZZ_SCORING_RULE_ID=$(fixture /v1/scoring-rules scoring-rule '{"name": "Fuzzing fixture", "kind": "behaviour", "responseType": "clicked", "points": 5, "halfLifeDays": 30}')
export FUZZ_RESPONSE_CAMPAIGN_ID FUZZ_SCORING_RULE_ID
# Integrations': an open import job (its upload, completion and abort act on it; once completed
# or aborted they answer 409).
FUZZ_IMPORT_ID=$(fixture /v1/imports import '{"object": "contacts", "operation": "insert"}')
export FUZZ_IMPORT_ID
# Sales' competitors: one to read and change.
FUZZ_COMPETITOR_ID=$(fixture /v1/competitors competitor '{"name": "Fuzzing fixture"}')
export FUZZ_COMPETITOR_ID
# Sales' commerce: a product, a default price list of it (GBP), an opportunity of their own (a
# primary quote sets its amount), a draft quote, a sent one (accept, reject), an accepted one
# (its order) and that order (fulfil, cancel).
FUZZ_PRODUCT_ID=$(fixture /v1/products product "{\"code\": \"FUZZ-$run_id\", \"name\": \"Fuzzing fixture\"}")
FUZZ_PRICE_LIST_ID=$(fixture /v1/price-lists price-list "{\"name\": \"Fuzzing fixture\", \"currency\": \"GBP\", \"isDefault\": true, \"entries\": [{\"productId\": \"$FUZZ_PRODUCT_ID\", \"unitPrice\": \"10.00\"}]}")
FUZZ_QUOTE_OPPORTUNITY_ID=$(fixture /v1/opportunities quote-opportunity "{\"name\": \"Fuzzing quotes\", \"accountId\": \"$FUZZ_ACCOUNT_ID\"}")
fuzz_quote() { # <key> → a quote of one line on the fixture's price list
  fixture /v1/quotes "$1" "{\"opportunityId\": \"$FUZZ_QUOTE_OPPORTUNITY_ID\", \"priceListId\": \"$FUZZ_PRICE_LIST_ID\", \"lines\": [{\"productId\": \"$FUZZ_PRODUCT_ID\", \"quantity\": \"2\", \"taxRate\": \"20\"}]}"
}
FUZZ_QUOTE_ID=$(fuzz_quote quote)
FUZZ_SENT_QUOTE_ID=$(fuzz_quote sent-quote)
fuzz_call POST "/v1/quotes/$FUZZ_SENT_QUOTE_ID/send" '{}'
FUZZ_ACCEPTED_QUOTE_ID=$(fuzz_quote accepted-quote)
fuzz_call POST "/v1/quotes/$FUZZ_ACCEPTED_QUOTE_ID/send" '{}'
fuzz_call POST "/v1/quotes/$FUZZ_ACCEPTED_QUOTE_ID/accept" '{}'
FUZZ_ORDER_ID=$(fixture /v1/orders order "{\"quoteId\": \"$FUZZ_ACCEPTED_QUOTE_ID\"}")
export FUZZ_PRODUCT_ID FUZZ_PRICE_LIST_ID FUZZ_QUOTE_OPPORTUNITY_ID FUZZ_QUOTE_ID FUZZ_SENT_QUOTE_ID FUZZ_ACCEPTED_QUOTE_ID FUZZ_ORDER_ID
# Sales' territories: a territory of its own code per run (codes are unique in the tenant); the
# forecast reads its subtree.
FUZZ_TERRITORY_ID=$(fixture /v1/territories territory "{\"code\": \"FUZZ-$run_id\", \"name\": \"Fuzzing fixture\", \"memberIds\": [\"fuzz-rep\"], \"defaultOwnerId\": \"fuzz-rep\", \"rules\": [{\"countries\": [\"ZZ\"]}]}")
export FUZZ_TERRITORY_ID

report_dir=.run/fuzz
mkdir -p "$report_dir"
# The hooks hold the check that schema-valid input is accepted; the configuration pins the
# checks, the seed, the pace and the fixtures.
export SCHEMATHESIS_HOOKS=hooks
export PYTHONPATH="$PWD/e2e/fuzz${PYTHONPATH:+:$PYTHONPATH}"
# Reporting's rebuild is the one operation a tenant admin may not call (platform admins only: it
# replays the whole installation's streams); the end-to-end journey calls it as one.
exec "$VENV/bin/st" --config-file e2e/fuzz/schemathesis.toml run "$GATEWAY_URL/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --exclude-operation-id rebuildAnalyticsStore \
  --max-examples "${FUZZ_EXAMPLES:-25}" \
  --report junit --report-dir "$report_dir" \
  "$@"

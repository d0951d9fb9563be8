#!/usr/bin/env bash
# Checks the Helm chart offline: lint (strict) and render with each value set, validate every
# rendered manifest against the Kubernetes schemas (strict: unknown fields fail), and lint the
# Dockerfiles. Installs what it needs through deploy/tools.sh; safe to run again.
# The rule tests over the rendered manifests are jest tests in charts/test/.
# Usage: deploy/chart-check.sh        Env: KUBE_VERSIONS (default "1.30.0 1.37.0")
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$RELATA_ROOT"

CHART=charts/relata
KUBE_VERSIONS=${KUBE_VERSIONS:-"1.30.0 1.37.0"}
# The last two: a service that searches (the bundled OpenSearch node), and a persistent local store (a StatefulSet).
VALUE_SETS=(default deploy/values/minimal.yaml deploy/values/production.yaml charts/test/values-opensearch.yaml charts/test/values-persistent-store.yaml)

log() { printf '[chart-check] %s\n' "$*"; }
start=$(date +%s)

deploy/tools.sh helm kubevalidate hadolint

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

rendered=()
for set in "${VALUE_SETS[@]}"; do
  args=()
  [ "$set" = default ] || args=(-f "$set")
  name=$(basename "$set" .yaml)
  log "helm lint --strict ($name)"
  helm lint --strict --quiet "$CHART" "${args[@]}" >"$out/lint-$name.txt" 2>&1 || { cat "$out/lint-$name.txt"; exit 1; }
  log "helm template ($name)"
  helm template relata "$CHART" --namespace relata "${args[@]}" >"$out/$name.yaml"
  rendered+=("$out/$name.yaml")
done

k_args=()
for v in $KUBE_VERSIONS; do k_args+=(-k "$v"); done
log "validating the rendered manifests against the Kubernetes schemas ($KUBE_VERSIONS)"
kubevalidate-python charts/test/kube_validate.py "${k_args[@]}" "${rendered[@]}"

log "hadolint deploy/docker/*.Dockerfile"
hadolint --config deploy/docker/hadolint.yaml deploy/docker/*.Dockerfile

log "passed in $(( $(date +%s) - start ))s"

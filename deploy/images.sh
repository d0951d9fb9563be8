#!/usr/bin/env bash
# Builds one image per workload (the gateway and every service, as their manifests list them:
# deploy/workloads.cjs) from the one deploy/docker/node-workload.Dockerfile, with the repository
# root as the build context, tagged <registry>/relata-<workload>:<tag>.
# Usage: deploy/images.sh [--push] [WORKLOAD...]     (default: every workload)
# Env:   IMAGE_REGISTRY (default ghcr.io/relata, the chart's default), IMAGE_TAG (default: the
#        chart's appVersion, which the chart deploys by default; never "latest"), DOCKER.
# Without a reachable Docker engine it prints the builds it would run and exits 0.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$RELATA_ROOT"

push=false
if [ "${1:-}" = --push ]; then push=true; shift; fi
registry=${IMAGE_REGISTRY:-ghcr.io/relata}
app_version=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' charts/relata/Chart.yaml)
tag=${IMAGE_TAG:-$app_version}
docker=${DOCKER:-docker}
dockerfile=deploy/docker/node-workload.Dockerfile

if [ "$tag" = latest ]; then echo "IMAGE_TAG=latest is not allowed: pin a version" >&2; exit 2; fi

command -v node >/dev/null 2>&1 || deploy/tools.sh node
workloads() { node deploy/workloads.cjs "$@"; }

names=("$@")
if [ ${#names[@]} -eq 0 ]; then mapfile -t names < <(workloads list); fi

# One build per workload: its image, workspace and container ports (a wrong name stops here).
builds=()
for w in "${names[@]}"; do
  workspace=$(workloads get "$w" workspace)
  image="$registry/$(workloads get "$w" image):$tag"
  builds+=("$w|$image|$workspace|$(workloads get "$w" container-ports)")
done

engine=true
if ! command -v "$docker" >/dev/null 2>&1 || ! "$docker" info >/dev/null 2>&1; then
  engine=false
  echo "images: no Docker engine reachable with '$docker'; on a machine with one, these builds run:"
fi

for b in "${builds[@]}"; do
  IFS='|' read -r w image workspace ports <<<"$b"
  cmd=(build -f "$dockerfile" -t "$image"
    --build-arg "WORKSPACE=$workspace" --build-arg "PORTS=$ports"
    --label "org.opencontainers.image.title=relata-$w"
    --label "org.opencontainers.image.version=$tag"
    --label "org.opencontainers.image.revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)" .)
  if ! $engine; then
    echo " $(printf ' %q' "$docker" "${cmd[@]}")"
    if $push; then echo " $(printf ' %q' "$docker" push "$image")"; fi
    continue
  fi
  echo "[images] $image ($workspace)"
  DOCKER_BUILDKIT=1 "$docker" "${cmd[@]}"
  if $push; then "$docker" push "$image"; fi
done

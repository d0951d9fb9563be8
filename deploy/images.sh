#!/usr/bin/env bash
# Builds one image per workload from deploy/docker/<workload>.Dockerfile, with the repository
# root as the build context, tagged <registry>/relata-<workload>:<tag>.
# Usage: deploy/images.sh [--push] [WORKLOAD...]     (default: every Dockerfile)
# Env:   IMAGE_REGISTRY (default ghcr.io/relata, the chart's default), IMAGE_TAG (default: the
#        chart's appVersion, which the chart deploys by default; never "latest"), DOCKER.
# Without a reachable Docker engine it says so and exits 0 (nothing can be built here).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$RELATA_ROOT"

push=false
if [ "${1:-}" = --push ]; then push=true; shift; fi
registry=${IMAGE_REGISTRY:-ghcr.io/relata}
app_version=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' charts/relata/Chart.yaml)
tag=${IMAGE_TAG:-$app_version}
docker=${DOCKER:-docker}

if [ "$tag" = latest ]; then echo "IMAGE_TAG=latest is not allowed: pin a version" >&2; exit 2; fi

workloads=("$@")
if [ ${#workloads[@]} -eq 0 ]; then
  for f in deploy/docker/*.Dockerfile; do workloads+=("$(basename "$f" .Dockerfile)"); done
fi

if ! command -v "$docker" >/dev/null 2>&1 || ! "$docker" info >/dev/null 2>&1; then
  echo "images: a Docker engine is needed to build ${workloads[*]} (none reachable with '$docker')."
  echo "images: on a machine with one: IMAGE_REGISTRY=$registry IMAGE_TAG=$tag deploy/images.sh"
  exit 0
fi

for w in "${workloads[@]}"; do
  file=deploy/docker/$w.Dockerfile
  [ -f "$file" ] || { echo "no $file" >&2; exit 2; }
  image="$registry/relata-$w:$tag"
  echo "[images] $image"
  DOCKER_BUILDKIT=1 "$docker" build -f "$file" -t "$image" \
    --label org.opencontainers.image.version="$tag" \
    --label org.opencontainers.image.revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)" .
  if $push; then "$docker" push "$image"; fi
done

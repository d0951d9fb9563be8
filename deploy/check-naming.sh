#!/usr/bin/env bash
# Lists the tracked files outside a workload's own folders that name it, and counts them: the
# measure of how many shared files a new service (or the removal of one) has to touch.
#
#   deploy/check-naming.sh NAME        e.g. deploy/check-naming.sh sales
#
# A file names the workload when it contains its workspace (@relata/<name>), its proto package
# or proto path (relata.<name>., relata/<name>/, @relata/proto/<name>/), its events module
# (events/v1/<name>), its address variables (<NAME>_GRPC_), its client bundle (<name>Services,
# <Name>Clients) or its folder (services/<name>).
# Its own folders are services/<name>/, proto/relata/<name>/, proto/relata/events/v1/<name>.proto
# and what buf generates from them. Docs (docs/, *.md), tests (test/ folders, *.test.ts, e2e/)
# and generated or lock files (packages/proto/src/gen/, package-lock.json) are left aside.
# It reports; it does not fail on the count (exit 0), only on a missing or malformed NAME (exit 2).
set -euo pipefail

name=${1:-}
if [[ ! $name =~ ^[a-z][a-z0-9-]*$ ]]; then
  echo "usage: $0 NAME (a lower-case workload name, e.g. sales)" >&2
  exit 2
fi
upper=$(tr 'a-z-' 'A-Z_' <<<"$name")
# The camel-case forms: sales → sales/Sales, field-service → fieldService/FieldService.
camel=$(sed -E 's/-([a-z0-9])/\U\1/g' <<<"$name")
pascal="${camel^}"

cd "$(dirname "${BASH_SOURCE[0]}")/.."

pattern="@relata/${name}\\b|relata\\.${name}\\.|relata/${name}/|@relata/proto/${name}/|events/v1/${name}\\b|${upper}_GRPC_|${camel}Services\\b|${pascal}Clients\\b|services/${name}\\b"

own_or_aside() {
  case "$1" in
    services/"$name"/* | proto/relata/"$name"/* | proto/relata/events/v1/"$name".proto) return 0 ;;
    docs/* | *.md) return 0 ;;
    */test/* | test/* | *.test.ts | e2e/*) return 0 ;;
    packages/proto/src/gen/* | package-lock.json | */package-lock.json) return 0 ;;
  esac
  return 1
}

count=0
while IFS= read -r file; do
  own_or_aside "$file" && continue
  echo "$file"
  grep -nE "$pattern" "$file" | sed 's/^/    /' | cut -c1-160
  count=$((count + 1))
done < <(git grep -lE "$pattern" -- . | sort)

echo "$count file(s) outside ${name}'s own folders name it (docs, tests, generated and lock files aside)"

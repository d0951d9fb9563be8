# syntax=docker/dockerfile:1
# The image of any Node workload (the gateway and every service), built from the repository root
# for one npm workspace; deploy/images.sh builds every workload's from its manifest:
#   docker build -f deploy/docker/node-workload.Dockerfile --build-arg WORKSPACE=services/<name> \
#     --build-arg PORTS="50051 9464" -t <registry>/relata-<name>:<tag> .
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
# The workspace folder of the workload (services/<name>, gateway).
ARG WORKSPACE
WORKDIR /src
ENV npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
COPY . .
# Compile the workload and the workspaces it uses (tsc -b follows the project references),
# then install the production dependencies of this workload alone and gather, into /out,
# the workspaces it was compiled with: their package.json, dist/ and own node_modules/. npm links
# every workspace, devDependencies too (@relata/testing); the links to workspaces that were not
# compiled are dropped. /out/main.js links to the workload's entry point (its package.json
# "main"), so one CMD starts any workload.
# npm install, not npm ci: npm 11's ci rejects a lock file that omits other platforms'
# optional packages, which npm 11 itself writes; with a lock file, install keeps its versions
# (so DL3016's advice to pin each package does not apply).
# hadolint ignore=DL3016
RUN --mount=type=cache,target=/root/.npm \
    set -eu; \
    if [ -z "${WORKSPACE:-}" ] || [ ! -f "$WORKSPACE/package.json" ]; then \
      echo "--build-arg WORKSPACE=<folder of an npm workspace> is required (got '${WORKSPACE:-}')" >&2; exit 1; \
    fi; \
    npm install --ignore-scripts; \
    npx tsc -b "$WORKSPACE"; \
    rm -rf node_modules; \
    npm install --omit=dev --ignore-scripts --workspace "$WORKSPACE"; \
    mkdir -p /out; \
    cp -a package.json node_modules /out/; \
    for link in node_modules/@relata/*; do \
      ws=$(realpath --relative-to=. "$link"); \
      if [ ! -d "$ws/dist" ]; then rm "/out/$link"; continue; fi; \
      mkdir -p "/out/$ws"; \
      cp -a "$ws/package.json" "$ws/dist" "/out/$ws/"; \
      if [ -d "$ws/node_modules" ]; then cp -a "$ws/node_modules" "/out/$ws/"; fi; \
    done; \
    main=$(node -p 'require("path").posix.join(process.argv[1], require("./" + process.argv[1] + "/package.json").main)' "$WORKSPACE"); \
    if [ ! -f "/out/$main" ]; then echo "$WORKSPACE: its main, $main, is not in the image" >&2; exit 1; fi; \
    ln -s "$main" /out/main.js

FROM ${NODE_IMAGE}
# The ports it serves inside the container (the chart's): "50051 9464" for a service, "8080 9464"
# for the gateway. Documentation only: the process reads GRPC_PORT/PORT and METRICS_PORT.
ARG PORTS="50051 9464"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out ./
USER 1000:1000
EXPOSE ${PORTS}
# Node starts the link's target as the main module (it resolves symlinks), so the workload's
# relative imports, its node_modules and its `require.main === module` check all hold.
CMD ["node", "--enable-source-maps", "main.js"]

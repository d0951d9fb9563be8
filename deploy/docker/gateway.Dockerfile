# syntax=docker/dockerfile:1
# The API gateway image. Build from the repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t <registry>/relata-gateway:<tag> .
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG WORKSPACE=gateway
WORKDIR /src
ENV npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
COPY . .
# Compile the workload and the workspaces it uses (tsc -b follows the project references),
# then install the production dependencies of this workload alone and gather, into /out,
# the workspaces npm linked for it: their package.json, dist/ and own node_modules/.
# npm install, not npm ci: npm 11's ci rejects a lock file that omits other platforms'
# optional packages, which npm 11 itself writes; with a lock file, install keeps its versions
# (so DL3016's advice to pin each package does not apply).
# hadolint ignore=DL3016
RUN --mount=type=cache,target=/root/.npm \
    npm install --ignore-scripts \
 && npx tsc -b "$WORKSPACE" \
 && rm -rf node_modules \
 && npm install --omit=dev --ignore-scripts --workspace "$WORKSPACE" \
 && mkdir -p /out \
 && cp -a package.json node_modules /out/ \
 && for link in node_modules/@relata/*; do \
      ws=$(realpath --relative-to=. "$link"); mkdir -p "/out/$ws"; \
      cp -a "$ws/package.json" "$ws/dist" "/out/$ws/"; \
      if [ -d "$ws/node_modules" ]; then cp -a "$ws/node_modules" "/out/$ws/"; fi; \
    done

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out ./
USER 1000:1000
EXPOSE 8080
CMD ["node", "--enable-source-maps", "gateway/dist/main.js"]

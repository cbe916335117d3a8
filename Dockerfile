# The Live Usage team exporter (docs/exporter.md) in a container. Build from the repository root:
#   docker build -t live-usage-exporter .
# Run it with a connections file and tokens from the environment or from mounted secrets:
#   docker run -p 9470:9470 -v "$PWD/connections.json:/config/connections.json:ro" \
#     -e LIVE_USAGE_TOKEN_BB_FILE=/run/secrets/bb -v "$PWD/bb-token:/run/secrets/bb:ro" live-usage-exporter
# The image holds Node and two bundled files: no npm packages, no shell tools it does not need.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Install scripts are not needed to bundle (esbuild finds its binary without them).
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN node scripts/build.mjs --production

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# The exporter and the parser it loads (and runs in a worker thread for large bodies).
COPY --from=build /src/dist/exporter.js /src/dist/parseWorker.js /app/
USER node
EXPOSE 9470
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9470/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/exporter.js"]
CMD ["--connections", "/config/connections.json", "--listen", "0.0.0.0:9470"]

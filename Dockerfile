# Certify's bot service on the official Node.js 24 image (Debian bookworm, slim).
#   docker build -t certify .
#   docker run -p 3978:3978 -v certify-data:/data --env-file .env certify
# Stage 1 builds and packs the package; stage 2 installs that package with production
# dependencies only. test/production/install.test.ts does what stage 2 does, without Docker.

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/prepare.mjs scripts/prepare.mjs
# Dependencies first (their layer is reused while only the sources change); no build yet.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
# `npm pack` runs `prepare` (tsc → dist/) and packs what package.json's `files` names.
RUN npm pack --silent --pack-destination /tmp \
    && mkdir /package \
    && tar -xzf /tmp/certify-*.tgz -C /package --strip-components=1 \
    && cp package-lock.json /package/

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    CERTIFY_DATA_DIR=/data
WORKDIR /app
# The trend charts' text (charts/png.ts draws with DejaVu Sans); the slim image has no fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build --chown=root:root /package/ ./
# Production dependencies only; no lifecycle scripts (dist/ is already built).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force \
    && mkdir -p /data \
    && chown node:node /data
USER node
VOLUME /data
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/bot/main.js"]

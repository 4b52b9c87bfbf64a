# leasingtaker-batch as a container: `run` once and exit (the default, for cron, systemd timers and Kubernetes
# CronJobs), or `watch` to stay up. See README.md, "Running in a container".
#
#   docker build -t leasingtaker-batch:0.1.0 .
#   podman build -t leasingtaker-batch:0.1.0 .
#   buildah bud --layers -t leasingtaker-batch:0.1.0 .
#
# The same Node.js as the project's own runtime (the `node` devDependency, 24.21.0 in package-lock.json).
ARG NODE_IMAGE=docker.io/library/node:24.21.0-bookworm-slim

# ---- build: every dependency, then the TypeScript compiled to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the image's Node runs the compiler; the `node` devDependency (a second Node.js, fetched by its
# install script) is not needed here, nor anywhere in the image. Behind a proxy that inspects TLS, pass its CA
# certificate to npm with `--secret id=extra_ca,src=/path/to/ca.pem` (build only; it never lands in the image).
RUN --mount=type=secret,id=extra_ca \
  if [ -f /run/secrets/extra_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra_ca; fi \
  && npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json

# ---- runtime: production dependencies and the compiled JavaScript only ----
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 passes SIGTERM on to Node and reaps what it leaves behind; `docker run --init` is then not needed.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
# Two malloc arenas: the same as the launcher sets when it starts Node itself (bin/heap-flags.js).
ENV NODE_ENV=production MALLOC_ARENA_MAX=2
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=extra_ca \
  if [ -f /run/secrets/extra_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra_ca; fi \
  && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY fixtures ./fixtures

# Everything the job writes goes to these four volumes (and temporary files to /tmp, a tmpfs): the image itself
# can run with a read-only root filesystem. Owned by the unprivileged user, so that new volumes are too.
ENV LEASINGTAKER_INBOX=/data/inbox \
    LEASINGTAKER_REPORTS=/data/reports \
    LEASINGTAKER_STATE=/data/state \
    LEASINGTAKER_ARCHIVE=/data/archive \
    TMPDIR=/tmp
RUN mkdir -p /data/inbox /data/reports /data/state /data/archive \
  && chown -R 1000:1000 /data \
  && chmod 700 /data/state
# A .env file, if any, is read from the working folder: mount one at /data/.env (or pass variables).
WORKDIR /data

# The `node` user of the base image, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000

# No HEALTHCHECK: `run` is a one-shot that exits with its status (0 done, 1 needs attention, 2 configuration).
# The heap bounds are the launcher's own (bin/leasingtaker.js; see ARCHITECTURE.md, "Memory").
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--max-old-space-size=160", "--max-semi-space-size=8", "/app/bin/leasingtaker.js"]
CMD ["run"]

LABEL org.opencontainers.image.title="leasingtaker-batch" \
      org.opencontainers.image.description="Keeps the lessees of a vehicle fleet up to date in Statens vegvesen's register through the Leasingtaker-API, from spreadsheets." \
      org.opencontainers.image.version="0.1.0"

#!/usr/bin/env bash
# Makes a local stand-in for the Dockerfile's base image, docker.io/library/node:24.21.0-bookworm-slim, on a
# machine that reaches Debian's mirrors and the npm registry but not Docker Hub (as this project's own machines
# do), so that the real Dockerfile can be built there with buildah: Debian bookworm (debootstrap, minbase), the
# project's own Node.js binary (the `node` devDependency, the same 24.21.0), the machine's npm, and the `node`
# user (uid 1000) of the official image. Where Docker Hub is reachable, none of this is needed.
#
#   sudo apt-get install -y buildah debootstrap
#   npm ci                                  # brings node_modules/node/bin/node
#   sudo scripts/offline-base-image.sh
#   sudo buildah --storage-driver vfs bud --isolation chroot --pull-never -t leasingtaker-batch:0.1.0 .
#
# Needs root (debootstrap, and buildah's storage). STORAGE_DRIVER (default vfs) and MIRROR may be set.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${1:-docker.io/library/node:24.21.0-bookworm-slim}"
STORAGE_DRIVER="${STORAGE_DRIVER:-vfs}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
NODE_BIN=node_modules/node/bin/node

want="v$(node -p "require('./package-lock.json').packages['node_modules/node'].version")"
have="$("$NODE_BIN" --version 2>/dev/null || true)"
if [ "$have" != "$want" ]; then
  echo "$NODE_BIN is '${have:-missing}', the lock file says $want: run npm ci first." >&2
  exit 2
fi
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
[ -f "$npm_dir/package.json" ] || { echo "npm's own folder not found (looked in $npm_dir)." >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

echo "== Debian bookworm (minbase) from $MIRROR"
debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; exit 1; }

echo "== Node.js $want and npm $(node -p "require('$npm_dir/package.json').version")"
install -m 755 "$NODE_BIN" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

echo "== the node user (uid 1000), as in the official image"
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/tmp/*

echo "== image $IMAGE"
tar -C "$rootfs" --numeric-owner -cf "$work/rootfs.tar" .
container="$(buildah --storage-driver "$STORAGE_DRIVER" from scratch)"
buildah --storage-driver "$STORAGE_DRIVER" add "$container" "$work/rootfs.tar" / >/dev/null
buildah --storage-driver "$STORAGE_DRIVER" config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="${want#v}" \
  --cmd node \
  --label org.opencontainers.image.description="Local stand-in for node:${want#v}-bookworm-slim (scripts/offline-base-image.sh)" \
  "$container"
buildah --storage-driver "$STORAGE_DRIVER" commit --rm "$container" "$IMAGE" >/dev/null
buildah --storage-driver "$STORAGE_DRIVER" images "$IMAGE"

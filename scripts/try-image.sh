#!/usr/bin/env bash
# Builds the image with buildah (no Docker engine needed) and runs it the way the README's `docker run` does:
# read-only root filesystem, a tmpfs at /tmp, the four data volumes and the key mounted, as the image's user,
# tini as PID 1, against `leasingtaker simulator` on loopback. Checks that `doctor` passes, that `run` exits 0
# with a result workbook per sample file, and that the root filesystem refused a write.
#
#   sudo apt-get install -y buildah debootstrap   # podman too, if it can run containers on the machine
#   npm ci
#   sudo scripts/try-image.sh                     # --no-build: use the image built before
#
# Where Docker Hub can't be reached, the base image is made locally first (scripts/offline-base-image.sh). The
# image runs with podman when podman can start containers here; otherwise (podman's runtime may be refused
# setrlimit in a sandbox) with a mount namespace and chroot: the image's own filesystem, config and command line.
# Behind a TLS-inspecting proxy, NODE_EXTRA_CA_CERTS is passed to the build as the `extra_ca` secret.
set -euo pipefail
cd "$(dirname "$0")/.."
project="$PWD"

IMAGE="${IMAGE:-localhost/leasingtaker-batch:0.1.0}"
BASE="docker.io/library/node:24.21.0-bookworm-slim"
export STORAGE_DRIVER="${STORAGE_DRIVER:-vfs}"
NODE="$project/node_modules/node/bin/node"
[ "$(id -u)" = 0 ] || { echo "Run as root (buildah storage, mounts)." >&2; exit 2; }
[ -x "$NODE" ] || { echo "No $NODE: run npm ci first." >&2; exit 2; }
bah() { buildah --storage-driver "$STORAGE_DRIVER" "$@"; }

work="$(mktemp -d /tmp/leasingtaker-try-image.XXXXXX)"
sim_pid=""
container=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  [ -n "$container" ] && bah rm "$container" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

if [ "${1:-}" != "--no-build" ]; then
  if ! bah inspect --type image "$BASE" >/dev/null 2>&1; then
    step "base image $BASE"
    if ! bah pull "$BASE" >/dev/null 2>"$work/pull.err"; then
      echo "   pull failed ($(tail -1 "$work/pull.err")); making a local stand-in"
      PATH="$(dirname "$NODE"):$PATH" scripts/offline-base-image.sh "$BASE"
    fi
  fi
  step "buildah bud -t $IMAGE ."
  secret=()
  [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && secret=(--secret "id=extra_ca,src=$NODE_EXTRA_CA_CERTS")
  bah bud --isolation chroot --pull-never "${secret[@]}" -t "$IMAGE" . >"$work/build.log" 2>&1 ||
    { tail -30 "$work/build.log" >&2; fail "the build failed"; }
  grep -E '^\[[0-9]/[0-9]\] STEP' "$work/build.log" | sed 's/^/   /'
fi
bah images "$IMAGE" | sed 's/^/   /'

step "the image's configuration"
bah inspect --type image "$IMAGE" >"$work/inspect.json"
config() { "$NODE" -e "const c = JSON.parse(require('fs').readFileSync('$work/inspect.json', 'utf8')).OCIv1.config; $1"; }
user="$(config 'console.log(c.User)')"
workdir="$(config 'console.log(c.WorkingDir)')"
config 'for (const e of c.Env) console.log(e)' >"$work/image.env"
mapfile -t entrypoint < <(config 'for (const a of c.Entrypoint) console.log(a)')
echo "   user $user, workdir $workdir, entrypoint ${entrypoint[*]}"

step "the simulator, on loopback"
"$NODE" bin/leasingtaker.js simulator --port 0 --key-dir "$work/keys" >"$work/sim.out" 2>&1 &
sim_pid=$!
for _ in $(seq 100); do grep -qs 'Stop with Ctrl-C' "$work/sim.out" && break; sleep 0.1; done
grep -qs 'Stop with Ctrl-C' "$work/sim.out" || fail "the simulator did not start"

step "volumes: inbox (the sample files), reports, state, archive; the key"
data="$work/data"
mkdir -p "$data"/{inbox,reports,state,archive}
cp -r fixtures/*.csv fixtures/*.xlsx fixtures/[0-9]*/ "$data/inbox/"
samples="$(find "$data/inbox" -type f | wc -l)"
install -m 600 "$work/keys/demo-key.pem" "$work/maskinporten.pem"
chown -R "$user" "$data" "$work/maskinporten.pem"
{
  sed -n 's/^  \(MASKINPORTEN_[A-Z_]*\|LEASINGTAKER_API_URL\)=/\1=/p' "$work/sim.out" | grep -v '^MASKINPORTEN_KEY_FILE='
  echo "MASKINPORTEN_KEY_FILE=/run/secrets/maskinporten.pem"
  echo "LEASINGTAKER_SETTLE_MS=0"
} >"$work/settings.env"

container="$(bah from --pull-never "$IMAGE")"
rootfs="$(bah mount "$container")"

# The image's command (entrypoint + args), with the root read-only and only the volumes writable.
if podman --storage-driver "$STORAGE_DRIVER" run --rm --entrypoint /bin/true "$IMAGE" >/dev/null 2>"$work/podman.err"; then
  how="podman run --read-only"
  in_image() {
    podman --storage-driver "$STORAGE_DRIVER" run --rm --read-only --tmpfs /tmp --network host \
      --env-file "$work/settings.env" \
      -v "$data/inbox:/data/inbox" -v "$data/reports:/data/reports" -v "$data/state:/data/state" \
      -v "$data/archive:/data/archive" -v "$work/maskinporten.pem:/run/secrets/maskinporten.pem:ro" \
      --entrypoint "$1" "$IMAGE" "${@:2}"
  }
else
  how="a mount namespace and chroot (podman: $(tail -1 "$work/podman.err"))"
  in_image() {
    unshare --mount --pid --fork /bin/bash -s -- "$rootfs" "$data" "$work" "$user" "$workdir" "$@" <<'INSIDE'
set -euo pipefail
rootfs=$1 data=$2 work=$3 user=$4 workdir=$5
shift 5
root="$work/root"
mkdir -p "$root"
mount --bind "$rootfs" "$root"
mount -o remount,bind,ro "$root"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=1777,size=256m tmpfs "$root/tmp"
for volume in inbox reports state archive; do mount --bind "$data/$volume" "$root/data/$volume"; done
mount -t tmpfs -o size=1m tmpfs "$root/run"
mkdir -p "$root/run/secrets"
touch "$root/run/secrets/maskinporten.pem"
mount --bind -o ro "$work/maskinporten.pem" "$root/run/secrets/maskinporten.pem"
cd /
exec env -i $(cat "$work/image.env") HOME=/home/node $(cat "$work/settings.env") \
  chroot --userspec="$user" "$root" /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "$@"
INSIDE
  }
fi
echo "   running the image with $how"

step "the root filesystem is read-only; the volumes are not"
in_image /bin/sh -c 'touch /app/probe 2>/dev/null && echo writable || echo read-only' | grep -qx read-only ||
  fail "the root filesystem took a write"
in_image /bin/sh -c 'touch /data/state/probe && rm /data/state/probe && id -u' | grep -qx "${user%%:*}" ||
  fail "the state volume is not writable by the image's user"
echo "   /app refused a write; /data/state took one, as uid ${user%%:*}"

step "doctor"
in_image "${entrypoint[@]}" doctor >"$work/doctor.out" || { cat "$work/doctor.out" >&2; fail "doctor failed"; }
sed 's/^/   /' "$work/doctor.out"

step "run (the image's default command)"
set +e
in_image "${entrypoint[@]}" run >"$work/run.out" 2>&1
code=$?
set -e
[ "$code" -eq 0 ] || { tail -20 "$work/run.out" >&2; fail "run exited $code"; }
tail -1 "$work/run.out" | "$NODE" -e '
  const line = JSON.parse(require("fs").readFileSync(0, "utf8"));
  console.log(`   ${line.msg}: ${line.rows} rows, ${line.ok} ok, ${line.stopped} stopped, ${line.invalid} invalid, exit ${line.exitCode}`);'
reports="$(find "$data/reports" -name '*.xlsx' ! -name '*.igjen.xlsx' | wc -l)"
[ "$reports" -eq "$samples" ] || fail "$reports result workbooks for $samples files"
[ -z "$(find "$data/inbox" -type f)" ] || fail "files were left in the inbox"

step "history, from the state volume alone"
in_image "${entrypoint[@]}" history CU10001 | sed 's/^/   /'

step "OK: the image builds, and runs read-only as uid ${user%%:*}: exit 0, $reports result workbooks"

#!/usr/bin/env bash
# Replays the Dockerfile's steps without a container builder, and runs the result the way the image runs it:
#
#   build stage    a clean copy of the project, `npm ci`, the TypeScript compiled to dist/
#   runtime stage  a folder with only package*.json, dist/, bin/ and fixtures/, `npm ci --omit=dev --ignore-scripts`
#   run            the image's command line (node with the launcher's heap bounds), the app folder read-only,
#                  writing only to inbox/reports/state/archive and TMPDIR, against `leasingtaker simulator`
#
# Checks: no dev dependency (nor the `node` package) in the runtime folder; `doctor` passes; `run` exits 0 with a
# report per sample file and an empty inbox; `watch` takes a dropped file and exits 0 on SIGTERM. As root, the app
# runs as uid 1000 (as in the image), so the read-only app folder is really read-only to it.
#
#   scripts/check-image.sh            # from the project folder, after npm ci (for the project's Node.js 24)
#
# Uses the npm registry (npm ci) and loopback only. Leaves nothing behind but its temp folder on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
project="$PWD"

NODE="$project/node_modules/node/bin/node"
[ -x "$NODE" ] || { echo "No $NODE: run npm ci first (it brings the project's Node.js 24)." >&2; exit 2; }
export PATH="$(dirname "$NODE"):$PATH"
HEAP=(--max-old-space-size=160 --max-semi-space-size=8)

work="$(mktemp -d "${TMPDIR:-/tmp}/leasingtaker-check-image.XXXXXX")"
sim_pid=""
cleanup() {
  status=$?
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  if [ "$status" -eq 0 ]; then
    chmod -R u+w "$work" 2>/dev/null || true
    rm -rf "$work"
  else
    echo "Failed; the work folder is kept: $work" >&2
  fi
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

# As root, the app runs as the image's user; its data folders belong to that user.
as_app=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  as_app=(setpriv --reuid=1000 --regid=1000 --clear-groups)
fi

step "build stage: a clean copy of the working tree (what git tracks or would track), npm ci, tsc"
mkdir -p "$work/build"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -C "$work/build" -xf -
(cd "$work/build" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error &&
  "$NODE" node_modules/typescript/bin/tsc -p tsconfig.build.json)
[ -f "$work/build/dist/cli.js" ] || fail "the build made no dist/cli.js"

step "runtime stage: package*.json, dist, bin, fixtures; npm ci --omit=dev --ignore-scripts"
mkdir -p "$work/app"
cp -a "$work/build/package.json" "$work/build/package-lock.json" "$work/build/dist" "$work/build/bin" \
  "$work/build/fixtures" "$work/app/"
(cd "$work/app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
for dev in node typescript vitest @biomejs/biome fast-check; do
  [ ! -e "$work/app/node_modules/$dev" ] || fail "dev dependency $dev is in the runtime folder"
done
du -sh "$work/app/node_modules" | sed 's/^/   runtime node_modules: /'
chmod -R a-w "$work/app"

step "the simulator (from the build folder), on loopback"
mkdir -p "$work/sim"
"$NODE" "$work/build/bin/leasingtaker.js" simulator --port 0 --key-dir "$work/sim/keys" >"$work/sim/out" 2>&1 &
sim_pid=$!
for _ in $(seq 100); do grep -qs 'Stop with Ctrl-C' "$work/sim/out" && break; sleep 0.1; done
grep -q 'Stop with Ctrl-C' "$work/sim/out" || { cat "$work/sim/out" >&2; fail "the simulator did not start"; }

step "data folders and settings, as the image's volumes"
data="$work/data"
mkdir -p "$data"/{inbox,reports,state,archive,tmp,secrets}
find "$project/fixtures" -maxdepth 2 \( -name '*.csv' -o -name '*.xlsx' \) | while read -r sample; do
  relative="${sample#"$project/fixtures/"}"
  mkdir -p "$data/inbox/$(dirname "$relative")"
  cp "$sample" "$data/inbox/$relative"
done
samples="$(find "$data/inbox" -type f | wc -l)"
install -m 600 "$work/sim/keys/demo-key.pem" "$data/secrets/maskinporten.pem"
{
  sed -n 's/^  \(MASKINPORTEN_[A-Z_]*\|LEASINGTAKER_API_URL\)=/\1=/p' "$work/sim/out" | grep -v '^MASKINPORTEN_KEY_FILE='
  echo "MASKINPORTEN_KEY_FILE=$data/secrets/maskinporten.pem"
  echo "LEASINGTAKER_INBOX=$data/inbox"
  echo "LEASINGTAKER_REPORTS=$data/reports"
  echo "LEASINGTAKER_STATE=$data/state"
  echo "LEASINGTAKER_ARCHIVE=$data/archive"
  echo "LEASINGTAKER_SETTLE_MS=200"
  echo "LEASINGTAKER_WATCH_DEBOUNCE_MS=300"
  echo "TMPDIR=$data/tmp"
} >"$data/env"
[ ${#as_app[@]} -eq 0 ] || { chown -R 1000:1000 "$data"; chmod 755 "$work"; }
app() {
  # A clean environment like the image's: only PATH, HOME, the settings, and the image's command line.
  (cd "$data" && env -i PATH="$PATH" HOME="$data" NODE_ENV=production $(cat "$data/env") \
    "${as_app[@]}" "$NODE" "${HEAP[@]}" "$work/app/bin/leasingtaker.js" "$@")
}
if [ ${#as_app[@]} -gt 0 ]; then
  app_user="uid 1000"
  (cd "$data" && "${as_app[@]}" touch "$work/app/probe" 2>/dev/null) && fail "the app folder is writable by the app"
else
  app_user="uid $(id -u)"
fi
echo "   $samples sample files in the inbox; the app runs as $app_user with $work/app read-only"

step "doctor"
app doctor >"$work/doctor.out" || { cat "$work/doctor.out" >&2; fail "doctor exited $?"; }
sed 's/^/   /' "$work/doctor.out"

step "run"
set +e
app run >"$work/run.out" 2>"$work/run.err"
code=$?
set -e
[ "$code" -eq 0 ] || { tail -20 "$work/run.out" "$work/run.err" >&2; fail "run exited $code"; }
tail -1 "$work/run.out" | "$NODE" -e '
  const line = JSON.parse(require("fs").readFileSync(0, "utf8"));
  console.log(`   ${line.msg}: ${line.rows} rows, ${line.ok} ok, ${line.stopped} stopped, ${line.invalid} invalid, exit ${line.exitCode}`);'
reports="$(find "$data/reports" -name '*.xlsx' ! -name '*.igjen.xlsx' | wc -l)"
[ "$reports" -eq "$samples" ] || fail "$reports result workbooks for $samples files"
[ -z "$(find "$data/inbox" -type f)" ] || fail "files were left in the inbox"
[ "$(find "$data/archive" -type f | wc -l)" -eq "$samples" ] || fail "not every file reached the archive"
grep -q '"level":50' "$work/run.out" && fail "run logged an error"
echo "   exit 0, $reports result workbooks, inbox empty, $samples files archived"

step "watch: a dropped file, then SIGTERM"
(cd "$data" && env -i PATH="$PATH" HOME="$data" NODE_ENV=production $(cat "$data/env") \
  "${as_app[@]}" "$NODE" "${HEAP[@]}" "$work/app/bin/leasingtaker.js" watch >"$work/watch.out" 2>&1) &
watch_pid=$!
for _ in $(seq 100); do grep -qs 'Run finished' "$work/watch.out" && break; sleep 0.1; done
cp "$project/fixtures/flate-komma-utf8-bom.csv" "$data/inbox/igjen.tmp"
[ ${#as_app[@]} -eq 0 ] || chown 1000:1000 "$data/inbox/igjen.tmp"
mv "$data/inbox/igjen.tmp" "$data/inbox/igjen.csv"
for _ in $(seq 150); do ls "$data/reports" | grep -q '^igjen\.' && break; sleep 0.1; done
ls "$data/reports" | grep -q '^igjen\.' || { cat "$work/watch.out" >&2; fail "watch did not take the dropped file"; }
node_pid="$(pgrep -P "$watch_pid" -f leasingtaker.js || pgrep -f "$work/app/bin/leasingtaker.js watch" | head -1)"
kill -TERM "$node_pid"
set +e
wait "$watch_pid"
code=$?
set -e
[ "$code" -eq 0 ] || { cat "$work/watch.out" >&2; fail "watch exited $code after SIGTERM"; }
grep -q 'Stopped watching' "$work/watch.out" || fail "watch did not say it stopped"
echo "   took igjen.csv, exited 0 on SIGTERM"

step "OK: the image's steps work from a clean copy, with a read-only app folder"

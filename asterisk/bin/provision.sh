#!/usr/bin/env bash
# Provision a Debian sid root with Asterisk 22 once, cached outside the repo.
# Re-running is cheap: a finished root carries a stamp file and is reused.
set -euo pipefail
ROOT="${ASTERISK_SANDBOX_ROOT:-/var/cache/centralino/asterisk-root}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
STAMP="$ROOT/.centralino-provisioned"
# What the root must hold. The stamp records this list: a root provisioned with an older list
# (or an empty stamp, from before the list was kept) gets only the missing packages installed.
PACKAGES="asterisk asterisk-modules asterisk-core-sounds-en-gsm asterisk-moh-opsound-gsm"

provisioned() { [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$PACKAGES" ]; }
if provisioned; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "provision.sh: needs root (debootstrap and chroot)" >&2
  exit 1
fi
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v sipp >/dev/null || need+=(sip-tester)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Concurrent provisioners (two test runs) wait for each other instead of racing.
mkdir -p "$(dirname "$ROOT")"
exec 9>"$(dirname "$ROOT")/.provision.lock"
flock 9
provisioned && exit 0

echo "provisioning Asterisk 22 sandbox in $ROOT (once; about a minute): $PACKAGES" >&2
# A root stamped by an older list is complete but for packages: never start it over.
if [ ! -f "$ROOT/.debootstrapped" ] && [ ! -f "$STAMP" ]; then
  rm -rf "$ROOT"
  debootstrap --variant=minbase --include=ca-certificates sid "$ROOT" "$MIRROR" >/dev/null
  touch "$ROOT/.debootstrapped"
fi
# The mirror may serve a sid Release file whose Valid-Until has passed; its signature is
# still checked, only the freshness window is not.
echo 'Acquire::Check-Valid-Until "false";' >"$ROOT/etc/apt/apt.conf.d/99centralino"
chroot "$ROOT" apt-get update -qq
# shellcheck disable=SC2086 # the list is words on purpose
DEBIAN_FRONTEND=noninteractive chroot "$ROOT" apt-get install -y -qq --no-install-recommends \
  $PACKAGES >/dev/null
chroot "$ROOT" apt-get clean
echo "$PACKAGES" >"$STAMP"
echo "provisioned: $(chroot "$ROOT" asterisk -V)" >&2

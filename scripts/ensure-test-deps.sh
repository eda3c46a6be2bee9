#!/usr/bin/env bash
# The system software the tests need and npm cannot bring: installs what is missing with apt-get
# (Debian, as root) without starting any service, or stops with one line naming the packages and
# the command to get them. Run by `npm test` before anything else.
#
#   HARDEN_SETUP_DRY_RUN=1  print what would be installed and exit (nothing is changed)
set -euo pipefail

on_path() { command -v "$1" >/dev/null 2>&1; }

# Each check looks where the tests look: Redis, promtool, logrotate and the compiler toolchain (node-gyp, for
# native addons) on PATH; nginx at its Debian paths; Chromium at CHROMIUM_PATH or /usr/bin/chromium;
# openssl (test TLS certificates) at its Debian path or on PATH.
missing=()
on_path redis-server || missing+=(redis-server)
[ -x /usr/sbin/nginx ] || [ -x /usr/bin/nginx ] || missing+=(nginx)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
on_path promtool || missing+=(prometheus)
on_path logrotate || missing+=(logrotate)
[ -x /usr/bin/openssl ] || on_path openssl || missing+=(openssl)
on_path g++ || missing+=(g++)
on_path make || missing+=(make)
on_path python3 || missing+=(python3)
[ ${#missing[@]} -eq 0 ] && exit 0

install_cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ] || ! on_path apt-get; then
  echo "harden-check tests need the Debian packages ${missing[*]}; install them as root with: apt-get update && $install_cmd" >&2
  exit 1
fi

echo "installing Debian packages the tests need: ${missing[*]}" >&2
if [ -n "${HARDEN_SETUP_DRY_RUN:-}" ]; then
  echo "dry run: would run apt-get update && $install_cmd with /usr/sbin/policy-rc.d denying service starts" >&2
  exit 0
fi

# Debian's policy-rc.d interface (invoke-rc.d): exit status 101 forbids starting services, so the
# packages' daemons (redis, nginx, prometheus) stay stopped; the tests start their own on loopback.
# An existing policy is set aside for the install and put back afterwards.
policy=/usr/sbin/policy-rc.d
saved=""
if [ -e "$policy" ]; then
  saved=$(mktemp /usr/sbin/policy-rc.d.XXXXXX)
  mv "$policy" "$saved"
fi
restore() { rm -f "$policy"; if [ -n "$saved" ]; then mv "$saved" "$policy"; fi; }
trap restore EXIT
printf '#!/bin/sh\nexit 101\n' >"$policy"
chmod 755 "$policy"

log=$(mktemp)
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends \
  -o DPkg::Lock::Timeout=300 "${missing[@]}"; } >"$log" 2>&1; then
  echo "harden-check tests: could not install ${missing[*]} (log: $log); run: apt-get update && $install_cmd" >&2
  exit 1
fi
rm -f "$log"

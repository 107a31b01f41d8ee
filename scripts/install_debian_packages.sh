#!/usr/bin/env bash
# Installs the given Debian packages, only those not installed yet, so `make test` and
# `make run-scaled` set themselves up on a clean Debian/Ubuntu machine (run as root, or
# with sudo available). Other processes may hold the apt lock: wait for it, up to 15 min.
# Services are not started by the packages' install scripts when policy-rc.d forbids it
# (containers); the project starts its own instances in its own data folder anyway.
#
# Usage: scripts/install_debian_packages.sh PACKAGE...
set -euo pipefail

missing=()
for package in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "error: Debian packages missing (${missing[*]}); run as root or install them" >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
apt_options=(-o DPkg::Lock::Timeout=900 -qq)
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_options[@]}" update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_options[@]}" install -y \
  --no-install-recommends "${missing[@]}"

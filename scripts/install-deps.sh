#!/usr/bin/env bash
# Installs the system packages RentalKit builds and tests against (Debian 12), when they are missing.
set -euo pipefail

packages=(libsqlite3-dev libsystemd-dev curl chromium poppler-utils)  # chromium, poppler-utils: the report page tests (headless print, pdftotext, pdftoppm)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing packages: ${missing[*]} — run: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

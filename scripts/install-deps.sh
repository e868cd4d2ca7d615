#!/usr/bin/env bash
# Installs the system packages RentalKit builds and tests against (Debian 12), when they are missing.
set -euo pipefail

# libqrencode-dev: QR codes on labels (build); chromium, poppler-utils, zbar-tools: the papers' tests print
# with headless Chromium, read PDFs back (pdftotext, pdftoppm, pdfinfo) and decode QR codes (zbarimg); the report page's tests too.
# openssh-server and openssh-client: Tests/system/ssh-test.sh starts its own sshd on a spare port.
# groff-base, man-db, zsh, fish: ManualTests render the manual pages and check the shell completions.
# tzdata: centres' time zones come from /usr/share/zoneinfo (Debian installs it everywhere; a slim image may not).
packages=(libsqlite3-dev libsystemd-dev curl libqrencode-dev chromium poppler-utils zbar-tools openssh-client openssh-server
          groff-base man-db zsh fish tzdata)
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
    # No service may start from a package here (openssh-server would start a system sshd on port 22):
    # a policy-rc.d that refuses, for the time of the install, unless the machine has one already.
    policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        trap 'rm -f "$policy"' EXIT
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

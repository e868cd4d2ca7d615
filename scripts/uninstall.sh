#!/usr/bin/env bash
# Removes what scripts/install.sh installed, and KEEPS THE DATA.
#
# Usage: scripts/uninstall.sh [--prefix DIR] [--destdir DIR]   (defaults: $PREFIX or /usr/local; $DESTDIR)
#
# Stops and disables rentald.socket and rentald.service (not with --destdir), then removes the
# binaries, units, sysusers.d/tmpfiles.d entries, journal catalog, completions, manuals and the
# documentation example.
#
# Kept, on purpose:
#   /var/lib/rentald          the store (loans, families, audit trail): personal data and the legal record
#   /etc/rentald/rentald.conf the administrator's configuration
#   user rentald, group rental  files and the store are owned by them; a later reinstall reuses them
# Remove those by hand if the data really must go (after a backup):
#   rm -r /var/lib/rentald /etc/rentald; userdel rentald; groupdel rental
set -euo pipefail

PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
die() { echo "uninstall.sh: $*" >&2; exit 1; }
say() { echo "uninstall.sh: $*"; }

while [[ $# -gt 0 ]]; do
    case $1 in
        --prefix) PREFIX=${2:?}; shift 2 ;;
        --prefix=*) PREFIX=${1#*=}; shift ;;
        --destdir) DESTDIR=${2:?}; shift 2 ;;
        --destdir=*) DESTDIR=${1#*=}; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
[[ $PREFIX == /* ]] || die "--prefix must be absolute: $PREFIX"
PREFIX=${PREFIX%/}
DESTDIR=${DESTDIR%/}
if [[ -z $DESTDIR && $(id -u) != 0 ]]; then die "needs root (or --destdir DIR)"; fi

# The same layout as install.sh.
case $PREFIX in
    /usr|/usr/local) LIBDIR=$PREFIX/lib ;;
    *) LIBDIR= ;;
esac
UNITDIR=${LIBDIR:+$LIBDIR/systemd/system}; UNITDIR=${UNITDIR:-/etc/systemd/system}
SYSUSERSDIR=${LIBDIR:+$LIBDIR/sysusers.d}; SYSUSERSDIR=${SYSUSERSDIR:-/etc/sysusers.d}
TMPFILESDIR=${LIBDIR:+$LIBDIR/tmpfiles.d}; TMPFILESDIR=${TMPFILESDIR:-/etc/tmpfiles.d}
CATALOGDIR=${LIBDIR:+$LIBDIR/systemd/catalog}; CATALOGDIR=${CATALOGDIR:-/usr/local/lib/systemd/catalog}  # journalctl reads no /etc dir
DATADIR=$PREFIX/share
MANDIR=$DATADIR/man

if [[ -z $DESTDIR && -d /run/systemd/system ]]; then
    say "stopping and disabling rentald.socket and rentald.service"
    # Stop the socket first so no new connection starts the service again; the service finishes its
    # requests in flight (SIGTERM) before it exits.
    systemctl disable --now rentald.socket rentald.service 2>/dev/null || true
    systemctl stop rentald.service 2>/dev/null || true
fi

files=(
    "$PREFIX/sbin/rentald" "$PREFIX/bin/rentalctl"
    "$UNITDIR/rentald.service" "$UNITDIR/rentald.socket"
    "$SYSUSERSDIR/rentald.conf" "$TMPFILESDIR/rentald.conf" "$CATALOGDIR/rentald.catalog"
    "$DATADIR/bash-completion/completions/rentalctl" "$DATADIR/zsh/site-functions/_rentalctl"
    "$DATADIR/fish/vendor_completions.d/rentalctl.fish"
    "$DATADIR/doc/rentalkit/rentald.conf.example" "$MANDIR/man8/rentald.8"
)
shopt -s nullglob
for template in "$DESTDIR$DATADIR"/rentald/templates/*.mustache "$DESTDIR$DATADIR"/rentald/templates/README.md; do
    files+=("${template#"$DESTDIR"}")
done
for page in "$DESTDIR$MANDIR"/man1/rentalctl.1 "$DESTDIR$MANDIR"/man1/rentalctl.*.1 \
    "$DESTDIR$MANDIR"/ru/man1/rentalctl.1 "$DESTDIR$MANDIR"/ru/man1/rentalctl.*.1; do
    files+=("${page#"$DESTDIR"}")
done
shopt -u nullglob
for file in "${files[@]}"; do
    if [[ -e $DESTDIR$file || -L $DESTDIR$file ]]; then
        rm -f "$DESTDIR$file"
        echo "  removed $file"
    fi
done
rmdir "$DESTDIR$DATADIR/doc/rentalkit" "$DESTDIR$DATADIR/rentald/templates" "$DESTDIR$DATADIR/rentald" 2>/dev/null || true

if [[ -z $DESTDIR ]]; then
    if [[ -d /run/systemd/system ]]; then
        systemctl daemon-reload
        systemctl reset-failed rentald.service rentald.socket 2>/dev/null || true
    fi
    if command -v journalctl >/dev/null; then journalctl --update-catalog 2>/dev/null || true; fi
fi
say "kept: /var/lib/rentald (the store), /etc/rentald/rentald.conf, user rentald and group rental"

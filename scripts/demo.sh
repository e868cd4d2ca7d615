#!/usr/bin/env bash
# Installs what is missing, builds, starts rentald with the pilot region's demo data on the embedded
# development default (store and socket under ./.rentald), and shows the API working.
# The daemon keeps running; stop it with: kill "$(cat .rentald/rentald.pid)"
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
command -v curl >/dev/null || { echo "curl is needed for the demo: apt-get install -y curl" >&2; exit 1; }
swift build --product rentald
swift build --product rentalctl
bin=$(swift build --show-bin-path)

mkdir -p .rentald
if [ -f .rentald/rentald.pid ] && kill -0 "$(cat .rentald/rentald.pid)" 2>/dev/null; then
    echo "rentald is already running (pid $(cat .rentald/rentald.pid))"
else
    "$bin/rentald" --demo >>.rentald/rentald.log 2>&1 &
    echo $! >.rentald/rentald.pid
    for _ in $(seq 100); do
        curl -sf --unix-socket .rentald/rentald.sock http://localhost/v1/health >/dev/null 2>&1 && break
        sleep 0.1
    done
fi

sock=.rentald/rentald.sock
show() {
    echo
    echo "\$ curl --unix-socket $sock 'http://localhost$1'"
    curl -s --unix-socket "$sock" "http://localhost$1" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), ensure_ascii=False, indent=2)[:1500])'
}
show /v1/health
show "/v1/availability/cot?centre=ryabinushka"
show "/v1/stock?centre=ryabinushka&type=cot"
show "/v1/loans?overdue=true&limit=2"
show "/v1/families?q=%D1%81%D0%BE%D0%BA%D0%BE%D0%BB"   # «сокол»: part of a surname, any case

echo
echo "\$ rentalctl status"
RENTALD_SOCKET=$sock "$bin/rentalctl" status

echo
echo "rentald is serving on $sock (pid $(cat .rentald/rentald.pid), log .rentald/rentald.log)."
echo "Stop it with: kill \$(cat .rentald/rentald.pid)"
echo
echo "To use rentalctl in this shell (README, \"A day at the centre\"), paste:"
echo "  export RENTALD_SOCKET=$PWD/$sock RENTAL_CENTRE=ryabinushka"
echo "  alias rentalctl=$bin/rentalctl"

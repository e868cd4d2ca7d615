#!/usr/bin/env bash
# Where one request's time goes in rentald: `perf record -g` on the release daemon while one keep-alive
# client sends the same request over and over, then every sample put into one bucket by the first frame
# of its stack that names a part (fsync, JSON, audit hash, the store's SQL, NIO's HTTP decoding, the
# socket writes and reads, routing, thread scheduling), and `perf stat` counts of the daemon's CPU time
# and context switches per request.
#
# Usage: bash benchmarks/profile.sh [--rentald BINARY] [--requests N] [checkout|get]...
#   checkout   POST /v1/loans then POST /v1/returns of one unit, N pairs (default 1500)
#   get        GET /v1/loans/1, N times (default 5000)
#   --rentald  the daemon to profile (default .build-release/release/rentald: build it as benchmarks/run.sh
#              does); pass an older build to compare
# Needs root (perf on another process) and perf (Debian's linux-perf). The store is the demo data in a
# temporary directory under /var/tmp (a real disk: fsync on tmpfs costs nothing), removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
RENTALD=$PWD/.build-release/release/rentald
REQUESTS=
KINDS=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --rentald) RENTALD=$(realpath "${2:?--rentald needs a file}"); shift 2 ;;
        --requests) REQUESTS=${2:?--requests needs a number}; shift 2 ;;
        checkout|get) KINDS+=("$1"); shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "profile.sh: unknown argument $1 (see --help)" >&2; exit 64 ;;
    esac
done
[[ ${#KINDS[@]} -gt 0 ]] || KINDS=(checkout get)
[[ $(id -u) == 0 ]] || { echo "profile.sh: run as root" >&2; exit 1; }
command -v perf >/dev/null || { echo "profile.sh: perf not found (apt-get install linux-perf)" >&2; exit 1; }
[[ -x $RENTALD ]] || { echo "profile.sh: $RENTALD is not built" >&2; exit 1; }

WORK=$(mktemp -d /var/tmp/rentald-profile.XXXXXX)
DAEMON=
trap '[[ -n $DAEMON ]] && kill $DAEMON 2>/dev/null; rm -rf "$WORK"' EXIT
cat >"$WORK/rentald.conf" <<EOF
[daemon]
state_directory = $WORK/state
socket = $WORK/rentald.sock
[notices]
enabled = no
[store]
group_commit = no
EOF
"$RENTALD" --config "$WORK/rentald.conf" --demo >"$WORK/rentald.log" 2>&1 &
DAEMON=$!
for _ in $(seq 100); do [[ -S $WORK/rentald.sock ]] && break; sleep 0.1; done

# The client: one keep-alive connection, each answer read whole and checked.
cat >"$WORK/client.py" <<'EOF'
import http.client, json, socket, sys
class Unix(http.client.HTTPConnection):
    def __init__(self, path): super().__init__("localhost"); self.path = path
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX); self.sock.connect(self.path)
connection, kind, count = Unix(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def call(method, path, body=None):
    connection.request(method, path, body=json.dumps(body) if body else None, headers={"Content-Type": "application/json"})
    response = connection.getresponse(); data = response.read()
    if response.status >= 300: sys.exit(f"{method} {path}: {response.status} {data[:200]!r}")
for _ in range(count):
    if kind == "get":
        call("GET", "/v1/loans/1")
    else:
        call("POST", "/v1/loans", {"family": "F-2026-0002", "unit": "ГЛД-3-2", "centre": "isilkul"})
        call("POST", "/v1/returns", {"unit": "ГЛД-3-2", "centre": "isilkul", "condition": "good"})
EOF

# Buckets, in order: a sample goes to the first whose words appear in any frame of its stack.
cat >"$WORK/buckets.py" <<'EOF'
import collections, sys
buckets = [
    ("fsync (the kernel writing the WAL to disk)", ["fdatasync"]),
    ("JSON: the request body and the answer", ["JSONBytes", "JSONEncoder", "JSONDecoder", "RentalJSON"]),
    ("audit event: SHA-256 of the chain", ["SHA256", "Crypto."]),
    ("store: SQL through GRDB (checks, rows, commit)", ["GroupCommit", "RentalStore.", "Database.", "SerializedDatabase", "DatabasePool", "sqlite3"]),
    ("HTTP: NIO's decoding of the request", ["HTTPDecoder", "llhttp", "ByteToMessage"]),
    ("socket: writing the answer (NIO, writev)", ["writev", "flushNow", "_doOutboundWrites", "HTTPResponseEncoder", "NIOAsyncWriter"]),
    ("socket: reading the request (NIO, read)", ["readFromSocket", "readable0"]),
    ("routing, access check, APICall", ["API.handle", "Router", "APICall", "AccessControl", "Route."]),
    ("scheduling: thread wake-ups, epoll, futex", ["finish_task_switch", "futex", "epoll_wait", "schedule", "swift_job_run", "_dispatch"]),
]
counts, total = collections.Counter(), 0
for stack in sys.stdin.read().split("\n\n"):
    frames = stack.strip().split("\n")[1:]
    if not frames: continue
    total += 1
    name = next((name for name, words in buckets if any(w in f for f in frames for w in words)),
                "other: Swift runtime, allocation, NIO's loop")
    counts[name] += 1
for name, count in counts.most_common():
    print(f"  {100 * count / total:5.1f}%  {name}")
print(f"  ({total} samples)")
EOF

for kind in "${KINDS[@]}"; do
    count=${REQUESTS:-$([[ $kind == get ]] && echo 5000 || echo 1500)}
    python3 "$WORK/client.py" "$WORK/rentald.sock" "$kind" 50   # warm: statements prepared, pages cached
    perf stat -e task-clock,context-switches -p "$DAEMON" -o "$WORK/stat.txt" -- \
        python3 "$WORK/client.py" "$WORK/rentald.sock" "$kind" "$count"
    requests=$count
    [[ $kind == checkout ]] && requests=$(( 2 * count ))
    python3 - "$WORK/stat.txt" "$requests" "$kind" <<'EOF'
import re, sys
text, requests = open(sys.argv[1]).read(), int(sys.argv[2])
cpu = float(re.search(r"([\d.,]+)\s+msec task-clock", text).group(1).replace(",", ""))
switches = int(re.search(r"([\d,]+)\s+context-switches", text).group(1).replace(",", ""))
print(f"{sys.argv[3]}: {requests} requests, rentald CPU {1000 * cpu / requests:.0f} µs per request, "
      f"{switches / requests:.2f} context switches per request")
EOF
    perf record -F 5000 -g -p "$DAEMON" -o "$WORK/perf.data" -- \
        python3 "$WORK/client.py" "$WORK/rentald.sock" "$kind" "$count" 2>/dev/null >/dev/null
    perf script -i "$WORK/perf.data" 2>/dev/null | { swift demangle --simplified 2>/dev/null || cat; } \
        | python3 "$WORK/buckets.py"
done

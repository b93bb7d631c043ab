#!/bin/sh
# bench/eval_roundtrip.sh BUILD_DIR: starts pharo-sim with NeoConsole on free loopback ports,
# prints the median eval round trip in-process (bench/eval_roundtrip) and of the whole
# `pharoctl eval` command (process start included), then stops the image.
set -eu
build=${1:-build}
build=$(cd "$build" && pwd)
work=$(mktemp -d)
trap 'kill "$sim" 2>/dev/null; wait "$sim" 2>/dev/null; rm -rf "$work"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
telnet=$(port); metrics=$(port)
"$build/pharo-sim" --sim-create-runtime "$work/rt" >/dev/null
mkdir -p "$work/home/shop/logs"
printf 'name = "shop"\nruntime = "sim"\n[console]\ntelnet_port = %s\nmetrics_port = %s\n' "$telnet" "$metrics" >"$work/home/shop/service.toml"
cat >"$work/run.st" <<ST
(Smalltalk hasClassNamed: #NeoConsoleTelnetServer) ifFalse: [
  Metacello new repository: 'github://svenvc/NeoConsole/src'; baseline: 'NeoConsole'; load ].
NeoConsoleTelnetServer startOn: $telnet.
NeoConsoleMetricDelegate startOn: $metrics.
ST
(cd "$work/home/shop" && exec "$build/pharo-sim" --headless "$work/rt/Pharo.image" st "$work/run.st" >/dev/null 2>&1) &
sim=$!
i=0
until python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$telnet),0.2)" 2>/dev/null; do
  i=$((i+1)); [ $i -lt 200 ] || { echo "pharo-sim did not open its console" >&2; exit 1; }
  sleep 0.05
done
"$build/eval_roundtrip" "$telnet" 1000
python3 - "$build/pharoctl" "$work/home" <<'PY'
import statistics, subprocess, sys, time
exe, home = sys.argv[1], sys.argv[2]
times = []
for i in range(200):
    t0 = time.perf_counter()
    subprocess.run([exe, "--home", home, "eval", "shop", f"{i} + 1"], check=True, capture_output=True)
    times.append((time.perf_counter() - t0) * 1000)
print(f"  `pharoctl eval` whole command: median {statistics.median(times):.3f} ms over 200 runs (process start included)")
PY

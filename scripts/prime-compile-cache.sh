#!/bin/sh
# Fills Node's compile cache ($NODE_COMPILE_CACHE) with the bundle's code by starting each function
# once, asking it for its health (a GET, as the platform's probes do), and stopping it: a cold start
# then skips compiling what it loads. The request matters: a function that reads the cluster loads
# client-node 100 ms after its first request, and only what was loaded is cached. The Dockerfile
# runs this at image build, for every function `node dist/main.js --list` names; `npm run bench`
# primes its own cache the same way (scripts/bench/measure.ts) before any cold start is timed.
set -eu
: "${NODE_COMPILE_CACHE:?set NODE_COMPILE_CACHE to the cache folder}"
cd "$(dirname "$0")/.."
port=18123
for target in $(node dist/main.js --list); do
  # A KUBECONFIG, even a missing one, is what makes a function load client-node: with no
  # configuration at all it says so without loading it, and there would be nothing to cache.
  KUBECONFIG="${KUBECONFIG:-/nonexistent}" FUNCTION_TARGET="$target" PORT="$port" node dist/main.js >/dev/null 2>&1 &
  pid=$!
  # Until it answers (any status: cpu-labeller says 503 until it has published), for at most 10 s;
  # then three seconds for the background load (client-node's, 100 ms after the request: one
  # second was not always enough on a loaded machine). Errors (no cluster here) are expected.
  node -e '
    const until = Date.now() + 10000;
    const ask = () => fetch(process.argv[1]).then(
      () => setTimeout(() => {}, 3000),
      () => Date.now() < until && setTimeout(ask, 50),
    );
    ask();
  ' "http://127.0.0.1:$port/" || true
  # SIGTERM ends it cleanly, which is when Node writes the cache.
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || true
done

#!/bin/sh
# Fills Node's compile cache ($NODE_COMPILE_CACHE) with the bundle's code by starting each function
# once and stopping it: a cold start then skips compiling what it loads. The Dockerfile runs it at
# image build, for every function `node dist/main.js --list` names; `npm run bench` fills its own
# cache the same way (one unmeasured start of each program before its cold starts are timed).
set -eu
: "${NODE_COMPILE_CACHE:?set NODE_COMPILE_CACHE to the cache folder}"
cd "$(dirname "$0")/.."
for target in $(node dist/main.js --list); do
  # Each runs long enough to load its function and, in the background, client-node; SIGTERM then
  # ends it cleanly, which is when Node writes the cache. Their errors (no cluster here) are expected.
  FUNCTION_TARGET="$target" timeout -s TERM 3 node dist/main.js --port 0 >/dev/null 2>&1 || true
done

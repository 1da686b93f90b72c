#!/usr/bin/env bash
# Installs what is missing, builds, loads the demo forum into data/plenary.db on first run and
# serves Plenary on http://127.0.0.1:8080. Extra arguments go to `plenary serve`, e.g.
#   ./deploy/run.sh --listen 127.0.0.1:9000 --db /tmp/x.db
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib/deps.sh

plenary_install_packages $PLENARY_BUILD_PACKAGES $PLENARY_RUNTIME_PACKAGES $(plenary_need_node)
plenary_npm_ci web
(cd web && npm run --silent build)

cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DPLENARY_TESTS=OFF -DPLENARY_BENCH=OFF >/dev/null
cmake --build build-release --target plenary -j"$(nproc)"

listen=127.0.0.1:8080
db=data/plenary.db
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --listen) listen=${args[$((i + 1))]} ;;
    --listen=*) listen=${args[$i]#--listen=} ;;
    --db) db=${args[$((i + 1))]} ;;
    --db=*) db=${args[$i]#--db=} ;;
  esac
done
mkdir -p "$(dirname "$db")"
if [ ! -f "$db" ]; then
  echo "== first run: loading the demo forum from seed/forum.json into $db"
  ./build-release/plenary seed seed/forum.json --db "$db"
  node -e '
    const s = require("./seed/forum.json");
    console.log("\nDemo logins (forum 1): badge code, or e-mail and password");
    for (const l of s.demo_logins) console.log(`  ${l.role.padEnd(11)} ${(l.code || "").padEnd(15)} ${l.email || "-"}  ${l.password || ""}`);
  '
fi
echo "== serving on http://$listen"
exec ./build-release/plenary serve "$@" --listen "$listen" --db "$db" --web web/dist

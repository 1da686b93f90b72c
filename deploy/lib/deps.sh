# Sourced by deploy/run.sh and tests/run.sh: installs what is missing, from Debian's packages
# and the npm registry only. Safe to run again: it installs nothing when all is present.

# Exports: libpango1.0-dev/libcairo2-dev build the PDF renderer; at run time the Noto fonts
# (Latin, Arabic, Devanagari in fonts-noto-core; Chinese, Japanese, Korean in fonts-noto-cjk)
# and pandoc (DOCX/ODT). Tests read the exports back with poppler-utils (pdftotext),
# libxml2-utils (xmllint against the Akoma Ntoso schema) and unzip. The nginx test runs Debian's
# nginx in front of the server. jemalloc: the server's allocator (linked where installed).
# libssl-dev/libssl3: TLS (`serve --tls-cert/--tls-key`); the TLS test makes its certificate
# with the openssl command.
PLENARY_BUILD_PACKAGES="g++ cmake ninja-build pkg-config libboost1.81-dev libsqlite3-dev nlohmann-json3-dev libsodium-dev libssl-dev libpango1.0-dev libcairo2-dev libjemalloc-dev"
PLENARY_RUNTIME_PACKAGES="libssl3 libjemalloc2 apertium apertium-eng-spa apertium-fr-es apertium-es-pt fonts-noto-core fonts-noto-cjk pandoc"
PLENARY_TEST_PACKAGES="libgtest-dev openssl chromium fonts-noto-core clang libclang-rt-14-dev poppler-utils libxml2-utils unzip nginx"

plenary_need_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "nodejs npm"
  fi
}

# plenary_install_packages PKG...: apt-get installs the packages that are not installed yet.
plenary_install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
      echo "   (not root: trying sudo)"; SUDO=sudo
    else
      SUDO=
    fi
    $SUDO apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || {
      echo "apt-get install failed for: ${missing[*]}" >&2; return 1; }
  fi
}

# plenary_npm_ci DIR: installs DIR's npm packages when package-lock.json changed since last time.
plenary_npm_ci() {
  local dir=$1
  local stamp="$dir/node_modules/.plenary-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    echo "== npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    cp "$dir/package-lock.json" "$stamp"
  fi
}

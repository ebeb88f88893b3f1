#!/usr/bin/env bash
# Installs, with apt, every Debian 12 package that building, testing and running Meshdeck need.
# Idempotent: when everything is present it only checks (no apt-get update, no download).
# Debian's QML module packages do not depend on each other, so each qml6-module-* the UI
# imports is listed here and in the .deb's Depends (installer/CMakeLists.txt).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git clang-14 libclang-rt-14-dev clang-format
  # Qt 6.4 and its tools
  qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools
  qt6-websockets-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-svg-dev
  libqt6sql6-sqlite libqt6sql6-psql libqt6svg6 qt6-qpa-plugins libqt6opengl6
  # the QML modules the console imports (runtime)
  qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-templates
  qml6-module-qtquick-layouts qml6-module-qtquick-window
  qml6-module-qttest qml6-module-qtcharts qml6-module-qtquick-dialogs
  qml6-module-qt-labs-folderlistmodel fonts-dejavu-core
  # libraries
  qcoro-qt6-dev libsodium-dev libsqlite3-dev libsimdjson-dev libssl-dev libhiredis-dev
  libmimalloc-dev # meshdeckd's allocator
  libpcre2-dev # the build log filter (PCRE2's 8-bit library)
  libqrcodegencpp-dev # chat invitations as QR codes
  zbar-tools # the chat GUI test reads the QR code back (zbarimg)
  # deployments: archive extraction, the build sandbox, git sources
  libarchive-dev bubblewrap slirp4netns
  # cluster profile credentials in the OS keychain
  qtkeychain-qt6-dev
  # tests and benchmarks
  xvfb xauth dbus-daemon curl python3 nginx-light wrk procps redis-server redis-tools
  valgrind # callgrind: bench/gateway-instructions.sh counts instructions per request
  postgresql-15 python3-jsonschema
  prometheus # for promtool, which checks the gateway's /metrics text
  # TLS tests (certificates made at run time) and the keychain GUI test (Secret Service)
  openssl gnome-keyring libsecret-tools
)
# npm installs the pinned npm tools below. It comes with Debian's `npm` package, or bundled with
# a nodejs build that conflicts with that package (NodeSource's): ask apt for it only if missing.
command -v npm >/dev/null 2>&1 || packages+=(npm)

# npm tools, each pinned to an exact version, in a fixed prefix where tests/CMakeLists.txt looks.
redocly_version=1.34.20
tools_prefix=/opt/meshdeck-tools
install_npm_tools() {
  local have
  have=$(REDOCLY_TELEMETRY=off "$tools_prefix/node_modules/.bin/redocly" --version 2>/dev/null || true)
  if [ "$have" = "$redocly_version" ]; then
    echo "setup-deps: @redocly/cli $redocly_version present in $tools_prefix"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-deps: @redocly/cli $redocly_version is missing from $tools_prefix" >&2
    echo "setup-deps: run this script as root (or with sudo) to install it" >&2
    exit 1
  fi
  echo "setup-deps: installing @redocly/cli $redocly_version into $tools_prefix"
  mkdir -p "$tools_prefix"
  npm install --prefix "$tools_prefix" --no-audit --no-fund --save-exact "@redocly/cli@$redocly_version"
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#packages[@]} packages present"
  install_npm_tools
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-deps: missing packages: ${missing[*]}" >&2
  echo "setup-deps: run this script as root (or with sudo) to install them" >&2
  exit 1
fi

echo "setup-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
# The tests and benchmarks start their own nginx, Redis and PostgreSQL on loopback (and need only
# promtool of Prometheus); the packaged services stay off.
for service in nginx redis-server postgresql prometheus; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
    systemctl disable --now "$service" >/dev/null 2>&1 || true
  fi
done
install_npm_tools
echo "setup-deps: done"

#!/usr/bin/env bash
# Installs the one system package shiori's build needs: Debian's mecab-ipadic, the IPADIC sources
# that build.rs turns into the embedded Japanese dictionary (no download at build time).
# Does nothing when the sources are already there (or SHIORI_IPADIC_DIR points at a copy).
set -euo pipefail
dir="${SHIORI_IPADIC_DIR:-/usr/share/mecab/dic/ipadic}"
if [ -f "$dir/matrix.def" ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends mecab-ipadic >/dev/null
test -f "$dir/matrix.def"

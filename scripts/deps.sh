#!/usr/bin/env bash
# Installs the system packages shiori's build reads, both from Debian (no download at build time):
# - mecab-ipadic: the IPADIC sources that build.rs turns into the embedded Japanese dictionary;
# - edict: JMdict/EDICT, from which build.rs makes the English ↔ katakana loanword table.
# Does nothing when both are already there (or SHIORI_IPADIC_DIR / SHIORI_EDICT point at copies).
set -euo pipefail
dir="${SHIORI_IPADIC_DIR:-/usr/share/mecab/dic/ipadic}"
edict="${SHIORI_EDICT:-/usr/share/edict/edict}"
packages=()
[ -f "$dir/matrix.def" ] || packages+=(mecab-ipadic)
[ -f "$edict" ] || packages+=(edict)
if [ "${#packages[@]}" = 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
test -f "$dir/matrix.def"
test -f "$edict"

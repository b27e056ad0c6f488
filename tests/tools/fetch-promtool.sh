#!/bin/sh
# Fetches promtool (Prometheus' own checker) from Debian's prometheus package into a cache directory and prints its path.
# Usage: fetch-promtool.sh CACHE_DIR
# The pinned package is checked against its sha256 before anything is unpacked; only usr/bin/promtool is kept.
# When the pinned package cannot be downloaded, `apt-get download prometheus` is tried (its own signature checks apply).
set -eu
cache="${1:?usage: fetch-promtool.sh CACHE_DIR}"
url="http://deb.debian.org/debian/pool/main/p/prometheus/prometheus_2.42.0+ds-5+deb12u1_amd64.deb"
sha256="81d59a24fce84f7fbe97a45a4f2914b6a5881b5cd1db2a6a0e129e515e1a5f55"
promtool="$cache/usr/bin/promtool"

if [ -x "$promtool" ]; then echo "$promtool"; exit 0; fi
mkdir -p "$cache"
work="$(mktemp -d "$cache/fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

deb=""
if curl -fsSL --retry 2 --max-time 300 -o "$work/prometheus.deb" "$url" 2>"$work/curl.log"; then
  if echo "$sha256  $work/prometheus.deb" | sha256sum -c - >/dev/null 2>&1; then
    deb="$work/prometheus.deb"
  else
    echo "downloaded $url but its sha256 is not $sha256" >&2
  fi
else
  echo "could not download $url: $(cat "$work/curl.log")" >&2
fi
if [ -z "$deb" ]; then
  echo "trying apt-get download prometheus" >&2
  if (cd "$work" && apt-get download prometheus >"$work/apt.log" 2>&1); then
    deb="$(ls "$work"/prometheus_*.deb | head -n 1)"
  else
    echo "apt-get download prometheus failed: $(cat "$work/apt.log")" >&2
    exit 1
  fi
fi

dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" ./usr/bin/promtool
mkdir -p "$cache/usr/bin"
mv "$work/usr/bin/promtool" "$promtool"
chmod +x "$promtool"
echo "$promtool"

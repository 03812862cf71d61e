#!/usr/bin/env bash
# The one list of Debian packages capsim needs. Idempotent: installs only what
# is missing, and uses sudo when not run as root.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake make pkg-config git
  # design-card libraries
  libboost-graph-dev libboost-program-options-dev
  libtbb-dev
  libprotobuf-dev protobuf-compiler
  libhdf5-dev libeigen3-dev
  pybind11-dev catch2
  # fuzzing the parsers (libFuzzer ships with clang's runtime)
  clang libclang-rt-14-dev
  # Python side: bindings, tests, notebooks
  python3-dev python3-numpy python3-pandas python3-h5py python3-pytest
  python3-matplotlib python3-nbclient python3-nbformat python3-ipykernel
  python3-distributed
  # the HTML report's test loads it in a real headless browser
  chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

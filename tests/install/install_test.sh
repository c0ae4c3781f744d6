#!/usr/bin/env bash
# ctest Install.RelocatedPackageRunsAndEmbeds: `cmake --install` of this build into a temporary
# prefix, which is then moved (the package must be relocatable). From there, with the source and
# build folders out of reach, the installed aimcsim runs a zoo network from its own data,
# examples/embed_tile builds against the installed CMake package and pkg-config file and runs, and
# a program linking aimcsim::platform (link_platform/) compiles the same network.
# The folders are hidden by bind-mounting an empty folder over them in a private mount namespace
# (unshare --mount, as root, as CI runs); where that is refused the script says so and runs with
# them in place, still checking that the binary names no path under them.
# usage: install_test.sh BUILD_DIR SOURCE_DIR CMAKE CXX [CXX_COMPILER_LAUNCHER]
set -euo pipefail
export build source cmake=$3 cxx=$4 launcher=${5:-} work
build=$(realpath "$1") source=$(realpath "$2") work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs a step quietly; on failure prints what it said and fails.
step() {
  local what=$1
  shift
  "$@" > "$work/step.log" 2>&1 || { echo "install_test: $what failed:"; cat "$work/step.log"; exit 1; }
}

checks() {
  set -euo pipefail
  cd "$work"
  if [ "$hidden" = yes ] && [ -e "$source/platform/configs/default.yaml" ]; then
    echo "install_test: the source folder is still visible"; exit 1
  fi
  step "aimcsim run" env -u AIMCSIM_DATA prefix/bin/aimcsim run --network resnet18 -o out
  grep -q "\"file\": \"$work/prefix/share/aimcsim/configs/default.yaml\"" out/report.json ||
    { echo "install_test: the run did not read the installed default preset"; exit 1; }

  step "configuring the example" "$cmake" -S embed_tile -B embed_build -DCMAKE_PREFIX_PATH="$work/prefix" \
    -DCMAKE_CXX_COMPILER="$cxx" ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"}
  step "building the example" "$cmake" --build embed_build
  step "the example" embed_build/embed_tile
  cp step.log embed_cmake.txt
  # With the CMake package and with pkg-config alike, and the round trip is the sum of its parts.
  export PKG_CONFIG_PATH
  PKG_CONFIG_PATH=$(dirname "$(find prefix -name aimcsim.pc)")
  step "building the example with pkg-config" $launcher "$cxx" embed_tile/embed_tile.cpp \
    $(pkg-config --cflags --libs aimcsim) -o embed_pc
  step "the example built with pkg-config" ./embed_pc
  cmp -s step.log embed_cmake.txt || { echo "install_test: the two builds print differently"; exit 1; }
  awk '/^round trip/ {t = $3} /^  (NoC|MVM)/ {s += $(NF - 1)} END {exit !(t > 0 && (t - s) ^ 2 < 1e-6)}' \
    embed_cmake.txt || { echo "install_test: round trip is not the sum of its parts:"; cat embed_cmake.txt; exit 1; }
  cat embed_cmake.txt

  step "configuring link_platform" "$cmake" -S link_platform -B link_build -DCMAKE_PREFIX_PATH="$work/prefix" \
    -DCMAKE_CXX_COMPILER="$cxx" ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"}
  step "building link_platform" "$cmake" --build link_build
  step "link_platform" env AIMCSIM_DATA="$work/prefix/share/aimcsim" link_build/link_platform
  local macs
  macs=$(grep -o '"static_macs": [0-9]*' out/report.json | head -n 1 | grep -o '[0-9]*$')  # the network's
  grep -q "^resnet18 on default: [0-9]* units, $macs MACs$" step.log ||
    { echo "install_test: link_platform did not compile resnet18 as the binary ran it ($macs MACs):"; cat step.log; exit 1; }
}
export -f step checks

step "cmake --install" "$cmake" --install "$build" --prefix "$work/staged"
mv "$work/staged" "$work/prefix"
cp -r "$source/examples/embed_tile" "$source/tests/install/link_platform" "$work"
mkdir "$work/empty"

# No string of the binary is a path into the source or build folder (source file names aside).
if strings -a "$work/prefix/bin/aimcsim" | grep -F -e "$source" -e "$build" | grep -v -E '\.(cpp|h)$'; then
  echo "install_test: the installed binary names the paths above"; exit 1
fi

if unshare --mount true 2> /dev/null; then
  hidden=yes unshare --mount bash -c 'mount --bind "$work/empty" "$build" && mount --bind "$work/empty" "$source" && checks'
else
  echo "install_test: cannot hide the source and build folders (unshare --mount refused); they stay in place"
  hidden=no checks
fi

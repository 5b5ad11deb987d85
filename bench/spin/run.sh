#!/usr/bin/env bash
# Build and run SPIN's exhaustive search of bench.pml for one size.
#
# usage:  run.sh small|medium|large        named size (see ../MODEL.md)
#         run.sh P K M                      explicit parameters
#         run.sh --build SIZE|P K M         only build; print the pan command line
#
# prints one line:
#   size=<name> states=<states stored> transitions=<n> seconds=<t> mem_mb=<m>
#
#   states       SPIN's "states, stored" (distinct reachable states)
#   transitions  SPIN's "transitions (= stored+matched)"; this is the number of
#                successor edges explored + 1 (the initial state is counted
#                as stored without a transition leading to it)
#   seconds      wall time of the pan run only (not spin -a / gcc)
#   mem_mb       peak resident set of pan (GNU time %M) when /usr/bin/time
#                exists, otherwise pan's own "total actual memory usage"
#
# Flags:
#   spin -a -DP=.. -DK=.. -DM=..    model parameters via the C preprocessor
#   gcc -O2                         optimised pan
#       -DNOREDUCE                  no partial-order reduction
#       -DSAFETY                    safety-only search: plain exhaustive DFS,
#                                   no cycle detection / never claim
#       -DMEMLIM=$MEMLIM_MB         memory ceiling in MB (default 16384)
#     (no -DBITSTATE, -DHC, -DMA, -DCOLLAPSE: every state stored exactly;
#      SPIN has no symmetry reduction unless an external tool is used)
#   pan -w<W>                       hash table of 2^W slots, sized per model
#       -m<D>                       max DFS depth, above the depth reached
#                                   (pan allocates and touches this stack, so
#                                   it is sized, not set huge: the depths
#                                   reached are 33,333 / 235,188 / 1,571,609)
#     env PAN_W / PAN_M override -w / -m (needed for big explicit P K M)
#     env SPIN_DEFS is passed to spin -a (e.g. SPIN_DEFS=-DNOINV drops the
#     invariant check; state and transition counts do not change)
#     env SPIN_BUILD_DIR picks the build folder (default: a new folder in
#     $TMPDIR or /tmp, removed at the end unless --build)
#       -n                          no unreached-code report
# The script fails (exit 1) if pan reports an error, a truncated search
# ("max search depth too small") or the memory limit being hit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_only=0
if [[ "${1:-}" == "--build" ]]; then build_only=1; shift; fi
MEMLIM_MB="${MEMLIM_MB:-16384}"

case "$#:${1:-}" in
  1:small)  NAME=small;  P=5; K=3; M=2; W=18; D=100000 ;;
  1:medium) NAME=medium; P=6; K=3; M=2; W=21; D=500000 ;;
  1:large)  NAME=large;  P=7; K=3; M=2; W=24; D=2500000 ;;
  3:*)      P=$1; K=$2; M=$3; NAME="P${P}K${K}M${M}"; W=22; D=3000000
            if ! [[ $P =~ ^[1-8]$ && $K =~ ^[1-8]$ && $M =~ ^[1-8]$ ]] || (( M > K )); then
              echo "$0: P K M must be whole numbers from 1 to 8 with M <= K, not \"$P $K $M\"" >&2; exit 2
            fi ;;
  *) echo "usage: $0 [--build] small|medium|large | P K M" >&2; exit 2 ;;
esac
W="${PAN_W:-$W}"   # overrides: hash-table bits and max depth
D="${PAN_M:-$D}"
# A build folder of this run's own (removed at the end), unless SPIN_BUILD_DIR
# names one or --build asks to keep the build: two runs at once never share one.
if [[ -n "${SPIN_BUILD_DIR:-}" ]]; then
  BUILD_ROOT="$SPIN_BUILD_DIR"
else
  BUILD_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/objtable-spin.XXXXXX")"
  (( build_only )) || trap 'rm -rf "$BUILD_ROOT"' EXIT
fi

DIR="$BUILD_ROOT/$NAME"
mkdir -p "$DIR"
cp "$HERE/bench.pml" "$DIR/bench.pml"
(
  cd "$DIR"
  spin -DP="$P" -DK="$K" -DM="$M" ${SPIN_DEFS:-} -a bench.pml >spin-a.log 2>&1 \
    || { cat spin-a.log >&2; exit 1; }
  gcc -O2 -DNOREDUCE -DSAFETY -DMEMLIM="$MEMLIM_MB" -o pan pan.c >gcc.log 2>&1 \
    || { cat gcc.log >&2; exit 1; }
)
PAN=("$DIR/pan" "-w$W" "-m$D" "-n")
if (( build_only )); then echo "${PAN[*]}"; exit 0; fi

OUT="$DIR/pan.out"
TIMEF="$DIR/time.out"
t0=$(date +%s%N)
if [[ -x /usr/bin/time ]]; then
  /usr/bin/time -f '%M' -o "$TIMEF" "${PAN[@]}" >"$OUT" 2>&1 || true
else
  "${PAN[@]}" >"$OUT" 2>&1 || true
fi
t1=$(date +%s%N)

if ! grep -q 'errors: 0' "$OUT" || grep -qE 'max search depth too small|out of memory|pan: reached -DMEMLIM' "$OUT"; then
  echo "pan run failed or was truncated; output:" >&2
  cat "$OUT" >&2
  exit 1
fi

states=$(awk '/states, stored/ {print $1; exit}' "$OUT")
trans=$(awk '/transitions \(= stored\+matched\)/ {print $1; exit}' "$OUT")
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
if [[ -s "$TIMEF" ]]; then
  mem=$(awk 'END {printf "%.1f", $1 / 1024}' "$TIMEF")
else
  mem=$(awk '/total actual memory usage/ {printf "%.1f", $1; exit}' "$OUT")
fi
echo "size=$NAME states=$states transitions=$trans seconds=$secs mem_mb=$mem"

# Sourced by the benchmarks that read `kmod-matrix run --timings` (stderr).
#
# phase_total FILE PHASE: the total_s column of the phase whose name starts
# with PHASE; nothing when the run had no such phase.
phase_total() { awk -v p="$2" 'index($0, p) == 1 { print $(NF-2) }' "$1"; }
# phase_total_or_0 FILE PHASE: the same, 0 when the run had no such phase.
phase_total_or_0() { local t; t=$(phase_total "$@"); echo "${t:-0}"; }
# median X...: the median of the numbers given.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

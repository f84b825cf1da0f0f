# Sourced by the open benchmarks: measure CMD... runs CMD REPS times (after one warm-up) and prints
# "best median" in seconds.
now() { date +%s.%N; }

measure() {
  "$@" > /dev/null 2>&1
  local times=()
  for _ in $(seq "$REPS"); do
    local t0 t1
    t0=$(now)
    "$@" > /dev/null 2>&1
    t1=$(now)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.3f %.3f\n", a[1], a[int((NR+1)/2)]}'
}

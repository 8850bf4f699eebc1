# Shared by the bench scripts (source it): wall clock and medians.
# now: seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }
# median [X ...]: the median of the arguments, or of the lines on stdin when there are none.
median() {
  if [ "$#" -gt 0 ]; then printf '%s\n' "$@"; else cat; fi |
    grep -v '^$' | sort -g | awk '{a[NR] = $1} END {if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}
# percent_more A B: how much more B takes than A, in percent, one decimal.
percent_more() { echo "scale=1; 100 * ($2 - $1) / $1" | bc; }

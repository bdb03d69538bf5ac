# Shared by the benchmarks: source it from the repository root.

# Times one run in seconds (printed); a run that fails stops the benchmark with its output.
# Its output is kept in "$work/last.out".
seconds() {
    local start end
    start=$(date +%s.%N)
    if ! "$@" > "$work/last.out" 2>&1; then
        echo "bench: failed: $*" >&2
        tail -20 "$work/last.out" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}

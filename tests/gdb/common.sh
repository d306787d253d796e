# Shared by the debugger tests (sourced): start ember on the test program
# with its gdb stub on a free port, wait until it listens, and check text.
#   EMBER, IMAGE, WORK must be set by the caller.

fail() {
    echo "FAIL: $*"
    for f in "$WORK"/*.out "$WORK"/*.err; do
        [ -f "$f" ] && { echo "--- $f"; cat "$f"; }
    done
    [ -n "${EMBER_PID:-}" ] && kill "$EMBER_PID" 2>/dev/null
    exit 1
}

# start_ember ARGS...: ember -bios IMAGE -display none -gdb tcp::PORT ARGS,
# on a port nobody else holds (a few tries); sets EMBER_PID and PORT.
start_ember() {
    for try in 1 2 3 4 5 6 7 8; do
        PORT=$(( 20000 + ($$ * 7 + try * 131 + RANDOM) % 30000 ))
        "$EMBER" -bios "$IMAGE" -display none -gdb "tcp::$PORT" "$@" \
            >"$WORK/ember.out" 2>"$WORK/ember.err" &
        EMBER_PID=$!
        for _ in $(seq 1 200); do
            grep -q "waiting for gdb" "$WORK/ember.err" && return 0
            kill -0 "$EMBER_PID" 2>/dev/null || break
            sleep 0.05
        done
        wait "$EMBER_PID" 2>/dev/null
        grep -q "cannot listen" "$WORK/ember.err" || fail "ember did not start its gdb stub"
    done
    fail "no free port for the gdb stub"
}

# wait_ember STATUS: ember ends (within 20 s) with that exit status.
wait_ember() {
    for _ in $(seq 1 400); do
        kill -0 "$EMBER_PID" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$EMBER_PID" 2>/dev/null; then
        kill "$EMBER_PID"
        fail "ember is still running"
    fi
    wait "$EMBER_PID"
    local rc=$?
    EMBER_PID=
    [ "$rc" = "$1" ] || fail "ember exited with status $rc, expected $1"
}

# expect FILE TEXT...: each TEXT (a fixed string) appears in FILE.
expect() {
    local file=$1
    shift
    for text in "$@"; do
        grep -qF -- "$text" "$file" || fail "'$text' is missing from $(basename "$file")"
    done
}

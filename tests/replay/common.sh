# Shared by the replay tests (sourced after tests/gdb/common.sh); tests/linux
# uses register_dump. EMBER, IMAGE, WORK are set by the caller for the rest.

# got_byte's linear address: 0x1000 + its offset in section low, from the
# listing nasm wrote beside the image.
got_byte_address() {
    local listing=${IMAGE%.bin}.lst
    local off
    off=$(awk '/got_byte:/ { getline; print $2; exit }' "$listing")
    [ -n "$off" ] || fail "got_byte is not in $listing"
    printf '0x%x' $((0x1000 + 0x$off))
}

# record FILE OUTPUT: run the program with bytes typed at host-timed
# moments, recording to FILE; the serial output goes to OUTPUT.
record() {
    (sleep 0.3; printf 'abc'; sleep 0.4; printf 'de'; sleep 0.2; printf 'q') |
        timeout 60 "$EMBER" -bios "$IMAGE" -display none -serial stdio \
            -icount "rr=record,rrfile=$1" >"$2" 2>"$WORK/record.err"
    local rc=$?
    [ "$rc" = 1 ] || fail "the recording run ended with status $rc, expected 1"
}

# register_dump N FILE: the Nth 'info registers' block (EAX= to icount=)
# of a monitor transcript, without the prompts.
register_dump() {
    awk -v n="$1" '{ sub(/^(\(ember\) )+/, "") } /^EAX=/ { k++ } k == n { print }
                   k == n && /^icount=/ { exit }' "$2"
}

#!/bin/sh
# -kernel's bad input, through the BIOS and without it (-bios none): each
# case must end ember before the guest runs, with status 2 and one line on
# stderr that names the problem.
#   - a kernel file that is missing;
#   - a file that is not a bzImage;
#   - a command line longer than the kernel's cmdline_size;
#   - an initrd too large for the RAM (and one larger than the RAM).
# A small fake bzImage (a setup header and nothing to run) stands in for a
# kernel. Usage: bad_input.sh EMBER WORKDIR
set -eu
ember=$1 work=$2
mkdir -p "$work"
failures=0 passes=0

# put FILE OFFSET BYTES...: write bytes (octal escapes) at an offset
put() {
    file=$1 off=$2
    shift 2
    printf "$@" | dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

kernel="$work/fake-bzImage"
head -c 16384 /dev/zero >"$kernel"
put "$kernel" 497 '\004'                    # 0x1F1 setup_sects: 4
put "$kernel" 510 '\125\252'                # 0x1FE boot_flag 0xAA55
put "$kernel" 513 '\146'                    # 0x201 end of the header: 0x268
put "$kernel" 514 'HdrS\017\002'            # 0x202 magic, 0x206 version 2.15
put "$kernel" 529 '\001'                    # 0x211 loadflags: LOADED_HIGH
put "$kernel" 532 '\000\000\020\000'        # 0x214 code32_start 0x100000
put "$kernel" 556 '\377\377\377\177'        # 0x22C initrd_addr_max
put "$kernel" 568 '\377\007\000\000'        # 0x238 cmdline_size 2047
put "$kernel" 608 '\000\000\020\000'        # 0x260 init_size 1 MiB
notkernel="$work/not-a-kernel"
head -c 8192 /dev/zero >"$notkernel"
long=$(head -c 3000 /dev/zero | tr '\0' 'x')
big="$work/big-initrd"
head -c $((15 << 20)) /dev/zero >"$big"

# expect NAME PATTERN ARGS...: status 2, one line on stderr matching PATTERN
expect() {
    name=$1 pattern=$2
    shift 2
    status=0
    "$ember" -display none -serial none -max-insns 1000 "$@" </dev/null >"$work/out" 2>"$work/err" ||
        status=$?
    lines=$(wc -l <"$work/err")
    if [ "$status" -eq 2 ] && [ "$lines" -eq 1 ] && grep -qE -e "$pattern" "$work/err"; then
        passes=$((passes + 1))
        echo "ok: $name: $(cat "$work/err")"
    else
        failures=$((failures + 1))
        echo "FAIL: $name: status $status (expected 2), stderr ($lines lines, expected one matching '$pattern'):"
        cat "$work/err"
    fi
}

for firmware in bios none; do
    if [ "$firmware" = none ]; then fw="-bios none"; else fw=""; fi
    # shellcheck disable=SC2086
    {
        expect "$firmware: missing kernel" "cannot open kernel '.*/no-such-file'" \
            $fw -kernel "$work/no-such-file"
        expect "$firmware: not a bzImage" "not a Linux bzImage" $fw -kernel "$notkernel"
        expect "$firmware: command line too long" "command line is 3000 bytes.*at most 2047" \
            $fw -kernel "$kernel" -append "$long"
        expect "$firmware: initrd too large for RAM" "-initrd: .* does not fit" \
            $fw -m 16 -kernel "$kernel" -initrd "$big"
        expect "$firmware: initrd larger than RAM" "initrd '.*' is too large" \
            $fw -m 8 -kernel "$kernel" -initrd "$big"
    }
done
echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]

#!/bin/sh
# /init of guest A: prints a marker, runs a fixed CPU workload (each part
# timed with /proc/uptime), then powers off, or gives a shell when the
# kernel command line has "noshutdown".
#
# Command-line words it looks at:
#   noshutdown   after the workload, shells on the serial console (ttyS0)
#                and on the VGA console (tty1); `poweroff` in either ends
#                the machine (so do `reboot` and `halt`)
#   ember.dmesg  after the workload, the whole kernel log between two
#                marker lines (tests read it when `quiet` kept it off the
#                console)
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

echo "EMBER-GUEST-A: init started"
uname -a

now() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

t0=$(now)
sum=$(dd if=/dev/zero bs=1048576 count=16 2>/dev/null | md5sum | cut -d' ' -f1)
t1=$(now)
echo "EMBER-GUEST-A: md5 $sum"

awk_out=$(awk 'BEGIN { s = 0; for (i = 1; i <= 200000; i++) s += i * 0.5; printf "%.1f", s }')
t2=$(now)
echo "EMBER-GUEST-A: awk $awk_out"

i=0
while [ $i -lt 20000 ]; do i=$((i + 1)); done
t3=$(now)
echo "EMBER-GUEST-A: ash $i"

echo "EMBER-GUEST-A: times md5=$(elapsed "$t0" "$t1") awk=$(elapsed "$t1" "$t2") ash=$(elapsed "$t2" "$t3") boot=$t0"
echo "EMBER-GUEST-A: workload done"

if grep -qw ember.dmesg /proc/cmdline; then
    echo "EMBER-GUEST-A: kernel log follows"
    dmesg
    echo "EMBER-GUEST-A: kernel log ends"
fi

if grep -qw noshutdown /proc/cmdline; then
    # busybox's poweroff, halt and reboot ask PID 1 (this script) with
    # SIGUSR2, SIGUSR1 and SIGTERM; it does it for them.
    trap 'sync; poweroff -f' USR2
    trap 'sync; halt -f' USR1
    trap 'sync; reboot -f' TERM
    shell_on() {
        while :; do
            setsid -c sh </dev/"$1" >/dev/"$1" 2>&1
        done
    }
    echo "EMBER-GUEST-A: shell (type poweroff to stop)"
    shell_on ttyS0 &
    shell_on tty1 &
    while :; do wait; done
fi
sync
poweroff -f

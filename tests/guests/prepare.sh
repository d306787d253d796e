#!/bin/sh
# Prepares the real guests from Debian's package archive (nothing is
# committed to the tree): guest A = Debian 12's 686 kernel and an initramfs
# built from busybox-static:i386. Files are cached outside the source tree,
# in $EMBER_GUEST_CACHE (default ~/.cache/ember/guests).
#
# Usage: tests/guests/prepare.sh [a]     prints the cache directory last
set -eu

CACHE=${EMBER_GUEST_CACHE:-${HOME:-/root}/.cache/ember/guests}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$CACHE"

say() { printf 'prepare: %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# i386 packages come from Debian's archive once the architecture is added.
ensure_i386() {
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        say "adding the i386 architecture to dpkg"
        as_root dpkg --add-architecture i386
        as_root apt-get update -q
    elif ! apt-cache show busybox-static:i386 >/dev/null 2>&1; then
        say "updating the package lists"
        as_root apt-get update -q
    fi
    for tool in cpio gzip; do
        command -v "$tool" >/dev/null 2>&1 || as_root apt-get install -y -q "$tool"
    done
}

# The newest linux-image-6.1.0-N-686-unsigned package.
kernel_package() {
    apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-686-unsigned$' |
        awk '{print $1}' | sort -t- -k4,4n | tail -n 1
}

# Download a package (once) and unpack it under $CACHE/pkg/NAME.
fetch() {
    pkg=$1
    dir="$CACHE/pkg/$(echo "$pkg" | tr ':' '_')"
    if [ ! -d "$dir" ]; then
        say "downloading $pkg from Debian"
        tmp=$(mktemp -d)
        (cd "$tmp" && apt-get download "$pkg" >&2)
        mkdir -p "$dir.tmp"
        dpkg-deb -x "$tmp"/*.deb "$dir.tmp"
        rm -rf "$tmp"
        mv "$dir.tmp" "$dir"
    fi
    echo "$dir"
}

# Guest A: the kernel and an initramfs whose /init runs a fixed workload.
guest_a() {
    out="$CACHE/guest-a"
    kpkg=$(kernel_package)
    [ -n "$kpkg" ] || { say "no linux-image-6.1.0-*-686-unsigned package found"; exit 1; }
    if [ -f "$out/bzImage" ] && [ -f "$out/initrd.gz" ] && [ "$(cat "$out/package" 2>/dev/null)" = "$kpkg" ] &&
       [ "$out/initrd.gz" -nt "$HERE/guest-a-init.sh" ]; then
        say "guest A is ready in $out ($kpkg)"
        return
    fi
    kdir=$(fetch "$kpkg:i386")
    bdir=$(fetch busybox-static:i386)
    mkdir -p "$out"
    cp "$kdir"/boot/vmlinuz-* "$out/bzImage"
    cp "$kdir"/boot/System.map-* "$out/System.map"
    echo "$kpkg" > "$out/package"

    say "building the initramfs"
    root=$(mktemp -d)
    mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp"
    cp "$bdir/bin/busybox" "$root/bin/busybox"
    for applet in sh ash awk cat dd echo md5sum mount poweroff reboot sleep uname \
                  seq printf test cut head tr ls mkdir sync dmesg grep setsid; do
        ln -s busybox "$root/bin/$applet"
    done
    cp "$HERE/guest-a-init.sh" "$root/init"
    chmod 755 "$root/init"
    (cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9) > "$out/initrd.gz.tmp"
    mv "$out/initrd.gz.tmp" "$out/initrd.gz"
    rm -rf "$root"
    say "guest A is ready in $out ($kpkg)"
}

ensure_i386
case "${1:-a}" in
a) guest_a; echo "$CACHE/guest-a" ;;
*) say "unknown guest '$1' (known: a)"; exit 2 ;;
esac

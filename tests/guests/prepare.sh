#!/bin/sh
# Prepares the real guests from Debian's package archive (nothing is
# committed to the tree). Files are cached outside the source tree, in
# $EMBER_GUEST_CACHE (default ~/.cache/ember/guests):
#   a: Debian 12's 686 kernel and an initramfs built from
#      busybox-static:i386 whose /init is guest-a-init.sh (guest-a/);
#   b: the Debian installer, text variant: `linux` and `initrd.gz` from
#      debian-installer-12-netboot-i386 (guest-b/);
#   d: a 2 GiB raw disk image (sparse) of a minimal Debian 12 i386
#      (debootstrap --variant=minbase, systemd, udev, the 686 kernel and its
#      initramfs of the disk modules), partitioned with an MBR (syslinux's mbr.bin), a FAT16
#      /boot partition holding the kernel, the initrd and SYSLINUX (installed
#      with mtools, no mounting) and an ext4 root made with mke2fs -d;
#      root's password is "ember" (guest-d/disk.img). Needs root (debootstrap,
#      chroot) and about 3 minutes and 400 MB of downloads.
#
# Usage: tests/guests/prepare.sh [a|b|d]   prints the guest's directory last
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

# Host tools from Debian's archive: install_tools PROGRAM PACKAGE ...
install_tools() {
    missing=""
    while [ $# -ge 2 ]; do
        command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ] ||
            missing="$missing $2"
        shift 2
    done
    if [ -n "$missing" ]; then
        say "installing$missing"
        as_root apt-get install -y -q $missing >&2
    fi
}

# Guest B: the text installer's kernel and initrd.
guest_b() {
    out="$CACHE/guest-b"
    if [ -f "$out/linux" ] && [ -f "$out/initrd.gz" ]; then
        say "guest B is ready in $out"
        return
    fi
    ddir=$(fetch debian-installer-12-netboot-i386)
    images="$ddir/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386"
    [ -f "$images/linux" ] || { say "no $images/linux in the package"; exit 1; }
    mkdir -p "$out"
    cp "$images/linux" "$out/linux"
    cp "$images/initrd.gz" "$out/initrd.gz.tmp"
    mv "$out/initrd.gz.tmp" "$out/initrd.gz"
    say "guest B is ready in $out"
}

# Guest D: a bootable disk image of a minimal Debian 12 i386.
GUEST_D_VERSION=3           # bump when the recipe below changes
D_DISK_MIB=2048
D_BOOT_START=2048           # sectors: the FAT16 /boot partition, 96 MiB
D_BOOT_SECTORS=196608
D_ROOT_START=$((D_BOOT_START + D_BOOT_SECTORS))

guest_d() {
    out="$CACHE/guest-d"
    if [ -f "$out/disk.img" ] && [ "$(cat "$out/version" 2>/dev/null)" = "$GUEST_D_VERSION" ]; then
        say "guest D is ready in $out"
        return
    fi
    [ "$(id -u)" = 0 ] || { say "guest D needs root (debootstrap and chroot)"; exit 1; }
    install_tools debootstrap debootstrap mkfs.fat dosfstools mcopy mtools \
                  syslinux syslinux sfdisk fdisk mke2fs e2fsprogs
    if [ ! -f /usr/lib/syslinux/mbr/mbr.bin ]; then
        say "installing syslinux-common"
        as_root apt-get install -y -q syslinux-common >&2
    fi
    mkdir -p "$out"
    work="$out/work"
    root="$work/root"
    cleanup_d() {
        for m in dev/pts dev sys proc; do
            mountpoint -q "$root/$m" 2>/dev/null && umount "$root/$m"
        done
        return 0
    }
    trap cleanup_d EXIT
    cleanup_d
    rm -rf --one-file-system "$work"
    mkdir -p "$work"

    say "debootstrap: a minimal Debian 12 i386 with systemd and the 686 kernel (a few minutes)"
    debootstrap --arch=i386 --variant=minbase \
        --include=systemd-sysv,udev,kmod,initramfs-tools,linux-image-686 \
        bookworm "$root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 || {
        tail -n 20 "$work/debootstrap.log" >&2
        say "debootstrap failed (log: $work/debootstrap.log)"
        exit 1
    }

    say "configuring the system"
    echo ember-d >"$root/etc/hostname"
    printf '127.0.0.1\tlocalhost\n127.0.1.1\tember-d\n' >"$root/etc/hosts"
    printf '/dev/sda2\t/\text4\terrors=remount-ro\t0\t1\n' >"$root/etc/fstab"
    echo 'root:ember' | chroot "$root" chpasswd
    # No login timeout: an idle guest's clock runs ahead of the host's (it
    # jumps to the next timer while the CPU halts), and a test typing over
    # the serial line must not lose the race against login's 60 s.
    sed -i 's/^LOGIN_TIMEOUT.*/LOGIN_TIMEOUT\t\t0/' "$root/etc/login.defs"
    grep -q '^LOGIN_TIMEOUT' "$root/etc/login.defs" || printf 'LOGIN_TIMEOUT\t\t0\n' >>"$root/etc/login.defs"
    rm -f "$root/etc/machine-id" && touch "$root/etc/machine-id"
    # A small initramfs: the modules this PC's disk needs, not "most" of
    # them (26 MB that the kernel would unpack at every boot).
    echo 'MODULES=list' >"$root/etc/initramfs-tools/conf.d/ember"
    printf 'ata_piix\nata_generic\nsd_mod\next4\n' >>"$root/etc/initramfs-tools/modules"
    for m in proc sys dev; do mkdir -p "$root/$m"; done
    mount -t proc proc "$root/proc"
    mount -t sysfs sysfs "$root/sys"
    mount --bind /dev "$root/dev"
    chroot "$root" update-initramfs -u -k all >"$work/initramfs.log" 2>&1 || {
        tail -n 20 "$work/initramfs.log" >&2
        say "update-initramfs failed (log: $work/initramfs.log)"
        exit 1
    }
    cleanup_d
    rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*_Packages

    kernel=$(ls "$root"/boot/vmlinuz-* | tail -n 1)
    initrd=$(ls "$root"/boot/initrd.img-* | tail -n 1)
    [ -f "$kernel" ] && [ -f "$initrd" ] || { say "no kernel or initrd in $root/boot"; exit 1; }

    say "the /boot partition: FAT16 with SYSLINUX"
    boot="$work/boot.fat"
    rm -f "$boot"
    mkfs.fat -C -F 16 -n EMBERBOOT -h "$D_BOOT_START" "$boot" $((D_BOOT_SECTORS / 2)) >/dev/null
    cat >"$work/syslinux.cfg" <<'CFG'
DEFAULT debian
PROMPT 0
TIMEOUT 0
LABEL debian
  KERNEL /vmlinuz
  INITRD /initrd.img
  APPEND root=/dev/sda2 ro console=tty0 console=ttyS0,115200
CFG
    MTOOLS_SKIP_CHECK=1 mcopy -i "$boot" "$kernel" ::/vmlinuz
    MTOOLS_SKIP_CHECK=1 mcopy -i "$boot" "$initrd" ::/initrd.img
    MTOOLS_SKIP_CHECK=1 mcopy -i "$boot" "$work/syslinux.cfg" ::/syslinux.cfg
    MTOOLS_SKIP_CHECK=1 syslinux --install "$boot"

    say "the disk: MBR, /boot, and an ext4 root made with mke2fs -d"
    disk="$work/disk.img"
    rm -f "$disk"
    truncate -s "${D_DISK_MIB}M" "$disk"
    sfdisk --quiet "$disk" <<PARTS
label: dos
start=$D_BOOT_START, size=$D_BOOT_SECTORS, type=e, bootable
start=$D_ROOT_START, type=83
PARTS
    dd if=/usr/lib/syslinux/mbr/mbr.bin of="$disk" bs=440 count=1 conv=notrunc status=none
    dd if="$boot" of="$disk" bs=512 seek="$D_BOOT_START" conv=notrunc,sparse status=none
    cleanup_d
    root_kib=$(( (D_DISK_MIB * 2048 - D_ROOT_START) / 2 ))
    mke2fs -q -F -t ext4 -L ember-root -E offset=$((D_ROOT_START * 512)) -d "$root" \
        "$disk" "${root_kib}k"

    mv "$disk" "$out/disk.img"
    echo "$GUEST_D_VERSION" >"$out/version"
    rm -rf --one-file-system "$work"
    trap - EXIT
    say "guest D is ready in $out (root's password: ember)"
}

case "${1:-a}" in
a) ensure_i386; guest_a; echo "$CACHE/guest-a" ;;
b) ensure_i386; guest_b; echo "$CACHE/guest-b" ;;
d) guest_d; echo "$CACHE/guest-d" ;;
*) say "unknown guest '$1' (known: a, b, d)"; exit 2 ;;
esac

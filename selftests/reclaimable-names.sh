#!/bin/sh
# SReclaimable under a real user of reclaimable kmalloc: dentry names.
#
# d_alloc() keeps a name longer than DNAME_INLINE_LEN - 1 bytes (39 on
# 64-bit) in an "external name", kmalloc()ed with __GFP_RECLAIMABLE: a name
# of 200 bytes takes a 256-byte object of kmalloc-rcl-256, counted in
# SReclaimable, while a short name lives inside the dentry.  The dentries
# themselves come from the reclaimable dentry cache.  So, for N names:
#
# 1 tmpfs-short-names: creating N files with 30-byte names on a tmpfs
#   raises SReclaimable by their dentries, at least N * 128 bytes;
# 2 tmpfs-long-names: N files with 200-byte names raise it by at least
#   N * 200 bytes more than the short ones did: the external names;
# 3 tmpfs-umount: unmounting both gives it all back, within a quarter of
#   the rise.  tmpfs pins its dentries (they are the files), so
#   drop_caches cannot free them: removing the files does;
# 4 ext2-long-names: N files with 200-byte names on an ext2 file system in
#   a loop-mounted image raise it by at least N * 200 bytes;
# 5 ext2-drop_caches: "echo 3 > /proc/sys/vm/drop_caches" with the files
#   in place frees their dentries, names, inodes and buffer heads (a disk
#   file system does not pin them): SReclaimable falls back within a
#   quarter of the rise.  4 and 5 are skipped without loop devices (CONFIG_BLK_DEV_LOOP)
#   or ext2 (CONFIG_EXT2_FS, or CONFIG_EXT4_USE_FOR_EXT2);
# 6 sysfs-negative-long-names: looking up N missing 200-byte names in
#   /sys (kernfs keeps negative dentries, tmpfs does not) raises it by at
#   least N * 200 bytes more than as many missing 30-byte names;
# 7 sysfs-drop_caches: drop_caches frees those negative dentries and their
#   names: SReclaimable falls back within a quarter of the rise.
#
# Measurements: /proc/meminfo after folding the per-cpu counter deltas
# (vm.stat_refresh), and after shrinking every slab cache through
# /sys/kernel/slab/*/shrink when it frees memory: that releases objects
# KASAN's quarantine holds back and empty slabs kept for reuse.  Frees go
# through RCU, so the falls are polled for up to 10 s.
#
# Without kmalloc-rcl caches (CONFIG_SLUB_TINY) names are counted as
# unreclaimable: everything is skipped.
# Kernel command line: reclaimable_names.n=N (default 3000).
# Prints KTAP; exit 0 pass, 1 fail, 4 skip.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
n=$(cmdline_number reclaimable_names.n 3000)

echo "KTAP version 1"
if [ -e /sys/kernel/slab/kmalloc-rcl-256 ] ||
	grep -q '^kmalloc-rcl-256 ' /proc/slabinfo 2>/dev/null; then
	:
elif [ -d /sys/kernel/slab ] || [ -r /proc/slabinfo ]; then
	echo "1..0 # SKIP no kmalloc-rcl caches (CONFIG_SLUB_TINY?): names are unreclaimable"
	exit 4
else
	echo "1..0 # SKIP cannot tell whether there are kmalloc-rcl caches (no /proc/slabinfo or /sys/kernel/slab)"
	exit 4
fi
echo "1..7"

fail=0
t=0
result() { # result OK NAME DETAIL
	t=$((t + 1))
	echo "# $3"
	if [ "$1" = 1 ]; then
		echo "ok $t $2"
	else
		echo "not ok $t $2"
		fail=1
	fi
}

# at_least NAME VALUE MIN DETAIL / at_most NAME VALUE MAX DETAIL: a result
# from comparing VALUE, with DETAIL and the bound as its diagnostic.
at_least() {
	ok=0
	[ "$2" -ge "$3" ] && ok=1
	result $ok "$1" "$4, want >= $3"
}
at_most() {
	ok=0
	[ "$2" -le "$3" ] && ok=1
	result $ok "$1" "$4, want <= $3"
}

skip() { # skip NAME REASON
	t=$((t + 1))
	echo "ok $t $1 # SKIP $2"
}

# SReclaimable in kB, per-cpu deltas folded in.
srecl() {
	echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
	awk '/^SReclaimable:/ { print $2 }' /proc/meminfo
}

# Free what is free but still held: quarantined and empty slab objects.
shrink_slabs() {
	for f in /sys/kernel/slab/*/shrink; do
		[ -w "$f" ] && echo 1 >"$f" 2>/dev/null
	done
}

# A quiet starting point: caches dropped, RCU frees done, slabs shrunk.
settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	shrink_slabs
}

# Poll SReclaimable (kB) until it is at most $1, 10 s at most; print it.
fall_to() {
	i=0
	while :; do
		shrink_slabs
		now=$(srecl)
		if [ "$now" -le "$1" ] || [ $i -ge 10 ]; then
			echo "$now"
			return
		fi
		sleep 1
		i=$((i + 1))
	done
}

long=$(printf '%200s' '' | tr ' ' l)
short=$(printf '%30s' '' | tr ' ' s)
# at least $n * $1 bytes, in kB
kb() {
	echo $(((n * $1 + 1023) / 1024))
}

# Create $n files named $2<i> in the tmpfs mounted on $1.
create() {
	i=0
	while [ $i -lt "$n" ]; do
		: >"$1/$2$i" || return 1
		i=$((i + 1))
	done
}

# Look up $n missing names $1<i> in /sys/kernel.
lookup() {
	i=0
	while [ $i -lt "$n" ]; do
		[ -e "/sys/kernel/$1$i" ] && return 1
		i=$((i + 1))
	done
	return 0
}

dir=/tmp/reclaimable-names
mkdir -p "$dir/short" "$dir/long"
if ! mount -t tmpfs tmpfs "$dir/short" || ! mount -t tmpfs tmpfs "$dir/long"; then
	echo "# cannot mount tmpfs on $dir"
	exit 1
fi
echo "# $n names of ${#short} and ${#long} bytes"

settle
base=$(srecl)
create "$dir/short" "$short" || echo "# creating short names failed"
mid=$(srecl)
rise_short=$((mid - base))
at_least tmpfs-short-names "$rise_short" "$(kb 128)" "SReclaimable $base -> $mid kB: +$rise_short"

create "$dir/long" "$long" || echo "# creating long names failed"
top=$(srecl)
rise_long=$((top - mid))
at_least tmpfs-long-names "$((rise_long - rise_short))" "$(kb 200)" \
	"SReclaimable $mid -> $top kB: +$rise_long, +$((rise_long - rise_short)) over short names"

# drop_caches cannot reclaim tmpfs names; say what it does, assert nothing.
echo 2 >/proc/sys/vm/drop_caches
sleep 1
shrink_slabs
echo "# drop_caches with the files in place: SReclaimable $top -> $(srecl) kB"
umount "$dir/short" "$dir/long"
limit=$((base + (top - base) / 4))
end=$(fall_to "$limit")
at_most tmpfs-umount "$end" "$limit" "SReclaimable $top -> $end kB"
rmdir "$dir/short" "$dir/long" "$dir"

# N long names on ext2: dentries that drop_caches can free.
img=/tmp/reclaimable-names.img
mnt=/tmp/reclaimable-names-ext2
why=
modprobe -q loop 2>/dev/null
modprobe -q ext2 2>/dev/null || modprobe -q ext4 2>/dev/null
if ! grep -qw ext2 /proc/filesystems; then
	why="no ext2 in this kernel (CONFIG_EXT2_FS)"
elif [ ! -e /dev/loop-control ] && [ ! -e /dev/loop0 ]; then
	why="no loop devices (CONFIG_BLK_DEV_LOOP)"
elif ! dd if=/dev/zero of="$img" bs=1024 count=32768 2>/dev/null ||
	! mke2fs -F -i 4096 "$img" >/dev/null 2>&1; then
	why="cannot make an ext2 image in /tmp"
elif ! mkdir -p "$mnt" || ! loopdev=$(losetup -f) || ! losetup "$loopdev" "$img"; then
	why="cannot attach the ext2 image to a loop device"
elif ! mount -t ext2 "$loopdev" "$mnt"; then
	losetup -d "$loopdev"
	why="cannot mount the ext2 image on $loopdev"
fi
if [ -n "$why" ]; then
	skip ext2-long-names "$why"
	skip ext2-drop_caches "$why"
else
	settle
	base=$(srecl)
	create "$mnt" "$long" || echo "# creating names on ext2 failed"
	sync
	top=$(srecl)
	rise=$((top - base))
	at_least ext2-long-names "$rise" "$(kb 200)" "SReclaimable $base -> $top kB: +$rise"

	sync
	echo 3 >/proc/sys/vm/drop_caches
	limit=$((base + rise / 4))
	end=$(fall_to "$limit")
	at_most ext2-drop_caches "$end" "$limit" "SReclaimable $top -> $end kB"
	umount "$mnt"
	losetup -d "$loopdev"
fi
rm -f "$img"
rmdir "$mnt" 2>/dev/null

settle
base=$(srecl)
lookup "$short" || echo "# a short name exists in /sys/kernel"
mid=$(srecl)
lookup "$long" || echo "# a long name exists in /sys/kernel"
top=$(srecl)
rise_short=$((mid - base))
rise_long=$((top - mid))
at_least sysfs-negative-long-names "$((rise_long - rise_short))" "$(kb 200)" \
	"SReclaimable $base -> $mid -> $top kB: +$rise_short short, +$rise_long long, +$((rise_long - rise_short)) over short names"

echo 2 >/proc/sys/vm/drop_caches
limit=$((base + (top - base) / 4))
end=$(fall_to "$limit")
at_most sysfs-drop_caches "$end" "$limit" "SReclaimable $top -> $end kB"

exit $fail

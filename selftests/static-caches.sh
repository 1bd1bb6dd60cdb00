#!/bin/sh
# The core caches the series makes static keep their names: each is listed
# in /proc/slabinfo under its old name and, since a static cache is never
# an alias, is a cache of its own in /sys/kernel/slab (a directory, not a
# link to another cache).  Userland tools read these names.
# Prints KTAP; exit 0 pass, 1 fail.

caches="names_cache dentry filp inode_cache mnt_cache buffer_head seq_file
task_struct signal_cache sighand_cache files_cache fs_cache mm_struct
vm_area_struct vma_lock"

echo "KTAP version 1"
echo "1..$(echo "$caches" | wc -w)"
fail=0
n=0
for c in $caches; do
	n=$((n + 1))
	if ! grep -q "^$c " /proc/slabinfo; then
		echo "not ok $n $c # not in /proc/slabinfo"
		fail=1
	elif [ -L "/sys/kernel/slab/$c" ] || [ ! -d "/sys/kernel/slab/$c" ]; then
		echo "not ok $n $c # not a cache of its own in /sys/kernel/slab"
		fail=1
	else
		echo "ok $n $c"
	fi
done
exit "$fail"

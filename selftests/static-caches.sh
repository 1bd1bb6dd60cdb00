#!/bin/sh
# The core caches the series makes static keep their names and merge as
# before: each is either a cache of its own, listed in /proc/slabinfo and a
# directory in /sys/kernel/slab, or an alias instance of another cache, a
# link in /sys/kernel/slab and not listed, as a dynamic alias would be.
# Userland tools read these names.  The counts against the base kernel are
# bench-static's (scripts/bench-static).
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
	listed=0
	grep -q "^$c " /proc/slabinfo && listed=1
	if [ -L "/sys/kernel/slab/$c" ]; then
		if [ "$listed" = 1 ]; then
			echo "not ok $n $c # an alias, yet listed in /proc/slabinfo"
			fail=1
		else
			echo "# $c: alias of $(basename "$(readlink "/sys/kernel/slab/$c")")"
			echo "ok $n $c"
		fi
	elif [ -d "/sys/kernel/slab/$c" ] && [ "$listed" = 1 ]; then
		echo "ok $n $c"
	else
		echo "not ok $n $c # neither a cache of its own nor an alias"
		fail=1
	fi
done
exit "$fail"

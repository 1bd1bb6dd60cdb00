#!/bin/sh
# The guest side of scripts/bench-static, the only selftest of its boots
# (scripts/boot --selftests): KTAP for scripts/boot, the measurements as
# "# bench KEY VALUE..." diagnostic lines, which bench-static reads from
# the console.
#
# 1. the slab state right after boot: caches (lines of /proc/slabinfo),
#    names in /sys/kernel/slab, Slab/SReclaimable/SUnreclaim of
#    /proc/meminfo, the slab pages /proc/slabinfo accounts for, and for
#    each cache the series converts: own (a cache of its own), alias
#    (merged into another cache) or absent;
# 2. static-e2e ROUNDS MSEC (bench_static.rounds=, bench_static.msec= on
#    the kernel command line; default 7 and 200);
# 3. configfs, the module with a converted cache: load, mount, unmount,
#    unload, and the state of configfs_dir_cache while loaded and after;
# 4. Debian's stress-ng (put into the initramfs by scripts/boot, from the
#    "programs" file scripts/bench-static writes): one instance of each
#    stressor below alone for bench_static.stress_seconds (default 3),
#    all of them bench_static.stress_rounds times (default 2), as
#    "# bench stress STRESSOR ROUND BOGO_OPS_PER_SECOND" (real time).
#    exec is not among them: stress-ng refuses to run it as root.

# Copied next to it in the guest by scripts/bench-static.
# shellcheck source-path=SCRIPTDIR source=../selftests/lib.sh
. "$(dirname "$0")/lib.sh"
rounds=$(cmdline_number bench_static.rounds 7)
msec=$(cmdline_number bench_static.msec 200)
stress_seconds=$(cmdline_number bench_static.stress_seconds 3)
stress_rounds=$(cmdline_number bench_static.stress_rounds 2)
# stress-ng's --timeout 0 means no timeout.
[ "$stress_seconds" -ge 1 ] || stress_seconds=1
# The stressors that allocate from the converted caches: task_struct,
# signal, sighand, files, fs, mm_struct, vm_area_struct (fork, vfork,
# clone, mmap), names_cache, filp, dentry, inode_cache (open, dentry, dir,
# pipe), seq_file (procfs).
stressors="fork vfork clone open dentry dir mmap procfs pipe"

converted="names_cache filp dentry inode_cache mnt_cache buffer_head seq_file
task_struct signal_cache sighand_cache files_cache fs_cache mm_struct
vm_area_struct vma_lock"

# state NAME: own, alias or absent
state() {
	if awk -v c="$1" 'NR > 2 && $1 == c { f = 1 } END { exit !f }' /proc/slabinfo; then
		echo own
	elif [ -e "/sys/kernel/slab/$1" ]; then
		echo alias
	else
		echo absent
	fi
}

echo "KTAP version 1"
echo "1..4"
fail=0

# 1. Let boot-time RCU frees and deferred work settle first.
sleep 2
if [ -r /proc/slabinfo ] && [ -d /sys/kernel/slab ]; then
	awk '$1 ~ /^(Slab|SReclaimable|SUnreclaim):$/ { sub(/:$/, "", $1); print "# bench " $1 "_kB " $2 }' /proc/meminfo
	# slabinfo 2.1: name active_objs num_objs objsize objperslab
	# pagesperslab : tunables ... : slabdata active_slabs num_slabs ...
	awk 'NR > 2 { n++; kb += $15 * $6 * 4 }
		END { print "# bench caches " n; print "# bench slabinfo_kB " kb }' /proc/slabinfo
	n=0
	for f in /sys/kernel/slab/*; do
		case ${f##*/} in :*) ;; *) n=$((n + 1)) ;; esac
	done
	echo "# bench names $n"
	for c in $converted; do
		echo "# bench cache $c $(state "$c")"
	done
	echo "ok 1 slab_state"
else
	echo "not ok 1 slab_state # no /proc/slabinfo or /sys/kernel/slab"
	fail=1
fi

# 2.
if ./static-e2e "$rounds" "$msec" >/tmp/e2e.out 2>&1; then
	sed 's/^/# bench /' /tmp/e2e.out
	echo "ok 2 e2e"
else
	sed 's/^/# /' /tmp/e2e.out
	echo "not ok 2 e2e # static-e2e failed"
	fail=1
fi

# 3.
if ! find "/lib/modules/$(uname -r)" -name 'configfs.ko*' | grep -q .; then
	echo "ok 3 configfs_module # SKIP configfs is not a module here"
elif modprobe configfs && loaded=$(state configfs_dir_cache) &&
	mount -t configfs none /sys/kernel/config && ls /sys/kernel/config >/dev/null &&
	umount /sys/kernel/config && rmmod configfs; then
	echo "# bench cache configfs_dir_cache $loaded"
	echo "# bench configfs_dir_cache_after_rmmod $(state configfs_dir_cache)"
	echo "ok 3 configfs_module"
else
	echo "not ok 3 configfs_module # modprobe, mount, umount or rmmod failed"
	fail=1
fi
# 4.
why=
if ! command -v stress-ng >/dev/null; then
	why="stress-ng is not in the guest (scripts/bench-static names it in programs)"
else
	mkdir -p /tmp/stress
	r=1
	while [ "$r" -le "$stress_rounds" ] && [ -z "$why" ]; do
		for s in $stressors; do
			rm -f /tmp/stress.yaml
			# As selftests/stress-ng.sh: fewer zombies, smaller maps.
			if ! (cd /tmp/stress && stress-ng "--$s" 1 --timeout "${stress_seconds}s" \
				--clone-max 256 --mmap-bytes 2M --temp-path /tmp/stress \
				--metrics-brief --yaml /tmp/stress.yaml) >/tmp/stress.out 2>&1; then
				sed 's/^/# /' /tmp/stress.out
				why="stress-ng --$s failed"
				break
			fi
			ops=$(awk '$1 == "bogo-ops-per-second-real-time:" { print $2; exit }' /tmp/stress.yaml 2>/dev/null)
			if ! awk -v o="$ops" 'BEGIN { exit !(o + 0 > 0) }'; then
				why="stressor $s did no bogo operations"
				break
			fi
			echo "# bench stress $s $r $ops"
		done
		r=$((r + 1))
	done
fi
if [ -z "$why" ]; then
	echo "ok 4 stress_ng"
else
	echo "not ok 4 stress_ng # $why"
	fail=1
fi
exit $fail

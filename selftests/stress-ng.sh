#!/bin/sh
# A workload this repository did not write: Debian's stress-ng, copied into
# the initramfs by scripts/boot (selftests/programs), runs stressors that
# allocate from the caches the series makes static (task_struct, signal,
# sighand, files, fs, mm_struct, vm_area_struct through fork, clone and
# vfork; dentry, filp, inode_cache, names_cache through open, dentry and
# dir; seq_file through procfs and sysfs) for stress.seconds (default 60),
# one instance each (two each starve some of them on a 2-CPU TCG guest):
# all but clone together, then clone alone for the last 10 s.  Then every cache with debugging on (all of them
# under slab_debug) is validated through /sys/kernel/slab/NAME/validate.
#
# Cases: stress-ng exits 0 and every stressor did bogo operations (their
# counts are printed); the kernel logged no splat meanwhile; every debugged
# cache validates without a report; no bad-page taint.  The leaks are
# kmemleak's, which init scans after the last selftest.  stress-ng missing
# from the guest is a failure, not a skip: scripts/boot puts it there.
#
# Kernel command line: stress.seconds=N (default 60; below 20 it is 20).
# Prints KTAP; exit 0 pass, 1 fail.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
secs=$(cmdline_number stress.seconds 60)
mixed="fork vfork open dentry dir mmap brk pipe procfs sysfs signal futex"
stressors="$mixed clone"

# stress SECONDS STRESSOR...: one stress-ng run, its output as diagnostics,
# its YAML appended to /tmp/stress-all.yaml; rc set if it failed.
stress() {
	_t=$1
	shift
	_args=''
	for _s in "$@"; do _args="$_args --$_s 1"; done
	echo "# stress-ng$_args $opts --timeout ${_t}s"
	rm -f /tmp/stress.yaml
	# shellcheck disable=SC2086 # one word per option
	(cd /tmp/stress && stress-ng $_args $opts --timeout "${_t}s" --temp-path /tmp/stress \
		--metrics-brief --yaml /tmp/stress.yaml) >/tmp/stress.out 2>&1 || rc=$?
	sed 's/^/# /' /tmp/stress.out
	cat /tmp/stress.yaml >>/tmp/stress-all.yaml 2>/dev/null
}

echo "KTAP version 1"
echo "1..4"
dmesg -c >/dev/null

# 1: the stressors ran, each doing work.
ok=1 why=''
if ! command -v stress-ng >/dev/null; then
	ok=0 why="stress-ng is not in the guest (scripts/boot copies it when selftests/programs names it)"
else
	# clone keeps up to 8192 zombies per instance by default, which
	# exhausts threads-max of a 2 GiB KASAN guest (6642), and the
	# stressors started after it never fork; mmap maps 256 MiB per
	# operation by default, and even 16 MiB take a TCG guest 10 s.
	opts="--clone-max 256 --mmap-bytes 2M"
	# The sysfs stressor reads every file below /sys as root: keep it out
	# of debugfs (fault injection, LKDTM, kmemleak), mounted again after.
	umount /sys/kernel/debug 2>/dev/null
	trap 'mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null' EXIT TERM
	mkdir -p /tmp/stress
	rm -f /tmp/stress-all.yaml
	rc=0
	# Two runs: all but clone together for all but 10 s of the time, then
	# clone alone for 10 s: among the others, on 2 TCG CPUs, clone
	# completed no operation in 20-30 s (alone: 19 in 8 s).
	rest=$((secs > 20 ? secs - 10 : 10))
	# shellcheck disable=SC2086 # one word per stressor
	stress "$rest" $mixed
	stress 10 clone
	mount -t debugfs debugfs /sys/kernel/debug
	trap - EXIT TERM
	[ "$rc" = 0 ] || { ok=0 why="stress-ng exited with $rc"; }
	for s in $stressors; do
		ops=$(awk -v s="$s" '$1 == "-" && $2 == "stressor:" { cur = $3 }
			cur == s && $1 == "bogo-ops:" { print $2; exit }' /tmp/stress-all.yaml 2>/dev/null)
		echo "# bogo-ops $s ${ops:-none}"
		[ "${ops:-0}" -gt 0 ] || { ok=0 why="stressor $s did no bogo operations"; }
	done
fi
result "$ok" stress_ng_runs "$why"

# 2: no splat while it ran.
dmesg -c >/tmp/stress-dmesg
splats_in /tmp/stress-dmesg
result "$([ "$bad" = 0 ] && echo 1)" no_splat_under_stress "$bad splat line(s) in the kernel log, above"

# 3: every debugged cache validates.  Links are aliases of a directory.
validated=0 plain=0 refused=''
for d in /sys/kernel/slab/*; do
	if [ ! -d "$d" ] || [ -L "$d" ]; then
		continue
	fi
	if echo 1 >"$d/validate" 2>/dev/null; then
		validated=$((validated + 1))
	else
		dbg=0
		for f in sanity_checks red_zone poison store_user trace; do
			[ "$(cat "$d/$f" 2>/dev/null)" = 1 ] && dbg=1
		done
		if [ "$dbg" = 1 ]; then refused="$refused ${d##*/}"; else plain=$((plain + 1)); fi
	fi
done
dmesg -c >/tmp/validate-dmesg
splats_in /tmp/validate-dmesg
echo "# validated $validated caches; $plain without debugging (validate refuses those)"
ok=1 why=''
[ "$validated" -gt 0 ] || { ok=0 why="no cache could be validated (no slab_debug?)"; }
[ -z "$refused" ] || { ok=0 why="validate failed on debugged cache(s):$refused"; }
[ "$bad" = 0 ] || { ok=0 why="validation reported $bad problem line(s), above"; }
result "$ok" slab_validate_all "$why"

# 4: the kernel's own verdict: taint B (bad page, set by slab_debug reports).
t=$(cat /proc/sys/kernel/tainted)
result "$([ $((t & 32)) = 0 ] && echo 1)" no_bad_page_taint "tainted $t (B)"

[ "$fail" = 0 ]

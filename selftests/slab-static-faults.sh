#!/bin/sh
# Allocation failures injected at random points of module init, where the
# static caches are set up: test_slab_static.ko and configfs.ko, loaded in
# turn faults.loads times (default 100).
#
# failslab (or, for every other test_slab_static load, fail_page_alloc) is
# armed with a stack filter (require-start/-end: do_one_initcall, so only
# allocations made by a module's init function count, not the module
# loader's) and the loading task's /proc/self/fail-nth (N: the Nth such
# allocation fails; the task only, per
# Documentation/fault-injection/fault-injection.rst).  N is drawn
# from 1..K by a seeded generator (faults.seed, default 1, so a failure can
# be replayed); K starts at 1000 and shrinks to N-1 whenever a load passed
# without reaching its Nth allocation, so it settles at the number of
# allocations an init makes and every point of it is drawn.
#
# Each load must either succeed (module listed; rmmod then removes it and
# its caches) or fail having had a fault injected (module and caches
# gone).  No splat may appear in the kernel log; a clean load and unload
# must work at the end; at least half the loads must have had a fault
# injected, by both attributes, and one at least must have failed (an error
# path taken).
# Leaks are kmemleak's, which init scans after the last selftest.
# Either module missing is a failure: scripts/build builds both.
#
# Kernel command line: faults.loads=N (default 100), faults.seed=N.
# Prints KTAP; exit 0 pass, 1 fail.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
loads=$(cmdline_number faults.loads 100)
seed=$(cmdline_number faults.seed 1)
mods="test_slab_static configfs"
dbg=/sys/kernel/debug

cases="loads_succeed_or_fail_cleanly faults_injected no_splat clean_load_after"
echo "KTAP version 1"
echo "1..4"
# shellcheck disable=SC2086 # one word per case
command -v finit-module >/dev/null ||
	fail_all "no finit-module in the guest (scripts/boot builds it: selftests/programs)" $cases
for m in $mods; do
	# shellcheck disable=SC2086
	module_installed "$m" ||
		fail_all "$m.ko is not installed (CONFIG_TEST_SLAB_STATIC=m, CONFIG_CONFIGFS_FS=m)" $cases
done
for a in failslab fail_page_alloc; do
	# shellcheck disable=SC2086
	[ -f $dbg/$a/require-start ] ||
		fail_all "no $dbg/$a/require-start (CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS, CONFIG_FAULT_INJECTION_STACKTRACE_FILTER)" $cases
done

# The filter: the text of do_one_initcall, up to the next higher address
# in /proc/kallsyms.  Kernel text addresses all have 16 hex digits and
# start with a letter, so awk compares them as strings, correctly.
range=$(awk '$3 == "do_one_initcall" && !a { a = $1; next }
	{ s[NR] = $1 }
	END {
		if (!a) exit
		for (i in s) if (s[i] > a && (!e || s[i] < e)) e = s[i]
		print a, e
	}' /proc/kallsyms)
# shellcheck disable=SC2086 # two words: start and end
set -- $range
case $# in
2) case $1 in 0000000000000000) set -- ;; esac ;;
esac
# shellcheck disable=SC2086
[ $# = 2 ] || fail_all "no address of do_one_initcall in /proc/kallsyms (kptr_restrict?)" $cases
start=$1 end=$2
echo "# failures only below do_one_initcall: 0x$start..0x$end"
# Disarm (and the console's level back) however this test ends.
disarm() {
	for a in failslab fail_page_alloc; do
		echo 0 >$dbg/$a/require-start
		echo 0xffffffffffffffff >$dbg/$a/require-end
		echo 2 >$dbg/$a/verbose
		echo Y >$dbg/$a/ignore-gfp-wait
	done
	echo Y >$dbg/fail_page_alloc/ignore-gfp-highmem
	[ -z "${loglevel:-}" ] || echo "$loglevel" >/proc/sys/kernel/printk
}
trap disarm EXIT
trap 'exit 143' TERM
for a in failslab fail_page_alloc; do
	echo 0 >$dbg/$a/probability # only fail-nth injects
	echo 1000000 >$dbg/$a/times # counts down once per injected failure
	echo 2 >$dbg/$a/verbose # the failing call's stack, in the log only
	echo N >$dbg/$a/ignore-gfp-wait
done
echo N >$dbg/fail_page_alloc/ignore-gfp-highmem

# The kernel log fills with the refused setups' stack dumps: keep them off
# the slow console (this test reads the log itself).
read -r loglevel _ </proc/sys/kernel/printk
echo 4 >/proc/sys/kernel/printk
dmesg -c >/dev/null
: >/tmp/faults-dmesg

# times_left: "FAILSLAB PAGE_ALLOC", the failures each may still inject.
times_left() {
	echo "$(cat $dbg/failslab/times) $(cat $dbg/fail_page_alloc/times)"
}
# present MOD: is MOD loaded, or any of its caches there?
present() {
	case $1 in
	test_slab_static) pat='^test_slab_static-' ;;
	configfs) pat='^configfs_dir_cache' ;;
	esac
	grep -q "^$1 " /proc/modules && return 0
	grep -q "$pat" /proc/slabinfo && return 0
	for c in /sys/kernel/slab/*; do
		echo "${c##*/}"
	done | grep -q "$pat"
}

# Neither module may be loaded already: a no-op load injects nothing.
for m in $mods; do modprobe -r "$m" 2>/dev/null; done
# where_failed <LOG: ", ATTR: F1 < F2 < ..." per injected failure LOG
# shows (a __GFP_NOWARN allocation's is not logged): its stack, from the
# first frame that is not the allocator's or fault injection's, up to the
# module's init function.
where_failed() {
	awk 'function done() { if (chain != "") printf ", %s: %s", attr, chain; chain = ""; want = 0 }
		/FAULT_INJECTION: forcing a failure/ { done(); want = 1; next }
		want == 1 && /name [a-z_]+,/ { a = $0; sub(/.*name /, "", a); sub(/,.*/, "", a); attr = a; want = 2; next }
		want == 2 && /^\[ *[0-9.]+\]  [A-Za-z_][A-Za-z_0-9.]*\+0x/ {
			f = $0; sub(/^\[ *[0-9.]+\]  /, "", f); sub(/\+0x.*/, "", f)
			if (chain == "" && f ~ /^(dump_stack|should_fail|fail_dump|kmem_cache_alloc|kmem_cache_zalloc|__kmalloc|kmalloc|kzalloc|kmemdup|kstrdup|kvmalloc|__kvmalloc|__do_kmalloc|slab_|__slab|___slab|new_slab|allocate_slab|alloc_slab|__alloc_pages|alloc_pages|prepare_alloc|__alloc_frozen|__folio_alloc|folio_alloc|alloc_frozen)/)
				next
			chain = chain (chain == "" ? "" : " < ") f
			if (f ~ /^do_one_initcall/) done()
			next
		}
		END { done() }'
}

# arm ATTR: only ATTR's calls below do_one_initcall count for fail-nth;
# the other attribute's filter matches no address.
arm() {
	for a in failslab fail_page_alloc; do
		if [ "$a" = "$1" ]; then
			echo "0x$start" >$dbg/$a/require-start
			echo "0x$end" >$dbg/$a/require-end
		else
			echo 0x1 >$dbg/$a/require-start
			echo 0x1 >$dbg/$a/require-end
		fi
	done
}

# Load i goes by i mod 4 (the mode): test_slab_static with failslab (1),
# configfs with failslab (2 and 0), test_slab_static with fail_page_alloc
# (3); K is kept per mode (k0..k3).  configfs's init allocates no page
# (its cache gets its first slab at first use), so fail_page_alloc has
# nothing to fail there.
x=$seed
k0=1000 k1=1000 k2=1000 k3=1000
i=0 injected_loads=0 injected_slab=0 injected_page=0 failed_loads=0 ok=1 why=''
while [ "$i" -lt "$loads" ]; do
	i=$((i + 1))
	mode=$((i % 4))
	case $mode in 1 | 3) m=test_slab_static ;; *) m=configfs ;; esac
	case $mode in 3) attr=fail_page_alloc ;; *) attr=failslab ;; esac
	arm "$attr"
	k=0
	eval "k=\$k$mode"
	x=$(((x * 1103515245 + 12345) % 2147483648))
	nth=$((x / 65536 % k + 1))
	read -r slab_before page_before <<EOF
$(times_left)
EOF
	# The shell sets its own fail-nth, then becomes finit-module (one
	# finit_module(); busybox insmod would retry a failed load).
	# shellcheck disable=SC2016 # expanded by the inner shell
	sh -c 'echo "$1" >/proc/self/fail-nth && exec finit-module "$0"' "$(module_path "$m")" "$nth" 2>/tmp/faults-err
	rc=$?
	read -r slab_after page_after <<EOF
$(times_left)
EOF
	slab_got=$((slab_before - slab_after)) page_got=$((page_before - page_after))
	got=$((slab_got + page_got))
	injected_slab=$((injected_slab + slab_got)) injected_page=$((injected_page + page_got))
	[ "$got" = 0 ] || injected_loads=$((injected_loads + 1))
	if [ "$rc" = 0 ]; then
		if [ "$got" = 0 ]; then # passed before its Nth allocation
			eval "k$mode=$((nth > 1 ? nth - 1 : 1))"
		fi
		if ! grep -q "^$m " /proc/modules; then
			ok=0 why="load $i ($m, fail-nth $nth): the load succeeded but $m is not listed"
		elif ! modprobe -r "$m"; then
			ok=0 why="load $i ($m, fail-nth $nth): rmmod failed"
		elif present "$m"; then
			ok=0 why="load $i ($m, fail-nth $nth): module or caches still there after rmmod"
		fi
	else
		failed_loads=$((failed_loads + 1))
		if [ "$got" = 0 ]; then
			ok=0 why="load $i ($m, fail-nth $nth) failed with no fault injected: $(head -n 1 /tmp/faults-err)"
		elif present "$m"; then
			ok=0 why="load $i ($m, fail-nth $nth) failed but module or caches are still there"
		fi
	fi
	dmesg -c >/tmp/faults-new
	cat /tmp/faults-new >>/tmp/faults-dmesg
	echo "# load $i: $m, $attr fail-nth $nth, finit_module errno $rc$(head -n 1 /tmp/faults-err | sed 's/^/ (/; s/$/)/'), failslab $slab_got, fail_page_alloc $page_got$(where_failed </tmp/faults-new)"
	if grep -qE "$SPLAT_RE" /tmp/faults-new; then
		echo "# splat after load $i ($m, fail-nth $nth)"
		break
	fi
	[ "$ok" = 1 ] || break
done
echo "# $i loads: $injected_loads with a fault injected ($injected_slab by failslab, $injected_page by fail_page_alloc), $failed_loads failed; K settled at $k1 and $k3 (test_slab_static: slab, page allocations), $k2 and $k0 (configfs: slab)"
result "$ok" loads_succeed_or_fail_cleanly "$why"
result "$([ $((injected_loads * 2)) -ge "$i" ] && [ "$i" = "$loads" ] && [ "$failed_loads" -gt 0 ] &&
	[ "$injected_slab" -gt 0 ] && [ "$injected_page" -gt 0 ] && echo 1)" faults_injected \
	"$injected_loads of $i loads had a fault injected ($injected_slab failslab, $injected_page fail_page_alloc), $failed_loads failed (want at least half of $loads, by both, and a failed one)"

splats_in /tmp/faults-dmesg
result "$([ "$bad" = 0 ] && echo 1)" no_splat "$bad splat line(s) in the kernel log, above"

# Disarmed, a clean load and unload of each; then, once the releases that
# DEBUG_KOBJECT_RELEASE delays by up to 4 s have run, no splat either.
disarm
ok=1 why=''
for m in $mods; do
	if ! finit-module "$(module_path "$m")"; then
		ok=0 why="clean load of $m failed"
	elif ! modprobe -r "$m" || present "$m"; then
		ok=0 why="clean unload of $m failed"
	fi
done
sleep 5
dmesg -c >/tmp/faults-new
splats_in /tmp/faults-new
[ "$bad" = 0 ] || { ok=0 why="$bad splat line(s) in the kernel log after the clean loads, above"; }
result "$ok" clean_load_after "$why"

[ "$fail" = 0 ]

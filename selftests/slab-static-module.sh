#!/bin/sh
# Static slab caches in a module vs. sysfs (issue: owner kobject pinning).
#
# Loads and unloads test_slab_static.ko many times while two readers keep
# reading every file under its caches' /sys/kernel/slab/<cache>/.  With
# CONFIG_DEBUG_KOBJECT_RELEASE each cache's final release runs 1-4 s after
# kmem_cache_destroy(); without the owner pin the module's memory, which
# holds the caches, is freed before that and KASAN reports the
# use-after-free.  With the pin, unload waits and nothing is reported.
#
# Each cycle makes the kernel log a few dozen lines (the delayed kobject
# releases, the module's deliberately refused second setup), and the
# serial console is slow under TCG: during the cycles the console only
# gets messages of error level and above, and the test reads the kernel
# log itself after every cycle, reporting any splat in it (a WARNING too)
# as a failure with the splat's lines as diagnostics.
#
# Kernel command line: slab_static.cycles=N (default 200).
# Prints KTAP; exit 0 pass, 1 fail, 4 skip.

mod=test_slab_static
cycles=200
read -r cmdline </proc/cmdline
for word in $cmdline; do
	case $word in
	slab_static.cycles=*) cycles=${word#*=} ;;
	esac
done

echo "KTAP version 1"
if ! find "/lib/modules/$(uname -r)" -name "$mod.ko*" 2>/dev/null | grep -q .; then
	echo "1..0 # SKIP $mod.ko not installed (CONFIG_TEST_SLAB_STATIC=m)"
	exit 4
fi
echo "1..5"
fail=0
n=0
result() { # result OK NAME [DETAIL]
	n=$((n + 1))
	if [ "$1" = 1 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2${3:+ # $3}"
		fail=1
	fi
}
splat_re='BUG:|WARNING:|general protection|Oops|Kernel panic|KASAN'
# collect: move the kernel log read so far into /tmp/slab-static-dmesg,
# its splat lines (and the 30 after each) into /tmp/slab-static-splats.
collect() {
	dmesg -c >/tmp/slab-static-dmesg.new 2>/dev/null || return 0
	grep -E -A 30 "$splat_re" /tmp/slab-static-dmesg.new >>/tmp/slab-static-splats
	cat /tmp/slab-static-dmesg.new >>/tmp/slab-static-dmesg
}
nsplats() {
	grep -cE "$splat_re" /tmp/slab-static-splats
}
caches() {
	grep -c "^$mod-" /proc/slabinfo
}

# Splats before this test are not its own: the console has them already.
dmesg -c >/dev/null
: >/tmp/slab-static-splats
: >/tmp/slab-static-dmesg

# 1: the caches appear in /proc/slabinfo and sysfs under their names.
ok=1
modprobe "$mod" || ok=0
[ "$ok" = 1 ] && [ "$(caches)" = 4 ] || ok=0
for size in 32 200 1000 5000; do
	[ -r "/sys/kernel/slab/$mod-$size/object_size" ] || ok=0
	[ "$(cat "/sys/kernel/slab/$mod-$size/object_size" 2>/dev/null)" = "$size" ] || ok=0
done
result "$ok" load "caches missing from /proc/slabinfo or sysfs"

# 2: and go away on unload.
ok=1
rmmod "$mod" || ok=0
[ "$(caches)" = 0 ] || ok=0
[ ! -e "/sys/kernel/slab/$mod-32" ] || ok=0
result "$ok" unload "caches left after rmmod"

# 3: load/unload cycles with readers on the caches' sysfs files.  Only
# errors and worse go to the console meanwhile (see the top).
read -r loglevel _ </proc/sys/kernel/printk
echo 4 >/proc/sys/kernel/printk
rm -f /tmp/stop-readers
reader() {
	while [ ! -e /tmp/stop-readers ]; do
		for f in /sys/kernel/slab/"$mod"-*/*; do
			cat "$f" >/dev/null 2>&1
		done
	done
}
reader &
r1=$!
reader &
r2=$!
done_cycles=0
bad=0
start=$(cut -d. -f1 /proc/uptime)
while [ "$done_cycles" -lt "$cycles" ]; do
	modprobe "$mod" || bad=$((bad + 1))
	rmmod "$mod" || bad=$((bad + 1))
	done_cycles=$((done_cycles + 1))
	collect
	if [ $((done_cycles % 10)) = 0 ]; then
		echo "# cycle $done_cycles/$cycles, $(($(cut -d. -f1 /proc/uptime) - start))s"
	fi
	# A splat ends the run early: the result is known.
	[ "$(nsplats)" = 0 ] || break
done
touch /tmp/stop-readers
wait "$r1" "$r2"
echo "$loglevel" >/proc/sys/kernel/printk
result "$([ "$bad" = 0 ] && echo 1)" "cycles ($done_cycles of $cycles)" "$bad modprobe/rmmod failures"

# 4: all cycles ran (none cut short by a splat).
result "$([ "$done_cycles" = "$cycles" ] && echo 1)" all-cycles "stopped after $done_cycles"

# 5: no splat, including releases still delayed after the last unload.
sleep 5
collect
if [ "$(nsplats)" = 0 ]; then
	result 1 no-splat
else
	sed 's/^/# /' /tmp/slab-static-splats
	result 0 no-splat "kernel reported $(nsplats) problem line(s), above"
fi
exit "$fail"

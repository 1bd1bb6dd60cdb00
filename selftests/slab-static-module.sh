#!/bin/sh
# Static slab caches in a module vs. sysfs (issue: owner kobject pinning).
#
# Each of the module's caches is an alias instance of an existing cache
# (a link in /sys/kernel/slab, not in /proc/slabinfo, pinning nothing) or a
# primary in place (a directory and a /proc/slabinfo line, pinning the
# module).  The module logs how many of its caches pin it; that must be
# the number of directories.  Generic KASAN and slab_debug make every
# cache unmergeable, so under the debug config all four are primaries.
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
# Then the same for a real modular user, configfs, whose configfs_dir_cache
# the series makes static: a cache of its own while configfs is loaded,
# used when the configfs sample's item is made, gone after unload, and
# such cycles with a reader on its sysfs files.  Skipped (each case) when
# configfs and its sample are not built as modules.
#
# Kernel command line: slab_static.cycles=N (default 200),
# slab_static.configfs_cycles=N (default 20).
# Prints KTAP; exit 0 pass, 1 fail, 4 skip.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
mod=test_slab_static
cycles=$(cmdline_number slab_static.cycles 200)
configfs_cycles=$(cmdline_number slab_static.configfs_cycles 20)

echo "KTAP version 1"
require_module "$mod" CONFIG_TEST_SLAB_STATIC=m
echo "1..8"
# collect: move the kernel log read so far into /tmp/slab-static-dmesg,
# its splat lines (and the 30 after each) into /tmp/slab-static-splats.
collect() {
	dmesg -c >/tmp/slab-static-dmesg.new 2>/dev/null || return 0
	grep -E -A 30 "$SPLAT_RE" /tmp/slab-static-dmesg.new >>/tmp/slab-static-splats
	cat /tmp/slab-static-dmesg.new >>/tmp/slab-static-dmesg
}
nsplats() {
	grep -cE "$SPLAT_RE" /tmp/slab-static-splats
}
caches() {
	grep -c "^$mod-" /proc/slabinfo
}

# Splats before this test are not its own: the console has them already.
dmesg -c >/dev/null
: >/tmp/slab-static-splats
: >/tmp/slab-static-dmesg

# 1: the caches appear in sysfs under their names: a primary as a
# directory, listed in /proc/slabinfo, an alias as a link; as many pin the
# module as are primaries.
ok=1 why=''
dmesg -c >/dev/null
modprobe "$mod" || { ok=0 why="modprobe failed"; }
dirs=0 links=0
for size in 32 200 1000 5000; do
	f=/sys/kernel/slab/$mod-$size
	osize=$(cat "$f/object_size" 2>/dev/null)
	if [ -L "$f" ]; then
		links=$((links + 1))
		[ "${osize:-0}" -ge "$size" ] || { ok=0 why="$f: object_size ${osize:-missing}"; }
	elif [ -d "$f" ]; then
		dirs=$((dirs + 1))
		[ "$osize" = "$size" ] || { ok=0 why="$f: object_size ${osize:-missing}"; }
	else
		ok=0 why="$f missing"
	fi
done
pins=$(dmesg | sed -n "s/.*$mod: \([0-9]*\) of 4 caches pin the module.*/\1/p" | tail -n 1)
[ "$(caches)" = "$dirs" ] || { ok=0 why="$(caches) in /proc/slabinfo, $dirs directories"; }
[ "$pins" = "$dirs" ] || { ok=0 why="${pins:-no} pins logged, $dirs directories"; }
echo "# $dirs primaries, $links aliases"
result "$ok" load "$why"

# 2: and go away on unload (a dynamic alias's link stays until the name is
# reused, so only the primaries' directories are checked).
ok=1
rmmod "$mod" || ok=0
[ "$(caches)" = 0 ] || ok=0
[ ! -d "/sys/kernel/slab/$mod-5000" ] || ok=0
result "$ok" unload "caches left after rmmod"

# 3: load/unload cycles with readers on the caches' sysfs files.  Only
# errors and worse go to the console meanwhile (see the top).
read -r loglevel _ </proc/sys/kernel/printk
echo 4 >/proc/sys/kernel/printk
rm -f /tmp/stop-readers
reader() { # reader PREFIX: read the sysfs files of the caches PREFIX*
	while [ ! -e /tmp/stop-readers ]; do
		for f in "/sys/kernel/slab/$1"*/*; do
			cat "$f" >/dev/null 2>&1
		done
	done
}
reader "$mod-" &
r1=$!
reader "$mod-" &
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
no_splat() { # no_splat NAME
	sleep 5
	collect
	if [ "$(nsplats)" = 0 ]; then
		result 1 "$1"
	else
		sed 's/^/# /' /tmp/slab-static-splats
		result 0 "$1" "kernel reported $(nsplats) problem line(s), above"
	fi
}
no_splat no-splat

# 6-8: configfs, a modular user of a static cache.  Its directory entries
# come from configfs_dir_cache once a client registers a subsystem: the
# configfs sample (samples/configfs), which modprobe loads configfs for.
cfs=configfs_dir_cache
cfg=/sys/kernel/config
if ! module_installed configfs_sample; then
	for name in configfs-use configfs-cycles configfs-no-splat; do
		n=$((n + 1))
		echo "ok $n $name # SKIP configfs_sample.ko not installed (CONFIG_CONFIGFS_FS=m, CONFIG_SAMPLE_CONFIGFS=m)"
	done
	exit "$fail"
fi
: >/tmp/slab-static-splats
in_use() { # objects in use in configfs_dir_cache, from /proc/slabinfo
	awk -v c="$cfs" '$1 == c { print $2 }' /proc/slabinfo
}
# An alias's objects are counted with its primary's, under another name:
# then only its presence is checked.
is_alias() {
	[ -L "/sys/kernel/slab/$cfs" ]
}
# configfs_cycle: load, mount, make and remove an item, unmount, unload;
# prints what went wrong, if anything, and always cleans up.
configfs_cycle() {
	why='' before='' after=''
	modprobe configfs_sample || { echo "modprobe configfs_sample failed"; return; }
	# An alias is a link, a primary a directory: either way it is there.
	if [ ! -e "/sys/kernel/slab/$cfs" ]; then
		why="$cfs is not in /sys/kernel/slab"
	elif ! mount -t configfs none "$cfg"; then
		why="mount failed"
	else
		before=$(in_use)
		if ! mkdir "$cfg/02-simple-children/item"; then
			why="mkdir of a configfs item failed"
		else
			after=$(in_use)
			is_alias || [ "${after:-0}" -gt "${before:-0}" ] ||
				why="$cfs in use $before -> $after after making an item"
			rmdir "$cfg/02-simple-children/item" || why=${why:-"rmdir failed"}
		fi
		umount "$cfg" || why=${why:-"umount failed"}
	fi
	rmmod configfs_sample || why=${why:-"rmmod configfs_sample failed"}
	rmmod configfs || why=${why:-"rmmod configfs failed"}
	if [ -z "$why" ] && grep -q "^$cfs " /proc/slabinfo; then
		why="$cfs left after rmmod"
	fi
	echo "$why"
}
why=$(configfs_cycle)
result "$([ -z "$why" ] && echo 1)" configfs-use "$why"

echo 4 >/proc/sys/kernel/printk
rm -f /tmp/stop-readers
reader "$cfs" &
r1=$!
done_cycles=0
bad=0
while [ "$done_cycles" -lt "$configfs_cycles" ]; do
	why=$(configfs_cycle)
	[ -z "$why" ] || { bad=$((bad + 1)); echo "# cycle $((done_cycles + 1)): $why"; }
	done_cycles=$((done_cycles + 1))
	collect
	[ "$(nsplats)" = 0 ] || break
done
touch /tmp/stop-readers
wait "$r1"
echo "$loglevel" >/proc/sys/kernel/printk
result "$([ "$bad" = 0 ] && [ "$done_cycles" = "$configfs_cycles" ] && echo 1)" \
	"configfs-cycles ($done_cycles of $configfs_cycles)" "$bad failed, stopped after $done_cycles"
no_splat configfs-no-splat
exit "$fail"

#!/bin/sh
# A module that never destroys its static cache (issue: a leaked module
# cache hangs rmmod silently).
#
# test_slab_static.ko leak=1 leaves its SLAB_NO_MERGE cache, a primary
# that pins the module, undestroyed at unload.  The allocator must say so
# with one WARNING naming the cache and the module, and the unload must
# then wait forever rather than free the module memory that holds the
# cache, which the cache's slabs and /proc/slabinfo still reach.  What
# this checks, after starting rmmod in the background:
#   1 load      the module loads with leak=1
#   2 warning   exactly one "kmem_cache test_slab_static-5000 of module
#               test_slab_static was not destroyed" in the kernel log
#   3 waits     rmmod still sleeps (D) 5 s later; /proc/modules says
#               the module is Unloading
#   4 kept      the leaked cache is still listed; the destroyed ones are not
#   5 no-other-splat  nothing else was reported (BUG, KASAN, Oops, a
#               second WARNING)
#
# The hung rmmod cannot be killed and the module cannot be loaded again,
# so this is not one of the selftests every boot runs: it lives in
# selftests/destructive/ and scripts/test (check module-leak) boots it in
# a guest of its own, where the WARNING is the one expected splat.
# Prints KTAP; exit 0 pass, 1 fail, 4 skip.

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/lib.sh"
mod=test_slab_static
leaked=$mod-5000
warn_re="kmem_cache $leaked of module $mod was not destroyed"
other_re='BUG:|KASAN|general protection|Oops|Kernel panic|WARNING:'

echo "KTAP version 1"
require_module "$mod" CONFIG_TEST_SLAB_STATIC=m
echo "1..5"
listed() { # listed CACHE: is CACHE a line of /proc/slabinfo
	grep -q "^$1 " /proc/slabinfo
}

dmesg -c >/dev/null
if ! modprobe "$mod" leak=1; then
	result 0 load "modprobe $mod leak=1 failed"
	for name in warning waits kept no-other-splat; do
		result 0 "$name" "not run: the module did not load"
	done
	exit 1
fi
result 1 load

# Not this shell's output: the hung rmmod must not hold the runner's pipe.
rmmod "$mod" </dev/null >/tmp/rmmod.out 2>&1 &
rmmod_pid=$!
i=0
while [ "$i" -lt 30 ] && ! dmesg | grep -q "$warn_re"; do
	sleep 1
	i=$((i + 1))
done
dmesg >/tmp/leak-dmesg
warnings=$(grep -c "$warn_re" /tmp/leak-dmesg)
result "$([ "$warnings" = 1 ] && echo 1)" warning "$warnings warnings naming $leaked and $mod after ${i}s"

sleep 5
# The unload waits in uninterruptible sleep (state D) for the module's
# kobject; /proc/modules lists the module as Unloading meanwhile.
pstate=$(cut -d' ' -f3 "/proc/$rmmod_pid/stat" 2>/dev/null)
state=$(awk -v m="$mod" '$1 == m { print $5 }' /proc/modules)
if [ "$pstate" = D ] && [ "$state" = Unloading ]; then
	result 1 waits
else
	result 0 waits "rmmod state ${pstate:-gone} ($(cat /tmp/rmmod.out)); module ${state:-gone}"
fi

ok=1 why=''
listed "$leaked" || { ok=0 why="$leaked not in /proc/slabinfo"; }
! listed "$mod-1000" || { ok=0 why="$mod-1000 still listed after its destroy"; }
result "$ok" kept "$why"

# The one WARNING is expected; anything else is a failure.
others=$(grep -E "$other_re" /tmp/leak-dmesg | grep -v "^.*WARNING: CPU: .* slab_module_going" | grep -c .)
result "$([ "$others" = 0 ] && echo 1)" no-other-splat "$others other problem line(s) in the kernel log"
exit "$fail"

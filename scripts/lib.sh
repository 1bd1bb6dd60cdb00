# shellcheck shell=bash
# Common helpers for the series' scripts.  Sourced, never run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=series.conf
. "$ROOT/series.conf"
# shellcheck disable=SC2034 # used by the scripts that source this
KTREE=$ROOT/kernel-tree
# shellcheck disable=SC2034
PATCHES=$ROOT/patches
PROG=$(basename "$0")

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

info() {
	printf '%s: %s\n' "$PROG" "$*" >&2
}

warn() {
	printf '%s: WARNING: %s\n' "$PROG" "$*" >&2
}

# usage_error MSG: bad command line; print MSG and the usage, exit 2.
usage_error() {
	printf '%s: %s\n' "$PROG" "$1" >&2
	usage >&2
	exit 2
}

# need_cmd CMD PACKAGE: fail with the fix when CMD is missing.
need_cmd() {
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' not found: run scripts/setup-deps (or: apt-get install $2)"
}

# The base commit is recorded once: as the kernel-tree gitlink.
base_sha() {
	git -C "$ROOT" ls-files -s kernel-tree | awk '$1 == "160000" { print $2 }'
}

need_base() {
	local base
	base=$(base_sha)
	[ -n "$base" ] || die "no kernel-tree gitlink recorded in the index"
	git -C "$KTREE" rev-parse -q --verify "$base^{commit}" >/dev/null 2>&1 ||
		die "kernel-tree lacks base commit $base: run scripts/base"
	# The base is a root commit.  A gitlink with a parent means kernel-tree's
	# HEAD was staged, e.g. by "git commit -a" in this repository.
	if git -C "$KTREE" rev-parse -q --verify "$base^" >/dev/null 2>&1; then
		die "the kernel-tree gitlink $base is not the base commit (it has a parent):" \
			"kernel-tree's HEAD was committed (git commit -a?).  Restore it with:" \
			"git update-index --cacheinfo 160000,\$(git -C kernel-tree rev-parse base),kernel-tree"
	fi
	printf '%s\n' "$base"
}

# Split SERIES_AUTHOR ("Name <email>") into git's identity variables.
series_identity() {
	local name=${SERIES_AUTHOR%% <*} email=${SERIES_AUTHOR##*<}
	email=${email%>}
	if [ -z "$name" ] || [ -z "$email" ] || [ "$name" = "$SERIES_AUTHOR" ]; then
		die "SERIES_AUTHOR must look like 'Name <email>', got '$SERIES_AUTHOR'"
	fi
	export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email
	export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email
}

# run_logged LOG DESC CMD...: run CMD with its output in LOG, printing a
# heartbeat with the log's last line every 30 seconds.  Returns CMD's status.
# With RUN_LOGGED_QUIET=1 only the heartbeat is printed (no start/end line).
run_logged() {
	local log=$1 desc=$2 pid rc start last next=30
	shift 2
	mkdir -p "$(dirname "$log")"
	[ "${RUN_LOGGED_QUIET:-0}" = 1 ] || info "$desc (log: $log)"
	start=$SECONDS
	"$@" >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 0.5
		if ((SECONDS - start >= next)); then
			last=$(tail -n 1 "$log" 2>/dev/null | cut -c1-100)
			info "  ... $desc: $((SECONDS - start))s, $last"
			next=$((next + 30))
		fi
	done
	rc=0
	wait "$pid" || rc=$?
	if [ "${RUN_LOGGED_QUIET:-0}" = 1 ]; then
		:
	elif [ "$rc" = 0 ]; then
		info "$desc: done in $((SECONDS - start))s"
	else
		info "$desc: FAILED (exit $rc) after $((SECONDS - start))s"
	fi
	return "$rc"
}

# ---- Stages: the runner scripts/run and scripts/test share ----------------

# series_lock: one scripts/run or scripts/test at a time per BUILD_ROOT (they
# move kernel-tree's branch and share the build directories), and patches/
# not rewritten by scripts/export under them; waits.
series_lock() {
	mkdir -p "$BUILD_ROOT"
	exec 9>"$BUILD_ROOT/.series.lock"
	if ! flock -n 9; then
		info "another scripts/run or scripts/test holds $BUILD_ROOT/.series.lock; waiting"
		flock 9
	fi
}

# stage_init DIR: the logs of the stages that follow go to DIR/NAME.log.
stage_init() {
	STAGE_LOGDIR=$1
	STAGE_NAMES=()
	declare -gA STAGE_RESULT=() STAGE_SECS=() STAGE_NOTE=()
	mkdir -p "$STAGE_LOGDIR"
	rm -f "$STAGE_LOGDIR"/*.log
}

# stage NAME CMD...: run CMD (a command or a shell function) with its output
# in STAGE_LOGDIR/NAME.log and run_logged's heartbeat; print on stdout
#   ok   NAME (Ns)
#   FAIL NAME: REASON (log: FILE)
# REASON being the last "prog: error: ..." line of the log (die's format).
# Returns CMD's status.
stage() {
	local name=$1 log rc=0 start=$SECONDS reason
	shift
	log=$STAGE_LOGDIR/$name.log
	STAGE_NAMES+=("$name")
	RUN_LOGGED_QUIET=1 run_logged "$log" "$name" "$@" || rc=$?
	STAGE_SECS[$name]=$((SECONDS - start))
	if [ "$rc" = 0 ]; then
		STAGE_RESULT[$name]=ok
		printf 'ok   %s (%ss)\n' "$name" "${STAGE_SECS[$name]}"
		return 0
	fi
	reason=$(grep -E '^[[:alnum:]_.-]+: error: ' "$log" | tail -n 1 | sed -E 's/^[^ ]+ error: //')
	[ -n "$reason" ] || reason="exit $rc, last line: $(tail -n 1 "$log" | cut -c1-160)"
	STAGE_RESULT[$name]=FAIL
	STAGE_NOTE[$name]=$reason
	printf 'FAIL %s: %s (log: %s)\n' "$name" "$reason" "$log"
	return "$rc"
}

# stage_skip NAME REASON: a stage that did not run; never counts as passed.
stage_skip() {
	STAGE_NAMES+=("$1")
	STAGE_RESULT[$1]=skip
	STAGE_SECS[$1]=0
	STAGE_NOTE[$1]=$2
	printf 'skip %s: %s\n' "$1" "$2"
}

# stage_counts: print "N passed, N failed[, N skipped]"; fail if any failed.
stage_counts() {
	local n p=0 f=0 s=0
	for n in "${STAGE_NAMES[@]}"; do
		case ${STAGE_RESULT[$n]} in
		ok) p=$((p + 1)) ;;
		FAIL) f=$((f + 1)) ;;
		*) s=$((s + 1)) ;;
		esac
	done
	if [ "$s" = 0 ]; then
		printf '%d passed, %d failed\n' "$p" "$f"
	else
		printf '%d passed, %d failed, %d skipped\n' "$p" "$f" "$s"
	fi
	[ "$f" = 0 ]
}

# stage_table: the stages as a table: name, result, seconds, note (the
# failure reason, the skip reason, or what stage_note recorded).
stage_table() {
	local n
	printf '%-12s %-6s %7s  %s\n' STAGE RESULT TIME DETAILS
	for n in "${STAGE_NAMES[@]}"; do
		printf '%-12s %-6s %6ss  %s\n' "$n" "${STAGE_RESULT[$n]}" "${STAGE_SECS[$n]}" "${STAGE_NOTE[$n]:-}"
	done
}

# stage_note NAME TEXT: what the table says about a stage that passed.
stage_note() {
	STAGE_NOTE[$1]=$2
}

# summary_value FILE KEY: the value of the "KEY value" line of FILE.
summary_value() {
	[ -f "$1" ] || return 1
	awk -v k="$2" '$1 == k { sub(/^[^ ]+ /, ""); print; exit }' "$1"
}

# boot_note SUMMARY: one line about the scripts/boot run whose
# boot-summary.txt SUMMARY is (fails if there is none).
boot_note() {
	[ -s "$1" ] || return 1
	awk '{ v[$1] = $2 }
		END { printf "booted: %d passed, %d failed, %d skipped; %d splats; %s, %ss%s\n",
			v["passed"], v["failed"], v["skipped"], v["splats"], v["accel"],
			v["boot_seconds"], v["hung"] ? "; HUNG" : "" }' "$1"
}

# kunit_counts SUMMARY: "PASSED FAILED SKIPPED" from scripts/kunit's
# kunit-summary.txt (nothing, and failure, if it is missing).
kunit_counts() {
	[ -s "$1" ] || return 1
	awk '$1 == "passed" { p = $2 } $1 == "failed" { f = $2 } $1 == "skipped" { s = $2 }
		END { print p + 0, f + 0, s + 0 }' "$1"
}

# kunit_kernel_args KUNITCONFIG...: the words of their "# kernel_args:"
# lines, what their suites need on the kernel command line.
kunit_kernel_args() {
	sed -n 's/^# kernel_args: *//p' "$@" | tr -s '[:blank:]' '\n' | grep . || true
}

# Kernel command line of the boots scripts/run and scripts/test make.
# slab-static-module.sh defaults to 200 load/unload cycles, which take about
# 25 minutes under TCG (each unload waits for kobject releases that
# CONFIG_DEBUG_KOBJECT_RELEASE delays by 1-4 s, one after the other); these
# runs do 30.  For the full 200:
#   scripts/boot --append selftest.only=slab-static-module
# shellcheck disable=SC2034
SUITE_BOOT_ARGS="slab_static.cycles=30"
# ... on two NUMA nodes (scripts/boot --numa), so that per-node state is
# exercised by every test of the boot.
# shellcheck disable=SC2034
SUITE_BOOT_NUMA=2

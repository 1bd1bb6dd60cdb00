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
run_logged() {
	local log=$1 desc=$2 pid rc start last
	shift 2
	mkdir -p "$(dirname "$log")"
	info "$desc (log: $log)"
	start=$SECONDS
	"$@" >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		if (((SECONDS - start) % 30 < 2)) && ((SECONDS - start >= 30)); then
			last=$(tail -n 1 "$log" 2>/dev/null | cut -c1-100)
			info "  ... $desc: $((SECONDS - start))s, $last"
			sleep 1
		fi
	done
	rc=0
	wait "$pid" || rc=$?
	if [ "$rc" = 0 ]; then
		info "$desc: done in $((SECONDS - start))s"
	else
		info "$desc: FAILED (exit $rc) after $((SECONDS - start))s"
	fi
	return "$rc"
}

# shellcheck shell=sh
# Helpers for the selftests: sourced (". ./lib.sh" from /selftests), never
# run (not executable, so init does not take it for a selftest).

# cmdline_number NAME DEFAULT: the value of NAME=VALUE on the kernel
# command line (the last one given), or DEFAULT.  A value that is not a
# whole number is reported as a diagnostic and ignored.
cmdline_number() {
	_cn_value=$2
	read -r _cn_line </proc/cmdline
	for _cn_word in $_cn_line; do
		case $_cn_word in
		"$1"=*) _cn_value=${_cn_word#*=} ;;
		esac
	done
	case $_cn_value in
	'' | *[!0-9]*)
		echo "# ignoring $1=$_cn_value on the kernel command line: not a whole number; using $2" >&2
		_cn_value=$2
		;;
	esac
	echo "$_cn_value"
}

# Kernel log lines that start a splat (ERE): what a selftest that reads
# dmesg itself reports as a failure.  scripts/boot's scan of the console
# is the stricter one; this is the part a selftest can act on at once.
# shellcheck disable=SC2034 # used by the sourcing tests
SPLAT_RE='BUG:|^(\[ *[0-9.]+\] )?BUG [^ ]+ \(|WARNING:|general protection|Oops|Kernel panic|KASAN|UBSAN|kernel BUG|counted but counter='

# splats_in LOG: set bad to the number of splat lines in LOG (a saved
# dmesg), and print each with the 20 lines after it (60 at most) as KTAP
# diagnostics.
splats_in() {
	bad=$(grep -cE "$SPLAT_RE" "$1")
	[ "$bad" = 0 ] || grep -E -A 20 "$SPLAT_RE" "$1" | head -n 60 | sed 's/^/# /'
}

# module_path NAME: the installed NAME.ko (compressed or not).
module_path() {
	find "/lib/modules/$(uname -r)" -name "$1.ko*" 2>/dev/null | head -n 1
}

# module_installed NAME: is NAME.ko (compressed or not) installed?
module_installed() {
	[ -n "$(module_path "$1")" ]
}

# fail_all WHY CASE...: after the plan, every CASE "not ok" with WHY, then
# exit 1: for a test that cannot run at all.
fail_all() {
	_why=$1
	shift
	for _c in "$@"; do result 0 "$_c" "$_why"; done
	exit 1
}

# require_module NAME CONFIG: after "KTAP version 1", skip the whole test
# (plan 1..0, exit 4) unless NAME.ko is installed; CONFIG says what builds it.
require_module() {
	module_installed "$1" && return 0
	echo "1..0 # SKIP $1.ko not installed ($2)"
	exit 4
}

# result OK NAME [DETAIL]: KTAP line number n (counted here from 1) for
# NAME, "ok" if OK is 1, else "not ok" with DETAIL, which sets fail=1.
n=0
fail=0
result() {
	n=$((n + 1))
	if [ "$1" = 1 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2${3:+ # $3}"
		# shellcheck disable=SC2034 # the sourcing test exits with it
		fail=1
	fi
}

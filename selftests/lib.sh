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

# module_installed NAME: is NAME.ko (compressed or not) installed?
module_installed() {
	find "/lib/modules/$(uname -r)" -name "$1.ko*" 2>/dev/null | grep -q .
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

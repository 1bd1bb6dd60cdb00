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

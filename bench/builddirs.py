"""The --base and --patched build directory arguments that the object-code
tools (callsites.py, fastpath.py) share."""


def add(ap):
    """Add --base DIR and --patched DIR to the argparse parser @ap."""
    ap.add_argument("--base", required=True, metavar="DIR",
                    help="build directory of the base kernel (has vmlinux)")
    ap.add_argument("--patched", required=True, metavar="DIR",
                    help="build directory of the patched kernel")


def check(ap, args):
    """Exit through @ap with a usage error unless both have a vmlinux."""
    for d in (args.base, args.patched):
        try:
            open(f"{d}/vmlinux", "rb").close()
        except OSError as e:
            ap.error(f"{d}/vmlinux: {e.strerror}; give a kernel build directory")

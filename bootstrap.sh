#!/bin/sh
# Set up a Debian 12 machine for layoutdbg, build it, then either open it on
# the bundled heap fixture (demo) or run every test (test).
#   ./bootstrap.sh demo      install, build, open layoutdbg on fixtures/heap
#   ./bootstrap.sh test      install, build (werror), run all tests, also
#                            under AddressSanitizer and UBSan
set -eu
cd "$(dirname "$0")"
mode=${1:-demo}

PACKAGES="gcc meson ninja-build pkg-config libelf-dev libdw-dev libunwind-dev
libreadline-dev libjansson-dev libcapstone-dev python3 binutils gdb jq strace clang
libclang-rt-14-dev valgrind python3-jsonschema libiberty-dev g++ libdebuginfod-dev
liblzma-dev rustc"

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# The test suite also renders the exported pictures in headless Chromium,
# reads libc's separate debug file (libc6-dbg), compares with pmap (procps)
# creates a test user for the rc-file rule (passwd), serves debug files
# with a real debuginfod server and makes MiniDebugInfo with xz.
[ "$mode" = test ] && PACKAGES="$PACKAGES chromium libc6-dbg procps passwd debuginfod xz-utils"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "bootstrap: installing:$missing" >&2
	as_root apt-get update -qq
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
fi

setup() {	# dir, extra meson options...
	dir=$1; shift
	if [ -d "$dir" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
	ninja -C "$dir" >&2
}

# Each libFuzzer target runs for FUZZ_SECONDS over the checked-in corpus
# (new inputs go to a scratch directory; a crash fails the run and leaves
# its input in build-fuzz/ to be added to fuzz/corpus/ once fixed).
fuzz() {
	CC=clang setup build-fuzz -Dfuzz=true -Db_lundef=false || return 1
	ok=0
	for t in maps elf commands load cexpr; do
		scratch=$(mktemp -d)
		dict=""
		[ -f fuzz/$t.dict ] && dict="-dict=../fuzz/$t.dict"
		echo "fuzz_$t: ${FUZZ_SECONDS:-60} s" >&2
		# shellcheck disable=SC2086
		if ! (cd build-fuzz && ./fuzz/fuzz_$t -max_total_time="${FUZZ_SECONDS:-60}" \
			-print_final_stats=0 $dict "$scratch" ../fuzz/corpus/$t 2>fuzz_$t.log); then
			tail -n 30 build-fuzz/fuzz_$t.log >&2
			ok=1
		fi
		rm -rf "$scratch"
	done
	return $ok
}

case "$mode" in
demo)
	setup build
	exec ./build/src/layoutdbg build/fixtures/heap
	;;
test)
	setup build -Dwerror=true
	status=0
	meson test -C build --print-errorlogs || status=1
	setup build-san -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-san --print-errorlogs || status=1
	fuzz || status=1
	python3 tests/summary.py build/meson-logs/testlog.json \
		build-san/meson-logs/testlog.json || status=1
	exit $status
	;;
*)
	echo "usage: $0 demo|test" >&2
	exit 2
	;;
esac

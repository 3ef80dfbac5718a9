# Test programs for process.bats, terminal.bats and fds.bats, built from C in setup_file.
# Load after helpers: "load helpers/tools".

# build_tool NAME [CC-FLAG...]: compile tests/helpers/NAME.c into $BATS_FILE_TMPDIR/NAME.
# Without a C compiler the file's tests are skipped, with the reason printed.
build_tool() {
	local name=$1
	shift
	if ! command -v cc >/dev/null; then
		TOOLS_MISSING="no C compiler (cc) to build tests/helpers/$name.c"
		return 0
	fi
	cc -Wall -Wextra -O2 "$@" -o "$BATS_FILE_TMPDIR/$name" "$TESTS_DIR/helpers/$name.c" ||
		TOOLS_MISSING="cc failed on tests/helpers/$name.c (a static build needs libc6-dev)"
	export TOOLS_MISSING
}

# need_tools: skip the test when build_tool could not build a helper.
need_tools() {
	[ -z "${TOOLS_MISSING:-}" ] || skip "$TOOLS_MISSING"
}

# vtool_in_template: vtool (static, it runs in the busybox rootfs) as /bin/vtool.
vtool_in_template() {
	build_tool vtool -static
	[ -n "${TOOLS_MISSING:-}" ] || cp "$BATS_FILE_TMPDIR/vtool" "$TEMPLATE/rootfs/bin/vtool"
}

#!/usr/bin/env bats
# Malformed and hostile configs, and error reporting.
#
# Every case checks the same things (expect_error): exit status 1, exactly
# one line on stderr that starts with "veil:" and names the field or path at
# fault, no state directory left in $ROOT, no mount of the bundle in the
# host's mount table and no process left (found by the marker that is in the
# bundle path, in process.env and in process.args).

load helpers

# Errors found only when the process is exec'd: use run.
expect_run_error() {
	expect_error run "$@"
}

# Case-insensitive variant for messages that quote strerror().
expect_run_error_ci() {
	vrun run --bundle "$BUNDLE" "$ID"
	if [ "$status" -ne 1 ]; then
		echo "veil run exited $status, expected 1" >&2
		return 1
	fi
	assert_one_error_line
	local n
	for n in "$@"; do
		assert_contains_ci "$stderr" "$n"
	done
	assert_no_leftovers
}

config() {
	printf '%s' "$BUNDLE/config.json"
}

# index of the next element appended to .mounts
next_mount_index() {
	jq '.mounts | length' "$(config)"
}

# ---------------------------------------------------------------------------
# not JSON, or not a JSON object

@test "errors: empty config.json" {
	: >"$(config)"
	expect_create_error config.json
}

@test "errors: truncated config.json" {
	head -c 200 "$(config)" >"$BATS_TEST_TMPDIR/cut"
	cp "$BATS_TEST_TMPDIR/cut" "$(config)"
	expect_create_error config.json
}

@test "errors: trailing garbage after the JSON object" {
	echo '} garbage' >>"$(config)"
	expect_create_error config.json
}

@test "errors: config.json is an array, not an object" {
	echo '[1, 2, 3]' >"$(config)"
	expect_create_error config.json
}

@test "errors: config.json is a bare string" {
	echo '"hello"' >"$(config)"
	expect_create_error config.json
}

@test "errors: deeply nested arrays (100000 levels) do not crash the parser" {
	head -c 100000 /dev/zero | tr '\0' '[' >"$(config)"
	expect_create_error config.json
}

@test "errors: config.json is a directory" {
	rm "$(config)"
	mkdir "$(config)"
	expect_create_error config.json
}

@test "errors: config.json is missing" {
	rm "$(config)"
	expect_create_error config.json
}

@test "errors: --bundle is a nonexistent directory" {
	local b=$BATS_TEST_TMPDIR/no-such-bundle-$MARK
	vrun create --bundle "$b" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "$b"
	assert_no_leftovers
}

# ---------------------------------------------------------------------------
# wrong types

@test "errors: process.args is a string" {
	cfg '.process.args = "sh"'
	expect_create_error process.args
}

@test "errors: process.args is an empty array" {
	cfg '.process.args = []'
	expect_create_error process.args
}

@test "errors: process.env holds a number" {
	cfg '.process.env += [5]'
	expect_create_error "process.env["
}

@test "errors: linux.uidMappings[0].size is a string" {
	userns_config
	cfg '.linux.uidMappings[0].size = "x"'
	expect_create_error 'linux.uidMappings[0].size'
}

@test "errors: linux.uidMappings[0].size is a fraction" {
	userns_config
	cfg '.linux.uidMappings[0].size = 1.5'
	expect_create_error 'linux.uidMappings[0].size'
}

@test "errors: linux.gidMappings[0].hostID is negative" {
	userns_config
	cfg '.linux.gidMappings[0].hostID = -1'
	expect_create_error 'linux.gidMappings[0].hostID'
}

@test "errors: hostname is a number" {
	cfg '.hostname = 5'
	expect_create_error hostname
}

@test "errors: process.user.uid is -1" {
	cfg '.process.user.uid = -1'
	expect_create_error process.user.uid
}

@test "errors: root.readonly is a string" {
	cfg '.root.readonly = "yes"'
	expect_create_error root.readonly
}

@test "errors: ociVersion is a number" {
	cfg '.ociVersion = 1.0'
	expect_create_error ociVersion
}

@test "errors: linux.namespaces is an object" {
	cfg '.linux.namespaces = {"type": "pid"}'
	expect_create_error linux.namespaces
}

@test "errors: mounts is a string" {
	cfg '.mounts = "/proc"'
	expect_create_error mounts
}

# ---------------------------------------------------------------------------
# missing required fields

@test "errors: root is missing" {
	cfg 'del(.root)'
	expect_create_error root
}

@test "errors: root.path is missing" {
	cfg 'del(.root.path)'
	expect_create_error root.path
}

@test "errors: process.cwd is missing" {
	cfg 'del(.process.cwd)'
	expect_create_error process.cwd
}

@test "errors: ociVersion is missing" {
	cfg 'del(.ociVersion)'
	expect_create_error ociVersion
}

@test "errors: a mount without a destination" {
	local i
	i=$(next_mount_index)
	cfg '.mounts += [{type: "tmpfs", source: "tmpfs"}]'
	expect_create_error "mounts[$i].destination"
}

@test "errors: run of a config without process" {
	cfg 'del(.process)'
	expect_run_error process
}

# ---------------------------------------------------------------------------
# values that cannot be applied

@test "errors: root.path does not exist" {
	local p=$BATS_TEST_TMPDIR/no-such-rootfs-$MARK
	cfg '.root.path = $p' --arg p "$p"
	expect_create_error "$p"
}

@test "errors: root.path is a regular file" {
	local p=$BATS_TEST_TMPDIR/rootfs-file-$MARK
	echo hello >"$p"
	cfg '.root.path = $p' --arg p "$p"
	expect_create_error "$p"
}

@test "errors: an unknown namespace type" {
	cfg '.linux.namespaces += [{type: "bogus"}]'
	expect_create_error bogus
}

@test "errors: a namespace type given twice" {
	cfg '.linux.namespaces += [{type: "pid"}]'
	expect_create_error linux.namespaces
}

@test "errors: uidMappings size 99999999999999999999 (overflows 64 bits)" {
	userns_config
	# jq would round the number: write it into the file as text
	cfg '.linux.uidMappings[0].size = 4242424242'
	sed -i 's/4242424242/99999999999999999999/' "$(config)"
	grep -q 99999999999999999999 "$(config)"
	expect_create_error 'linux.uidMappings[0].size'
}

@test "errors: uidMappings without a user namespace" {
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	expect_create_error linux.uidMappings
}

@test "errors: process.cwd is relative" {
	cfg '.process.cwd = "tmp"'
	expect_create_error process.cwd
}

@test "errors: hostname without a uts namespace" {
	del_ns uts
	cfg '.hostname = "box"'
	expect_create_error hostname
}

@test "errors: hostname longer than the kernel allows (65 bytes)" {
	cfg '.hostname = $h' --arg h "$(printf 'h%.0s' $(seq 65))"
	expect_create_error hostname
}

@test "errors: a namespace path that does not exist" {
	local p=$BATS_TEST_TMPDIR/no-such-ns-$MARK
	add_ns network "$p"
	expect_create_error "$p"
}

@test "errors: an unknown rlimit type" {
	cfg '.process.rlimits += [{type: "RLIMIT_BOGUS", hard: 1, soft: 1}]'
	expect_create_error RLIMIT_BOGUS
}

@test "errors: process.args[0] does not exist" {
	set_args /nonexistent "$MARK"
	expect_run_error_ci 'exec "/nonexistent"' 'no such file or directory'
}

@test "errors: process.args[0] is not executable" {
	echo 'echo hi' >"$BUNDLE/rootfs/notexec"
	chmod 0644 "$BUNDLE/rootfs/notexec"
	set_args /notexec "$MARK"
	expect_run_error_ci 'exec "/notexec"' 'permission denied'
}

@test "errors: a 1 MB argument fails to exec without echoing it back" {
	head -c 1048576 /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/big"
	cfg '.process.args = ["/bin/echo", $big, $m]' --rawfile big "$BATS_TEST_TMPDIR/big" --arg m "$MARK"
	expect_run_error_ci 'argument list too long'
	[ "${#stderr}" -lt 4096 ]
}

# ---------------------------------------------------------------------------
# mount destinations that try to leave the rootfs: confined or rejected, and
# the host is untouched either way

# escape_case: create may fail (cleanly) or succeed; nothing may appear at
# the host paths given.
escape_case() {
	local p
	vrun create --bundle "$BUNDLE" "$ID"
	if [ "$status" -ne 0 ]; then
		[ "$status" -eq 1 ]
		assert_one_error_line
		assert_no_leftovers
	fi
	for p in "$@"; do
		if [ -e "$p" ] || [ -L "$p" ]; then
			echo "escaped: $p exists on the host" >&2
			rm -rf "$p"
			return 1
		fi
	done
}

@test "errors: a mount destination with ../ is confined to the rootfs or rejected" {
	cfg '.mounts += [{destination: $d, type: "tmpfs", source: "tmpfs"}]' \
		--arg d "../../../../../../../../../etc/veil-escape-$MARK"
	escape_case "/etc/veil-escape-$MARK" "$BATS_TEST_TMPDIR/etc/veil-escape-$MARK"
}

@test "errors: a mount destination through an absolute symlink stays in the rootfs" {
	ln -s / "$BUNDLE/rootfs/tmp/evil"
	cfg '.mounts += [{destination: $d, type: "tmpfs", source: "tmpfs"}]' \
		--arg d "/tmp/evil/tmp/veil-escape-$MARK"
	escape_case "/tmp/veil-escape-$MARK"
	if [ "$status" -eq 0 ]; then
		[ -d "$BUNDLE/rootfs/tmp/veil-escape-$MARK" ]
	fi
}

@test "errors: a mount destination through a relative symlink stays in the rootfs" {
	ln -s ../../../../../../../../.. "$BUNDLE/rootfs/tmp/evil"
	cfg '.mounts += [{destination: $d, type: "tmpfs", source: "tmpfs"}]' \
		--arg d "/tmp/evil/tmp/veil-escape-$MARK"
	escape_case "/tmp/veil-escape-$MARK"
}

@test "errors: a bind mount onto a dangling symlink does not create the host file" {
	local target=$BATS_TEST_TMPDIR/created-on-host-$MARK
	echo payload >"$BATS_TEST_TMPDIR/payload"
	ln -s "$target" "$BUNDLE/rootfs/etc/evil"
	cfg '.mounts += [{destination: "/etc/evil", type: "bind", source: $s, options: ["bind"]}]' \
		--arg s "$BATS_TEST_TMPDIR/payload"
	escape_case "$target"
}

# ---------------------------------------------------------------------------
# --log

@test "errors: --log FILE --log-format json records the error as a JSON line" {
	local log=$BATS_TEST_TMPDIR/veil.log
	cfg 'del(.root.path)'
	run_veil --log "$log" --log-format json create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	[ -s "$log" ]
	tail -n 1 "$log" | jq -e '
		type == "object" and .level == "error"
		and (.msg | type == "string" and contains("root.path"))
		and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"))'
	assert_no_leftovers
}

@test "errors: every line of a json log is a JSON object" {
	local log=$BATS_TEST_TMPDIR/veil.log
	cfg '.hostname = 5'
	run_veil --log "$log" --log-format json --debug create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[ -s "$log" ]
	jq -e -s 'length > 0 and all(.[]; type == "object" and has("level") and has("msg") and has("time"))' "$log"
}

@test "errors: --log FILE --log-format text writes the message" {
	local log=$BATS_TEST_TMPDIR/veil.log
	cfg 'del(.root.path)'
	run_veil --log "$log" --log-format text create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	[ -s "$log" ]
	grep -q root.path "$log"
	assert_no_leftovers
}

@test "errors: --log appends to an existing file" {
	local log=$BATS_TEST_TMPDIR/veil.log
	echo '{"level":"info","msg":"earlier","time":"2000-01-01T00:00:00Z"}' >"$log"
	run_veil --log "$log" --log-format json state nosuch
	[ "$status" -eq 1 ]
	[ "$(head -n 1 "$log")" = '{"level":"info","msg":"earlier","time":"2000-01-01T00:00:00Z"}' ]
	tail -n 1 "$log" | jq -e '.level == "error" and (.msg | contains("nosuch"))'
}

@test "errors: linux.intelRdt is refused (veil has no resctrl support), naming the key" {
	cfg '.linux.intelRdt = {"closID": "veiltest", "l3CacheSchema": "L3:0=f"}'
	expect_create_error linux.intelRdt
}

#!/usr/bin/env bats
# veil spec: the default config.json and the rootless variant.

load helpers

setup() {
	common_setup
	SPECDIR=$BATS_TEST_TMPDIR/spec
	mkdir "$SPECDIR"
}

@test "spec: writes config.json in the current directory" {
	cd "$SPECDIR"
	run_raw spec
	[ "$status" -eq 0 ]
	[ -s "$SPECDIR/config.json" ]
	jq -e 'type == "object"' "$SPECDIR/config.json"
}

@test "spec: --bundle DIR, -b DIR and --bundle=DIR write DIR/config.json" {
	local flag d
	for flag in --bundle -b --bundle=; do
		# (bats' run uses $i: do not count with it here)
		d=$SPECDIR/dir${flag//[-=]/_}
		mkdir "$d"
		if [ "$flag" = --bundle= ]; then
			run_raw spec "--bundle=$d"
		else
			run_raw spec "$flag" "$d"
		fi
		[ "$status" -eq 0 ]
		jq -e 'type == "object"' "$d/config.json"
	done
}

@test "spec: refuses to overwrite an existing config.json" {
	echo '{"mine": true}' >"$SPECDIR/config.json"
	run_raw spec --bundle "$SPECDIR"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" config.json
	[ "$(cat "$SPECDIR/config.json")" = '{"mine": true}' ]
}

@test "spec: a nonexistent --bundle directory is an error" {
	run_raw spec --bundle "$SPECDIR/nonexistent"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "$SPECDIR/nonexistent"
	[ ! -e "$SPECDIR/nonexistent" ]
}

@test "spec: the default config has runc's defaults" {
	run_raw spec --bundle "$SPECDIR"
	[ "$status" -eq 0 ]
	local c=$SPECDIR/config.json
	jq -e '.ociVersion | test("^1\\.[0-9]+\\.[0-9]+")' "$c"
	jq -e '.root == {path: "rootfs", readonly: true}' "$c"
	jq -e '.process.args == ["sh"] and .process.terminal == true and .process.cwd == "/"' "$c"
	jq -e '.process.user.uid == 0 and .process.user.gid == 0' "$c"
	jq -e '.process.env | any(startswith("PATH=")) and any(. == "TERM=xterm")' "$c"
	jq -e '.process.noNewPrivileges == true' "$c"
	jq -e '.process.rlimits | any(.type == "RLIMIT_NOFILE" and .hard == 1024 and .soft == 1024)' "$c"
	jq -e '.hostname | type == "string" and length > 0' "$c"
	# namespaces: pid, network, ipc, uts, mount (cgroup optional), no user
	jq -e '[.linux.namespaces[].type] as $t
		| all("pid", "network", "ipc", "uts", "mount"; . as $n | $t | index([$n]))
		and ($t | index(["user"]) | not)
		and ($t | length == (unique | length))' "$c"
	# capabilities: the usual three in every set that is there
	jq -e '.process.capabilities as $caps
		| ["bounding", "effective", "permitted"]
		| all(. as $s | $caps[$s] | (index(["CAP_AUDIT_WRITE"]) and index(["CAP_KILL"]) and index(["CAP_NET_BIND_SERVICE"])))' "$c"
	jq -e '.process.capabilities.bounding | index(["CAP_SYS_ADMIN"]) | not' "$c"
	# mounts
	jq -e '[.mounts[].destination] as $d
		| all("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys"; . as $m | $d | index([$m]))' "$c"
	jq -e '.mounts[] | select(.destination == "/proc") | .type == "proc"' "$c"
	jq -e '.mounts[] | select(.destination == "/dev/pts") | .type == "devpts"' "$c"
	# masked and read-only paths
	jq -e '.linux.maskedPaths | index(["/proc/kcore"]) and index(["/proc/keys"]) and index(["/sys/firmware"])' "$c"
	jq -e '.linux.readonlyPaths | index(["/proc/sys"]) and index(["/proc/sysrq-trigger"]) and index(["/proc/bus"])' "$c"
}

@test "spec: --rootless adds a user namespace mapping root to the caller" {
	run_raw spec --rootless --bundle "$SPECDIR"
	[ "$status" -eq 0 ]
	local c=$SPECDIR/config.json
	jq -e '.linux.namespaces | any(.type == "user")' "$c"
	jq -e --argjson u "$(id -u)" --argjson g "$(id -g)" '
		.linux.uidMappings == [{containerID: 0, hostID: $u, size: 1}]
		and .linux.gidMappings == [{containerID: 0, hostID: $g, size: 1}]' "$c"
	# an unprivileged user cannot make a network namespace useful, so
	# runc's rootless spec has none
	jq -e '.linux.namespaces | any(.type == "network") | not' "$c"
}

@test "spec: a bundle from contrib/mkbundle runs true with exit 0" {
	local b=$BATS_TEST_TMPDIR/fresh
	run "$MKBUNDLE" "$b"
	[ "$status" -eq 0 ]
	"$CFGEDIT" "$b/config.json" '.process.args = ["true"] | .process.terminal = false'
	vrun run --bundle "$b" "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "spec: the default config runs sh with busybox (terminal off)" {
	local b=$BATS_TEST_TMPDIR/fresh
	run "$MKBUNDLE" "$b"
	[ "$status" -eq 0 ]
	"$CFGEDIT" "$b/config.json" '.process.args = ["sh", "-c", "echo $PATH; id -u; cat /etc/hostname"] | .process.terminal = false'
	vrun run --bundle "$b" "$ID"
	[ "$status" -eq 0 ]
	assert_contains "${lines[0]}" /bin
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = busybox ]
}

@test "spec: a rootless bundle from contrib/mkbundle runs as root in its user namespace" {
	local b=$BATS_TEST_TMPDIR/fresh
	run "$MKBUNDLE" "$b" --rootless
	[ "$status" -eq 0 ]
	"$CFGEDIT" "$b/config.json" '.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map"] | .process.terminal = false'
	vrun run --bundle "$b" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "$(awk '{ $1 = $1; print }' <<<"${lines[1]}")" = "0 $(id -u) 1" ]
}

@test "spec: the default config's read-only rootfs is read-only" {
	local b=$BATS_TEST_TMPDIR/fresh
	run "$MKBUNDLE" "$b"
	[ "$status" -eq 0 ]
	"$CFGEDIT" "$b/config.json" '.process.args = ["sh", "-c", "touch /newfile"] | .process.terminal = false'
	vrun run --bundle "$b" "$ID"
	[ "$status" -ne 0 ]
	[ ! -e "$b/rootfs/newfile" ]
}

@test "spec: the default config masks /proc/timer_list and makes /proc/sys read-only" {
	[ -s /proc/timer_list ] || [ "$(wc -c </proc/timer_list)" -gt 0 ] ||
		skip "this kernel has no (non-empty) /proc/timer_list to mask"
	local b=$BATS_TEST_TMPDIR/fresh
	run "$MKBUNDLE" "$b"
	[ "$status" -eq 0 ]
	jq -e '.linux.maskedPaths | index(["/proc/timer_list"])' "$b/config.json"
	"$CFGEDIT" "$b/config.json" '.process.args = ["sh", "-c",
		"wc -c < /proc/timer_list; echo x > /proc/sys/kernel/hostname && echo writable || echo read-only"]
		| .process.terminal = false'
	vrun run --bundle "$b" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = read-only ]
}

# The schema of the spec version veil reports (tests/data/schema, vendored from
# opencontainers/runtime-spec), checked with Debian's python3-jsonschema.
@test "spec: the default and the rootless config validate against the runtime-spec schema" {
	/usr/bin/python3 -c 'import jsonschema' || {
		echo "Debian's python3-jsonschema is not installed (apt-get install python3-jsonschema)" >&2
		return 1
	}
	local f
	for f in "" --rootless; do
		rm -f "$SPECDIR/config.json"
		run_raw spec $f --bundle "$SPECDIR"
		[ "$status" -eq 0 ]
		run "$TESTS_DIR/schema-validate" "$SPECDIR/config.json"
		echo "spec $f: $output" >&2
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
	# the validator does find what the schema forbids
	jq '.process.rlimits[0].type = "nofile" | del(.process.cwd)' "$SPECDIR/config.json" \
		>"$BATS_TEST_TMPDIR/bad.json"
	run "$TESTS_DIR/schema-validate" "$BATS_TEST_TMPDIR/bad.json"
	[ "$status" -eq 1 ]
	assert_contains "$output" "process.rlimits.0.type"
	assert_contains "$output" "'cwd' is a required property"
}

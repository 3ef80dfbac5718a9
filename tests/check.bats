#!/usr/bin/env bats
# veil check: every problem of a bundle, one line each with its JSON path; nothing created.
# create runs the same checks (src/libveil/validate.c) and stops at the first.

load helpers

# check_bundle: veil check -b $BUNDLE; afterwards nothing may exist for it
check_bundle() {
	vrun check -b "$BUNDLE"
	[ ! -e "$ROOT" ]
	local d
	for d in $(default_cgroup_dirs veil-check); do
		[ ! -e "$d" ]
	done
}

# expect_problem NEEDLE: check fails, NEEDLE is one of its stdout lines' substrings, and create
# of the same bundle fails with a line that has it too
expect_problem() {
	check_bundle
	[ "$status" -eq 1 ]
	assert_contains "$stdout" "$1"
	assert_contains "$stderr" "check: 1 problem in bundle"
	expect_create_error "$1"
}

@test "check: the mkbundle, veil spec and runc spec bundles pass and nothing is created" {
	check_bundle
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "no problems"
	[ -z "$stderr" ]
	# the default bundle is the current directory
	(cd "$BUNDLE" && "$VEIL" --root "$ROOT" check)
	rm "$BUNDLE/config.json"
	(cd "$BUNDLE" && "$VEIL" spec)
	check_bundle
	[ "$status" -eq 0 ]
	if command -v runc >/dev/null; then
		rm "$BUNDLE/config.json"
		(cd "$BUNDLE" && runc spec)
		check_bundle
		[ "$status" -eq 0 ]
	else
		echo "# runc is not installed: its spec bundle is not checked" >&3
	fi
}

@test "check: a parse error is the one problem, with its path" {
	cfg '.process.args = "not-an-array"'
	check_bundle
	[ "$status" -eq 1 ]
	assert_contains "$stdout" "process.args"
	[ "${#lines[@]}" -eq 1 ]
	echo '{' >"$BUNDLE/config.json"
	check_bundle
	[ "$status" -eq 1 ]
	assert_contains "$stdout" "config.json"
}

@test "check: a missing bundle or rootfs" {
	vrun check -b "$BATS_TEST_TMPDIR/no-such-bundle"
	[ "$status" -eq 1 ]
	assert_contains "$stdout" "no-such-bundle"
	cfg '.root.path = "no-such-rootfs"'
	expect_problem "root.path: $BUNDLE/no-such-rootfs: No such file or directory"
}

@test "check: a mount destination climbing above / is confined, with a warning" {
	cfg '.mounts += [{destination: "/tmp/../../../etc/x", type: "tmpfs", source: "tmpfs"}]'
	check_bundle
	[ "$status" -eq 0 ]
	assert_contains "$stderr" 'destination: "/tmp/../../../etc/x" climbs above / with ..'
	cfg '.mounts[-1].destination = "/tmp/a/../../etc/x"'
	check_bundle
	[ "$status" -eq 0 ]
}

@test "check: a missing bind source is a problem, a warning when a hook may make it" {
	cfg '.mounts += [{destination: "/data", type: "bind", source: $s, options: ["rbind"]}]' \
		--arg s "$BATS_TEST_TMPDIR/no-such-dir"
	expect_problem "mounts[7].source: $BATS_TEST_TMPDIR/no-such-dir: No such file or directory"
	rmdir "$ROOT" # create's state root, empty: the failed create left no state dir
	cfg '.hooks.createRuntime = [{path: "/bin/true"}]'
	check_bundle
	[ "$status" -eq 0 ]
	assert_contains "$stderr" "mounts[7].source: $BATS_TEST_TMPDIR/no-such-dir: No such file or directory (unless a hook makes it)"
	mkdir "$BATS_TEST_TMPDIR/no-such-dir"
	check_bundle
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "check: namespace paths that are missing or of the wrong type" {
	del_ns network
	add_ns network /proc/self/ns/ipc
	expect_problem "linux.namespaces[5].path: /proc/self/ns/ipc is a ipc namespace, not network"
	add_ns network "$BATS_TEST_TMPDIR/no-such-ns"
	expect_problem "linux.namespaces[5].path: open namespace $BATS_TEST_TMPDIR/no-such-ns"
	add_ns network "$BUNDLE/config.json"
	expect_problem "is not a namespace"
}

@test "check: after a namespace path it cannot use, check still judges what depends on the plan" {
	del_ns uts
	add_ns network "$BATS_TEST_TMPDIR/no-such-ns"
	cfg '.hostname = "h" | .linux.sysctl = {"vm.swappiness": "1", "net.ipv4.ip_forward": "1"}'
	check_bundle
	[ "$status" -eq 1 ]
	assert_contains "$stdout" "linux.namespaces[4].path: open namespace $BATS_TEST_TMPDIR/no-such-ns"
	assert_contains "$stdout" 'hostname: setting it needs a uts namespace'
	assert_contains "$stdout" '"vm.swappiness" cannot be set'
	# the network namespace is still the config's (joined), so net.* stays allowed
	[[ "$stdout" != *net.ipv4.ip_forward* ]]
	assert_contains "$stderr" "check: 3 problems in bundle"
}

@test "check: overlapping id mappings" {
	userns_config 100000 65536
	cfg '.linux.uidMappings += [{containerID: 1000, hostID: 300000, size: 10}]'
	expect_problem "linux.uidMappings[1]: container ids overlap those of linux.uidMappings[0]"
	cfg '.linux.uidMappings[1] = {containerID: 70000, hostID: 100010, size: 10}'
	expect_problem "linux.uidMappings[1]: host ids overlap those of linux.uidMappings[0]"
}

@test "check: unknown capabilities are warnings; unknown seccomp names are problems" {
	cfg '.process.capabilities.bounding += ["CAP_NO_SUCH"]'
	check_bundle
	[ "$status" -eq 0 ]
	assert_contains "$stderr" 'warning: process.capabilities.bounding: unknown capability "CAP_NO_SUCH"'
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_NOPE"]}'
	check_bundle
	[ "$status" -eq 1 ]
	assert_contains "$stdout" "linux.seccomp.architectures"
}

@test "check: sysctl names and the sysctl-vs-namespace rules" {
	cfg '.linux.sysctl = {"vm.swappiness": "1"}'
	expect_problem 'linux.sysctl: "vm.swappiness" cannot be set'
	del_ns network
	cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	expect_problem 'linux.sysctl: "net.ipv4.ip_forward" needs a new network namespace'
}

@test "check: resources invalid for this host's cgroups" {
	cfg '.linux.resources.memory.swappiness = 1000'
	expect_problem "memory.swappiness"
	cfg 'del(.linux.resources.memory) | .linux.cgroupsPath = "/"'
	check_bundle
	[ "$status" -eq 1 ]
	assert_contains "$stdout" "linux.cgroupsPath"
}

@test "check: hooks that do not exist or cannot be run" {
	printf '#!/bin/sh\n' >"$BATS_TEST_TMPDIR/noexec"
	chmod 644 "$BATS_TEST_TMPDIR/noexec"
	cfg '.hooks.prestart = [{path: $p}]' --arg p "$BATS_TEST_TMPDIR/no-such-hook"
	expect_problem "hooks.prestart[0]: exec $BATS_TEST_TMPDIR/no-such-hook: No such file or directory"
	cfg '.hooks.prestart = [{path: $p}]' --arg p "$BATS_TEST_TMPDIR/noexec"
	expect_problem "hooks.prestart[0]: exec $BATS_TEST_TMPDIR/noexec: Permission denied"
	# poststop failures are warnings at delete: so is a missing one here
	cfg '.hooks = {poststop: [{path: "/no-such-poststop"}]}'
	check_bundle
	[ "$status" -eq 0 ]
	assert_contains "$stderr" "warning: config.json: hooks.poststop[0]: /no-such-poststop"
}

@test "check: several problems are reported together, create reports the first" {
	cfg '.root.path = "nope"
	   | .linux.sysctl = {"vm.swappiness": "1", "kernel.hostname": "x"}
	   | .mounts += [{destination: "../../x", type: "tmpfs", source: "tmpfs"}]
	   | .hooks.createRuntime = [{path: "/no-such-hook"}]
	   | .hostname = "h"'
	del_ns uts
	check_bundle
	[ "$status" -eq 1 ]
	assert_contains "$stdout" "root.path"
	assert_contains "$stdout" 'hostname: setting it needs a uts namespace'
	assert_contains "$stdout" '"vm.swappiness" cannot be set'
	assert_contains "$stdout" '"kernel.hostname" cannot be set'
	assert_contains "$stdout" 'hooks.createRuntime[0]: exec /no-such-hook'
	assert_contains "$stderr" 'mounts[7].destination: "../../x" climbs above /'
	[ "${#lines[@]}" -ge 5 ]
	assert_contains "$stderr" "check: ${#lines[@]} problems in bundle"
	expect_create_error "root.path"
}

@test "check: usage errors" {
	vrun check extra-arg
	[ "$status" -eq 1 ]
	assert_one_error_line
	vrun check --no-such-flag
	[ "$status" -eq 1 ]
}

#!/usr/bin/env bats
# linux.sysctl (written through the container's verified /proc/sys) and
# linux.personality.

load helpers

@test "sysctl: net.ipv4.ip_forward=1 in a new network namespace, the host's unchanged" {
	local before
	before=$(cat /proc/sys/net/ipv4/ip_forward)
	cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1", "net.ipv4.ip_default_ttl": "42"}'
	run_sh 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/ip_default_ttl'
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 42 ]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$before" ]
}

@test "sysctl: a namespaced kernel key (kernel.shmmax in a new ipc namespace)" {
	cfg '.linux.sysctl = {"kernel.shmmax": "123456789"}'
	run_sh 'cat /proc/sys/kernel/shmmax'
	[ "${lines[0]}" = 123456789 ]
	[ "$(cat /proc/sys/kernel/shmmax)" != 123456789 ]
}

@test "sysctl: a key that does not exist is an error naming it" {
	cfg '.linux.sysctl = {"net.ipv4.no_such_key": "1"}'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_one_error_line
	assert_contains "$stderr" "linux.sysctl"
	assert_contains "$stderr" "net.ipv4.no_such_key"
	assert_no_leftovers
}

@test "sysctl: keys with .. or / are rejected before anything is written" {
	for k in "net.ipv4/../../kernel.x" "net..ipv4" "..kernel" "kernel/hostname"; do
		cfg '.linux.sysctl = {($k): "1"}' --arg k "$k"
		vrun run --bundle "$BUNDLE" "$ID"
		[ "$status" -ne 0 ]
		assert_contains "$stderr" "linux.sysctl: invalid key \"$k\""
		assert_no_leftovers
	done
}

@test "sysctl: the write goes to the container's procfs even when /proc/sys is a tmpfs" {
	# a tmpfs planted over /proc/sys must not take the write (fstatfs check)
	cfg '.mounts += [{destination: "/proc/sys", type: "tmpfs", source: "tmpfs"}]'
	cfg '.linux.readonlyPaths = [] | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "linux.sysctl"
	assert_contains "$stderr" "not on a procfs"
	assert_no_leftovers
}

@test "personality: LINUX32 makes uname -m print i686" {
	[ "$(uname -m)" = x86_64 ] || skip "needs an x86_64 host (this is $(uname -m))"
	cfg '.linux.personality = {domain: "LINUX32"}'
	run_sh 'uname -m'
	[ "${lines[0]}" = i686 ]
}

@test "personality: LINUX keeps the native machine, flags are applied" {
	cfg '.linux.personality = {domain: "LINUX", flags: ["ADDR_NO_RANDOMIZE"]}'
	run_sh 'uname -m; cat /proc/self/personality'
	[ "${lines[0]}" = "$(uname -m)" ]
	# ADDR_NO_RANDOMIZE is 0x0040000
	[ "${lines[1]}" = 00040000 ]
}

@test "personality: an unknown flag is an error naming the field" {
	cfg '.linux.personality = {domain: "LINUX", flags: ["NO_SUCH_FLAG"]}'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "linux.personality.flags[0]"
	assert_no_leftovers
}

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

# ---------------------------------------------------------------------------
# Which namespace a key lives in (as runc 1.1.5, or stricter): the IPC keys
# and fs.mqueue.* need an IPC namespace of the container's own, net.* a
# network namespace of its own, kernel.domainname a UTS namespace of its own;
# kernel.hostname is the hostname field's; every other key is refused.  "Of
# its own": new, or joined by path but not the runtime's.  A key that would
# land in the runtime's namespace would change the host.

# host_sysctl KEY: the host's value of KEY.
host_sysctl() {
	cat "/proc/sys/${1//.//}"
}

# sysctl_refused KEY VALUE NEEDLE...: "veil run" with linux.sysctl {KEY: VALUE}
# exits 1 with one error line naming KEY and holding every NEEDLE, leaves
# nothing behind, and the host's KEY keeps its value.  A host value that did
# change is put back (and the test fails).
sysctl_refused() {
	local key=$1 val=$2 before after n
	shift 2
	before=$(host_sysctl "$key")
	cfg '.linux.sysctl = {($k): $v}' --arg k "$key" --arg v "$val"
	set_args true
	vrun run --bundle "$BUNDLE" "$ID"
	after=$(host_sysctl "$key")
	if [ "$after" != "$before" ]; then
		echo "the host's $key changed from '$before' to '$after': putting it back" >&2
		printf '%s\n' "$before" >"/proc/sys/${key//.//}"
		return 1
	fi
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "linux.sysctl: \"$key\""
	for n in "$@"; do
		assert_contains "$stderr" "$n"
	done
	assert_no_leftovers
}

# plus_one KEY: the host's (numeric) value of KEY plus one: a value that
# would show a write to the host.
plus_one() {
	echo $(($(host_sysctl "$1") + 1))
}

# ns_holder TYPE: a process in a new TYPE namespace (ipc, net, uts); prints its pid.
ns_holder() {
	local pid i
	unshare "--$1" sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	pid=$!
	track_pid "$pid"
	for ((i = 0; i < 100; i++)); do
		[ "$(readlink "/proc/$pid/ns/$1")" != "$(readlink "/proc/self/ns/$1")" ] && break
		sleep 0.05
	done
	echo "$pid"
}

@test "sysctl: IPC keys without an IPC namespace are refused, the host's unchanged" {
	del_ns ipc
	local k
	for k in fs.mqueue.queues_max fs.mqueue.msg_max kernel.msgmax kernel.msgmnb kernel.msgmni; do
		sysctl_refused "$k" "$(plus_one "$k")" "needs a new IPC namespace"
	done
	# these four with the host's own value: a write would not show, the refusal does
	for k in kernel.sem kernel.shmall kernel.shmmax kernel.shmmni kernel.shm_rmid_forced; do
		sysctl_refused "$k" "$(host_sysctl "$k")" "needs a new IPC namespace"
	done
}

@test "sysctl: an IPC key with the runtime's IPC namespace joined by path is refused" {
	# stricter than runc 1.1.5, which writes the host's value here
	add_ns ipc "/proc/$$/ns/ipc"
	sysctl_refused kernel.msgmnb "$(plus_one kernel.msgmnb)" "needs a new IPC namespace"
}

@test "sysctl: an IPC key in an IPC namespace joined by path is set there, not on the host" {
	local holder before
	holder=$(ns_holder ipc)
	before=$(host_sysctl kernel.msgmnb)
	add_ns ipc "/proc/$holder/ns/ipc"
	cfg '.linux.sysctl = {"kernel.msgmnb": "12345", "fs.mqueue.queues_max": "77"}'
	run_sh 'cat /proc/sys/kernel/msgmnb /proc/sys/fs/mqueue/queues_max'
	[ "${lines[0]}" = 12345 ]
	[ "${lines[1]}" = 77 ]
	[ "$(nsenter --ipc --target "$holder" cat /proc/sys/kernel/msgmnb)" = 12345 ]
	[ "$(host_sysctl kernel.msgmnb)" = "$before" ]
}

@test "sysctl: net.* without a network namespace is refused, the host's unchanged" {
	del_ns network
	sysctl_refused net.ipv4.ping_group_range "0 0" "needs a new network namespace"
	sysctl_refused net.ipv4.ip_default_ttl "$(plus_one net.ipv4.ip_default_ttl)" \
		"needs a new network namespace"
}

@test "sysctl: net.* with the runtime's network namespace joined by path is refused" {
	add_ns network "/proc/$$/ns/net"
	sysctl_refused net.ipv4.ping_group_range "0 0" "needs a new network namespace"
}

@test "sysctl: net.* in a network namespace joined by path is set there" {
	local holder before
	holder=$(ns_holder net)
	before=$(host_sysctl net.ipv4.ip_default_ttl)
	add_ns network "/proc/$holder/ns/net"
	cfg '.linux.sysctl = {"net.ipv4.ip_default_ttl": "33"}'
	run_sh 'cat /proc/sys/net/ipv4/ip_default_ttl'
	[ "${lines[0]}" = 33 ]
	[ "$(nsenter --net --target "$holder" cat /proc/sys/net/ipv4/ip_default_ttl)" = 33 ]
	[ "$(host_sysctl net.ipv4.ip_default_ttl)" = "$before" ]
}

@test "sysctl: kernel.hostname is refused (the hostname field sets it), with or without a UTS namespace" {
	sysctl_refused kernel.hostname "sysctl-$MARK" "the hostname field sets it"
	del_ns uts
	cfg 'del(.hostname)'
	# the host's own name: even a write that got through would change nothing
	sysctl_refused kernel.hostname "$(hostname)" "the hostname field sets it"
}

@test "sysctl: kernel.domainname in a new UTS namespace, the host's unchanged" {
	local before
	before=$(host_sysctl kernel.domainname)
	cfg '.linux.sysctl = {"kernel.domainname": "dom.example"}'
	run_sh 'cat /proc/sys/kernel/domainname'
	[ "${lines[0]}" = dom.example ]
	[ "$(host_sysctl kernel.domainname)" = "$before" ]
}

@test "sysctl: kernel.domainname without a UTS namespace of its own is refused" {
	cfg 'del(.hostname)'
	del_ns uts
	sysctl_refused kernel.domainname "$(host_sysctl kernel.domainname)" "needs a new UTS namespace"
	# stricter than runc 1.1.5, which writes the host's domainname here
	add_ns uts "/proc/$$/ns/uts"
	sysctl_refused kernel.domainname "$(host_sysctl kernel.domainname)" "needs a new UTS namespace"
}

@test "sysctl: keys in no namespace of the container are refused, the host's unchanged" {
	local only="only the IPC keys, fs.mqueue.*, net.* and kernel.domainname"
	sysctl_refused kernel.printk_ratelimit "$(plus_one kernel.printk_ratelimit)" "$only"
	sysctl_refused vm.overcommit_ratio "$(host_sysctl vm.overcommit_ratio)" "$only"
	# namespaced by the kernel, but refused by runc 1.1.5 too: only the keys above are settable
	sysctl_refused user.max_user_namespaces "$(host_sysctl user.max_user_namespaces)" "$only"
	sysctl_refused kernel.shm_next_id -1 "$only"
}

@test "sysctl: the first refused key stops create before anything exists, whatever the order" {
	del_ns network
	# the host's own value: even a write that got through would change nothing
	cfg '.linux.sysctl = {"kernel.shmmax": "123456", "net.ipv4.ip_default_ttl": $v}' \
		--arg v "$(host_sysctl net.ipv4.ip_default_ttl)"
	cfg '.hooks.prestart = [{path: "/bin/sh", args: ["sh", "-c", "touch " + $f]}]' \
		--arg f "$BATS_TEST_TMPDIR/hook-ran"
	expect_create_error 'linux.sysctl: "net.ipv4.ip_default_ttl" needs a new network namespace'
	[ ! -e "$BATS_TEST_TMPDIR/hook-ran" ]
}

@test "sysctl: the allowed keys give what runc 1.1.5 gives" {
	command -v runc >/dev/null || skip "runc is not installed (apt-get install runc)"
	cfg '.linux.sysctl = {"kernel.shmmax": "123456789", "kernel.sem": "250 32000 32 128",
	     "fs.mqueue.queues_max": "99", "net.ipv4.ip_forward": "1", "net.ipv4.ping_group_range": "0 0",
	     "kernel.domainname": "dom.example"}'
	set_args sh -c 'cd /proc/sys && cat kernel/shmmax kernel/sem fs/mqueue/queues_max \
		net/ipv4/ip_forward net/ipv4/ping_group_range kernel/domainname'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	local ours=$stdout theirs
	theirs=$(runc --root "$BATS_TEST_TMPDIR/runc-root" run --bundle "$BUNDLE" "$ID-runc" </dev/null 2>&1)
	runc --root "$BATS_TEST_TMPDIR/runc-root" delete --force "$ID-runc" >/dev/null 2>&1 || true
	echo "veil:"$'\n'"$ours"$'\n'"runc:"$'\n'"$theirs" >&2
	[ "$ours" = "$theirs" ]
	[ "${lines[0]}" = 123456789 ]
	[ "${lines[5]}" = dom.example ]
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

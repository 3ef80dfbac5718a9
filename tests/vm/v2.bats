#!/usr/bin/env bats
# v2.bats: veil on a modern host -- systemd as PID 1, pure cgroup v2 -- with
# the cgroupfs driver.  Runs inside the guest of tests/vm/run (this host is
# hybrid and not booted with systemd); outside such a host the first test
# fails and says why.

load ../helpers

# helpers.bash finds its neighbours from the test file's directory, one level
# up from here
TESTS_DIR=$(cd "$BATS_TEST_DIRNAME/.." && pwd -P)
TOP_SRCDIR=$(cd "$TESTS_DIR/.." && pwd -P)
MKBUNDLE=$TOP_SRCDIR/contrib/mkbundle
CFGEDIT=$TESTS_DIR/cfgedit

PARENT=veil-vm-v2

setup() {
	common_setup
	CG=/sys/fs/cgroup/$PARENT/$ID
	cfg '.linux.cgroupsPath = $p' --arg p "/$PARENT/$ID"
}

teardown_file() {
	rmdir "/sys/fs/cgroup/$PARENT" 2>/dev/null || true
}

# The limits the tests ask for, and the v2 values they must become.
limits_config() {
	cfg '.linux.resources = {
		memory: {limit: 67108864, swap: 100663296},
		cpu: {shares: 512, quota: 50000, period: 100000},
		pids: {limit: 42},
		blockIO: {weight: 300,
			throttleReadBpsDevice: [{major: $maj, minor: $min, rate: 1048576}]}}' \
		--argjson maj "$DISK_MAJOR" --argjson min "$DISK_MINOR"
}

# major and minor of the guest's root disk (io.max takes whole disks only)
disk_numbers() {
	local dev
	dev=$(cat /sys/block/vda/dev 2>/dev/null) || dev=$(cat "$(ls -d /sys/block/*/dev | head -n 1)")
	DISK_MAJOR=${dev%:*} DISK_MINOR=${dev#*:}
}

# assert_file FILE WANT: the first line of the cgroup file FILE is WANT.
assert_file() {
	local got
	got=$(head -n 1 "$1") || return 1
	if [ "$got" != "$2" ]; then
		echo "$1: '$got', wanted '$2'" >&2
		return 1
	fi
}

@test "v2: the host is systemd as PID 1 on pure cgroup v2 with cpu, io, memory and pids" {
	[ "$(cat /proc/1/comm)" = systemd ] || {
		echo "PID 1 is $(cat /proc/1/comm), not systemd: run this file through tests/vm/run" >&2
		return 1
	}
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]
	run ! grep -E ' - cgroup ' /proc/self/mountinfo
	for c in cpu io memory pids; do
		grep -qw "$c" /sys/fs/cgroup/cgroup.controllers
	done
}

@test "v2: create applies memory, swap, cpu, pids and io limits to the container's own cgroup" {
	disk_numbers
	limits_config
	start_container
	pid=$(ctr_pid)
	grep -qx "$pid" "$CG/cgroup.procs"
	grep -qx "0::/$PARENT/$ID" "/proc/$pid/cgroup"
	assert_file "$CG/memory.max" 67108864
	# runtime-spec's swap is memory+swap; v2's memory.swap.max is swap alone
	assert_file "$CG/memory.swap.max" 33554432
	assert_file "$CG/cpu.max" "50000 100000"
	# shares 512 in [2, 262144] -> weight in [1, 10000]
	assert_file "$CG/cpu.weight" 20
	assert_file "$CG/pids.max" 42
	grep -qx "$DISK_MAJOR:$DISK_MINOR rbps=1048576 wbps=max riops=max wiops=max" "$CG/io.max"
	# blockIO.weight: BFQ's file takes it as is, io.weight (no BFQ) converted to [1, 10000]
	if [ -f "$CG/io.bfq.weight" ]; then
		assert_file "$CG/io.bfq.weight" "default 300"
	elif [ -f "$CG/io.weight" ]; then
		assert_file "$CG/io.weight" "default 2930"
	else
		echo "# neither io.bfq.weight nor io.weight in $CG: blockIO.weight not checked" >&3
	fi
}

@test "v2: run -- the container sees its limits in its own cgroup namespace" {
	cfg '.linux.resources = {memory: {limit: 67108864}, pids: {limit: 42}}'
	set_args sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = $'0::/\n67108864\n42' ]
	[ ! -e "$CG" ]
}

@test "v2: update rewrites the v2 files of a running container" {
	cfg '.linux.resources = {memory: {limit: 67108864}, cpu: {quota: 50000, period: 100000}, pids: {limit: 42}}'
	start_container
	vrun update --memory 134217728 --cpu-quota 20000 --pids-limit 7 "$ID"
	[ "$status" -eq 0 ]
	assert_file "$CG/memory.max" 134217728
	assert_file "$CG/cpu.max" "20000 100000"
	assert_file "$CG/pids.max" 7
}

@test "v2: pause and resume freeze and thaw the cgroup" {
	start_container
	vrun pause "$ID"
	[ "$status" -eq 0 ]
	assert_file "$CG/cgroup.freeze" 1
	grep -qx 'frozen 1' "$CG/cgroup.events"
	[ "$(state_field status)" = paused ]
	vrun resume "$ID"
	[ "$status" -eq 0 ]
	assert_file "$CG/cgroup.freeze" 0
	grep -qx 'frozen 0' "$CG/cgroup.events"
	[ "$(state_field status)" = running ]
}

@test "v2: delete removes the container's cgroup" {
	start_container
	[ -d "$CG" ]
	vrun kill "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	[ ! -e "$CG" ]
	[ ! -e "$ROOT/$ID" ]
}

@test "v2: a create that fails on a limit leaves no cgroup behind" {
	# the kernel refuses a period below 1ms
	cfg '.linux.resources = {cpu: {quota: 500, period: 500}}'
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" cpu
	[ ! -e "$CG" ]
	[ ! -e "$ROOT/$ID" ]
}

@test "v2: exec joins the container's cgroup" {
	start_container
	vrun exec "$ID" cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	# inside the cgroup namespace: the container's own cgroup is its root
	[ "$stdout" = "0::/" ]
}

@test "v2: kill --all signals every process of the cgroup" {
	set_args sh -c 'sleep 1000 & sleep 1000 & wait'
	start_container
	for i in $(seq 50); do
		[ "$(wc -l <"$CG/cgroup.procs")" -ge 3 ] && break
		sleep 0.1
	done
	[ "$(wc -l <"$CG/cgroup.procs")" -eq 3 ]
	vrun kill --all "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	for i in $(seq 50); do
		[ -s "$CG/cgroup.procs" ] || break
		sleep 0.1
	done
	[ ! -s "$CG/cgroup.procs" ]
}

@test "v2: the device program denies a device the config does not allow" {
	cfg '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
	   | .process.capabilities.permitted += ["CAP_MKNOD"]'
	# /dev/null is allowed (runtime-spec's default devices); /dev/mem (1:1) is not
	set_args sh -c 'head -c 1 /dev/null && echo null-ok; mknod /tmp/mem c 1 1 && head -c 1 /tmp/mem'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stdout" null-ok
	assert_contains "$stderr" "Operation not permitted"
}

@test "v2: a container over memory.max is OOM-killed and memory.events counts it" {
	cfg '.linux.resources = {memory: {limit: 16777216, swap: 16777216}}'
	# tail keeps the whole of a file without newlines in memory
	set_args tail /dev/zero
	# it may be killed before "running" could be seen
	create_container
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped 60
	grep -E '^oom_kill [1-9]' "$CG/memory.events"
}

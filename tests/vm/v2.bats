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

# assert_line FILE LINE: the cgroup file FILE has the line LINE (trailing
# blanks aside: rdma.max ends each value with one)
assert_line() {
	sed 's/[[:blank:]]*$//' "$1" | grep -qxF -- "$2" || {
		echo "$1 has no line '$2':" >&2
		cat "$1" >&2
		return 1
	}
}

# runc_lacks WHAT: skip the test, saying why, when the runtime under test is
# runc 1.1 (guest-run runs every file under runc too, as the reference),
# which does not have WHAT; veil always runs it
runc_lacks() {
	local v
	v=$("$VEIL" --version 2>/dev/null | head -n 1)
	case $v in
	"runc version 1.1."*) skip "runc ${v#runc version } lacks $1" ;;
	esac
}

# hugepage_size: the guest's default huge page size as the kernel names its
# hugetlb files ("2MB"); empty when the kernel has none
hugepage_size() {
	local kb
	kb=$(awk '/^Hugepagesize:/ { print $2 }' /proc/meminfo)
	[ -n "$kb" ] || return 0
	if [ "$kb" -ge 1048576 ]; then
		echo "$((kb / 1048576))GB"
	elif [ "$kb" -ge 1024 ]; then
		echo "$((kb / 1024))MB"
	else
		echo "${kb}KB"
	fi
}

# rdma_device: an RDMA device for rdma.max to name: the guest has no RDMA
# hardware, so a soft-RoCE one (rdma_rxe) on a dummy netdev, which is never
# brought up; sets RDMA_DEV, or RDMA_WHY when there is none
rdma_device() {
	RDMA_DEV=$(ls /sys/class/infiniband 2>/dev/null | head -n 1)
	RDMA_WHY=
	[ -z "$RDMA_DEV" ] || return 0
	if ! command -v rdma >/dev/null; then
		RDMA_WHY="no RDMA device, and no rdma tool (iproute2) to make a soft-RoCE one"
	elif ! RDMA_WHY=$(modprobe rdma_rxe 2>&1 && modprobe dummy 2>&1 &&
		ip link add veilrdma0 type dummy 2>&1 &&
		rdma link add veilrxe0 type rxe netdev veilrdma0 2>&1); then
		RDMA_WHY="no RDMA device, and a soft-RoCE one could not be made: $RDMA_WHY"
	fi
	RDMA_DEV=$(ls /sys/class/infiniband 2>/dev/null | head -n 1)
	[ -z "$RDMA_DEV" ] || RDMA_WHY=
}

# cgroup_emptied: the container's cgroup has no process left (within 5 s)
cgroup_emptied() {
	local i
	for i in $(seq 50); do
		[ -s "$CG/cgroup.procs" ] || return 0
		sleep 0.1
	done
	echo "left in $CG: $(tr '\n' ' ' <"$CG/cgroup.procs")" >&2
	return 1
}

# clone3 and what makes fds, for clone3_into_cg
CLONE_TRACE=clone3,open,openat,openat2,dup,dup2,dup3,fcntl

# clone3_into_cg FILE: "strace -y -e trace=$CLONE_TRACE" of veil in FILE shows
# a clone3 with CLONE_INTO_CGROUP whose cgroup fd (strace does not name it)
# is, by the last call that returned that number before it, the container's
# cgroup
clone3_into_cg() {
	local n
	n=$(grep -oE 'clone3\(\{flags=[^}]*CLONE_INTO_CGROUP[^}]*cgroup=[0-9]+' "$1" | tail -n 1)
	[ -n "$n" ] || {
		echo "no clone3 with CLONE_INTO_CGROUP in $1" >&2
		return 1
	}
	n=${n##*cgroup=}
	awk -v n="$n" '/clone3\(/ && /CLONE_INTO_CGROUP/ { exit }
		$0 ~ ("= " n "(<[^>]*>)?$") { last = $0 } END { print last }' "$1" | grep -F "$CG"
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
	assert_line "$CG/io.max" "$DISK_MAJOR:$DISK_MINOR rbps=1048576 wbps=max riops=max wiops=max"
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
	cgroup_emptied
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

@test "v2: memory.low, cpu.max.burst, cpuset, io weight and iops, hugetlb and unified after create" {
	disk_numbers
	local hp
	hp=$(hugepage_size)
	[ -n "$hp" ] || skip "the guest kernel has no huge pages (no Hugepagesize in /proc/meminfo)"
	cfg '.linux.resources = {
		memory: {limit: 67108864, reservation: 33554432},
		cpu: {cpus: "0", mems: "0"},
		blockIO: {throttleWriteIOPSDevice: [{major: $maj, minor: $min, rate: 120}],
			throttleWriteBpsDevice: [{major: $maj, minor: $min, rate: 2097152}]},
		hugepageLimits: [{pageSize: $hp, limit: 4194304}],
		unified: {"memory.high": "60000000", "pids.max": "99"}}' \
		--argjson maj "$DISK_MAJOR" --argjson min "$DISK_MINOR" --arg hp "$hp"
	start_container
	assert_file "$CG/memory.max" 67108864
	assert_file "$CG/memory.low" 33554432
	assert_file "$CG/cpuset.cpus" 0
	assert_file "$CG/cpuset.mems" 0
	assert_line "$CG/io.max" "$DISK_MAJOR:$DISK_MINOR rbps=max wbps=2097152 riops=max wiops=120"
	assert_file "$CG/hugetlb.$hp.max" 4194304
	# unified writes its files as given (the kernel rounds memory.high to pages)
	assert_file "$CG/memory.high" 59998208
	assert_file "$CG/pids.max" 99
}

@test "v2: cpu.max.burst after create" {
	runc_lacks "linux.resources.cpu.burst"
	cfg '.linux.resources = {cpu: {quota: 50000, period: 100000, burst: 20000}}'
	start_container
	assert_file "$CG/cpu.max" "50000 100000"
	assert_file "$CG/cpu.max.burst" 20000
}

@test "v2: rdma.max after create" {
	rdma_device
	[ -n "$RDMA_DEV" ] || skip "$RDMA_WHY"
	cfg '.linux.resources = {rdma: {($d): {hcaHandles: 5, hcaObjects: 100}}}' --arg d "$RDMA_DEV"
	start_container
	assert_line "$CG/rdma.max" "$RDMA_DEV hca_handle=5 hca_object=100"
}

@test "v2: update -r rewrites memory, swap, reservation, cpu, cpuset, pids, io weight and unified" {
	cfg '.linux.resources = {memory: {limit: 67108864, swap: 100663296}, cpu: {shares: 512, quota: 50000, period: 100000}, pids: {limit: 42}}'
	start_container
	# one core the guest has and one it may not: cpuset.cpus "0" is always valid
	jq -n '{memory: {limit: 134217728, swap: 268435456, reservation: 16777216},
		cpu: {shares: 1024, quota: 30000, period: 60000, cpus: "0", mems: "0"},
		pids: {limit: 17}, blockIO: {weight: 500},
		unified: {"memory.high": "120000000"}}' >"$BATS_TEST_TMPDIR/r.json"
	vrun update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
	[ "$status" -eq 0 ]
	assert_file "$CG/memory.max" 134217728
	assert_file "$CG/memory.swap.max" 134217728
	assert_file "$CG/memory.low" 16777216
	assert_file "$CG/cpu.max" "30000 60000"
	# shares 1024 -> weight 39 (1 + (1024 - 2) * 9999 / 262142)
	assert_file "$CG/cpu.weight" 39
	assert_file "$CG/cpuset.cpus" 0
	assert_file "$CG/cpuset.mems" 0
	assert_file "$CG/pids.max" 17
	assert_file "$CG/memory.high" 119996416
	if [ -f "$CG/io.bfq.weight" ]; then
		assert_file "$CG/io.bfq.weight" "default 500"
	elif [ -f "$CG/io.weight" ]; then
		assert_file "$CG/io.weight" "default 4950"
	fi
	# and back to unlimited
	vrun update --memory -1 --memory-swap -1 --pids-limit -1 --cpu-quota -1 "$ID"
	[ "$status" -eq 0 ]
	assert_file "$CG/memory.max" max
	assert_file "$CG/memory.swap.max" max
	assert_file "$CG/pids.max" max
	assert_file "$CG/cpu.max" "max 60000"
}

@test "v2: update -r rewrites cpu.max.burst, io.max, hugetlb and rdma" {
	runc_lacks "update of cpu burst, io throttles, hugetlb and rdma"
	disk_numbers
	local hp dev
	hp=$(hugepage_size)
	rdma_device
	dev=$RDMA_DEV
	cfg '.linux.resources = {cpu: {quota: 50000, period: 100000}}'
	start_container
	jq -n --argjson maj "$DISK_MAJOR" --argjson min "$DISK_MINOR" --arg hp "$hp" --arg d "$dev" '
		{cpu: {quota: 50000, period: 100000, burst: 10000},
		blockIO: {throttleReadBpsDevice: [{major: $maj, minor: $min, rate: 4194304}]}}
		+ (if $hp == "" then {} else {hugepageLimits: [{pageSize: $hp, limit: (2097152 * 3)}]} end)
		+ (if $d == "" then {} else {rdma: {($d): {hcaHandles: 3}}} end)' >"$BATS_TEST_TMPDIR/r.json"
	vrun update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
	[ "$status" -eq 0 ]
	assert_file "$CG/cpu.max.burst" 10000
	assert_line "$CG/io.max" "$DISK_MAJOR:$DISK_MINOR rbps=4194304 wbps=max riops=max wiops=max"
	[ -z "$hp" ] || assert_file "$CG/hugetlb.$hp.max" 6291456
	[ -z "$dev" ] || assert_line "$CG/rdma.max" "$dev hca_handle=3 hca_object=max"
	[ -n "$hp" ] && [ -n "$dev" ] || echo "# hugetlb ($hp) or rdma ($dev) not checked: missing in the guest" >&3
}

@test "v2: the device program lets a configured device open as allowed and denies the rest with EPERM" {
	disk_numbers
	# the root disk: readable and creatable (r, m), not writable; any other
	# block device creatable (the default rules' "b *:* m"), not readable
	cfg '.linux.resources.devices += [{allow: true, type: "b", major: $maj, minor: $min, access: "rm"}]
	   | .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
	   | .process.capabilities.permitted += ["CAP_MKNOD"]' \
		--argjson maj "$DISK_MAJOR" --argjson min "$DISK_MINOR"
	set_args sh -c "mknod /tmp/disk b $DISK_MAJOR $DISK_MINOR && head -c 512 /tmp/disk | wc -c
		dd of=/tmp/disk count=0 conv=notrunc 2>/tmp/w.err; echo write=\$?; cat /tmp/w.err
		mknod /tmp/other b $DISK_MAJOR $((DISK_MINOR + 1)) && head -c 1 /tmp/other 2>&1; echo other=\$?"
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 512 ]
	[ "${lines[1]}" = write=1 ]
	assert_contains "${lines[2]}" "/tmp/disk': Operation not permitted"
	assert_contains "${lines[3]}" "/tmp/other: Operation not permitted"
	[ "${lines[4]}" = other=1 ]
}

@test "v2: create and exec place the process with CLONE_INTO_CGROUP" {
	runc_lacks "CLONE_INTO_CGROUP (it writes the pid to cgroup.procs)"
	command -v strace >/dev/null || skip "strace is not installed in the guest"
	local st=$BATS_TEST_TMPDIR/strace
	# veil itself makes the clone3 (no -f: strace would wait for the
	# container); files, not bats' pipe, for the output: the container
	# keeps its stdio
	strace -qq -y -e trace="$CLONE_TRACE" -o "$st.create" "$VEIL" --root "$ROOT" \
		create --bundle "$BUNDLE" "$ID" </dev/null >"$st.out" 2>&1 3>&- || {
		cat "$st.out" "$st.create" >&2
		return 1
	}
	cat "$st.create" >&2
	clone3_into_cg "$st.create"
	vrun start "$ID"
	[ "$status" -eq 0 ]
	run strace -qq -y -e trace="$CLONE_TRACE" -o "$st.exec" \
		"$VEIL" --root "$ROOT" exec "$ID" cat /proc/self/cgroup </dev/null
	cat "$st.exec" >&2
	[ "$status" -eq 0 ]
	[ "$output" = "0::/" ]
	clone3_into_cg "$st.exec"
}

@test "v2: kill --all KILL goes through cgroup.kill" {
	runc_lacks "cgroup.kill (it signals each pid of cgroup.procs)"
	command -v strace >/dev/null || skip "strace is not installed in the guest"
	set_args sh -c 'sleep 1000 & sleep 1000 & wait'
	start_container
	run strace -qq -e trace=openat -o "$BATS_TEST_TMPDIR/st" \
		"$VEIL" --root "$ROOT" kill --all "$ID" KILL </dev/null
	[ "$status" -eq 0 ]
	grep -F "$CG/cgroup.kill" "$BATS_TEST_TMPDIR/st"
	wait_for_status "$ID" stopped
	cgroup_emptied
}

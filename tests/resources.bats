#!/usr/bin/env bats
# linux.resources: each limit lands in the container's cgroup file (this host is hybrid: v1
# controllers, hugetlb on the unified hierarchy), device rules are enforced (v1 devices cgroup;
# v2 BPF inside a private cgroup2 mount in a new mount namespace), veil update changes the files,
# veil events reports stats and OOM kills.  The host's cgroup layout is never changed; a
# controller veil enables in the unified root's cgroup.subtree_control (hugetlb, as a runtime
# must for a hugepageLimits container) is switched off again in teardown_file.

load helpers

UNIFIED=/sys/fs/cgroup/unified

setup_file() {
	common_setup_file
	if [ -e "$UNIFIED/cgroup.subtree_control" ]; then
		cat "$UNIFIED/cgroup.subtree_control" >"$BATS_FILE_TMPDIR/unified-subtree"
	fi
}

# Controllers that the tests' containers enabled in the unified hierarchy go off again: first in
# the directories below the root (deepest first: a parent cannot drop what a child hands down),
# then in the root, as they were before the file ran.
teardown_file() {
	local before=$BATS_FILE_TMPDIR/unified-subtree c d
	[ -f "$before" ] || return 0
	for c in $(cat "$UNIFIED/cgroup.subtree_control"); do
		grep -qw -- "$c" "$before" && continue
		while read -r d; do
			grep -qw -- "$c" "$d/cgroup.subtree_control" 2>/dev/null || continue
			echo "-$c" >"$d/cgroup.subtree_control" 2>/dev/null || true
		done < <(find "$UNIFIED" -mindepth 1 -depth -type d 2>/dev/null)
		echo "-$c" >"$UNIFIED/cgroup.subtree_control" || {
			echo "could not switch $c off again in $UNIFIED/cgroup.subtree_control" >&2
			return 1
		}
	done
}

# A container without cgroupsPath gets a cgroup named after its id below the test's own: the id
# carries the test's mark, so that parallel runs on this host never share one.
setup() {
	common_setup
	ID="rs-${MARK#veilmark}"
}

# res JSON: linux.resources = JSON
res() {
	cfg '.linux.resources = $r' --argjson r "$1"
}

# run_detached: run $ID in the background; it must come up.
run_detached() {
	vrun run -d --bundle "$BUNDLE" "$ID"
	if [ "$status" -ne 0 ]; then
		echo "run -d failed (exit $status): $stderr" >&2
		return 1
	fi
	wait_for_status "$ID" running
}

# cg CONTROLLER FILE: the path of FILE in the container's v1 cgroup of CONTROLLER, found from
# the init's /proc/PID/cgroup and the host's cgroup mounts.  Skips when the init is still in the
# root cgroup (no placement).
cg() {
	local ctl=$1 file=$2 pid path mnt
	pid=$(ctr_pid)
	path=$(awk -F: -v c="$ctl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup")
	if [ -z "$path" ] || [ "$path" = / ]; then
		skip "cgroup placement not implemented yet (init $pid has no $ctl cgroup)"
	fi
	mnt=$(awk -v c="$ctl" '$3 == "cgroup" { n = split($4, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) { print $2; exit } }' /proc/self/mounts)
	[ -n "$mnt" ] || skip "no v1 $ctl hierarchy on this host"
	echo "$mnt$path/$file"
}

# want CONTROLLER FILE VALUE: the file holds VALUE (first line).
want() {
	local f got
	f=$(cg "$1" "$2")
	got=$(head -n1 "$f")
	if [ "$got" != "$3" ]; then
		echo "$f: got '$got', wanted '$3'" >&2
		return 1
	fi
}

have_v1() {
	awk -v c="$1" '$3 == "cgroup" { n = split($4, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) f = 1 } END { exit !f }' /proc/self/mounts
}

# the first whole disk (throttling takes disks, not partitions)
disk_majmin() {
	local d
	for d in /sys/block/*; do
		case ${d##*/} in loop* | ram* | zram*) continue ;; esac
		cat "$d/dev"
		return 0
	done
	return 1
}

@test "resources: memory limit, reservation, swap, swappiness, disableOOMKiller in the v1 files" {
	res '{"memory":{"limit":33554432,"reservation":16777216,"swap":67108864,"swappiness":20,"disableOOMKiller":true}}'
	run_detached
	want memory memory.limit_in_bytes 33554432
	want memory memory.soft_limit_in_bytes 16777216
	want memory memory.memsw.limit_in_bytes 67108864
	want memory memory.swappiness 20
	grep -qx 'oom_kill_disable 1' "$(cg memory memory.oom_control)"
}

@test "resources: memory kernel and kernelTCP are accepted with a warning" {
	res '{"memory":{"limit":33554432,"kernel":16777216,"kernelTCP":1048576}}'
	run_detached
	assert_contains "$stderr" "linux.resources.memory.kernel is ignored"
	assert_contains "$stderr" "linux.resources.memory.kernelTCP is ignored"
	want memory memory.limit_in_bytes 33554432
}

# A shim hands create the container's own stdio: a warning on stderr would be in the
# container's output (docker logs).  Errors still go to both.
@test "resources: with --log, a warning goes to the log file only" {
	res '{"memory":{"limit":33554432,"kernel":16777216}}'
	local log=$BATS_TEST_TMPDIR/log.json
	vrun --log "$log" --log-format json run -d --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	jq -e -s 'any(.[]; .level == "warning" and (.msg | contains("memory.kernel is ignored")))' "$log"
}

@test "resources: memory kernel and kernelTCP of 0 (Docker's default) are silent" {
	res '{"memory":{"limit":33554432,"kernel":0,"kernelTCP":0}}'
	run_detached
	[ -z "$stderr" ]
	want memory memory.limit_in_bytes 33554432
}

@test "resources: cpu shares, period, quota, burst, cpus, mems in the v1 files" {
	res '{"cpu":{"shares":512,"period":50000,"quota":25000,"burst":1000,"cpus":"0","mems":"0"}}'
	run_detached
	want cpu cpu.shares 512
	want cpu cpu.cfs_period_us 50000
	want cpu cpu.cfs_quota_us 25000
	want cpu cpu.cfs_burst_us 1000
	want cpuset cpuset.cpus 0
	want cpuset cpuset.mems 0
}

@test "resources: cpu idle in the v1 file" {
	# (an idle group's shares read back as the minimum weight, so it gets its own test)
	res '{"cpu":{"idle":1}}'
	run_detached
	want cpu cpu.idle 1
}

@test "resources: cpu realtimePeriod in the v1 file" {
	[ -e /sys/fs/cgroup/cpu/cpu.rt_period_us ] || skip "no CONFIG_RT_GROUP_SCHED (cpu.rt_period_us)"
	# a runtime needs budget from the parents, which veil does not hand out; the period is ours
	res '{"cpu":{"realtimePeriod":500000}}'
	run_detached
	want cpu cpu.rt_period_us 500000
}

@test "resources: pids limit" {
	res '{"pids":{"limit":42}}'
	run_detached
	want pids pids.max 42
}

# runtime-spec (opencontainers/runtime-spec#1279) and runc main: 0 is a limit like any other,
# -1 is "max", and only an absent pids object leaves pids.max alone (runc 1.1 read 0 as unset).
@test "resources: pids limit 0 is written as 0 (no fork at all)" {
	res '{"pids":{"limit":0}}'
	set_args sleep 1000
	run_detached
	want pids pids.max 0
	vrun exec "$ID" true
	[ "$status" -ne 0 ]
	run_veil update --pids-limit 5 "$ID"
	[ "$status" -eq 0 ]
	want pids pids.max 5
	run_veil update --pids-limit 0 "$ID"
	[ "$status" -eq 0 ]
	want pids pids.max 0
}

@test "resources: pids limit is enforced (fork fails at the limit)" {
	res '{"pids":{"limit":3}}'
	# sh and two sleeps fill the limit; the third fork must fail (EAGAIN, fatal to busybox sh)
	set_args sh -c 'sleep 100 & sleep 100 & (true); echo FORK-OK'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "can't fork: Resource temporarily unavailable"
	[[ $stdout != *FORK-OK* ]]
}

# blkio_weight_file: the weight file of this host's blkio hierarchy (CFQ's blkio.weight or BFQ's
# blkio.bfq.weight); fails when the kernel has neither (no BFQ scheduler, as on a VM whose disks
# use none/mq-deadline), where a weight must be refused naming the key.
blkio_weight_file() {
	local f
	for f in blkio.weight blkio.bfq.weight; do
		[ -e "/sys/fs/cgroup/blkio/$f" ] && echo "$f" && return 0
	done
	return 1
}

@test "resources: blockIO weight without a weight file in the kernel names the key" {
	! blkio_weight_file >/dev/null || skip "this kernel has $(blkio_weight_file): the weight is tested as a file"
	res '{"blockIO":{"weight":300}}'
	run_detached || true
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "linux.resources.blockIO.weight: write blkio.bfq.weight: the host's kernel has no such cgroup file"
}

@test "resources: blockIO weight, weightDevice and throttles" {
	local dev weight=300 w
	dev=$(disk_majmin) || skip "no block disk"
	# without a weight file (see above) the throttles are still checked
	w=$(blkio_weight_file) || weight=null
	res "$(jq -nc --arg d "$dev" --argjson w "$weight" '($d | split(":") | map(tonumber)) as [$ma, $mi] |
		{blockIO: {weight: $w,
		  throttleReadBpsDevice: [{major: $ma, minor: $mi, rate: 1048576}],
		  throttleWriteBpsDevice: [{major: $ma, minor: $mi, rate: 2097152}],
		  throttleReadIOPSDevice: [{major: $ma, minor: $mi, rate: 100}],
		  throttleWriteIOPSDevice: [{major: $ma, minor: $mi, rate: 200}]}}
		| if .blockIO.weight == null then del(.blockIO.weight) else . end')"
	run_detached
	[ -z "$w" ] || want blkio "$w" 300
	want blkio blkio.throttle.read_bps_device "$dev 1048576"
	want blkio blkio.throttle.write_bps_device "$dev 2097152"
	want blkio blkio.throttle.read_iops_device "$dev 100"
	want blkio blkio.throttle.write_iops_device "$dev 200"
}

@test "resources: blockIO leafWeight on a kernel without it names the key" {
	res '{"blockIO":{"leafWeight":300}}'
	run_detached || true
	if [ "$status" -eq 0 ]; then
		want blkio blkio.leaf_weight 300
	else
		assert_contains "$stderr" "linux.resources.blockIO.leafWeight: write blkio.leaf_weight"
	fi
}

@test "resources: hugepageLimits go to the unified hierarchy on this hybrid host" {
	[ -e /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages on this kernel"
	have_v1 hugetlb && skip "hugetlb is a v1 controller on this host (tested with the v1 files)"
	[ -e "$UNIFIED/cgroup.controllers" ] || skip "no cgroup2 hierarchy at $UNIFIED"
	grep -qw hugetlb "$UNIFIED/cgroup.controllers" || skip "hugetlb is not a cgroup2 controller here"
	res '{"hugepageLimits":[{"pageSize":"2MB","limit":4194304},{"pageSize":"1GB","limit":0}]}'
	vrun run -d --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ] || {
		echo "run -d failed: $stderr" >&2
		return 1
	}
	local d
	d=$(jq -r '.cgroupPaths.unified' "$ROOT/$ID/state.json")
	[ "$(cat "$d/hugetlb.2MB.max")" = 4194304 ]
	[ "$(cat "$d/hugetlb.1GB.max")" = 0 ]
	# the container's pages are charged there: its own cgroup, not the parent's
	grep -qx "0::${d#"$UNIFIED"}" "/proc/$(ctr_pid)/cgroup"
}

# runc reads config.json with Go's encoding/json, which matches keys without case: configs with
# "pagesize" run there.
@test "resources: hugepageLimits[].pagesize is read as pageSize, as runc does" {
	[ -e /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages on this kernel"
	have_v1 hugetlb && skip "hugetlb is a v1 controller on this host"
	grep -qw hugetlb "$UNIFIED/cgroup.controllers" 2>/dev/null || skip "hugetlb is not a cgroup2 controller here"
	res '{"hugepageLimits":[{"pagesize":"2MB","limit":6291456}]}'
	run_detached
	[ "$(cat "$(jq -r '.cgroupPaths.unified' "$ROOT/$ID/state.json")/hugetlb.2MB.max")" = 6291456 ]
}

@test "resources: a hugepageLimits page size the kernel lacks names the key" {
	have_v1 hugetlb && skip "hugetlb is a v1 controller on this host"
	grep -qw hugetlb "$UNIFIED/cgroup.controllers" 2>/dev/null || skip "hugetlb is not a cgroup2 controller here"
	res '{"hugepageLimits":[{"pageSize":"64KB","limit":65536}]}'
	vrun run -d --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "linux.resources.hugepageLimits"
	assert_contains "$stderr" "hugetlb.64KB.max"
	[ ! -e "$ROOT/$ID" ]
}

@test "resources: network classID without a net_cls hierarchy names the key" {
	res '{"network":{"classID":1048577,"priorities":[{"name":"lo","priority":5}]}}'
	vrun run -d --bundle "$BUNDLE" "$ID"
	if have_v1 net_cls; then
		[ "$status" -eq 0 ]
		want net_cls net_cls.classid 1048577
	else
		[ "$status" -ne 0 ]
		assert_contains "$stderr" "linux.resources.network.classID: the net_cls cgroup controller is not available"
		assert_no_leftovers
	fi
}

@test "resources: unified with a key of a v1 controller is an error naming linux.resources.unified" {
	res '{"unified":{"memory.high":"1073741824"}}'
	vrun run -d --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "linux.resources.unified"
	assert_contains "$stderr" "memory.high"
	assert_one_error_line
	assert_no_leftovers
}

@test "resources: unified cgroup.* keys go to the unified directory" {
	res '{"unified":{"cgroup.max.descendants":"3"}}'
	run_detached
	local d
	d=$(jq -r '.cgroupPaths.unified' "$ROOT/$ID/state.json")
	[ -n "$d" ] && [ "$d" != null ] || skip "cgroup placement not implemented yet (no unified path)"
	[ "$(cat "$d/cgroup.max.descendants")" = 3 ]
}

@test "resources: a value the kernel refuses names the key and the file" {
	res '{"cpu":{"cpus":"4095"}}'
	vrun run -d --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "linux.resources.cpu.cpus: write cpuset.cpus"
	assert_no_leftovers
}

# device rules: /dev/kmsg (c 1:11) is not one of the devices every container gets, bound from
# the host.
kmsg_config() {
	cfg '.mounts += [{destination: "/dev/kmsg", type: "bind", source: "/dev/kmsg", options: ["bind"]}]'
	set_args sh -c 'cat /dev/null && echo NULL-OK; if echo x >/dev/kmsg; then echo KMSG-OK; else echo KMSG-DENIED; fi'
	res "$1"
}

@test "resources: v1 devices: a denied device gets EPERM, an allowed one opens" {
	have_v1 devices || skip "no v1 devices hierarchy"
	kmsg_config '{"devices":[{"allow":false,"access":"rwm"}]}'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	assert_contains "$stdout" NULL-OK
	assert_contains "$stdout" KMSG-DENIED
	assert_contains "$stderr" "Operation not permitted"

	kmsg_config '{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"rw"}]}'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	assert_contains "$stdout" KMSG-OK
}

@test "resources: v1 devices rules are in devices.list" {
	have_v1 devices || skip "no v1 devices hierarchy"
	res '{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"r"}]}'
	run_detached
	local f
	f=$(cg devices devices.list)
	grep -qx 'c 1:11 r' "$f"
	grep -qx 'c 1:3 rwm' "$f"
	! grep -qx 'a \*:\* rwm' "$f"
}

# runc keeps the r, w and m of an access and ignores other letters: "rwa" is "rw" (the kernel
# would refuse the "a"); an access with none of them is an error, as in runc.
@test "resources: device access rwa is rw, as runc; an access without r, w, m names the key" {
	have_v1 devices || skip "no v1 devices hierarchy"
	res '{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"rwa"}]}'
	run_detached
	grep -qx 'c 1:11 rw' "$(cg devices devices.list)"
	vrun delete --force "$ID"
	res '{"devices":[{"allow":true,"type":"c","major":1,"minor":11,"access":"a"}]}'
	expect_create_error 'linux.resources.devices[0].access: invalid access "a"'
}

@test "resources: v2 devices (BPF): a denied device gets EPERM, an allowed one opens" {
	kmsg_config '{"devices":[{"allow":false,"access":"rwm"}]}'
	run_in_cgroup2 "$BATS_TEST_TMPDIR/root2"
	[ "$status" -eq 0 ]
	assert_contains "$stdout" NULL-OK
	assert_contains "$stdout" KMSG-DENIED
	assert_contains "$stderr" "Operation not permitted"

	kmsg_config '{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"rw"}]}'
	run_in_cgroup2 "$BATS_TEST_TMPDIR/root2"
	[ "$status" -eq 0 ]
	assert_contains "$stdout" KMSG-OK
}

@test "resources: v2 devices (BPF): a later deny overrides an earlier allow" {
	kmsg_config '{"devices":[{"allow":true,"access":"rwm"},{"allow":false,"type":"c","major":1,"minor":11,"access":"w"}]}'
	run_in_cgroup2 "$BATS_TEST_TMPDIR/root2"
	[ "$status" -eq 0 ]
	assert_contains "$stdout" NULL-OK
	assert_contains "$stdout" KMSG-DENIED
}

@test "update: v2 devices (BPF): --resources replaces the program" {
	kmsg_config '{"devices":[{"allow":false,"access":"rwm"}]}'
	set_args sh -c 'sleep 1000'
	local r2=$BATS_TEST_TMPDIR/root2 out=$BATS_TEST_TMPDIR/v2u.out
	# one mount namespace for the whole sequence: the state records the private cgroup2 paths
	unshare -m sh -c 'mount --make-rprivate / && umount -l /sys/fs/cgroup &&
		mount -t cgroup2 none /sys/fs/cgroup || exit 99
		V="timeout -k 5 60 $VEIL --root $1"
		$V run -d --bundle "$2" "$3" </dev/null || exit 98
		$V exec "$3" sh -c "echo x >/dev/kmsg && echo BEFORE-OK || echo BEFORE-DENIED" 2>&1
		echo "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":11,\"access\":\"rw\"}]}" |
			$V update -r - "$3" && echo UPDATED
		$V exec "$3" sh -c "echo x >/dev/kmsg && echo AFTER-OK || echo AFTER-DENIED" 2>&1
		$V delete -f "$3"' sh "$r2" "$BUNDLE" "$ID" >"$out" 2>&1 || true
	cat "$out" >&2
	grep -q BEFORE-DENIED "$out"
	grep -q UPDATED "$out"
	grep -q AFTER-OK "$out"
}

# ---- update ----------------------------------------------------------------------------------

@test "update: each flag changes its file" {
	res '{"memory":{"limit":67108864},"cpu":{"shares":1024,"period":100000,"quota":50000}}'
	run_detached
	run_veil update --memory 100m --memory-swap 200M --memory-reservation 50m "$ID"
	[ "$status" -eq 0 ]
	want memory memory.limit_in_bytes 104857600
	want memory memory.memsw.limit_in_bytes 209715200
	want memory memory.soft_limit_in_bytes 52428800
	run_veil update --cpu-shares 256 --cpu-period 200000 --cpu-quota 40000 --cpu-burst 500 "$ID"
	[ "$status" -eq 0 ]
	want cpu cpu.shares 256
	want cpu cpu.cfs_period_us 200000
	want cpu cpu.cfs_quota_us 40000
	want cpu cpu.cfs_burst_us 500
	run_veil update --cpuset-cpus 1 --cpuset-mems 0 --pids-limit 33 "$ID"
	[ "$status" -eq 0 ]
	want cpuset cpuset.cpus 1
	want cpuset cpuset.mems 0
	want pids pids.max 33
	run_veil update --pids-limit -1 "$ID"
	[ "$status" -eq 0 ]
	want pids pids.max max
	run_veil update --blkio-weight 700 "$ID"
	local w
	if w=$(blkio_weight_file); then
		[ "$status" -eq 0 ]
		want blkio "$w" 700
	else
		[ "$status" -eq 1 ]
		assert_contains "$stderr" "linux.resources.blockIO.weight"
	fi
	run_veil update --kernel-memory 10m "$ID"
	[ "$status" -eq 0 ]
	assert_contains "$stderr" "--kernel-memory is ignored"
}

# runc main's flag (the runtime-spec's linux.resources.cpu.idle)
@test "update: --cpu-idle sets cpu.idle" {
	[ -e /sys/fs/cgroup/cpu/cpu.idle ] || skip "this kernel's cpu controller has no cpu.idle"
	run_detached
	want cpu cpu.idle 0
	run_veil update --cpu-idle 1 "$ID"
	[ "$status" -eq 0 ]
	want cpu cpu.idle 1
	run_veil update --cpu-idle 0 "$ID"
	[ "$status" -eq 0 ]
	want cpu cpu.idle 0
	run_veil update --cpu-idle x "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" '--cpu-idle: invalid value "x"'
}

@test "update: raising memory above the old memory+swap writes memsw first" {
	res '{"memory":{"limit":33554432,"swap":67108864}}'
	run_detached
	run_veil update --memory 100m --memory-swap 200m "$ID"
	[ "$status" -eq 0 ]
	want memory memory.limit_in_bytes 104857600
	want memory memory.memsw.limit_in_bytes 209715200
	run_veil update --memory 20m --memory-swap 30m "$ID"
	[ "$status" -eq 0 ]
	want memory memory.limit_in_bytes 20971520
	want memory memory.memsw.limit_in_bytes 31457280
	# alone, a limit above memory+swap is the kernel's EINVAL, named
	run_veil update --memory 300m "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "linux.resources.memory.limit: write memory.limit_in_bytes"
}

@test "update: --cpu-rt-period changes cpu.rt_period_us" {
	[ -e /sys/fs/cgroup/cpu/cpu.rt_period_us ] || skip "no CONFIG_RT_GROUP_SCHED"
	run_detached
	run_veil update --cpu-rt-period 800000 "$ID"
	[ "$status" -eq 0 ]
	want cpu cpu.rt_period_us 800000
}

@test "update: sizes take k, m, g suffixes and plain bytes" {
	run_detached
	run_veil update --memory 1g "$ID"
	[ "$status" -eq 0 ]
	want memory memory.limit_in_bytes 1073741824
	run_veil update --memory 65536k "$ID"
	[ "$status" -eq 0 ]
	want memory memory.limit_in_bytes 67108864
	run_veil update --memory 33554432 "$ID"
	[ "$status" -eq 0 ]
	want memory memory.limit_in_bytes 33554432
	run_veil update --memory 12x "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" 'invalid value "12x"'
}

@test "update: --resources - reads LinuxResources JSON from stdin (Docker)" {
	run_detached
	local rc=0
	veil update --resources - "$ID" <<<'{"memory":{"limit":41943040},"pids":{"limit":21}}' \
		2>"$BATS_TEST_TMPDIR/err" || rc=$?
	cat "$BATS_TEST_TMPDIR/err" >&2
	[ "$rc" -eq 0 ]
	want memory memory.limit_in_bytes 41943040
	want pids pids.max 21
}

@test "update: --resources=FILE (Podman), flags override the file" {
	run_detached
	echo '{"cpu":{"shares":333},"pids":{"limit":11}}' >"$BATS_TEST_TMPDIR/r.json"
	run_veil update --resources="$BATS_TEST_TMPDIR/r.json" --pids-limit 12 "$ID"
	[ "$status" -eq 0 ]
	want cpu cpu.shares 333
	want pids pids.max 12
}

@test "update: a bad --resources file names the JSON path" {
	run_detached
	echo '{"memory":{"limit":"lots"}}' >"$BATS_TEST_TMPDIR/r.json"
	run_veil update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "memory.limit"
}

@test "update: a stopped container is an error" {
	set_args true
	vrun run --keep --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	run_veil update --memory 10m "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "stopped"
}

@test "update: unified on the v1 hierarchy is an error naming linux.resources.unified" {
	run_detached
	echo '{"unified":{"memory.max":"100000000"}}' >"$BATS_TEST_TMPDIR/u.json"
	run_veil update -r "$BATS_TEST_TMPDIR/u.json" "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "linux.resources.unified"
}

# ---- events ----------------------------------------------------------------------------------

@test "events --stats: one JSON object in runc's shape" {
	res '{"memory":{"limit":67108864},"pids":{"limit":64}}'
	run_detached
	run_veil events --stats "$ID"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	jq -e --arg id "$ID" '.type == "stats" and .id == $id' <<<"$output"
	jq -e '.data.cpu.usage.total > 0 and (.data.cpu.usage.percpu | type == "array")
		and (.data.cpu.usage.kernel | type == "number") and (.data.cpu.usage.user | type == "number")
		and (.data.cpu.throttling | has("periods"))' <<<"$output"
	jq -e '.data.memory.usage.limit == 67108864 and .data.memory.usage.usage > 0
		and (.data.memory.usage | has("max") and has("failcnt"))
		and (.data.memory.swap | has("limit")) and (.data.memory.kernel | has("usage"))
		and (.data.memory.raw | has("rss"))' <<<"$output"
	jq -e '.data.pids.current >= 1 and .data.pids.limit == 64' <<<"$output"
	jq -e '(.data.blkio | type == "object") and (.data.hugetlb | type == "object")' <<<"$output"
}

@test "events --interval: stats stream until the container stops" {
	set_args sh -c 'sleep 1'
	run_detached
	run_veil events --interval 200ms "$ID"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 2 ]
	local l
	for l in "${lines[@]}"; do
		jq -e '.type == "stats"' <<<"$l" >/dev/null
	done
}

@test "events: an OOM kill in the container is an oom event" {
	res '{"memory":{"limit":8388608,"swap":8388608}}'
	set_args sh -c 'sleep 1; head -c 52428800 /dev/zero | tail; sleep 1000'
	run_detached
	local out=$BATS_TEST_TMPDIR/events.out
	VEIL_TIMEOUT=10 veil events --interval 10s "$ID" >"$out" 2>&1 &
	local ev=$! i
	for ((i = 0; i < 100; i++)); do
		grep -q '"type":"oom"' "$out" && break
		sleep 0.1
	done
	kill "$ev" 2>/dev/null || true
	wait "$ev" 2>/dev/null || true
	cat "$out" >&2
	grep -qx "{\"type\":\"oom\",\"id\":\"$ID\"}" "$out"
}

@test "events: bad --interval and a missing container are errors" {
	run_veil events --interval soon "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "--interval"
	run_veil events --stats nosuch
	[ "$status" -ne 0 ]
}

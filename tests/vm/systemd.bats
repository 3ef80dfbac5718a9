#!/usr/bin/env bats
# systemd.bats: the systemd cgroup driver (--systemd-cgroup) on a host whose
# PID 1 is systemd, pure cgroup v2.  Runs inside the guest of tests/vm/run,
# for veil and for runc (the reference), through tests/vm/guest-run:
#   tests/vm/run 'bash tests/vm/guest-run tests/vm/systemd.bats'
# Each container is the transient scope veiltest-ID.scope in system.slice; what
# systemd says of it (systemctl show) and the scope's cgroup files are checked.

load ../helpers

TESTS_DIR=$(cd "$BATS_TEST_DIRNAME/.." && pwd -P)
TOP_SRCDIR=$(cd "$TESTS_DIR/.." && pwd -P)
MKBUNDLE=$TOP_SRCDIR/contrib/mkbundle
CFGEDIT=$TESTS_DIR/cfgedit

# veil or runc: where the two differ on purpose, the test says so
RT=$(basename -- "$VEIL")

setup() {
	common_setup
	UNIT=veiltest-$ID.scope
	CG=/sys/fs/cgroup/system.slice/$UNIT
	# the id has a dash, which would nest one slice more
	NEST=veiltest-n${ID//-/_}.slice
	cfg '.linux.cgroupsPath = $p' --arg p "system.slice:veiltest:$ID"
}

teardown() {
	local VEIL_TIMEOUT=10 u
	veil --systemd-cgroup delete --force "$ID" >/dev/null 2>&1 </dev/null 3>&- || true
	common_teardown
	# a unit the runtime left behind fails the test that left it (delete checks it); here it
	# only must not spoil the next test
	for u in "$UNIT" "$RT-$ID.scope" "$NEST" veiltest.slice; do
		systemctl stop "$u" >/dev/null 2>&1 || true
		systemctl reset-failed "$u" >/dev/null 2>&1 || true
	done
}

# sd ARG...: vrun with the systemd driver (runc needs it on every command)
sd() {
	vrun --systemd-cgroup "$@"
}

# prop NAME [UNIT]: systemctl show's value of property NAME of the unit
prop() {
	systemctl show -p "$1" --value "${2:-$UNIT}"
}

# same WHAT GOT WANT
same() {
	[ "$2" = "$3" ] || {
		echo "$1: '$2', wanted '$3'" >&2
		return 1
	}
}

# assert_prop NAME WANT
assert_prop() {
	same "$UNIT: $1" "$(prop "$1")" "$2"
}

# assert_file FILE WANT: the first line of FILE is WANT
assert_file() {
	same "$1" "$(head -n 1 "$1")" "$2"
}

# no_unit NAME: systemd does not know the unit any more
no_unit() {
	if systemctl list-units --all --no-legend | grep -F -- "$1"; then
		echo "unit $1 is still listed" >&2
		return 1
	fi
}

# wait_procs N: the scope has N processes (within 5s)
wait_procs() {
	local i n
	for i in $(seq 50); do
		n=$(wc -l <"$CG/cgroup.procs") || return 1
		[ "$n" -ne "$1" ] || return 0
		sleep 0.1
	done
	echo "$CG has $n processes, wanted $1" >&2
	return 1
}

sd_start() {
	sd create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ] || return 1
	sd start "$ID"
	[ "$status" -eq 0 ] || return 1
	wait_for_status "$ID" running
}

@test "systemd: the host is systemd as PID 1 on pure cgroup v2" {
	[ "$(cat /proc/1/comm)" = systemd ] || {
		echo "PID 1 is $(cat /proc/1/comm), not systemd: run this file through tests/vm/run" >&2
		return 1
	}
	[ -d /run/systemd/system ]
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]
}

@test "systemd: create puts the init in the scope before it runs; delete leaves no unit" {
	sd create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	pid=$(ctr_pid)
	# created: the init waits for start, already in the scope
	grep -qx "0::/system.slice/$UNIT" "/proc/$pid/cgroup"
	grep -qx "$pid" "$CG/cgroup.procs"
	assert_prop ActiveState active
	assert_prop Delegate yes
	assert_prop Slice system.slice
	assert_prop ControlGroup "/system.slice/$UNIT"
	if [ "$RT" = veil ]; then
		# what delete --force needs even when state.json is spoilt: the unit in the intent record
		jq -e --arg f "cgroup-systemd-unit=$UNIT" '.flags | index($f)' "$ROOT/$ID/intent.json"
		[ "$(jq -r .cgroupPaths.unified "$ROOT/$ID/state.json")" = "$CG" ]
	fi
	sd start "$ID"
	[ "$status" -eq 0 ]
	wait_for_status "$ID" running
	sd kill "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	sd delete "$ID"
	[ "$status" -eq 0 ]
	no_unit "$UNIT"
	[ ! -e "$CG" ]
}

@test "systemd: resources are unit properties and the scope's files" {
	cfg '.linux.resources = {
		memory: {limit: 67108864, swap: 100663296, reservation: 16777216},
		cpu: {shares: 512, quota: 50000, period: 100000, cpus: "0", mems: "0"},
		pids: {limit: 42}}'
	sd_start
	assert_prop MemoryMax 67108864
	assert_prop MemoryLow 16777216
	assert_prop MemorySwapMax 33554432
	assert_prop CPUWeight 20
	assert_prop CPUQuotaPerSecUSec 500ms
	assert_prop CPUQuotaPeriodUSec 100ms
	assert_prop AllowedCPUs 0
	assert_prop AllowedMemoryNodes 0
	assert_prop TasksMax 42
	assert_file "$CG/memory.max" 67108864
	assert_file "$CG/memory.low" 16777216
	assert_file "$CG/memory.swap.max" 33554432
	assert_file "$CG/cpu.weight" 20
	assert_file "$CG/cpu.max" "50000 100000"
	assert_file "$CG/cpuset.cpus" 0
	assert_file "$CG/pids.max" 42
}

@test "systemd: blockIO.weight is IOWeight (runc leaves it to the files)" {
	cfg '.linux.resources = {blockIO: {weight: 300}}'
	sd_start
	if [ "$RT" = runc ]; then
		assert_prop IOWeight "[not set]"
	else
		# [10, 1000] -> [1, 10000]
		assert_prop IOWeight 2930
	fi
}

@test "systemd: update sets the properties and the files" {
	cfg '.linux.resources = {memory: {limit: 67108864}, cpu: {quota: 50000, period: 100000}, pids: {limit: 42}}'
	sd_start
	sd update --memory 134217728 --cpu-quota 20000 --pids-limit 7 "$ID"
	[ "$status" -eq 0 ]
	assert_prop MemoryMax 134217728
	assert_prop TasksMax 7
	assert_prop CPUQuotaPerSecUSec 200ms
	assert_file "$CG/memory.max" 134217728
	assert_file "$CG/cpu.max" "20000 100000"
	assert_file "$CG/pids.max" 7
}

@test "systemd: pause and resume freeze and thaw the scope" {
	sd_start
	sd pause "$ID"
	[ "$status" -eq 0 ]
	grep -qx 'frozen 1' "$CG/cgroup.events"
	[ "$(state_field status)" = paused ]
	sd resume "$ID"
	[ "$status" -eq 0 ]
	grep -qx 'frozen 0' "$CG/cgroup.events"
	[ "$(state_field status)" = running ]
}

@test "systemd: exec joins the scope, ps lists it" {
	sd_start
	sd exec -d "$ID" sleep 999
	[ "$status" -eq 0 ]
	# sh, its sleep, and the exec'd sleep
	wait_procs 3
	sd exec "$ID" cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[ "$stdout" = "0::/" ]
	sd ps "$ID"
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "sleep 999"
}

@test "systemd: kill --all signals every process of the scope" {
	set_args sh -c 'sleep 1000 & sleep 1000 & wait'
	sd_start
	wait_procs 3
	sd kill --all "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	sd delete "$ID"
	[ "$status" -eq 0 ]
	no_unit "$UNIT"
}

@test "systemd: delete --force of a running container stops the scope" {
	sd_start
	sd delete --force "$ID"
	[ "$status" -eq 0 ]
	no_unit "$UNIT"
	[ ! -e "$CG" ]
}

@test "systemd: org.systemd.property annotations become unit properties" {
	cfg '.annotations = {
		"org.systemd.property.TimeoutStopSec": "17",
		"org.systemd.property.CollectMode": "'"'inactive-or-failed'"'",
		"org.systemd.property.CPUWeight": "uint64 333"}'
	sd_start
	assert_prop TimeoutStopUSec 17s
	assert_prop CollectMode inactive-or-failed
	assert_prop CPUWeight 333
}

@test "systemd: a bad property annotation fails create and leaves no unit" {
	cfg '.annotations = {"org.systemd.property.Bad-Name": "1"}'
	sd create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "Bad-Name"
	no_unit "$UNIT"
	[ ! -e "$ROOT/$ID" ]
}

@test "systemd: a dash in the slice nests it" {
	cfg '.linux.cgroupsPath = $p' --arg p "$NEST:veiltest:$ID"
	sd_start
	pid=$(ctr_pid)
	grep -qx "0::/veiltest.slice/$NEST/$UNIT" "/proc/$pid/cgroup"
	assert_prop Slice "$NEST"
	sd delete --force "$ID"
	[ "$status" -eq 0 ]
	no_unit "$UNIT"
	systemctl stop "$NEST" veiltest.slice
}

@test "systemd: without cgroupsPath the scope is RUNTIME-ID.scope in system.slice" {
	cfg 'del(.linux.cgroupsPath)'
	sd_start
	UNIT=$RT-$ID.scope
	pid=$(ctr_pid)
	grep -qx "0::/system.slice/$UNIT" "/proc/$pid/cgroup"
	assert_prop ActiveState active
	sd delete --force "$ID"
	[ "$status" -eq 0 ]
	no_unit "$UNIT"
}

@test "systemd: delete --force with a spoilt state.json stops the scope (the intent record names it)" {
	[ "$RT" = veil ] || skip "runc keeps no intent record: a spoilt state.json is its own business"
	sd_start
	pid=$(ctr_pid)
	echo '{not json' >"$ROOT/$ID/state.json"
	sd delete --force "$ID"
	[ "$status" -eq 0 ]
	no_unit "$UNIT"
	[ ! -e "$CG" ]
	[ ! -e "$ROOT/$ID" ]
	! process_running "$pid"
}

@test "systemd: events --stats reads the scope's cgroup" {
	cfg '.linux.resources = {memory: {limit: 67108864}, pids: {limit: 42}}'
	sd_start
	sd events --stats "$ID"
	[ "$status" -eq 0 ]
	jq -e '.type == "stats" and .data.pids.current >= 1 and .data.pids.limit == 42' <<<"$stdout"
}

#!/usr/bin/env bats
# containerd.bats: containerd on the modern host -- systemd as PID 1, pure
# cgroup v2 -- with the runc v2 shim told what a CRI configuration with
# SystemdCgroup = true and BinaryName tells it: ctr run --runc-systemd-cgroup
# --runc-binary $VEIL (the same shim options, set per task).  The runtime then
# gets --systemd-cgroup and cgroupsPath veilvmctr.slice:veil:ID, and the
# container lives in the scope veil-ID.scope.  Runs inside the guest of
# tests/vm/run, for veil and for runc (guest-run).  A private containerd, CRI
# plugin disabled; the image is an OCI tar of contrib/mkbundle's busybox.

load ../clients/common

NS=veiltest
IMAGE=docker.io/library/vbusybox:latest
SLICE=veilvmctr.slice

setup_file() {
	require_cmd containerd containerd
	require_cmd ctr containerd
	[ "$(cat /proc/1/comm)" = systemd ] || {
		echo "PID 1 is not systemd: run this file through tests/vm/run" >&2
		return 1
	}
	client_tmp vmctrd
	export VROOT=$CLIENT_TMP/vroot CTRC_TIMEOUT=120
	containerd_up 60
}

teardown_file() {
	[ -n "${CLIENT_TMP:-}" ] || return 0
	containerd_down
	mounts_named "$CLIENT_TMP/" | sort -r | while read -r m; do umount -l -- "$m"; done
	rm -rf -- "$CLIENT_TMP"
}

# srun OPTIONS ID COMMAND...: ctr run of ID with the runtime under test and
# the systemd cgroup driver; OPTIONS, ctr run's own, one word for all
srun() {
	local opts id=$2
	read -ra opts <<<"$1"
	shift 2
	run ctrc run --runc-binary "$VEIL" --runc-root "$VROOT" --runc-systemd-cgroup \
		--cgroup "$SLICE:veil:$id" "${opts[@]}" "$IMAGE" "$id" "$@"
}

# task_pid ID: the task's init pid
task_pid() {
	ctrc tasks ls | awk -v id="$1" '$1 == id { print $2 }'
}

@test "containerd (SystemdCgroup): ctr run's output and exit status; the scope goes with the task" {
	systemd_driver
	local id=vsdrun$$
	srun --rm "$id" sh -c 'echo out; exit 5'
	echo "$output" >&2
	[ "$status" -eq 5 ]
	[ "$output" = out ]
	[ "$(systemctl show -p ActiveState --value "veil-$id.scope")" = inactive ]
	[ ! -e "/sys/fs/cgroup/$SLICE/veil-$id.scope" ]
}

@test "containerd (SystemdCgroup): the task in its scope, with --memory-limit; exec joins it; kill, delete" {
	systemd_driver
	local id=vsdmem$$ pid cg
	srun "-d --memory-limit 67108864" "$id" sleep 1000
	echo "$output" >&2
	[ "$status" -eq 0 ]
	cg=/sys/fs/cgroup/$SLICE/veil-$id.scope
	pid=$(task_pid "$id")
	[ -n "$pid" ]
	[ "$(sed -n 's/^0:://p' "/proc/$pid/cgroup")" = "/$SLICE/veil-$id.scope" ]
	[ "$(systemctl show -p ActiveState --value "veil-$id.scope")" = active ]
	[ "$(cat "$cg/memory.max")" = 67108864 ]
	[ "$(systemctl show -p MemoryMax --value "veil-$id.scope")" = 67108864 ]
	# the exec is in the scope: its path, or the root of a cgroup namespace
	# rooted there ("/.." and the like when it is outside)
	run ctrc tasks exec --exec-id e1 "$id" cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[ "$output" = "0::/$SLICE/veil-$id.scope" ] || [ "$output" = "0::/" ]
	run ctrc tasks kill -s SIGKILL "$id"
	[ "$status" -eq 0 ]
	for i in $(seq 100); do
		[ "$(ctrc tasks ls | awk -v id="$id" '$1 == id { print $3 }')" = STOPPED ] && break
		sleep 0.1
	done
	run ctrc tasks delete "$id"
	[ "$status" -eq 0 ]
	run ctrc containers rm "$id"
	[ "$status" -eq 0 ]
	[ ! -e "$cg" ]
	[ "$(systemctl show -p ActiveState --value "veil-$id.scope")" = inactive ]
}

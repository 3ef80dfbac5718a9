#!/usr/bin/env bats
# docker.bats: Docker on the modern host -- systemd as PID 1, pure cgroup v2
# -- with the runtime under test ($VEIL: veil, or runc when guest-run runs
# the reference) registered from contrib/docker/daemon.json as "veil".  Runs
# inside the guest of tests/vm/run.
#
# Two daemons (Debian's docker.io), each with its own data and exec roots,
# socket and pidfile, no bridge, no iptables, no ip_forward, containers with
# --network none:
#   sd  the host's default cgroup driver, systemd: the runtime gets
#       --systemd-cgroup and cgroupsPath veilvmdocker.slice:docker:ID
#   fs  --exec-opt native.cgroupdriver=cgroupfs: cgroupsPath /veil-vm-docker/ID
# Each scenario runs on both.  The image is imported from contrib/mkbundle's
# busybox rootfs (tests/clients/common.bash); nothing is pulled.

load ../clients/common
load ../clients/dockerd

SD_SLICE=veilvmdocker.slice
FS_PARENT=veil-vm-docker

# vm_dockerd_up NAME DOCKERD-FLAG...: start a daemon; exports its directory
# as DIR_<NAME>
vm_dockerd_up() {
	local name=$1 c storage=vfs i
	shift
	c=$(mktemp -d "/tmp/veil-$name.XXXXXX")
	export "DIR_$name=$c"
	jq --arg p "$VEIL" --arg k "$c/key.json" \
		'.runtimes.veil.path = $p | ."deprecated-key-path" = $k' \
		"$TOP_SRCDIR/contrib/docker/daemon.json" >"$c/daemon.json"
	modprobe overlay 2>/dev/null || true
	grep -qw overlay /proc/filesystems && storage=overlay2
	# started from this shell so that it stays our child; fd 3 is bats'
	/usr/sbin/dockerd --config-file "$c/daemon.json" \
		--data-root "$c/data" --exec-root "$c/exec" \
		-H "unix://$c/docker.sock" --pidfile "$c/docker.pid" \
		--bridge=none --iptables=false --ip6tables=false --ip-forward=false \
		--userland-proxy=false --storage-driver "$storage" "$@" \
		>"$c/dockerd.log" 2>&1 </dev/null 3>&- &
	echo $! >"$c/dockerd.started"
	wait_for_socket "$c/docker.sock" 60 || {
		tail -n 20 "$c/dockerd.log" >&2
		return 1
	}
	for ((i = 0; i < 300; i++)); do
		DOCKER_HOST=unix://$c/docker.sock docker version >/dev/null 2>&1 && break
		sleep 0.1
	done
	busybox_image_tar "$c/image.tar"
	DOCKER_HOST=unix://$c/docker.sock docker import "$c/image.tar" "$IMG" >/dev/null
	rm -f -- "$c/image.tar"
}

# vm_dockerd_down DIR: every container removed, the daemon stopped by its PID
vm_dockerd_down() {
	local c=$1 ids
	[ -n "$c" ] && [ -d "$c" ] || return 0
	if [ -S "$c/docker.sock" ]; then
		mapfile -t ids < <(DOCKER_HOST=unix://$c/docker.sock docker ps -aq)
		[ "${#ids[@]}" -eq 0 ] || DOCKER_HOST=unix://$c/docker.sock docker rm -f "${ids[@]}" >/dev/null
	fi
	stop_pid "$(cat "$c/dockerd.started" 2>/dev/null)"
	# dockerd stops the containerd it started; its shims end with their containers
	mounts_named "$c/" | sort -r | while read -r m; do umount -l -- "$m"; done
	rm -rf -- "$c"
}

setup_file() {
	require_cmd /usr/sbin/dockerd docker.io
	[ "$(cat /proc/1/comm)" = systemd ] || {
		echo "PID 1 is not systemd: run this file through tests/vm/run" >&2
		return 1
	}
	local t=$SECONDS
	export CLIENT_TMP
	CLIENT_TMP=$(mktemp -d /tmp/veil-dimg.XXXXXX)
	# no --exec-opt: the driver is the host's default (systemd on cgroup v2)
	vm_dockerd_up sd --cgroup-parent "$SD_SLICE"
	vm_dockerd_up fs --exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "/$FS_PARENT"
	echo "# docker.bats: two daemons up, image imported, in $((SECONDS - t))s" >&3
}

teardown_file() {
	vm_dockerd_down "${DIR_sd:-}"
	vm_dockerd_down "${DIR_fs:-}"
	rm -rf -- "${CLIENT_TMP:-/nonexistent}"
	rmdir "/sys/fs/cgroup/$FS_PARENT" 2>/dev/null || true
}

# use DRIVER: talk to that daemon (sd or fs)
use() {
	local d=DIR_$1
	DRIVER=$1
	export DOCKER_HOST=unix://${!d}/docker.sock
}

setup() {
	IDS=()
}

# Every container a test made is removed; its cgroup (and for systemd, its
# scope) must be gone after.
teardown() {
	local id left
	for id in "${IDS[@]}"; do
		docker rm -f "$id" >/dev/null 2>&1 || true
	done
	left=$(find "/sys/fs/cgroup/$SD_SLICE" "/sys/fs/cgroup/$FS_PARENT" -mindepth 1 -type d 2>/dev/null)
	if [ -n "$left" ]; then
		echo "cgroups left after the test's containers were removed:" >&2
		echo "$left" >&2
		return 1
	fi
}

# sleeper [RUN ARGS...]: a detached "sleep 1000" container with the runtime
# under test; sets $CID and $CPID (its init, as the host sees it)
sleeper() {
	CID=$(docker run -d --runtime=veil --network none "$@" "$IMG" sleep 1000)
	[ -n "$CID" ] || return 1
	IDS+=("$CID")
	CPID=$(docker inspect -f '{{.State.Pid}}' "$CID")
	[ "$CPID" -gt 0 ]
}

# cg_of PID: the cgroup v2 directory of PID
cg_of() {
	echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$1/cgroup")"
}

# want_cg ID: the cgroup the container must be in, by the driver
want_cg() {
	case $DRIVER in
	sd) echo "/sys/fs/cgroup/$SD_SLICE/docker-$1.scope" ;;
	fs) echo "/sys/fs/cgroup/$FS_PARENT/$1" ;;
	esac
}

# scope_state ID: the systemd scope's ActiveState ("inactive" once it is gone)
scope_state() {
	systemctl show -p ActiveState --value "docker-$1.scope"
}

run_exec() {
	run docker run --rm --runtime=veil --network none "$IMG" sh -c 'echo hi; exit 7'
	[ "$status" -eq 7 ]
	[ "$output" = hi ]
	sleeper
	[ "$(docker inspect -f '{{.HostConfig.Runtime}}' "$CID")" = veil ]
	# the shim ran the runtime with its state under the daemon's exec root
	local d=DIR_$DRIVER
	compgen -G "${!d}/exec/runtime-*/moby/$CID/state.json" >/dev/null
	[ "$(cg_of "$CPID")" = "$(want_cg "$CID")" ]
	[ "$DRIVER" != sd ] || [ "$(scope_state "$CID")" = active ]
	run docker exec "$CID" sh -c 'echo x; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = x ]
	# the exec joins the container's cgroup (its namespace's root)
	run docker exec "$CID" cat /proc/self/cgroup
	[ "$output" = "0::/" ]
}

memory() {
	sleeper --memory 64m
	local cg
	cg=$(want_cg "$CID")
	[ "$(cat "$cg/memory.max")" = 67108864 ]
	# the container sees its own limit
	run docker exec "$CID" cat /sys/fs/cgroup/memory.max
	[ "$output" = 67108864 ]
	if [ "$DRIVER" = sd ]; then
		[ "$(systemctl show -p MemoryMax --value "docker-$CID.scope")" = 67108864 ]
	fi
	run docker update --memory 96m --memory-swap 192m "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$cg/memory.max")" = 100663296 ]
}

pause_stop_rm() {
	sleeper
	local cg
	cg=$(want_cg "$CID")
	run docker pause "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$cg/cgroup.freeze")" = 1 ]
	grep -qx 'frozen 1' "$cg/cgroup.events"
	[ "$(docker inspect -f '{{.State.Status}}' "$CID")" = paused ]
	run docker unpause "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$cg/cgroup.freeze")" = 0 ]
	[ "$(docker inspect -f '{{.State.Status}}' "$CID")" = running ]
	# sleep ignores SIGTERM as PID 1: stop ends it with SIGKILL after -t
	run docker stop -t 1 "$CID"
	[ "$status" -eq 0 ]
	[ "$(docker inspect -f '{{.State.Status}}' "$CID")" = exited ]
	[ ! -e "$cg" ]
	[ "$DRIVER" != sd ] || [ "$(scope_state "$CID")" = inactive ]
	run docker rm "$CID"
	[ "$status" -eq 0 ]
	run docker inspect "$CID"
	[ "$status" -ne 0 ]
}

host_namespaces() {
	run docker run --rm --runtime=veil --network none --uts host "$IMG" hostname
	[ "$status" -eq 0 ]
	[ "$output" = "$(hostname)" ]
	run docker run --rm --runtime=veil --network none --pid host "$IMG" \
		sh -c 'cat /proc/1/comm; readlink /proc/self/ns/pid'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = systemd ]
	[ "${lines[1]}" = "$(readlink /proc/self/ns/pid)" ]
}

cgroupns() {
	sleeper --cgroupns private
	run docker exec "$CID" cat /proc/self/cgroup
	[ "$output" = "0::/" ]
	[ "$(readlink "/proc/$CPID/ns/cgroup")" != "$(readlink /proc/self/ns/cgroup)" ]
	sleeper --cgroupns host
	[ "$(readlink "/proc/$CPID/ns/cgroup")" = "$(readlink /proc/self/ns/cgroup)" ]
	local cg
	cg=$(want_cg "$CID")
	run docker exec "$CID" cat /proc/self/cgroup
	[ "$output" = "0::${cg#/sys/fs/cgroup}" ]
}

@test "docker: the daemon's default cgroup driver here is systemd, on cgroup v2; the runtime under test registered" {
	use sd
	[ "$(docker info -f '{{.CgroupDriver}} {{.CgroupVersion}}')" = "systemd 2" ]
	[ "$(docker info -f '{{json .Runtimes}}' | jq -r .veil.path)" = "$VEIL" ]
	use fs
	[ "$(docker info -f '{{.CgroupDriver}} {{.CgroupVersion}}')" = "cgroupfs 2" ]
	[ "$(docker info -f '{{json .Runtimes}}' | jq -r .veil.path)" = "$VEIL" ]
}

@test "docker (systemd driver): run and exec, in the container's scope" {
	systemd_driver
	use sd
	run_exec
}

@test "docker (cgroupfs driver): run and exec, in the container's cgroup" {
	use fs
	run_exec
}

@test "docker (systemd driver): --memory sets memory.max and the scope's MemoryMax; update" {
	systemd_driver
	use sd
	memory
}

@test "docker (cgroupfs driver): --memory sets memory.max; update" {
	use fs
	memory
}

@test "docker (systemd driver): pause, unpause, stop, rm" {
	systemd_driver
	use sd
	pause_stop_rm
}

@test "docker (cgroupfs driver): pause, unpause, stop, rm" {
	use fs
	pause_stop_rm
}

@test "docker (systemd driver): --uts host and --pid host" {
	systemd_driver
	use sd
	host_namespaces
}

@test "docker (cgroupfs driver): --uts host and --pid host" {
	use fs
	host_namespaces
}

@test "docker (systemd driver): --cgroupns private and host" {
	systemd_driver
	use sd
	cgroupns
}

@test "docker (cgroupfs driver): --cgroupns private and host" {
	use fs
	cgroupns
}

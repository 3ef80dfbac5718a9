#!/usr/bin/env bats
# veil as a Docker runtime: docker.io's dockerd (with the containerd it
# starts itself) configured from contrib/docker/daemon.json, driving veil
# through containerd-shim-runc-v2 for "docker run --runtime=veil".
#
# One dockerd for the file, with its data, exec root, socket, key and cgroup
# parent all its own, no bridge and no iptables; containers get no network.
# The image is imported from contrib/mkbundle's busybox rootfs.  After each
# test nothing of its containers may remain (veil state, cgroups, mounts,
# shims); after the file, nothing of dockerd or its containerd.

load common
load dockerd

# dvrun ARGS...: docker run with veil and no network
dvrun() {
	docker run --runtime=veil --network none "$@"
}

# The state root the shim passes to veil as --root (docker 20.10 puts every
# runtime's under runtime-runc); found by looking rather than assumed.
veil_root() {
	local d
	for d in "$CLIENT_TMP"/exec/runtime-*/moby; do
		[ -d "$d" ] && echo "$d"
	done
}

# in_docker_tty CMD...: run a docker command with a pseudo-terminal of its
# own (bats gives it none), so that -t is allowed
in_docker_tty() {
	local cmd
	printf -v cmd '%q ' /usr/bin/docker "$@"
	DOCKER_HOST=$DOCKER_HOST timeout --foreground -k 5 60 script -qec "$cmd" /dev/null
}

# cgroup_v1 CTRL ID: the v1 cgroup directory of a container's init
cgroup_v1() {
	local pid rel
	pid=$(docker inspect -f '{{.State.Pid}}' "$2") || return 1
	rel=$(awk -F: -v c="$1" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup")
	[ -n "$rel" ] && echo "/sys/fs/cgroup/$1$rel"
}

# wait_log ID TEXT: wait up to 10 s for TEXT in the container's output
wait_log() {
	local i
	for ((i = 0; i < 100; i++)); do
		docker logs "$1" 2>&1 | grep -qF -- "$2" && return 0
		sleep 0.1
	done
	echo "no \"$2\" in the output of $1:" >&2
	docker logs "$1" >&2
	return 1
}

setup_file() {
	dockerd_up docker
}

teardown_file() {
	dockerd_down
}

setup() {
	IDS=()
}

# Every container a test made is force-removed, and must leave nothing:
# no veil state, no cgroup, no mount and no process naming it.  Containers
# run with --rm have no id to look for, so the daemon's whole cgroup parent,
# mount tree and shims must be empty as well.
teardown() {
	local id full root left ids=() fail=0
	root=$(veil_root)
	for id in "${IDS[@]}"; do
		full=$(docker inspect -f '{{.Id}}' "$id" 2>/dev/null) && id=$full
		ids+=("$id")
		docker rm -f "$id" >/dev/null 2>&1
	done
	for id in "${ids[@]}"; do
		assert_no_leftovers "$root" "$id" || fail=1
		left=$(processes_named "$id")
		if [ -n "$left" ]; then
			echo "processes left by container $id:" >&2
			echo "$left" >&2
			fail=1
		fi
	done
	left=$(
		veil_state_dirs "$root"
		find /sys/fs/cgroup/*/"$CGROUP_PARENT" -mindepth 1 -type d 2>/dev/null
		mounts_named "$CLIENT_TMP/" | grep -vxF "$CLIENT_TMP/data"
		processes_named "-address $CLIENT_TMP/"
	)
	if [ -n "$left" ]; then
		echo "left behind after the test's containers were removed:" >&2
		echo "$left" >&2
		fail=1
	fi
	return "$fail"
}

# start_sleeper [RUN ARGS...]: a detached "sleep 1000" container; sets $CID
start_sleeper() {
	CID=$(dvrun -d "$@" "$IMG" sleep 1000)
	[ -n "$CID" ] || return 1
	IDS+=("$CID")
}

@test "the contrib daemon.json is valid JSON naming /usr/local/bin/veil" {
	run jq -r '.runtimes.veil.path' "$TOP_SRCDIR/contrib/docker/daemon.json"
	[ "$status" -eq 0 ]
	[ "$output" = /usr/local/bin/veil ]
	run docker info -f '{{json .Runtimes}}'
	[ "$status" -eq 0 ]
	[ "$(jq -r '.veil.path' <<<"$output")" = "$VEIL" ]
}

@test "docker run --runtime=veil: output and exit codes" {
	run dvrun --name "veil-hi-$BATS_TEST_NUMBER" "$IMG" echo hi
	IDS+=("veil-hi-$BATS_TEST_NUMBER")
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	[ "$(docker inspect -f '{{.HostConfig.Runtime}}' "veil-hi-$BATS_TEST_NUMBER")" = veil ]
	# veil really ran it: the shim called veil, whose state dir it named
	[ -n "$(veil_root)" ]

	run dvrun --rm "$IMG" sh -c 'exit 7'
	[ "$status" -eq 7 ]

	run dvrun --rm -i "$IMG" cat <<<"from stdin"
	[ "$status" -eq 0 ]
	[ "$output" = "from stdin" ]
}

@test "docker run options reach the container: user, read-only, caps, workdir, env, HOME, seccomp, tmpfs" {
	run dvrun --rm --user 1000:1000 --read-only --cap-drop ALL -w /tmp -e VEIL_X=y "$IMG" \
		sh -c 'id -u; id -g; pwd; echo "$VEIL_X"; grep CapEff /proc/self/status; touch /x 2>&1; echo touch=$?'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1000 ]
	[ "${lines[2]}" = /tmp ]
	[ "${lines[3]}" = y ]
	[[ ${lines[4]} == CapEff:*0000000000000000 ]]
	[[ $output == *"Read-only file system"* ]]
	[ "${lines[-1]}" = touch=1 ]

	# Docker leaves HOME to the runtime: the user's home in /etc/passwd
	run dvrun --rm "$IMG" sh -c 'echo "$HOME"'
	[ "$output" = /root ]
	run dvrun --rm -u 1000 "$IMG" sh -c 'echo "$HOME"'
	[ "$output" = / ]

	# --tmpfs on the image's 0700 /root keeps 0700 (runc's rule)
	run dvrun --rm --tmpfs /root --tmpfs /newdir "$IMG" stat -c '%a %n' /root /newdir
	[ "$status" -eq 0 ]
	[ "$output" = $'700 /root\n1777 /newdir' ]
	# seccomp: docker's default profile (no unshare), and one of our own
	run dvrun --rm "$IMG" sh -c 'grep Seccomp: /proc/self/status; unshare -U true'
	[ "$status" -ne 0 ]
	# (docker relays stdout and stderr apart: their order is not kept)
	[[ $output == *$'Seccomp:\t2'* ]]
	[[ $output == *"Operation not permitted"* ]]
	printf '%s' '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}' \
		>"$CLIENT_TMP/seccomp.json"
	run dvrun --rm --security-opt "seccomp=$CLIENT_TMP/seccomp.json" "$IMG" mkdir /x
	[ "$status" -ne 0 ]
	[[ $output == *"Permission denied"* ]]

	# docker binds /etc/hosts and friends into a read-only --tmpfs /etc
	run dvrun --rm --tmpfs /etc:ro "$IMG" sh -c 'ls /etc; touch /etc/x'
	[ "$status" -ne 0 ]
	[[ $output == *hosts*resolv.conf* ]]
	[[ $output == *"Read-only file system"* ]]
}

@test "docker exec: output and exit codes; a missing binary is veil's error" {
	start_sleeper
	run docker exec "$CID" echo x
	[ "$status" -eq 0 ]
	[ "$output" = x ]
	run docker exec "$CID" sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run docker exec -u 1000 -e E=v -w /tmp "$CID" sh -c 'echo $(id -u) $E $(pwd)'
	[ "$status" -eq 0 ]
	[ "$output" = "1000 v /tmp" ]
	run docker exec "$CID" /nonexistent
	[ "$status" -eq 126 ]
	[[ $output == *'exec "/nonexistent": no such file or directory'* ]]
}

@test "docker exec -t and docker run -t get a pty from veil's console socket" {
	start_sleeper
	# Two pty layers (the container's and script's) each turn \n into \r\n.
	run in_docker_tty exec -t "$CID" tty
	[ "$status" -eq 0 ]
	[[ ${output//$'\r'/} =~ ^/dev/pts/[0-9]+$ ]]
	run in_docker_tty exec -t "$CID" sh -c 'exit 5'
	[ "$status" -eq 5 ]
	run in_docker_tty run --rm -t --runtime=veil --network none "$IMG" sh -c 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty'
	[ "$status" -eq 0 ]
	local want='^/dev/pts/[0-9]+'$'\n''all-tty$'
	[[ ${output//$'\r'/} =~ $want ]]
}

# feed_tty CMD...: like in_docker_tty, with two shell lines typed in
feed_tty() {
	{
		sleep 1
		printf 'echo got-$((6*7))\nexit 4\n'
		sleep 1
	} | in_docker_tty "$@"
}

@test "docker run -it and exec -it: input typed on the pty reaches the shell" {
	run feed_tty run -it --rm --runtime=veil --network none "$IMG" sh
	[ "$status" -eq 4 ]
	[[ ${output//$'\r'/} == *$'\n'got-42$'\n'* ]]
	start_sleeper
	run feed_tty exec -it "$CID" sh
	[ "$status" -eq 4 ]
	[[ ${output//$'\r'/} == *$'\n'got-42$'\n'* ]]
}

@test "docker pause and unpause freeze and thaw the container" {
	# the count is renamed into place: a read never sees a half-written file
	CID=$(dvrun -d "$IMG" sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/m; mv /tmp/m /tmp/n; sleep 0.05; done')
	IDS+=("$CID")
	local pid n1 n2
	pid=$(docker inspect -f '{{.State.Pid}}' "$CID")
	wait_file() { for ((i = 0; i < 100; i++)); do [ -s "/proc/$pid/root/tmp/n" ] && return 0; sleep 0.1; done; return 1; }
	wait_file

	run docker pause "$CID"
	[ "$status" -eq 0 ]
	[ "$(docker inspect -f '{{.State.Status}} {{.State.Paused}}' "$CID")" = "paused true" ]
	run "$VEIL" --root "$(veil_root)" state "$CID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = paused ]
	[ "$(cat "$(cgroup_v1 freezer "$CID")/freezer.state")" = FROZEN ]
	n1=$(cat "/proc/$pid/root/tmp/n")
	sleep 0.5
	n2=$(cat "/proc/$pid/root/tmp/n")
	[ "$n1" -gt 0 ]
	[ "$n1" = "$n2" ]

	run docker unpause "$CID"
	[ "$status" -eq 0 ]
	[ "$(docker inspect -f '{{.State.Status}} {{.State.Paused}}' "$CID")" = "running false" ]
	[ "$(jq -r .status <<<"$("$VEIL" --root "$(veil_root)" state "$CID")")" = running ]
	sleep 0.5
	n2=$(cat "/proc/$pid/root/tmp/n")
	[ "$n2" -gt "$n1" ]
}

@test "docker run resource flags and docker update land in the v1 cgroups" {
	start_sleeper --memory 32m --pids-limit 50 --cpu-shares 512 --cpus 0.5
	local mem
	mem=$(cgroup_v1 memory "$CID")
	[[ $mem == */"$CGROUP_PARENT/$CID" ]]
	[ "$(cat "$mem/memory.limit_in_bytes")" = 33554432 ]
	[ "$(cat "$(cgroup_v1 pids "$CID")/pids.max")" = 50 ]
	[ "$(cat "$(cgroup_v1 cpu "$CID")/cpu.shares")" = 512 ]
	[ "$(cat "$(cgroup_v1 cpu "$CID")/cpu.cfs_quota_us")" = 50000 ]
	# inside, /sys/fs/cgroup is the container's own cgroups (no cgroup
	# namespace on a v1 host), not the host's root ones
	run docker exec "$CID" cat /sys/fs/cgroup/memory/memory.limit_in_bytes \
		/sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/pids/pids.max
	[ "$status" -eq 0 ]
	[ "$output" = $'33554432\n50000\n50' ]

	# veil's warnings go to the shim's log, not to the container's stderr
	run --separate-stderr dvrun --rm --memory 64m --kernel-memory 16m "$IMG" echo ok
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
	[[ $stderr != *veil:* ]]

	run docker update --memory 64m --memory-swap 128m "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$mem/memory.limit_in_bytes")" = 67108864 ]
	[ "$(docker exec "$CID" cat /sys/fs/cgroup/memory/memory.limit_in_bytes)" = 67108864 ]
	if [ -e "$mem/memory.memsw.limit_in_bytes" ]; then
		[ "$(cat "$mem/memory.memsw.limit_in_bytes")" = 134217728 ]
	fi
	[ "$(docker inspect -f '{{.HostConfig.Memory}}' "$CID")" = 67108864 ]
	run docker update --pids-limit 70 "$CID"
	[ "$status" -eq 0 ]
	[ "$(cat "$(cgroup_v1 pids "$CID")/pids.max")" = 70 ]
}

@test "docker run --memory: the OOM killer ends it, and docker sees OOMKilled" {
	local name=veil-oom-$BATS_TEST_NUMBER
	run dvrun --name "$name" --memory 8m --memory-swap 8m "$IMG" \
		sh -c 'x=$(head -c 50000000 /dev/zero | tr "\0" a); echo survived'
	IDS+=("$name")
	[ "$status" -eq 137 ]
	[[ $output != *survived* ]]
	[ "$(docker inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' "$name")" = "true 137" ]
}

@test "health checks (docker execs) and docker commit (which pauses) on a veil container" {
	local img=veil-commit-$BATS_TEST_NUMBER:test
	CID=$(dvrun -d --health-cmd 'test -e /tmp/x' --health-interval 1s "$IMG" \
		sh -c 'echo data >/tmp/x; exec sleep 1000')
	IDS+=("$CID")
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(docker inspect -f '{{.State.Health.Status}}' "$CID")" = healthy ] && break
		sleep 0.1
	done
	[ "$(docker inspect -f '{{.State.Health.Status}}' "$CID")" = healthy ]
	run docker commit "$CID" "$img"
	[ "$status" -eq 0 ]
	[ "$(docker inspect -f '{{.State.Status}}' "$CID")" = running ]
	run dvrun --rm "$img" cat /tmp/x
	docker rmi "$img" >/dev/null
	[ "$status" -eq 0 ]
	[ "$output" = data ]
}

@test "docker top lists the container's processes (veil ps)" {
	start_sleeper
	local pid
	pid=$(docker inspect -f '{{.State.Pid}}' "$CID")
	run docker top "$CID" -o pid,args
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[1]} =~ ^\ *$pid\ +sleep\ 1000$ ]]
}

@test "docker kill -s USR1 reaches a trap; -s KILL ends it with 137" {
	CID=$(dvrun -d "$IMG" sh -c 'trap "echo got USR1" USR1; echo ready; while :; do sleep 0.1; done')
	IDS+=("$CID")
	wait_log "$CID" ready
	run docker kill -s USR1 "$CID"
	[ "$status" -eq 0 ]
	wait_log "$CID" "got USR1"
	[ "$(docker inspect -f '{{.State.Running}}' "$CID")" = true ]
	run docker kill -s KILL "$CID"
	[ "$status" -eq 0 ]
	run docker wait "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = 137 ]
}

@test "docker stop: SIGTERM (143 via docker-init), SIGKILL after the timeout (137)" {
	# With --init, sleep is not pid 1 and dies of the SIGTERM.
	start_sleeper --init
	run docker stop -t 10 "$CID"
	[ "$status" -eq 0 ]
	[ "$(docker inspect -f '{{.State.ExitCode}} {{.State.Status}}' "$CID")" = "143 exited" ]

	# As pid 1, sleep ignores SIGTERM: docker falls back to SIGKILL.
	start_sleeper
	SECONDS=0
	run docker stop -t 1 "$CID"
	[ "$status" -eq 0 ]
	[ "$SECONDS" -ge 1 ]
	[ "$(docker inspect -f '{{.State.ExitCode}} {{.State.Status}}' "$CID")" = "137 exited" ]

	# Stopped containers start again (veil create + start on the same id).
	run docker start "$CID"
	[ "$status" -eq 0 ]
	[ "$(docker inspect -f '{{.State.Running}}' "$CID")" = true ]
	run docker exec "$CID" echo again
	[ "$output" = again ]
}

@test "docker rm -f removes a running container" {
	start_sleeper
	local pid
	pid=$(docker inspect -f '{{.State.Pid}}' "$CID")
	[ -n "$(veil_state_dirs "$(veil_root)")" ]
	run docker rm -f "$CID"
	[ "$status" -eq 0 ]
	run docker inspect "$CID"
	[ "$status" -ne 0 ]
	run kill -0 "$pid"
	[ "$status" -ne 0 ]
	# checked right here, not only in teardown
	assert_no_leftovers "$(veil_root)" "$CID"
}

@test "a failing entrypoint reports veil's error through docker" {
	local name=veil-fail-$BATS_TEST_NUMBER
	run -127 dvrun --name "$name" "$IMG" /nonexistent
	IDS+=("$name")
	[ "$status" -eq 127 ]
	[[ $output == *'OCI runtime create failed: exec "/nonexistent": no such file or directory'* ]]
	[ "$(docker inspect -f '{{.State.Status}}' "$name")" = created ]
	run docker inspect -f '{{.State.Error}}' "$name"
	[[ $output == *'exec "/nonexistent": no such file or directory'* ]]

	run dvrun --rm "$IMG" /etc
	[ "$status" -ne 0 ]
	[[ $output == *'OCI runtime create failed: exec "/etc": '* ]]
}

# Next to last: it stops the daemon, which must stop (kill and delete) what
# still runs; teardown then finds nothing left of either container.
@test "stopping dockerd stops its running veil containers and leaves nothing" {
	start_sleeper --stop-timeout 1
	local pid1 pid2 dpid
	pid1=$(docker inspect -f '{{.State.Pid}}' "$CID")
	start_sleeper --init
	pid2=$(docker inspect -f '{{.State.Pid}}' "$CID")
	dpid=$(cat "$CLIENT_TMP/dockerd.started")
	SECONDS=0
	stop_pid "$dpid"
	run kill -0 "$dpid"
	[ "$status" -ne 0 ]
	# well before stop_pid's 20 s: dockerd did the stopping, not SIGKILL
	[ "$SECONDS" -lt 15 ]
	run kill -0 "$pid1"
	[ "$status" -ne 0 ]
	run kill -0 "$pid2"
	[ "$status" -ne 0 ]
	grep -q 'Daemon shutdown complete' "$CLIENT_TMP/dockerd.log"
}

# Runs last: what the shim logged about veil over the whole file, the
# daemon's shutdown included.  veil's
# stderr lines start "veil: "; the shim passes them on only when a call
# failed, and every failure the tests meant to cause is read from the JSON
# log instead.  (containerd 1.6's cleanup sometimes loses a delete's exit
# status and logs "exit status 255" with no text, with runc as well.)
@test "dockerd logged no failed veil call beyond the ones the tests caused" {
	run grep -F 'veil: ' "$CLIENT_TMP/dockerd.log"
	if [ "$status" -eq 0 ]; then
		echo "$output" >&2
		return 1
	fi
	[ "$status" -eq 1 ]
	# the expected failures did reach dockerd, so the log is the right one
	grep -qF 'exec \"/nonexistent\": no such file or directory' "$CLIENT_TMP/dockerd.log"
}

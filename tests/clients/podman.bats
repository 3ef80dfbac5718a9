#!/usr/bin/env bats
# Podman 4 (daemonless, through conmon) with veil as its OCI runtime, set up
# by contrib/podman/containers.conf (a copy whose runtime path is $VEIL).
#
# Every podman invocation has private storage, run and temp directories under
# $CLIENT_TMP; podman has no daemon to stop, but conmon outlives the podman
# that started it, so teardown_file ends the ones whose command line names
# $CLIENT_TMP.  veil runs under its default root (podman passes no --root to
# the runtime), /run/veil; its entries are checked per container id.
# PODMAN_STORAGE_DRIVER picks the storage driver (default overlay, with vfs
# as the fallback when overlay cannot be mounted).

load common

IMAGE=localhost/veil-busybox:latest
VEIL_ROOT=/run/veil

setup_file() {
	require_cmd podman podman
	require_cmd conmon conmon
	require_cmd script bsdutils
	require_cmd jq jq
	client_tmp podman
	CGROUP_PARENT=/${CLIENT_TMP##*/}
	export CGROUP_PARENT
	mkdir -p "$CLIENT_TMP"/{run,tmp,net}
	local conf=$TOP_SRCDIR/contrib/podman/containers.conf
	sed "s|\"/usr/local/bin/veil\"|\"$VEIL\"|" "$conf" >"$CLIENT_TMP/containers.conf"
	grep -qF "\"$VEIL\"" "$CLIENT_TMP/containers.conf" || {
		echo "no runtime path to replace in $conf" >&2
		return 1
	}
	# podman import writes a blob cache under /var/lib/containers, podman
	# makes /run/containers/networks whatever --root says, veil its default
	# root: teardown_file removes them if they are new (and empty)
	local d
	for d in /var/lib/containers /run/containers "$VEIL_ROOT"; do
		[ -e "$d" ] || echo "$d" >>"$CLIENT_TMP/new-host-dirs"
	done
	busybox_image_tar "$CLIENT_TMP/busybox.tar"
	# overlay when the kernel lets podman mount it here, else the slower vfs
	STORAGE_DRIVER=${PODMAN_STORAGE_DRIVER:-overlay}
	if ! pm import "$CLIENT_TMP/busybox.tar" "$IMAGE" >"$CLIENT_TMP/import.log" 2>&1; then
		echo "# podman import with overlay failed, using vfs:" >&3
		sed 's/^/#   /' "$CLIENT_TMP/import.log" >&3
		rm -rf -- "$CLIENT_TMP/storage"
		STORAGE_DRIVER=vfs
		pm import "$CLIENT_TMP/busybox.tar" "$IMAGE" >/dev/null
	fi
	export STORAGE_DRIVER
}

setup() {
	# The sandbox has no CAP_SYS_RESOURCE: podman's default rlimits would
	# raise hard limits, which veil (like runc) cannot do there.  The cgroup
	# parent (podman's default: /libpod_parent) is ours, so teardown_file
	# can remove it, and conmon's cgroup below it.
	LIMITS=(--ulimit nofile=20000:20000 --ulimit nproc=32768:32768 --cgroup-parent "$CGROUP_PARENT")
	RUN_OPTS=(--network none "${LIMITS[@]}")
}

teardown_file() {
	[ -n "${CLIENT_TMP:-}" ] && [ -d "$CLIENT_TMP" ] || return 0
	pm rm -af -t 0 >/dev/null 2>&1 || true
	local d cmd id m
	# conmon (and anything else) still running for our storage; never by name
	for d in /proc/[0-9]*; do
		[ "${d#/proc/}" != "$BASHPID" ] || continue
		cmd=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null) || continue
		case $cmd in *"$CLIENT_TMP"*) stop_pid "${d#/proc/}" ;; esac
	done
	# a container podman lost track of would still hold veil state
	if [ -f "$CLIENT_TMP/ids" ]; then
		while read -r id; do
			[ -e "$VEIL_ROOT/$id" ] && "$VEIL" delete --force "$id" 2>/dev/null
		done <"$CLIENT_TMP/ids"
	fi
	# podman's overlay and shm mounts, deepest first
	awk -v t="$CLIENT_TMP/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo |
		sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
	if [ -f "$CLIENT_TMP/new-host-dirs" ]; then
		while read -r d; do
			rm -f "$d/cache/blob-info-cache-v1.boltdb"
			rmdir "$d/cache" "$d/networks" "$d" 2>/dev/null
		done <"$CLIENT_TMP/new-host-dirs"
	fi
	rm -rf --one-file-system -- "$CLIENT_TMP"
	# empty by now: children first
	find /sys/fs/cgroup -mindepth 2 -depth -type d -path "*$CGROUP_PARENT*" \
		-exec rmdir {} \; 2>/dev/null
}

# pm_argv: PM_ARGV is podman with the options that keep all its state in
# $CLIENT_TMP
pm_argv() {
	PM_ARGV=(podman --root "$CLIENT_TMP/storage" --runroot "$CLIENT_TMP/run"
		--tmpdir "$CLIENT_TMP/tmp" --network-config-dir "$CLIENT_TMP/net"
		--storage-driver "${STORAGE_DRIVER:-overlay}"
		--cgroup-manager cgroupfs --events-backend file)
}

# pm ARG...: podman with private state and the copied containers.conf; fd 3
# (bats' output) is replaced by /dev/null, or the file $PM_FD3 when set, so
# that conmon and containers, which inherit it, do not hold bats' pipe
pm() {
	pm_argv
	CONTAINERS_CONF=$CLIENT_TMP/containers.conf "${PM_ARGV[@]}" "$@" 3<"${PM_FD3:-/dev/null}"
}

# run_pm [-N] ARG...: bats run of pm, stdout and stderr apart, logged; -N
# (e.g. -127) is bats' expected status, for the statuses it warns about
run_pm() {
	local expect=()
	[[ $1 == -[0-9]* ]] && expect=("$1") && shift
	run "${expect[@]}" --separate-stderr pm "$@"
	{
		echo "# podman $* -> exit $status"
		[ -z "$output" ] || printf '# stdout: %s\n' "${output:0:2000}"
		[ -z "$stderr" ] || printf '# stderr: %s\n' "${stderr:0:2000}"
	} >&2
}

# run_tty ARGS: "podman ARGS" (ARGS a string for sh) on a fresh pty from
# script(1), so podman -t has a terminal; $output without carriage returns
run_tty() {
	pm_argv
	run script -qec "CONTAINERS_CONF=$(printf %q "$CLIENT_TMP/containers.conf") \
		$(printf '%q ' "${PM_ARGV[@]}")$1" /dev/null </dev/null 3>&-
	output=${output//$'\r'/}
	echo "# tty: $1 -> exit $status: ${output:0:2000}" >&2
}

# fail_with MSG: print MSG and fail the test
fail_with() {
	echo "$*" >&2
	return 1
}

# expect_status N: $status is N
expect_status() {
	[ "$status" -eq "$1" ] || fail_with "exit status $status, expected $1"
}

# expect_contains HAYSTACK NEEDLE
expect_contains() {
	[[ $1 == *"$2"* ]] || fail_with "\"${1:0:2000}\" does not contain \"$2\""
}

# start_ctr ARG...: podman run -d ARG... (IMAGE and command included);
# sets ID and records it for teardown_file
start_ctr() {
	run_pm run -d "${RUN_OPTS[@]}" "$@"
	expect_status 0
	ID=${output##*$'\n'}
	[[ $ID =~ ^[0-9a-f]{64}$ ]] || fail_with "no container id in \"$output\""
	echo "$ID" >>"$CLIENT_TMP/ids"
}

# pm_inspect ID FORMAT: one field of podman inspect
pm_inspect() {
	pm inspect --format "$2" "$1"
}

# assert_ctr_gone ID [CONMON-PID] [MERGED-DIR]: after podman removed ID,
# no veil state, cgroup or mount of it is left, its conmon has exited and
# its rootfs is unmounted
# rm_ctr_checked [CONMON MERGED]: podman rm -f of $ID succeeds and leaves nothing (assert_ctr_gone)
rm_ctr_checked() {
	run_pm rm -f -t 0 "$ID"
	expect_status 0
	assert_ctr_gone "$ID" "$@"
}

assert_ctr_gone() {
	local id=$1 conmon=${2:-} merged=${3:-} i
	[ ! -e "$VEIL_ROOT/$id" ] || fail_with "veil state $VEIL_ROOT/$id left behind"
	assert_no_leftovers "$VEIL_ROOT/$id" "$id"
	if [ -n "$conmon" ]; then
		# conmon exits right after it reported the exit status
		for ((i = 0; i < 50; i++)); do
			grep -qF "$id" "/proc/$conmon/cmdline" 2>/dev/null || break
			sleep 0.1
		done
		! grep -qF "$id" "/proc/$conmon/cmdline" 2>/dev/null ||
			fail_with "conmon $conmon of $id still runs"
	fi
	if [ -n "$merged" ] && [ -n "$(mounts_named "$merged")" ]; then
		fail_with "rootfs $merged still mounted"
	fi
}

@test "podman: contrib containers.conf makes veil the runtime" {
	run_pm info --format json
	expect_status 0
	local rt
	rt=$(jq -r '.host.ociRuntime | "\(.name) \(.path)"' <<<"$output")
	[ "$rt" = "veil $VEIL" ] || fail_with "ociRuntime: $rt, expected veil $VEIL"
	expect_contains "$(jq -r .host.ociRuntime.version <<<"$output")" "veil version"
	[ "$(jq -r .store.graphRoot <<<"$output")" = "$CLIENT_TMP/storage" ]
	run_pm image inspect --format '{{.Id}}' "$IMAGE"
	expect_status 0
}

@test "podman: conmon calls veil create, start and delete, with the JSON error log" {
	# a logging veil named veil: podman's runtime_supports_json goes by name
	mkdir -p "$CLIENT_TMP/argv"
	printf '#!/bin/sh\necho "$*" >>%s\nexec %s "$@"\n' "$CLIENT_TMP/argv/log" "$VEIL" \
		>"$CLIENT_TMP/argv/veil"
	chmod +x "$CLIENT_TMP/argv/veil"
	local cid=$CLIENT_TMP/cid.$BATS_TEST_NUMBER id log
	run_pm --runtime "$CLIENT_TMP/argv/veil" run --rm "${RUN_OPTS[@]}" --cidfile "$cid" \
		"$IMAGE" true
	expect_status 0
	id=$(cat "$cid")
	log=$(grep -F "$id" "$CLIENT_TMP/argv/log" | sed "s|$CLIENT_TMP|T|g; s|$id|ID|g")
	echo "$log" >&2
	[[ $log == *"--log-format=json --log T/"*"/oci-log create --bundle T/storage/"*" --pid-file T/"*" ID"* ]]
	grep -qx "start ID" <<<"$log"
	grep -qx "delete --force ID" <<<"$log"
	assert_ctr_gone "$id"
}

@test "podman: run --rm prints the output and passes the exit status on" {
	local cid=$CLIENT_TMP/cid.$BATS_TEST_NUMBER
	run_pm --runtime "$VEIL" run --rm "${RUN_OPTS[@]}" --cidfile "$cid.1" \
		"$IMAGE" echo hi
	expect_status 0
	[ "$output" = hi ] || fail_with "output \"$output\", expected hi"
	assert_ctr_gone "$(cat "$cid.1")"
	run_pm run --rm "${RUN_OPTS[@]}" --cidfile "$cid.2" "$IMAGE" sh -c 'exit 6'
	expect_status 6
	assert_ctr_gone "$(cat "$cid.2")"
}

@test "podman: run -d, exec, stop and rm of a container veil runs" {
	# the trap makes SIGTERM (podman stop, veil kill) end it with 42
	start_ctr "$IMAGE" sh -c 'trap "exit 42" TERM; while :; do sleep 1 & wait $!; done'
	local pid conmon merged
	pid=$(pm_inspect "$ID" '{{.State.Pid}}')
	conmon=$(pm_inspect "$ID" '{{.State.ConmonPid}}')
	merged=$(pm_inspect "$ID" '{{.GraphDriver.Data.MergedDir}}')
	[ "$conmon" -gt 1 ] || fail_with "conmon pid \"$conmon\""
	[ "$STORAGE_DRIVER" != overlay ] || [ -n "$(mounts_named "$merged")" ] ||
		fail_with "rootfs \"$merged\" not mounted"
	[ "$(pm_inspect "$ID" '{{.OCIRuntime}}')" = veil ]
	# it is veil's container: veil's own state names the same init
	run "$VEIL" state "$ID"
	expect_status 0
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq -r .pid <<<"$output")" = "$pid" ] || fail_with "veil pid != podman pid $pid"
	grep -qx "[0-9]*:memory:$CGROUP_PARENT/libpod-$ID" "/proc/$pid/cgroup" ||
		fail_with "init $pid not in $CGROUP_PARENT/libpod-$ID: $(cat "/proc/$pid/cgroup")"

	run_pm exec "$ID" echo x
	expect_status 0
	[ "$output" = x ]
	run_pm exec "$ID" sh -c 'exit 7'
	expect_status 7
	# another user, who reopens its stdout (conmon's pipe) by name
	# shellcheck disable=SC2016 # expanded in the container
	run_pm exec --user 65534:65534 --workdir /tmp --env VEIL_T=ok "$ID" \
		sh -c 'echo "$(id -u):$(id -g) $PWD $VEIL_T" >/dev/stdout'
	expect_status 0
	[ "$output" = "65534:65534 /tmp ok" ]
	# an extra fd reaches the exec'd process (conmon: veil exec --preserve-fds)
	echo "passed as fd 3" >"$CLIENT_TMP/fd3"
	PM_FD3=$CLIENT_TMP/fd3 run_pm exec --preserve-fds 1 "$ID" cat /proc/self/fd/3
	expect_status 0
	[ "$output" = "passed as fd 3" ]

	run_pm stop -t 20 "$ID"
	expect_status 0
	[ "$(pm_inspect "$ID" '{{.State.Status}}')" = exited ]
	[ "$(pm_inspect "$ID" '{{.State.ExitCode}}')" = 42 ]
	run_pm rm "$ID"
	expect_status 0
	assert_ctr_gone "$ID" "$conmon" "$merged"
}

@test "podman: rm -f of a running container" {
	start_ctr "$IMAGE" sleep 1000
	local conmon merged
	conmon=$(pm_inspect "$ID" '{{.State.ConmonPid}}')
	merged=$(pm_inspect "$ID" '{{.GraphDriver.Data.MergedDir}}')
	[ -e "$VEIL_ROOT/$ID/state.json" ] || fail_with "no veil state in $VEIL_ROOT/$ID"
	rm_ctr_checked "$conmon" "$merged"
}

@test "podman: pause and unpause freeze and thaw through veil" {
	start_ctr "$IMAGE" sleep 1000
	run_pm pause "$ID"
	expect_status 0
	[ "$(pm_inspect "$ID" '{{.State.Status}}')" = paused ]
	[ "$("$VEIL" state "$ID" | jq -r .status)" = paused ]
	run_pm unpause "$ID"
	expect_status 0
	[ "$("$VEIL" state "$ID" | jq -r .status)" = running ]
	run_pm exec "$ID" echo thawed
	[ "$output" = thawed ]
	rm_ctr_checked
}

@test "podman: resource limits reach the container's cgroup" {
	start_ctr --memory 64m --pids-limit 99 "$IMAGE" sleep 1000
	local dir
	dir=$(cgroup_dirs_named "$ID" | grep '^/sys/fs/cgroup/pids/')
	[ -n "$dir" ] || fail_with "no pids cgroup for $ID"
	[ "$(cat "$dir/pids.max")" = 99 ]
	dir=$(cgroup_dirs_named "$ID" | grep '^/sys/fs/cgroup/memory/')
	[ "$(cat "$dir/memory.limit_in_bytes")" = $((64 << 20)) ]
	# inside, too: on v1 podman keeps the host's cgroup namespace, and
	# /sys/fs/cgroup/X must still be the container's own cgroup (as runc)
	run_pm exec "$ID" cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes
	expect_status 0
	[ "$output" = "99"$'\n'"$((64 << 20))" ]
	rm_ctr_checked
}

@test "podman: restart runs the same id again" {
	start_ctr "$IMAGE" sleep 1000
	local pid1 pid2
	pid1=$(pm_inspect "$ID" '{{.State.Pid}}')
	run_pm restart -t 0 "$ID"
	expect_status 0
	pid2=$(pm_inspect "$ID" '{{.State.Pid}}')
	[ "$pid2" -gt 0 ] && [ "$pid2" != "$pid1" ] || fail_with "pid $pid1 -> $pid2"
	[ "$("$VEIL" state "$ID" | jq -r .pid)" = "$pid2" ]
	rm_ctr_checked
}

@test "podman: run -t gives the container a pty" {
	local cid=$CLIENT_TMP/cid.$BATS_TEST_NUMBER
	run_tty "run --rm -t ${RUN_OPTS[*]} --cidfile $cid $IMAGE sh -c 'tty; exit 5'"
	expect_status 5
	[[ $output =~ ^/dev/pts/[0-9]+$ ]] || fail_with "tty printed \"$output\""
	assert_ctr_gone "$(cat "$cid")"
	# a user other than root owns the pty, and opens it by name
	# shellcheck disable=SC2016 # expanded in the container
	run_tty "run --rm -t --user 1000:1000 ${RUN_OPTS[*]} $IMAGE sh -c 'head -c0 <\$(tty) && echo \$(id -u) opened \$(tty)'"
	expect_status 0
	[[ $output =~ ^1000\ opened\ /dev/pts/[0-9]+$ ]] || fail_with "as 1000: \"$output\""
	# and without -t there is none
	run_pm run --rm "${RUN_OPTS[@]}" "$IMAGE" tty
	expect_status 1
	expect_contains "$output" "not a tty"
}

@test "podman: exec -t gives the exec'd process a pty" {
	start_ctr "$IMAGE" sleep 1000
	run_tty "exec -t $ID sh -c 'tty; exit 3'"
	expect_status 3
	[[ $output =~ ^/dev/pts/[0-9]+$ ]] || fail_with "tty printed \"$output\""
	rm_ctr_checked
}

@test "podman: a missing entrypoint fails with veil's error" {
	run_pm -127 run --name "nx$BATS_TEST_NUMBER" "${RUN_OPTS[@]}" "$IMAGE" /nonexistent
	expect_contains "$stderr" 'veil: exec "/nonexistent": no such file or directory'
	# podman's delete --force after the failed create must not add an error
	[[ $stderr != *"does not exist"* ]] || fail_with "stderr: $stderr"
	local id
	id=$(pm_inspect "nx$BATS_TEST_NUMBER" '{{.Id}}')
	echo "$id" >>"$CLIENT_TMP/ids"
	run_pm rm -f "$id"
	expect_status 0
	assert_ctr_gone "$id"

	start_ctr "$IMAGE" sleep 1000
	run_pm -127 exec "$ID" /nonexistent
	expect_contains "$stderr" 'veil: exec "/nonexistent": no such file or directory'
	run_pm exec "$ID" echo still
	[ "$output" = still ]
	rm_ctr_checked
}

@test "podman: kill -s delivers the signal, logs have the output" {
	start_ctr "$IMAGE" sh -c 'trap "echo got USR1" USR1; echo started; while :; do sleep 1 & wait $!; done'
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(pm logs "$ID" 2>&1)" = started ] && break
		sleep 0.1
	done
	run_pm kill -s USR1 "$ID"
	expect_status 0
	# the trap runs once the current "sleep 1" is reaped
	for ((i = 0; i < 50; i++)); do
		[[ $(pm logs "$ID" 2>&1) == *"got USR1"* ]] && break
		sleep 0.1
	done
	run_pm logs "$ID"
	[ "$output" = $'started\ngot USR1' ] || fail_with "logs: $output"
	[ "$(pm_inspect "$ID" '{{.State.Status}}')" = running ]
	rm_ctr_checked
}

@test "podman: update sets a new memory limit through veil update" {
	start_ctr --memory 64m "$IMAGE" sleep 1000
	local dir
	dir=$(cgroup_dirs_named "$ID" | grep '^/sys/fs/cgroup/memory/')
	[ "$(cat "$dir/memory.limit_in_bytes")" = $((64 << 20)) ]
	run_pm update --memory 32m "$ID"
	expect_status 0
	[ "$(cat "$dir/memory.limit_in_bytes")" = $((32 << 20)) ]
	rm_ctr_checked
}

@test "podman: stdin, a bind mount and a user namespace" {
	local cid=$CLIENT_TMP/cid.$BATS_TEST_NUMBER words
	echo "from the host" >"$CLIENT_TMP/bind-src"
	echo piped >"$CLIENT_TMP/stdin"
	# as another user, who reopens stdin and stderr by name
	run_pm run --rm -i --user 1000:1000 "${RUN_OPTS[@]}" --cidfile "$cid.1" \
		-v "$CLIENT_TMP/bind-src:/data/f:ro" "$IMAGE" \
		sh -c 'cat /dev/stdin; cat /data/f; echo to-stderr >/dev/stderr' <"$CLIENT_TMP/stdin"
	expect_status 0
	[ "$output" = $'piped\nfrom the host' ] && [ "$stderr" = to-stderr ]
	assert_ctr_gone "$(cat "$cid.1")"
	run_pm run --rm "${RUN_OPTS[@]}" --cidfile "$cid.2" --uidmap 0:100000:65536 \
		--gidmap 0:100000:65536 "$IMAGE" sh -c 'cat /proc/self/uid_map; id -u'
	expect_status 0
	read -ra words <<<"${output//$'\n'/ }"
	[ "${words[*]}" = "0 100000 65536 0" ] || fail_with "uid map, id: $output"
	assert_ctr_gone "$(cat "$cid.2")"
}

@test "podman: a container joins another one's pid, ipc, uts and network namespaces" {
	start_ctr --hostname first "$IMAGE" sleep 1000
	local first=$ID cid=$CLIENT_TMP/cid.$BATS_TEST_NUMBER
	run_pm run --rm "${LIMITS[@]}" --cidfile "$cid" \
		--pid "container:$first" --ipc "container:$first" --uts "container:$first" \
		--network "container:$first" "$IMAGE" sh -c 'hostname; ps -o comm | grep -cx sleep'
	expect_status 0
	[ "$output" = $'first\n1' ] || fail_with "hostname, sleeps seen: $output"
	assert_ctr_gone "$(cat "$cid")"
	run_pm rm -f -t 0 "$first"
	expect_status 0
	assert_ctr_gone "$first"
}

@test "podman: restart policy on-failure runs the container again through veil" {
	start_ctr --restart on-failure:2 "$IMAGE" sh -c 'exit 3'
	local i state
	# podman's cleanup, started by conmon, deletes and creates it again
	for ((i = 0; i < 100; i++)); do
		state=$(pm_inspect "$ID" '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}')
		[ "$state" = "2 exited 3" ] && break
		sleep 0.1
	done
	[ "$state" = "2 exited 3" ] || fail_with "restarts, status, exit code: $state"
	rm_ctr_checked
}

@test "podman: stop without a pid namespace signals every process (veil kill --all)" {
	# sh ignores SIGTERM and waits for its sleep: only a SIGTERM sent to the
	# sleep too (kill --all) ends it with 143; the init alone would need
	# podman's SIGKILL after the timeout (137)
	start_ctr --pid host "$IMAGE" sh -c 'sleep 1000 & echo $! >/tmp/bg; trap "" TERM; wait $!'
	local bg i
	for ((i = 0; i < 50; i++)); do
		bg=$(pm exec "$ID" cat /tmp/bg 2>/dev/null) && [ -n "$bg" ] && break
		sleep 0.1
	done
	# the host's pid namespace: the background sleep's pid is a host pid
	grep -q "libpod-$ID" "/proc/$bg/cgroup" || fail_with "no sleep $bg of $ID"
	run_pm stop -t 30 "$ID"
	expect_status 0
	[ "$(pm_inspect "$ID" '{{.State.ExitCode}}')" = 143 ]
	! grep -qs "libpod-$ID" "/proc/$bg/cgroup" || fail_with "sleep $bg outlived podman stop"
	run_pm rm "$ID"
	expect_status 0
	assert_ctr_gone "$ID"
}

#!/usr/bin/env bats
# veil under containerd 1.6: ctr drives the runc v2 shim
# (io.containerd.runc.v2), which runs veil with runc's command line
# (ctr run --runc-binary "$VEIL").  One private containerd for the file, its
# CRI plugin disabled (no CNI); contrib/containerd/config.toml, the CRI
# runtime entry, is checked by containerd itself.

load common

NS=veiltest
IMAGE=docker.io/library/vbusybox:latest

setup_file() {
	require_cmd containerd containerd
	require_cmd ctr containerd
	require_cmd containerd-shim-runc-v2 containerd
	client_tmp ctrd
	# veil's state root for the shim (it appends the namespace), the FIFOs
	# ctr makes, and a veil that logs its argv and keeps the --log of a
	# failed call
	export VROOT=$CLIENT_TMP/vroot FIFO=$CLIENT_TMP/fifo
	export VWRAP=$CLIENT_TMP/veil-argv
	cat >"$VWRAP" <<EOF
#!/bin/bash
printf '%s\n' "\$*" >>"$CLIENT_TMP/argv.log"
"$VEIL" "\$@"
rc=\$?
echo "exit \$rc" >>"$CLIENT_TMP/argv.log"
if [ \$rc -ne 0 ]; then
	for ((i = 1; i < \$#; i++)); do
		j=\$((i + 1))
		[ "\${!i}" = --log ] && cp -- "\${!j}" "$CLIENT_TMP/failed-log.json"
	done
fi
exit \$rc
EOF
	chmod +x "$VWRAP"
	containerd_up 20
}

# shim_pids [ID]: the runc v2 shims of our containerd (of container ID);
# they outlive containerd by design, and their command line names our
# socket.  A zombie has no command line: it is gone.
shim_pids() {
	local p cmd
	for p in /proc/[0-9]*; do
		cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case $cmd in
		*containerd-shim-runc-v2*" -address $CLIENT_TMP/c.sock"*) ;;
		*) continue ;;
		esac
		if [ -n "${1:-}" ]; then
			case $cmd in *" -id $1 "*) ;; *) continue ;; esac
		fi
		echo "${p#/proc/}"
	done
}

teardown_file() {
	[ -n "${CLIENT_TMP:-}" ] || return 0
	local p
	containerd_down
	for p in $(shim_pids); do
		stop_pid "$p"
	done
	# the parent of the containers' cgroups (/<namespace>/<id>), if veil left it
	for p in /sys/fs/cgroup/*/"$NS"; do
		[ ! -d "$p" ] || rmdir -- "$p" 2>/dev/null || true
	done
	# a leftover rootfs mount would make rm -rf reach into the image
	mounts_named "$CLIENT_TMP/" | sort -r | while read -r p; do
		umount -l -- "$p" 2>/dev/null
	done
	if [ -z "$(mounts_named "$CLIENT_TMP/")" ]; then
		rm -rf -- "$CLIENT_TMP"
	else
		echo "mounts left under $CLIENT_TMP, not removed" >&2
	fi
}

setup() {
	: >"$CLIENT_TMP/argv.log"
	rm -f -- "$CLIENT_TMP/failed-log.json"
}

# crun_veil [CTR-RUN-OPTION...] -- ID COMMAND...: ctr run of the image with
# veil as the runc binary: $RUNC_BINARY, by default $VWRAP, the veil that
# logs its argv (ctr quietly runs runc instead when a task option such as
# --no-pivot or --uidmap is given; check_gone catches that)
crun_veil() {
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	run ctrc run --fifo-dir "$FIFO" --runc-binary "${RUNC_BINARY:-$VWRAP}" \
		--runc-root "$VROOT" "${opts[@]}" "$IMAGE" "$@"
}

# task_status ID: the STATUS column of "ctr task ls" for ID
task_status() {
	ctrc tasks ls | awk -v id="$1" '$1 == id { print $3 }'
}

# wait_task_status ID STATUS: up to 10 s
wait_task_status() {
	local i s
	for ((i = 0; i < 100; i++)); do
		s=$(task_status "$1")
		[ "$s" = "$2" ] && return 0
		sleep 0.1
	done
	echo "task $1 is '$s', not $2" >&2
	return 1
}

# remove_and_check ID: delete the task and the container, then check_gone
remove_and_check() {
	local id=$1
	run ctrc tasks delete "$id"
	[ "$status" -eq 0 ] || {
		echo "ctr tasks delete $id: $output" >&2
		return 1
	}
	run ctrc containers rm "$id"
	[ "$status" -eq 0 ] || {
		echo "ctr containers rm $id: $output" >&2
		return 1
	}
	check_gone "$id"
}

# check_gone ID [direct]: the shim ran veil for ID (unless "direct": not
# through $VWRAP); no container ID in containerd, and no veil state,
# cgroup, mount or shim of ID left
check_gone() {
	local id=$1 i
	if [ "${2:-}" != direct ] && ! grep -q " create --bundle .* $id\$" "$CLIENT_TMP/argv.log"; then
		echo "veil was not called to create $id" >&2
		return 1
	fi
	if ctrc containers ls -q | grep -qx -- "$id"; then
		echo "containerd still has container $id" >&2
		return 1
	fi
	for ((i = 0; i < 50; i++)); do
		[ -z "$(shim_pids "$id")" ] && break
		sleep 0.1
	done
	if [ -n "$(shim_pids "$id")" ]; then
		echo "shim of $id still running: $(shim_pids "$id")" >&2
		return 1
	fi
	[ -d "$VROOT/$NS" ] || {
		echo "no veil root $VROOT/$NS: the shim did not use --runc-root" >&2
		return 1
	}
	assert_no_leftovers "$VROOT/$NS" "$id"
}

@test "containerd: contrib/containerd/config.toml is accepted, veil as a runc v2 runtime" {
	local cfg=$CLIENT_TMP/cri.toml
	sed "s|/usr/local/bin/veil|$VEIL|" "$TOP_SRCDIR/contrib/containerd/config.toml" >"$cfg"
	run containerd --config "$cfg" config dump
	[ "$status" -eq 0 ]
	local t='[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.veil'
	local veil opts
	veil=$(awk -v t="$t]" 'index($0, t) { on = 1; next } /^ *\[/ { on = 0 } on' <<<"$output")
	opts=$(awk -v t="$t.options]" 'index($0, t) { on = 1; next } /^ *\[/ { on = 0 } on' <<<"$output")
	echo "runtime: $veil" >&2
	echo "options: $opts" >&2
	grep -qx ' *runtime_type = "io.containerd.runc.v2"' <<<"$veil"
	grep -qx " *BinaryName = \"$VEIL\"" <<<"$opts"
	grep -qx ' *SystemdCgroup = false' <<<"$opts"
	# the default runtime must stay declared, or the CRI plugin does not load
	grep -q '^ *default_runtime_name = "runc"' <<<"$output"
	grep -qF '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]' <<<"$output"
}

@test "containerd: the CRI plugin loads with the veil runtime entry" {
	# a second containerd, all private; the CRI plugin reads (empty) CNI
	# dirs and its streaming server listens on 127.0.0.1 only
	local d=$CLIENT_TMP/cri pid
	mkdir -p "$d/cni" "$d/cnibin"
	{
		cat <<EOF
root = "$d/root"
state = "$d/state"
[grpc]
  address = "$d/c.sock"
[ttrpc]
  address = "$d/c.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "$d/cnibin"
  conf_dir = "$d/cni"
EOF
		sed "/^version/d; s|/usr/local/bin/veil|$VEIL|; s|/run/containerd/veil|$d/veil|" \
			"$TOP_SRCDIR/contrib/containerd/config.toml"
	} | sed '1i version = 2' >"$d/config.toml"
	containerd --config "$d/config.toml" >"$d/log" 2>&1 </dev/null 3>&- &
	pid=$!
	wait_for_socket "$d/c.sock" 20 || {
		stop_pid "$pid"
		cat "$d/log" >&2
		return 1
	}
	run timeout 20 ctr --address "$d/c.sock" plugins ls
	stop_pid "$pid"
	grep 'cri' <<<"$output" >&2
	[ "$status" -eq 0 ]
	grep -Eq '^io\.containerd\.grpc\.v1 +cri +[^ ]+ +ok *$' <<<"$output" || {
		grep -i 'cri' "$d/log" >&2
		return 1
	}
}

@test "containerd: ctr run prints the output and returns the exit status" {
	local id=vcrun$$
	# veil itself as the runc binary, as in the CRI configuration
	RUNC_BINARY=$VEIL crun_veil --rm -- "$id" echo hi
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	check_gone "$id" direct

	crun_veil --rm -- "$id" sh -c 'echo out; exit 5'
	[ "$status" -eq 5 ]
	[ "$output" = out ]
	check_gone "$id"
}

@test "containerd: the shim calls veil with runc's command line" {
	local id=vcargv$$
	run ctrc run --fifo-dir "$FIFO" --runc-binary "$VWRAP" --runc-root "$VROOT" \
		--rm "$IMAGE" "$id" true
	[ "$status" -eq 0 ]
	cat "$CLIENT_TMP/argv.log" >&2
	local pre="--root $VROOT/$NS --log $CLIENT_TMP/state/io.containerd.runtime.v2.task/$NS/$id/log.json --log-format json"
	local bundle=$CLIENT_TMP/state/io.containerd.runtime.v2.task/$NS/$id
	grep -qxF -- "$pre create --bundle $bundle --pid-file $bundle/init.pid $id" "$CLIENT_TMP/argv.log"
	grep -qxF -- "$pre start $id" "$CLIENT_TMP/argv.log"
	grep -qxF -- "$pre delete $id" "$CLIENT_TMP/argv.log"
	# and once more with --force by the shim's cleanup, for a container
	# that is gone: it succeeds (as in runc).  (containerd 1.6 may still log
	# "failed to remove runc container ... exit status 255" for it, with
	# runc too: the cleanup's reaper can take the exit status first.)
	grep -A1 -xF -- "$pre delete --force $id" "$CLIENT_TMP/argv.log" | grep -qx 'exit 0'
	[ "$(grep -c '^exit [^0]' "$CLIENT_TMP/argv.log")" -eq 0 ]
	[ ! -e "$CLIENT_TMP/failed-log.json" ]
	check_gone "$id"
}

@test "containerd: exec in a running container, with output and exit status" {
	local id=vcexec$$
	crun_veil -d -- "$id" sleep 1000
	[ "$status" -eq 0 ]
	[ "$(task_status "$id")" = RUNNING ]
	run ctrc tasks exec --fifo-dir "$FIFO" --exec-id e1 "$id" echo x
	[ "$status" -eq 0 ]
	[ "$output" = x ]
	run ctrc tasks exec --fifo-dir "$FIFO" --exec-id e2 "$id" sh -c 'echo $$; exit 7'
	[ "$status" -eq 7 ]
	# the exec joined the container's pid namespace
	[ "$output" -gt 1 ]
	[ "$output" -lt 100 ]
	# veil exec --process: user (resolved by ctr in the image's /etc/passwd)
	# and working directory
	run ctrc tasks exec --fifo-dir "$FIFO" --exec-id e4 --user nobody --cwd /tmp "$id" \
		sh -c 'echo "$(id -u) $(pwd)"'
	[ "$status" -eq 0 ]
	[ "$output" = "65534 /tmp" ]
	grep -q " exec --process [^ ]* --detach --pid-file [^ ]* $id\$" "$CLIENT_TMP/argv.log"
	run ctrc tasks exec --fifo-dir "$FIFO" --exec-id e3 "$id" /nonexistent
	[ "$status" -ne 0 ]
	[[ $output == *'exec "/nonexistent": no such file or directory'* ]]
	# veil ps --format json, through the shim
	run ctrc tasks ps "$id"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	ctrc tasks kill -s SIGKILL "$id"
	wait_task_status "$id" STOPPED
	remove_and_check "$id"
}

@test "containerd: kill -a reaches exec'd processes; the task stops" {
	local id=vckill$$ init bg
	crun_veil -d -- "$id" sleep 1000
	[ "$status" -eq 0 ]
	run ctrc tasks exec --fifo-dir "$FIFO" -d --exec-id bg "$id" sleep 999
	[ "$status" -eq 0 ]
	run ctrc tasks ps "$id"
	[ "$status" -eq 0 ]
	bg=$(awk '/ExecID:bg/ { print $1 }' <<<"$output")
	init=$("$VEIL" --root "$VROOT/$NS" state "$id" | jq -r .pid)
	echo "init $init, exec $bg" >&2
	[ -n "$bg" ]
	[ "$bg" != "$init" ]
	grep -q '^sleep' "/proc/$bg/cmdline"
	run ctrc tasks kill -a -s SIGKILL "$id"
	[ "$status" -eq 0 ]
	wait_task_status "$id" STOPPED
	local i
	for ((i = 0; i < 50; i++)); do
		[ -e "/proc/$bg/cmdline" ] && [ -n "$(tr -d '\0' <"/proc/$bg/cmdline")" ] || break
		sleep 0.1
	done
	if [ -e "/proc/$bg/cmdline" ] && grep -q '^sleep' "/proc/$bg/cmdline"; then
		echo "exec'd process $bg survived kill -a" >&2
		return 1
	fi
	remove_and_check "$id"
}

@test "containerd: pause and resume" {
	local id=vcpause$$
	crun_veil -d -- "$id" sleep 1000
	[ "$status" -eq 0 ]
	run ctrc tasks pause "$id"
	[ "$status" -eq 0 ]
	[ "$(task_status "$id")" = PAUSED ]
	run "$VEIL" --root "$VROOT/$NS" state "$id"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = paused ]
	run ctrc tasks resume "$id"
	[ "$status" -eq 0 ]
	[ "$(task_status "$id")" = RUNNING ]
	[ "$("$VEIL" --root "$VROOT/$NS" state "$id" | jq -r .status)" = running ]
	run ctrc tasks exec --fifo-dir "$FIFO" --exec-id e1 "$id" echo alive
	[ "$status" -eq 0 ]
	[ "$output" = alive ]
	# SIGKILL of a paused container: veil thaws it so that it dies
	ctrc tasks pause "$id"
	ctrc tasks kill -s SIGKILL "$id"
	wait_task_status "$id" STOPPED
	remove_and_check "$id"
}

@test "containerd: ctr run -t gets a terminal (console socket) and the exit status" {
	require_cmd script bsdutils
	local id=vctty$$
	# script gives ctr the terminal it insists on for -t
	run timeout 60 script -qec "ctr --address $CLIENT_TMP/c.sock -n $NS run --rm -t \
		--fifo-dir $FIFO --runc-binary $VWRAP --runc-root $VROOT $IMAGE $id \
		sh -c 'tty; echo in-tty; exit 4'" /dev/null
	echo "$output" >&2
	[ "$status" -eq 4 ]
	[[ $output == *"/dev/pts/0"* ]]
	[[ $output == *"in-tty"* ]]
	grep " create --bundle " "$CLIENT_TMP/argv.log" | grep -q -- " --console-socket /"
	check_gone "$id"

	id=vctty2$$
	crun_veil -d -- "$id" sleep 1000
	[ "$status" -eq 0 ]
	run timeout 60 script -qec "ctr --address $CLIENT_TMP/c.sock -n $NS tasks exec -t \
		--fifo-dir $FIFO --exec-id t1 $id sh -c 'tty; exit 6'" /dev/null
	echo "$output" >&2
	[ "$status" -eq 6 ]
	[[ $output == *"/dev/pts/"* ]]
	ctrc tasks kill -s SIGKILL "$id"
	wait_task_status "$id" STOPPED
	remove_and_check "$id"
}

@test "containerd: ctr run options reach the container (read-only, env, cwd, mount, caps, seccomp)" {
	local id=vcopts$$
	mkdir -p "$CLIENT_TMP/share"
	echo from-host >"$CLIENT_TMP/share/f"
	crun_veil --rm --read-only --env FOO=bar --cwd /tmp --seccomp \
		--cap-drop CAP_CHOWN \
		--mount "type=bind,src=$CLIENT_TMP/share,dst=/share,options=rbind:ro" \
		-- "$id" sh -c 'echo "$FOO $(pwd)"; cat /share/f
			touch /x 2>/dev/null && echo rootfs-rw
			touch /share/y 2>/dev/null && echo share-rw
			chown 1 /tmp 2>/dev/null && echo chown-ok
			grep "^Seccomp:" /proc/self/status'
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "bar /tmp" ]
	[ "${lines[1]}" = from-host ]
	[ "${lines[2]}" = "Seccomp:	2" ]
	[ "${#lines[@]}" -eq 3 ]
	[ ! -e "$CLIENT_TMP/share/y" ]
	check_gone "$id"
}

@test "containerd: --memory-limit and --cpus land in the container's cgroup; task metrics" {
	local id=vcres$$
	crun_veil -d --memory-limit 67108864 --cpus 0.5 -- "$id" sleep 1000
	[ "$status" -eq 0 ]
	# ctr's cgroupsPath is /<namespace>/<id>
	[ "$(cat "/sys/fs/cgroup/memory/$NS/$id/memory.limit_in_bytes")" = 67108864 ]
	[ "$(cat "/sys/fs/cgroup/cpu/$NS/$id/cpu.cfs_quota_us")" = 50000 ]
	[ "$(cat "/sys/fs/cgroup/cpu/$NS/$id/cpu.cfs_period_us")" = 100000 ]
	local pid
	pid=$("$VEIL" --root "$VROOT/$NS" state "$id" | jq -r .pid)
	grep -qx "[0-9]*:memory:/$NS/$id" "/proc/$pid/cgroup"
	run ctrc tasks metrics --format json "$id"
	[ "$status" -eq 0 ]
	[ "$(jq -r .memory.usage.limit <<<"$output")" = 67108864 ]
	[ "$(jq -r .pids.current <<<"$output")" = 1 ]
	ctrc tasks kill -s SIGKILL "$id"
	wait_task_status "$id" STOPPED
	remove_and_check "$id"
}

@test "containerd: checkpoint, which veil does not have, fails with veil's message" {
	local id=vcckpt$$
	crun_veil -d -- "$id" sleep 1000
	[ "$status" -eq 0 ]
	run ctrc tasks checkpoint "$id"
	[ "$status" -ne 0 ]
	[[ $output == *"veil: checkpoint: not implemented yet"* ]]
	# the container is unharmed
	[ "$(task_status "$id")" = RUNNING ]
	ctrc tasks kill -s SIGKILL "$id"
	wait_task_status "$id" STOPPED
	remove_and_check "$id"
}

@test "containerd: veil's error reaches ctr, and is the last error in the shim's log" {
	local id=vcfail$$
	run ctrc run --fifo-dir "$FIFO" --runc-binary "$VWRAP" --runc-root "$VROOT" \
		--rm "$IMAGE" "$id" /nonexistent
	[ "$status" -ne 0 ]
	[[ $output == *'OCI runtime create failed: exec "/nonexistent": no such file or directory'* ]]
	[ -f "$CLIENT_TMP/failed-log.json" ]
	cat "$CLIENT_TMP/failed-log.json" >&2
	run jq -rs 'map(select(.level == "error")) | last | .msg' "$CLIENT_TMP/failed-log.json"
	[ "$status" -eq 0 ]
	[ "$output" = 'exec "/nonexistent": no such file or directory' ]
	check_gone "$id"
}

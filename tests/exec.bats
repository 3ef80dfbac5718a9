#!/usr/bin/env bats
# veil exec: a new process in a running container's namespaces, root and
# pid namespace, with the process from config.json (or --process FILE) and
# the flags applied; its exit status is exec's.

load helpers

# cap_bit HEX BIT: is BIT set in the capability mask HEX?
cap_bit() {
	(((16#$1 >> $2) & 1))
}

# status_field FIELD: FIELD of the /proc/self/status that the last vrun
# printed
status_field() {
	awk -v f="$1:" '$1 == f { print $2 }' <<<"$stdout"
}

@test "exec: runs a command and passes its output through" {
	start_container
	vrun exec "$ID" echo hi
	[ "$status" -eq 0 ]
	[ "$stdout" = hi ]
	[ -z "$stderr" ]
}

@test "exec: the exit status is the process's" {
	start_container
	vrun exec "$ID" sh -c 'exit 7'
	[ "$status" -eq 7 ]
	vrun exec "$ID" sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	vrun exec "$ID" true
	[ "$status" -eq 0 ]
}

# same_ns TYPE: the exec'd process is in the init's TYPE namespace, which
# is not the test's own (so a process left outside could not pass).
same_ns() {
	local type=$1 pid inside init mine
	pid=$(ctr_pid)
	init=$(ns_of "$pid" "$type")
	mine=$(readlink "/proc/self/ns/$(ns_name "$type")")
	vrun exec "$ID" readlink "/proc/self/ns/$(ns_name "$type")"
	[ "$status" -eq 0 ]
	inside=$stdout
	echo "$type: init $init, exec'd $inside, host $mine" >&2
	[ -n "$init" ]
	[ "$init" != "$mine" ]
	[ "$inside" = "$init" ]
}

@test "exec: joins the init's mount, pid, network, ipc, uts and cgroup namespaces" {
	for t in mount pid network ipc uts cgroup; do add_ns "$t"; done
	start_container
	for t in mount pid network ipc uts cgroup; do same_ns "$t"; done
}

@test "exec: joins the init's user namespace (and the others through it)" {
	for t in mount pid network ipc uts; do add_ns "$t"; done
	userns_config
	start_container
	for t in user mount pid network ipc uts; do same_ns "$t"; done
	# root in the container is host uid 100000
	vrun exec -d --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" sleep 100
	[ "$status" -eq 0 ]
	grep -E '^Uid:[[:space:]]+100000[[:space:]]' "/proc/$(cat "$BATS_TEST_TMPDIR/pid")/status"
}

@test "exec: joins the init's time namespace" {
	[ -e /proc/self/ns/time ] || skip "this kernel has no time namespaces"
	add_ns time
	cfg '.linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 0}}'
	start_container
	same_ns time
}

@test "exec: sees the container's rootfs and pid namespace" {
	echo "host-$MARK" >"$BUNDLE/rootfs/etc/hostname"
	start_container
	vrun exec "$ID" cat /etc/hostname
	[ "$status" -eq 0 ]
	[ "$stdout" = "host-$MARK" ]
	# pid 1 is the container's init, and ps (reading the container's /proc)
	# lists it
	vrun exec "$ID" ps
	[ "$status" -eq 0 ]
	grep -E "^ *1 .*sleep 1000; : $MARK" "$VRUN_OUT"
	vrun exec "$ID" sh -c 'echo $$'
	[ "$status" -eq 0 ]
	[ "$stdout" -gt 1 ]
}

@test "exec: enters the init's root of a --no-pivot container too" {
	echo "nopivot-$MARK" >"$BUNDLE/rootfs/etc/hostname"
	start_container --no-pivot
	# there the init's root is a mount moved over the namespace's root plus a
	# chroot, not a pivot_root
	vrun exec "$ID" cat /etc/hostname
	[ "$status" -eq 0 ]
	[ "$stdout" = "nopivot-$MARK" ]
}

@test "exec: works in a created container, which stays created" {
	create_container
	vrun exec "$ID" cat /proc/1/cmdline
	[ "$status" -eq 0 ]
	[ "$(state_field status)" = created ]
}

@test "exec: --cwd sets the working directory" {
	start_container
	vrun exec --cwd /etc "$ID" pwd
	[ "$status" -eq 0 ]
	[ "$stdout" = /etc ]
	vrun exec --cwd=/tmp "$ID" pwd
	[ "$stdout" = /tmp ]
	vrun exec --cwd /nonexistent "$ID" pwd
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "/nonexistent"
}

@test "exec: -e adds variables and overrides the config's" {
	start_container
	vrun exec -e FOO=bar --env "VEIL_TEST_MARK=other" "$ID" env
	[ "$status" -eq 0 ]
	grep -x FOO=bar "$VRUN_OUT"
	[ "$(grep -c '^VEIL_TEST_MARK=' "$VRUN_OUT")" -eq 1 ]
	grep -x VEIL_TEST_MARK=other "$VRUN_OUT"
	# the rest of the config's environment is kept
	grep '^PATH=' "$VRUN_OUT"
}

@test "exec: HOME comes from the container's /etc/passwd unless the process sets it" {
	start_container
	vrun exec "$ID" sh -c 'echo "$HOME"'
	[ "$status" -eq 0 ]
	[ "$stdout" = /root ]
	vrun exec -u 65534 "$ID" sh -c 'echo "$HOME"'
	[ "$stdout" = /nonexistent ]
	vrun exec -e HOME=/elsewhere "$ID" sh -c 'echo "$HOME"'
	[ "$stdout" = /elsewhere ]
}

@test "exec: -u UID:GID and -g set the identity" {
	start_container
	vrun exec -u 1000:1000 "$ID" id
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "uid=1000 gid=1000"
	vrun exec --user=1001 -g 10 --additional-gids 20 "$ID" id
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "uid=1001 gid=0"
	assert_contains "$stdout" "groups=10,20"
	vrun exec -u nobody "$ID" id
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "--user"
}

@test "exec: --process FILE gives the whole process" {
	start_container
	cat >"$BATS_TEST_TMPDIR/process.json" <<EOF
{"args": ["sh", "-c", "echo \$X; pwd; id -u"], "env": ["X=from-file", "PATH=/bin"],
 "cwd": "/etc", "user": {"uid": 5, "gid": 6}}
EOF
	vrun exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-file ]
	[ "${lines[1]}" = /etc ]
	[ "${lines[2]}" = 5 ]
	echo '{"args": ["true"], "cwd": 5}' >"$BATS_TEST_TMPDIR/bad.json"
	vrun exec -p "$BATS_TEST_TMPDIR/bad.json" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "cwd"
}

@test "exec: --cap adds to the effective set, never to the inheritable one" {
	cfg '.process.capabilities.inheritable = []'
	start_container
	vrun exec "$ID" cat /proc/self/status
	! cap_bit "$(status_field CapEff)" 12 # CAP_NET_ADMIN is not in the default set
	vrun exec --cap CAP_NET_ADMIN "$ID" cat /proc/self/status
	[ "$status" -eq 0 ]
	cap_bit "$(status_field CapEff)" 12
	cap_bit "$(status_field CapBnd)" 12
	! cap_bit "$(status_field CapInh)" 12
	# as runc: "ignoring unknown or unavailable capabilities", and the process runs
	vrun exec --cap CAP_NO_SUCH "$ID" true
	[ "$status" -eq 0 ]
	assert_contains "$stderr" '"CAP_NO_SUCH", ignored'
}

@test "exec: --no-new-privs sets no_new_privs" {
	cfg '.process.noNewPrivileges = false'
	start_container
	vrun exec "$ID" cat /proc/self/status
	[ "$(status_field NoNewPrivs)" = 0 ]
	vrun exec --no-new-privs "$ID" cat /proc/self/status
	[ "$(status_field NoNewPrivs)" = 1 ]
}

@test "exec: --detach returns at once and --pid-file names the process" {
	start_container
	local pf=$BATS_TEST_TMPDIR/exec.pid pid
	SECONDS=0
	vrun exec --detach --pid-file "$pf" "$ID" sh -c "sleep 1000; : $MARK"
	[ "$status" -eq 0 ]
	[ "$SECONDS" -lt 30 ]
	pid=$(cat "$pf")
	track_pid "$pid"
	process_running "$pid"
	# the host pid of a process in the container's pid namespace
	[ "$(ns_of "$pid" pid)" = "$(ns_of "$(ctr_pid)" pid)" ]
	[ "$(awk '$1 == "NSpid:" { print NF - 1 }' "/proc/$pid/status")" -eq 2 ]
	grep -a -q "sleep 1000; : $MARK" "/proc/$pid/cmdline"
}

@test "exec: only stdio and --preserve-fds reach the process" {
	start_container
	local out=$BATS_TEST_TMPDIR/fd3
	# busybox ls opens no fd of its own before listing
	veil exec "$ID" ls /proc/self/fd 3>"$out.leak" 4>&- </dev/null >"$out.list" 2>&1
	sort "$out.list" | tr '\n' ' ' >&2
	[ "$(sort -n "$out.list" | tr '\n' ' ')" = "0 1 2 3 " ] || {
		# ls's own directory fd is the one extra
		[ "$(sort -n "$out.list" | tr '\n' ' ')" = "0 1 2 " ]
	}
	veil exec --preserve-fds 1 "$ID" sh -c 'echo through-3 >&3' 3>"$out" </dev/null
	[ "$(cat "$out")" = through-3 ]
	vrun exec --preserve-fds 5 "$ID" true
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "--preserve-fds"
}

@test "exec: signals to veil exec reach the process" {
	start_container
	# veil itself, not the timeout wrapper: the signal must reach veil exec
	"$VEIL" --root "$ROOT" exec "$ID" sh -c 'trap "exit 42" TERM; echo ready; while :; do sleep 0.1; done' \
		</dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	local vpid=$!
	track_pid "$vpid"
	wait_for_file "$BATS_TEST_TMPDIR/out"
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q ready "$BATS_TEST_TMPDIR/out" && break
		sleep 0.05
	done
	kill -TERM "$vpid"
	local rc=0
	wait "$vpid" || rc=$?
	[ "$rc" -eq 42 ]
}

@test "exec: -t relays a pty in the foreground" {
	command -v script >/dev/null || skip "script (bsdutils) is not installed"
	start_container
	run timeout 20 script -qec "$VEIL --root $ROOT exec -t $ID sh -c 'tty; exit 3'" /dev/null
	echo "$output" >&2
	[ "$status" -eq 3 ]
	assert_contains "$output" /dev/pts/
	vrun exec -t -d "$ID" true
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "--console-socket"
}

@test "exec: into a stopped container fails clearly" {
	start_container
	vrun kill "$ID" KILL
	wait_for_status "$ID" stopped
	vrun exec "$ID" true
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "cannot exec in container \"$ID\": container is stopped"
}

@test "exec: a missing program fails with the real cause" {
	start_container
	vrun exec "$ID" /nonexistent
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" 'exec "/nonexistent": no such file or directory'
	vrun exec "$ID" no-such-program
	[ "$status" -eq 1 ]
	assert_contains "$stderr" 'exec "no-such-program": executable file not found in $PATH'
}

@test "exec: bad invocations fail naming the problem" {
	vrun exec nosuch-$MARK true
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "does not exist"
	start_container
	vrun exec --bogus "$ID" true
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "--bogus"
	vrun exec "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "no command"
	vrun exec --process-label foo "$ID" true
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "--process-label"
	vrun exec --apparmor foo "$ID" true
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "--apparmor"
	vrun exec --cgroup foo "$ID" true
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "--cgroup"
}

@test "exec: the container's seccomp profile binds the process" {
	grep -q '^#define HAVE_SECCOMP 1' "$TOP_SRCDIR/config.h" 2>/dev/null ||
		skip "veil was built without libseccomp"
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
	      syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
	cfg '.process.noNewPrivileges = false'
	start_container
	vrun exec "$ID" mkdir /tmp/blocked
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "Operation not permitted"
	[ ! -e "$BUNDLE/rootfs/tmp/blocked" ]
	# with no_new_privs the filter is loaded at the last moment: still loaded
	vrun exec --no-new-privs "$ID" mkdir /tmp/blocked
	[ "$status" -ne 0 ]
	[ ! -e "$BUNDLE/rootfs/tmp/blocked" ]
	# and the syscalls it allows work
	vrun exec "$ID" touch /tmp/allowed
	[ "$status" -eq 0 ]
	[ -e "$BUNDLE/rootfs/tmp/allowed" ]
}

#!/usr/bin/env bats
# --pidfd-socket PATH (create, run, exec), as runc 1.2+ has it (runc 1.1.5 has no such flag):
# veil connects to the unix stream socket PATH and sends, with SCM_RIGHTS, a pidfd of the
# container's init (create, run) or of the exec'd process (exec), with the payload "standard"
# or "setns" as runc's.  A socket that cannot be connected fails the command before anything
# exists.

load helpers
load helpers/tools

setup_file() {
	common_setup_file
	build_tool pidfd-recv
}

# start_pidfd_receiver [kill]: pidfd-recv listening on $PSOCK, its findings in $POUT.
start_pidfd_receiver() {
	PSOCK=$BATS_TEST_TMPDIR/pidfd.sock
	POUT=$BATS_TEST_TMPDIR/pidfd.out
	"$BATS_FILE_TMPDIR/pidfd-recv" "$PSOCK" "$POUT" "$@" 3>&- &
	PRECV_PID=$!
	track_pid "$PRECV_PID"
	wait_for_file "$PSOCK"
}

# wait_pidfd_receiver PID PAYLOAD: the fd received was a pidfd of PID, sent with PAYLOAD.
wait_pidfd_receiver() {
	local rc=0
	wait "$PRECV_PID" || rc=$?
	printf '# pidfd-recv (exit %s): %s\n' "$rc" "$(tr '\n' ' ' <"$POUT")" >&2
	[ "$rc" -eq 0 ]
	grep -qx "payload=$2" "$POUT"
	grep -qx "pid=$1" "$POUT"
	grep -qx "signal0=ok" "$POUT"
}

@test "pidfd-socket: create sends a pidfd of the init; it signals the init" {
	need_tools
	start_pidfd_receiver kill
	# the receiver kills the init at once: its pid from --pid-file, which outlives it
	create_container --pidfd-socket "$PSOCK" --pid-file "$BATS_TEST_TMPDIR/pid"
	wait_pidfd_receiver "$(cat "$BATS_TEST_TMPDIR/pid")" standard
	# the SIGKILL the receiver sent through the pidfd stopped the container
	wait_for_status "$ID" stopped
}

@test "pidfd-socket: run -d sends a pidfd of the init" {
	need_tools
	start_pidfd_receiver
	vrun run -d --bundle "$BUNDLE" --pidfd-socket "$PSOCK" "$ID"
	[ "$status" -eq 0 ]
	wait_for_status "$ID" running
	wait_pidfd_receiver "$(ctr_pid)" standard
}

@test "pidfd-socket: exec -d sends a pidfd of the exec'd process, not of the init" {
	need_tools
	start_container
	start_pidfd_receiver
	vrun exec -d --pid-file "$BATS_TEST_TMPDIR/pid" --pidfd-socket "$PSOCK" "$ID" \
		sh -c "sleep 1000; : $MARK"
	[ "$status" -eq 0 ]
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	track_pid "$pid"
	[ "$pid" != "$(ctr_pid)" ]
	wait_pidfd_receiver "$pid" setns
}

@test "pidfd-socket: no such socket fails create, run and exec, leaving nothing" {
	local sock=$BATS_TEST_TMPDIR/nosuch.sock cmd
	for cmd in create run; do
		vrun "$cmd" --bundle "$BUNDLE" --pidfd-socket "$sock" "$ID"
		[ "$status" -eq 1 ]
		assert_one_error_line
		assert_contains "$stderr" "--pidfd-socket"
		assert_contains "$stderr" "$sock"
		assert_no_leftovers
	done
	start_container
	vrun exec -d --pidfd-socket "$sock" "$ID" sh -c "sleep 1000; : exec$MARK"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "--pidfd-socket"
	# the exec'd process was never started
	[ -z "$(marked_pids "exec$MARK")" ]
}

@test "pidfd-socket: a path that is not a socket fails create, leaving nothing" {
	local f=$BATS_TEST_TMPDIR/plain-file
	: >"$f"
	vrun create --bundle "$BUNDLE" --pidfd-socket "$f" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "--pidfd-socket"
	assert_contains "$stderr" "$f"
	assert_no_leftovers
}

@test "pidfd-socket: in each command's --help" {
	local cmd
	for cmd in create run exec; do
		run_veil "$cmd" --help
		[ "$status" -eq 0 ]
		assert_contains "$output" "--pidfd-socket"
	done
}

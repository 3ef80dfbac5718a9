#!/usr/bin/env bats
# File descriptors: stdio passes through untouched, --preserve-fds N keeps fds 3..3+N-1,
# systemd socket activation (LISTEN_FDS) is passed on as runc does, and every other fd is
# closed before execve (no host fd reaches the container, CVE-2024-21626).

load helpers

# list_fds: the container's program is "ls -l /proc/self/fd" itself (a shell would hold fds
# of its own for pipes and redirections); fd_list then prints the fd numbers seen, without
# the directory fd ls opened to read /proc/self/fd.
list_fds() {
	set_args ls -l /proc/self/fd
}
fd_list() {
	awk '$(NF - 1) == "->" && $NF !~ "^/proc/[0-9]+/fd$" { print $(NF - 2) }' <<<"${1:-$stdout}" |
		sort -n | xargs
}
# fd_target N: where fd N of the listed process pointed.
fd_target() {
	awk -v n="$1" '$(NF - 1) == "->" && $(NF - 2) == n { print $NF }' <<<"$stdout"
}

# veil_out CMD...: runs CMD (a veil command line, with the fds the caller redirects); output
# in $stdout and $stderr, status in $status.
veil_out() {
	status=0
	"$@" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || status=$?
	stdout=$(cat "$BATS_TEST_TMPDIR/out")
	stderr=$(cat "$BATS_TEST_TMPDIR/err")
	printf '# status %s\n# stdout: %s\n# stderr: %s\n' "$status" "$stdout" "$stderr" >&2
}

@test "fds: a pipe on stdin reaches the process, stdout and stderr are the caller's" {
	set_args sh -c 'cat; echo to-stderr >&2'
	veil_out bash -c 'echo "piped-$1" | timeout 30 "$VEIL" --root "$2" run --bundle "$3" "$4"' \
		_ "$MARK" "$ROOT" "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = "piped-$MARK" ]
	[ "$stderr" = to-stderr ]
}

@test "fds: the container's stdio are the very files veil was given (seen from the host)" {
	create_container
	local pid
	pid=$(ctr_pid)
	# vrun gave create /dev/null on stdin and files on stdout and stderr
	[ "$(readlink "/proc/$pid/fd/0")" = /dev/null ]
	[ "$(readlink "/proc/$pid/fd/1")" = "$VRUN_OUT" ]
	[ "$(readlink "/proc/$pid/fd/2")" = "$VRUN_ERR" ]
}

@test "fds: only 0, 1 and 2 reach the process; fds veil inherited are closed" {
	list_fds
	# fds 3, 5 and 7 are open in veil, none may cross execve
	veil_out timeout 30 "$VEIL" --root "$ROOT" run --bundle "$BUNDLE" "$ID" \
		</dev/null 3</etc/hostname 5</etc/hostname 7>"$BATS_TEST_TMPDIR/seven"
	[ "$status" -eq 0 ]
	[ "$(fd_list)" = "0 1 2" ]
}

@test "fds: --preserve-fds N keeps fds 3..3+N-1 open, closes the rest" {
	echo "three-$MARK" >"$BATS_TEST_TMPDIR/three"
	echo "four-$MARK" >"$BATS_TEST_TMPDIR/four"
	list_fds
	veil_out timeout 30 "$VEIL" --root "$ROOT" run --preserve-fds 2 --bundle "$BUNDLE" "$ID" \
		</dev/null 3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four" 5</etc/hostname
	[ "$status" -eq 0 ]
	[ "$(fd_list)" = "0 1 2 3 4" ]
	[ "$(fd_target 3)" = "$BATS_TEST_TMPDIR/three" ]
	[ "$(fd_target 4)" = "$BATS_TEST_TMPDIR/four" ]

	# and the process can read them
	set_args sh -c 'cat <&3; cat <&4'
	veil_out timeout 30 "$VEIL" --root "$ROOT" run --preserve-fds 2 --bundle "$BUNDLE" "$ID" \
		</dev/null 3<"$BATS_TEST_TMPDIR/three" 4<"$BATS_TEST_TMPDIR/four"
	[ "$status" -eq 0 ]
	[ "$stdout" = "three-$MARK"$'\n'"four-$MARK" ]
}

@test "fds: --preserve-fds with an fd that is not open fails (a veil fd must not stand in)" {
	# fd 3 is free in the caller: veil's own --log file would land there
	veil_out timeout 30 "$VEIL" --root "$ROOT" --log "$BATS_TEST_TMPDIR/log" run \
		--preserve-fds 1 --bundle "$BUNDLE" "$ID" </dev/null 3<&-
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "--preserve-fds: fd 3 is not open"
	assert_no_leftovers
}

@test "fds: LISTEN_FDS for veil's pid passes the fds and sets LISTEN_FDS and LISTEN_PID" {
	echo "listen3-$MARK" >"$BATS_TEST_TMPDIR/l3"
	echo "listen4-$MARK" >"$BATS_TEST_TMPDIR/l4"
	echo "preserved5-$MARK" >"$BATS_TEST_TMPDIR/p5"
	set_args sh -c 'echo "N=$LISTEN_FDS P=$LISTEN_PID me=$$"; cat <&3; cat <&4; cat <&5; ls -l /proc/self/fd'
	# bash execs veil, so LISTEN_PID=$$ is veil's pid, as systemd sets it
	veil_out timeout 30 bash -c 'export LISTEN_FDS=2 LISTEN_PID=$$
		exec "$1" --root "$2" run --preserve-fds 1 --bundle "$3" "$4"' _ "$VEIL" "$ROOT" "$BUNDLE" "$ID" \
		</dev/null 3<"$BATS_TEST_TMPDIR/l3" 4<"$BATS_TEST_TMPDIR/l4" 5<"$BATS_TEST_TMPDIR/p5" \
		6</etc/hostname
	[ "$status" -eq 0 ]
	# the container's init is pid 1 in its pid namespace: LISTEN_PID names it
	grep -qx "N=2 P=1 me=1" <<<"$stdout"
	# the listen fds first (3, 4), then the preserved one (5); 6 closed
	grep -qx "listen3-$MARK" <<<"$stdout"
	grep -qx "listen4-$MARK" <<<"$stdout"
	grep -qx "preserved5-$MARK" <<<"$stdout"
	[ "$(fd_target 5)" = "$BATS_TEST_TMPDIR/p5" ]
	[ -z "$(fd_target 6)" ]
}

@test "fds: LISTEN_FDS meant for another pid is ignored (fds closed, env as configured)" {
	cfg '.process.env += ["LISTEN_FDS=9"]'
	set_args sh -c 'echo "N=${LISTEN_FDS-unset} P=${LISTEN_PID-unset}"; ls -l /proc/self/fd'
	veil_out timeout 30 env LISTEN_FDS=1 LISTEN_PID=1 \
		"$VEIL" --root "$ROOT" run --bundle "$BUNDLE" "$ID" </dev/null 3</etc/hostname
	[ "$status" -eq 0 ]
	[ -z "$(fd_target 3)" ]
	# process.env is passed exactly as written
	grep -qx "N=9 P=unset" <<<"$stdout"
}

@test "fds: no host fd reaches a started container (create, then start with other fds)" {
	list_fds
	vrun create --bundle "$BUNDLE" "$ID" 4</etc/hostname
	[ "$status" -eq 0 ]
	# the container keeps create's stdout: the listing lands in that file
	local listing=$VRUN_OUT
	vrun start "$ID" 5</etc/hostname
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	stdout=$(cat "$listing")
	echo "$stdout" >&2
	# 0, 1, 2 and nothing else: no fd of veil's (state dir, exec.fifo, sync socket)
	[ "$(fd_list)" = "0 1 2" ]
}

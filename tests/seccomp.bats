#!/usr/bin/env bats
# linux.seccomp: every action, errnoRet, args and their operators, architectures, flags, the
# errors that name the field, and SCMP_ACT_NOTIFY with a listener (tests/helpers/
# seccomp-listener.c) that gets the notify fd and the container process state.
#
# Each test sets one thing and looks at its effect from inside the container.  The busybox
# applets used make these syscalls (x86_64, glibc): mkdir -> mkdir, chmod -> chmod,
# linux32/linux64 -> personality, sh -> getppid and uname at startup, echo and uname -s run
# directly (as process.args) -> neither getppid nor (for echo) uname.

load helpers
load helpers/tools

setup_file() {
	common_setup_file
	build_tool seccomp-listener
	vtool_in_template
}

MKDIR='["mkdir", "mkdirat"]'

# seccomp JSON: linux.seccomp = JSON.
seccomp() {
	cfg '.linux.seccomp = $s' --argjson s "$1"
}

# deny NAMES-JSON [ERRNO]: default allow, NAMES fail with ERRNO (default: none given).
deny() {
	if [ $# -ge 2 ]; then
		seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
		  \"syscalls\": [{\"names\": $1, \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": $2}]}"
	else
		seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
		  \"syscalls\": [{\"names\": $1, \"action\": \"SCMP_ACT_ERRNO\"}]}"
	fi
}

# start_listener MODE [DELAY-MS]: the listener on $LSOCK, writing the state to $LSTATE ($LNAME,
# default "listener", tells the listeners of one test apart).
start_listener() {
	need_tools
	local name=${LNAME:-listener}
	LSOCK=$BATS_TEST_TMPDIR/$name.sock
	LSTATE=$BATS_TEST_TMPDIR/$name-state.json
	"$BATS_FILE_TMPDIR/seccomp-listener" "$LSOCK" "$LSTATE" "$@" \
		</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/$name.err" 3>&- &
	track_pid $!
	wait_for_file "$LSOCK"
}

# notify_mkdir: mkdir and mkdirat go to the listener on $LSOCK (with listenerMetadata).
notify_mkdir() {
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$LSOCK\",
	  \"listenerMetadata\": \"meta-$MARK\",
	  \"syscalls\": [{\"names\": $MKDIR, \"action\": \"SCMP_ACT_NOTIFY\"}]}"
}

# ---------------------------------------------------------------------------
# actions and errnoRet

@test "seccomp: SCMP_ACT_ERRNO without errnoRet fails the syscall with EPERM" {
	deny "$MKDIR"
	run_sh_status 'mkdir /tmp/x; echo rc=$?'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "rc=1"
	assert_contains "$stderr" "Operation not permitted"
	[ ! -d "$BUNDLE/rootfs/tmp/x" ]
}

@test "seccomp: errnoRet sets the errno (13: Permission denied)" {
	deny "$MKDIR" 13
	run_sh_status 'mkdir /tmp/x; echo rc=$?'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "rc=1"
	assert_contains "$stderr" "Permission denied"
}

@test "seccomp: the filter is on: /proc/self/status shows mode 2 and one filter" {
	deny '["mkdir"]' 1
	run_sh_status 'grep "^Seccomp" /proc/self/status'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "$(printf 'Seccomp:\t2')"
	assert_contains "$stdout" "$(printf 'Seccomp_filters:\t1')"
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills the process on the syscall (SIGSYS, run exits 159)" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
	  "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
	# echo run directly makes no getppid: it lives
	set_args echo alive
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = alive ]
	# sh asks for its parent's pid ($PPID) at startup
	run_sh_status 'echo survived'
	[ "$status" -eq 159 ]
	[ -z "$stdout" ]
}

@test "seccomp: SCMP_ACT_KILL (= KILL_THREAD) kills the single-threaded process" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
	  "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_KILL"}]}'
	run_sh_status 'echo survived'
	[ "$status" -eq 159 ]
	[ -z "$stdout" ]
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
	  "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_KILL_THREAD"}]}'
	run_sh_status 'echo survived'
	[ "$status" -eq 159 ]
}

@test "seccomp: SCMP_ACT_TRAP sends SIGSYS (run exits 159)" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
	  "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_TRAP"}]}'
	set_args echo alive
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	set_args uname -s
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 159 ]
	[ -z "$stdout" ]
}

@test "seccomp: SCMP_ACT_TRACE without a tracer fails the syscall with ENOSYS" {
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
	  \"syscalls\": [{\"names\": $MKDIR, \"action\": \"SCMP_ACT_TRACE\"}]}"
	run_sh_status 'mkdir /tmp/x; echo rc=$?'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "rc=1"
	assert_contains "$stderr" "Function not implemented"
}

@test "seccomp: SCMP_ACT_LOG allows, as a rule and as the default" {
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
	  \"syscalls\": [{\"names\": $MKDIR, \"action\": \"SCMP_ACT_LOG\"}]}"
	run_sh_status 'mkdir /tmp/x && echo made'
	[ "$status" -eq 0 ]
	[ "$stdout" = made ]
	[ -d "$BUNDLE/rootfs/tmp/x" ]
	# everything logged and allowed but mkdir
	seccomp "{\"defaultAction\": \"SCMP_ACT_LOG\",
	  \"syscalls\": [{\"names\": $MKDIR, \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 18}]}"
	run_sh_status 'mkdir /tmp/y; echo rc=$?'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "rc=1"
	assert_contains "$stderr" "Invalid cross-device link"
}

@test "seccomp: SCMP_ACT_ERRNO default with defaultErrnoRet and an allow list" {
	# what busybox mkdir needs to start, report and exit, but mkdir(2) itself
	local allow='"execve", "arch_prctl", "brk", "exit_group", "getrandom", "getuid", "mprotect",
	  "prctl", "prlimit64", "readlink", "rseq", "set_robust_list", "set_tid_address", "write",
	  "newfstatat", "fstat"'
	seccomp "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 18, \"syscalls\": [
	  {\"names\": [$allow], \"action\": \"SCMP_ACT_ALLOW\"}]}"
	set_args mkdir /tmp/x
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "can't create directory '/tmp/x': Invalid cross-device link"
	[ ! -d "$BUNDLE/rootfs/tmp/x" ]
	# with mkdir on the list it works: the failure above was the default action
	seccomp "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 18, \"syscalls\": [
	  {\"names\": [$allow, \"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ALLOW\"}]}"
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ -d "$BUNDLE/rootfs/tmp/x" ]
}

@test "seccomp: a rule that repeats the default action is skipped" {
	# libseccomp refuses such a rule; the config must still run, with its other rules
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [
	  {\"names\": [\"getpid\", \"getppid\"], \"action\": \"SCMP_ACT_ALLOW\"},
	  {\"names\": $MKDIR, \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13}]}"
	run_sh_status 'mkdir /tmp/x; echo rc=$?'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "rc=1"
	assert_contains "$stderr" "Permission denied"
}

# ---------------------------------------------------------------------------
# args

@test "seccomp: SCMP_CMP_EQ on an argument blocks only the matching call" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
	   "args": [{"index": 1, "value": 511, "op": "SCMP_CMP_EQ"}]},
	  {"names": ["fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
	   "args": [{"index": 2, "value": 511, "op": "SCMP_CMP_EQ"}]}]}'
	run_sh_status 'touch /tmp/f; chmod 777 /tmp/f; echo a=$?; chmod 755 /tmp/f; echo b=$?; stat -c %a /tmp/f'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "a=1"
	assert_contains "$stdout" "b=0"
	assert_contains "$stdout" "755"
}

@test "seccomp: SCMP_CMP_MASKED_EQ compares (arg & value) with valueTwo" {
	# world-writable but not group-writable: (mode & 0022) == 0002
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
	   "args": [{"index": 1, "value": 18, "valueTwo": 2, "op": "SCMP_CMP_MASKED_EQ"}]},
	  {"names": ["fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
	   "args": [{"index": 2, "value": 18, "valueTwo": 2, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
	run_sh_status 'touch /tmp/f; for m in 757 775 777 606; do chmod $m /tmp/f; echo $m=$?; done'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "757=1"
	assert_contains "$stdout" "775=0"
	assert_contains "$stdout" "777=0"
	assert_contains "$stdout" "606=1"
}

@test "seccomp: SCMP_CMP_NE, LT, GT on the personality argument" {
	# PER_LINUX32 is 8, PER_LINUX 0: linux32 fails under GT 0 and NE 0, linux64 under LT 8
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
	   "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_GT"}]}]}'
	run_sh_status 'linux32 true; echo a=$?; linux64 true; echo b=$?'
	assert_contains "$stdout" "a=1"
	assert_contains "$stdout" "b=0"
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
	   "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_LT"}]}]}'
	run_sh_status 'linux32 true; echo a=$?; linux64 true; echo b=$?'
	assert_contains "$stdout" "a=0"
	assert_contains "$stdout" "b=1"
}

@test "seccomp: SCMP_CMP_EQ on personality blocks linux32 only" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
	   "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]}'
	run_sh_status 'linux32 true; echo a=$?; linux64 true; echo b=$?'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "a=1"
	assert_contains "$stdout" "b=0"
}

@test "seccomp: args on different indices are ANDed" {
	# the path pointer (index 0) is never 0: with AND the rule never matches
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
	   "args": [{"index": 1, "value": 511, "op": "SCMP_CMP_EQ"},
	            {"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]}]}'
	run_sh_status 'touch /tmp/f; chmod 777 /tmp/f; echo a=$?'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "a=0"
}

@test "seccomp: args repeating an index become one rule each (ORed, as runc)" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
	   "args": [{"index": 1, "value": 511, "op": "SCMP_CMP_EQ"},
	            {"index": 1, "value": 448, "op": "SCMP_CMP_EQ"}]}]}'
	run_sh_status 'touch /tmp/f; chmod 777 /tmp/f; echo a=$?; chmod 700 /tmp/f; echo b=$?; chmod 755 /tmp/f; echo c=$?'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "a=1"
	assert_contains "$stdout" "b=1"
	assert_contains "$stdout" "c=0"
}

# ---------------------------------------------------------------------------
# names, architectures, flags

@test "seccomp: unknown syscall names are skipped, the rest of the rule applies" {
	deny '["veil_no_such_syscall", "mkdir", "mkdirat", "another_future_syscall"]' 13
	run_sh_status 'mkdir /tmp/x; echo rc=$?'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "rc=1"
	assert_contains "$stderr" "Permission denied"
}

@test "seccomp: architectures SCMP_ARCH_X86 and SCMP_ARCH_X32 are accepted" {
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
	  \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],
	  \"syscalls\": [{\"names\": $MKDIR, \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13}]}"
	run_sh_status 'mkdir /tmp/x; echo rc=$?'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "rc=1"
	assert_contains "$stderr" "Permission denied"
}

# allow_list ARCHS-JSON: default SCMP_ACT_ERRNO (EPERM) and an allow list of what a static
# vtool needs; the highest syscall it names is rseq (334), getpid (39) is not in it.
allow_list() {
	seccomp "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": $1,
	  \"syscalls\": [{\"names\": [\"execve\", \"brk\", \"arch_prctl\", \"set_tid_address\",
	    \"set_robust_list\", \"rseq\", \"prlimit64\", \"mprotect\", \"readlink\",
	    \"readlinkat\", \"getrandom\", \"newfstatat\", \"fstat\", \"write\", \"exit_group\",
	    \"close\", \"getppid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}"
}

need_x86_64() {
	[ "$(uname -m)" = x86_64 ] || skip "the syscall numbers probed are x86_64's ($(uname -m) here)"
}

@test "seccomp: a syscall above the profile's highest gets ENOSYS, not the default errno" {
	need_tools
	need_x86_64
	# runc's -ENOSYS stub, per listed architecture: glibc falls back from clone3 (435) only on
	# ENOSYS; 1000 is no syscall at all; getpid (39) is below the highest named: EPERM (1).
	# The x32 half: its getpid (0x40000027) is known, 0x40000800 is above its highest.
	allow_list '["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]'
	set_args vtool syscall 39 435 1000 0x40000027 0x40000800
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = "$(printf '39=1\n435=38\n1000=38\n1073741863=1\n1073743872=38')" ]
}

@test "seccomp: the ENOSYS stub covers only the listed architectures (as runc 1.1.5)" {
	need_tools
	need_x86_64
	# no architectures: nothing to compare with, the default action answers everything
	allow_list '[]'
	set_args vtool syscall 39 435 1000
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = "$(printf '39=1\n435=1\n1000=1')" ]
}

@test "seccomp: no ENOSYS stub when the default action lets unknown syscalls through" {
	need_tools
	need_x86_64
	# default SCMP_ACT_ALLOW: io_uring_setup (425) is above the highest named (getpid) but the
	# kernel runs it (EFAULT for the NULL params), not a stub
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
	  "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args vtool syscall 39 425 1000
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = "$(printf '39=1\n425=14\n1000=38')" ]
}

@test "seccomp: flags TSYNC, LOG and SPEC_ALLOW are accepted" {
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
	  \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_LOG\",
	              \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],
	  \"syscalls\": [{\"names\": $MKDIR, \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13}]}"
	run_sh_status 'mkdir /tmp/x; echo rc=$?'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "rc=1"
	assert_contains "$stderr" "Permission denied"
}

@test "seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV without a listener is accepted" {
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
	  \"flags\": [\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],
	  \"syscalls\": [{\"names\": $MKDIR, \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13}]}"
	run_sh_status 'mkdir /tmp/x; echo rc=$?'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "rc=1"
}

@test "seccomp: without noNewPrivileges a non-root process still gets the filter" {
	# process_set_identity drops CAP_SYS_ADMIN: the filter must go on before it
	cfg '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}'
	cfg '.process.capabilities = {bounding: [], effective: [], permitted: []}'
	deny '["chmod", "fchmodat"]' 18
	run_sh_status 'grep "^Seccomp:" /proc/self/status; grep NoNewPrivs /proc/self/status; chmod 600 /proc/self/cwd 2>&1; echo rc=$?'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "$(printf 'Seccomp:\t2')"
	assert_contains "$stdout" "$(printf 'NoNewPrivs:\t0')"
	assert_contains "$stdout" "Invalid cross-device link"
}

@test "seccomp: with noNewPrivileges the filter is loaded at start, not at create" {
	deny "$MKDIR" 13
	create_container
	local pid
	pid=$(ctr_pid)
	grep -q "^Seccomp:[[:space:]]*0" "/proc/$pid/status"
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_status "$ID" running
	grep -q "^Seccomp:[[:space:]]*2" "/proc/$pid/status"
}

# ---------------------------------------------------------------------------
# startContainer hooks and the filter

# The lines of /proc/self/status that the identity, capabilities, no_new_privs and seccomp set.
ID_LINES='^(Uid|Gid|Groups|NoNewPrivs|Seccomp|Seccomp_filters|Cap(Inh|Prm|Eff|Bnd|Amb)):'

# hook_before_filter NNP UID: with mkdir denied, a startContainer hook's mkdir works and it sees
# no filter, while the container process's mkdir fails; the process's identity, capabilities,
# no_new_privs and seccomp mode are the same as without the hook.
hook_before_filter() {
	cfg '.process.noNewPrivileges = $n | .process.user = {uid: $u, gid: $u}' \
		--argjson n "$1" --argjson u "$2"
	deny "$MKDIR"
	local script="grep -E '$ID_LINES' /proc/self/status; mkdir /tmp/ctr-$MARK; echo ctr-mkdir-rc=\$?"
	run_sh "$script"
	local without_hook=$stdout
	cfg '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c",
	  "mkdir /tmp/hook-" + $m + "; echo hook-mkdir-rc=$? >/tmp/hook-" + $m + ".out; grep ^Seccomp: /proc/self/status >>/tmp/hook-" + $m + ".out"]}]' \
		--arg m "$MARK"
	run_sh "$script"
	cat "$BUNDLE/rootfs/tmp/hook-$MARK.out"
	grep -qx 'hook-mkdir-rc=0' "$BUNDLE/rootfs/tmp/hook-$MARK.out"
	grep -qx "$(printf 'Seccomp:\t0')" "$BUNDLE/rootfs/tmp/hook-$MARK.out"
	[ -d "$BUNDLE/rootfs/tmp/hook-$MARK" ]
	# the container process is under the filter, exactly as without the hook
	assert_contains "$stdout" "ctr-mkdir-rc=1"
	assert_contains "$stdout" "$(printf 'Seccomp:\t2')"
	[ ! -e "$BUNDLE/rootfs/tmp/ctr-$MARK" ]
	[ "$stdout" = "$without_hook" ]
}

@test "seccomp: startContainer hooks run before the filter, with noNewPrivileges" {
	hook_before_filter true 0
}

@test "seccomp: startContainer hooks run before the filter, without noNewPrivileges" {
	hook_before_filter false 0
}

@test "seccomp: startContainer hooks run before the filter, without noNewPrivileges, as uid 1000" {
	# the user switch drops CAP_SYS_ADMIN: the filter still goes on before it, the hook still
	# runs without it, as the process's user
	cfg '.process.capabilities = {bounding: ["CAP_CHOWN"], effective: ["CAP_CHOWN"], permitted: ["CAP_CHOWN"]}'
	hook_before_filter false 1000
	grep -q "^Uid:[[:space:]]*1000" <<<"$stdout"
	[ "$(stat -c %u "$BUNDLE/rootfs/tmp/hook-$MARK")" = 1000 ]
}

@test "seccomp: a failing startContainer hook without noNewPrivileges fails start, nothing left" {
	cfg '.process.noNewPrivileges = false'
	deny "$MKDIR"
	cfg '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "exit 7"]}]'
	set_args sh -c "touch /tmp/ran-$MARK; sleep 1000; : $MARK"
	create_container
	vrun start "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "hooks.startContainer[0]: /bin/sh exited with status 7"
	wait_for_status "$ID" stopped
	[ ! -e "$BUNDLE/rootfs/tmp/ran-$MARK" ]
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "seccomp: the startContainer hook runner dies with a created container that is killed" {
	cfg '.process.noNewPrivileges = false'
	deny "$MKDIR"
	cfg '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "true"]}]'
	del_ns pid
	create_container
	local pid runner
	pid=$(ctr_pid)
	runner=$(tr -d " " <"/proc/$pid/task/$pid/children") # one child: the runner
	[ -n "$runner" ]
	grep -q "^Seccomp:[[:space:]]*0" "/proc/$runner/status"
	grep -q "^Seccomp:[[:space:]]*2" "/proc/$pid/status"
	vrun kill "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	local i
	for ((i = 0; i < 100; i++)); do
		process_running "$runner" || break
		sleep 0.05
	done
	if process_running "$runner"; then
		echo "the hook runner $runner outlived its init" >&2
		return 1
	fi
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}
# ---------------------------------------------------------------------------
# errors: create fails, naming the field

@test "seccomp: an unknown action fails create naming the field" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
	  "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOPE"}]}'
	expect_create_error "linux.seccomp.syscalls[0].action" "SCMP_ACT_NOPE"
}

@test "seccomp: errnoRet on an action without an errno fails create" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
	  "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"},
	               {"names": ["rmdir"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}'
	expect_create_error "linux.seccomp.syscalls[1].errnoRet" "SCMP_ACT_KILL takes no errno"
}

@test "seccomp: defaultErrnoRet with a default action without an errno fails create" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1}'
	expect_create_error "linux.seccomp.defaultErrnoRet"
}

@test "seccomp: an errnoRet beyond 16 bits fails create" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
	  "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 70000}]}'
	expect_create_error "linux.seccomp.syscalls[0].errnoRet" "70000"
}

@test "seccomp: an unknown architecture fails create naming the entry" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
	  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_VAX"]}'
	expect_create_error 'linux.seccomp.architectures[1]: unknown architecture "SCMP_ARCH_VAX"'
}

@test "seccomp: an unknown flag fails create naming the entry" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_NOPE"]}'
	expect_create_error 'linux.seccomp.flags[0]: unknown flag "SECCOMP_FILTER_FLAG_NOPE"'
}

@test "seccomp: an argument index beyond 5 fails create" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	  {"names": ["chmod"], "action": "SCMP_ACT_ERRNO",
	   "args": [{"index": 6, "value": 0, "op": "SCMP_CMP_EQ"}]}]}'
	expect_create_error "linux.seccomp.syscalls[0].args[0].index"
}

@test "seccomp: SCMP_ACT_NOTIFY without listenerPath fails create" {
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
	  \"syscalls\": [{\"names\": $MKDIR, \"action\": \"SCMP_ACT_NOTIFY\"}]}"
	expect_create_error "linux.seccomp.listenerPath"
}

@test "seccomp: SCMP_ACT_NOTIFY as the default action fails create" {
	seccomp '{"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/nonexistent.sock"}'
	expect_create_error "linux.seccomp.defaultAction"
}

# config-linux.md uses listenerMetadata only with a listener; runc runs such a config
@test "seccomp: listenerMetadata without listenerPath is ignored, as runc" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "listenerMetadata": "x"}'
	set_args true
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
}

@test "seccomp: a listenerPath nobody listens on fails create" {
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
	  \"listenerPath\": \"$BATS_TEST_TMPDIR/nobody.sock\",
	  \"syscalls\": [{\"names\": $MKDIR, \"action\": \"SCMP_ACT_NOTIFY\"}]}"
	expect_create_error "linux.seccomp.listenerPath" "nobody.sock"
}

# ---------------------------------------------------------------------------
# SCMP_ACT_NOTIFY

@test "seccomp: SCMP_ACT_NOTIFY: the listener's errno is what the syscall returns" {
	start_listener errno:18
	notify_mkdir
	run_sh_status 'mkdir /tmp/x; echo rc=$?'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "rc=1"
	assert_contains "$stderr" "Invalid cross-device link"
	[ -s "$LSTATE.calls" ]
}

@test "seccomp: SCMP_ACT_NOTIFY: the listener can make a syscall succeed without running it" {
	start_listener fake
	notify_mkdir
	run_sh_status 'mkdir /tmp/x && echo made; test -d /tmp/x || echo absent'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "made"
	assert_contains "$stdout" "absent"
}

@test "seccomp: SCMP_ACT_NOTIFY: the listener gets the container process state at start" {
	start_listener continue
	notify_mkdir
	cfg '.annotations = {"org.veil.test": $m}' --arg m "$MARK"
	set_args sh -c "mkdir /tmp/x && echo made > /tmp/done; sleep 1000; : $MARK"
	create_container
	local pid
	pid=$(ctr_pid)
	# noNewPrivileges (the default): the filter and its fd come with start
	sleep 0.3
	[ ! -e "$LSTATE" ]
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_file "$LSTATE"
	cat "$LSTATE" >&2
	jq -e --argjson pid "$pid" --arg id "$ID" --arg b "$BUNDLE" --arg m "$MARK" '
		.fds == ["seccompFd"] and .pid == $pid and .metadata == "meta-" + $m
		and (.ociVersion | test("^1\\.")) and .state.id == $id and .state.pid == $pid
		and .state.bundle == $b and .state.status == "created"
		and .state.annotations["org.veil.test"] == $m' "$LSTATE"
	# continue: the kernel made the directory
	wait_for_file "$BUNDLE/rootfs/tmp/done"
	[ -d "$BUNDLE/rootfs/tmp/x" ]
	# the container did not keep a listener fd of its own
	run ls -l "/proc/$pid/fd"
	[[ $output != *"seccomp notify"* ]]
}

@test "seccomp: SCMP_ACT_NOTIFY: exec hands its own fd over, with the container's state" {
	# As runc: the top-level pid is the process that got the filter (the exec'd one), the
	# state is the container's, pid the init's.  The listener really receives and answers
	# notifications on each fd (SECCOMP_IOCTL_NOTIF_RECV / SEND).
	start_listener errno:18
	notify_mkdir
	start_container
	local pid
	pid=$(ctr_pid)
	wait_for_file "$LSTATE"
	vrun exec "$ID" sh -c 'mkdir /tmp/y; echo rc=$?; echo pid=$$'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "rc=1"
	assert_contains "$stderr" "Invalid cross-device link"
	wait_for_file "$LSTATE.2"
	cat "$LSTATE.2" >&2
	jq -e --argjson pid "$pid" --arg id "$ID" '
		.fds == ["seccompFd"] and .pid != $pid and .pid > 0
		and .state.pid == $pid and .state.id == $id and .state.status == "running"' "$LSTATE.2"
	# mkdir's number, from the exec'd process's own filter
	[ -s "$LSTATE.2.calls" ]
	[ ! -s "$LSTATE.calls" ]
}

@test "seccomp: SCMP_ACT_NOTIFY without noNewPrivileges: the listener gets the fd at create" {
	start_listener errno:18
	notify_mkdir
	cfg '.process.noNewPrivileges = false'
	set_args sh -c "mkdir /tmp/x 2> /tmp/err; echo \$? > /tmp/done; sleep 1000; : $MARK"
	create_container
	local pid
	pid=$(ctr_pid)
	wait_for_file "$LSTATE"
	jq -e --argjson pid "$pid" '.pid == $pid and .state.status == "creating"' "$LSTATE"
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_file "$BUNDLE/rootfs/tmp/done"
	[ "$(cat "$BUNDLE/rootfs/tmp/done")" = 1 ]
	grep -q "Invalid cross-device link" "$BUNDLE/rootfs/tmp/err"
}

@test "seccomp: SCMP_ACT_NOTIFY with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" {
	start_listener errno:18
	notify_mkdir
	cfg '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_LOG"]'
	run_sh_status 'mkdir /tmp/x; echo rc=$?; grep "^Seccomp_filters" /proc/self/status'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "rc=1"
	assert_contains "$stdout" "$(printf 'Seccomp_filters:\t1')"
	assert_contains "$stderr" "Invalid cross-device link"
}

@test "seccomp: SCMP_ACT_NOTIFY on sendmsg is refused (the fd goes over it)" {
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/x.sock\",
	  \"syscalls\": [{\"names\": [\"sendmsg\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
	expect_create_error "linux.seccomp.syscalls[0]" "sendmsg"
}

@test "seccomp: SCMP_ACT_NOTIFY on write is refused (the runtime writes after the filter is on)" {
	# a listener that answers, so that nothing but the write rule can make create fail
	start_listener continue
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$LSOCK\",
	  \"syscalls\": [{\"names\": $MKDIR, \"action\": \"SCMP_ACT_NOTIFY\"},
	                {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
	expect_create_error 'linux.seccomp.syscalls[1]: SCMP_ACT_NOTIFY cannot be used for write'
	# as runc 1.1.5, which says "SCMP_ACT_NOTIFY cannot be used for the write syscall"
	[ ! -s "$LSTATE.calls" ]
}

# stop_while_notified: start the container (mkdir /tmp/x as its process) and stop and continue
# it while the listener (with a delay) holds its notification; $NCALLS: the notifications the
# listener got in all.
stop_while_notified() {
	local pid i
	set_args mkdir /tmp/x
	create_container
	pid=$(ctr_pid)
	vrun start "$ID"
	[ "$status" -eq 0 ]
	for ((i = 0; i < 200; i++)); do
		[ -s "$LSTATE.calls" ] && break
		sleep 0.05
	done
	[ -s "$LSTATE.calls" ]
	kill -STOP "$pid"
	sleep 0.2
	kill -CONT "$pid"
	wait_for_exit "$pid" 20
	NCALLS=$(grep -c '' "$LSTATE.calls")
}

@test "seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: only a fatal signal ends the wait" {
	# Without the flag SIGSTOP interrupts the wait for the listener's answer and the syscall
	# restarts after SIGCONT: the listener sees it twice.  With it, once the listener has the
	# notification the wait is killable only: one notification.
	LNAME=plain start_listener errno:18 1500
	notify_mkdir
	stop_while_notified
	[ "$NCALLS" -eq 2 ]
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	LNAME=killable start_listener errno:18 1500
	notify_mkdir
	cfg '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]'
	stop_while_notified
	[ "$NCALLS" -eq 1 ]
}

#!/usr/bin/env bats
# config.process: identity, capabilities, limits, scheduling, cwd, env, args, exec errors.
# Each field is checked from inside the container (and from the host where it matters); the
# values the kernel shows are compared with what the config asked for.

load helpers
load helpers/tools

setup_file() {
	common_setup_file
	vtool_in_template
}

# run_ctr: "veil run" of the bundle in the foreground; must exit 0.
run_ctr() {
	vrun run --bundle "$BUNDLE" "$@" "$ID"
	[ "$status" -eq 0 ]
}

# status_field NAME: the value of NAME: in the container's /proc/self/status, from $stdout.
status_field() {
	awk -F'\t' -v k="$1:" '$1 == k { sub(/^[^\t]*\t/, ""); print }' <<<"$stdout"
}

# expect_fail CMD NEEDLE...: veil CMD fails with one error line holding every NEEDLE and
# leaves nothing behind.
expect_fail() {
	local cmd=$1 n
	shift
	vrun "$cmd" --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	for n in "$@"; do
		assert_contains "$stderr" "$n"
	done
	assert_no_leftovers
}

# have_cap N: does this shell (and so veil) hold capability number N?
have_cap() {
	local eff
	eff=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
	(((0x$eff >> $1) & 1))
}

# ---------------------------------------------------------------------------
# process.user

@test "user: uid, gid and additionalGids are what id and /proc/self/status show" {
	cfg '.process.user = {uid: 1000, gid: 1001, additionalGids: [10, 20, 30]}'
	set_args sh -c 'id -u; id -g; grep -E "^(Uid|Gid|Groups):" /proc/self/status'
	run_ctr
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1001 ]
	[ "$(status_field Uid)" = $'1000\t1000\t1000\t1000' ]
	[ "$(status_field Gid)" = $'1001\t1001\t1001\t1001' ]
	[ "$(status_field Groups | xargs)" = "10 20 30" ]
}

@test "user: no additionalGids leaves no supplementary groups (the host's are dropped)" {
	cfg '.process.user = {uid: 0, gid: 0}'
	set_args grep '^Groups:' /proc/self/status
	# veil itself runs with a supplementary group the container must not inherit
	setpriv --groups 4242 -- "$VEIL" --root "$ROOT" run --bundle "$BUNDLE" "$ID" \
		</dev/null >"$BATS_TEST_TMPDIR/out"
	stdout=$(cat "$BATS_TEST_TMPDIR/out")
	echo "$stdout"
	[ "$(status_field Groups | xargs)" = "" ]
}

@test "user: umask defaults to 0022 and follows process.user.umask" {
	set_args sh -c 'umask; grep ^Umask: /proc/self/status'
	run_ctr
	[ "${lines[0]}" = 0022 ]
	[ "$(status_field Umask)" = 0022 ]

	cfg '.process.user.umask = 63' # 0077
	ID=${ID}b run_ctr
	[ "${lines[0]}" = 0077 ]
}

@test "user: username is accepted and changes nothing (informational)" {
	cfg '.process.user = {uid: 1000, gid: 1000, username: "nosuchuser"}'
	set_args id -u
	run_ctr
	[ "$stdout" = 1000 ]
}

@test "user: another user reopens its stdio pipes (/dev/stdout); files are not chowned" {
	cfg '.process.user = {uid: 1000, gid: 1000}'
	# shellcheck disable=SC2016 # for the container's sh
	set_args sh -c 'cat /dev/stdin; echo out >/dev/stdout && echo err >/dev/stderr &&
		stat -L -c "%u %g" /proc/self/fd/1'
	# stdin, stdout and stderr are pipes, root's, mode 0600
	run bash -c 'echo in | "$@" 2>&1 | cat' _ "$VEIL" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
	echo "# $status: $output" >&2
	[ "$status" -eq 0 ]
	[ "$output" = $'in\nout\nerr\n1000 0' ]
	# a file for stdout stays as it was (it is the host's)
	echo keep >"$BATS_TEST_TMPDIR/out"
	"$VEIL" --root "$ROOT" run --bundle "$BUNDLE" "${ID}b" </dev/null >>"$BATS_TEST_TMPDIR/out" 2>&1 || true
	[ "$(stat -c %u "$BATS_TEST_TMPDIR/out")" = 0 ]
	grep -q "can't create /dev/stdout" "$BATS_TEST_TMPDIR/out"
	[ "$(stat -c %u /dev/null)" = 0 ]
}

@test "session keyring: a new one by default, the caller's with --no-new-keyring" {
	need_tools
	local host
	host=$("$BATS_FILE_TMPDIR/vtool" keyring)
	set_args vtool keyring
	run_ctr
	[ -n "$stdout" ]
	[ "$stdout" != "$host" ]

	ID=${ID}b run_ctr --no-new-keyring
	[ "$stdout" = "$host" ]
}

# ---------------------------------------------------------------------------
# process.capabilities

caps_set() { # FIELD CAP... -> a jq filter setting .process.capabilities.FIELD
	local f=$1
	shift
	printf '.process.capabilities.%s = $ARGS.positional' "$f"
}

@test "capabilities: root gets exactly the sets with noNewPrivileges, bounding without" {
	# CAP_KILL=5, CAP_NET_BIND_SERVICE=10, CAP_AUDIT_WRITE=29
	cfg '.process.noNewPrivileges = true | .process.capabilities = {
	       bounding: ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"],
	       effective: ["CAP_KILL"], permitted: ["CAP_KILL"],
	       inheritable: ["CAP_NET_BIND_SERVICE"]}'
	set_args grep ^Cap /proc/self/status
	run_ctr
	[ "$(status_field CapBnd)" = 0000000020000420 ]
	[ "$(status_field CapPrm)" = 0000000000000020 ]
	[ "$(status_field CapEff)" = 0000000000000020 ]
	[ "$(status_field CapInh)" = 0000000000000400 ]
	[ "$(status_field CapAmb)" = 0000000000000000 ]

	# without no_new_privs execve treats every file as fully capable for uid 0:
	# permitted = bounding | inheritable (the kernel's rule, runc gets the same)
	cfg '.process.noNewPrivileges = false'
	ID=${ID}b run_ctr
	[ "$(status_field CapBnd)" = 0000000020000420 ]
	[ "$(status_field CapPrm)" = 0000000020000420 ]
	[ "$(status_field CapEff)" = 0000000020000420 ]
	[ "$(status_field CapInh)" = 0000000000000400 ]
}

@test "capabilities: no inheritable capabilities unless the config asks (CVE-2022-29162)" {
	set_args grep ^Cap /proc/self/status
	run_ctr
	[ "$(status_field CapInh)" = 0000000000000000 ]
	[ "$(status_field CapBnd)" = 0000000020000420 ] # the spec's default set
}

@test "capabilities: a non-root user keeps capabilities only through ambient" {
	cfg '.process.user = {uid: 1000, gid: 1000}
	   | .process.capabilities = {
	       bounding: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
	       effective: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
	       permitted: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
	       inheritable: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
	       ambient: ["CAP_NET_BIND_SERVICE"]}'
	set_args grep ^Cap /proc/self/status
	run_ctr
	[ "$(status_field CapBnd)" = 0000000000000420 ]
	[ "$(status_field CapInh)" = 0000000000000420 ]
	[ "$(status_field CapAmb)" = 0000000000000400 ]
	[ "$(status_field CapPrm)" = 0000000000000400 ]
	[ "$(status_field CapEff)" = 0000000000000400 ]

	# without ambient the user's sets are empty after execve
	cfg 'del(.process.capabilities.ambient)'
	ID=${ID}b run_ctr
	[ "$(status_field CapPrm)" = 0000000000000000 ]
	[ "$(status_field CapEff)" = 0000000000000000 ]
	[ "$(status_field CapAmb)" = 0000000000000000 ]
	[ "$(status_field CapBnd)" = 0000000000000420 ]
}

# runc's own `runc spec` lists ambient capabilities that are not inheritable: runc and crun run
# it, without them (the kernel cannot raise them), and say so.
@test "capabilities: ambient without inheritable is a warning, and the container runs without it" {
	cfg '.process.user = {uid: 1000, gid: 1000}
	   | .process.capabilities = {bounding: ["CAP_KILL"], permitted: ["CAP_KILL"],
	                              effective: ["CAP_KILL"], ambient: ["CAP_KILL"]}'
	set_args grep ^Cap /proc/self/status
	run_ctr
	[ "$(status_field CapAmb)" = 0000000000000000 ]
	assert_contains "$stderr" "process.capabilities.ambient: CAP_KILL is not also permitted and inheritable"
}

@test "capabilities: the config runc spec writes runs, its ambient set as runc leaves it" {
	command -v runc >/dev/null || skip "runc is not installed (apt-get install runc)"
	local d=$BATS_TEST_TMPDIR/runcspec
	mkdir -p "$d"
	(cd "$d" && runc spec)
	cfg '.process.capabilities = $c' --argjson c "$(jq .process.capabilities "$d/config.json")"
	set_args grep ^Cap /proc/self/status
	run_ctr
	local ours=$stdout
	mkdir -p "$d/root"
	run runc --root "$d/root" run --bundle "$BUNDLE" "runc-$ID"
	[ "$status" -eq 0 ]
	[ "$ours" = "$output" ]
}

@test "capabilities: an unknown name is a warning naming the set and the name, as runc" {
	cfg '.process.capabilities.effective += ["CAP_FOO"] | .process.capabilities.bounding += ["cap_kill"]'
	set_args true
	run_ctr
	assert_contains "$stderr" 'process.capabilities.effective: unknown capability "CAP_FOO", ignored'
	assert_contains "$stderr" 'process.capabilities.bounding: unknown capability "cap_kill", ignored'
}

@test "process.user without gid runs with gid 0, as runc" {
	cfg '.process.user = {uid: 1000}'
	set_args id
	run_ctr
	assert_contains "$stdout" "uid=1000 gid=0"
}

# The file is there and executable; execve fails on its interpreter: runc's message, which
# Docker and scripts match on.
@test "process: an execve failure reads as runc's (exec /run.sh: no such file or directory)" {
	printf '#!/no/such/shell\necho hi\n' >"$BUNDLE/rootfs/run.sh"
	chmod 755 "$BUNDLE/rootfs/run.sh"
	set_args /run.sh
	expect_fail run "exec /run.sh: no such file or directory"
}

# ---------------------------------------------------------------------------
# process.rlimits

@test "rlimits: the limits are set (ulimit and /proc/self/limits)" {
	cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 1000},
	                         {type: "RLIMIT_CORE", soft: 0, hard: 4096}]'
	set_args sh -c 'ulimit -n; ulimit -Hn; grep -E "^Max (open files|core file size)" /proc/self/limits'
	run_ctr
	[ "${lines[0]}" = 512 ]
	[ "${lines[1]}" = 1000 ]
	[[ "$stdout" =~ "Max open files"\ +512\ +1000\ +files ]]
	[[ "$stdout" =~ "Max core file size"\ +0\ +4096\ +bytes ]]
}

@test "rlimits: an unknown type fails naming it" {
	cfg '.process.rlimits += [{type: "RLIMIT_FOO", soft: 1, hard: 1}]'
	expect_fail create 'process.rlimits[1].type' '"RLIMIT_FOO"'
}

@test "rlimits: raising a hard limit above the caller's says CAP_SYS_RESOURCE is missing" {
	if have_cap 24; then
		skip "this runtime holds CAP_SYS_RESOURCE: raising the hard limit would succeed"
	fi
	local hard
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "the hard RLIMIT_NOFILE is unlimited here"
	cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1024, hard: ($h + 1)}]' \
		--argjson h "$hard"
	expect_fail create "process.rlimits[0]" "RLIMIT_NOFILE" "CAP_SYS_RESOURCE"
}

# ---------------------------------------------------------------------------
# noNewPrivileges, oomScoreAdj

@test "noNewPrivileges: NoNewPrivs is 1 when true, 0 when false" {
	set_args grep ^NoNewPrivs: /proc/self/status
	cfg '.process.noNewPrivileges = true'
	run_ctr
	[ "$(status_field NoNewPrivs)" = 1 ]
	cfg '.process.noNewPrivileges = false'
	ID=${ID}b run_ctr
	[ "$(status_field NoNewPrivs)" = 0 ]
}

@test "oomScoreAdj: raising it shows in /proc/self/oom_score_adj" {
	set_args cat /proc/self/oom_score_adj
	cfg '.process.oomScoreAdj = 500'
	run_ctr
	[ "$stdout" = 500 ]
}

# dockerd --userns-remap sets oomScoreAdj with a user namespace: once the init is root in it,
# its own /proc/self/oom_score_adj belongs to the host's root, so the runtime writes it first.
@test "oomScoreAdj: set inside a new user namespace, as docker --userns-remap asks" {
	set_args cat /proc/self/oom_score_adj
	userns_config
	cfg '.process.oomScoreAdj = 300'
	run_ctr
	[ "$stdout" = 300 ]
	cfg '.process.oomScoreAdj = 0 | .process.user = {uid: 1000, gid: 1000}'
	ID=${ID}b run_ctr
	[ "$stdout" = 0 ]
}

@test "oomScoreAdj: lowering it says CAP_SYS_RESOURCE is missing" {
	if have_cap 24; then
		skip "this runtime holds CAP_SYS_RESOURCE: lowering would succeed"
	fi
	local cur
	cur=$(cat /proc/self/oom_score_adj)
	cfg '.process.oomScoreAdj = ($c - 100)' --argjson c "$cur"
	expect_fail create "process.oomScoreAdj" "CAP_SYS_RESOURCE"
}

# ---------------------------------------------------------------------------
# scheduler, ioPriority, execCPUAffinity

# sched_of: the container's scheduling attributes from vtool sched, one per line.
sched_field() {
	tr ' ' '\n' <<<"$stdout" | awk -F= -v k="$1" '$1 == k { print $2 }'
}

@test "scheduler: SCHED_OTHER with nice, SCHED_BATCH, SCHED_IDLE" {
	need_tools
	set_args sh -c 'vtool sched; cut -d" " -f19,41 /proc/self/stat'
	cfg '.process.scheduler = {policy: "SCHED_OTHER", nice: -5}'
	run_ctr
	[ "$(sched_field policy)" = 0 ]
	[ "$(sched_field nice)" = -5 ]
	[ "${lines[1]}" = "-5 0" ] # /proc/self/stat: nice, policy

	cfg '.process.scheduler = {policy: "SCHED_BATCH", nice: 7}'
	ID=${ID}b run_ctr
	[ "$(sched_field policy)" = 3 ]
	[ "${lines[1]}" = "7 3" ]

	cfg '.process.scheduler = {policy: "SCHED_IDLE"}'
	ID=${ID}c run_ctr
	[ "$(sched_field policy)" = 5 ]
}

@test "scheduler: SCHED_FIFO and SCHED_RR with a priority, flags" {
	need_tools
	chrt -f 10 true 2>/dev/null || skip "this host refuses SCHED_FIFO (chrt -f 10 failed)"
	set_args vtool sched
	# v1 cpu with RT group scheduling: a new cgroup has no realtime runtime, so the container
	# gets some from a parent that has it (what runc needs too)
	local rtp=/sys/fs/cgroup/cpu/veiltest-$MARK
	if [ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]; then
		mkdir "$rtp"
		echo 20000 >"$rtp/cpu.rt_runtime_us"
		cfg '.linux.cgroupsPath = $p | .linux.resources.cpu.realtimeRuntime = 10000' \
			--arg p "/veiltest-$MARK/rt"
	fi
	cfg '.process.scheduler = {policy: "SCHED_FIFO", priority: 10,
	                           flags: ["SCHED_FLAG_RESET_ON_FORK"]}'
	run_ctr
	[ "$(sched_field policy)" = 1 ]
	[ "$(sched_field priority)" = 10 ]
	[ "$(sched_field flags)" = 1 ]

	cfg '.process.scheduler = {policy: "SCHED_RR", priority: 20}'
	ID=${ID}b run_ctr
	[ "$(sched_field policy)" = 2 ]
	[ "$(sched_field priority)" = 20 ]
	[ ! -d "$rtp" ] || rmdir "$rtp"
	[ "$(sched_field flags)" = 0 ]
}

@test "scheduler: SCHED_DEADLINE with runtime, deadline and period" {
	need_tools
	chrt -d -T 10000000 -D 30000000 -P 30000000 0 true 2>/dev/null ||
		skip "this host refuses SCHED_DEADLINE (chrt -d failed)"
	# a deadline task cannot fork: the container's program is vtool itself
	set_args vtool sched
	cfg '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 10000000,
	                           deadline: 30000000, period: 40000000}'
	run_ctr
	[ "$(sched_field policy)" = 6 ]
	[ "$(sched_field runtime)" = 10000000 ]
	[ "$(sched_field deadline)" = 30000000 ]
	[ "$(sched_field period)" = 40000000 ]
}

@test "scheduler: bad values fail create naming the field" {
	cfg '.process.scheduler = {policy: "SCHED_OTHER", flags: ["SCHED_FLAG_FOO"]}'
	expect_fail create "process.scheduler.flags[0]" '"SCHED_FLAG_FOO"'
	cfg '.process.scheduler = {policy: "SCHED_OTHER", nice: 20}'
	expect_fail create "process.scheduler.nice"
	cfg '.process.scheduler = {policy: "SCHED_OTHER", priority: 5}'
	expect_fail create "process.scheduler.priority"
	cfg '.process.scheduler = {policy: "SCHED_FIFO"}'
	expect_fail create "process.scheduler.priority" "1..99"
	cfg '.process.scheduler = {policy: "SCHED_ISO"}'
	expect_fail create "process.scheduler.policy" "SCHED_ISO"
	cfg '.process.scheduler = {policy: "SCHED_BATCH", runtime: 1000}'
	expect_fail create "process.scheduler" "SCHED_DEADLINE"
}

@test "ioPriority: class and priority as ioprio_get reads them" {
	need_tools
	set_args vtool ioprio
	cfg '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 3}'
	run_ctr
	[ "$stdout" = "class=2 prio=3" ]
	cfg '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE", priority: 0}'
	ID=${ID}b run_ctr
	[ "$stdout" = "class=3 prio=0" ]
	cfg '.process.ioPriority = {class: "IOPRIO_CLASS_RT", priority: 7}'
	ID=${ID}c run_ctr
	[ "$stdout" = "class=1 prio=7" ]
	# and busybox's ionice agrees
	set_args ionice
	ID=${ID}d run_ctr
	assert_contains "$stdout" "prio 7"
}

@test "ioPriority: a priority outside 0..7 fails naming the field" {
	cfg '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 8}'
	expect_fail create "process.ioPriority.priority"
}

@test "execCPUAffinity: initial while the container is set up, final for the process" {
	[ "$(nproc --all)" -ge 2 ] || skip "needs two cpus"
	taskset -c 0-1 true 2>/dev/null || skip "cpus 0 and 1 are not both usable here"
	cfg '.process.execCPUAffinity = {initial: "0", final: "1"}'
	set_args sh -c 'grep ^Cpus_allowed_list: /proc/self/status; sleep 1000'
	create_container
	local pid
	pid=$(ctr_pid)
	# the init waits for start: it still runs where "initial" put it
	[ "$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/$pid/status")" = 0 ]
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_status "$ID" running
	# after execve the program runs on "final"
	[ "$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/$pid/status")" = 1 ]
}

@test "execCPUAffinity: final as a range; a bad cpu list fails naming the field" {
	[ "$(nproc --all)" -ge 2 ] || skip "needs two cpus"
	cfg '.process.execCPUAffinity = {final: "0-1"}'
	set_args grep ^Cpus_allowed_list: /proc/self/status
	taskset -c 0 "$VEIL" --root "$ROOT" run --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/out"
	grep -q $'Cpus_allowed_list:\t0-1' "$BATS_TEST_TMPDIR/out"

	cfg '.process.execCPUAffinity = {initial: "0-x"}'
	expect_fail create "process.execCPUAffinity.initial" '"0-x"'
	cfg '.process.execCPUAffinity = {final: "1-0"}'
	expect_fail create "process.execCPUAffinity.final"
}

# ---------------------------------------------------------------------------
# apparmorProfile, selinuxLabel (this host has neither LSM)

@test "apparmorProfile: refused with a clear error when AppArmor is off" {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] ||
		skip "AppArmor is enabled on this host"
	cfg '.process.apparmorProfile = "veil-test"'
	expect_fail create "process.apparmorProfile: AppArmor is not enabled on this host"
}

@test "selinuxLabel: refused with a clear error when SELinux is off" {
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled on this host"
	cfg '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
	expect_fail create "process.selinuxLabel: SELinux is not enabled on this host"
}

# ---------------------------------------------------------------------------
# cwd, env, args

@test "cwd: a missing directory is created, and the process starts in it" {
	cfg '.process.cwd = "/does/not/exist"'
	set_args pwd
	run_ctr
	[ "$stdout" = /does/not/exist ]
	[ -d "$BUNDLE/rootfs/does/not/exist" ]
}

@test "env: the process gets exactly process.env" {
	cfg '.process.env = ["PATH=/bin", "A=1", "B=two words", "EMPTY=", "HOME=/h"]'
	set_args env
	export VEIL_LEAK_CHECK=host-value
	run_ctr
	[ "$stdout" = $'PATH=/bin\nA=1\nB=two words\nEMPTY=\nHOME=/h' ]
}

# runc's rule, which Docker and Podman rely on: their configs carry no HOME.
@test "env: without HOME in process.env, HOME is the user's home in the container's /etc/passwd" {
	printf 'root:x:0:0:root:/root:/bin/sh\nu:x:1234:1234::/home/u:/bin/sh\nbad:x:12x:0::/nope:/bin/sh\n' \
		>"$BUNDLE/rootfs/etc/passwd"
	cfg '.process.env = ["PATH=/bin", "A=1"]'
	set_args env
	run_ctr
	[ "$stdout" = $'PATH=/bin\nA=1\nHOME=/root' ]
	cfg '.process.user = {uid: 1234, gid: 1234}'
	run_ctr
	[ "$stdout" = $'PATH=/bin\nA=1\nHOME=/home/u' ]
	# no entry (and "12x" is not uid 12): "/"
	cfg '.process.user = {uid: 12, gid: 12}'
	run_ctr
	[ "$stdout" = $'PATH=/bin\nA=1\nHOME=/' ]
	rm "$BUNDLE/rootfs/etc/passwd"
	cfg '.process.user = {uid: 0, gid: 0}'
	run_ctr
	[ "$stdout" = $'PATH=/bin\nA=1\nHOME=/' ]
}

@test "args: a bare name is looked up in process.env's PATH inside the container" {
	mkdir -p "$BUNDLE/rootfs/opt/tools"
	printf '#!/bin/sh\necho found-in-opt\n' >"$BUNDLE/rootfs/opt/tools/mytool"
	chmod 755 "$BUNDLE/rootfs/opt/tools/mytool"
	cfg '.process.env = ["PATH=/nowhere:/opt/tools:/bin"]'
	set_args mytool
	run_ctr
	[ "$stdout" = found-in-opt ]

	cfg '.process.env = ["PATH=/bin"]'
	expect_fail run 'exec "mytool": executable file not found in $PATH'
}

@test "exec errors: a missing program is reported as the real cause (text and JSON log)" {
	set_args /nonexistent
	local log=$BATS_TEST_TMPDIR/log.json
	vrun --log "$log" --log-format json run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" 'exec "/nonexistent": no such file or directory'
	grep '"level":"error"' "$log" | tail -n1 | jq -e -r .msg |
		grep -F 'exec "/nonexistent": no such file or directory'
	assert_no_leftovers
}

@test "exec errors: a file without x permission, a directory, and a non-executable format" {
	printf 'hello\n' >"$BUNDLE/rootfs/notexec"
	chmod 644 "$BUNDLE/rootfs/notexec"
	set_args /notexec
	expect_fail run 'exec "/notexec": permission denied'

	set_args /tmp
	expect_fail run 'exec "/tmp": is a directory'

	# passes every check before start; execve itself refuses it: reported by start
	printf '\001\002\003garbage\n' >"$BUNDLE/rootfs/garbage"
	chmod 755 "$BUNDLE/rootfs/garbage"
	set_args /garbage
	expect_fail run 'exec /garbage: exec format error'
}

# ---------------------------------------------------------------------------
# environment and working directory, as runc gives them

# runc_observe CMD...: the same bundle (args set to CMD) under runc; its output in $output
runc_observe() {
	command -v runc >/dev/null || skip "runc is not installed (apt-get install runc)"
	set_args "$@"
	mkdir -p "$BATS_TEST_TMPDIR/runc-root"
	run runc --root "$BATS_TEST_TMPDIR/runc-root" run --bundle "$BUNDLE" "runc-$ID"
	[ "$status" -eq 0 ]
}

@test "env: the last of duplicate keys wins, once, and an empty HOME= is the passwd home, as runc" {
	cfg '.process.env = ["PATH=/bin:/usr/bin", "HOME=", "A=1", "A=2", "B=x", "A=3"]'
	# pid 1's environment as execve gave it (sh would fold duplicates itself)
	runc_observe sh -c 'cat /proc/1/environ | tr "\0" "\n"'
	local theirs=$output
	set_args sh -c 'cat /proc/1/environ | tr "\0" "\n"'
	run_ctr
	[ "$stdout" = "$theirs" ]
	[ "$stdout" = "$(printf 'PATH=/bin:/usr/bin\nHOME=/root\nA=3\nB=x')" ]
}

@test "cwd: a directory only the runtime can reach is entered before the user switch, as runc" {
	mkdir -p "$BUNDLE/rootfs/secret/inner"
	chmod 0700 "$BUNDLE/rootfs/secret"
	cfg '.process.user = {uid: 1000, gid: 1000} | .process.cwd = "/secret/inner"'
	runc_observe sh -c 'pwd; ls /secret >/dev/null 2>&1 || echo denied'
	local theirs=$output
	set_args sh -c 'pwd; ls /secret >/dev/null 2>&1 || echo denied'
	run_ctr
	[ "$stdout" = "$theirs" ]
	[ "$stdout" = "$(printf '/secret/inner\ndenied')" ]
}

@test "cwd: exec --user --cwd into a directory only root can reach works, as runc exec" {
	mkdir -p "$BUNDLE/rootfs/secret/inner"
	chmod 0700 "$BUNDLE/rootfs/secret"
	start_container
	vrun exec --user 1000:1000 --cwd /secret/inner "$ID" pwd
	[ "$status" -eq 0 ]
	[ "$stdout" = /secret/inner ]
}

# A config without process.capabilities got the runtime's whole set (found by tests/diff).
@test "capabilities: none in the config is none in the process, every set empty, as runc" {
	cfg 'del(.process.capabilities)'
	runc_observe grep ^Cap /proc/self/status
	local theirs=$output
	set_args grep ^Cap /proc/self/status
	run_ctr
	[ "$stdout" = "$theirs" ]
	[ "$(status_field CapBnd)" = 0000000000000000 ]
	[ "$(status_field CapEff)" = 0000000000000000 ]
	[ "$(status_field CapPrm)" = 0000000000000000 ]
}

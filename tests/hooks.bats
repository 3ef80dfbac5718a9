#!/usr/bin/env bats
# OCI lifecycle hooks: config.md "POSIX-platform Hooks" and runtime.md "Lifecycle".  Each phase
# runs at its point of the lifecycle, in the namespaces the spec names, with the state on stdin,
# its own args and env; failures stop create and start (and poststart) or are warnings (poststop).

load helpers

setup() {
	common_setup
	HK="$BATS_TEST_TMPDIR/hk"
	mkdir -p "$HK"
	ROOTFS=$(realpath "$BUNDLE/rootfs")
	HOST_MNT=$(readlink /proc/self/ns/mnt)
	HOST_PID_NS=$(readlink /proc/self/ns/pid)
	cfg '.annotations["org.example.hooks"] = "yes"'
}

# host_hook NAME [EXIT]: a hook script on the host, $HK/NAME.sh, that records in $HK/NAME.*
# its stdin (the state), its mount and pid namespaces, those of the pid in the state and that
# process's mount table and command line, its arguments ($# first) and its environment, then
# appends NAME to $HK/order and exits with EXIT (default 0).
host_hook() {
	local name=$1 rc=${2:-0}
	cat >"$HK/$name.sh" <<EOF
#!/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
d='$HK' n='$name'
cat >"\$d/\$n.state"
readlink /proc/self/ns/mnt >"\$d/\$n.mnt"
readlink /proc/self/ns/pid >"\$d/\$n.pidns"
pid=\$(jq -r .pid <"\$d/\$n.state")
if [ "\$pid" -gt 0 ]; then
	readlink /proc/\$pid/ns/mnt >"\$d/\$n.initmnt"
	cat /proc/\$pid/mountinfo >"\$d/\$n.initmountinfo"
	tr '\0' ' ' </proc/\$pid/cmdline >"\$d/\$n.initcmd"
fi
printf '%s\n' "\$#" "\$@" >"\$d/\$n.args"
# the shell's own environment, by its pid in /proc's namespace (\$\$ is not, in a new pid ns)
sh_pid=\$(cut -d' ' -f4 /proc/self/stat)
tr '\0' '\n' </proc/\$sh_pid/environ >"\$d/\$n.env"
echo "\$n" >>"\$d/order"
exit $rc
EOF
	chmod +x "$HK/$name.sh"
}

# ctr_hook [EXIT]: a hook script inside the rootfs only, /veil-hook-$MARK.sh (its path in the
# container), that records the state and its mount namespace in the container's /tmp and appends
# "startContainer" to the container's /tmp/order.  Prints the container path.
ctr_hook() {
	local rc=${1:-0} p="/veil-hook-$MARK.sh"
	cat >"$BUNDLE/rootfs$p" <<EOF
#!/bin/sh
PATH=/bin:/sbin:/usr/bin:/usr/sbin
cat >/tmp/sc.state
readlink /proc/self/ns/mnt >/tmp/sc.mnt
echo startContainer >>/tmp/order
exit $rc
EOF
	chmod +x "$BUNDLE/rootfs$p"
	echo "$p"
}

# init_gone_check PID: make the poststop hook create $HK/init-alive when PID still runs then.
init_gone_check() {
	sed -i "3i case \$(cut -d' ' -f3 /proc/$1/stat 2>/dev/null) in '' | Z | X) ;; *) echo alive >'$HK/init-alive' ;; esac" \
		"$HK/poststop.sh"
}

# add_hook PHASE PATH [JSON]: append {path: PATH} + JSON to hooks.PHASE.
add_hook() {
	local extra=${3:-'{}'}
	cfg '.hooks[$ph] += [{path: $p} + $x]' --arg ph "$1" --arg p "$2" --argjson x "$extra"
}

# add_host_hook PHASE [EXIT]: a recording host hook named PHASE.
add_host_hook() {
	host_hook "$1" "${2:-0}"
	add_hook "$1" "$HK/$1.sh"
}

# order: the names the host hooks appended, on one line.
order() {
	[ -e "$HK/order" ] || return 0
	paste -sd' ' "$HK/order"
}

# assert_state NAME STATUS PID: the state hook NAME got is the OCI state of this container.
assert_state() {
	local f=$HK/$1.state
	[ -f "$f" ] || f=$1
	if ! jq -e --arg id "$ID" --arg b "$BUNDLE" --arg s "$2" --argjson pid "$3" '
		.id == $id and .bundle == $b and .status == $s and .pid == $pid
		and (.ociVersion | test("^1\\.[0-9]+\\.[0-9]+"))
		and .annotations["org.example.hooks"] == "yes"' "$f" >/dev/null; then
		echo "state in $f is not {id: $ID, status: $2, pid: $3, bundle: $BUNDLE}:" >&2
		cat "$f" >&2
		return 1
	fi
}

# wait_for_lines FILE N: until FILE has at least N lines.
wait_for_lines() {
	local f=$1 n=$2 i got=0
	for ((i = 0; i < 200; i++)); do
		got=$(grep -c '' "$f" 2>/dev/null) || got=0
		[ "$got" -ge "$n" ] && return 0
		sleep 0.05
	done
	echo "$f has $got lines, wanted $n:" >&2
	cat "$f" >&2 2>/dev/null || true
	return 1
}

# ---------------------------------------------------------------------------
# when and where each phase runs

@test "hooks: each phase runs once, at its point of the lifecycle" {
	local p
	for p in prestart createRuntime createContainer poststart poststop; do
		add_host_hook "$p"
	done
	add_hook startContainer "$(ctr_hook)"
	set_args sh -c "echo user >> /tmp/order; sleep 1000; : $MARK"

	create_container
	[ "$(order)" = "prestart createRuntime createContainer" ]
	# neither startContainer nor the user process before start
	[ ! -e "$ROOTFS/tmp/order" ]

	vrun start "$ID"
	[ "$status" -eq 0 ]
	# start returns once poststart ran; startContainer ran before the user process
	[ "$(order)" = "prestart createRuntime createContainer poststart" ]
	wait_for_lines "$ROOTFS/tmp/order" 2
	[ "$(paste -sd' ' "$ROOTFS/tmp/order")" = "startContainer user" ]

	vrun kill "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	[ "$(order)" = "prestart createRuntime createContainer poststart" ]
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	[ "$(order)" = "prestart createRuntime createContainer poststart poststop" ]
	[ ! -e "$ROOT/$ID" ]
}

@test "hooks: prestart and createRuntime run in the runtime's namespaces, after the container's mounts, before pivot_root" {
	add_host_hook prestart
	add_host_hook createRuntime
	create_container
	local pid p
	pid=$(ctr_pid)
	for p in prestart createRuntime; do
		assert_state "$p" creating "$pid"
		# executed in the runtime namespace
		[ "$(cat "$HK/$p.mnt")" = "$HOST_MNT" ]
		[ "$(cat "$HK/$p.pidns")" = "$HOST_PID_NS" ]
		# the container's mount namespace existed, its mounts were made, the root not pivoted:
		# the init saw its /proc at the rootfs's host path
		[ "$(cat "$HK/$p.initmnt")" = "$(ns_of "$pid" mnt)" ]
		[ "$(cat "$HK/$p.initmnt")" != "$HOST_MNT" ]
		awk '{ print $5 }' "$HK/$p.initmountinfo" | grep -qxF "$ROOTFS/proc"
	done
	# after create (pivoted) the same mount is the init's /proc: the check above means something
	! awk '{ print $5 }' "/proc/$pid/mountinfo" | grep -qxF "$ROOTFS/proc"
}

@test "hooks: createContainer runs in the container's namespaces, after its mounts, before pivot_root" {
	add_host_hook createContainer
	create_container
	local pid
	pid=$(ctr_pid)
	assert_state createContainer creating "$pid"
	# executed in the container namespace, its path resolved in the host's view (a host path)
	[ "$(cat "$HK/createContainer.mnt")" = "$(ns_of "$pid" mnt)" ]
	[ "$(cat "$HK/createContainer.mnt")" != "$HOST_MNT" ]
	[ "$(cat "$HK/createContainer.pidns")" = "$(ns_of "$pid" pid)" ]
	[ "$(cat "$HK/createContainer.pidns")" != "$HOST_PID_NS" ]
	awk '{ print $5 }' "$HK/createContainer.initmountinfo" | grep -qxF "$ROOTFS/proc"
}

@test "hooks: startContainer runs in the container, path resolved there, before the user process" {
	local hook pid
	hook=$(ctr_hook)
	[ ! -e "$hook" ] # only the container has it
	add_hook startContainer "$hook"
	set_args sh -c "echo user >> /tmp/order; sleep 1000; : $MARK"
	create_container
	pid=$(ctr_pid)
	[ ! -e "$ROOTFS/tmp/sc.state" ]
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_lines "$ROOTFS/tmp/order" 2
	[ "$(paste -sd' ' "$ROOTFS/tmp/order")" = "startContainer user" ]
	[ "$(cat "$ROOTFS/tmp/sc.mnt")" = "$(ns_of "$pid" mnt)" ]
	# the user process has not run yet: the state still says created
	assert_state "$ROOTFS/tmp/sc.state" created "$pid"
}

@test "hooks: poststart runs in the runtime's namespaces once the user process runs, before start returns" {
	add_host_hook poststart
	create_container
	local pid
	pid=$(ctr_pid)
	[ ! -e "$HK/poststart.state" ]
	vrun start "$ID"
	[ "$status" -eq 0 ]
	assert_state poststart running "$pid"
	[ "$(cat "$HK/poststart.mnt")" = "$HOST_MNT" ]
	# the init had already executed the user's program
	assert_contains "$(cat "$HK/poststart.initcmd")" "sleep 1000; : $MARK"
}

@test "hooks: poststop runs in the runtime's namespaces at delete, once the container is gone" {
	add_host_hook poststop
	start_container
	local pid
	pid=$(ctr_pid)
	init_gone_check "$pid"
	vrun kill "$ID" KILL
	wait_for_status "$ID" stopped
	[ ! -e "$HK/poststop.state" ]
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	assert_state poststop stopped 0
	[ "$(cat "$HK/poststop.mnt")" = "$HOST_MNT" ]
	[ ! -e "$HK/init-alive" ]
	[ ! -e "$ROOT/$ID" ]
}

@test "hooks: delete --force of a running container runs poststop after killing it" {
	add_host_hook poststop
	start_container
	local pid
	pid=$(ctr_pid)
	init_gone_check "$pid"
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	assert_state poststop stopped 0
	[ ! -e "$HK/init-alive" ]
	[ ! -e "$ROOT/$ID" ]
}

@test "hooks: run runs every phase, poststop after the container exits" {
	local p
	for p in prestart createRuntime createContainer poststart poststop; do
		add_host_hook "$p"
	done
	add_hook startContainer "$(ctr_hook)"
	set_args sh -c 'echo user >> /tmp/order'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$(order)" = "prestart createRuntime createContainer poststart poststop" ]
	[ "$(paste -sd' ' "$ROOTFS/tmp/order")" = "startContainer user" ]
	assert_state poststop stopped 0
	[ ! -e "$ROOT/$ID" ]
}

# ---------------------------------------------------------------------------
# what a hook gets

@test "hooks: a hook gets its args and exactly its env" {
	host_hook createRuntime
	add_hook createRuntime "$HK/createRuntime.sh" '{"args": ["zeroth", "a b", "c"], "env": ["FOO=bar baz", "X=1"]}'
	# argv[0] as given: a shell reads it back from its own command line
	add_hook createRuntime /bin/sh "$(jq -n --arg f "$HK/argv" \
		'{args: ["custom-argv0", "-c", "tr \"\\\\0\" \"\\\\n\" </proc/$$/cmdline >" + $f]}')"
	create_container
	# a script's interpreter gets the script's path for argv[0], then the rest of args
	[ "$(cat "$HK/createRuntime.args")" = $'2\na b\nc' ]
	[ "$(cat "$HK/createRuntime.env")" = $'FOO=bar baz\nX=1' ]
	[ "$(head -n1 "$HK/argv")" = custom-argv0 ]
}

@test "hooks: without env the runtime's hooks get its environment and run in the bundle" {
	# as runc: a hook without env inherits the runtime's environment (runc and crun pass
	# theirs), and prestart, createRuntime, poststart and run's poststop start in the bundle
	local phase
	for phase in prestart createRuntime poststart poststop; do
		add_hook "$phase" /bin/sh "$(jq -n --arg f "$HK/$phase" \
			'{args: ["sh", "-c", "pwd >" + $f + ".cwd; env >" + $f + ".env"]}')"
	done
	set_args true
	(cd / && VEIL_HOOK_ENV="from-the-caller $MARK" veil run --bundle "$BUNDLE" "$ID" \
		</dev/null >"$HK/out" 2>&1) || { cat "$HK/out" >&2; false; }
	for phase in prestart createRuntime poststart poststop; do
		[ "$(cat "$HK/$phase.cwd")" = "$(realpath "$BUNDLE")" ]
		grep -qx "VEIL_HOOK_ENV=from-the-caller $MARK" "$HK/$phase.env"
	done
}

@test "hooks: without args and env a hook gets its path alone and the runtime's environment" {
	add_host_hook createRuntime
	create_container
	[ "$(cat "$HK/createRuntime.args")" = 0 ]
	grep -qx "PATH=$PATH" "$HK/createRuntime.env"
}

@test "hooks: delete runs poststop where it was called (as runc)" {
	add_hook poststop /bin/sh "$(jq -n --arg f "$HK/ps.cwd" '{args: ["sh", "-c", "pwd >" + $f]}')"
	create_container
	(cd / && veil delete --force "$ID" </dev/null >/dev/null)
	[ "$(cat "$HK/ps.cwd")" = / ]
}

@test "hooks: createContainer runs in the rootfs with process.env, so relative paths work" {
	cfg '.process.env += ["VEIL_PROC_ENV=yes"]'
	add_hook createContainer /bin/sh "$(jq -n --arg f "$HK/cc" \
		'{args: ["sh", "-c", "pwd >" + $f + ".cwd; env >" + $f + ".env; ./bin/busybox true && echo ok >" + $f + ".rel"]}')"
	(cd / && create_container)
	[ "$(cat "$HK/cc.cwd")" = "$ROOTFS" ]
	grep -qx "VEIL_PROC_ENV=yes" "$HK/cc.env"
	grep -qx "VEIL_TEST_MARK=$MARK" "$HK/cc.env"
	[ "$(cat "$HK/cc.rel")" = ok ]
}

@test "hooks: startContainer sees process.env and HOME, in process.cwd" {
	cfg '.process.env += ["VEIL_PROC_ENV=yes"] | .process.cwd = "/tmp"'
	add_hook startContainer /bin/sh '{"args": ["sh", "-c", "pwd >/sc.cwd; env >/sc.env"]}'
	start_container
	[ "$(cat "$BUNDLE/rootfs/sc.cwd")" = /tmp ]
	grep -qx "VEIL_PROC_ENV=yes" "$BUNDLE/rootfs/sc.env"
	grep -qx "VEIL_TEST_MARK=$MARK" "$BUNDLE/rootfs/sc.env"
	grep -qx "HOME=/root" "$BUNDLE/rootfs/sc.env"
}

@test "hooks: a hook has only stdin, stdout and stderr open, and writes to the runtime's" {
	add_hook createRuntime /bin/ls '{"args": ["ls", "/proc/self/fd"]}'
	add_hook createRuntime /bin/sh '{"args": ["sh", "-c", "echo hook-to-stderr >&2"]}'
	exec 7</dev/null # an fd veil inherits must not reach the hook
	create_container
	exec 7<&-
	# 3 is the directory ls reads
	[ "$(paste -sd' ' "$VRUN_OUT")" = "0 1 2 3" ]
	assert_contains "$stderr" hook-to-stderr
}

@test "hooks: the hooks of one phase run in their order" {
	local i
	for i in 1 2 3; do
		add_hook poststart /bin/sh "$(jq -n --arg f "$HK/seq" --arg i "$i" \
			'{args: ["sh", "-c", "sleep 0.0" + $i + "; echo " + $i + " >>" + $f]}')"
	done
	start_container
	[ "$(paste -sd' ' "$HK/seq")" = "1 2 3" ]
}

@test "hooks: a state larger than a pipe's default buffer reaches hooks that read it and those that do not" {
	cfg '.annotations.big = ("x" * 200000)'
	add_hook createRuntime /bin/true
	add_host_hook createRuntime
	create_container
	jq -e '.annotations.big | length == 200000' "$HK/createRuntime.state"
}

@test "hooks: start and delete run the hooks create saw, not a later config.json" {
	add_host_hook poststart
	add_host_hook poststop
	create_container
	# only its owner may read the copy: process.env may hold secrets
	[ "$(stat -c %a "$ROOT/$ID/config.json")" = 600 ]
	cfg 'del(.hooks)'
	vrun start "$ID"
	[ "$status" -eq 0 ]
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	[ "$(order)" = "poststart poststop" ]
}

@test "hooks: a config without hooks saves no copy of itself" {
	create_container
	[ ! -e "$ROOT/$ID/config.json" ]
}

# ---------------------------------------------------------------------------
# failures

@test "hooks: a failing createRuntime hook fails create, stops the later hooks, leaves nothing behind" {
	add_host_hook prestart
	add_host_hook createRuntime 3
	add_hook createRuntime "$HK/prestart.sh" # would append prestart again
	add_host_hook createContainer
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "hooks.createRuntime[0]: $HK/createRuntime.sh exited with status 3"
	[ "$(order)" = "prestart createRuntime" ]
	[ ! -e "$ROOT/$ID" ]
	local pid
	pid=$(jq -r .pid "$HK/createRuntime.state")
	wait_for_exit "$pid"
	assert_no_leftovers
}

@test "hooks: a failing prestart hook fails create before createRuntime" {
	add_host_hook prestart 1
	add_host_hook createRuntime
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "hooks.prestart[0]:"
	[ "$(order)" = prestart ]
	assert_no_leftovers
}

@test "hooks: a failing createContainer hook fails create and leaves nothing behind" {
	add_host_hook createContainer 2
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "hooks.createContainer[0]: $HK/createContainer.sh exited with status 2"
	assert_no_leftovers
}

@test "hooks: after a failing create hook the lifecycle goes on with the poststop hooks" {
	add_host_hook createRuntime 1
	add_host_hook poststop
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[ "$(order)" = "createRuntime poststop" ]
	assert_state poststop stopped 0
	assert_no_leftovers
}

@test "hooks: a failing startContainer hook fails start and the user process never runs" {
	add_hook startContainer "$(ctr_hook 5)"
	set_args sh -c "touch /tmp/ran; sleep 1000; : $MARK"
	create_container
	vrun start "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "hooks.startContainer[0]: /veil-hook-$MARK.sh exited with status 5"
	wait_for_status "$ID" stopped
	[ -e "$ROOTFS/tmp/sc.state" ]
	[ ! -e "$ROOTFS/tmp/ran" ]
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "hooks: a failing poststart hook fails start and stops the container (runtime.md step 9)" {
	add_host_hook poststart 6
	add_host_hook poststop
	create_container
	vrun start "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "hooks.poststart[0]: $HK/poststart.sh exited with status 6"
	wait_for_status "$ID" stopped
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	[ "$(order)" = "poststart poststop" ]
	assert_no_leftovers
}

@test "hooks: a failing poststart hook in run: the container stops at once and is removed" {
	# as runc's run: exit 1 with the hook's error, the container gone, poststop run; and the
	# container's program gets no moment to go on once its children were killed (the init
	# goes first: killing the rest first let sh reap them and run on)
	local i
	add_host_hook poststart 3
	add_host_hook poststop
	set_args sh -c "sleep 1; echo survived >/tmp/survived; : $MARK"
	for i in 1 2 3 4; do
		rm -f "$HK/order"
		vrun run --bundle "$BUNDLE" "$ID"
		[ "$status" -eq 1 ]
		assert_contains "$stderr" "hooks.poststart[0]: $HK/poststart.sh exited with status 3"
		[ "$(order)" = "poststart poststop" ]
		[ ! -d "$ROOT/$ID" ]
	done
	sleep 1.2
	[ ! -e "$BUNDLE/rootfs/tmp/survived" ]
}

@test "hooks: a failing poststop hook is a warning: delete succeeds, the later hooks run" {
	add_host_hook poststop 4
	add_hook poststop /bin/sh "$(jq -n --arg f "$HK/second" '{args: ["sh", "-c", "touch " + $f]}')"
	start_container
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	assert_contains "$stderr" "warning"
	assert_contains "$stderr" "hooks.poststop[0]: $HK/poststop.sh exited with status 4"
	[ -e "$HK/second" ]
	[ ! -e "$ROOT/$ID" ]
	assert_no_leftovers
}

@test "hooks: a hook that overruns its timeout is killed with what it started, and create fails" {
	cat >"$HK/slow.sh" <<EOF
#!/bin/sh
echo \$\$ > '$HK/slow.pid'
sh -c 'sleep 1000; : $MARK' &
echo \$! > '$HK/slow-child.pid'
wait
EOF
	chmod +x "$HK/slow.sh"
	add_hook createRuntime "$HK/slow.sh" '{"timeout": 1}'
	local t0=$SECONDS
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[ $((SECONDS - t0)) -lt 10 ]
	assert_contains "$stderr" "hooks.createRuntime[0]: $HK/slow.sh timed out after 1s"
	wait_for_exit "$(cat "$HK/slow.pid")" 5
	wait_for_exit "$(cat "$HK/slow-child.pid")" 5
	assert_no_leftovers
}

@test "hooks: a hook that finishes within its timeout succeeds" {
	add_hook createRuntime /bin/sh '{"args": ["sh", "-c", "sleep 0.2"], "timeout": 5}'
	create_container
}

@test "hooks: a hook path that does not exist fails create with the exec error" {
	add_hook createRuntime "$HK/missing"
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "hooks.createRuntime[0]: exec $HK/missing: No such file or directory"
	assert_no_leftovers
}

@test "hooks: a relative hook path is refused before anything is created" {
	add_host_hook prestart
	add_hook poststop "relative/hook"
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" 'hooks.poststop[0].path: "relative/hook" is not an absolute path'
	[ ! -e "$ROOT/$ID" ]
	[ "$(order)" = "" ]
}

# The init is attached to its cgroups while it builds the container: the hooks that run in it must
# find it there, and its cgroup namespace rooted there (made once it is attached).
@test "hooks: createContainer and startContainer hooks run in the container's cgroups" {
	cfg '.process.args = ["true"]'
	add_hook createContainer /bin/sh '{"args": ["sh", "-c", "cat /proc/self/cgroup >'"$HK"'/cc"]}'
	add_hook startContainer /bin/sh '{"args": ["sh", "-c", "cat /proc/self/cgroup >/tmp/sc"]}'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	cat "$HK/cc" "$BUNDLE/rootfs/tmp/sc" >&2
	# at the root of its cgroup namespace in every hierarchy: not in veil's cgroup ("/..")
	[ -s "$HK/cc" ] && [ -s "$BUNDLE/rootfs/tmp/sc" ]
	! grep -v ':/$' "$HK/cc"
	! grep -v ':/$' "$BUNDLE/rootfs/tmp/sc"
}

@test "hooks: without a cgroup namespace, a createContainer hook is in the container's cgroups" {
	cfg '.process.args = ["true"] | .linux.namespaces |= map(select(.type != "cgroup"))'
	add_hook createContainer /bin/sh '{"args": ["sh", "-c", "cat /proc/self/cgroup >'"$HK"'/cc"]}'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	cat "$HK/cc" >&2
	# every hierarchy, v1 and the unified one, names the container's cgroup
	[ -s "$HK/cc" ]
	! grep -v "/$ID\$" "$HK/cc"
}

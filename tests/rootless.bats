#!/usr/bin/env bats
# veil run by an ordinary user: two test users made with useradd (with
# /etc/subuid and /etc/subgid ranges), each with its own XDG_RUNTIME_DIR and a
# busybox bundle it owns, written by "veil spec --rootless" run as that user.
# Everything the users made is removed in teardown_file, the users with
# userdel -r, and the account files are checked to hold none of them.

load helpers

ACCOUNT_FILES="/etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/subuid /etc/subgid"

setup_file() {
	common_setup_file
	command -v newuidmap >/dev/null || {
		echo "newuidmap not found (apt-get install uidmap)" >&2
		return 1
	}
	export RL_DIR
	RL_DIR=$(mktemp -d /tmp/veil-rootless.XXXXXX)
	chmod 0755 "$RL_DIR"
	export RL_U1="veilrl1x$$" RL_U2="veilrl2x$$"
	local u
	for u in "$RL_U1" "$RL_U2"; do
		useradd -m -d "$RL_DIR/home-$u" -s /bin/sh "$u"
		mkdir -m 0700 "$RL_DIR/run-$u"
		chown "$u:$u" "$RL_DIR/run-$u"
		as_user "$u" env VEIL="$VEIL" "$MKBUNDLE" "$RL_DIR/home-$u/template" --rootless >/dev/null
		as_user "$u" "$CFGEDIT" "$RL_DIR/home-$u/template/config.json" \
			'.process.terminal = false | .root.readonly = false'
	done
}

teardown_file() {
	local u pid rc=0
	for u in "$RL_U1" "$RL_U2"; do
		id "$u" >/dev/null 2>&1 || continue
		# every process the user still has (containers veil lost): by PID
		for pid in $(pgrep -u "$u"); do
			echo "# teardown_file: killing $u's pid $pid" >&3
			kill -KILL "$pid" 2>/dev/null || true
		done
		userdel -r "$u" >/dev/null 2>&1 || userdel "$u"
	done
	# nothing of the users is left in the account files
	for u in "$RL_U1" "$RL_U2"; do
		if grep -l "^$u:" $ACCOUNT_FILES; then
			echo "$u is still in the account files above" >&2
			rc=1
		fi
	done
	rm -rf "$RL_DIR"
	return $rc
}

setup() {
	ID="rl$BATS_TEST_NUMBER-$$"
	B1="$RL_DIR/home-$RL_U1/bundle-$BATS_TEST_NUMBER"
	as_user "$RL_U1" cp -a "$RL_DIR/home-$RL_U1/template" "$B1"
}

teardown() {
	local u id
	for u in "$RL_U1" "$RL_U2"; do
		for id in $(ls "$RL_DIR/run-$u/veil" 2>/dev/null); do
			uveil "$u" delete --force "$id" >/dev/null 2>&1 || true
		done
	done
	rm -rf "$B1"
	if [ -n "${DELEG:-}" ]; then
		rmdir "$DELEG"/*/ "$DELEG" 2>/dev/null || true
	fi
}

# as_user USER CMD...: CMD as USER, with its XDG_RUNTIME_DIR
as_user() {
	local u=$1
	shift
	runuser -u "$u" -- env -C "$RL_DIR/home-$u" XDG_RUNTIME_DIR="$RL_DIR/run-$u" \
		HOME="$RL_DIR/home-$u" USER="$u" "$@"
}

# uveil USER ARGS...: veil as USER, its default state root
uveil() {
	local u=$1
	shift
	as_user "$u" timeout -k 5 60 "$VEIL" "$@"
}

# udetach USER ARGS...: a veil call whose container outlives it (create, run -d, exec -d): the
# container must not hold bats' output open
udetach() {
	uveil "$@" </dev/null >/dev/null 2>&1 3>&-
}

# delegate USER: a cgroup2 subtree $DELEG given to USER as systemd delegates one (the directory,
# its cgroup.procs, cgroup.subtree_control and cgroup.threads), with USER's session in
# $DELEG/session: moving a process needs write access to the common ancestor's cgroup.procs
delegate() {
	DELEG=/sys/fs/cgroup/unified/veilrl$BATS_TEST_NUMBER-$$
	mkdir "$DELEG" "$DELEG/session"
	chown "$1" "$DELEG" "$DELEG/cgroup.procs" "$DELEG/cgroup.subtree_control" "$DELEG/cgroup.threads"
	chown -R "$1" "$DELEG/session"
}

# deleg_veil USER ARGS...: uveil from a process in USER's delegated session cgroup
deleg_veil() {
	local u=$1
	shift
	sh -c 'echo $$ >"$0/session/cgroup.procs" && exec "$@"' "$DELEG" \
		runuser -u "$u" -- env -C "$RL_DIR/home-$u" XDG_RUNTIME_DIR="$RL_DIR/run-$u" \
		HOME="$RL_DIR/home-$u" USER="$u" timeout -k 5 60 "$VEIL" "$@"
}

# ucfg FILTER [JQ-OPTION...]: edit user 1's bundle config
ucfg() {
	as_user "$RL_U1" "$CFGEDIT" "$B1/config.json" "$@"
}

uid_of() { id -u "$1"; }
gid_of() { id -g "$1"; }
# first subordinate id of USER in FILE
sub_start() { awk -F: -v u="$1" '$1 == u { print $2; exit }' "$2"; }

@test "rootless: spec --rootless maps the caller's ids and runs unchanged as that user" {
	local cfgf="$RL_DIR/home-$RL_U1/template/config.json"
	run jq -c '[.linux.uidMappings, .linux.gidMappings, [.linux.namespaces[].type]]' "$cfgf"
	[ "$output" = "[[{\"containerID\":0,\"hostID\":$(uid_of "$RL_U1"),\"size\":1}],[{\"containerID\":0,\"hostID\":$(gid_of "$RL_U1"),\"size\":1}],[\"pid\",\"ipc\",\"uts\",\"mount\",\"cgroup\",\"user\"]]" ]
	ucfg '.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map; cat /proc/self/setgroups"]'
	run uveil "$RL_U1" run --bundle "$B1" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "$(echo ${lines[1]})" = "0 $(uid_of "$RL_U1") 1" ]
	[ "${lines[2]}" = deny ]
	# no cgroup was asked for: no warning either
	[ "${#lines[@]}" -eq 3 ]
}

@test "rootless: the state root is \$XDG_RUNTIME_DIR/veil, 0700; without XDG_RUNTIME_DIR a clear error" {
	ucfg '.process.args = ["true"]'
	run uveil "$RL_U1" run --bundle "$B1" "$ID"
	[ "$status" -eq 0 ]
	[ "$(stat -c '%a %U' "$RL_DIR/run-$RL_U1/veil")" = "700 $RL_U1" ]
	run runuser -u "$RL_U1" -- env -u XDG_RUNTIME_DIR "$VEIL" list
	[ "$status" -eq 1 ]
	[ "$output" = "veil: XDG_RUNTIME_DIR is not set: veil run by a user other than root keeps its state in \$XDG_RUNTIME_DIR/veil (set it, or pass --root DIR)" ]
	[ ! -e /run/veil/"$ID" ]
	run runuser -u "$RL_U1" -- env -u XDG_RUNTIME_DIR "$VEIL" --root "$RL_DIR/run-$RL_U1/veil" list -q
	[ "$status" -eq 0 ]
	run uveil "$RL_U1" --rootless maybe list
	[ "$status" -eq 1 ]
	[ "$output" = 'veil: --rootless: "maybe" is not true, false or auto' ]
}

@test "rootless: create, start, exec, ps, kill, delete as the user" {
	ucfg '.process.args = ["sleep", "1000"]'
	udetach "$RL_U1" create --bundle "$B1" "$ID"
	run uveil "$RL_U1" start "$ID"
	[ "$status" -eq 0 ]
	run uveil "$RL_U1" state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	pid=$(jq -r .pid <<<"$output")
	[ "$(stat -c %U /proc/"$pid")" = "$RL_U1" ]
	run uveil "$RL_U1" exec "$ID" sh -c 'id -u; echo hi > /tmp/f'
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	# the file is the user's on the host
	[ "$(stat -c %U "$B1/rootfs/tmp/f")" = "$RL_U1" ]
	udetach "$RL_U1" exec -d "$ID" sleep 999
	run uveil "$RL_U1" ps "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sleep 1000"* ]]
	[[ "$output" == *"sleep 999"* ]]
	run uveil "$RL_U1" list -q
	[ "$output" = "$ID" ]
	run uveil "$RL_U1" kill "$ID" KILL
	[ "$status" -eq 0 ]
	for _ in $(seq 50); do
		[ "$(uveil "$RL_U1" state "$ID" | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	run uveil "$RL_U1" delete "$ID"
	[ "$status" -eq 0 ]
	[ ! -e "$RL_DIR/run-$RL_U1/veil/$ID" ]
	! process_running "$pid"
}

@test "rootless: pause without a cgroup fails clearly, the container keeps running" {
	ucfg '.process.args = ["sleep", "1000"]'
	udetach "$RL_U1" run -d --bundle "$B1" "$ID"
	run uveil "$RL_U1" pause "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "veil: cannot pause container \"$ID\": it has no cgroup" ]
	[ "$(uveil "$RL_U1" state "$ID" | jq -r .status)" = running ]
}

@test "rootless: subordinate ranges are mapped through newuidmap/newgidmap" {
	local su sg
	su=$(sub_start "$RL_U1" /etc/subuid)
	sg=$(sub_start "$RL_U1" /etc/subgid)
	ucfg '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1}, {containerID: 1, hostID: $su, size: 65536}]
	    | .linux.gidMappings = [{containerID: 0, hostID: $g, size: 1}, {containerID: 1, hostID: $sg, size: 65536}]
	    | .mounts |= map(if .type == "devpts" then .options += ["gid=5"] else . end)
	    | .process.capabilities |= with_entries(.value += ["CAP_CHOWN"])
	    | .process.args = ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/o; chown 1000:1000 /tmp/o"]' \
		--argjson u "$(uid_of "$RL_U1")" --argjson g "$(gid_of "$RL_U1")" --argjson su "$su" --argjson sg "$sg"
	run uveil "$RL_U1" run --bundle "$B1" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo ${lines[1]})" = "1 $su 65536" ]
	[ "$(echo ${lines[3]})" = "1 $sg 65536" ]
	[ "$(stat -c '%u:%g' "$B1/rootfs/tmp/o")" = "$((su + 999)):$((sg + 999))" ]
}

@test "rootless: a mapping outside the subordinate ranges is refused, naming it; nothing left" {
	local su
	su=$(sub_start "$RL_U1" /etc/subuid)
	ucfg '.linux.uidMappings += [{containerID: 1, hostID: 1, size: 10}]
	    | .linux.gidMappings = [{containerID: 0, hostID: $g, size: 1}, {containerID: 1, hostID: $sg, size: 10}]' \
		--argjson g "$(gid_of "$RL_U1")" --argjson sg "$(sub_start "$RL_U1" /etc/subgid)"
	run uveil "$RL_U1" run --bundle "$B1" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "veil: config.json: linux.uidMappings[1]: host ids 1-10 are neither the caller's own id $(uid_of "$RL_U1") nor in its subordinate ranges in /etc/subuid" ]
	[ ! -e "$RL_DIR/run-$RL_U1/veil/$ID" ]
	# no process of the user is left in the bundle
	for pid in $(pgrep -u "$RL_U1"); do
		[[ "$(readlink /proc/"$pid"/root)" != "$B1"* ]]
	done
	# a range that runs past the end of the user's is refused too
	ucfg '.linux.uidMappings[1] = {containerID: 1, hostID: $su, size: 65537}' --argjson su "$su"
	run uveil "$RL_U1" run --bundle "$B1" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == "veil: config.json: linux.uidMappings[1]: host ids $su-$((su + 65536)) are neither"* ]]
	# and another user's own uid
	ucfg '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1}] | .linux.gidMappings = [{containerID: 0, hostID: $g, size: 1}]' \
		--argjson u "$(uid_of "$RL_U2")" --argjson g "$(gid_of "$RL_U1")"
	run uveil "$RL_U1" run --bundle "$B1" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "veil: config.json: linux.uidMappings[0]: host ids $(uid_of "$RL_U2")-$(uid_of "$RL_U2") are neither the caller's own id $(uid_of "$RL_U1") nor in its subordinate ranges in /etc/subuid" ]
	[ ! -e "$RL_DIR/run-$RL_U1/veil/$ID" ]
}

@test "rootless: device nodes are the host's, bound (mknod is not allowed)" {
	ucfg '.process.args = ["sh", "-c", "stat -c \"%t:%T %F\" /dev/null /dev/zero /dev/tty; echo x > /dev/null; head -c 3 /dev/zero | wc -c; grep \" /dev/null \" /proc/self/mountinfo | wc -l"]'
	run uveil "$RL_U1" run --bundle "$B1" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1:3 character special file" ]
	[ "${lines[1]}" = "1:5 character special file" ]
	[ "${lines[2]}" = "5:0 character special file" ]
	[ "${lines[3]}" = 3 ]
	[ "${lines[4]}" = 1 ]
}

@test "rootless: a mount the user namespace may not make fails naming the mount" {
	ucfg '.mounts += [{destination: "/mnt", type: "ext4", source: "/dev/null"}]'
	local n
	n=$(($(jq '.mounts | length' "$B1/config.json") - 1))
	run uveil "$RL_U1" run --bundle "$B1" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "veil: mounts[$n]: mount ext4 on /mnt (not allowed in a user namespace: only the host's root can mount it): Operation not permitted" ]
	[ ! -e "$RL_DIR/run-$RL_U1/veil/$ID" ]
}

@test "rootless: sysfs without a network namespace falls back to the host's /sys, read-only" {
	ucfg '.mounts |= map(if .destination == "/sys" then {destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "ro"]} else . end)
	    | .process.args = ["sh", "-c", "cat /sys/kernel/ostype 2>/dev/null || ls /sys/kernel >/dev/null && echo listed; touch /sys/x 2>&1; grep \" /sys \" /proc/self/mountinfo | cut -d\" \" -f6"]'
	run uveil "$RL_U1" run --bundle "$B1" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = listed ]
	[[ "${lines[1]}" == *"Read-only file system"* ]]
	[[ "${lines[2]}" == ro,* ]]
}

@test "rootless: mqueue without an IPC namespace: the host's /dev/mqueue, or an error naming the mount" {
	ucfg '.linux.namespaces |= map(select(.type != "ipc")) | .process.args = ["sh", "-c", "grep -c \" /dev/mqueue \" /proc/self/mountinfo"]'
	local n
	n=$(jq '.mounts | map(.type) | index("mqueue")' "$B1/config.json")
	run uveil "$RL_U1" run --bundle "$B1" "$ID"
	echo "$output"
	if [ -d /dev/mqueue ]; then
		[ "$status" -eq 0 ]
		[ "$output" = 1 ]
	else
		echo "# the host has no /dev/mqueue: the error path" >&3
		[ "$status" -eq 1 ]
		[ "$output" = "veil: mounts[$n]: mount mqueue on /dev/mqueue (a user namespace needs its own IPC namespace for mqueue, and the host has no /dev/mqueue to bind): Operation not permitted" ]
	fi
	# with its own IPC namespace it is mounted
	ucfg '.linux.namespaces += [{type: "ipc"}]'
	run uveil "$RL_U1" run --bundle "$B1" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "rootless: no cgroup on cgroup v1; a warning only when resources are asked for" {
	ucfg '.process.args = ["true"]'
	run --separate-stderr uveil "$RL_U1" run --bundle "$B1" "$ID"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	ucfg '.linux.resources = {pids: {limit: 100}}'
	run --separate-stderr uveil "$RL_U1" run --bundle "$B1" "$ID"
	[ "$status" -eq 0 ]
	[ "$stderr" = "veil: warning: linux.resources: ignored: a rootless container has no cgroup on cgroup v1" ]
	# the container stays in the caller's cgroups
	ucfg '.process.args = ["sleep", "1000"]'
	udetach "$RL_U1" run -d --bundle "$B1" "$ID"
	pid=$(uveil "$RL_U1" state "$ID" | jq -r .pid)
	[ "$(cat /proc/"$pid"/cgroup)" = "$(as_user "$RL_U1" cat /proc/self/cgroup)" ]
	[ ! -e "/sys/fs/cgroup/pids/$ID" ]
}

@test "rootless: a delegated cgroup2 subtree holds the container: pause, ps, kill --all, delete" {
	[ -d /sys/fs/cgroup/unified ] || skip "no cgroup2 hierarchy at /sys/fs/cgroup/unified on this host"
	local pid sub
	delegate "$RL_U1"
	sub=${DELEG#/sys/fs/cgroup/unified}/c1
	ucfg '.process.args = ["sleep", "1000"] | .linux.cgroupsPath = $p' --arg p "$sub"
	deleg_veil "$RL_U1" run -d --bundle "$B1" "$ID" </dev/null >/dev/null 2>&1 3>&-
	pid=$(uveil "$RL_U1" state "$ID" | jq -r .pid)
	grep -qx "0::$sub" "/proc/$pid/cgroup"
	# no v1 hierarchy: a user cannot be given one
	[ ! -e "/sys/fs/cgroup/pids$sub" ]
	deleg_veil "$RL_U1" pause "$ID"
	[ "$(cat "$DELEG/c1/cgroup.freeze")" = 1 ]
	[ "$(uveil "$RL_U1" state "$ID" | jq -r .status)" = paused ]
	deleg_veil "$RL_U1" resume "$ID"
	[ "$(cat "$DELEG/c1/cgroup.freeze")" = 0 ]
	run uveil "$RL_U1" ps -f json "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "[$pid]" ]
	uveil "$RL_U1" kill --all "$ID" KILL
	for _ in $(seq 50); do
		[ "$(uveil "$RL_U1" state "$ID" | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	uveil "$RL_U1" delete "$ID"
	[ ! -e "$DELEG/c1" ]
}

@test "rootless: two users cannot see or touch each other's containers" {
	ucfg '.process.args = ["sleep", "1000"]'
	udetach "$RL_U1" run -d --bundle "$B1" "$ID"
	run uveil "$RL_U2" list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	local other="--root=$RL_DIR/run-$RL_U1/veil"
	for cmd in "state $ID" "kill $ID KILL" "delete --force $ID" "exec $ID true" "ps $ID" "list"; do
		run uveil "$RL_U2" "$other" $cmd
		echo "$cmd: $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"Permission denied"* || "$output" == *"container \"$ID\" does not exist"* ]]
	done
	[ "$(uveil "$RL_U1" state "$ID" | jq -r .status)" = running ]
}

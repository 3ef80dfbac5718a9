#!/usr/bin/env bats
# cgroups: placement of the init (and of exec'd processes) in linux.cgroupsPath in every
# hierarchy, ownership and cleanup, pause/resume, ps, kill --all, --systemd-cgroup.
#
# The host has v1 hierarchies plus a cgroup2 at /sys/fs/cgroup/unified (hybrid).  The v2 backend
# is tested inside a private mount namespace that has a cgroup2 mounted on /sys/fs/cgroup (the
# host's mounts are never touched).  Tests use cgroupsPath below /veiltest-$MARK so that what
# they count is theirs only (other suites may run meanwhile); the container ids carry the mark
# too, because a container without cgroupsPath gets a cgroup named after its id.

load helpers

setup() {
	common_setup
	CGP="veiltest-$MARK"
	ID="cg-${MARK#veilmark}"
}

teardown() {
	# a test that failed while its container was paused: thaw it, or nothing in it can die
	local f
	for f in "$(cgroup_mount freezer)/$ID"*/freezer.state \
		/sys/fs/cgroup/freezer/"$CGP"/freezer.state /sys/fs/cgroup/freezer/"$CGP"/*/freezer.state; do
		[ -e "$f" ] && echo THAWED >"$f" 2>/dev/null
	done
	for f in /sys/fs/cgroup/unified/"$CGP"/cgroup.freeze /sys/fs/cgroup/unified/"$CGP"/*/cgroup.freeze; do
		[ -e "$f" ] && echo 0 >"$f" 2>/dev/null
	done
	common_teardown
	# the test's parent cgroup, in every hierarchy (empty by now, or a test already failed)
	local d
	for d in /sys/fs/cgroup/*/"$CGP" /sys/fs/cgroup/*/*/"$CGP" $(default_cgroup_dirs "$CGP"); do
		[ -d "$d" ] || continue
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
}

# The v1 hierarchies and the cgroup2 mounted on this host: "mountpoint" lines.
cg_mounts() {
	awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo
}

need_hybrid() {
	[ -d /sys/fs/cgroup/freezer ] && grep -q ' - cgroup2 ' /proc/self/mountinfo && return 0
	skip "needs cgroup v1 hierarchies with a freezer and a cgroup2 (hybrid layout)"
}

# assert_cgroup PID PATH: PID's cgroup is PATH in every hierarchy mounted here (the v1
# controllers, named ones and the unified one); and there is at least one v1 and the v2 line.
assert_cgroup() {
	local pid=$1 want=$2 line n=0 v2=0 ctrl
	while IFS= read -r line; do
		ctrl=${line#*:}
		ctrl=${ctrl%%:*}
		case $line in 0::*) v2=1 ;; *) n=$((n + 1)) ;; esac
		if [ "${line##*:}" != "$want" ]; then
			echo "pid $pid: '$line', wanted $want" >&2
			cat "/proc/$pid/cgroup" >&2
			return 1
		fi
	done <"/proc/$pid/cgroup"
	[ "$n" -gt 0 ] && [ "$v2" -eq 1 ]
}

# cg_dirs NAME: directories called NAME (or below one) in any hierarchy.
cg_dirs() {
	local m
	for m in $(cg_mounts); do
		find "$m" -path "*/$1" -type d 2>/dev/null
		find "$m" -path "*/$1/*" -type d 2>/dev/null
	done
}

# counter_args: the init counts in /tmp/c every 50ms; it has a sleeping child.
counter_args() {
	# written aside and renamed: a reader never sees the file empty, between truncate and write
	set_args sh -c 'sleep 1000 & while :; do i=$((i+1)); echo $i > /tmp/c.new; mv /tmp/c.new /tmp/c; sleep 0.05; done'
}

read_counter() {
	cat "$BUNDLE/rootfs/tmp/c" 2>/dev/null || echo 0
}

# ---------------------------------------------------------------------------
# placement (hybrid host)

# in_sub_cgroup CMD...: runs CMD in a shell moved to OWN/$CGP in every hierarchy (OWN: the test's
# own cgroup there), as a shim or a shell in a session scope would run veil.
in_sub_cgroup() {
	local mnt own kind d
	while read -r mnt own kind; do
		d=$mnt${own%/}/$CGP
		mkdir -p "$d"
		# a new v1 cpuset has no cpus and no mems: nothing could join it
		if [ -e "$d/cpuset.cpus" ]; then
			cat "$mnt${own%/}/cpuset.cpus" >"$d/cpuset.cpus"
			cat "$mnt${own%/}/cpuset.mems" >"$d/cpuset.mems"
		fi
		echo "$d" >>"$BATS_TEST_TMPDIR/sub-cgroups"
	done < <(own_cgroups)
	SUBS=$BATS_TEST_TMPDIR/sub-cgroups bash -c \
		'while read -r d; do echo $$ >"$d/cgroup.procs"; done <"$SUBS"; exec "$@"' sh "$@"
}

# As runc: no cgroupsPath is the relative path ID, below the caller's own cgroup of each v1
# hierarchy and below the parent of its cgroup2 directory (runc 1.1.5 from a shell in
# /S and memory:/M/S puts the container in /S/ID, memory:/M/S/ID and 0::/ID).
@test "cgroups: without cgroupsPath the container nests under the caller's cgroup, as runc" {
	need_hybrid
	del_ns cgroup
	in_sub_cgroup "$VEIL" --root "$ROOT" create --bundle "$BUNDLE" "$ID" </dev/null 3>&-
	pid=$(ctr_pid)
	# created, not started: no container code has run, and it is in place already
	# veil ran in OWN/$CGP: v1 OWN/$CGP/ID, cgroup2 the parent's, OWN/ID
	local line ctrl own want n=0
	while IFS= read -r line; do
		ctrl=${line#*:}
		ctrl=${ctrl%%:*}
		own=${line#*:*:}
		if [ -z "$ctrl" ]; then want=${own%/}/$ID; else want=${own%/}/$CGP/$ID; fi
		grep -qxF "${line%:*}:$want" "/proc/$pid/cgroup" || {
			echo "init: wanted ${line%:*}:$want in:" >&2
			cat "/proc/$pid/cgroup" >&2
			false
		}
		# what create recorded before it made them (delete --force goes by it), and after
		jq -e --arg d "$(cgroup_mount "${ctrl%%,*}")$want" '[.cgroupPaths[]] | index($d) != null' \
			"$ROOT/$ID/intent.json" "$ROOT/$ID/state.json" >/dev/null
		n=$((n + 1))
	done </proc/self/cgroup
	[ "$n" -ge 2 ]
	# an exec'd process, from the test's own cgroups, joins the same cgroups in every
	# hierarchy, the unified one (0::) included; inside it reads them from /proc/self/cgroup
	vrun start "$ID"
	[ "$status" -eq 0 ]
	vrun exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sleep 999
	[ "$status" -eq 0 ]
	diff "/proc/$pid/cgroup" "/proc/$(cat "$BATS_TEST_TMPDIR/exec.pid")/cgroup"
	vrun exec "$ID" cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	diff "/proc/$pid/cgroup" - <<<"$stdout"
	mapfile -t made < <(jq -r '.cgroupPaths[]' "$ROOT/$ID/state.json" | sort -u)
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	for d in "${made[@]}"; do
		[ ! -e "$d" ] || { echo "left behind: $d" >&2; false; }
	done
}

@test "cgroups: an absolute cgroupsPath is used in every hierarchy; delete removes all it made" {
	need_hybrid
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/abs"
	start_container
	assert_cgroup "$(ctr_pid)" "/$CGP/abs"
	mapfile -t made < <(jq -r '.cgroupPaths[]' "$ROOT/$ID/state.json" | sort -u)
	[ "${#made[@]}" -eq "$(cg_mounts | wc -l)" ]
	for d in "${made[@]}"; do [ -d "$d" ]; done
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	for d in "${made[@]}"; do
		[ ! -e "$d" ] || { echo "left behind: $d" >&2; false; }
		# the parent was made for it too
		[ ! -e "${d%/abs}" ] || { echo "left behind: ${d%/abs}" >&2; false; }
	done
}

@test "cgroups: a relative cgroupsPath is below veil's own cgroup (cgroup2: its parent), as runc" {
	need_hybrid
	cfg '.linux.cgroupsPath = $p' --arg p "$CGP/rel"
	create_container
	pid=$(ctr_pid)
	# veil runs in the test's cgroups: each of its lines + /$CGP/rel
	while IFS= read -r line; do
		h=${line%:*}
		own=${line##*:}
		# cgroup2: below the parent of our own directory, as runc (ours holds processes)
		[ "$h" != 0: ] || own=$(dirname -- "$own")
		want="${own%/}/$CGP/rel"
		got=$(grep -F -x "$h:$want" "/proc/$pid/cgroup") || {
			echo "hierarchy $h: wanted $want in:" >&2
			cat "/proc/$pid/cgroup" >&2
			false
		}
	done </proc/self/cgroup
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	[ -z "$(cg_dirs "$CGP")" ]
}

@test "cgroups: /sys/fs/cgroup shows the container's own cgroups, also without a cgroup namespace" {
	need_hybrid
	cfg '.linux.cgroupsPath = $p | .linux.resources.pids.limit = 77' --arg p "/$CGP/own"
	# pids.max exists in a child cgroup only: at a hierarchy's root cat fails
	# shellcheck disable=SC2016 # for the container's sh
	set_args sh -c 'cat /sys/fs/cgroup/pids/pids.max
		awk "\$5 ~ /^\/sys\/fs\/cgroup\/(pids|unified)\$/ { print \$4, substr(\$6, 1, 3) }" /proc/self/mountinfo
		ls /sys/fs/cgroup/pids | grep -c "^veiltest-" || :'
	local ns want
	for ns in without with; do
		# Podman and Docker on cgroup v1 share the host's cgroup namespace: a new mount would
		# show the whole hierarchy there, so the container's cgroup is bound instead (as runc)
		if [ $ns = without ]; then
			del_ns cgroup
			want="/$CGP/own"
		else
			add_ns cgroup
			want=/
		fi
		vrun run --bundle "$BUNDLE" "$ID"
		[ "$status" -eq 0 ]
		# a hybrid host's cgroup2 is not mounted in the container (as runc)
		[ "$stdout" = "77"$'\n'"$want ro,"$'\n'0 ] ||
			{ echo "$ns a cgroup namespace: $stdout" >&2 && false; }
	done
}

# runc's layout, which Docker and Podman on a v1 host rely on: without a cgroup namespace
# a new cgroup mount would show the whole hierarchy, every other container included.
@test "cgroups: without a cgroup namespace, /sys/fs/cgroup holds the container's own cgroups" {
	need_hybrid
	del_ns cgroup
	cfg '.linux.cgroupsPath = $p | .linux.resources.memory.limit = 33554432' --arg p "/$CGP/own"
	jq -e '.mounts[] | select(.destination == "/sys/fs/cgroup" and .type == "cgroup")' \
		"$BUNDLE/config.json" >/dev/null
	set_args sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes
		awk "\$5 ~ /^\/sys\/fs\/cgroup\// { print \$4 }" /proc/self/mountinfo | sort -u
		ls /sys/fs/cgroup/memory/ | grep -c "^veiltest-" || :'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 33554432 ]
	# every v1 hierarchy is a bind of the container's cgroup (no cgroup2 on a hybrid host, as runc)
	[ "${lines[1]}" = "/$CGP/own" ]
	[ "${lines[2]}" = 0 ]
	[ "${#lines[@]}" -eq 3 ]
	# with one, the new mounts show the namespace's root: the same cgroup
	add_ns cgroup
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 33554432 ]
	[ "${lines[1]}" = / ]
}

@test "cgroups: a cgroupsPath with .. is refused and nothing is left" {
	cfg '.linux.cgroupsPath = "/a/../../escape"'
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_one_error_line
	assert_contains "$stderr" 'linux.cgroupsPath'
	assert_no_leftovers
}

@test "cgroups: joining a populated cgroup keeps it (and its processes) on delete" {
	need_hybrid
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/pod"
	# the first container makes the directories and owns them
	start_container
	owner=$(ctr_pid)
	# a second one joins them
	ID2="${ID}b"
	vrun run -d --bundle "$BUNDLE" "$ID2"
	[ "$status" -eq 0 ]
	second=$(ctr_pid "$ID2")
	assert_cgroup "$second" "/$CGP/pod"
	vrun ps -f json "$ID2"
	[ "$status" -eq 0 ]
	jq -e --argjson a "$owner" --argjson b "$second" 'index($a) != null and index($b) != null' <<<"$stdout"
	# kill --all of the joiner must not reach the owner's processes
	vrun kill --all "$ID2" KILL
	[ "$status" -eq 0 ]
	wait_for_exit "$second"
	vrun delete --force "$ID2"
	[ "$status" -eq 0 ]
	process_running "$owner"
	for m in $(cg_mounts); do [ -d "$m/$CGP/pod" ]; done
	# the owner's delete removes them
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	[ -z "$(cg_dirs "$CGP")" ]
}

@test "cgroups: a directory that existed before is not removed by delete" {
	need_hybrid
	for m in $(cg_mounts); do mkdir -p "$m/$CGP/pre"; done
	# a new cpuset is empty: give it the parent's, as a pod manager would
	for f in cpus mems; do
		cat "/sys/fs/cgroup/cpuset/cpuset.$f" >"/sys/fs/cgroup/cpuset/$CGP/cpuset.$f"
		cat "/sys/fs/cgroup/cpuset/cpuset.$f" >"/sys/fs/cgroup/cpuset/$CGP/pre/cpuset.$f"
	done
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/pre"
	start_container
	assert_cgroup "$(ctr_pid)" "/$CGP/pre"
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	for m in $(cg_mounts); do [ -d "$m/$CGP/pre" ]; done
}

@test "cgroups: exec'd processes join the container's cgroup" {
	need_hybrid
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/exec"
	start_container
	vrun exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sleep 999
	[ "$status" -eq 0 ]
	epid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	assert_cgroup "$epid" "/$CGP/exec"
	vrun ps -f json "$ID"
	jq -e --argjson p "$epid" 'index($p) != null' <<<"$stdout"
}

@test "cgroups: exec --cgroup runs in an existing sub-cgroup, of all hierarchies or of some" {
	need_hybrid
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/sub"
	start_container
	local m pid
	for m in $(cg_mounts); do mkdir "$m/$CGP/sub/inner"; done
	# a v1 cpuset starts with no cpus and mems: give the new one its parent's
	m=/sys/fs/cgroup/cpuset/$CGP/sub
	if [ -d "$m" ]; then
		cat "$m/cpuset.cpus" >"$m/inner/cpuset.cpus"
		cat "$m/cpuset.mems" >"$m/inner/cpuset.mems"
	fi
	vrun exec -d --pid-file "$BATS_TEST_TMPDIR/e1.pid" --cgroup inner "$ID" sleep 999
	[ "$status" -eq 0 ]
	assert_cgroup "$(cat "$BATS_TEST_TMPDIR/e1.pid")" "/$CGP/sub/inner"
	# CTRL[,CTRL]:SUB moves only those controllers' directories
	mkdir "/sys/fs/cgroup/memory/$CGP/sub/m2" "/sys/fs/cgroup/pids/$CGP/sub/m2"
	vrun exec -d --pid-file "$BATS_TEST_TMPDIR/e2.pid" --cgroup memory,pids:m2 "$ID" sleep 999
	[ "$status" -eq 0 ]
	pid=$(cat "$BATS_TEST_TMPDIR/e2.pid")
	grep -qx "[0-9]*:memory:/$CGP/sub/m2" "/proc/$pid/cgroup"
	grep -qx "[0-9]*:pids:/$CGP/sub/m2" "/proc/$pid/cgroup"
	grep -qx "[0-9]*:freezer:/$CGP/sub" "/proc/$pid/cgroup"
	grep -qx "0::/$CGP/sub" "/proc/$pid/cgroup"
	# a sub-cgroup is joined, never made; no way out of the container's cgroup
	vrun exec --cgroup nosuch "$ID" true
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "--cgroup: /sys/fs/cgroup/"
	assert_contains "$stderr" "/$CGP/sub/nosuch: No such file or directory"
	[ -z "$(cg_dirs nosuch)" ]
	vrun exec --cgroup ../.. "$ID" true
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "is not a relative path inside the container's cgroup"
	vrun exec --cgroup /inner "$ID" true
	[ "$status" -eq 1 ]
	vrun exec --cgroup nosuchctl:inner "$ID" true
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "the container has no nosuchctl cgroup"
	# delete takes the sub-cgroups with the container's own
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	[ -z "$(cg_dirs "$CGP")" ]
}

# A pod manager makes the pod's directory and leaves its cpuset empty; runc fills every empty
# cpuset on the way down, so the container can join (veil failed: No space left on device).
@test "cgroups: a nested cgroupsPath below a pod directory with an empty v1 cpuset can be joined" {
	need_hybrid
	local cs
	cs=$(cgroup_mount cpuset)
	[ -n "$cs" ] || skip "no v1 cpuset hierarchy on this host"
	mkdir "$cs/$CGP"
	[ -z "$(tr -d '\n' <"$cs/$CGP/cpuset.cpus")" ]
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/ctr"
	set_args true
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$(cat "$cs/$CGP/cpuset.cpus")" = "$(cat "$cs/cpuset.cpus")" ]
	[ "$(cat "$cs/$CGP/cpuset.mems")" = "$(cat "$cs/cpuset.mems")" ]
	# the pod directory was there before: it stays, the container's is gone
	[ -d "$cs/$CGP" ] && [ ! -e "$cs/$CGP/ctr" ]
}

# A new cpu cgroup has no realtime budget, and a child's must fit in its parent's: the parents
# made for the container get the budget it asks for (runc 1.1.5 fails here with EINVAL too).
@test "cgroups: a nested cgroupsPath with a realtime budget: the parents made for it get it" {
	need_hybrid
	local cpu
	cpu=$(cgroup_mount cpu)
	[ -e "$cpu/cpu.rt_runtime_us" ] || skip "no cpu.rt_runtime_us (kernel without RT_GROUP_SCHED)"
	[ "$(cat "$cpu/cpu.rt_runtime_us")" -ge 2000 ] || skip "the root cgroup has no realtime budget"
	cfg '.linux.cgroupsPath = $p | .linux.resources.cpu = {realtimeRuntime: 1000, realtimePeriod: 100000}' \
		--arg p "/$CGP/pod/ctr"
	del_ns cgroup
	set_args cat /sys/fs/cgroup/cpu/cpu.rt_runtime_us /sys/fs/cgroup/cpu/cpu.rt_period_us
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = $'1000\n100000' ]
	[ -z "$(cg_dirs "$CGP")" ]
}

# runc 1.1.5 says so, on v1 and v2 alike, and runs the container (it is not an error).
@test "cgroups: a cgroupsPath that already has processes: the warning runc gives" {
	need_hybrid
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/shared"
	set_args sleep 1000
	# the first container makes the directories: nothing is in them, no warning
	vrun run -d --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	vrun create --bundle "$BUNDLE" "${ID}b"
	[ "$status" -eq 0 ]
	[ "$stderr" = "veil: warning: container's cgroup is not empty: 1 process(es) found" ]
	vrun delete --force "${ID}b"
	in_private_v2 '
mkdir -p "/sys/fs/cgroup/$CGP/v2"
jq --arg p "/$CGP/v2" ".linux.cgroupsPath = \$p" "$BUNDLE/config.json" >"$BUNDLE/c.json"
mv "$BUNDLE/c.json" "$BUNDLE/config.json"
sleep 100 & sp=$!
echo $sp >"/sys/fs/cgroup/$CGP/v2/cgroup.procs"
V create --bundle "$BUNDLE" "${ID}c" 2>"$BATS_TEST_TMPDIR/v2.err"
kill $sp; wait $sp || :
V delete --force "${ID}c"
grep -qx "veil: warning: container.s cgroup is not empty: 1 process(es) found" "$BATS_TEST_TMPDIR/v2.err"
rmdir "/sys/fs/cgroup/$CGP/v2"
'
}

# runc fails when a hugetlb limit has no hugetlb cgroup to go to; so does veil, naming the key
# and leaving nothing behind (a v1-only view of this host, and a cgroup2 whose parent does not
# hand hugetlb down).
@test "cgroups: hugepageLimits without a hugetlb controller fail naming the key" {
	need_hybrid
	cgroup_mount hugetlb | grep -q . && skip "hugetlb is a v1 controller on this host"
	cfg '.linux.cgroupsPath = $p | .linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 4194304}]' \
		--arg p "/$CGP/huge"
	unshare -m --propagation private sh -c 'umount -l "$1" && shift && exec "$@"' sh "$(cgroup_mount "")" \
		"$VEIL" --root "$ROOT" create --bundle "$BUNDLE" "$ID" \
		</dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- && status=0 || status=$?
	cat "$BATS_TEST_TMPDIR/err" >&2
	[ "$status" -eq 1 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "veil: linux.resources.hugepageLimits: the hugetlb cgroup controller is not available on this host" ]
	assert_no_leftovers
	[ -z "$(cg_dirs "$CGP")" ]
	# cgroup2: a directory whose parent keeps hugetlb to itself, bound on /sys/fs/cgroup
	local u
	u=$(cgroup_mount "")
	mkdir -p "$u/$CGP/nohuge" "$BATS_TEST_TMPDIR/mnt"
	cfg '.linux.cgroupsPath = "/huge"'
	unshare -m --propagation private bash -c '
echo $$ >"$1/cgroup.procs"
mount --bind "$1" "$2" && umount -l /sys/fs/cgroup && mount --move "$2" /sys/fs/cgroup
shift 2
exec "$@"' sh "$u/$CGP/nohuge" "$BATS_TEST_TMPDIR/mnt" \
		"$VEIL" --root "$ROOT" create --bundle "$BUNDLE" "$ID" \
		</dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- && status=0 || status=$?
	cat "$BATS_TEST_TMPDIR/err" >&2
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$BATS_TEST_TMPDIR/err")" "linux.resources.hugepageLimits: the hugetlb controller is not available"
	assert_no_leftovers
	[ ! -e "$u/$CGP/nohuge/huge" ]
}

# ---------------------------------------------------------------------------
# pause, resume, ps, kill --all (hybrid host: the v1 freezer)

@test "cgroups: pause freezes the container (state paused), resume thaws it" {
	need_hybrid
	counter_args
	start_container
	wait_for_file "$BUNDLE/rootfs/tmp/c"
	vrun pause "$ID"
	[ "$status" -eq 0 ]
	[ "$(state_field status)" = paused ]
	[ "$(cat "$(jq -r .cgroupPaths.freezer "$ROOT/$ID/state.json")/freezer.state")" = FROZEN ]
	a=$(read_counter)
	sleep 0.4
	b=$(read_counter)
	[ "$a" = "$b" ]
	# paused: pausing again and exec are refused
	vrun pause "$ID"
	[ "$status" -ne 0 ]
	vrun resume "$ID"
	[ "$status" -eq 0 ]
	[ "$(state_field status)" = running ]
	sleep 0.4
	c=$(read_counter)
	[ "$c" -gt "$b" ]
	# resuming a container that is not paused is an error
	vrun resume "$ID"
	[ "$status" -ne 0 ]
	assert_one_error_line
	assert_contains "$stderr" "not paused"
}

@test "cgroups: delete --force of a paused container kills it and removes its cgroups" {
	need_hybrid
	start_container
	pid=$(ctr_pid)
	vrun pause "$ID"
	[ "$status" -eq 0 ]
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	wait_for_exit "$pid"
	for d in $(default_cgroup_dirs "$ID"); do [ ! -e "$d" ]; done
	assert_no_leftovers
}

# As runc: containerd's shim stops a paused task with "kill ID 9" (no --all)
# and then waits for the init to exit.
@test "cgroups: kill SIGKILL of a paused container thaws it, and the init dies" {
	need_hybrid
	start_container
	pid=$(ctr_pid)
	vrun pause "$ID"
	[ "$status" -eq 0 ]
	vrun kill "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for_exit "$pid"
	[ "$(state_field status)" = stopped ]
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "cgroups: ps -f json lists the init and its child (host pids)" {
	need_hybrid
	start_container
	pid=$(ctr_pid)
	child=$(child_of "$pid")
	vrun ps --format json "$ID"
	[ "$status" -eq 0 ]
	jq -e --argjson a "$pid" --argjson b "$child" \
		'type == "array" and length == 2 and index($a) != null and index($b) != null' <<<"$stdout"
}

@test "cgroups: ps (table) keeps ps's header and the container's rows; ps options after the id" {
	need_hybrid
	start_container
	pid=$(ctr_pid)
	child=$(child_of "$pid")
	vrun ps "$ID"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == *PID* ]]
	[ "${#lines[@]}" -eq 3 ]
	printf '%s\n' "${lines[@]:1}" | awk '{print $2}' | sort >"$BATS_TEST_TMPDIR/got"
	printf '%s\n' "$pid" "$child" | sort >"$BATS_TEST_TMPDIR/want"
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	vrun ps "$ID" -- -o pid,comm
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == *PID*COMMAND* ]]
	[ "${#lines[@]}" -eq 3 ]
	[[ $stdout == *sleep* ]]
	vrun ps -f yaml "$ID"
	[ "$status" -ne 0 ]
}

@test "cgroups: kill --all reaches a background child even without a pid namespace" {
	need_hybrid
	del_ns pid
	start_container
	pid=$(ctr_pid)
	child=$(child_of "$pid")
	vrun kill --all "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for_exit "$pid"
	wait_for_exit "$child"
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	for d in $(default_cgroup_dirs "$ID"); do [ ! -e "$d" ]; done
}

@test "cgroups: delete kills what is left in the cgroup after the init exited" {
	need_hybrid
	del_ns pid
	# the init exits, its child (in the container's cgroup) stays
	set_args sh -c 'sleep 1000 & echo $! > /tmp/child; exit 0'
	start_container 2>/dev/null || true
	wait_for_file "$BUNDLE/rootfs/tmp/child"
	wait_for_status "$ID" stopped
	child=$(jq -r '.[0]' <<<"$(cat "$(jq -r .cgroupPaths.unified "$ROOT/$ID/state.json")/cgroup.procs" | jq -s .)")
	process_running "$child"
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	wait_for_exit "$child"
	for d in $(default_cgroup_dirs "$ID"); do [ ! -e "$d" ]; done
}

# ---------------------------------------------------------------------------
# cleanup

@test "cgroups: 100 create+delete cycles leave no cgroup directory behind" {
	need_hybrid
	set_args true
	before=$(cg_dirs "$CGP" | wc -l)
	for ((i = 0; i < 100; i++)); do
		cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/c$i"
		"$VEIL" --root "$ROOT" create --bundle "$BUNDLE" "c$i" </dev/null >/dev/null 3>&-
		"$VEIL" --root "$ROOT" delete --force "c$i" </dev/null >/dev/null 3>&-
	done
	after=$(cg_dirs "$CGP" | wc -l)
	[ "$before" -eq 0 ]
	[ "$after" -eq 0 ] || { cg_dirs "$CGP" >&2; false; }
}

@test "cgroups: a create that fails leaves no cgroup" {
	need_hybrid
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/fail"
	set_args /no/such/program
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	[ -z "$(cg_dirs "$CGP")" ] || { cg_dirs "$CGP" >&2; false; }
	assert_no_leftovers
}

@test "cgroups: --systemd-cgroup fails in one line when PID 1 is not systemd" {
	[ ! -d /run/systemd/system ] || skip "systemd is running on this host"
	run_raw --root "$ROOT" --systemd-cgroup create --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_one_error_line
	[ "$stderr" = "veil: --systemd-cgroup: systemd is not running on this host (PID 1 is not systemd)" ]
	assert_no_leftovers
	[ -z "$(cg_dirs "$ID")" ]
}

# ---------------------------------------------------------------------------
# the cgroup v2 backend: a private cgroup2 on /sys/fs/cgroup in a mount namespace

# in_private_v2 SCRIPT: runs the bash SCRIPT with a cgroup2 mounted on /sys/fs/cgroup (and
# nothing else there) in a private mount namespace; V is veil with the test's root, and
# $ROOT $BUNDLE $ID $CGP $VEIL are set.  Output goes to stderr; the status is the script's.
in_private_v2() {
	grep -q ' - cgroup2 ' /proc/self/mountinfo || skip "this kernel has no cgroup2 mounted"
	local script='V() { timeout -k 5 60 "$VEIL" --root "$ROOT" "$@"; }
set -eu
'$1
	ROOT=$ROOT BUNDLE=$BUNDLE ID=$ID CGP=$CGP VEIL=$VEIL BATS_TEST_TMPDIR=$BATS_TEST_TMPDIR \
		SCRIPT=$script \
		unshare -m --propagation private sh -c \
		'umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && exec bash -c "$SCRIPT"' \
		>&2 </dev/null 3>&-
}

@test "cgroups v2: placement, ps, state paths, cleanup of all it made" {
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/v2"
	in_private_v2 '
V run -d --bundle "$BUNDLE" "$ID"
pid=$(V state "$ID" | jq .pid)
grep -x "0::/$CGP/v2" /proc/$pid/cgroup
jq -e ".flags | index(\"cgroup-layout=v2\") != null" "$ROOT/$ID/state.json"
jq -e --arg p "/sys/fs/cgroup/$CGP/v2" ".cgroupPaths == {unified: \$p}" "$ROOT/$ID/state.json"
V ps -f json "$ID" | jq -e --argjson p "$pid" "index(\$p) != null and length == 2"
V delete --force "$ID"
[ ! -e "/sys/fs/cgroup/$CGP" ]
'
}

@test "cgroups v2: the init is cloned into its cgroup (CLONE_INTO_CGROUP)" {
	command -v strace >/dev/null || skip "strace is not installed"
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/clone"
	in_private_v2 '
strace -qq -e trace=clone3 -o "$BATS_TEST_TMPDIR/strace" "$VEIL" --root "$ROOT" create --bundle "$BUNDLE" "$ID"
grep -q CLONE_INTO_CGROUP "$BATS_TEST_TMPDIR/strace"
V exec "$ID" true
V delete --force "$ID"
[ ! -e "/sys/fs/cgroup/$CGP" ]
'
}

@test "cgroups v2: exec --cgroup SUB and :SUB are cloned into the sub-cgroup" {
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/v2s"
	in_private_v2 '
V run -d --bundle "$BUNDLE" "$ID"
mkdir "/sys/fs/cgroup/$CGP/v2s/inner"
V exec -d --pid-file "$BATS_TEST_TMPDIR/e.pid" --cgroup inner "$ID" sleep 999
grep -x "0::/$CGP/v2s/inner" /proc/$(cat "$BATS_TEST_TMPDIR/e.pid")/cgroup
V exec -d --pid-file "$BATS_TEST_TMPDIR/e2.pid" --cgroup :inner "$ID" sleep 999
grep -x "0::/$CGP/v2s/inner" /proc/$(cat "$BATS_TEST_TMPDIR/e2.pid")/cgroup
! V exec --cgroup nosuch "$ID" true
V delete --force "$ID"
[ ! -e "/sys/fs/cgroup/$CGP" ]
'
}

@test "cgroups v2: pause and resume through cgroup.freeze" {
	counter_args
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/freeze"
	in_private_v2 '
V run -d --bundle "$BUNDLE" "$ID"
for i in $(seq 100); do [ -s "$BUNDLE/rootfs/tmp/c" ] && break; sleep 0.05; done
V pause "$ID"
[ "$(V state "$ID" | jq -r .status)" = paused ]
grep -x "frozen 1" "/sys/fs/cgroup/$CGP/freeze/cgroup.events"
a=$(cat "$BUNDLE/rootfs/tmp/c"); sleep 0.4; b=$(cat "$BUNDLE/rootfs/tmp/c")
[ "$a" = "$b" ]
V resume "$ID"
[ "$(V state "$ID" | jq -r .status)" = running ]
sleep 0.4; c=$(cat "$BUNDLE/rootfs/tmp/c")
[ "$c" -gt "$b" ]
if V resume "$ID"; then exit 1; fi
V pause "$ID"
V delete --force "$ID"
[ ! -e "/sys/fs/cgroup/$CGP" ]
'
}

@test "cgroups v2: kill --all uses cgroup.kill and reaches a child outside the pid namespace" {
	del_ns pid
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/kill"
	in_private_v2 '
V run -d --bundle "$BUNDLE" "$ID"
pid=$(V state "$ID" | jq .pid)
for i in $(seq 100); do [ "$(wc -l < "/sys/fs/cgroup/$CGP/kill/cgroup.procs")" -ge 2 ] && break; sleep 0.05; done
child=$(grep -vx "$pid" "/sys/fs/cgroup/$CGP/kill/cgroup.procs")
V kill --all "$ID" KILL
for i in $(seq 100); do [ -s "/sys/fs/cgroup/$CGP/kill/cgroup.procs" ] || break; sleep 0.05; done
[ ! -s "/sys/fs/cgroup/$CGP/kill/cgroup.procs" ]
# gone, or a zombie not reaped yet (it may go between the two looks)
if kill -0 "$child" 2>/dev/null; then grep -q "^State:.*Z" /proc/$child/status 2>/dev/null || ! kill -0 "$child" 2>/dev/null; fi
V delete "$ID"
[ ! -e "/sys/fs/cgroup/$CGP" ]
'
}

@test "cgroups v2: create/delete cycles and a failing create leave nothing" {
	set_args true
	in_private_v2 '
for i in $(seq 20); do
	jq --arg p "/$CGP/c$i" ".linux.cgroupsPath = \$p" "$BUNDLE/config.json" > "$BUNDLE/c.json"
	mv "$BUNDLE/c.json" "$BUNDLE/config.json"
	V create --bundle "$BUNDLE" "c$i" >/dev/null
	V delete --force "c$i"
done
[ ! -e "/sys/fs/cgroup/$CGP" ]
jq ".process.args = [\"/no/such/program\"]" "$BUNDLE/config.json" > "$BUNDLE/c.json"
mv "$BUNDLE/c.json" "$BUNDLE/config.json"
if V create --bundle "$BUNDLE" "$ID"; then exit 1; fi
[ ! -e "/sys/fs/cgroup/$CGP" ]
'
}

# ---------------------------------------------------------------------------
# the freezer and veil's waits: no command may wait without a bound on another veil command or
# on a frozen process (each such call here has a timeout: exit 124 means it hung)

@test "cgroups: exec into a paused container is refused as runc refuses it" {
	need_hybrid
	start_container
	vrun pause "$ID"
	[ "$status" -eq 0 ]
	vrun exec "$ID" true
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "cannot exec in a paused container (use --ignore-paused to override)"
	vrun resume "$ID"
	[ "$status" -eq 0 ]
}

# exec_ignore_paused_then_resume [EXEC-FLAG...]: exec --ignore-paused into the paused container in
# the background; resume must get through while it waits, and the exec then runs.
exec_ignore_paused_then_resume() {
	local out=$BATS_TEST_TMPDIR/exec.out epid rc=0
	veil exec --ignore-paused "$@" "$ID" sh -c 'echo ran-after-resume' \
		</dev/null >"$out" 2>&1 3>&- &
	epid=$!
	track_pid "$epid"
	# the exec'd process is in the frozen cgroup by now (or soon): resume must not wait for it
	sleep 1
	VEIL_TIMEOUT=10 vrun resume "$ID"
	[ "$status" -eq 0 ]
	wait "$epid" || rc=$?
	cat "$out" >&2
	[ "$rc" -eq 0 ]
	grep -qx ran-after-resume "$out" || [ "$1" = -d ]
	[ "$(state_field status)" = running ]
}

@test "cgroups: exec --ignore-paused into a paused container does not block resume (v1)" {
	need_hybrid
	start_container
	vrun pause "$ID"
	[ "$status" -eq 0 ]
	exec_ignore_paused_then_resume
}

@test "cgroups: exec --ignore-paused --detach into a paused container does not block resume (v1)" {
	need_hybrid
	start_container
	vrun pause "$ID"
	[ "$status" -eq 0 ]
	exec_ignore_paused_then_resume -d
}

@test "cgroups: exec --ignore-paused into a paused container does not block resume (v2)" {
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/x"
	in_private_v2 '
V run -d --bundle "$BUNDLE" "$ID"
V pause "$ID"
V exec --ignore-paused "$ID" echo ran-after-resume >"$BATS_TEST_TMPDIR/e.out" 2>&1 </dev/null &
epid=$!
sleep 1
V resume "$ID"
wait $epid
grep -qx ran-after-resume "$BATS_TEST_TMPDIR/e.out"
V delete --force "$ID"
[ ! -e "/sys/fs/cgroup/$CGP/x" ]
'
}

# ---------------------------------------------------------------------------
# create/run into a frozen cgroup

# refused_frozen CMD: "veil CMD" exits 1 at once with one line saying the cgroup is frozen, and
# leaves no state dir and no process.
refused_frozen() {
	VEIL_TIMEOUT=10 vrun "$1" --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "frozen"
	assert_no_leftovers
}

@test "cgroups: run into a v1 cgroup that is already frozen is refused, nothing left" {
	need_hybrid
	set_args true
	mkdir -p "/sys/fs/cgroup/freezer/$CGP/cold"
	echo FROZEN >"/sys/fs/cgroup/freezer/$CGP/cold/freezer.state"
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/cold"
	refused_frozen run
	refused_frozen create
	# what veil made in the other hierarchies is gone; the frozen cgroup that was there stays
	[ -z "$(find /sys/fs/cgroup/*/"$CGP"/cold -maxdepth 0 -type d 2>/dev/null | grep -v /freezer/)" ]
	[ "$(cat "/sys/fs/cgroup/freezer/$CGP/cold/freezer.state")" = FROZEN ]
}

@test "cgroups: create below a frozen v1 parent cgroup is refused, nothing left" {
	need_hybrid
	mkdir -p "/sys/fs/cgroup/freezer/$CGP"
	echo FROZEN >"/sys/fs/cgroup/freezer/$CGP/freezer.state"
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/child"
	refused_frozen create
	[ -z "$(find /sys/fs/cgroup/*/"$CGP"/child -maxdepth 0 -type d 2>/dev/null)" ]
}

@test "cgroups: create into a frozen v2 cgroup, or below one, is refused, nothing left" {
	set_args true
	cfg '.linux.cgroupsPath = $p' --arg p "/$CGP/cold"
	in_private_v2 '
mkdir -p "/sys/fs/cgroup/$CGP/cold"
echo 1 >"/sys/fs/cgroup/$CGP/cold/cgroup.freeze"
rc=0; V create --bundle "$BUNDLE" "$ID" 2>"$BATS_TEST_TMPDIR/err" || rc=$?
cat "$BATS_TEST_TMPDIR/err"
[ "$rc" -eq 1 ]
grep -q frozen "$BATS_TEST_TMPDIR/err"
[ ! -e "$ROOT/$ID" ]
echo 0 >"/sys/fs/cgroup/$CGP/cold/cgroup.freeze"
rmdir "/sys/fs/cgroup/$CGP/cold"
echo 1 >"/sys/fs/cgroup/$CGP/cgroup.freeze"
rc=0; V run --bundle "$BUNDLE" "$ID" 2>"$BATS_TEST_TMPDIR/err" || rc=$?
cat "$BATS_TEST_TMPDIR/err"
[ "$rc" -eq 1 ]
grep -q frozen "$BATS_TEST_TMPDIR/err"
[ ! -e "$ROOT/$ID" ]
[ ! -e "/sys/fs/cgroup/$CGP/cold" ]
echo 0 >"/sys/fs/cgroup/$CGP/cgroup.freeze"
rmdir "/sys/fs/cgroup/$CGP"
'
}

@test "cgroups: a cgroup frozen from outside during create ends the create, nothing left" {
	need_hybrid
	set_args true
	# a createRuntime hook (run by veil while the init waits) freezes the init's cgroup
	cfg '.linux.cgroupsPath = $p
	   | .hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", ("echo FROZEN > " + $f)]}]' \
		--arg p "/$CGP/mid" --arg f "/sys/fs/cgroup/freezer/$CGP/mid/freezer.state"
	refused_frozen create
	[ -z "$(find /sys/fs/cgroup/*/"$CGP"/mid -maxdepth 0 -type d 2>/dev/null)" ]
}

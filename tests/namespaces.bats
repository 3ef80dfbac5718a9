#!/usr/bin/env bats
# Namespaces: new ones, joined ones (linux.namespaces[].path), user
# namespace mappings, hostname and domainname, time namespace offsets.

load helpers

YEAR=31536000 # seconds in 365 days

# The namespace a host process is in (the test's own; in the unshare -r mode, the user namespace
# is the one veil runs in).
host_ns() {
	readlink "/proc/${USERNS_HOLDER:-self}/ns/$(ns_name "$1")"
}

# new_ns_case TYPE: a container with a new TYPE namespace.
new_ns_case() {
	local type=$1 pid
	add_ns "$type"
	# unshare -r maps only 0: the container's user namespace maps that
	[ "$type" != user ] || userns_config $(in_unshare_mode && echo 0 1)
	start_container
	pid=$(ctr_pid)
	local mine theirs
	mine=$(host_ns "$type")
	theirs=$(ns_of "$pid" "$type")
	echo "host: $mine, container: $theirs" >&2
	[ -n "$theirs" ]
	[ "$theirs" != "$mine" ]
}

# ns_holder TYPE: start a process in a new TYPE namespace (made by unshare),
# print the pid of the process that is inside it.
ns_holder() {
	local type=$1 upid child
	case $type in
	pid | time)
		# with --fork the namespace's process is unshare's child: track
		# both (--kill-child also takes the child down with unshare)
		if [ "$type" = pid ]; then
			"${IN_USERNS[@]}" unshare --pid --fork --kill-child --mount-proc sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
		else
			"${IN_USERNS[@]}" unshare --time --fork --kill-child sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
		fi
		upid=$!
		track_pid "$upid"
		child=$(child_of "$upid")
		track_pid "$child"
		echo "$child"
		;;
	user)
		require_real_root "the holder's map (100000-165535) is not in the map of unshare -r"
		# map like userns_config does: 0-65535 -> 100000-165535
		unshare --user sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
		upid=$!
		track_pid "$upid"
		wait_for_ns_change "$upid" user
		echo "0 100000 65536" >"/proc/$upid/uid_map"
		echo "0 100000 65536" >"/proc/$upid/gid_map"
		echo "$upid"
		;;
	*)
		"${IN_USERNS[@]}" unshare "--$(ns_name "$type" | sed 's/^mnt$/mount/')" sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
		upid=$!
		track_pid "$upid"
		echo "$upid"
		;;
	esac
}

# wait_for_ns_change PID TYPE: until PID is in a TYPE namespace that is not
# the test's own (unshare has done its work).
wait_for_ns_change() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(ns_of "$1" "$2")" != "$(host_ns "$2")" ] && return 0
		sleep 0.05
	done
	echo "process $1 is still in the host's $2 namespace" >&2
	return 1
}

# join_ns_case TYPE: a container joining the TYPE namespace of a process.
join_ns_case() {
	local type=$1 holder pid
	holder=$(ns_holder "$type")
	wait_for_ns_change "$holder" "$type"
	add_ns "$type" "/proc/$holder/ns/$(ns_name "$type")"
	# the holder's user namespace has the mappings userns_config writes
	[ "$type" != user ] || userns_config
	start_container
	pid=$(ctr_pid)
	echo "holder: $(ns_of "$holder" "$type"), container: $(ns_of "$pid" "$type")" >&2
	[ "$(ns_of "$pid" "$type")" = "$(ns_of "$holder" "$type")" ]
}

# ---------------------------------------------------------------------------
# new namespaces

@test "namespaces: new mount namespace" {
	new_ns_case mount
}

@test "namespaces: new uts namespace" {
	new_ns_case uts
}

@test "namespaces: new ipc namespace" {
	new_ns_case ipc
}

@test "namespaces: new pid namespace (the process is pid 1 inside)" {
	new_ns_case pid
	set_args sh -c 'echo $$'
	vrun run --bundle "$BUNDLE" "${ID}b"
	[ "$status" -eq 0 ]
	[ "$stdout" = 1 ]
}

@test "namespaces: new network namespace (with only lo in it)" {
	new_ns_case network
	local pid
	pid=$(ctr_pid)
	# /proc/PID/net is the network namespace of PID
	[ "$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' "/proc/$pid/net/dev")" = lo ]
}

@test "namespaces: new user namespace" {
	new_ns_case user
}

@test "namespaces: new cgroup namespace" {
	new_ns_case cgroup
}

@test "namespaces: new time namespace" {
	new_ns_case time
}

@test "namespaces: types left out of the config are shared with the host" {
	local t pid
	for t in network ipc uts cgroup; do
		del_ns "$t"
	done
	cfg 'del(.hostname) | del(.domainname)'
	# a user namespace cannot mount mqueue without an IPC namespace of its own, and this host
	# has no /dev/mqueue to bind instead (runc fails the same way)
	! in_unshare_mode || [ -d /dev/mqueue ] || cfg '.mounts |= map(select(.type != "mqueue"))'
	start_container
	pid=$(ctr_pid)
	for t in network ipc uts cgroup; do
		if [ "$(ns_of "$pid" "$t")" != "$(host_ns "$t")" ]; then
			echo "$t: container $(ns_of "$pid" "$t") != host $(host_ns "$t")" >&2
			return 1
		fi
	done
	# and the ones in the config are new
	[ "$(ns_of "$pid" pid)" != "$(host_ns pid)" ]
	[ "$(ns_of "$pid" mount)" != "$(host_ns mount)" ]
}

# ---------------------------------------------------------------------------
# joined namespaces

@test "namespaces: join a mount namespace by path" {
	join_ns_case mount
}

# joined_mnt_root_case HOLDER [CREATE-FLAG...]: a container joining the mount
# namespace of HOLDER (made by unshare, a copy of the host's) still runs on
# its bundle's rootfs, and the namespace it joined keeps its root and every
# mount it had, unchanged (the container may only add its own under its
# rootfs).
joined_mnt_root_case() {
	local holder=$1 before after gone added rootfs=$BUNDLE/rootfs
	shift
	touch "$rootfs/rootfs-$MARK"
	add_ns mount "/proc/$holder/ns/mnt"
	before=$(cat "/proc/$holder/mountinfo")
	set_args sh -c 'ls /; readlink /proc/self/ns/mnt'
	vrun run --bundle "$BUNDLE" "$@" "$ID"
	[ "$status" -eq 0 ]
	# the bundle's rootfs has the marker; the host's / has /usr, it has not
	assert_contains "$stdout" "rootfs-$MARK"
	if grep -qx usr <<<"$stdout"; then
		echo "the container's / is the host's" >&2
		return 1
	fi
	# placed in the namespace it asked for
	[ "${lines[-1]}" = "$(ns_of "$holder" mount)" ]
	# the holder still runs on the host's root
	[ -d "/proc/$holder/root/usr" ]
	[ ! -e "/proc/$holder/root/rootfs-$MARK" ]
	after=$(cat "/proc/$holder/mountinfo")
	gone=$(comm -23 <(sort <<<"$before") <(sort <<<"$after"))
	if [ -n "$gone" ]; then
		printf 'mounts of the joined namespace changed or gone:\n%s\n' "$gone" >&2
		return 1
	fi
	added=$(comm -13 <(sort <<<"$before") <(sort <<<"$after") |
		awk -v r="$rootfs" '$5 != r && index($5, r "/") != 1')
	if [ -n "$added" ]; then
		printf 'mounts added outside the rootfs:\n%s\n' "$added" >&2
		return 1
	fi
}

# mnt_holder: a process in a new mount namespace (made by unshare).
mnt_holder() {
	local upid
	"${IN_USERNS[@]}" unshare --mount sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	upid=$!
	track_pid "$upid"
	wait_for_ns_change "$upid" mount
	echo "$upid"
}

@test "namespaces: a joined mount namespace still runs on the bundle's rootfs" {
	joined_mnt_root_case "$(mnt_holder)"
}

@test "namespaces: a joined mount namespace with --no-pivot runs on the bundle's rootfs" {
	joined_mnt_root_case "$(mnt_holder)" --no-pivot
}

@test "namespaces: joined user and mount namespaces run on the bundle's rootfs" {
	local holder
	require_real_root "the holder's map (100000-165535) is not in the map of unshare -r"
	# the holder's mount namespace belongs to its user namespace, which maps
	# like userns_config does: 0-65535 -> 100000-165535
	unshare --user --mount sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	holder=$!
	track_pid "$holder"
	wait_for_ns_change "$holder" mount
	echo "0 100000 65536" >"/proc/$holder/uid_map"
	echo "0 100000 65536" >"/proc/$holder/gid_map"
	add_ns user "/proc/$holder/ns/user"
	userns_config
	joined_mnt_root_case "$holder"
	[ "$(ns_of "$holder" user)" != "$(host_ns user)" ]
}

@test "namespaces: a joined mount namespace whose rootfs mount is shared is refused, unchanged" {
	local holder before
	# every mount shared: a bind of the rootfs would spread to the peers
	# (runc makes the whole namespace a slave instead)
	"${IN_USERNS[@]}" unshare --mount --propagation shared sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	holder=$!
	track_pid "$holder"
	wait_for_ns_change "$holder" mount
	add_ns mount "/proc/$holder/ns/mnt"
	before=$(cat "/proc/$holder/mountinfo")
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "root.path: $BUNDLE/rootfs is on a shared mount"
	assert_no_leftovers
	[ "$(cat "/proc/$holder/mountinfo")" = "$before" ]
}

@test "namespaces: a failed setup in a joined mount namespace takes its mounts back out" {
	local holder before
	holder=$(mnt_holder)
	add_ns mount "/proc/$holder/ns/mnt"
	# /proc and /dev are mounted by then; the bad entry comes last
	cfg '.mounts += [{destination: "/mnt", type: "no-such-fs", source: "none"}]'
	before=$(cat "/proc/$holder/mountinfo")
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "no-such-fs"
	assert_no_leftovers
	[ "$(cat "/proc/$holder/mountinfo")" = "$before" ]
}

@test "namespaces: joining the runtime's own mount namespace is refused" {
	add_ns mount /proc/self/ns/mnt
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "linux.namespaces: mount: /proc/self/ns/mnt is the runtime's own mount namespace"
	assert_no_leftovers
	# (other runs on this host mount things meanwhile: look for ours only)
	! grep -qF "$BUNDLE" /proc/self/mountinfo
}

@test "namespaces: join a uts namespace by path" {
	join_ns_case uts
}

@test "namespaces: join an ipc namespace by path" {
	join_ns_case ipc
}

@test "namespaces: join a pid namespace by path" {
	join_ns_case pid
}

@test "namespaces: join a network namespace by path" {
	join_ns_case network
}

@test "namespaces: join a user namespace by path" {
	join_ns_case user
}

@test "namespaces: join a cgroup namespace by path" {
	join_ns_case cgroup
}

@test "namespaces: join a time namespace by path" {
	join_ns_case time
}

@test "namespaces: a path to a namespace of another type is rejected" {
	local path=/proc/$$/ns/net
	add_ns ipc "$path"
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "$path"
	assert_no_leftovers
}

@test "namespaces: a nonexistent namespace path is rejected" {
	local path=$BATS_TEST_TMPDIR/no-such-ns
	add_ns network "$path"
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "$path"
	assert_no_leftovers
}

@test "namespaces: a namespace path that is a regular file is rejected" {
	local path=$BATS_TEST_TMPDIR/not-a-ns
	echo hello >"$path"
	add_ns uts "$path"
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "$path"
	assert_no_leftovers
}

# ---------------------------------------------------------------------------
# user namespace mappings

@test "namespaces: uid and gid mappings are written to uid_map and gid_map" {
	userns_config 100000 65536
	start_container
	local pid
	pid=$(ctr_pid)
	[ "$(awk '{ $1 = $1; print }' "/proc/$pid/uid_map")" = "0 100000 65536" ]
	[ "$(awk '{ $1 = $1; print }' "/proc/$pid/gid_map")" = "0 100000 65536" ]
	# seen from the host, the process runs as uid/gid 100000
	[ "$(stat -c %u:%g "/proc/$pid")" = 100000:100000 ]
}

@test "namespaces: several mapping ranges" {
	require_real_root "maps host ids 200000-200999, 300000-300999 and 400000-400009; unshare -r maps uid/gid 0 only"
	add_ns user
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 200000, size: 1000},
	                           {containerID: 1000, hostID: 300000, size: 1000}]
	   | .linux.gidMappings = [{containerID: 0, hostID: 400000, size: 10}]'
	allow_traversal
	start_container
	local pid
	pid=$(ctr_pid)
	[ "$(awk '{ $1 = $1; print }' "/proc/$pid/uid_map" | tr '\n' ,)" = "0 200000 1000,1000 300000 1000," ]
	[ "$(awk '{ $1 = $1; print }' "/proc/$pid/gid_map")" = "0 400000 10" ]
}

@test "namespaces: the process is uid 0 and gid 0 inside its user namespace" {
	userns_config 100000 65536
	set_args sh -c 'id -u; id -g'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = "0
0" ]
}

@test "namespaces: process.user is applied inside the user namespace" {
	userns_config 100000 65536
	cfg '.process.user = {uid: 1000, gid: 1000}'
	set_args sh -c 'id -u; id -g; cat /proc/self/uid_map'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1000 ]
}

# ---------------------------------------------------------------------------
# hostname, domainname

@test "namespaces: hostname is set in the new uts namespace" {
	local before
	before=$(hostname)
	cfg '.hostname = "bats-box"'
	set_args hostname
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = bats-box ]
	[ "$(hostname)" = "$before" ]
}

@test "namespaces: domainname is set in the new uts namespace" {
	local before
	before=$(cat /proc/sys/kernel/domainname)
	cfg '.domainname = "bats.example"'
	set_args cat /proc/sys/kernel/domainname
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = bats.example ]
	[ "$(cat /proc/sys/kernel/domainname)" = "$before" ]
}

# ---------------------------------------------------------------------------
# time namespace offsets

time_offsets_config() {
	add_ns time
	cfg '.linux.timeOffsets = {monotonic: {secs: $y, nanosecs: 0}, boottime: {secs: $y, nanosecs: 0}}' \
		--argjson y "$YEAR"
}

@test "namespaces: timeOffsets show in timens_offsets" {
	time_offsets_config
	start_container
	local pid
	pid=$(ctr_pid)
	run awk '{ $1 = $1; print }' "/proc/$pid/timens_offsets"
	[ "$status" -eq 0 ]
	grep -qx "monotonic $YEAR 0" <<<"$output"
	grep -qx "boottime $YEAR 0" <<<"$output"
}

@test "namespaces: the container's uptime includes the boottime offset" {
	time_offsets_config
	set_args cat /proc/uptime
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	local up=${stdout%%.*}
	echo "uptime inside: $stdout" >&2
	[ "$up" -ge "$YEAR" ]
	[ "$(cut -d. -f1 /proc/uptime)" -lt "$YEAR" ]
}

@test "namespaces: a time namespace together with a user namespace" {
	time_offsets_config
	userns_config 100000 65536
	set_args sh -c 'id -u; cat /proc/uptime'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]%%.*}" -ge "$YEAR" ]
}

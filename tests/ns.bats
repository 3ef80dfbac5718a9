#!/usr/bin/env bats
# veil ns: a container's namespaces, checked against /proc/PID/ns and lsns -J.

load helpers

# ns_json: veil ns -f json of $ID into $stdout (must succeed)
ns_json() {
	vrun ns --format json "$ID"
	[ "$status" -eq 0 ]
}

# inode of TYPE in veil's JSON
json_inode() {
	jq -r --arg t "$1" '.namespaces[] | select(.type == $t) | .inode' <<<"$stdout"
}
json_field() {
	jq -r --arg t "$1" ".namespaces[] | select(.type == \$t) | $2" <<<"$stdout"
}

@test "ns: every inode is /proc/PID/ns's and lsns's; new ones are new, the rest shared" {
	command -v lsns >/dev/null || skip "lsns (util-linux) is not installed"
	create_container
	local pid t ino lsns_json
	pid=$(ctr_pid)
	ns_json
	[ "$(jq -r .pid <<<"$stdout")" = "$pid" ]
	[ "$(jq -r .status <<<"$stdout")" = created ]
	lsns_json=$(lsns -J -p "$pid")
	for t in mnt uts ipc pid net user cgroup time; do
		[ -e "/proc/$pid/ns/$t" ] || continue
		ino=$(readlink "/proc/$pid/ns/$t")
		ino=${ino#*[}
		ino=${ino%]}
		[ "$(json_inode "$t")" = "$ino" ]
		[ "$(jq -r --arg t "$t" '.namespaces[] | select(.type == $t) | .ns' <<<"$lsns_json")" = "$ino" ]
		[ "$(json_field "$t" .path)" = "/proc/$pid/ns/$t" ]
		[ "$(json_field "$t" '.pids | join(",")')" = "$pid" ]
	done
	# the template makes these (config.json) and veil always makes a cgroup namespace there
	for t in mnt uts ipc pid net; do
		[ "$(json_field "$t" .origin)" = new ]
		[ "$(ns_of "$pid" "$t")" != "$(ns_of $$ "$t")" ]
	done
	# no user or time namespace in the config: the runtime's, which is this shell's
	[ "$(json_field user .origin)" = shared ]
	[ "$(ns_of "$pid" user)" = "$(ns_of $$ user)" ]
	[ "$(json_field user .uidMappings)" = null ]
	# the host reference: PID 1's namespaces, or veil's own where PID 1's are hidden (a sandbox)
	local href=/proc/1/ns
	readlink /proc/1/ns/user >/dev/null 2>&1 || href=/proc/self/ns
	[ "$(jq -r .hostReference <<<"$stdout")" = "$href" ]
	ino=$(readlink "$href/user")
	ino=${ino#*[}
	[ "$(json_field user .hostInode)" = "${ino%]}" ]
	[ "$(json_field user .host)" = true ]
	[ "$(json_field net .host)" = false ]
	# the owner of each is the user namespace it was made in: ours
	ino=$(readlink /proc/$$/ns/user)
	ino=${ino#*[}
	[ "$(json_field net .ownerUserns)" = "${ino%]}" ]
}

@test "ns: the table names each type, its inode and the nsenter path" {
	create_container
	local pid ino
	pid=$(ctr_pid)
	vrun ns "$ID"
	[ "$status" -eq 0 ]
	ino=$(readlink "/proc/$pid/ns/net")
	ino=${ino#*[}
	local href=/proc/1/ns
	readlink /proc/1/ns/net >/dev/null 2>&1 || href=/proc/self/ns
	assert_contains "$stdout" "the host is $href"
	printf '%s\n' "${lines[@]}" | grep -E "^net +${ino%]} +new .* /proc/$pid/ns/net +$pid\$"
}

@test "ns: a network namespace joined by path is JOINED, with the path, and is the other's" {
	local other=${ID}b opid
	create_container
	opid=$(ctr_pid)
	track_container "$ROOT" "$other"
	add_ns network "/proc/$opid/ns/net"
	vrun create --bundle "$BUNDLE" "$other"
	[ "$status" -eq 0 ]
	vrun ns --format json "$other"
	[ "$status" -eq 0 ]
	[ "$(json_field net .origin)" = joined ]
	[ "$(json_field net .joinedPath)" = "/proc/$opid/ns/net" ]
	[ "$(json_field net .inode)" = "$(readlink "/proc/$opid/ns/net" | tr -dc 0-9)" ]
	[ "$(json_field uts .origin)" = new ]
	veil delete --force "$other"
}

@test "ns: a user namespace shows its maps and is the owner of the others" {
	userns_config 100000 65536
	create_container
	local pid uino
	pid=$(ctr_pid)
	ns_json
	[ "$(json_field user .origin)" = new ]
	[ "$(json_field user '.uidMappings[0] | "\(.containerID) \(.hostID) \(.size)"')" = "0 100000 65536" ]
	[ "$(json_field user '.gidMappings[0] | "\(.containerID) \(.hostID) \(.size)"')" = "0 100000 65536" ]
	uino=$(readlink "/proc/$pid/ns/user" | tr -dc 0-9)
	[ "$(json_field net .ownerUserns)" = "$uino" ]
	[ "$(json_field mnt .ownerUserns)" = "$uino" ]
	vrun ns "$ID"
	assert_contains "$stdout" "uid_map: 0 100000 65536"
}

@test "ns: a time namespace shows its offsets" {
	[ -e /proc/self/ns/time ] || skip "this kernel has no time namespaces"
	add_ns time
	cfg '.linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 5}, boottime: {secs: 3600}}'
	create_container
	ns_json
	[ "$(json_field time .origin)" = new ]
	[ "$(json_field time '.timeOffsets.monotonic | "\(.secs) \(.nanosecs)"')" = "86400 5" ]
	[ "$(json_field time '.timeOffsets.boottime.secs')" = 3600 ]
}

@test "ns: every process of the container is listed in the namespaces it is in" {
	start_container
	local pid kids
	pid=$(ctr_pid)
	# sh -c "sleep 1000; : MARK" keeps sh as the parent of sleep: two processes
	for _ in $(seq 50); do
		kids=$(veil ps --format json "$ID" | jq length)
		[ "$kids" -ge 2 ] && break
		sleep 0.1
	done
	ns_json
	[ "$(json_field pid '.pids | length')" -ge 2 ]
	[ "$(json_field net '.pids | sort | join(",")')" = "$(veil ps --format json "$ID" | jq -r 'sort | join(",")')" ]
}

@test "ns: a paused container can be read" {
	start_container
	veil pause "$ID"
	ns_json
	[ "$(jq -r .status <<<"$stdout")" = paused ]
	[ "$(json_inode net)" = "$(readlink "/proc/$(ctr_pid)/ns/net" | tr -dc 0-9)" ]
	veil resume "$ID"
}

@test "ns: a stopped container is a one-line error" {
	set_args true
	create_container
	vrun start "$ID"
	wait_for_status "$ID" stopped
	vrun ns "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "container \"$ID\" is stopped"
}

@test "ns: an unknown id, a bad format and a missing id are one-line errors" {
	vrun ns "nosuch-$$"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "nosuch-$$"
	vrun ns --format yaml "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "--format"
	vrun ns
	[ "$status" -eq 1 ]
	assert_one_error_line
}

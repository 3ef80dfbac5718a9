#!/usr/bin/env bats
# /dev: the default devices and symlinks of runtime-linux.md, /dev/pts and
# /dev/ptmx, /dev/shm, and linux.devices (types c, u, b, p; major/minor;
# fileMode; uid/gid; bind-mounted host nodes in a user namespace).

load helpers

# add_device JSON: append one entry to linux.devices.
add_device() {
	cfg '.linux.devices += [$d]' --argjson d "$1"
}

@test "devices: the default devices have the right type and major:minor" {
	run_sh 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T" /dev/$d; done'
	[[ $stdout == *"/dev/null character special file 1:3"* ]]
	[[ $stdout == *"/dev/zero character special file 1:5"* ]]
	[[ $stdout == *"/dev/full character special file 1:7"* ]]
	[[ $stdout == *"/dev/random character special file 1:8"* ]]
	[[ $stdout == *"/dev/urandom character special file 1:9"* ]]
	[[ $stdout == *"/dev/tty character special file 5:0"* ]]
}

@test "devices: the default devices work (read zero, write null, full is full)" {
	run_sh 'head -c 4 /dev/zero | od -An -tx1; echo x >/dev/null && echo NULL-OK; echo x >/dev/full 2>/dev/null || echo FULL-ENOSPC; head -c 8 /dev/urandom | wc -c'
	[[ $stdout == *"00 00 00 00"* ]]
	[[ $stdout == *NULL-OK* ]]
	[[ $stdout == *FULL-ENOSPC* ]]
	[[ $stdout == *8* ]]
}

@test "devices: the /dev symlinks (fd, stdin, stdout, stderr, ptmx)" {
	run_sh 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done'
	[[ $stdout == *"fd -> /proc/self/fd"$'\n'* ]]
	[[ $stdout == *"stdin -> /proc/self/fd/0"* ]]
	[[ $stdout == *"stdout -> /proc/self/fd/1"* ]]
	[[ $stdout == *"stderr -> /proc/self/fd/2"* ]]
	[[ $stdout == *"ptmx -> pts/ptmx"* ]]
}

@test "devices: /dev/pts is a new devpts instance and /dev/ptmx opens a pty" {
	run_sh 'grep " /dev/pts " /proc/self/mountinfo; exec 3<>/dev/ptmx && echo PTMX-OPEN; ls /dev/pts'
	[[ $stdout == *" - devpts "* ]]
	[[ $stdout == *PTMX-OPEN* ]]
	# opening ptmx made pty 0 in the container's own instance
	[[ $stdout == *$'\n'0$'\n'* || $stdout == *$'\n'0 ]]
}

@test "devices: /dev/shm is a writable tmpfs" {
	run_sh 'echo data >/dev/shm/f && cat /dev/shm/f; grep " /dev/shm " /proc/self/mountinfo'
	[[ $stdout == *data* ]]
	[[ $stdout == *" - tmpfs "* ]]
}

@test "devices: a configured char device with fileMode, uid and gid" {
	add_device '{"path":"/dev/mynull","type":"c","major":1,"minor":3,"fileMode":384,"uid":1,"gid":2}'
	run_sh 'stat -c "%F %t:%T %a %u:%g" /dev/mynull; echo x 2>/dev/null >/dev/mynull || echo DENIED'
	[[ $stdout == *"character special file 1:3 600 1:2"* ]]
	# the container's root has no CAP_DAC_OVERRIDE: mode 0600 of uid 1 is enforced
	[[ $stdout == *DENIED* ]]
}

@test "devices: type u is a char device, b a block device, p a fifo; a path outside /dev works" {
	local blk maj min
	blk=$(lsblk -dno NAME,TYPE 2>/dev/null | awk '$2 == "disk" { print $1; exit }')
	[ -n "$blk" ] || skip "no block device on this host"
	maj=$(( 0x$(stat -c %t "/dev/$blk") ))
	min=$(( 0x$(stat -c %T "/dev/$blk") ))
	add_device '{"path":"/dev/myzero","type":"u","major":1,"minor":5}'
	add_device "$(jq -nc --argjson M "$maj" --argjson m "$min" '{path:"/dev/myblk",type:"b",major:$M,minor:$m,fileMode:416}')"
	add_device '{"path":"/dev/myfifo","type":"p"}'
	add_device '{"path":"/opt/devs/null2","type":"c","major":1,"minor":3}'
	run_sh 'stat -c "%n %F %t:%T %a" /dev/myzero /dev/myblk /dev/myfifo /opt/devs/null2'
	[[ $stdout == *"/dev/myzero character special file 1:5"* ]]
	[[ $stdout == *"/dev/myblk block special file $(printf %x "$maj"):$(printf %x "$min") 640"* ]]
	[[ $stdout == *"/dev/myfifo fifo"* ]]
	[[ $stdout == *"/opt/devs/null2 character special file 1:3"* ]]
}

@test "devices: inside a user namespace a device is the host's node, bind-mounted" {
	userns_config
	add_device '{"path":"/dev/mynull","type":"c","major":1,"minor":3}'
	add_device '{"path":"/dev/myfifo","type":"p"}'
	run_sh 'stat -c "%F %t:%T" /dev/mynull /dev/null; echo x >/dev/mynull && echo WRITE-OK; stat -c %F /dev/myfifo; grep -c " /dev/mynull " /proc/self/mountinfo'
	[[ $stdout == *"character special file 1:3"$'\n'"character special file 1:3"* ]]
	[[ $stdout == *WRITE-OK* ]]
	[[ $stdout == *fifo* ]]
	[ "${lines[-1]}" -ge 1 ]
}

@test "devices: inside a user namespace a device the host does not have is an error naming it" {
	userns_config
	add_device '{"path":"/dev/null","type":"c","major":1,"minor":3}'
	add_device '{"path":"/dev/nosuch","type":"c","major":1,"minor":250}'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_one_error_line
	assert_contains "$stderr" "linux.devices[1]"
	assert_no_leftovers
}

@test "devices: an unknown device type is an error naming the field" {
	add_device '{"path":"/dev/x","type":"c","major":1,"minor":3}'
	cfg '.linux.devices[0].type = "z"'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "linux.devices[0]"
	assert_no_leftovers
}

# ---------------------------------------------------------------------------
# device cgroup: a node in linux.devices grants nothing by itself

# The /dev/kmsg attack: the config gives the node (linux.devices) but its
# rules deny every device.  The container only opens it (for writing, then
# reading; "true", not ":", whose failed redirection would end the shell) and
# never writes: even a runtime that lets the open through leaves the host's
# kernel log alone.  A node it makes itself (mknod is
# allowed for any device) opens no better.
kmsg_attack_config() {
	add_device '{"path":"/dev/kmsg","type":"c","major":1,"minor":11,"fileMode":438}'
	cfg '.linux.resources.devices = [{allow: false, access: "rwm"}]'
	set_args sh -c 'exec 2>&1
		true >/dev/null && echo NULL-OK
		if true >/dev/kmsg; then echo KMSG-W-OPENED; else echo KMSG-W-DENIED; fi
		if true </dev/kmsg; then echo KMSG-R-OPENED; else echo KMSG-R-DENIED; fi
		mknod /tmp/kmsg2 c 1 11 && if true >/tmp/kmsg2; then echo MKNOD-OPENED; else echo MKNOD-DENIED; fi'
	add_cap CAP_MKNOD
}

# add_cap CAP: CAP in every capability set of the process.
add_cap() {
	cfg '.process.capabilities |= with_entries(.value += [$c])' --arg c "$1"
}

assert_kmsg_denied() {
	assert_contains "$stdout" NULL-OK
	assert_contains "$stdout" KMSG-W-DENIED
	assert_contains "$stdout" KMSG-R-DENIED
	assert_contains "$stdout" MKNOD-DENIED
	assert_contains "$stdout" "/dev/kmsg: Operation not permitted"
	[[ $stdout != *OPENED* ]]
}

# v1_devices_list PID: the sorted devices.list of PID's v1 devices cgroup.
v1_devices_list() {
	local path mnt
	path=$(awk -F: '$2 == "devices" { print $3 }' "/proc/$1/cgroup")
	mnt=$(awk '$3 == "cgroup" && $4 ~ /(^|,)devices(,|$)/ { print $2; exit }' /proc/self/mounts)
	sort "$mnt$path/devices.list"
}

have_v1_devices() {
	awk '$3 == "cgroup" && $4 ~ /(^|,)devices(,|$)/ { f = 1 } END { exit !f }' /proc/self/mounts
}

@test "devices: v1: a node in linux.devices denied by the rules cannot be opened (/dev/kmsg)" {
	have_v1_devices || skip "no v1 devices hierarchy on this host"
	kmsg_attack_config
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	assert_kmsg_denied
}

@test "devices: v2 (BPF): a node in linux.devices denied by the rules cannot be opened (/dev/kmsg)" {
	kmsg_attack_config
	run_in_cgroup2 "$BATS_TEST_TMPDIR/root2"
	[ "$status" -eq 0 ]
	assert_kmsg_denied
}

@test "devices: v1: with no rules in the config the default set still applies (/dev/kmsg)" {
	have_v1_devices || skip "no v1 devices hierarchy on this host"
	kmsg_attack_config
	cfg 'del(.linux.resources)'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	assert_kmsg_denied
}

# runc's container is removed here and, should the test fail first, in teardown.
teardown() {
	local rroot id
	if [ -f "$BATS_TEST_TMPDIR/runc-root" ]; then
		rroot=$(cat "$BATS_TEST_TMPDIR/runc-root")
		for id in $(runc --root "$rroot" list -q 2>/dev/null); do
			runc --root "$rroot" delete -f "$id" >/dev/null 2>&1 || true
		done
	fi
	common_teardown
}

# devices_list_like_runc: the same bundle under runc and veil, their v1
# devices.list compared; veil's is left in $DEVICES_LIST.
devices_list_like_runc() {
	local rroot=$BATS_TEST_TMPDIR/runc theirs mine
	command -v runc >/dev/null || skip "runc is not installed"
	echo "$rroot" >"$BATS_TEST_TMPDIR/runc-root"
	runc --root "$rroot" run -d --bundle "$BUNDLE" "$ID-runc" </dev/null >/dev/null 2>&1 3>&-
	theirs=$(v1_devices_list "$(runc --root "$rroot" state "$ID-runc" | jq .pid)")
	runc --root "$rroot" delete -f "$ID-runc"
	start_container
	mine=$(v1_devices_list "$(ctr_pid)")
	if [ "$mine" != "$theirs" ]; then
		diff <(echo "$theirs") <(echo "$mine") | sed 's/^/# runc < > veil: /' >&2
		return 1
	fi
	DEVICES_LIST=$mine
	[ -n "$mine" ]
}

@test "devices: v1 devices.list is runc's for a node in linux.devices and deny-all rules" {
	have_v1_devices || skip "no v1 devices hierarchy on this host"
	add_device '{"path":"/dev/kmsg","type":"c","major":1,"minor":11}'
	cfg '.linux.resources.devices = [{allow: false, access: "rwm"}]'
	devices_list_like_runc
	grep -qx 'c 1:3 rwm' <<<"$DEVICES_LIST"
	! grep -q '1:11' <<<"$DEVICES_LIST"
}

@test "devices: v1 devices.list is runc's with rules that allow a device and no resources at all" {
	have_v1_devices || skip "no v1 devices hierarchy on this host"
	add_device '{"path":"/dev/kmsg","type":"c","major":1,"minor":11}'
	cfg '.linux.resources.devices = [{allow: false, access: "rwm"},
	                                  {allow: true, type: "c", major: 1, minor: 11, access: "r"}]'
	devices_list_like_runc
	cfg 'del(.linux.resources)'
	ID=${ID}b devices_list_like_runc
}

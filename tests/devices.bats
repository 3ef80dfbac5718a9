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

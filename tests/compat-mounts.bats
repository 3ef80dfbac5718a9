#!/usr/bin/env bats
# Mounts, devices, paths and namespaces where veil must do what runc 1.1.5 (Debian's runc) does
# with the same bundle (issue 11, part 2), or refuse with a clear error where runc would change
# the host.  Each test runs the bundle under runc too, where runc's run can be compared.

load helpers

teardown() {
	local id
	if [ -d "$BATS_TEST_TMPDIR/runc-root" ]; then
		for id in $(runc --root "$BATS_TEST_TMPDIR/runc-root" list -q 2>/dev/null); do
			runc --root "$BATS_TEST_TMPDIR/runc-root" delete -f "$id" >/dev/null 2>&1 || true
		done
	fi
	common_teardown
}

need_runc() {
	command -v runc >/dev/null || skip "runc (the reference runtime) is not installed"
}

# runc_sh SCRIPT [RUNC-RUN-FLAG...]: the bundle as it is now, with process.args = sh -c SCRIPT,
# run by runc from a copy of it (whatever runc creates in the rootfs stays there).  Sets
# $runc_status, $runc_out, $runc_err.  The runc run is in a mount namespace of its own, so
# that what runc leaves in its mount namespace cannot reach the host.
runc_sh() {
	local script=$1 rb=$BATS_TEST_TMPDIR/runc-bundle
	shift
	need_runc
	set_args sh -c "$script"
	rm -rf "$rb"
	cp -a "$BUNDLE" "$rb"
	runc_status=0
	unshare -m --propagation private timeout -k 5 60 \
		runc --root "$BATS_TEST_TMPDIR/runc-root" run "$@" --bundle "$rb" "$ID-runc" \
		</dev/null >"$BATS_TEST_TMPDIR/runc.out" 2>"$BATS_TEST_TMPDIR/runc.err" 3>&- ||
		runc_status=$?
	runc_out=$(cat "$BATS_TEST_TMPDIR/runc.out")
	runc_err=$(cat "$BATS_TEST_TMPDIR/runc.err")
	echo "# runc run -> $runc_status; stdout: $runc_out; stderr: $runc_err" >&2
}

# same_as_runc SCRIPT [FLAG...]: runc and veil run SCRIPT with FLAG..., both succeed and print
# the same.
same_as_runc() {
	local script=$1
	shift
	runc_sh "$script" "$@"
	[ "$runc_status" -eq 0 ]
	set_args sh -c "$script"
	vrun run "$@" --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = "$runc_out" ] || {
		diff <(echo "$runc_out") <(echo "$stdout") | sed 's/^/# runc < > veil: /' >&2
		return 1
	}
}

mount_count() {
	grep -c '' /proc/self/mountinfo
}

# ---------------------------------------------------------------------------
# namespaces

# Without a mount namespace the container runs in the host's, chrooted into the rootfs; nothing
# is mounted.  runc 1.1.5 cannot run this one (its init needs a /proc for its fds).
@test "compat: no linux.namespaces and no mounts: the container runs in the host's namespaces" {
	cfg 'del(.linux.namespaces) | del(.hostname) | del(.linux.maskedPaths)
	   | del(.linux.readonlyPaths) | .mounts = []'
	local before after pid t
	before=$(mount_count)
	set_args sh -c 'ls -d /bin /etc; test -c /dev/null && test -c /dev/zero && echo devices; sleep 1000'
	start_container
	pid=$(ctr_pid)
	for t in mnt pid net ipc uts cgroup user; do
		[ "$(readlink "/proc/$pid/ns/$t")" = "$(readlink "/proc/self/ns/$t")" ]
	done
	# its root is the bundle's rootfs, and no mount was made for it
	[ "$(readlink "/proc/$pid/root")" = "$(cd "$BUNDLE/rootfs" && pwd -P)" ]
	# exec enters that root too
	vrun exec "$ID" sh -c 'ls -d /bin; test -d /proc/self || echo no-procfs'
	[ "$status" -eq 0 ]
	[ "$stdout" = $'/bin\nno-procfs' ]
	after=$(mount_count)
	[ "$before" -eq "$after" ]
	! grep -F "$BUNDLE" /proc/self/mountinfo
	veil delete --force "$ID"
	[ "$(mount_count)" -eq "$before" ]
}

@test "compat: without a mount namespace, only the namespaces asked for are new" {
	del_ns mount
	cfg 'del(.linux.maskedPaths) | del(.linux.readonlyPaths) | .mounts = []'
	local pid
	set_args sleep 1000
	start_container
	pid=$(ctr_pid)
	[ "$(readlink "/proc/$pid/ns/mnt")" = "$(readlink /proc/self/ns/mnt)" ]
	[ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]
	[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ]
	[ "$(readlink "/proc/$pid/ns/uts")" != "$(readlink /proc/self/ns/uts)" ]
	! grep -F "$BUNDLE" /proc/self/mountinfo
}

# runc makes these mounts in the host's mount namespace and leaves them there after delete:
# veil refuses, naming the mount.
@test "compat: without a mount namespace, mounts[] is refused (runc leaves them on the host)" {
	need_runc
	cfg 'del(.linux.namespaces) | del(.hostname) | del(.linux.maskedPaths)
	   | del(.linux.readonlyPaths)'
	local rb=$BATS_TEST_TMPDIR/runc-bundle left
	set_args true
	cp -a "$BUNDLE" "$rb"
	left=$(unshare -m --propagation private sh -c '
		runc --root "$1" run --bundle "$2" "$3" </dev/null >/dev/null 2>&1 3>&-
		runc --root "$1" delete -f "$3" >/dev/null 2>&1
		grep -cF "$2/rootfs" /proc/self/mountinfo' sh "$BATS_TEST_TMPDIR/runc-root" "$rb" "$ID-runc")
	echo "# runc left $left mounts in its mount namespace" >&2
	[ "$left" -gt 0 ]
	expect_create_error 'mounts[0]' '"/proc"' 'mount namespace'
}

@test "compat: without a mount namespace, maskedPaths and root.readonly are refused" {
	cfg 'del(.linux.namespaces) | del(.hostname) | .mounts = []'
	expect_create_error 'linux.maskedPaths' 'mount namespace'
	cfg 'del(.linux.maskedPaths) | del(.linux.readonlyPaths) | .root.readonly = true'
	expect_create_error 'root.readonly' 'mount namespace'
}

@test "compat: a new network namespace has lo up, as with runc" {
	# IFF_UP | IFF_LOOPBACK = 0x9; down it is 0x8
	same_as_runc 'cat /sys/class/net/lo/flags'
	[ "$stdout" = 0x9 ]
}

# ---------------------------------------------------------------------------
# mounts

@test "compat: a mount destination that is a dangling symlink creates its target in the rootfs" {
	ln -s /target/deep "$BUNDLE/rootfs/dangle"
	ln -s ../../rtarget/x "$BUNDLE/rootfs/etc/rel"
	ln -s /tfile "$BUNDLE/rootfs/filelink"
	cfg '.mounts += [{destination: "/dangle", type: "tmpfs", source: "tmpfs"},
	                 {destination: "/etc/rel", type: "tmpfs", source: "tmpfs"},
	                 {destination: "/filelink", type: "bind", source: "/etc/hostname",
	                  options: ["bind"]}]'
	same_as_runc 'awk '\''$5 ~ /target|tfile/ { print $5 }'\'' /proc/self/mountinfo'
	[ "$stdout" = $'/target/deep\n/rtarget/x\n/tfile' ]
	[ -d "$BUNDLE/rootfs/target/deep" ] && [ -d "$BUNDLE/rootfs/rtarget/x" ]
	[ -f "$BUNDLE/rootfs/tfile" ]
	[ ! -e /target ] && [ ! -e /rtarget ] && [ ! -e /tfile ]
}

@test "compat: a bind source below a directory only root can enter works in a user namespace" {
	local src=$BATS_TEST_TMPDIR/locked
	mkdir -p "$src/sub"
	echo secret >"$src/sub/f"
	chmod 000 "$src"
	userns_config
	chown -R 100000:100000 "$BUNDLE/rootfs"
	cfg '.mounts += [{destination: "/data", type: "bind", source: $s, options: ["bind", "ro"]}]' \
		--arg s "$src/sub"
	same_as_runc 'cat /data/f'
	[ "$stdout" = secret ]
}

@test "compat: mounts in order: a bind source in the rootfs is what an earlier mount put there" {
	local src=$BATS_TEST_TMPDIR/early
	mkdir -p "$src" "$BUNDLE/rootfs/a"
	echo early-mount >"$src/marker"
	echo rootfs >"$BUNDLE/rootfs/a/marker"
	cfg '.mounts += [{destination: "/a", type: "bind", source: $s, options: ["bind"]},
	                 {destination: "/m", type: "bind", source: "rootfs/a/marker",
	                  options: ["bind"]}]' --arg s "$src"
	same_as_runc 'cat /m'
	[ "$stdout" = early-mount ]
	# In a user namespace an idmapped bind is made by the parent (the init cannot idmap a host
	# mount): still in its turn.  (runc 1.1.5 shows the rootfs's file here, with or without
	# idmap: it opens the sources before any mount.)
	userns_config
	chown -R 100000:100000 "$BUNDLE/rootfs"
	cfg '.mounts[-1] += {options: ["bind", "idmap"],
	       uidMappings: [{containerID: 0, hostID: 100000, size: 65536}],
	       gidMappings: [{containerID: 0, hostID: 100000, size: 65536}]}'
	run_sh 'cat /m'
	[ "$stdout" = early-mount ]
}

# runc 1.1.5 fails this one with EPERM (newer runc keeps the locked flags): not compared.
@test "compat: a bind in a user namespace keeps the ro, nosuid, nodev it cannot clear" {
	local src=$BATS_TEST_TMPDIR/rosrc
	mkdir -p "$src"
	echo ro >"$src/f"
	userns_config
	chown -R 100000:100000 "$BUNDLE/rootfs"
	cfg '.mounts += [{destination: "/data", type: "bind", source: $s, options: ["bind", "noexec"]}]' \
		--arg s "$src"
	set_args sh -c 'awk '\''$5 == "/data" { print $6 }'\'' /proc/self/mountinfo; cat /data/f'
	# the read-only source is made in a mount namespace of the test's own
	status=0
	unshare -m --propagation private sh -c '
		mount --bind "$1" "$1" && mount -o remount,bind,ro,nosuid,nodev "$1" &&
		exec timeout -k 5 60 "$2" --root "$3" run --bundle "$4" "$5"' sh \
		"$src" "$VEIL" "$ROOT" "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 || status=$?
	cat "$BATS_TEST_TMPDIR/out" >&2
	[ "$status" -eq 0 ]
	grep -qx ro "$BATS_TEST_TMPDIR/out"
	local flags
	flags=$(head -n 1 "$BATS_TEST_TMPDIR/out")
	assert_contains ",$flags," ",ro,"
	assert_contains ",$flags," ",nosuid,"
	assert_contains ",$flags," ",nodev,"
	assert_contains ",$flags," ",noexec,"
}

@test "compat: /proc as a symlink in the rootfs is refused with runc's words" {
	need_runc
	rmdir "$BUNDLE/rootfs/proc"
	ln -s /tmp "$BUNDLE/rootfs/proc"
	runc_sh true
	[ "$runc_status" -ne 0 ]
	assert_contains "$runc_err" 'filesystem \"proc\" must be mounted on ordinary directory'
	expect_create_error 'mounts[0]' 'filesystem "proc" must be mounted on ordinary directory'
}

# ---------------------------------------------------------------------------
# devices and paths

@test "compat: a read-only bind of the host's /dev: no device is made in it, as with runc" {
	cfg '.mounts += [{destination: "/dev", type: "bind", source: "/dev", options: ["rbind", "ro"]}]'
	same_as_runc 'stat -c "%F %t:%T" /dev/null /dev/kmsg
		awk '\''$5 == "/dev" { split($6, f, ","); print f[1] }'\'' /proc/self/mountinfo | tail -n 1'
	[ "$(tail -n 1 <<<"$stdout")" = ro ]
}

@test "compat: linux.devices[].path with a trailing slash is cleaned" {
	cfg '.linux.devices = [{path: "/mnt/", type: "c", major: 1, minor: 3},
	                       {path: "//dev//./extra//", type: "c", major: 1, minor: 5}]'
	same_as_runc 'stat -c "%n %F %t:%T" /mnt /dev/extra'
}

@test "compat: a missing process.cwd is made before root.readonly" {
	cfg '.root.readonly = true | .process.cwd = "/new/dir"'
	same_as_runc 'pwd; stat -c %a /new/dir; touch /x 2>/dev/null || echo read-only'
	[ "$stdout" = $'/new/dir\n755\nread-only' ]
}

# ---------------------------------------------------------------------------
# --no-pivot

@test "compat: run --no-pivot runs, as with runc" {
	same_as_runc 'ls /; cat /etc/hostname' --no-pivot
}

# The host's procfs stays in the mount namespace under a moved root: a container that could
# mount a procfs of its own (in a user namespace of its own) would get one without the masks.
@test "compat: run --no-pivot must not expose a bare /proc" {
	cfg '.process.capabilities.bounding += ["CAP_SETFCAP"]
	   | .process.capabilities.permitted += ["CAP_SETFCAP"]'
	local script='unshare -mrpf sh -c "mount -t proc none /proc && echo mounted; true"'
	runc_sh "$script" --no-pivot
	[ "$runc_status" -eq 0 ]
	[ "$runc_out" = "" ]
	set_args sh -c "$script"
	vrun run --no-pivot --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = "" ]
}

@test "compat: run --no-pivot in a user namespace must not expose a bare /proc" {
	userns_config
	chown -R 100000:100000 "$BUNDLE/rootfs"
	cfg '.process.capabilities.bounding += ["CAP_SETFCAP"]
	   | .process.capabilities.permitted += ["CAP_SETFCAP"]'
	local script='unshare -mrpf sh -c "mount -t proc none /proc && echo mounted; true"'
	same_as_runc "$script" --no-pivot
	[ "$stdout" = "" ]
}

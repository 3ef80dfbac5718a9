#!/usr/bin/env bats
# Security regressions (DESIGN §6): mount targets resolved inside the rootfs
# (CVE-2021-30465 kin), the /dev/null used for masking is the null device
# (CVE-2025-31133), no host cwd or fd reaches the container (CVE-2024-21626).

load helpers

@test "security: a mount destination through a rootfs symlink to / stays inside the rootfs" {
	local src=$BATS_TEST_TMPDIR/src name=esc$MARK
	mkdir -p "$src"
	echo marker >"$src/marker"
	mkdir -p "$BUNDLE/rootfs/mnt"
	ln -s / "$BUNDLE/rootfs/mnt/abs"
	ln -s ../../.. "$BUNDLE/rootfs/mnt/rel"
	cfg '.mounts += [{destination: ("/mnt/abs/" + $n + "a"), type: "bind", source: $s, options: ["bind"]},
	                 {destination: ("/mnt/rel/" + $n + "r"), type: "bind", source: $s, options: ["bind"]}]' \
		--arg n "$name" --arg s "$src"
	run_sh "cat /${name}a/marker /${name}r/marker"
	[ "${lines[0]}" = marker ]
	[ "${lines[1]}" = marker ]
	# the targets were made in the rootfs, nothing on the host's / or beside the bundle
	[ -d "$BUNDLE/rootfs/${name}a" ]
	[ -d "$BUNDLE/rootfs/${name}r" ]
	[ ! -e "/${name}a" ] && [ ! -e "/${name}r" ]
	[ ! -e "$(dirname "$BUNDLE")/${name}r" ]
	assert_no_leftovers
}

@test "security: a file mount target that is a dangling symlink out of the rootfs is not followed to the host" {
	local name=esc$MARK
	echo filedata >"$BATS_TEST_TMPDIR/hostfile"
	mkdir -p "$BUNDLE/rootfs/etc"
	ln -s "/tmp/$name" "$BUNDLE/rootfs/etc/target"
	cfg '.mounts += [{destination: "/etc/target", type: "bind", source: $s, options: ["bind"]}]' \
		--arg s "$BATS_TEST_TMPDIR/hostfile"
	set_args cat /etc/target
	vrun run --bundle "$BUNDLE" "$ID"
	# refusing is fine (veil does: the link is not resolved by a path string); what must
	# never happen is a file or mount at the host's /tmp
	[ ! -e "/tmp/$name" ]
	if [ "$status" -eq 0 ]; then
		[ "${lines[0]}" = filedata ]
		[ -f "$BUNDLE/rootfs/tmp/$name" ]
	else
		assert_contains "$stderr" "/etc/target"
	fi
	assert_no_leftovers
}

@test "security: masking refuses a /dev/null that is not the null device (bind of a file on /dev/null)" {
	echo precious >"$BATS_TEST_TMPDIR/notnull"
	cfg '.mounts += [{destination: "/dev/null", type: "bind", source: $s, options: ["bind"]}]' \
		--arg s "$BATS_TEST_TMPDIR/notnull"
	cfg '.linux.maskedPaths = ["/proc/timer_list"]'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_one_error_line
	assert_contains "$stderr" "/dev/null is not the null device"
	assert_contains "$stderr" "linux.maskedPaths[0]"
	[ "$(cat "$BATS_TEST_TMPDIR/notnull")" = precious ]
	assert_no_leftovers
}

@test "security: a /dev/null planted as a symlink in the rootfs is replaced by the real node before masking" {
	# no /dev tmpfs: the rootfs's own /dev is used, with a planted link
	cfg '.mounts = [.mounts[] | select(.destination | startswith("/dev") | not)]'
	mkdir -p "$BUNDLE/rootfs/dev"
	echo precious >"$BATS_TEST_TMPDIR/target"
	ln -sf "$BATS_TEST_TMPDIR/target" "$BUNDLE/rootfs/dev/null"
	cfg '.linux.maskedPaths = ["/proc/timer_list"]'
	run_sh 'stat -c "%F %t:%T" /dev/null /proc/timer_list; echo "masked=[$(head -c 10 /proc/timer_list)]"'
	[[ $stdout == *"character special file 1:3"$'\n'"character special file 1:3"* ]]
	[[ $stdout == *"masked=[]"* ]]
	[ "$(cat "$BATS_TEST_TMPDIR/target")" = precious ]
}

@test "security: process.cwd /proc/self/fd/3 with a host directory on fd 3 gives no host cwd" {
	local hostdir=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$hostdir"
	touch "$hostdir/HOSTMARKER"
	cfg '.process.cwd = "/proc/self/fd/3"'
	set_args sh -c 'echo "cwd=$(pwd)"; ls -a; ls ..'
	local rc=0
	veil run --bundle "$BUNDLE" "$ID" 3<"$hostdir" </dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || rc=$?
	echo "exit $rc; stdout: $(cat "$BATS_TEST_TMPDIR/out"); stderr: $(cat "$BATS_TEST_TMPDIR/err")" >&2
	# failing is fine; succeeding with the host directory as cwd is not
	[ "$(grep -c HOSTMARKER "$BATS_TEST_TMPDIR/out")" -eq 0 ]
	[ "$(grep -c "$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR/out")" -eq 0 ]
	assert_no_leftovers
}

@test "security: no host fd reaches the container (only stdio, plus --preserve-fds)" {
	echo x >"$BATS_TEST_TMPDIR/hostfile"
	set_args sh -c 'ls -l /proc/self/fd'
	veil run --bundle "$BUNDLE" "$ID" 3<"$BATS_TEST_TMPDIR/hostfile" 4<"$BATS_TEST_TMPDIR" 7<"$BATS_TEST_TMPDIR/hostfile" \
		</dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	cat "$BATS_TEST_TMPDIR/out" >&2
	# no entry points at what veil's caller had open
	[ "$(grep -c hostfile "$BATS_TEST_TMPDIR/out")" -eq 0 ]
	[ "$(grep -c -- "-> $BATS_TEST_TMPDIR\$" "$BATS_TEST_TMPDIR/out")" -eq 0 ]
	# 0 1 2, and the directory fd ls itself opened
	local fds
	fds=$(awk '$1 ~ /^l/ { print $9 }' "$BATS_TEST_TMPDIR/out" | sort -n | tr '\n' ' ')
	echo "fds: $fds" >&2
	[ "$fds" = "0 1 2 3 " ]
	# positive control: --preserve-fds 1 passes fd 3 on, so the check above can see a leak
	veil run --preserve-fds 1 --bundle "$BUNDLE" "${ID}p" 3<"$BATS_TEST_TMPDIR/hostfile" \
		</dev/null >"$BATS_TEST_TMPDIR/out2" 2>"$BATS_TEST_TMPDIR/err2"
	grep -q "hostfile" "$BATS_TEST_TMPDIR/out2"
}

#!/usr/bin/env bats
# Hostile or malformed inputs that used to be accepted, or to hang veil: config.json that is not
# a regular file, process.env entries that are not KEY=VALUE, ociVersion, hostname, over-long
# ids, a replaced exec.fifo, and many idmapped mounts under a low open-file limit.
#
# Each refusal is checked as in errors.bats (expect_error): exit status 1, one line on stderr
# naming the field or path, nothing left behind.  Cases that hung run with a short VEIL_TIMEOUT
# (the veil wrapper's timeout exits 124), so a regression fails instead of blocking the suite.

load helpers

config() {
	printf '%s' "$BUNDLE/config.json"
}

# no_cgroup_left: no cgroup directory named after the container in any hierarchy.
no_cgroup_left() {
	local left
	left=$(find /sys/fs/cgroup -maxdepth 8 -type d -name "$ID" 2>/dev/null || true)
	if [ -n "$left" ]; then
		echo "leftover cgroups: $left" >&2
		return 1
	fi
}

# ---------------------------------------------------------------------------
# config.json must be a regular file

@test "inputs: config.json that is a fifo is refused at once" {
	rm "$(config)"
	mkfifo "$(config)"
	VEIL_TIMEOUT=5 expect_create_error config.json "not a regular file"
	no_cgroup_left
}

@test "inputs: config.json that is a symlink to a fifo is refused at once" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	rm "$(config)"
	ln -s "$BATS_TEST_TMPDIR/fifo" "$(config)"
	VEIL_TIMEOUT=5 expect_create_error config.json "not a regular file"
}

@test "inputs: config.json that is /proc/kmsg is refused without reading it" {
	[ -e /proc/kmsg ] || skip "this kernel has no /proc/kmsg"
	rm "$(config)"
	ln -s /proc/kmsg "$(config)"
	VEIL_TIMEOUT=5 expect_create_error config.json "not a regular file"
}

@test "inputs: config.json larger than the cap is refused without being read" {
	rm "$(config)"
	truncate -s 1G "$(config)"
	VEIL_TIMEOUT=5 expect_create_error config.json "too large"
}

@test "inputs: exec re-reads config.json through the same checks" {
	start_container
	rm "$(config)"
	mkfifo "$(config)"
	VEIL_TIMEOUT=5 vrun exec "$ID" true
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "not a regular file"
}

# ---------------------------------------------------------------------------
# process.env: KEY=VALUE with a non-empty KEY

@test "inputs: process.env entries without '=' or with an empty name are refused" {
	local bad i
	for bad in NOEQUALS =x ""; do
		cfg '.process.env += [$e]' --arg e "$bad"
		i=$(($(jq '.process.env | length' "$(config)") - 1))
		expect_create_error "process.env[$i]" "\"$bad\""
		cfg 'del(.process.env[-1])'
	done
}

@test "inputs: exec --env and exec --process refuse env entries that are not KEY=VALUE" {
	start_container
	vrun exec --env NOEQUALS "$ID" true
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" '--env: "NOEQUALS"'
	vrun exec --env =x "$ID" true
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" '--env: "=x"'
	echo '{"args": ["true"], "cwd": "/", "env": ["PATH=/bin", "NOEQ"]}' >"$BATS_TEST_TMPDIR/p.json"
	vrun exec --process "$BATS_TEST_TMPDIR/p.json" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" 'process.env[1]: "NOEQ"'
	# a value may be empty or hold '=': only the name must be there
	vrun exec --env A= --env B=x=y "$ID" sh -c 'test "$A" = "" && test "$B" = x=y'
	[ "$status" -eq 0 ]
}

# ---------------------------------------------------------------------------
# ociVersion: a 1.x semantic version

@test "inputs: ociVersion that is not a 1.x semantic version is refused" {
	local v
	for v in garbage 99.0.0 2.0.0 0.9.0 1.0 1 "" 1.02.0 "1.0.0-" v1.0.0 "1.0.0 "; do
		cfg '.ociVersion = $v' --arg v "$v"
		expect_create_error ociVersion "\"$v\""
	done
}

@test "inputs: ociVersion 1.x forms that runc accepts still work" {
	local v
	set_args true
	for v in 1.0.0 1.0.2-dev 1.1.0 1.2.0 1.2.1 1.3.0 1.0.0-rc.1+build.5 1.10.0; do
		cfg '.ociVersion = $v' --arg v "$v"
		vrun run --bundle "$BUNDLE" "$ID"
		[ "$status" -eq 0 ]
	done
}

# ---------------------------------------------------------------------------
# hostname and domainname

@test "inputs: a hostname or domainname with a newline or control character is refused" {
	cfg '.hostname = "a\nb"'
	expect_create_error hostname "control character"
	cfg '.hostname = "a\tb"'
	expect_create_error hostname "control character"
	cfg '.hostname = "box" | .domainname = "x\ny"'
	expect_create_error domainname "control character"
}

# ---------------------------------------------------------------------------
# container ids: at most a file name long

@test "inputs: an id longer than 255 bytes is refused by validation" {
	local long
	long=$(printf 'a%.0s' {1..256})
	ID=$long
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "longer than 255"
	[ ! -e "$ROOT/$ID" ]
	vrun state "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "longer than 255"
}

@test "inputs: an id of 255 bytes works" {
	ID=$(printf 'b%.0s' {1..255})
	set_args true
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

# ---------------------------------------------------------------------------
# exec.fifo

@test "inputs: start refuses an exec.fifo that was replaced by a regular file" {
	local content
	for content in "" "x" "0 " "0hello"; do
		create_container
		rm "$ROOT/$ID/exec.fifo"
		printf '%s' "$content" >"$ROOT/$ID/exec.fifo"
		VEIL_TIMEOUT=10 vrun start "$ID"
		[ "$status" -eq 1 ]
		assert_one_error_line
		assert_contains "$stderr" "exec.fifo"
		assert_contains "$stderr" "not a fifo"
		# nothing was started, and the container can still be removed
		[ "$(state_field status)" = created ]
		vrun delete --force "$ID"
		[ "$status" -eq 0 ]
		assert_no_leftovers
	done
}

# ---------------------------------------------------------------------------
# idmapped mounts: one descriptor per mount at a time, not one per mount at once

# run_with_fd_limit N ARG...: "veil ARG..." under ulimit -n N; sets $status, $stdout, $stderr.
run_with_fd_limit() {
	local n=$1
	shift
	status=0
	(
		ulimit -n "$n"
		exec timeout -k 5 60 "$VEIL" --root "$ROOT" "$@"
	) </dev/null >"$BATS_TEST_TMPDIR/lim.out" 2>"$BATS_TEST_TMPDIR/lim.err" 3>&- || status=$?
	stdout=$(cat "$BATS_TEST_TMPDIR/lim.out")
	stderr=$(cat "$BATS_TEST_TMPDIR/lim.err")
	echo "# veil $* (ulimit -n $n) -> exit $status; stdout: $stdout; stderr: $stderr" >&2
}

idmap_ok() {
	VEIL_TIMEOUT=10 veil features 2>/dev/null |
		jq -e '.linux.mountExtensions.idmap.enabled == true' >/dev/null
}

@test "inputs: 200 idmapped mounts fit under ulimit -n 64, in a user namespace and without" {
	idmap_ok || skip "this kernel cannot make idmapped mounts (no mount_setattr)"
	mkdir -p "$BATS_TEST_TMPDIR/src"
	echo hi >"$BATS_TEST_TMPDIR/src/f"
	cfg 'del(.process.rlimits)
	   | .mounts += [range(0; 200) as $i | {destination: ("/mnt/m\($i)"), type: "bind",
	       source: $src, options: ["bind", "idmap"],
	       uidMappings: [{containerID: 0, hostID: 1000, size: 10}],
	       gidMappings: [{containerID: 0, hostID: 1000, size: 10}]}]' \
		--arg src "$BATS_TEST_TMPDIR/src"
	# the file's owner, host uid 0, is 1000 through the idmapped mount
	set_args sh -c 'cat /mnt/m0/f /mnt/m199/f; stat -c %u /mnt/m199/f'
	run_with_fd_limit 64 run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = $'hi\nhi\n1000' ]
	# with a user namespace of the container's own, the parent makes each tree
	userns_config
	chmod a+rx "$BATS_TEST_TMPDIR/src"
	set_args sh -c 'cat /mnt/m0/f /mnt/m199/f'
	run_with_fd_limit 64 run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = $'hi\nhi' ]
	assert_no_leftovers
}

# No command waits without a bound on another one (issue 10): a lock held elsewhere (here by
# flock(1), standing in for a stuck veil) ends the wait with a clear error.
@test "inputs: a command waits for a container's lock only so long, then says it is busy" {
	start_container
	flock -x "$ROOT/$ID" sleep 30 &
	local holder=$!
	sleep 0.3
	VEIL_LOCK_TIMEOUT=2 vrun delete --force "$ID"
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null || true
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "container \"$ID\" is busy: another veil command has held it for 2 s"
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
}

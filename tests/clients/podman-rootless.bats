#!/usr/bin/env bats
# Rootless Podman 4 with veil as its OCI runtime, and with runc as the
# reference: a test user made with useradd (with /etc/subuid and /etc/subgid
# ranges), its own XDG_RUNTIME_DIR, vfs storage under its home in $CLIENT_TMP,
# --network none.  Podman runs the runtime inside the user namespace of its
# pause process, as root there: veil has no mknod there (devices are bound)
# and no cgroup (the cgroupfs manager on this hybrid host).
#
# teardown_file ends every process the user still has (conmon, podman's pause
# process) by PID, then removes the user with userdel -r.

load common

IMAGE=localhost/veil-busybox:latest

setup_file() {
	require_cmd podman podman
	require_cmd conmon conmon
	require_cmd newuidmap uidmap
	require_cmd runc runc
	client_tmp podman-rootless
	chmod 0755 "$CLIENT_TMP"
	export PM_USER="veilpm$$"
	useradd -m -d "$CLIENT_TMP/home" -s /bin/sh "$PM_USER"
	mkdir -m 0700 "$CLIENT_TMP/run"
	chown "$PM_USER:" "$CLIENT_TMP/run"
	busybox_image_tar "$CLIENT_TMP/busybox.tar"
	chmod 0644 "$CLIENT_TMP/busybox.tar"
	upm import "$CLIENT_TMP/busybox.tar" "$IMAGE" >/dev/null
}

teardown_file() {
	[ -n "${CLIENT_TMP:-}" ] && [ -d "$CLIENT_TMP" ] || return 0
	local pid rc=0
	if id "$PM_USER" >/dev/null 2>&1; then
		upm rm -af -t 0 >/dev/null 2>&1 || true
		for pid in $(pgrep -u "$PM_USER"); do
			echo "# teardown_file: stopping $PM_USER's pid $pid ($(cat /proc/"$pid"/comm 2>/dev/null))" >&3
			stop_pid "$pid"
		done
		userdel -r "$PM_USER" >/dev/null 2>&1 || userdel "$PM_USER"
	fi
	if grep -l "^$PM_USER:" /etc/passwd /etc/group /etc/shadow /etc/subuid /etc/subgid; then
		echo "$PM_USER is still in the account files above" >&2
		rc=1
	fi
	rm -rf -- "$CLIENT_TMP"
	return $rc
}

# upm ARG...: podman as the test user, everything of its own under $CLIENT_TMP
upm() {
	runuser -u "$PM_USER" -- env -C "$CLIENT_TMP/home" HOME="$CLIENT_TMP/home" USER="$PM_USER" \
		XDG_RUNTIME_DIR="$CLIENT_TMP/run" TMPDIR="$CLIENT_TMP/run" timeout -k 5 120 podman \
		--root "$CLIENT_TMP/home/storage" --runroot "$CLIENT_TMP/run/containers" \
		--tmpdir "$CLIENT_TMP/run/libpod" --storage-driver vfs --cgroup-manager cgroupfs \
		--events-backend file "$@" 3>&-
}

# run_upm [-N] RUNTIME ARG...: bats run of upm with --runtime RUNTIME, stderr apart; -N is
# bats' expected status, for the statuses it warns about
run_upm() {
	local expect=() rt
	[[ $1 == -[0-9]* ]] && expect=("$1") && shift
	rt=$1
	shift
	run "${expect[@]}" --separate-stderr upm --runtime "$rt" "$@"
	echo "# podman --runtime $rt $* -> $status; stdout: $output; stderr: $stderr" >&2
}

runtimes() { echo "$VEIL" "$(command -v runc)"; }

@test "podman rootless: run --rm (veil, runc)" {
	for rt in $(runtimes); do
		run_upm "$rt" run --rm --network none "$IMAGE" sh -c 'id -u; wc -l < /proc/self/uid_map; echo x > /dev/null && echo null-ok'
		[ "$status" -eq 0 ]
		[ "$output" = "0
2
null-ok" ]
	done
}

@test "podman rootless: run -d, exec, stop, rm (veil, runc)" {
	for rt in $(runtimes); do
		local name="c$BATS_TEST_NUMBER-$$-${rt##*/}"
		run_upm "$rt" run -d --name "$name" --network none "$IMAGE" sleep 1000
		[ "$status" -eq 0 ]
		run_upm "$rt" exec "$name" sh -c 'echo from-exec; id -u'
		[ "$status" -eq 0 ]
		[ "$output" = "from-exec
0" ]
		run_upm "$rt" stop -t 1 "$name"
		[ "$status" -eq 0 ]
		run_upm "$rt" inspect -f '{{.State.Status}}' "$name"
		[ "$output" = exited ]
		run_upm "$rt" rm "$name"
		[ "$status" -eq 0 ]
	done
	# veil's state of the user's containers is gone with them
	[ -z "$(ls -A "$CLIENT_TMP/run/veil" 2>/dev/null)" ] || [ ! -d "$CLIENT_TMP/run/veil" ]
}

@test "podman rootless: --userns keep-id writes files the user owns on the host (veil, runc)" {
	local vol="$CLIENT_TMP/home/vol"
	runuser -u "$PM_USER" -- mkdir -p "$vol"
	for rt in $(runtimes); do
		run_upm "$rt" run --rm --network none --userns keep-id -v "$vol:/vol" "$IMAGE" sh -c "id -u; touch /vol/${rt##*/}"
		[ "$status" -eq 0 ]
		[ "$output" = "$(id -u "$PM_USER")" ]
		[ "$(stat -c %U "$vol/${rt##*/}")" = "$PM_USER" ]
	done
}

@test "podman rootless: a failing entrypoint shows the runtime's error" {
	run_upm -127 "$VEIL" run --rm --network none "$IMAGE" /nonexistent
	[ "$status" -eq 127 ]
	[[ "$stderr" == *'veil: exec "/nonexistent": no such file or directory'* ]]
	run_upm -127 "$(command -v runc)" run --rm --network none "$IMAGE" /nonexistent
	[ "$status" -eq 127 ]
	[[ "$stderr" == *'"/nonexistent"'*'no such file or directory'* ]]
}

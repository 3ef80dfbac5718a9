#!/usr/bin/env bats
# Container lifecycle: create, start, state, kill, delete, run, list and the
# errors runtime.md asks for.

load helpers

# wait_for_lines FILE N: until FILE has at least N lines.
wait_for_lines() {
	local f=$1 n=$2 i got=0
	for ((i = 0; i < 200; i++)); do
		got=$(grep -c '' "$f" 2>/dev/null) || got=0
		[ "$got" -ge "$n" ] && return 0
		sleep 0.05
	done
	echo "$f has $got lines, wanted $n:" >&2
	cat "$f" >&2 2>/dev/null || true
	return 1
}

# A container whose init traps TERM and USR1 and logs them to /tmp/sigs.
signal_logger_args() {
	set_args sh -c 'trap "echo TERM >> /tmp/sigs" TERM
trap "echo USR1 >> /tmp/sigs" USR1
touch /tmp/ready
while :; do sleep 0.1; done'
}

# ---------------------------------------------------------------------------
# create / start / state / kill / delete

@test "lifecycle: create leaves the container created, with a pid and the bundle" {
	create_container
	run_veil state "$ID"
	[ "$status" -eq 0 ]
	jq -e --arg id "$ID" --arg b "$BUNDLE" '
		.status == "created" and .id == $id and .bundle == $b
		and (.pid | type == "number" and . > 0)
		and (.ociVersion | test("^1\\.[0-9]+\\.[0-9]+"))' <<<"$output"
	process_running "$(jq -r .pid <<<"$output")"
}

@test "lifecycle: create does not run the user process before start" {
	set_args sh -c "echo hi > /tmp/x; sleep 1000; : $MARK"
	create_container
	local pid
	pid=$(ctr_pid)
	sleep 0.5
	[ ! -e "/proc/$pid/root/tmp/x" ]
	[ "$(state_field status)" = created ]
}

@test "lifecycle: start runs the process in the container's root" {
	set_args sh -c "echo hi > /tmp/x; sleep 1000; : $MARK"
	create_container
	local pid
	pid=$(ctr_pid)
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_status "$ID" running
	[ "$(ctr_pid)" -eq "$pid" ]
	wait_for_file "/proc/$pid/root/tmp/x"
	[ "$(cat "/proc/$pid/root/tmp/x")" = hi ]
	[ "$(cat "$BUNDLE/rootfs/tmp/x")" = hi ]
	# The init is the user's process (exec'd, not a child of veil's code).
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sh -c echo hi > /tmp/x; sleep 1000; : $MARK " ]
}

@test "lifecycle: kill KILL stops the container, delete removes it" {
	start_container
	local pid
	pid=$(ctr_pid)
	vrun kill "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	wait_for_exit "$pid"
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	run_veil state "$ID"
	[ "$status" -eq 1 ]
	[ ! -e "$ROOT/$ID" ]
	assert_no_leftovers
}

@test "lifecycle: state JSON has ociVersion, id, status, pid and an absolute bundle" {
	cd "$BUNDLE/.."
	vrun create --bundle "./$(basename "$BUNDLE")" "$ID"
	[ "$status" -eq 0 ]
	run_veil state "$ID"
	[ "$status" -eq 0 ]
	jq -e 'has("ociVersion") and has("id") and has("status") and has("pid") and has("bundle")' <<<"$output"
	[ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
}

@test "lifecycle: state reports the config's annotations" {
	cfg '.annotations = {"org.example.key": "value", "org.example.other": "2"}'
	create_container
	run_veil state "$ID"
	[ "$status" -eq 0 ]
	jq -e '.annotations == {"org.example.key": "value", "org.example.other": "2"}' <<<"$output"
}

@test "lifecycle: a container whose process exits by itself is stopped" {
	set_args true
	create_container
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "lifecycle: start of a running container fails and leaves it running" {
	start_container
	local pid
	pid=$(ctr_pid)
	vrun start "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" running
	[ "$(state_field status)" = running ]
	process_running "$pid"
}

@test "lifecycle: start of a stopped container fails" {
	set_args true
	create_container
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	vrun start "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" stopped
	[ "$(state_field status)" = stopped ]
}

@test "lifecycle: delete of a running container fails without --force" {
	start_container
	local pid
	pid=$(ctr_pid)
	vrun delete "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" running
	[ -d "$ROOT/$ID" ]
	[ "$(state_field status)" = running ]
	process_running "$pid"
}

@test "lifecycle: delete --force of a running container kills and removes it" {
	start_container
	local pid
	pid=$(ctr_pid)
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	wait_for_exit "$pid"
	run_veil state "$ID"
	[ "$status" -eq 1 ]
	assert_no_leftovers
}

@test "lifecycle: delete -f of a created container kills its init" {
	create_container
	local pid
	pid=$(ctr_pid)
	vrun delete -f "$ID"
	[ "$status" -eq 0 ]
	wait_for_exit "$pid"
	assert_no_leftovers
}

@test "lifecycle: state, start, kill and delete of an unknown id fail" {
	local cmd
	for cmd in state start kill delete; do
		# shellcheck disable=SC2086
		run_veil $cmd nosuch
		if [ "$status" -ne 1 ]; then
			echo "veil $cmd nosuch: exit $status" >&2
			return 1
		fi
		if [ "$stderr" != 'veil: container "nosuch" does not exist' ]; then
			echo "veil $cmd nosuch: stderr: $stderr" >&2
			return 1
		fi
	done
	[ ! -e "$ROOT/nosuch" ]
}

# runc's behaviour, which containerd's shim relies on: its cleanup runs
# "delete --force" after its own "delete" and logs a failure as a warning.
@test "lifecycle: delete --force of an id that is gone succeeds quietly" {
	run_veil delete --force nosuch
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ ! -e "$ROOT/nosuch" ]
	create_container
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	run_veil delete --force "$ID"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# not a licence to skip validation: a bad id is still an error
	run_veil delete --force ../x
	[ "$status" -eq 1 ]
	assert_contains "$stderr" 'invalid container id'
}

@test "lifecycle: create of a duplicate id fails and leaves the first container alone" {
	create_container
	local pid before
	pid=$(ctr_pid)
	before=$(cat "$ROOT/$ID/state.json")
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "container \"$ID\" already exists"
	[ "$(state_field status)" = created ]
	[ "$(ctr_pid)" -eq "$pid" ]
	[ "$(cat "$ROOT/$ID/state.json")" = "$before" ]
	process_running "$pid"
	# and it still starts
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_status "$ID" running
}

@test "lifecycle: invalid container ids are rejected and nothing is created" {
	local long id
	long=$(printf 'a%.0s' $(seq 1025))
	for id in '../x' 'a/b' '.hidden' '' "$long" '..' '.' 'x/../../y'; do
		vrun create --bundle "$BUNDLE" "$id"
		if [ "$status" -ne 1 ]; then
			echo "create '${id:0:40}': exit $status" >&2
			return 1
		fi
		assert_one_error_line
		assert_contains "$stderr" "invalid container id"
	done
	[ ! -e "$BATS_TEST_TMPDIR/x" ]
	[ ! -e "$BATS_TEST_TMPDIR/y" ]
	[ ! -e "$ROOT/a" ]
	[ ! -e "$ROOT/.hidden" ]
	if [ -d "$ROOT" ]; then
		[ -z "$(ls -A "$ROOT")" ]
	fi
	assert_no_leftovers ''
}

@test "lifecycle: invalid ids never reach outside the state root (delete --force ..)" {
	create_container
	local id
	for id in '..' '../root' '.' "../$(basename "$ROOT")/$ID"; do
		for cmd in state start kill "delete --force"; do
			# shellcheck disable=SC2086
			run_veil $cmd "$id"
			if [ "$status" -ne 1 ]; then
				echo "veil $cmd '$id': exit $status" >&2
				return 1
			fi
		done
	done
	[ -d "$ROOT/$ID" ]
	[ "$(state_field status)" = created ]
}

@test "lifecycle: create --pid-file writes the init pid" {
	mkdir "$BATS_TEST_TMPDIR/piddir"
	local f=$BATS_TEST_TMPDIR/piddir/ctr.pid
	create_container --pid-file "$f"
	[ -f "$f" ]
	local content
	content=$(cat "$f")
	[[ $content =~ ^[0-9]+$ ]]
	[ "$content" -eq "$(ctr_pid)" ]
	# written atomically: nothing else (no temporary file) left beside it
	[ "$(ls -A "$BATS_TEST_TMPDIR/piddir")" = ctr.pid ]
}

@test "lifecycle: create --pid-file with a relative path is relative to the cwd" {
	cd "$BATS_TEST_TMPDIR"
	create_container --pid-file rel.pid
	[ "$(cat "$BATS_TEST_TMPDIR/rel.pid")" -eq "$(ctr_pid)" ]
}

@test "lifecycle: create --pid-file replaces an existing file" {
	local f=$BATS_TEST_TMPDIR/ctr.pid
	echo 999999999999 >"$f"
	create_container --pid-file "$f"
	[ "$(cat "$f")" -eq "$(ctr_pid)" ]
}

@test "lifecycle: the state dir has state.json, and exec.fifo only until start" {
	create_container
	[ -d "$ROOT/$ID" ]
	[ -f "$ROOT/$ID/state.json" ]
	[ -p "$ROOT/$ID/exec.fifo" ]
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_status "$ID" running
	[ -f "$ROOT/$ID/state.json" ]
	[ ! -e "$ROOT/$ID/exec.fifo" ]
}

@test "lifecycle: the default --root is /run/veil" {
	local id="bats-$MARK"
	track_container /run/veil "$id"
	"$VEIL" create --bundle "$BUNDLE" "$id" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- || {
		cat "$BATS_TEST_TMPDIR/out" >&2
		return 1
	}
	[ -d "/run/veil/$id" ]
	run_raw list -q
	[ "$status" -eq 0 ]
	grep -qx -- "$id" <<<"$output"
	run_raw delete --force "$id"
	[ "$status" -eq 0 ]
	[ ! -e "/run/veil/$id" ]
	[ ! -e "$ROOT" ] || [ -z "$(ls -A "$ROOT")" ]
}

# ---------------------------------------------------------------------------
# run

@test "run: the foreground run exits with the container's exit status" {
	set_args sh -c 'exit 3'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 3 ]
}

@test "run: a container killed by SIGKILL makes run exit 137" {
	# The init of a PID namespace cannot be killed from inside it, so this
	# container shares the host's PID namespace.
	del_ns pid
	set_args sh -c 'kill -KILL $$'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 137 ]
}

# init_of_marked: the pid of the running process whose command line holds
# $MARK (found without asking veil).
init_of_marked() {
	local pid
	for pid in $(grep -l -a -e "${MARK:0:1}[${MARK:1:1}]${MARK:2}" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
		case $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) in
		"sh -c "*) echo "$pid" && return 0 ;;
		esac
	done
	echo "no process with $MARK in its command line" >&2
	return 1
}

# start_foreground_run: "veil run" of $BUNDLE in the background of the test,
# with stdio in files; sets $RUN_PID and waits for /tmp/ready in the rootfs.
start_foreground_run() {
	"$VEIL" --root "$ROOT" run --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1 3>&- &
	RUN_PID=$!
	track_pid "$RUN_PID"
	wait_for_file "$BUNDLE/rootfs/tmp/ready"
}

@test "run: an init killed from the host by signal N makes run exit 128+N" {
	set_args sh -c "touch /tmp/ready; sleep 1000; : $MARK"
	start_foreground_run
	local st=0 pid
	pid=$(init_of_marked)
	kill -KILL "$pid"
	wait "$RUN_PID" || st=$?
	[ "$st" -eq 137 ]
	assert_no_leftovers
}

@test "run: state, list and kill work while a foreground run is going on" {
	set_args sh -c "touch /tmp/ready; sleep 1000; : $MARK"
	start_foreground_run
	local st=0
	run_veil state "$ID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq -r .pid <<<"$output")" -eq "$(init_of_marked)" ]
	run_veil list -q
	[ "$status" -eq 0 ]
	[ "$output" = "$ID" ]
	run_veil kill "$ID" KILL
	[ "$status" -eq 0 ]
	wait "$RUN_PID" || st=$?
	[ "$st" -eq 137 ]
	assert_no_leftovers
}

@test "run: the container's stdout and stderr are run's" {
	set_args sh -c 'echo to-stdout; echo to-stderr >&2'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = to-stdout ]
	[ "$stderr" = to-stderr ]
}

@test "run: without --keep the container is deleted after it exits" {
	set_args true
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	run_veil state "$ID"
	[ "$status" -eq 1 ]
	assert_no_leftovers
}

@test "run: --keep keeps the stopped container" {
	set_args sh -c 'exit 0'
	vrun run --keep --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$(state_field status)" = stopped ]
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "run: -d returns 0 with the container running" {
	vrun run -d --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$(state_field status)" = running ]
	process_running "$(ctr_pid)"
}

@test "run: --detach --pid-file writes the pid" {
	vrun run --detach --pid-file "$BATS_TEST_TMPDIR/pid" --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" -eq "$(ctr_pid)" ]
}

@test "run: SIGTERM sent to veil run is forwarded to the container" {
	set_args sh -c 'trap "exit 7" TERM; touch /tmp/ready; while :; do sleep 0.1; done'
	start_foreground_run
	local st=0
	kill -TERM "$RUN_PID"
	wait "$RUN_PID" || st=$?
	[ "$st" -eq 7 ]
	assert_no_leftovers
}

@test "run: a duplicate id fails without touching the existing container" {
	create_container
	local pid
	pid=$(ctr_pid)
	set_args true
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "already exists"
	[ "$(state_field status)" = created ]
	[ "$(ctr_pid)" -eq "$pid" ]
}

# ---------------------------------------------------------------------------
# list

@test "list: table with a header and one row per container" {
	create_container
	local id2=${ID}b
	vrun create --bundle "$BUNDLE" "$id2"
	[ "$status" -eq 0 ]
	vrun start "$id2"
	[ "$status" -eq 0 ]
	wait_for_status "$id2" running
	run_veil list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$(awk 'NR == 1 { $1 = $1; print }' <<<"$output")" = "ID PID STATUS BUNDLE CREATED OWNER" ]
	local row
	row=$(awk -v id="$ID" '$1 == id' <<<"$output")
	[ "$(awk '{ print $2 }' <<<"$row")" -eq "$(ctr_pid)" ]
	[ "$(awk '{ print $3 }' <<<"$row")" = created ]
	[ "$(awk '{ print $4 }' <<<"$row")" = "$BUNDLE" ]
	[[ $(awk '{ print $5 }' <<<"$row") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]]
	[ "$(awk '{ print $6 }' <<<"$row")" = root ]
	row=$(awk -v id="$id2" '$1 == id' <<<"$output")
	[ "$(awk '{ print $3 }' <<<"$row")" = running ]
}

@test "list: -q prints only the ids" {
	create_container
	vrun create --bundle "$BUNDLE" "${ID}b"
	[ "$status" -eq 0 ]
	run_veil list -q
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output")" = "$(printf '%s\n%s\n' "$ID" "${ID}b" | sort)" ]
	run_veil list --quiet
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output")" = "$(printf '%s\n%s\n' "$ID" "${ID}b" | sort)" ]
}

@test "list: -f json prints an array of objects with id, pid, status, bundle, created, owner" {
	create_container
	vrun create --bundle "$BUNDLE" "${ID}b"
	[ "$status" -eq 0 ]
	run_veil list -f json
	[ "$status" -eq 0 ]
	jq -e 'type == "array" and length == 2
		and all(.[]; has("id") and has("pid") and has("status") and has("bundle")
			and has("created") and has("owner"))' <<<"$output"
	jq -e --arg id "$ID" --arg b "$BUNDLE" --argjson pid "$(ctr_pid)" '
		[.[] | select(.id == $id)][0]
		| .pid == $pid and .status == "created" and .bundle == $b and .owner == "root"
		  and (.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$"))' <<<"$output"
	run_veil list --format=json
	[ "$status" -eq 0 ]
	jq -e 'type == "array" and length == 2' <<<"$output"
}

@test "list: an empty root lists nothing (table header, no ids, [])" {
	run_veil list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -le 1 ]
	run_veil list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run_veil list -f json
	[ "$status" -eq 0 ]
	jq -e 'type == "array" and length == 0' <<<"$output"
}

@test "list: shows a stopped container as stopped" {
	set_args true
	create_container
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	run_veil list -f json
	[ "$status" -eq 0 ]
	jq -e --arg id "$ID" '.[] | select(.id == $id) | .status == "stopped"' <<<"$output"
}

# ---------------------------------------------------------------------------
# kill

@test "kill: signal names, SIG names, numbers and the default (TERM) are delivered" {
	signal_logger_args
	start_container
	local pid sigs=/tmp/sigs
	pid=$(ctr_pid)
	wait_for_file "/proc/$pid/root/tmp/ready"
	sigs=/proc/$pid/root/tmp/sigs
	local n=0 sig
	for sig in TERM SIGTERM 15 ''; do
		vrun kill "$ID" $sig
		[ "$status" -eq 0 ]
		n=$((n + 1))
		wait_for_lines "$sigs" "$n"
	done
	for sig in USR1 SIGUSR1 10; do
		vrun kill "$ID" "$sig"
		[ "$status" -eq 0 ]
		n=$((n + 1))
		wait_for_lines "$sigs" "$n"
	done
	[ "$(tr '\n' ' ' <"$sigs")" = "TERM TERM TERM TERM USR1 USR1 USR1 " ]
	[ "$(state_field status)" = running ]
}

@test "kill: KILL, SIGKILL and 9 stop the container" {
	local sig id pid
	for sig in KILL SIGKILL 9; do
		id=$ID-$sig
		vrun create --bundle "$BUNDLE" "$id"
		[ "$status" -eq 0 ]
		vrun start "$id"
		[ "$status" -eq 0 ]
		wait_for_status "$id" running
		pid=$(ctr_pid "$id")
		vrun kill "$id" "$sig"
		[ "$status" -eq 0 ]
		wait_for_status "$id" stopped
		wait_for_exit "$pid"
		vrun delete "$id"
		[ "$status" -eq 0 ]
	done
}

@test "kill: an invalid signal fails with exit 1 and the container keeps running" {
	start_container
	local sig
	for sig in SIGFOO FOO 0x9 -9 99999 ''; do
		[ -n "$sig" ] || sig=' '
		vrun kill "$ID" "$sig"
		if [ "$status" -ne 1 ]; then
			echo "kill '$sig': exit $status" >&2
			return 1
		fi
		assert_one_error_line
	done
	[ "$(state_field status)" = running ]
}

@test "kill: a created (not started) container can be killed" {
	create_container
	local pid
	pid=$(ctr_pid)
	vrun kill "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	wait_for_exit "$pid"
	vrun delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "kill: --all and -a are accepted and stop the container" {
	start_container
	vrun kill --all "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	local id2=${ID}b
	vrun run -d --bundle "$BUNDLE" "$id2"
	[ "$status" -eq 0 ]
	vrun kill -a "$id2" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$id2" stopped
}

@test "kill: a stopped container cannot be signalled" {
	set_args true
	create_container
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	vrun kill "$ID" KILL
	[ "$status" -eq 1 ]
	assert_one_error_line
}

#!/usr/bin/env bats
# veil --debug: create, run, start and exec log where their time went, one
# line per phase with its duration, the container init's phases included
# (it sends them back with READY: it holds no log of the host's).  Without
# --debug none of it is printed.

load helpers

# phases_of WHO TEXT: the phase names logged for WHO in TEXT, one a line
phases_of() {
	sed -n "s/^veil: debug: phase $1 \([a-z-]*\): [0-9]*\.[0-9][0-9][0-9] ms\$/\1/p" <<<"$2"
}

@test "debug: run --debug logs the create, init and start phases with their durations" {
	cfg '.process.args = ["true"]'
	vrun --debug run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	local create init start
	create=$(phases_of create "$stderr" | sort -u | tr '\n' ' ')
	init=$(phases_of init "$stderr" | tr '\n' ' ')
	start=$(phases_of start "$stderr" | tr '\n' ' ')
	echo "create: $create" >&2
	echo "init: $init" >&2
	echo "start: $start" >&2
	for p in parse validate state cgroup-create clone namespaces cgroup-attach cgroup-limits init; do
		[[ " $create " == *" $p "* ]]
	done
	for p in namespaces wait-go session mounts devices hooks pivot rootfs-finish process-setup; do
		[[ " $init " == *" $p "* ]]
	done
	[[ " $start " == *" exec "* ]]
	# every phase line has the form above: nothing garbled came back from the init
	! grep 'phase' <<<"$stderr" | grep -vE '^veil: debug: phase (create|init|start) [a-z-]+: [0-9]+\.[0-9]{3} ms$'
}

@test "debug: without --debug, run prints nothing of its phases" {
	cfg '.process.args = ["true"]'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ -z "$stdout" ]
}

@test "debug: --log FILE --debug puts the phases in the log, not on stderr" {
	cfg '.process.args = ["true"]'
	local log=$BATS_TEST_TMPDIR/log
	vrun --log "$log" --debug run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	grep -q 'level=debug msg="phase init mounts: [0-9.]* ms"' "$log"
	grep -q 'level=debug msg="phase create cgroup-attach: [0-9.]* ms"' "$log"
}

@test "debug: exec --debug logs its phases" {
	start_container
	vrun --debug exec "$ID" true
	[ "$status" -eq 0 ]
	local p
	p=$(phases_of exec "$stderr" | tr '\n' ' ')
	echo "exec: $p" >&2
	for want in state parse join exec; do
		[[ " $p " == *" $want "* ]]
	done
	vrun exec "$ID" true
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

#!/usr/bin/env bats
# Command line: version, help, unknown commands and flags, flag syntax.

load helpers

COMMANDS="create start run exec state kill delete list spec features"

@test "cli: --version prints exactly three lines: version, commit, spec" {
	run_raw --version
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ ${lines[0]} =~ ^veil\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]]
	[[ ${lines[1]} =~ ^commit:\ [^[:space:]]+ ]]
	[[ ${lines[2]} =~ ^spec:\ 1\.[0-9]+\.[0-9]+ ]]
}

@test "cli: --help exits 0 and lists the commands" {
	run_raw --help
	[ "$status" -eq 0 ]
	local c
	for c in $COMMANDS; do
		assert_contains "$output" "$c"
	done
}

@test "cli: COMMAND --help exits 0 for every implemented command" {
	local c failed=
	for c in $COMMANDS; do
		run_raw "$c" --help
		if [ "$status" -ne 0 ] || [ -z "$output" ]; then
			echo "'veil $c --help' exited $status with stdout '$output' stderr '$stderr'" >&2
			failed+=" $c"
		fi
	done
	[ -z "$failed" ]
}

@test "cli: an unknown command exits 1 and names it" {
	run_raw frobnicate
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" frobnicate
}

@test "cli: an unknown global flag exits 1 and names it" {
	run_raw --frobnicate list
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" --frobnicate
}

@test "cli: an unknown command flag exits 1 and names it" {
	run_veil list --frobnicate
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" --frobnicate
}

@test "cli: a missing container id exits 1" {
	local c
	for c in create start state kill delete exec; do
		run_veil "$c"
		if [ "$status" -ne 1 ]; then
			echo "'veil $c' without an id exited $status" >&2
			return 1
		fi
	done
}

@test "cli: commands not implemented yet fail cleanly with one error line" {
	local c
	# pause, resume, ps (tests/cgroups.bats), update and events are implemented
	for c in checkpoint restore; do
		run_veil "$c" nosuch
		if [ "$status" -ne 1 ]; then
			echo "'veil $c nosuch' exited $status, stderr: $stderr" >&2
			return 1
		fi
		assert_one_error_line
		assert_contains "$stderr" "$c"
	done
}

@test "cli: --root=DIR is the same as --root DIR" {
	vrun create --bundle "$BUNDLE" "$ID" # veil() passes --root "$ROOT"
	[ "$status" -eq 0 ]
	run_raw --root="$ROOT" state "$ID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .id <<<"$output")" = "$ID" ]
	run_raw --root="$ROOT" list -q
	[ "$status" -eq 0 ]
	[ "$output" = "$ID" ]
}

@test "cli: create --bundle=DIR is the same as --bundle DIR" {
	vrun create --bundle="$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$(state_field bundle)" = "$BUNDLE" ]
}

@test "cli: create -b DIR is the same as --bundle DIR" {
	vrun create -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$(state_field bundle)" = "$BUNDLE" ]
}

@test "cli: create without --bundle uses the current directory" {
	cd "$BUNDLE"
	vrun create "$ID"
	[ "$status" -eq 0 ]
	[ "$(state_field bundle)" = "$BUNDLE" ]
}

@test "cli: --log=FILE --log-format=json writes the error as JSON" {
	local log=$BATS_TEST_TMPDIR/veil.log
	run_raw --root="$ROOT" --log="$log" --log-format=json state nosuch
	[ "$status" -eq 1 ]
	[ -s "$log" ]
	tail -n 1 "$log" | jq -e '.level == "error" and (.msg | test("nosuch"))'
}

@test "cli: --log FILE --log-format json, flags in separate words" {
	local log=$BATS_TEST_TMPDIR/veil.log
	run_raw --root "$ROOT" --log "$log" --log-format json state nosuch
	[ "$status" -eq 1 ]
	tail -n 1 "$log" | jq -e '.level == "error" and (.msg | test("nosuch"))'
}

@test "cli: --log-format with an unknown format exits 1 and names it" {
	run_veil --log-format yaml list
	[ "$status" -eq 1 ]
	assert_contains "$stderr" yaml
}

@test "cli: list --format=json and list -f json print a JSON array" {
	create_container
	run_veil list --format=json
	[ "$status" -eq 0 ]
	jq -e --arg id "$ID" 'type == "array" and length == 1 and .[0].id == $id' <<<"$output"
	run_veil list -f json
	[ "$status" -eq 0 ]
	jq -e --arg id "$ID" 'type == "array" and length == 1 and .[0].id == $id' <<<"$output"
	run_veil list --format json
	[ "$status" -eq 0 ]
	jq -e --arg id "$ID" 'type == "array" and length == 1 and .[0].id == $id' <<<"$output"
}

@test "cli: list --format with an unknown format exits 1" {
	run_veil list --format=yaml
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" yaml
}

@test "cli: --debug is accepted as a global flag" {
	run_raw --debug --root "$ROOT" list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "cli: all global flags before the command, then command flags" {
	local log=$BATS_TEST_TMPDIR/veil.log
	vrun --log "$log" --log-format json create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	[ "$status" -eq 0 ]
	[ "$(state_field status)" = created ]
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" -eq "$(ctr_pid)" ]
}

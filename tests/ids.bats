#!/usr/bin/env bats
# uid and gid ranges: process.user (uid, gid, additionalGids) in config.json,
# exec --user / --additional-gids and exec --process.  4294967295 is
# (uid_t)-1, which setuid/setgid/setresuid read as "leave unchanged": a
# container asking for it would keep the runtime's root.  Ids are 0 to
# 4294967294; anything else is refused with an error naming the field.

load helpers

# run_id_refused NEEDLE...: "veil run" of `id` must fail with one error line
# holding every NEEDLE, and leave nothing behind.  When it runs instead, the
# `id` it printed (in the failure output) shows who the process was.
run_id_refused() {
	set_args id
	expect_error run "$@"
}

# exec_refused NEEDLE -- EXEC-ARG...: "veil exec EXEC-ARG..." into the running
# $ID must fail with one error line holding NEEDLE; the container still runs.
exec_refused() {
	local needle=$1
	shift 2
	vrun exec "$@"
	echo "exec $* -> $status: $stdout" >&2
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "$needle"
	[ "$(state_field status)" = running ]
}

@test "ids: process.user.uid 4294967295 ((uid_t)-1) is refused" {
	cfg '.process.user = {uid: 4294967295, gid: 0}'
	run_id_refused "process.user.uid" "4294967295"
}

@test "ids: process.user.gid 4294967295 ((gid_t)-1) is refused" {
	cfg '.process.user = {uid: 1000, gid: 4294967295}'
	run_id_refused "process.user.gid" "4294967295"
}

@test "ids: process.user.additionalGids with 4294967295 is refused naming the entry" {
	cfg '.process.user = {uid: 1000, gid: 1000, additionalGids: [10, 4294967295]}'
	run_id_refused "process.user.additionalGids[1]" "4294967295"
}

@test "ids: process.user ids that are not in 0..4294967294 are refused" {
	local v field
	for field in uid gid; do
		for v in 4294967296 18446744073709551615 -1 1.5 '"0"' null; do
			# an id left out (or null) is 0, as runc reads it
			[ "$v" != null ] || continue
			cfg '.process.user = {uid: 0, gid: 0} | .process.user[$f] = $v' \
				--arg f "$field" --argjson v "$v"
			run_id_refused "process.user.$field"
		done
	done
	for v in 4294967296 -1 1.5 '"0"'; do
		cfg '.process.user = {uid: 0, gid: 0, additionalGids: [1, $v]}' --argjson v "$v"
		run_id_refused "process.user.additionalGids[1]"
	done
}

@test "ids: the largest id, 4294967294, is a real id" {
	cfg '.process.user = {uid: 4294967294, gid: 4294967294, additionalGids: [4294967294]}'
	run_sh 'id'
	[ "${lines[0]}" = "uid=4294967294 gid=4294967294 groups=4294967294" ]
}

@test "ids: exec --user 4294967295 (as UID and as GID) is refused" {
	start_container
	exec_refused "--user" -- -u 4294967295 "$ID" id
	exec_refused "--user" -- -u 1000:4294967295 "$ID" id
	exec_refused "--user" -- --user=4294967295:0 "$ID" id
}

@test "ids: exec --user out of range or not a number is refused" {
	start_container
	local u
	for u in 4294967296 18446744073709551616 -1 1000:-1 ' 5' '5 ' 0x10 1000: :1000 ''; do
		exec_refused "--user" -- -u "$u" "$ID" id
	done
}

@test "ids: exec --additional-gids 4294967295 or out of range is refused" {
	start_container
	local g
	for g in 4294967295 4294967296 -1 abc ''; do
		exec_refused "--additional-gids" -- -u 1000 -g 10 -g "$g" "$ID" id
	done
}

@test "ids: exec --process with a uid, gid or additional gid of 4294967295 is refused" {
	start_container
	local user f=$BATS_TEST_TMPDIR/process.json
	for user in '{"uid": 4294967295, "gid": 0}' '{"uid": 1000, "gid": 4294967295}' \
		'{"uid": 1000, "gid": 1000, "additionalGids": [4294967295]}'; do
		jq -n --argjson u "$user" '{args: ["id"], cwd: "/", user: $u}' >"$f"
		exec_refused "user." -- --process "$f" "$ID"
		assert_contains "$stderr" "4294967295"
	done
}

@test "ids: exec with in-range ids still works" {
	start_container
	vrun exec -u 4294967294:4294967294 -g 7 "$ID" id
	[ "$status" -eq 0 ]
	[ "$stdout" = "uid=4294967294 gid=4294967294 groups=7" ]
}

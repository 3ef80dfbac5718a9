#!/usr/bin/env bats
# Command line details where veil must behave as runc 1.1.5 does: flags after the container id,
# list order, help, the --debug log, signal 0, ps of a stopped container, error prefixes, and the
# README's by-hand section.

load helpers

# Every command of the table, as `veil help` lists them.
ALL_COMMANDS="create start run state kill delete list spec exec pause resume update ps events
features checkpoint restore help"

# make_clone DIR: the layout of a fresh clone after its build: contrib/ and veil at the top.
make_clone() {
	mkdir -p "$1"
	cp -a "$TOP_SRCDIR/contrib" "$1/contrib"
	cp "$VEIL" "$1/veil"
}

# cpus_allowed PID: the CPU list the kernel lets PID run on.
cpus_allowed() {
	awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/$1/status"
}

# ---- flags after the container id ---------------------------------------------------------

@test "compat: update ID --cpuset-cpus N --cpu-period P (flags after the id)" {
	[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs (nproc: $(nproc))"
	start_container
	vrun update "$ID" --cpuset-cpus 1 --cpu-period 100000
	[ "$status" -eq 0 ]
	[ "$(cpus_allowed "$(ctr_pid)")" = 1 ]
	vrun update "$ID" --cpuset-cpus=0
	[ "$status" -eq 0 ]
	[ "$(cpus_allowed "$(ctr_pid)")" = 0 ]
}

@test "compat: create and run take their flags after the id" {
	vrun create "$ID" --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid"
	[ "$status" -eq 0 ]
	[ "$(state_field status)" = created ]
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" -eq "$(ctr_pid)" ]
	local id2=${ID}b
	vrun run "$id2" --detach -b "$BUNDLE"
	[ "$status" -eq 0 ]
	wait_for_status "$id2" running
}

@test "compat: kill, delete and events take their flags after the id" {
	start_container
	vrun events "$ID" --stats
	[ "$status" -eq 0 ]
	jq -e '.type == "stats"' <<<"$stdout"
	vrun kill "$ID" KILL --all
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	local id2=${ID}b
	vrun run -d --bundle "$BUNDLE" "$id2"
	[ "$status" -eq 0 ]
	wait_for_status "$id2" running
	vrun delete "$id2" --force
	[ "$status" -eq 0 ]
	[ ! -d "$ROOT/$id2" ]
}

@test "compat: state, start, pause and resume take --help after the id" {
	local c
	for c in state start pause resume kill delete update events; do
		run_veil "$c" "$ID" --help
		if [ "$status" -ne 0 ] || [[ $output != "Usage: veil $c "* ]]; then
			echo "'veil $c ID --help' exited $status, stdout '$output'" >&2
			return 1
		fi
	done
}

@test "compat: an unknown flag after the id is an error naming it" {
	create_container
	run_veil state "$ID" --bogus
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" --bogus
}

@test "compat: -- ends the flags: an id may follow it" {
	create_container
	run_veil state -- "$ID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .id <<<"$output")" = "$ID" ]
}

# runc never parses what follows exec's id: it is the command and its arguments.
@test "compat: exec ID CMD ARGS: flags after the id belong to the command" {
	start_container
	vrun exec "$ID" sh -c 'printf "%s," "$@"' sh --cwd /tmp -e X=1 --foo
	[ "$status" -eq 0 ]
	[ "$stdout" = "--cwd,/tmp,-e,X=1,--foo," ]
	# the first word after the id is the command even if it looks like a flag
	vrun exec "$ID" --env X=1 true
	[ "$status" -ne 0 ]
	assert_contains "$stderr" -- --env
}

# ps: what follows the id are ps(1)'s own options, as runc does.
@test "compat: ps ID PS-OPTIONS passes them to ps" {
	start_container
	vrun ps "$ID" -o pid,comm
	[ "$status" -eq 0 ]
	[[ ${lines[0]} =~ ^\ *PID\ +COMMAND$ ]]
	[[ ${lines[1]} =~ ^\ *$(ctr_pid)\ + ]]
}

# ---- list order ---------------------------------------------------------------------------

@test "compat: list, list -q and list --format json are sorted by id" {
	local s ids=()
	for s in m c x a q e; do
		vrun create --bundle "$BUNDLE" "$ID$s"
		[ "$status" -eq 0 ]
		ids+=("$ID$s")
	done
	local want
	want=$(printf '%s\n' "${ids[@]}" | LC_ALL=C sort)
	run_veil list -q
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	run_veil list
	[ "$status" -eq 0 ]
	[ "$(tail -n +2 <<<"$output" | awk '{ print $1 }')" = "$want" ]
	run_veil list --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[].id' <<<"$output")" = "$want" ]
}

# ---- help ---------------------------------------------------------------------------------

@test "compat: COMMAND -h and --help print that command's help, exit 0" {
	local c f failed=
	for c in $ALL_COMMANDS; do
		for f in -h --help; do
			run_raw "$c" "$f"
			if [ "$status" -ne 0 ] || [[ $output != "Usage: veil $c"* ]] || [ -n "$stderr" ]; then
				echo "'veil $c $f' exited $status, stdout '${output:0:200}', stderr '$stderr'" >&2
				failed+=" $c$f"
			fi
		done
	done
	[ -z "$failed" ]
}

@test "compat: checkpoint and restore --help say they are not implemented yet" {
	local c
	for c in checkpoint restore; do
		run_raw "$c" --help
		[ "$status" -eq 0 ]
		assert_contains "$output" "not implemented yet"
	done
}

@test "compat: veil help lists every command; veil help COMMAND is COMMAND --help" {
	run_raw help
	[ "$status" -eq 0 ]
	local c
	for c in $ALL_COMMANDS; do
		grep -qE "^  $c " <<<"$output"
	done
	for c in $ALL_COMMANDS; do
		run_raw "$c" --help
		local want=$output
		run_raw help "$c"
		[ "$status" -eq 0 ]
		[ "$output" = "$want" ]
	done
}

@test "compat: veil help NOSUCH and an unknown command exit 1 with one line naming it" {
	run_raw help frobnicate
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" frobnicate
	run_raw frobnicate
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	assert_one_error_line
	assert_contains "$stderr" '"frobnicate"'
}

# ---- --debug to the log -------------------------------------------------------------------

@test "compat: --log FILE --debug writes logfmt lines: time=\"...\" level=debug msg=\"...\"" {
	local log=$BATS_TEST_TMPDIR/veil.log
	run_raw --root "$ROOT" --log "$log" --debug state nosuch
	[ "$status" -eq 1 ]
	cat "$log" >&2
	grep -q '^time="[^"]*" level=debug msg=' "$log"
	grep -q '^time="[^"]*" level=error msg="container \\"nosuch\\" does not exist' "$log" ||
		grep -q '^time="[^"]*" level=error msg=".*nosuch' "$log"
	# every line has that shape
	! grep -vE '^time="[0-9T:.Z+-]+" level=(debug|info|warning|error) msg=("([^"\\]|\\.)*"|[A-Za-z0-9./@^+_-]+)$' "$log"
}

@test "compat: --log FILE --log-format json --debug writes level debug objects" {
	local log=$BATS_TEST_TMPDIR/veil.log
	run_raw --root "$ROOT" --log "$log" --log-format json --debug state nosuch
	[ "$status" -eq 1 ]
	jq -e -s 'all(.[]; type == "object" and (keys == ["level", "msg", "time"]))
		and any(.[]; .level == "debug") and (.[-1].level == "error")' "$log"
}

@test "compat: without --debug the log has no debug lines" {
	local log=$BATS_TEST_TMPDIR/veil.log
	run_raw --root "$ROOT" --log "$log" state nosuch
	[ "$status" -eq 1 ]
	! grep -q 'level=debug' "$log"
	grep -q '^time="[^"]*" level=error msg=' "$log"
}

# ---- signal 0, ps of a stopped container --------------------------------------------------

@test "compat: kill ID 0 and kill -a ID 0 succeed on a running container" {
	start_container
	vrun kill "$ID" 0
	[ "$status" -eq 0 ]
	vrun kill -a "$ID" 0
	[ "$status" -eq 0 ]
	[ "$(state_field status)" = running ]
	vrun kill "$ID" KILL
	wait_for_status "$ID" stopped
	# as runc: signalling a stopped container is an error, signal 0 included
	vrun kill "$ID" 0
	[ "$status" -eq 1 ]
}

@test "compat: ps of a stopped container prints ps's header only; json prints null" {
	start_container
	vrun kill "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for_status "$ID" stopped
	vrun ps "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = "$(ps -ef | head -n 1)" ]
	vrun ps --format json "$ID"
	[ "$status" -eq 0 ]
	[ "$stdout" = null ]
}

# ---- one "veil: " prefix ------------------------------------------------------------------

@test "compat: errors carry one veil: prefix (global flags, commands, flags)" {
	run_raw --frobnicate list
	[ "$status" -eq 1 ]
	[ "$stderr" = "veil: unknown flag --frobnicate" ]
	run_raw --root
	[ "$status" -eq 1 ]
	[ "$stderr" = "veil: flag --root needs a value" ]
	run_raw -x
	[ "$status" -eq 1 ]
	[ "$stderr" = "veil: unknown flag -x" ]
	local args
	for args in "list --frob" "state" "kill" "state nosuch" "frob" "list -f yaml" \
		"--log-format yaml list" "exec" "update --memory"; do
		# shellcheck disable=SC2086
		run_veil $args
		[ "$status" -eq 1 ]
		assert_one_error_line
		if [[ $stderr == *"veil: veil"* ]]; then
			echo "'veil $args': doubled prefix: $stderr" >&2
			return 1
		fi
	done
}

# ---- README: "Using it by hand", as written -----------------------------------------------

# The by-hand block of README.md, run line by line from a fresh clone's layout (contrib/ and
# the veil just built at the top), in a private mount namespace whose /run is a tmpfs (so that
# the default --root /run/veil and /run/demo1.pid are this test's own).  Only the container
# ids are changed, to this test's unique ones.  PATH has no veil in it, as on a fresh machine.
@test "compat: README's by-hand section works as written from a fresh clone" {
	local clone=$BATS_TEST_TMPDIR/clone-$MARK
	make_clone "$clone"
	sed -n '/^## Using it by hand/,/^## /p' "$TOP_SRCDIR/README.md" |
		sed -n '/^```sh$/,/^```$/p' | sed '1d;$d' >"$BATS_TEST_TMPDIR/byhand.sh"
	[ -s "$BATS_TEST_TMPDIR/byhand.sh" ]
	sed -i "s/\bdemo\([0-9]\)\b/${ID}demo\1/g" "$BATS_TEST_TMPDIR/byhand.sh"
	cat >"$BATS_TEST_TMPDIR/driver.sh" <<'EOF'
# Runs each line of the block (comments dropped) in this shell, "STATUS<TAB>LINE" to fd 3.
mount -t tmpfs tmpfs /run
unset VEIL
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
if command -v veil >/dev/null; then echo "veil is already on PATH: $(command -v veil)"; exit 2; fi
cd "$1"
while IFS= read -r line; do
	line=${line%%  #*}
	[ -n "${line// /}" ] || continue
	st=0
	eval "$line" </dev/null || st=$?
	printf '%s\t%s\n' "$st" "$line" >&3
done <"$2"
# what the block leaves running (run --detach): gone before the private /run goes
for d in /run/veil/*/; do
	[ -d "$d" ] && "$1/veil" delete --force "$(basename "$d")"
done
exit 0
EOF
	unshare -m --propagation private bash "$BATS_TEST_TMPDIR/driver.sh" "$clone" \
		"$BATS_TEST_TMPDIR/byhand.sh" 3>"$BATS_TEST_TMPDIR/statuses" \
		>"$BATS_TEST_TMPDIR/out" 2>&1 || true
	cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/statuses" >&2
	# every line ran and succeeded, except "veil run demo2", whose container exits 3
	[ "$(grep -c '' "$BATS_TEST_TMPDIR/statuses")" -eq "$(grep -cvE '^\s*(#|$)' "$BATS_TEST_TMPDIR/byhand.sh")" ]
	! awk -F'\t' -v run="veil run ${ID}demo2" '$1 != 0 && !(index($2, run) == 1 && $1 == 3)' \
		"$BATS_TEST_TMPDIR/statuses" | grep .
	grep -q "^3	veil run ${ID}demo2" "$BATS_TEST_TMPDIR/statuses"
	grep -q '"status": "created"' "$BATS_TEST_TMPDIR/out"
	grep -q '^hello from veil$' "$BATS_TEST_TMPDIR/out"
	grep -q "mkbundle: bundle ready in $clone/mybundle" "$BATS_TEST_TMPDIR/out"
}

@test "compat: contrib/mkbundle finds the veil next to contrib/ when none is on PATH" {
	local clone=$BATS_TEST_TMPDIR/clone-$MARK
	make_clone "$clone"
	run env -u VEIL PATH=/usr/sbin:/usr/bin:/sbin:/bin "$clone/contrib/mkbundle" "$BATS_TEST_TMPDIR/b"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	jq -e '.ociVersion' "$BATS_TEST_TMPDIR/b/config.json"
}

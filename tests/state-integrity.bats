#!/usr/bin/env bats
# State integrity and crash safety: whatever happened to veil or to ROOT/ID
# (veil SIGKILLed at any point of create, state.json missing or corrupt,
# force-deletes racing), `delete --force ID` removes every process, cgroup,
# mount and the state directory, and `list` and `state` say what is broken.
#
# Environment: VEIL_SOAK_RUNS (sequential run cycles, default 200),
# VEIL_SOAK_PARALLEL (containers created 8 at a time, default 40),
# VEIL_KILL_STRIDE (kill at every Nth syscall of create, default 1: all).

load helpers

setup() {
	common_setup
	# The default cgroup is ID below the test's own cgroups, shared by every
	# state root on the host: the id must be unique to this run.
	ID=si-${MARK#veilmark}
}

# cgroup_dirs [ID]: the container's cgroup directories that exist (the
# default cgroupsPath: helpers' default_cgroup_dirs).
cgroup_dirs() {
	local d
	for d in $(default_cgroup_dirs "${1:-$ID}"); do
		[ -d "$d" ] && echo "$d"
	done
	return 0
}

# assert_gone [PID...]: nothing of $ID is left: no state directory, no
# cgroup directory, none of the PIDs, no process of the test, no mount.
assert_gone() {
	local pid dirs bad=0
	dirs=$(cgroup_dirs)
	if [ -n "$dirs" ]; then
		echo "leftover cgroups of $ID:" >&2
		echo "$dirs" >&2
		bad=1
	fi
	for pid in "$@"; do
		if process_running "$pid"; then
			echo "process $pid still runs" >&2
			bad=1
		fi
	done
	assert_no_leftovers || bad=1
	[ "$bad" -eq 0 ]
}

# break_state FORM: spoil $ROOT/$ID/state.json (a fifo would block a reader).
break_state() {
	local f=$ROOT/$ID/state.json n
	case $1 in
	missing) rm -f -- "$f" ;;
	empty) : >"$f" ;;
	truncated)
		n=$(stat -c %s "$f")
		truncate -s $((n / 2)) "$f"
		;;
	garbage) head -c 4096 /dev/urandom >"$f" ;;
	oversize)
		# 10 MB: the real document followed by filler
		{
			cat "$f"
			head -c $((10 << 20)) /dev/zero | tr '\0' x
		} >"$f.big"
		mv -- "$f.big" "$f"
		;;
	fifo)
		rm -f -- "$f"
		mkfifo "$f"
		;;
	*) return 1 ;;
	esac
}

# A running container whose state.json is then spoilt (FORM): list shows it as
# unknown and says why, state says what is wrong, delete --force removes all.
broken_state_case() {
	local pid
	start_container
	pid=$(ctr_pid)
	[ -n "$(cgroup_dirs)" ]
	break_state "$1"

	run_veil list
	[ "$status" -eq 0 ]
	local row
	row=$(awk -v id="$ID" '$1 == id' <<<"$output")
	[ -n "$row" ] || {
		echo "list does not show $ID" >&2
		return 1
	}
	assert_contains "$row" unknown
	assert_contains "$stderr" "load container $ID: "
	assert_contains "$stderr" state.json
	run_veil list --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .status' <<<"$output")" = unknown ]
	run_veil list --quiet
	[ "$status" -eq 0 ]
	assert_contains "$output" "$ID"

	run_veil state "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" state.json
	assert_contains "$stderr" "$ID"
	case $stderr in *"does not exist"*)
		echo "state says the container does not exist" >&2
		return 1
		;;
	esac
	# nothing was killed so far
	process_running "$pid"

	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	wait_for_exit "$pid" 5
	assert_gone "$pid"
	# the id can be used again
	create_container
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	assert_gone
}

@test "state-integrity: state.json missing" {
	broken_state_case missing
}

@test "state-integrity: state.json empty" {
	broken_state_case empty
}

@test "state-integrity: state.json truncated" {
	broken_state_case truncated
}

@test "state-integrity: state.json garbage" {
	broken_state_case garbage
}

@test "state-integrity: state.json oversize (10 MB)" {
	broken_state_case oversize
}

@test "state-integrity: state.json a fifo" {
	broken_state_case fifo
}

@test "state-integrity: a created container (init blocked on exec.fifo) without state.json" {
	local pid
	create_container
	pid=$(ctr_pid)
	rm -f -- "$ROOT/$ID/state.json"
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	wait_for_exit "$pid" 5
	assert_gone "$pid"
}

@test "state-integrity: delete without --force of a broken container says what is wrong" {
	start_container
	break_state garbage
	vrun delete "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" "load container $ID: "
	assert_contains "$stderr" "--force"
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	assert_gone
}

@test "state-integrity: 60 parallel delete --force of one container all exit 0" {
	local pid i p fails=0 pids=()
	start_container
	pid=$(ctr_pid)
	for ((i = 0; i < 60; i++)); do
		"$VEIL" --root "$ROOT" delete --force "$ID" </dev/null >/dev/null \
			2>"$BATS_TEST_TMPDIR/del$i.err" 3>&- &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || fails=$((fails + 1))
	done
	echo "# 60 parallel delete --force: $fails exited non-zero" >&3
	if [ "$fails" -ne 0 ]; then
		sort "$BATS_TEST_TMPDIR"/del*.err | uniq -c >&2
		return 1
	fi
	wait_for_exit "$pid" 5
	assert_gone "$pid"
}

@test "state-integrity: create SIGKILLed after 0-6 ms, 40 times: delete --force leaves nothing" {
	local i p rc killed=0 us
	for ((i = 0; i < 40; i++)); do
		"$VEIL" --root "$ROOT" create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 3>&- &
		p=$!
		us=$((RANDOM % 6001))
		sleep "0.$(printf %06d "$us")"
		kill -KILL "$p" 2>/dev/null || true
		rc=0
		{ wait "$p" || rc=$?; } 2>/dev/null
		[ "$rc" -ne 137 ] || killed=$((killed + 1))
		vrun delete --force "$ID"
		[ "$status" -eq 0 ] || {
			echo "run $i (killed after ${us}us, exit $rc): delete --force failed" >&2
			return 1
		}
		assert_gone || {
			echo "run $i (killed after ${us}us, exit $rc) left the above" >&2
			return 1
		}
		create_container
		vrun delete --force "$ID"
		[ "$status" -eq 0 ]
	done
	echo "# 40 creates, $killed of them killed before they finished" >&3
	assert_gone
}

# The syscalls that `veil create` makes, in order, as NAME:N (the Nth call of
# NAME): strace counts injections per syscall and per process, so
# inject=NAME:signal=KILL:when=N kills veil right before its syscall number K,
# where inject=all:when=K would kill it at the first syscall called K times.
# strace follows veil alone (no -f): with -f it would wait for the init that
# create leaves behind, and would kill the init at its own Nth NAME first.
create_syscalls() {
	strace -qq -o "$BATS_TEST_TMPDIR/trace" "$VEIL" --root "$ROOT" create --bundle "$BUNDLE" "$ID" \
		</dev/null >/dev/null 2>&1 3>&- || return 1
	"$VEIL" --root "$ROOT" delete --force "$ID" </dev/null || return 1
	awk -F'(' '/^[a-z_0-9]+\(/ { n[$1]++; print $1 ":" n[$1] }' "$BATS_TEST_TMPDIR/trace"
}

@test "state-integrity: create SIGKILLed at every syscall (strace): delete --force leaves nothing" {
	command -v strace >/dev/null || skip "strace is not installed (apt-get install strace)"
	local points total k name nth rc stride=${VEIL_KILL_STRIDE:-1} covered=0 died=0
	mapfile -t points < <(create_syscalls)
	total=${#points[@]}
	[ "$total" -gt 50 ] || {
		echo "strace saw only $total syscalls of create" >&2
		return 1
	}
	for ((k = 0; k < total; k += stride)); do
		name=${points[k]%:*} nth=${points[k]##*:}
		rc=0
		# (the braces keep bash's "Killed" notice out of the output)
		{ strace -qq -o /dev/null -e inject="$name:signal=KILL:when=$nth" \
			"$VEIL" --root "$ROOT" create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 3>&- ||
			rc=$?; } 2>/dev/null
		covered=$((covered + 1))
		[ "$rc" -ne 137 ] || died=$((died + 1))
		if ! "$VEIL" --root "$ROOT" delete --force "$ID" </dev/null 2>"$BATS_TEST_TMPDIR/del.err"; then
			echo "kill point $((k + 1))/$total ($name #$nth): delete --force failed:" >&2
			cat "$BATS_TEST_TMPDIR/del.err" >&2
			return 1
		fi
		assert_gone || {
			echo "kill point $((k + 1))/$total ($name #$nth) left the above" >&2
			return 1
		}
	done
	echo "# create makes $total syscalls; $covered kill points covered (stride $stride), veil died of SIGKILL at $died" >&3
	# a run may make a syscall fewer than the traced one (a retry, a wait): not every point
	# kills, but nearly all must, or the kills were not what the test checked
	[ "$died" -ge $((covered * 9 / 10)) ]
	# and the id is still usable
	create_container
	vrun delete --force "$ID"
	[ "$status" -eq 0 ]
	assert_gone
}

@test "state-integrity: soak: sequential runs and 8-way parallel create/start/delete leave nothing" {
	local runs=${VEIL_SOAK_RUNS:-200} par=${VEIL_SOAK_PARALLEL:-40}
	# the run cycles' container exits at once; the parallel ones run until killed
	mkdir "$BATS_TEST_TMPDIR/run-bundle"
	jq --arg r "$BUNDLE/rootfs" '.root.path = $r | .process.args = ["true"]' \
		"$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/run-bundle/config.json"
	run unshare -m --propagation private bash "$TESTS_DIR/helpers/state-soak" "$VEIL" "$ROOT" \
		"$BATS_TEST_TMPDIR/run-bundle" "$BUNDLE" "$MARK" "$runs" "$par"
	printf '# %s\n' "${lines[@]}" >&3
	[ "$status" -eq 0 ]
	assert_gone
}

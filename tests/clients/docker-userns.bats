#!/usr/bin/env bats
# veil under dockerd --userns-remap=default: every container gets a user namespace that maps
# root to the "dockremap" user's subordinate range, and docker's config sets oomScoreAdj,
# which veil used to write from inside that namespace ("lowering it needs CAP_SYS_RESOURCE").
#
# dockerd creates the dockremap user and its /etc/subuid and /etc/subgid ranges when they
# are missing; if it did, teardown removes them again (the host is left as it was found).

load common
load dockerd

setup_file() {
	require_cmd /usr/sbin/useradd passwd
	if getent passwd dockremap >/dev/null; then
		export MADE_DOCKREMAP=
	else
		export MADE_DOCKREMAP=1
		cp /etc/passwd /etc/group /etc/subuid /etc/subgid "$BATS_FILE_TMPDIR/" 2>/dev/null || true
	fi
	dockerd_up docker-userns --userns-remap=default
	# the first host id of the range root maps to
	SUB_UID=$(awk -F: '$1 == "dockremap" { print $2; exit }' /etc/subuid)
	SUB_GID=$(awk -F: '$1 == "dockremap" { print $2; exit }' /etc/subgid)
	export SUB_UID SUB_GID
	[ -n "$SUB_UID" ] && [ -n "$SUB_GID" ] || {
		echo "dockerd made no dockremap range in /etc/subuid and /etc/subgid" >&2
		return 1
	}
}

teardown_file() {
	local fail=0
	dockerd_down || fail=1
	if [ -n "${MADE_DOCKREMAP:-}" ]; then
		# restores the host's account files exactly as they were before dockerd added the user
		userdel dockremap 2>/dev/null || true
		local f
		for f in passwd group subuid subgid; do
			[ -f "$BATS_FILE_TMPDIR/$f" ] && cat "$BATS_FILE_TMPDIR/$f" >"/etc/$f"
		done
		getent passwd dockremap >/dev/null && fail=1
	fi
	return "$fail"
}

setup() {
	IDS=()
}

teardown() {
	local id
	for id in "${IDS[@]}"; do
		docker rm -f "$id" >/dev/null 2>&1 || true
	done
}

# uid_of PID: the real uid of a host process
uid_of() {
	awk '$1 == "Uid:" { print $2 }' "/proc/$1/status"
}

@test "docker userns-remap: run as root in the container, the subordinate uid on the host" {
	run docker run --rm --runtime=veil --network none "$IMG" sh -c 'id -u; cat /proc/self/uid_map; cat /proc/self/oom_score_adj'
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	# root of the container is the range's first id
	read -r inside outside size <<<"${lines[1]}"
	[ "$inside" = 0 ] && [ "$outside" = "$SUB_UID" ] && [ "$size" -gt 0 ]
	[ "${lines[2]}" = 0 ]
}

@test "docker userns-remap: --oom-score-adj is set from outside the user namespace" {
	run docker run --rm --runtime=veil --network none --oom-score-adj 300 "$IMG" cat /proc/self/oom_score_adj
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[ "$output" = 300 ]
}

@test "docker userns-remap: run -d and exec; both processes are the subordinate uid on the host" {
	local cid pid
	cid=$(docker run -d --runtime=veil --network none "$IMG" sleep 1000)
	IDS+=("$cid")
	pid=$(docker inspect -f '{{.State.Pid}}' "$cid")
	[ "$(uid_of "$pid")" = "$SUB_UID" ]
	run docker exec "$cid" id -u
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	run docker exec -d "$cid" sleep 999
	[ "$status" -eq 0 ]
	# every process of the container, the exec'd one too, runs as the range's root
	local i n=0 p
	for ((i = 0; i < 50 && n < 2; i++)); do
		run docker top "$cid" -o pid
		n=$(($(wc -l <<<"$output") - 1))
		sleep 0.1
	done
	[ "$n" -ge 2 ]
	for p in $(tail -n +2 <<<"$output"); do
		[ "$(uid_of "$p")" = "$SUB_UID" ] || {
			echo "pid $p runs as uid $(uid_of "$p"), not $SUB_UID" >&2
			return 1
		}
	done
}

# The volume sits below bats' 0700 temporary directories, which the remapped root cannot
# enter: the runtime must open the source with the host's privileges, as runc does.
@test "docker userns-remap: a file written in a volume is owned by the subordinate ids on the host" {
	local vol=$BATS_TEST_TMPDIR/vol rt
	mkdir -p "$vol"
	chown "$SUB_UID:$SUB_GID" "$vol"
	for rt in runc veil; do
		run docker run --rm --runtime="$rt" --network none -v "$vol:/data" "$IMG" sh -c "echo hi >/data/$rt && id -u"
		echo "$rt: $output" >&2
		[ "$status" -eq 0 ]
		[ "$(stat -c %u:%g "$vol/$rt")" = "$SUB_UID:$SUB_GID" ]
	done
}

# Common helpers for veil's bats behaviour tests.  Load with "load helpers".
#
# Environment:
#   VEIL   runtime binary under test (default: the veil binary in the top
#          directory, i.e. $BATS_TEST_DIRNAME/../veil); made absolute here.
#
# Per file:  setup_file builds one template bundle (contrib/mkbundle) in
#            $BATS_FILE_TMPDIR/template.
# Per test:  $ROOT    state root, passed to every "veil" call as --root
#            $BUNDLE  a fresh copy of the template (its path holds $MARK)
#            $ID      a container id
#            $MARK    a string unique to the test, found in the bundle path,
#                     in process.env (VEIL_TEST_MARK) and in the default
#                     process.args, so that leftover processes can be found
#
# VEIL_TEST_UNSHARE=1 (tests/run-bats runs some files a second time so): every
# veil call runs as root of a user namespace made by "unshare -r" (uid 0 mapped
# to the host's 0, nothing else), one per test, held by $USERNS_HOLDER: veil
# then is rootless (no cgroups, no mknod, no host-only mounts).  Tests that need
# the host's real root call require_real_root, which skips them with the reason.
#
# Every container a test creates in $ROOT is force-deleted in teardown, and
# stragglers are killed by the PIDs veil reported (never by name).

bats_require_minimum_version 1.5.0

TESTS_DIR=$(cd "$BATS_TEST_DIRNAME" && pwd -P)
TOP_SRCDIR=$(cd "$TESTS_DIR/.." && pwd -P)
MKBUNDLE=$TOP_SRCDIR/contrib/mkbundle
CFGEDIT=$TESTS_DIR/cfgedit

: "${VEIL:=$TOP_SRCDIR/veil}"
case $VEIL in
*/*) VEIL=$(cd "$(dirname -- "$VEIL")" 2>/dev/null && pwd -P)/$(basename -- "$VEIL") ;;
*) VEIL=$(command -v -- "$VEIL" || echo "$VEIL") ;;
esac
export VEIL

# The runtime under test, always with the per-test state root.  A call that
# hangs (e.g. blocked on a lock) is killed after $VEIL_TIMEOUT seconds (exit
# status 124) so that one runtime bug cannot hang the whole suite.
veil() {
	timeout --foreground -k 5 "${VEIL_TIMEOUT:-60}" "${IN_USERNS[@]}" "$VEIL" --root "$ROOT" "$@"
}

in_unshare_mode() {
	[ "${VEIL_TEST_UNSHARE:-0}" = 1 ]
}

# require_real_root REASON: skip the test in the unshare -r mode, saying why.
require_real_root() {
	! in_unshare_mode || skip "needs real root, not root of an unshare -r user namespace: $*"
}

# The user namespace every veil call of the test runs in (the unshare -r mode): a sleeping
# "unshare -r", killed in teardown like every tracked helper.
start_userns_holder() {
	local i
	unshare -r sleep 100000 </dev/null >/dev/null 2>&1 3>&- &
	USERNS_HOLDER=$!
	track_pid "$USERNS_HOLDER"
	IN_USERNS=(nsenter --user --target "$USERNS_HOLDER" --)
	for ((i = 0; i < 100; i++)); do
		[ "$(readlink "/proc/$USERNS_HOLDER/ns/user")" = "$(readlink /proc/self/ns/user)" ] || return 0
		sleep 0.01
	done
	echo "unshare -r (pid $USERNS_HOLDER) made no user namespace" >&2
	return 1
}

# ---------------------------------------------------------------------------
# setup / teardown

common_setup_file() {
	if [ ! -x "$VEIL" ]; then
		echo "VEIL=$VEIL is not an executable file (build veil first, or set VEIL)" >&2
		return 1
	fi
	command -v jq >/dev/null || {
		echo "jq not found (apt-get install jq)" >&2
		return 1
	}
	export TEMPLATE="$BATS_FILE_TMPDIR/template"
	VEIL="$VEIL" "$MKBUNDLE" "$TEMPLATE" >/dev/null
	# No terminal in tests; a writable rootfs so containers can leave files
	# in /tmp for the host to look at.
	"$CFGEDIT" "$TEMPLATE/config.json" \
		'.process.terminal = false | .root.readonly = false'
	# only uid/gid 0 is mapped: devpts cannot be given the tty group (as "spec --rootless")
	! in_unshare_mode ||
		"$CFGEDIT" "$TEMPLATE/config.json" '.mounts |= map(if .type == "devpts" then .options -= ["gid=5"] else . end)'
}

common_setup() {
	ROOT="$BATS_TEST_TMPDIR/root"
	MARK="veilmark${$}x${BATS_SUITE_TEST_NUMBER:-0}x$RANDOM"
	BUNDLE="$BATS_TEST_TMPDIR/bundle-$MARK"
	# the id names the container's cgroups (/veil/ID): unique per run, so that two suites running
	# at once on one machine never share (and kill) each other's cgroups
	ID="ctr$BATS_TEST_NUMBER-$$"
	VRUN_N=0
	cp -a "$TEMPLATE" "$BUNDLE"
	: >"$BATS_TEST_TMPDIR/pids"
	: >"$BATS_TEST_TMPDIR/extra-containers"
	# "${IN_USERNS[@]}" CMD: CMD in the test's user namespace (a simple command, so that a
	# backgrounded one's $! is CMD's pid); what veil is to join must belong to a user namespace
	# veil has privileges in
	USERNS_HOLDER= IN_USERNS=()
	! in_unshare_mode || start_userns_holder
	# Every container process carries the marker in its environment, and the
	# default process (long-running) in its command line too (busybox sh
	# stays around as the parent of sleep).
	cfg '.process.env += ["VEIL_TEST_MARK=" + $m]
	   | .process.args = ["sh", "-c", "sleep 1000; : " + $m]' --arg m "$MARK"
}

setup_file() {
	common_setup_file
}

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# Is PID an existing, non-zombie process?  (bash builtins only: teardown
# calls this for many processes.)
process_running() {
	local stat
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	stat=${stat##*) }
	case ${stat%% *} in
	'' | Z | X) return 1 ;;
	esac
	return 0
}

# marked_pids STRING: pids of the processes whose root directory, command
# line or environment contains STRING (the grep pattern is bracketed so that
# grep does not find itself).
marked_pids() {
	local s=$1
	{
		find /proc/[0-9]*/root -maxdepth 0 -lname "*$s*" 2>/dev/null
		grep -l -a -e "${s:0:1}[${s:1:1}]${s:2}" /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null
	} | cut -d/ -f3 | sort -un
}

# Does PID's root directory or command line show that it belongs to this
# test (so that killing it cannot hit an unrelated process)?
process_is_ours() {
	local pid=$1 r c
	r=$(readlink "/proc/$pid/root" 2>/dev/null) || r=
	case $r in "$BATS_TEST_TMPDIR"/*) return 0 ;; esac
	c=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || c=
	case $c in *"$MARK"*) return 0 ;; esac
	c=$(tr '\0' ' ' <"/proc/$pid/environ" 2>/dev/null) || c=
	case $c in *"VEIL_TEST_MARK=$MARK"*) return 0 ;; esac
	return 1
}

# Kill PID (if it still runs and belongs to the test); report on fd 3.
kill_straggler() {
	local pid=$1 why=$2
	case $pid in '' | *[!0-9]* | 0) return 0 ;; esac
	process_running "$pid" || return 0
	process_is_ours "$pid" || return 0
	echo "# teardown: killing $why pid $pid" >&3
	kill -KILL "$pid" 2>/dev/null || true
}

common_teardown() {
	local d id pid line root p
	local VEIL_TIMEOUT=10

	# Helper processes a test started (unshare'd sleeps, background runs)
	# go first: a foreground "veil run" may hold the container's lock.
	while read -r pid; do
		case $pid in '' | *[!0-9]* | "$USERNS_HOLDER") continue ;; esac
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done <"$BATS_TEST_TMPDIR/pids"
	# Containers in the per-test root: remember their pids, force-delete.
	if [ -d "$ROOT" ]; then
		for d in "$ROOT"/*/; do
			[ -d "$d" ] || continue
			id=$(basename -- "$d")
			pid=$(veil state "$id" 2>/dev/null </dev/null 3>&- | jq -r '.pid // empty' 2>/dev/null) || pid=
			veil delete --force "$id" </dev/null >/dev/null 2>&1 3>&- || true
			kill_straggler "$pid" "container $id"
		done
	fi
	# Containers created in other roots (e.g. the default one).
	while read -r root id; do
		[ -n "$id" ] || continue
		pid=$(ROOT=$root veil state "$id" 2>/dev/null </dev/null 3>&- |
			jq -r '.pid // empty' 2>/dev/null) || pid=
		ROOT=$root veil delete --force "$id" </dev/null >/dev/null 2>&1 3>&- || true
		kill_straggler "$pid" "container $id"
	done <"$BATS_TEST_TMPDIR/extra-containers"
	# Anything still running inside one of this test's bundles, or with the
	# marker in its command line: a container veil lost track of.
	for pid in $(marked_pids "$MARK"); do
		[ "$pid" != "$$" ] && [ "$pid" != "$BASHPID" ] || continue
		kill_straggler "$pid" "leftover"
	done
	# Mounts that leaked into the host's mount namespace.
	grep -F "$BATS_TEST_TMPDIR" /proc/self/mountinfo 2>/dev/null |
		awk '{ print $5 }' | sort -r | while read -r line; do
		echo "# teardown: unmounting leaked $line" >&3
		umount -l "$line" 2>/dev/null || true
	done
	# last: the force-deletes above ran in its user namespace
	if [ -n "${USERNS_HOLDER:-}" ]; then
		kill -KILL "$USERNS_HOLDER" 2>/dev/null || true
		wait "$USERNS_HOLDER" 2>/dev/null || true
	fi
	return 0
}

# Remember a helper process (killed in teardown).
track_pid() {
	echo "$1" >>"$BATS_TEST_TMPDIR/pids"
}

# Remember a container created outside $ROOT (force-deleted in teardown).
track_container() { # ROOT ID
	echo "$1 $2" >>"$BATS_TEST_TMPDIR/extra-containers"
}

# ---------------------------------------------------------------------------
# config.json editing (jq, through tests/cfgedit)

# cfg FILTER [JQ-OPTION...]: edit $BUNDLE/config.json in place.
cfg() {
	"$CFGEDIT" "$BUNDLE/config.json" "$@"
}

# set_args ARG...: process.args = [ARG...]
set_args() {
	local i=0 a filter= sep= opts=()
	for a in "$@"; do
		filter+="$sep\$a$i"
		opts+=(--arg "a$i" "$a")
		sep=,
		i=$((i + 1))
	done
	cfg ".process.args = [$filter]" "${opts[@]}"
}

# add_ns TYPE [PATH]: make sure linux.namespaces has TYPE (with PATH).
add_ns() {
	if [ $# -ge 2 ]; then
		cfg '.linux.namespaces = ([.linux.namespaces[]? | select(.type != $t)] + [{type: $t, path: $p}])' \
			--arg t "$1" --arg p "$2"
	else
		cfg '.linux.namespaces = ([.linux.namespaces[]? | select(.type != $t)] + [{type: $t}])' \
			--arg t "$1"
	fi
}

# del_ns TYPE: remove TYPE from linux.namespaces.
del_ns() {
	cfg '.linux.namespaces = [.linux.namespaces[]? | select(.type != $t)]' --arg t "$1"
}

# userns_config [HOSTID [SIZE]]: a user namespace (new, unless the config
# already joins one) mapping container ids 0..SIZE-1 to host ids HOSTID..
# (default 100000, 65536).
userns_config() {
	local host=${1:-100000} size=${2:-65536}
	[ "$host $size" = "0 1" ] ||
		require_real_root "maps host ids $host-$((host + size - 1)); unshare -r maps uid/gid 0 only"
	# keep a user namespace entry (and its path) that is already there
	cfg 'if any(.linux.namespaces[]?; .type == "user") then .
	     else .linux.namespaces += [{type: "user"}] end'
	cfg '.linux.uidMappings = [{containerID: 0, hostID: $h, size: $s}]
	   | .linux.gidMappings = [{containerID: 0, hostID: $h, size: $s}]' \
		--argjson h "$host" --argjson s "$size"
	allow_traversal
}

# A process whose uid is mapped in a user namespace has no privilege over
# the host's directories: let it walk down to the bundle (bats makes its
# temporary directories 0700).
allow_traversal() {
	local d=$BUNDLE
	while [ "$d" != / ] && [ -n "$d" ]; do
		d=$(dirname -- "$d")
		case $d in /tmp | / | "") break ;; esac
		chmod a+x "$d"
	done
}

# ---------------------------------------------------------------------------
# running veil

# run_in_cgroup2 ROOT: veil run inside a new mount namespace whose /sys/fs/cgroup is a private
# cgroup2 mount (the host's own layout is untouched).
run_in_cgroup2() {
	VRUN_N=$((VRUN_N + 1))
	status=0
	unshare -m sh -c 'mount --make-rprivate / && umount -l /sys/fs/cgroup &&
		mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' sh \
		timeout -k 5 60 "$VEIL" --root "$1" run --bundle "$BUNDLE" "$ID" \
		</dev/null >"$BATS_TEST_TMPDIR/v2.out" 2>"$BATS_TEST_TMPDIR/v2.err" || status=$?
	stdout=$(cat "$BATS_TEST_TMPDIR/v2.out")
	stderr=$(cat "$BATS_TEST_TMPDIR/v2.err")
	echo "# v2 run -> $status; stdout: $stdout; stderr: $stderr" >&2
}

# vrun ARG...: run "veil ARG..." with stdin from /dev/null and stdout and
# stderr in files, not pipes (a container created by it keeps its stdio, and
# a pipe would keep bats waiting).  Sets $status, $stdout, $stderr, $output
# (stdout then stderr), $lines (of stdout) and $VRUN_OUT, $VRUN_ERR (the
# files).
vrun() {
	VRUN_N=$((VRUN_N + 1))
	VRUN_OUT="$BATS_TEST_TMPDIR/vrun$VRUN_N.out"
	VRUN_ERR="$BATS_TEST_TMPDIR/vrun$VRUN_N.err"
	status=0
	veil "$@" </dev/null >"$VRUN_OUT" 2>"$VRUN_ERR" 3>&- || status=$?
	stdout=$(cat "$VRUN_OUT")
	stderr=$(cat "$VRUN_ERR")
	output=$stdout${stdout:+${stderr:+$'\n'}}$stderr
	lines=()
	[ -z "$stdout" ] || mapfile -t lines <<<"$stdout"
	{
		echo "# veil $* -> exit $status"
		[ -z "$stdout" ] || printf '# stdout: %s\n' "${stdout:0:2000}"
		[ -z "$stderr" ] || printf '# stderr: %s\n' "${stderr:0:2000}"
	} >&2
}

# run_veil ARG...: bats' run of "veil ARG..." with stderr apart ($output is
# stdout, $stderr is stderr), echoing both to stderr (bats shows that only
# when the test fails).  For commands that start no container: the output
# goes through pipes.
run_veil() {
	run --separate-stderr veil "$@"
	{
		echo "# veil $* -> exit $status"
		[ -z "$output" ] || printf '# stdout: %s\n' "${output:0:2000}"
		[ -z "$stderr" ] || printf '# stderr: %s\n' "${stderr:0:2000}"
	} >&2
}

# run_raw ARG...: like run_veil, but "$VEIL ARG..." without the --root the
# veil wrapper adds.
run_raw() {
	run --separate-stderr timeout --foreground -k 5 "${VEIL_TIMEOUT:-60}" "${IN_USERNS[@]}" "$VEIL" "$@"
	{
		echo "# $VEIL $* -> exit $status"
		[ -z "$output" ] || printf '# stdout: %s\n' "${output:0:2000}"
		[ -z "$stderr" ] || printf '# stderr: %s\n' "${stderr:0:2000}"
	} >&2
}

# create_container [FLAG...]: "veil create --bundle $BUNDLE FLAG... $ID",
# which must succeed.
create_container() {
	vrun create --bundle "$BUNDLE" "$@" "$ID"
	if [ "$status" -ne 0 ]; then
		echo "create of $ID failed (exit $status): $stderr" >&2
		return 1
	fi
}

# start_container: create and start $ID, and wait until it runs.
start_container() {
	create_container "$@"
	vrun start "$ID"
	if [ "$status" -ne 0 ]; then
		echo "start of $ID failed (exit $status): $stderr" >&2
		return 1
	fi
	wait_for_status "$ID" running
}

# state_json [ID]: print veil state (stdout only).
state_json() {
	VEIL_TIMEOUT=10 veil state "${1:-$ID}" 2>/dev/null </dev/null 3>&-
}

# state_field FIELD [ID]: one field of the state, raw.
state_field() {
	state_json "${2:-$ID}" | jq -r ".$1"
}

# ctr_pid [ID]: the container's init pid as veil reports it.
ctr_pid() {
	state_field pid "${1:-$ID}"
}

# wait_for_status ID STATUS [SECONDS]: poll "veil state" until it says STATUS.
wait_for_status() {
	local id=$1 want=$2 secs=${3:-10} got= rc end=$((SECONDS + ${3:-10}))
	while :; do
		rc=0
		got=$(state_json "$id") || rc=$?
		got=$(jq -r .status <<<"$got" 2>/dev/null) || got=
		[ "$got" = "$want" ] && return 0
		if [ "$rc" -eq 124 ]; then
			echo "container $id: 'veil state' hung (killed after 10s)" >&2
			return 1
		fi
		[ "$SECONDS" -lt "$end" ] || break
		sleep 0.05
	done
	echo "container $id: status '$got' after ${secs}s, wanted '$want'" >&2
	state_json "$id" >&2 || true
	return 1
}

# wait_for_file PATH [SECONDS]
wait_for_file() {
	local f=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		[ -e "$f" ] && return 0
		sleep 0.05
	done
	echo "$f did not appear within ${secs}s" >&2
	return 1
}

# wait_for_exit PID [SECONDS]: until PID is gone or a zombie.
wait_for_exit() {
	local pid=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		process_running "$pid" || return 0
		sleep 0.05
	done
	echo "process $pid still running after ${secs}s" >&2
	return 1
}

# ns_of PID TYPE: the namespace link of PID (e.g. "net:[4026531833]").
# TYPE is an OCI namespace type or a /proc/PID/ns name.
ns_name() {
	case $1 in
	mount) echo mnt ;;
	network) echo net ;;
	*) echo "$1" ;;
	esac
}
ns_of() {
	readlink "/proc/$1/ns/$(ns_name "$2")"
}

# The only child of PID (e.g. the process "unshare --fork" started).
child_of() {
	local pid=$1 kids i
	for ((i = 0; i < 100; i++)); do
		kids=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null) || kids=
		kids=${kids% }
		if [ -n "$kids" ]; then
			echo "${kids%% *}"
			return 0
		fi
		sleep 0.05
	done
	echo "process $pid has no child" >&2
	return 1
}

# ---------------------------------------------------------------------------
# cgroups

# cgroup_mount CONTROLLER: the mount point of the v1 hierarchy of CONTROLLER ("name=systemd"
# too), or of the cgroup2 for "" (in this mount namespace).
cgroup_mount() {
	awk -v c="$1" '{
		split($0, half, " - "); split(half[1], m, " "); split(half[2], f, " ")
		if (c == "" && f[1] == "cgroup2") { print m[5]; exit }
		if (c != "" && f[1] == "cgroup") {
			n = split(f[3], o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print m[5]; exit }
		}
	}' /proc/self/mountinfo
}

# own_cgroups: "MOUNTPOINT OWN KIND" for each hierarchy this shell is in that is mounted here:
# OWN is its cgroup there ("/" at the root), KIND "v1" or "v2".
own_cgroups() {
	local line ctrl mnt
	while IFS= read -r line; do
		ctrl=${line#*:}
		ctrl=${ctrl%%:*}
		mnt=$(cgroup_mount "${ctrl%%,*}")
		[ -n "$mnt" ] || continue
		echo "$mnt ${line#*:*:} $([ -n "$ctrl" ] && echo v1 || echo v2)"
	done </proc/self/cgroup
}

# default_cgroup_dirs ID: where a container without linux.cgroupsPath gets its cgroup when veil
# runs in this shell's cgroups (runc's placement): ID below our own cgroup of each v1 hierarchy,
# and below the parent of our own cgroup2 directory.
default_cgroup_dirs() {
	local mnt own kind
	while read -r mnt own kind; do
		[ "$kind" = v1 ] || own=$(dirname -- "$own")
		echo "$mnt${own%/}/$1"
	done < <(own_cgroups)
}

# ---------------------------------------------------------------------------
# assertions

# assert_no_leftovers [ID]: no state directory, no process of the test, no
# mount of the bundle in the host's mount table.
assert_no_leftovers() {
	local id=${1:-$ID} p pid c r bad=0
	if [ -e "$ROOT/$id" ]; then
		echo "leftover state: $ROOT/$id exists:" >&2
		ls -la "$ROOT/$id" >&2 || true
		bad=1
	fi
	for pid in $(marked_pids "$MARK"); do
		[ "$pid" != "$$" ] && [ "$pid" != "$BASHPID" ] || continue
		process_running "$pid" || continue
		c=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || c=
		r=$(readlink "/proc/$pid/root" 2>/dev/null) || r=
		echo "leftover process $pid (root $r): $c" >&2
		bad=1
	done
	if grep -F "$BUNDLE" /proc/self/mountinfo >&2; then
		echo "leftover mounts (above) mention $BUNDLE" >&2
		bad=1
	fi
	[ "$bad" -eq 0 ]
}

# assert_one_error_line: $stderr is exactly one line, starting with "veil: ".
assert_one_error_line() {
	local n
	n=$(printf '%s' "$stderr" | grep -c '' || true)
	if [ -z "$stderr" ] || [ "$n" -ne 1 ]; then
		echo "expected exactly one line on stderr, got $n:" >&2
		printf '%s\n' "$stderr" >&2
		return 1
	fi
	case $stderr in
	"veil: "*) ;;
	*)
		echo "stderr does not start with 'veil: ': $stderr" >&2
		return 1
		;;
	esac
}

# assert_contains HAYSTACK NEEDLE: a plain substring test with a message.
assert_contains() {
	case $1 in
	*"$2"*) return 0 ;;
	esac
	echo "expected to find: $2" >&2
	echo "in: $1" >&2
	return 1
}

# assert_contains_ci HAYSTACK NEEDLE: case-insensitive.
assert_contains_ci() {
	assert_contains "${1,,}" "${2,,}"
}

# ---------------------------------------------------------------------------
# containers that run one shell script, and expected errors

# run_sh_status SCRIPT: "veil run" of sh -c SCRIPT; sets $status, $stdout, $stderr.
run_sh_status() {
	set_args sh -c "$1"
	vrun run --bundle "$BUNDLE" "$ID"
}

# run_sh SCRIPT: the same, and the container must succeed.
run_sh() {
	run_sh_status "$1"
	if [ "$status" -ne 0 ]; then
		echo "container failed (exit $status): $stderr" >&2
		return 1
	fi
}

# expect_error CMD NEEDLE...: "veil CMD --bundle $BUNDLE $ID" exits 1 with one
# error line that contains every NEEDLE, and leaves nothing behind.
expect_error() {
	local cmd=$1 n
	shift
	vrun "$cmd" --bundle "$BUNDLE" "$ID"
	if [ "$status" -ne 1 ]; then
		echo "veil $cmd exited $status, expected 1" >&2
		return 1
	fi
	assert_one_error_line
	for n in "$@"; do
		assert_contains "$stderr" "$n"
	done
	assert_no_leftovers
}

# Most config errors are found by create.
expect_create_error() {
	expect_error create "$@"
}

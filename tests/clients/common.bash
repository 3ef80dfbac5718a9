# Shared by tests/clients/*.bats: veil driven by a real client daemon.
#
# Each file starts its own daemon in setup_file with every state directory
# and socket under $CLIENT_TMP (a short path: unix socket names are limited
# to 108 bytes), and stops it by the PID it started, never by name.  The
# image is a tar of contrib/mkbundle's busybox rootfs; nothing is pulled.
# Containers get no network (--network none): no traffic leaves loopback.

bats_require_minimum_version 1.5.0

CLIENTS_DIR=$(cd "$BATS_TEST_DIRNAME" && pwd -P)
TOP_SRCDIR=$(cd "$CLIENTS_DIR/../.." && pwd -P)
MKBUNDLE=$TOP_SRCDIR/contrib/mkbundle

: "${VEIL:=$TOP_SRCDIR/veil}"
case $VEIL in
*/*) VEIL=$(cd "$(dirname -- "$VEIL")" 2>/dev/null && pwd -P)/$(basename -- "$VEIL") ;;
*) VEIL=$(command -v -- "$VEIL" || echo "$VEIL") ;;
esac
export VEIL

# require_cmd CMD PACKAGE: fail setup_file with the package to install
require_cmd() {
	command -v "$1" >/dev/null || {
		echo "$1 not found (apt-get install $2)" >&2
		return 1
	}
}

# client_tmp NAME: make $CLIENT_TMP, a fresh short directory for one file
client_tmp() {
	CLIENT_TMP=$(mktemp -d "/tmp/veil-$1.XXXXXX")
	export CLIENT_TMP
}

# busybox_image_tar OUT: the busybox rootfs of contrib/mkbundle as a tar
busybox_image_tar() {
	local b="$CLIENT_TMP/image-bundle"
	VEIL="$VEIL" "$MKBUNDLE" "$b" >/dev/null
	tar -C "$b/rootfs" -cf "$1" .
	rm -rf -- "$b"
}

# wait_for_socket PATH SECONDS: wait until the daemon's socket exists
wait_for_socket() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	echo "no socket $1 after $2 s" >&2
	return 1
}

# stop_pid PID: SIGTERM, up to 20 s, then SIGKILL; only the PID we started
stop_pid() {
	local pid=$1 i
	case $pid in '' | *[!0-9]* | 0 | 1) return 0 ;; esac
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 200; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# veil_state_dirs ROOT: container state directories veil left under ROOT
veil_state_dirs() {
	[ -d "$1" ] || return 0
	find "$1" -mindepth 1 -maxdepth 2 -name state.json -printf '%h\n' 2>/dev/null
}

# cgroup_dirs_named NAME: cgroup directories (any hierarchy) whose path holds NAME
cgroup_dirs_named() {
	find /sys/fs/cgroup -mindepth 1 -type d -path "*$1*" 2>/dev/null
}

# mounts_named NAME: mount points in this namespace whose path holds NAME
mounts_named() {
	awk -v n="$1" 'index($5, n) { print $5 }' /proc/self/mountinfo
}

# assert_no_leftovers ROOT NAME: no veil state dir under ROOT, and no cgroup
# or mount whose path holds NAME (a container id); prints what is left
assert_no_leftovers() {
	local left
	left=$(
		veil_state_dirs "$1"
		cgroup_dirs_named "$2"
		mounts_named "$2"
	)
	if [ -n "$left" ]; then
		echo "left behind by container $2:" >&2
		echo "$left" >&2
		return 1
	fi
}

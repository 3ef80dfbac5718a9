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

# oci_image_tar LAYER NAME OUT: an OCI image layout, as a tar that
# "ctr images import" reads, with the one uncompressed layer LAYER
oci_image_tar() {
	local layer=$1 name=$2 out=$3 d blobs lsum lsize csum csize msum msize
	d=$(mktemp -d "$CLIENT_TMP/oci.XXXXXX")
	blobs=$d/blobs/sha256
	mkdir -p "$blobs"
	lsum=$(sha256sum "$layer" | cut -d' ' -f1)
	lsize=$(stat -c %s "$layer")
	cp "$layer" "$blobs/$lsum"
	jq -cn --arg l "sha256:$lsum" '{
		architecture: "amd64", os: "linux",
		config: {Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"], WorkingDir: "/"},
		rootfs: {type: "layers", diff_ids: [$l]}}' >"$d/config"
	csum=$(sha256sum "$d/config" | cut -d' ' -f1)
	csize=$(stat -c %s "$d/config")
	mv "$d/config" "$blobs/$csum"
	jq -cn --arg c "sha256:$csum" --argjson cs "$csize" \
		--arg l "sha256:$lsum" --argjson ls "$lsize" '{
		schemaVersion: 2,
		mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: {mediaType: "application/vnd.oci.image.config.v1+json",
			digest: $c, size: $cs},
		layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar",
			digest: $l, size: $ls}]}' >"$d/manifest"
	msum=$(sha256sum "$d/manifest" | cut -d' ' -f1)
	msize=$(stat -c %s "$d/manifest")
	mv "$d/manifest" "$blobs/$msum"
	jq -cn --arg m "sha256:$msum" --argjson ms "$msize" --arg n "$name" '{
		schemaVersion: 2,
		manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
			digest: $m, size: $ms,
			platform: {architecture: "amd64", os: "linux"},
			annotations: {"io.containerd.image.name": $n,
				"org.opencontainers.image.ref.name": ($n | sub(".*:"; ""))}}]}' \
		>"$d/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
	tar -C "$d" -cf "$out" oci-layout index.json blobs
	rm -rf -- "$d"
}

# containerd_config FILE: top-level keys first (after a [table] header a
# key belongs to that table); everything under $CLIENT_TMP, no TCP listener
containerd_config() {
	cat >"$1" <<EOF
version = 2
root = "$CLIENT_TMP/root"
state = "$CLIENT_TMP/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$CLIENT_TMP/c.sock"
[ttrpc]
  address = "$CLIENT_TMP/c.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$CLIENT_TMP/opt"
EOF
}

# containerd_up SECONDS: start containerd_config's containerd, waiting up to
# SECONDS for its socket, and import the busybox image as $IMAGE into $NS
containerd_up() {
	containerd_config "$CLIENT_TMP/containerd.toml"
	containerd --config "$CLIENT_TMP/containerd.toml" \
		>"$CLIENT_TMP/containerd.log" 2>&1 </dev/null 3>&- &
	echo $! >"$CLIENT_TMP/containerd.pid"
	wait_for_socket "$CLIENT_TMP/c.sock" "$1" || {
		tail -20 "$CLIENT_TMP/containerd.log" >&2
		return 1
	}
	busybox_image_tar "$CLIENT_TMP/layer.tar"
	oci_image_tar "$CLIENT_TMP/layer.tar" "$IMAGE" "$CLIENT_TMP/image.tar"
	ctrc images import "$CLIENT_TMP/image.tar" >/dev/null
}

# containerd_down: every container of $NS killed and removed, then
# containerd_up's containerd stopped by its PID
containerd_down() {
	local id
	if [ -S "$CLIENT_TMP/c.sock" ]; then
		for id in $(ctrc containers ls -q 2>/dev/null); do
			ctrc tasks kill -a -s SIGKILL "$id" >/dev/null 2>&1
			ctrc tasks delete -f "$id" >/dev/null 2>&1
			ctrc containers rm "$id" >/dev/null 2>&1
		done
	fi
	stop_pid "$(cat "$CLIENT_TMP/containerd.pid" 2>/dev/null)"
}

# ctrc ARG...: ctr on our containerd and namespace ($CTRC_TIMEOUT seconds,
# default 60)
ctrc() {
	timeout --foreground -k 5 "${CTRC_TIMEOUT:-60}" ctr --address "$CLIENT_TMP/c.sock" -n "$NS" "$@"
}

# systemd_driver: skip, saying why, when the runtime under test declares no
# systemd cgroup driver ("features": linux.cgroup.systemd), which
# --systemd-cgroup needs
systemd_driver() {
	local has
	has=$("$VEIL" features 2>/dev/null | jq -r .linux.cgroup.systemd)
	[ "$has" = true ] || skip "$(basename -- "$VEIL") features: linux.cgroup.systemd is $has (no systemd cgroup driver)"
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

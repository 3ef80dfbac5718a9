# dockerd for the Docker client suites: one daemon per file, with its data, exec root, socket,
# key and cgroup parent all its own, no bridge, no iptables, no ip_forward; the busybox image
# imported as $IMG.  dockerd_up NAME [DOCKERD FLAG...] in setup_file, dockerd_down in
# teardown_file (which fails when anything of the daemon or its containers is left).

IMG=veil-busybox:test

# The docker.io CLI, not the newer one in /usr/local/bin, on our own daemon.
docker() {
	timeout --foreground -k 5 60 /usr/bin/docker "$@"
}

# processes_named TEXT: processes whose command line holds TEXT (a shim or
# container process that outlived its container)
processes_named() {
	local p args
	for p in /proc/[0-9]*; do
		mapfile -d '' args <"$p/cmdline" 2>/dev/null || continue
		[[ "${args[*]}" == *"$1"* ]] && echo "${p#/proc/} ${args[*]}"
	done
	return 0
}

dockerd_up() {
	local name=$1
	shift
	require_cmd /usr/sbin/dockerd docker.io
	require_cmd /usr/bin/docker docker.io
	require_cmd script bsdutils
	client_tmp "$name"
	local c=$CLIENT_TMP
	# with --userns-remap the remapped root walks down to its part of the data root
	chmod 0711 "$c"
	# A cgroup parent of our own, so that leftovers of --rm containers show.
	export CGROUP_PARENT=${c##*/}

	# The documented snippet itself, with the binary's path replaced; and
	# the daemon's key in here, not in /etc/docker (dockerd has no flag).
	jq --arg p "$VEIL" --arg k "$c/key.json" \
		'.runtimes.veil.path = $p | ."deprecated-key-path" = $k' \
		"$TOP_SRCDIR/contrib/docker/daemon.json" >"$c/daemon.json"
	# dockerd always makes /run/docker/plugins: remove it after, if we made it
	[ -e /run/docker ] || touch "$c/made-run-docker"

	local driver=vfs
	grep -qw overlay /proc/filesystems && driver=overlay2
	# Started straight from this shell (not a subshell) so that it stays
	# our child and is reaped; fd 3 is bats' and must not be inherited.
	# --ip-forward=false: by default dockerd writes the host's
	# net.ipv4.ip_forward=1 (which also turns forwarding on and
	# accept_redirects off on every interface) and never puts it back; the
	# containers here have no network, so the host is left as it was.
	/usr/sbin/dockerd --config-file "$c/daemon.json" \
		--data-root "$c/data" --exec-root "$c/exec" \
		-H "unix://$c/docker.sock" --pidfile "$c/docker.pid" \
		--bridge=none --iptables=false --ip6tables=false --ip-forward=false \
		--userland-proxy=false --storage-driver "$driver" \
		--cgroup-parent "/$CGROUP_PARENT" "$@" \
		>"$c/dockerd.log" 2>&1 3>&- &
	echo $! >"$c/dockerd.started"
	export DOCKER_HOST=unix://$c/docker.sock
	wait_for_socket "$c/docker.sock" 30 || {
		tail -n 20 "$c/dockerd.log" >&2
		return 1
	}
	local i
	for ((i = 0; i < 100; i++)); do
		docker version >/dev/null 2>&1 && break
		sleep 0.1
	done
	docker version >/dev/null
	# Remember the containerd dockerd started, to check that it goes too.
	cp "$c/exec/containerd/containerd.pid" "$c/containerd.started"

	busybox_image_tar "$c/image.tar"
	docker import "$c/image.tar" "$IMG" >/dev/null
	rm -f -- "$c/image.tar"
}

dockerd_down() {
	local c=$CLIENT_TMP fail=0 left pid cpid
	[ -n "$c" ] && [ -d "$c" ] || return 0
	if [ -S "$c/docker.sock" ]; then
		local ids
		mapfile -t ids < <(docker ps -aq)
		[ "${#ids[@]}" -eq 0 ] || docker rm -f "${ids[@]}" >/dev/null || fail=1
	fi
	pid=$(cat "$c/dockerd.started" 2>/dev/null)
	cpid=$(cat "$c/containerd.started" 2>/dev/null)
	stop_pid "$pid"
	# dockerd stops its containerd on SIGTERM; a survivor (or a zombie
	# nobody reaps) is a leak.  Only the PID read from containerd's own
	# pidfile, and only if it is still that containerd.
	if [ -n "$cpid" ] && grep -qF -- "$c/exec/containerd" "/proc/$cpid/cmdline" 2>/dev/null; then
		echo "containerd $cpid survived dockerd: $(awk '{ print "state", $3 }' "/proc/$cpid/stat")" >&2
		stop_pid "$cpid"
		fail=1
	fi
	left=$(processes_named "$c/")
	if [ -n "$left" ]; then
		echo "processes left under $c:" >&2
		echo "$left" >&2
		fail=1
	fi
	# Nothing may stay in our cgroup parent; the empty parent itself is
	# made by veil for the first container and is ours to remove.
	left=$(find /sys/fs/cgroup/*/"$CGROUP_PARENT" -mindepth 1 -type d 2>/dev/null)
	if [ -n "$left" ]; then
		echo "cgroups left:" >&2
		echo "$left" >&2
		fail=1
	fi
	[ -z "$CGROUP_PARENT" ] || find /sys/fs/cgroup/*/"$CGROUP_PARENT" -depth -type d -exec rmdir {} + 2>/dev/null
	left=$(mounts_named "$c/")
	if [ -n "$left" ]; then
		echo "dockerd left mounts:" >&2
		echo "$left" >&2
		fail=1
		echo "$left" | sort -r | while read -r m; do umount -l -- "$m"; done
	fi
	if [ -e "$c/made-run-docker" ]; then
		rmdir /run/docker/plugins /run/docker 2>/dev/null || true
	fi
	rm -rf -- "$c"
	return "$fail"
}


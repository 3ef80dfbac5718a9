#!/usr/bin/env bats
# The CVE suite: each test runs the real attack of a published container-runtime CVE (or its
# class) against veil and asserts that it failed.  Where veil's design makes an attack
# impossible the attack still runs, so that a change of design turns the test red.  The
# promises under attack are DESIGN.md §6; docs/security.md maps each test to the code that
# defends it.
#
# The attacks on the binary (CVE-2019-5736) never aim at $VEIL: each test copies it and runs
# the copy, and checks the copy's sha256.  Attacks that would write the host's sysctls run
# veil in a private IPC/network/UTS namespace (unshare), which is the "host" veil sees.  Every
# race is bounded in time.

load helpers
load helpers/tools

setup_file() {
	common_setup_file
	build_tool cve-attack -static
	[ -n "${TOOLS_MISSING:-}" ] || cp "$BATS_FILE_TMPDIR/cve-attack" "$TEMPLATE/rootfs/bin/cve-attack"
}

# ---------------------------------------------------------------------------
# CVE-2019-5736 helpers

# make_veil_copy: $COPY, a private copy of the binary under test that the attacks aim at;
# $COPY_SUM its sha256, $COPY_ID its dev:inode (the only file cve-attack may go after).
make_veil_copy() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	COPY=$BATS_TEST_TMPDIR/bin/veil
	cp "$VEIL" "$COPY"
	COPY_SUM=$(sha256sum <"$COPY")
	COPY_ID=$(stat -c %d:%i "$COPY")
}

assert_copy_intact() {
	local now
	now=$(sha256sum <"$COPY")
	if [ "$now" != "$COPY_SUM" ]; then
		echo "the copy of veil was written: sha256 ${COPY_SUM%% *} -> ${now%% *}; its last bytes:" >&2
		tail -c 16 "$COPY" | od -c >&2
		return 1
	fi
}

# The attack of the issue, in the container's shell: keep a read-only fd on the init's
# executable (veil while the container is "created"), then reopen it for writing through
# /proc/self/fd/4 until that works, bounded (~3 s).  Reports what it got in /tmp/attack.log.
# (a failed redirection on exec ends a POSIX shell: try it in a subshell first)
ATTACK_SH='log=/tmp/attack.log
if (exec 4</proc/1/exe) 2>/tmp/attack.err && exec 4</proc/1/exe; then
	echo "opened /proc/1/exe read-only" >>$log
else
	echo "open /proc/1/exe refused: $(cat /tmp/attack.err)" >>$log
	echo "done" >>$log
	exit 0
fi
i=0
until echo X 2>/tmp/attack.err >>/proc/self/fd/4; do
	i=$((i + 1))
	if [ $i -ge 500 ]; then
		echo "no write after $i tries: $(cat /tmp/attack.err)" >>$log
		echo "done" >>$log
		exit 0
	fi
	usleep 5000
done
echo "WROTE after $i tries" >>$log
echo "done" >>$log'

# wait_for_line FILE REGEX [SECONDS]
wait_for_line() {
	local i
	for ((i = 0; i < ${3:-10} * 20; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "no line matching '$2' in $1 within ${3:-10}s" >&2
	return 1
}

# show_attack LOG: what the attacker got, for the test's output.
show_attack() {
	echo "# attacker's log ($1):" >&2
	sed 's/^/#   /' "$1" >&2 2>/dev/null || echo "#   (none)" >&2
}

# second_bundle DIR: a copy of the template for a second container, with the test's marker.
second_bundle() {
	cp -a "$TEMPLATE" "$1"
	"$CFGEDIT" "$1/config.json" '.process.env += ["VEIL_TEST_MARK=" + $m]' --arg m "$MARK"
}

# with_veil_libs ROOTFS: the shared libraries veil needs, so that the copy can run inside the
# container as a real image's libc would let it.
with_veil_libs() {
	local lib
	for lib in $(ldd "$COPY" | grep -oE '/[^ ]+'); do
		mkdir -p "$1$(dirname "$lib")"
		cp -L "$lib" "$1$lib"
	done
}

# joined_pid_attack [CAPS-FILTER]: container A created (its init is still veil), container B
# joins A's pid namespace by path and runs the attack on /proc/1/exe, then A starts.
joined_pid_attack() {
	make_veil_copy
	local VEIL=$COPY b=$BATS_TEST_TMPDIR/bundleB
	create_container
	second_bundle "$b"
	"$CFGEDIT" "$b/config.json" '.linux.namespaces = ([.linux.namespaces[] | select(.type != "pid")]
	    + [{type: "pid", path: ("/proc/" + $p + "/ns/pid")}]) | .process.args = ["sh", "-c", $s]' \
		--arg p "$(ctr_pid)" --arg s "$ATTACK_SH"
	[ -z "${1:-}" ] || "$CFGEDIT" "$b/config.json" "$1"
	vrun run -d --bundle "$b" "${ID}b"
	[ "$status" -eq 0 ]
	wait_for_line "$b/rootfs/tmp/attack.log" 'opened|refused'
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_line "$b/rootfs/tmp/attack.log" '^done' 15
	show_attack "$b/rootfs/tmp/attack.log"
	assert_copy_intact
	! grep -q WROTE "$b/rootfs/tmp/attack.log"
}

@test "CVE-2019-5736 (a): /bin/sh replaced by #!/proc/self/exe, veil exec runs the binary inside; the container cannot write it" {
	need_tools
	make_veil_copy
	local VEIL=$COPY log=$BUNDLE/rootfs/tmp/attack.log i
	with_veil_libs "$BUNDLE/rootfs"
	# the container's main process is the attacker: it waits for a process running the copy
	set_args /bin/cve-attack exe-race "$COPY_ID" 6 /tmp/attack.log
	start_container
	# now the image's /bin/sh is the classic payload; "veil exec ID sh" runs veil in the container
	rm -f "$BUNDLE/rootfs/bin/sh"
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/bin/sh"
	chmod 755 "$BUNDLE/rootfs/bin/sh"
	for ((i = 0; i < 20; i++)); do
		vrun exec "$ID" sh
		grep -q grabbed "$log" 2>/dev/null && break
	done
	echo "# $((i + 1)) exec(s) of the payload; the last one: exit $status, $stderr" >&2
	wait_for_line "$log" 'WROTE|no write|nothing grabbed' 10
	show_attack "$log"
	assert_copy_intact
	! grep -q WROTE "$log"
}

@test "CVE-2019-5736 (a'): an entrypoint #!/proc/self/exe in a pid namespace shared with the attacker; the binary stays intact" {
	need_tools
	make_veil_copy
	local VEIL=$COPY log=$BUNDLE/rootfs/tmp/attack.log b=$BATS_TEST_TMPDIR/bundleB
	# A: the attacker, waiting for a process running the copy
	set_args /bin/cve-attack exe-race "$COPY_ID" 6 /tmp/attack.log
	start_container
	# B joins A's pid namespace; its entrypoint makes its init execute veil again
	second_bundle "$b"
	with_veil_libs "$b/rootfs"
	printf '#!/proc/self/exe\n' >"$b/rootfs/evil"
	chmod 755 "$b/rootfs/evil"
	"$CFGEDIT" "$b/config.json" '.linux.namespaces = ([.linux.namespaces[] | select(.type != "pid")]
	    + [{type: "pid", path: ("/proc/" + $p + "/ns/pid")}]) | .process.args = ["/evil"]' \
		--arg p "$(ctr_pid)"
	vrun run --bundle "$b" "${ID}b"
	echo "# the payload container exited $status" >&2
	wait_for_line "$log" 'WROTE|no write|nothing grabbed' 10
	show_attack "$log"
	assert_copy_intact
	! grep -q WROTE "$log"
}

@test "CVE-2019-5736 (b): veil exec into a created container cannot write the binary through /proc/1/exe" {
	make_veil_copy
	local VEIL=$COPY log=$BUNDLE/rootfs/tmp/attack.log
	create_container
	vrun exec -d "$ID" sh -c "$ATTACK_SH"
	[ "$status" -eq 0 ]
	wait_for_line "$log" 'opened|refused'
	vrun start "$ID"
	[ "$status" -eq 0 ]
	wait_for_line "$log" '^done' 15
	show_attack "$log"
	assert_copy_intact
	! grep -q WROTE "$log"
}

@test "CVE-2019-5736 (c): a container joining a created container's pid namespace cannot write the binary" {
	joined_pid_attack
}

@test "CVE-2019-5736 (d): the same with CAP_SYS_PTRACE in every capability set of the attacker" {
	joined_pid_attack '.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])'
}

# ---------------------------------------------------------------------------
# /proc that is not procfs

@test "CVE-2019-16884 / CVE-2023-28642: /proc in the rootfs a symlink into a volume is refused, the volume untouched" {
	local vol=$BATS_TEST_TMPDIR/vol
	mkdir -p "$vol"
	echo orig >"$vol/marker"
	rm -rf "$BUNDLE/rootfs/proc"
	ln -s /vol "$BUNDLE/rootfs/proc"
	cfg '.mounts = [{destination: "/vol", type: "bind", source: $v, options: ["rbind"]}] + .mounts
	   | .linux.sysctl = {"kernel.shmmax": "424242"}' --arg v "$vol"
	set_args sh -c 'stat -f -c %T /vol /proc; cat /proc/sys/kernel/shmmax'
	vrun run --bundle "$BUNDLE" "$ID"
	# runc 1.1.5: "must be mounted on ordinary directory"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" /proc
	[ "$(ls "$vol")" = marker ] && [ "$(cat "$vol/marker")" = orig ]
	[ -L "$BUNDLE/rootfs/proc" ]
	assert_no_leftovers
}

@test "CVE-2019-16884: a tmpfs mounted over /proc after proc: the sysctl write is refused, not redirected" {
	cfg '.mounts += [{destination: "/proc", type: "tmpfs", source: "tmpfs", options: ["nosuid"]}]
	   | .linux.sysctl = {"kernel.shmmax": "424242"}'
	set_args sh -c 'stat -f -c %T /proc; ls -R /proc'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" "linux.sysctl"
	assert_no_leftovers
}

@test "CVE-2019-16884: a host directory bound over /proc gets no sysctl or LSM write" {
	local vol=$BATS_TEST_TMPDIR/fakeproc
	mkdir -p "$vol/sys/kernel" "$vol/self/attr" "$vol/thread-self/attr"
	echo orig >"$vol/sys/kernel/shmmax"
	echo orig >"$vol/self/attr/exec"
	echo orig >"$vol/thread-self/attr/exec"
	cfg '.mounts += [{destination: "/proc", type: "bind", source: $v, options: ["rbind"]}]
	   | .linux.sysctl = {"kernel.shmmax": "424242"}' --arg v "$vol"
	set_args true
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[ "$(cat "$vol/sys/kernel/shmmax")" = orig ]
	[ "$(cat "$vol/self/attr/exec")" = orig ] && [ "$(cat "$vol/thread-self/attr/exec")" = orig ]
	assert_no_leftovers
}

# ---------------------------------------------------------------------------
# volumes that redirect /proc writes

# one_line_says TEXT: the container printed exactly TEXT.
one_line_says() {
	[ "$stdout" = "$1" ]
}

# race_runs A B CHECK...: while cve-attack exchanges the names A and B (4 s), "veil run" the
# bundle again and again (new ids, 3 s at most); a run that goes through must pass CHECK.
# Sets RACE_RUNS, RACE_OK (runs that went through) and RACE_BAD (of those, failed CHECK).
race_runs() {
	local a=$1 b=$2 end=$((SECONDS + 3)) swapper i
	shift 2
	"$BATS_FILE_TMPDIR/cve-attack" swap "$a" "$b" 4 >"$BATS_TEST_TMPDIR/swap.out" 2>&1 &
	swapper=$!
	track_pid "$swapper"
	RACE_RUNS=0 RACE_OK=0 RACE_BAD=0
	for ((i = 0; i < 40 && SECONDS < end; i++)); do
		vrun run --bundle "$BUNDLE" "$ID$i"
		RACE_RUNS=$((i + 1))
		[ "$status" -eq 0 ] || continue
		RACE_OK=$((RACE_OK + 1))
		"$@" || RACE_BAD=$((RACE_BAD + 1))
	done
	wait "$swapper"
	echo "# $RACE_RUNS runs, $RACE_OK went through, $RACE_BAD of them failed the check;" \
		"swapper: $(cat "$BATS_TEST_TMPDIR/swap.out")" >&2
}


@test "CVE-2019-19921 / CVE-2023-27561: a volume bound on a /proc/sys file does not receive the sysctl" {
	local f=$BATS_TEST_TMPDIR/shmmax
	echo orig >"$f"
	cfg '.mounts += [{destination: "/proc/sys/kernel/shmmax", type: "bind", source: $f, options: ["bind"]}]
	   | .linux.sysctl = {"kernel.shmmax": "424242"}' --arg f "$f"
	set_args cat /proc/sys/kernel/shmmax
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$(cat "$f")" = orig ]
	# refusing is what veil does; a run that went through must have written the real knob
	if [ "$status" -eq 0 ]; then
		[ "$stdout" = orig ]
	else
		assert_contains "$stderr" "kernel.shmmax"
	fi
	assert_no_leftovers
}

@test "CVE-2025-52881: a symlink-swapping volume over /proc/sys/kernel never redirects the sysctl write" {
	need_tools
	local s=$BATS_TEST_TMPDIR/swapdir vol=$BATS_TEST_TMPDIR/vol
	mkdir -p "$s" "$vol"
	echo orig >"$s/shmmax"
	echo precious >"$vol/precious"
	ln -s /vol/precious "$s/swap"
	cfg '.mounts += [{destination: "/vol", type: "bind", source: $v, options: ["bind"]},
	                 {destination: "/proc/sys/kernel", type: "bind", source: $s, options: ["bind"]}]
	   | .linux.sysctl = {"kernel.shmmax": "424242"}' --arg v "$vol" --arg s "$s"
	set_args true
	race_runs "$s/shmmax" "$s/swap" true
	[ "$(cat "$vol/precious")" = precious ]
	[ "$(cat "$s/shmmax" 2>/dev/null || cat "$s/swap")" = orig ]
	assert_no_leftovers
}

@test "CVE-2025-52881: an AppArmor profile over a /proc volume is refused, the volume's attr file untouched" {
	local vol=$BATS_TEST_TMPDIR/attr
	mkdir -p "$vol"
	echo orig >"$vol/exec"
	cfg '.process.apparmorProfile = "veil-test-profile"
	   | .mounts += [{destination: "/proc/self/attr", type: "bind", source: $v, options: ["bind"]}]' \
		--arg v "$vol"
	set_args true
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" apparmor
	[ "$(cat "$vol/exec")" = orig ]
	assert_no_leftovers
}

# sysctl_in_sandbox KEY VALUE NS...: veil runs in a private IPC, network and UTS namespace
# (the "host" it sees; the real host is never at risk), the container shares NS... of them and
# asks for KEY=VALUE.  Prints "before=", "rc=", "after=" (the sandbox's value).
sysctl_in_sandbox() {
	local key=$1 val=$2 ns
	shift 2
	for ns in "$@"; do del_ns "$ns"; done
	# no process.hostname: without a UTS namespace it would be refused before the sysctl is seen
	cfg '.linux.sysctl = {($k): $v} | del(.hostname)' --arg k "$key" --arg v "$val"
	set_args true
	unshare --ipc --net --uts -- bash -c '
		f=/proc/sys/${1//.//}
		echo "before=$(cat "$f")"
		rc=0
		"$VEIL" --root "$2" run --bundle "$3" "$4" </dev/null >/dev/null 2>"$5" || rc=$?
		echo "rc=$rc"
		echo "after=$(cat "$f")"' _ "$key" "$ROOT" "$BUNDLE" "$ID" "$BATS_TEST_TMPDIR/err" \
		>"$BATS_TEST_TMPDIR/out"
	cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err" >&2
}

@test "CVE-2025-52881 class: a sysctl of a namespace the container shares with the host is refused, the host's value kept" {
	local key val ns before after bad=0
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/config.orig"
	for spec in "fs.mqueue.queues_max 4242 ipc" "kernel.shmmni 2345 ipc" \
		"net.ipv4.ping_group_range 0 0|network" "kernel.hostname evil$MARK|uts"; do
		key=${spec%% *}
		val=${spec#* }
		ns=${val##*[ |]}
		val=${val%[ |]*}
		sysctl_in_sandbox "$key" "$val" "$ns"
		before=$(sed -n 's/^before=//p' "$BATS_TEST_TMPDIR/out")
		after=$(sed -n 's/^after=//p' "$BATS_TEST_TMPDIR/out")
		echo "# $key=$val without a $ns namespace: $before -> $after, $(grep '^rc=' "$BATS_TEST_TMPDIR/out")" >&2
		if [ "$before" != "$after" ] || ! grep -qx 'rc=1' "$BATS_TEST_TMPDIR/out" ||
			! grep -qF "$key" "$BATS_TEST_TMPDIR/err"; then
			echo "# ^ not refused with an error naming $key" >&2
			bad=$((bad + 1))
		fi
		cp "$BATS_TEST_TMPDIR/config.orig" "$BUNDLE/config.json"
	done
	[ "$bad" -eq 0 ]
	assert_no_leftovers
}

# ---------------------------------------------------------------------------
# CVE-2021-30465

@test "CVE-2021-30465: a mount target raced by a directory/symlink-to-/ exchange in a shared volume stays in the rootfs" {
	need_tools
	local s=$BATS_TEST_TMPDIR/shared name=escape$MARK
	mkdir -p "$s/dir"
	ln -s / "$s/link"
	cfg '.mounts += [{destination: "/vol", type: "bind", source: $s, options: ["bind"]},
	                 {destination: ("/vol/dir/" + $n), type: "tmpfs", source: "tmpfs", options: ["size=64k"]}]' \
		--arg s "$s" --arg n "$name"
	set_args sh -c "grep -c '/$name .* - tmpfs ' /proc/self/mountinfo; true"
	# a run that goes through has its tmpfs where the container sees it (inside its root)
	race_runs "$s/dir" "$s/link" one_line_says 1
	[ "$RACE_BAD" -eq 0 ]
	# the race must not simply break every run
	[ "$RACE_OK" -gt 0 ]
	if [ -e "/$name" ]; then
		rmdir "/$name" 2>/dev/null || true
		echo "the mount target escaped: /$name was made on the host (removed now)" >&2
		return 1
	fi
	! grep -q "$name" /proc/self/mountinfo
	[ -L "$s/link" ] && [ "$(readlink "$s/link")" = / ] && [ -d "$s/dir" ]
	assert_no_leftovers
}

# ---------------------------------------------------------------------------
# CVE-2022-29162

@test "CVE-2022-29162: no inheritable capabilities in the init or through veil exec --cap" {
	cfg '.process.capabilities.inheritable = [] | .process.capabilities.ambient = []'
	start_container
	vrun exec "$ID" grep -E '^Cap(Inh|Eff)' /proc/1/status
	[ "$status" -eq 0 ]
	[ "$(sed -n 's/^CapInh:\t*//p' <<<"$stdout")" = 0000000000000000 ]
	vrun exec --cap CAP_SYS_ADMIN --cap CAP_NET_ADMIN "$ID" grep -E '^Cap(Inh|Eff)' /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(sed -n 's/^CapInh:\t*//p' <<<"$stdout")" = 0000000000000000 ]
	# the caps were given (effective), so the check above could have seen them
	local eff=$((16#$(sed -n 's/^CapEff:\t*//p' <<<"$stdout")))
	[ $((eff >> 21 & 1)) -eq 1 ] && [ $((eff >> 12 & 1)) -eq 1 ]
}

# ---------------------------------------------------------------------------
# CVE-2024-21626

# escape_probe: what a process whose cwd might be a host directory can see of the host.
ESCAPE_PROBE='echo "pwd=$(pwd)"; ls -a . .. ../.. ../../.. 2>&1; cat ../../../../../../../../etc/hostname 2>&1'

# assert_no_escape OUTPUT: none of the host's things the probe could have reached.
assert_no_escape() {
	local host_name
	if grep -nE "hostmark$MARK|\(unreachable\)|cgroup\.procs|state\.json|exec\.fifo" <<<"$1" >&2; then
		echo "the probe reached the host (lines above)" >&2
		return 1
	fi
	host_name=$(cat /etc/hostname 2>/dev/null) || host_name=
	if [ -n "$host_name" ] && grep -qxF "$host_name" <<<"$1"; then
		echo "the probe read the host's /etc/hostname ($host_name)" >&2
		return 1
	fi
}

@test "CVE-2024-21626: process.cwd /proc/self/fd/N (N = 3..10) never leaves the container" {
	local n
	touch "$BATS_TEST_TMPDIR/hostmark$MARK"
	echo "ctr$MARK" >"$BUNDLE/rootfs/etc/hostname"
	set_args sh -c "$ESCAPE_PROBE"
	for n in 3 4 5 6 7 8 9 10; do
		cfg '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		vrun run --bundle "$BUNDLE" "$ID$n"
		assert_no_escape "$stdout"
		assert_no_leftovers "$ID$n"
	done
}

@test "CVE-2024-21626: veil exec --cwd /proc/self/fd/N (N = 3..10) never leaves the container" {
	local n
	touch "$BATS_TEST_TMPDIR/hostmark$MARK"
	echo "ctr$MARK" >"$BUNDLE/rootfs/etc/hostname"
	start_container
	for n in 3 4 5 6 7 8 9 10; do
		vrun exec --cwd "/proc/self/fd/$n" "$ID" sh -c "$ESCAPE_PROBE"
		assert_no_escape "$stdout"
	done
}

@test "CVE-2024-21626: a created init holds no fd of the host's (state root, state dir, cgroup) that the container can reach" {
	touch "$BATS_TEST_TMPDIR/hostmark$MARK"
	create_container
	vrun exec "$ID" sh -c 'for f in /proc/1/fd/*; do echo "$f -> $(readlink "$f")"; done
		for f in /proc/1/fd/*; do
			case ${f##*/} in 0 | 1 | 2) continue ;; esac
			echo "== ls $f/ and $f/../.."; ls -a "$f/" "$f/../.." 2>&1
		done'
	# fds 0-2 are the caller's stdio (as with runc); anything else may only be the exec fifo.
	# The init is not dumpable: a link the container cannot read shows an empty target.
	local others
	others=$(grep -E '^/proc/1/fd/[0-9]+ -> ' <<<"$stdout" | grep -vE '^/proc/1/fd/[012] -> ' |
		grep -vE -- '-> (.*/exec\.fifo)?$' || true)
	if [ -n "$others" ]; then
		echo "the created init holds more than stdio and the exec fifo:" >&2
		echo "$others" >&2
		return 1
	fi
	assert_no_escape "$stdout"
	# and what it holds, seen from the host: stdio and exec.fifo, nothing else
	local pid fd t
	pid=$(ctr_pid)
	for fd in /proc/"$pid"/fd/*; do
		t=$(readlink "$fd")
		echo "# init fd ${fd##*/} -> $t" >&2
		case ${fd##*/} in 0 | 1 | 2) continue ;; esac
		[[ $t == */"$ID"/exec.fifo ]] || {
			echo "the created init holds $t" >&2
			return 1
		}
	done
}

# ---------------------------------------------------------------------------
# CVE-2025-31133

# rootfs_dev: no /dev tmpfs, the rootfs's own /dev is used (where an image can plant links).
rootfs_dev() {
	cfg '.mounts = [.mounts[] | select(.destination != "/dev")]'
	mkdir -p "$BUNDLE/rootfs/dev"
}

# MASK_PROBE: the masked files as the container sees them.
MASK_PROBE='for f in /proc/kcore /proc/timer_list /proc/keys; do [ -e $f ] && echo "$f $(stat -c "%F %t:%T" $f) [$(head -c 8 $f | od -An -c)]"; done; true'

# assert_masked: every masked file the probe saw is the null device.
assert_masked() {
	local n
	n=$(grep -c '^/proc/' <<<"$stdout" || true)
	[ "$n" -gt 0 ]
	if grep '^/proc/' <<<"$stdout" | grep -vE '^/proc/[a-z_]+ character special file 1:3 \[\]$' >&2; then
		echo "not masked with the null device (above)" >&2
		return 1
	fi
}

@test "CVE-2025-31133: /dev/null a symlink to /proc/sys/kernel/core_pattern: masking uses the real null device" {
	local before
	before=$(cat /proc/sys/kernel/core_pattern)
	rootfs_dev
	ln -sf /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/null"
	set_args sh -c "$MASK_PROBE"
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	assert_masked
	[ "$(cat /proc/sys/kernel/core_pattern)" = "$before" ]
	assert_no_leftovers
}

@test "CVE-2025-31133: /dev/null raced between the node and a symlink into a volume: never masks with the volume's file" {
	need_tools
	local d=$BATS_TEST_TMPDIR/devdir vol=$BATS_TEST_TMPDIR/vol
	mkdir -p "$d" "$vol"
	echo precious >"$vol/precious"
	mknod -m 666 "$d/null" c 1 3
	ln -s /vol/precious "$d/nulllink"
	cfg '.mounts = [.mounts[] | select(.destination != "/dev")]
	   | .mounts += [{destination: "/vol", type: "bind", source: $v, options: ["bind"]},
	                 {destination: "/dev", type: "bind", source: $d, options: ["bind"]}]' \
		--arg v "$vol" --arg d "$d"
	set_args sh -c "$MASK_PROBE"
	race_runs "$d/null" "$d/nulllink" assert_masked
	[ "$RACE_BAD" -eq 0 ]
	[ "$RACE_OK" -gt 0 ]
	[ "$(cat "$vol/precious")" = precious ]
	assert_no_leftovers
}

# ---------------------------------------------------------------------------
# CVE-2025-52565

@test "CVE-2025-52565: /dev/console a symlink into a volume: the pty is not bound onto the volume's file" {
	need_tools
	build_tool recvtty
	local vol=$BATS_TEST_TMPDIR/vol sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/console.out
	mkdir -p "$vol"
	echo precious >"$vol/target"
	rootfs_dev
	ln -sf /vol/target "$BUNDLE/rootfs/dev/console"
	cfg '.process.terminal = true
	   | .mounts += [{destination: "/vol", type: "bind", source: $v, options: ["bind"]}]' --arg v "$vol"
	set_args sh -c 'echo "T=$(stat -c "%F" /vol/target)"; echo "C=$(cat /vol/target)"; grep -c " /vol/target " /proc/self/mountinfo; true'
	local receiver
	"$BATS_FILE_TMPDIR/recvtty" "$sock" "$out" '' 3>&- &
	receiver=$!
	track_pid "$receiver"
	wait_for_file "$sock"
	vrun run --console-socket "$sock" --bundle "$BUNDLE" "$ID"
	wait "$receiver" || true
	local console
	console=$(tr -d '\r' <"$out")
	echo "# exit $status, console: $console" >&2
	[ "$(cat "$vol/target")" = precious ]
	if [ "$status" -eq 0 ]; then
		grep -qx 'T=regular file' <<<"$console"
		grep -qx 'C=precious' <<<"$console"
		grep -qx 0 <<<"$console"
	fi
	! grep -q "$vol" /proc/self/mountinfo
	assert_no_leftovers
}

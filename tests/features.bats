#!/usr/bin/env bats
# veil features: the OCI features document (features.md, features-linux.md).  The document must
# say what this veil accepts on this host, so besides its shape each test feeds what it lists
# back to veil in a real container and checks that all of it is taken, and that something it
# does not list is refused.

load helpers
load helpers/tools

setup_file() {
	common_setup_file
	build_tool seccomp-listener
	FEATURES=$BATS_FILE_TMPDIR/features.json
	export FEATURES
	"$VEIL" features >"$FEATURES" 2>"$BATS_FILE_TMPDIR/features.err" || true
}

# need_seccomp, need_caps: skip, saying why, when this veil was built without the library.
need_seccomp() {
	[ "$(feat .linux.seccomp.enabled)" = true ] || skip "veil was built without libseccomp (seccomp.enabled is false)"
}
need_caps() {
	[ "$(feat '.linux | has("capabilities")')" = true ] || skip "veil was built without libcap (no capabilities list)"
}

# feat JQ-FILTER [JQ-OPTION...]: jq -r over the document setup_file saved.
feat() {
	local f=$1
	shift
	jq -r "$@" "$f" "$FEATURES"
}

# ---------------------------------------------------------------------------
# the document

@test "features: one JSON document with every section, exit 0, nothing on stderr" {
	run_veil features
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	jq -e '
		(.ociVersionMin | type == "string") and (.ociVersionMax | type == "string")
		and (.hooks | type == "array") and (.mountOptions | type == "array")
		and (.linux.namespaces | type == "array") and (.linux.capabilities | type == "array")
		and (.linux.cgroup | type == "object") and (.linux.seccomp.enabled | type == "boolean")
		and (.linux.apparmor.enabled | type == "boolean")
		and (.linux.selinux.enabled | type == "boolean")
		and (.linux.intelRdt.enabled | type == "boolean")
		and (.linux.mountExtensions.idmap.enabled | type == "boolean")
		and (.annotations | type == "object")' <<<"$output"
	# what setup_file saved for the other tests is the same document
	[ "$(jq -S . <<<"$output")" = "$(jq -S . "$FEATURES")" ]
}

@test "features: the OCI versions and annotations agree with veil --version" {
	run_raw --version
	[ "$status" -eq 0 ]
	local version=${lines[0]#veil version } commit=${lines[1]#commit: } spec=${lines[2]#spec: }
	[ "$(feat .ociVersionMin)" = 1.0.0 ]
	[ "$(feat .ociVersionMax)" = "$spec" ]
	[ "$(feat '.annotations["io.github.veil.version"]')" = "$version" ]
	[ "$(feat '.annotations["io.github.veil.commit"]')" = "$commit" ]
	[ "$(feat '.annotations["org.opencontainers.runc.checkpoint.enabled"]')" = false ]
	# a new config of veil spec is within the range
	[ "$(veil spec --bundle "$BATS_TEST_TMPDIR" >/dev/null && jq -r .ociVersion "$BATS_TEST_TMPDIR/config.json")" = "$spec" ]
}

# ---------------------------------------------------------------------------
# linux.namespaces

@test "features: namespaces are the types /proc/self/ns shows, by their OCI names" {
	local want=() p
	for p in mnt pid net ipc uts user cgroup time; do
		[ -e "/proc/self/ns/$p" ] || continue
		case $p in
		mnt) want+=(mount) ;;
		net) want+=(network) ;;
		*) want+=("$p") ;;
		esac
	done
	[ "$(feat '.linux.namespaces | sort | join(" ")')" = "$(printf '%s\n' "${want[@]}" | sort | paste -sd' ')" ]
}

@test "features: a container with every listed namespace runs in new ones of each" {
	local t p host
	for t in $(feat '.linux.namespaces[]'); do
		add_ns "$t"
	done
	if [ "$(feat '.linux.namespaces | index("user")')" != null ]; then
		userns_config
	fi
	run_sh_status 'for n in /proc/self/ns/*; do echo "$(basename $n)=$(readlink $n)"; done'
	[ "$status" -eq 0 ]
	for t in $(feat '.linux.namespaces[]'); do
		case $t in mount) p=mnt ;; network) p=net ;; *) p=$t ;; esac
		host=$(readlink "/proc/self/ns/$p")
		assert_contains "$stdout" "$p="
		if [[ $stdout == *"$p=$host"* ]]; then
			echo "the container shares the host's $t namespace ($host)" >&2
			return 1
		fi
	done
}

# ---------------------------------------------------------------------------
# linux.capabilities

@test "features: capabilities are CAP_0..cap_last_cap and a container gets every one it may" {
	need_caps
	local last n mask have
	last=$(cat /proc/sys/kernel/cap_last_cap)
	n=$(feat '.linux.capabilities | length')
	feat '.linux.capabilities[]' | grep -vx 'CAP_[A-Z_]*' && return 1
	# in the kernel's order: the list index is the capability's number
	[ "$(feat '.linux.capabilities | index("CAP_CHOWN"), index("CAP_SYS_ADMIN")' | paste -sd' ')" = "0 21" ]
	# libcap 2.66 names all 41 of Linux 6.18: each capability of this kernel must be there
	[ "$n" -eq $((last + 1)) ]
	# All of them in the bounding set; effective and permitted can only keep what this test
	# has (no CAP_SYS_RESOURCE here), which is all of them where the runner has them all.
	have=$((16#$(awk '/^CapEff:/ { print $2 }' /proc/self/status)))
	cfg '.process.capabilities = {bounding: $c, effective: $e, permitted: $e}' \
		--argjson c "$(feat -c .linux.capabilities)" \
		--argjson e "$(feat -c --argjson have "$have" '[.linux.capabilities | to_entries[]
			| select((($have / pow(2; .key)) | floor) % 2 == 1) | .value]')"
	run_sh_status 'grep -E "^Cap(Bnd|Eff|Prm)" /proc/self/status'
	[ "$status" -eq 0 ]
	mask=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
	assert_contains "$stdout" "CapBnd:	$mask"
	mask=$(printf '%016x' "$have")
	assert_contains "$stdout" "CapEff:	$mask"
	assert_contains "$stdout" "CapPrm:	$mask"
}

# as runc: "ignoring unknown or unavailable capabilities", and the container runs
@test "features: a capability name it does not list is a warning, and ignored" {
	need_caps
	cfg '.process.capabilities.bounding += ["CAP_FROBNICATE"]'
	feat '.linux.capabilities | index("CAP_FROBNICATE")' | grep -qx null
	vrun create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	assert_contains "$stderr" 'process.capabilities.bounding: unknown capability "CAP_FROBNICATE", ignored'
}

# ---------------------------------------------------------------------------
# hooks

@test "features: hooks: every listed phase runs" {
	local order=$BATS_TEST_TMPDIR/order ph
	[ "$(feat '.hooks | join(" ")')" = "prestart createRuntime createContainer startContainer poststart poststop" ]
	for ph in $(feat '.hooks[]'); do
		if [ "$ph" = startContainer ]; then
			# it runs in the container, after pivot_root: the rootfs's sh and /tmp
			cfg '.hooks[$ph] += [{path: "/bin/sh", args: ["sh", "-c", "echo startContainer >>/tmp/order"]}]' \
				--arg ph "$ph"
		else
			cfg '.hooks[$ph] += [{path: "/bin/sh", args: ["sh", "-c", "echo " + $ph + " >>" + $o]}]' \
				--arg ph "$ph" --arg o "$order"
		fi
	done
	set_args true
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$(paste -sd' ' "$order")" = "prestart createRuntime createContainer poststart poststop" ]
	[ "$(cat "$BUNDLE/rootfs/tmp/order")" = startContainer ]
}

# ---------------------------------------------------------------------------
# linux.seccomp

@test "features: every listed seccomp action, operator, architecture and flag is accepted" {
	need_tools
	need_seccomp
	local lsock=$BATS_TEST_TMPDIR/listener.sock
	"$BATS_FILE_TMPDIR/seccomp-listener" "$lsock" "$BATS_TEST_TMPDIR/lstate.json" continue \
		</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/listener.err" 3>&- &
	track_pid $!
	wait_for_file "$lsock"
	# one syscall busybox sh and veil's init never make per action, one rule per operator
	local profile
	profile=$(jq -c --arg l "$lsock" '
		["acct", "swapon", "swapoff", "vhangup", "quotactl", "settimeofday", "adjtimex",
		 "kexec_load", "init_module", "delete_module", "syslog", "iopl"] as $spare
		| .linux.seccomp as $s
		| {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $l,
		   architectures: $s.archs, flags: $s.supportedFlags,
		   syscalls: ([$s.actions | to_entries[] | {names: [$spare[.key]], action: .value}]
		     + [$s.operators[] | {names: ["ioperm"], action: "SCMP_ACT_ERRNO",
		        args: [{index: 0, value: 4096, valueTwo: 4096, op: .}]}])}' "$FEATURES")
	[ "$(jq '.linux.seccomp.actions | length' "$FEATURES")" -le 12 ]
	echo "# profile: $profile" >&2
	cfg '.linux.seccomp = $p' --argjson p "$profile"
	run_sh_status 'grep -E "^Seccomp(_filters)?:" /proc/self/status'
	[ "$status" -eq 0 ]
	assert_contains "$stdout" "Seccomp:	2"
	# SCMP_ACT_NOTIFY really made a listener: the agent got its fd and the state
	wait_for_file "$BATS_TEST_TMPDIR/lstate.json"
	# every action, operator and architecture made it into the profile that ran
	[ "$(jq '[.syscalls[].action] | unique | length' <<<"$profile")" -eq "$(feat '.linux.seccomp.actions | length')" ]
	[ "$(jq '.architectures | length' <<<"$profile")" -ge 1 ]
}

@test "features: seccomp flags: supportedFlags are known ones, and this kernel takes all four" {
	need_seccomp
	feat '(.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags) | length' | grep -qx 0
	feat '.linux.seccomp.knownFlags | index("SECCOMP_FILTER_FLAG_LOG")' | grep -qx '[0-9]*'
	# Linux 6.18 has each flag veil knows (WAIT_KILLABLE_RECV came with 5.19)
	[ "$(feat '.linux.seccomp.supportedFlags | length')" -eq "$(feat '.linux.seccomp.knownFlags | length')" ]
}

@test "features: a seccomp action, flag or architecture it does not list is refused" {
	need_seccomp
	local arch
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["acct"], action: "SCMP_ACT_FROBNICATE"}]}'
	expect_create_error SCMP_ACT_FROBNICATE
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_FROBNICATE"]}'
	expect_create_error SECCOMP_FILTER_FLAG_FROBNICATE
	# an architecture of the spec's list that is not listed here (the other byte order, on
	# x86_64) cannot go into a filter on this machine
	arch=$(feat '["SCMP_ARCH_S390X", "SCMP_ARCH_PPC64", "SCMP_ARCH_MIPS", "SCMP_ARCH_X86_64"]
		- .linux.seccomp.archs | .[0] // empty')
	if [ -z "$arch" ]; then
		echo "# every candidate architecture is listed: nothing to try" >&3
		return 0
	fi
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: [$a]}' --arg a "$arch"
	expect_create_error linux.seccomp.architectures "$arch"
}

# ---------------------------------------------------------------------------
# mountOptions

@test "features: every listed mount option is accepted by a real mount" {
	local src=$BATS_TEST_TMPDIR/src maps i=0 o d m
	mkdir -p "$src/sub"
	chmod a+x "$BATS_TEST_TMPDIR"
	maps='uidMappings: [{containerID: 0, hostID: 1000, size: 1}], gidMappings: [{containerID: 0, hostID: 1000, size: 1}]'
	local mounts=()
	while read -r o; do
		d=/mnt/f$i
		case $o in
		bind | rbind) m=$(jq -nc --arg d "$d" --arg s "$src" --arg o "$o" '{destination: $d, type: "bind", source: $s, options: [$o]}') ;;
		idmap) m=$(jq -nc --arg d "$d" --arg s "$src" "{destination: \$d, type: \"bind\", source: \$s, options: [\"bind\", \"idmap\"], $maps}") ;;
		ridmap) m=$(jq -nc --arg d "$d" --arg s "$src" "{destination: \$d, type: \"bind\", source: \$s, options: [\"rbind\", \"ridmap\"], $maps}") ;;
		remount)
			# it changes the mount already at the destination
			mounts+=("$(jq -nc --arg d "$d" '{destination: $d, type: "tmpfs", source: "tmpfs"}')")
			m=$(jq -nc --arg d "$d" '{destination: $d, type: "tmpfs", source: "tmpfs", options: ["remount", "ro"]}')
			;;
		*) m=$(jq -nc --arg d "$d" --arg o "$o" '{destination: $d, type: "tmpfs", source: "tmpfs", options: [$o]}') ;;
		esac
		mounts+=("$m")
		i=$((i + 1))
	done < <(feat '.mountOptions[]')
	[ "$i" -gt 40 ]
	cfg '.mounts += $m' --argjson m "$(printf '%s\n' "${mounts[@]}" | jq -sc .)"
	run_sh_status 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	local n=$i
	for ((i = 0; i < n; i++)); do
		if ! grep -q " /mnt/f$i " <<<"$stdout"; then
			echo "no mount at /mnt/f$i for option $(feat ".mountOptions[$i]")" >&2
			return 1
		fi
	done
}

@test "features: an option it does not list is fs data, which tmpfs refuses" {
	feat '.mountOptions | index("frobnicate")' | grep -qx null
	cfg '.mounts += [{destination: "/mnt/x", type: "tmpfs", source: "tmpfs", options: ["frobnicate"]}]'
	set_args true
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" /mnt/x
}

@test "features: idmapped mounts are enabled (mount_setattr) and idmap, ridmap listed" {
	[ "$(feat .linux.mountExtensions.idmap.enabled)" = true ]
	[ "$(feat '.mountOptions | index("rro")')" != null ]
	[ "$(feat '[.mountOptions[] | select(. == "idmap" or . == "ridmap")] | length')" -eq 2 ]
}

# ---------------------------------------------------------------------------
# cgroup and LSMs

@test "features: cgroup v1, v2 and the systemd driver (no user instance); without systemd --systemd-cgroup is refused" {
	[ "$(feat -c '.linux.cgroup | [.v1, .v2, .systemd, .systemdUser]')" = '[true,true,true,false]' ]
	[ ! -d /run/systemd/system ] || skip "systemd is running on this host"
	set_args true
	vrun --systemd-cgroup run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	assert_contains "$stderr" --systemd-cgroup
	assert_no_leftovers
}

@test "features: apparmor and selinux are off, and a profile or label is refused" {
	[ "$(feat -c '[.linux.apparmor.enabled, .linux.selinux.enabled]')" = '[false,false]' ]
	cfg '.process.apparmorProfile = "veil-test"'
	expect_create_error process.apparmorProfile
	cfg 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
	expect_create_error process.selinuxLabel
}

# ---------------------------------------------------------------------------
# the command line

@test "features: --help exits 0 and prints the usage" {
	run_veil features --help
	[ "$status" -eq 0 ]
	assert_contains "$output" "Usage: veil features"
}

@test "features: an unknown flag or an argument exits 1 and names it" {
	run_veil features --frobnicate
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	assert_one_error_line
	assert_contains "$stderr" --frobnicate
	run_veil features extra
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	assert_one_error_line
	assert_contains "$stderr" '"extra"'
}

#!/usr/bin/env bats
# linux.memoryPolicy: the NUMA policy (set_mempolicy) the container's process starts with, read
# back inside the container with get_mempolicy (vtool mempolicy: "mode=M flags=F nodes=MASK",
# the uapi numbers: DEFAULT 0, PREFERRED 1, BIND 2, INTERLEAVE 3, LOCAL 4, PREFERRED_MANY 5,
# WEIGHTED_INTERLEAVE 6; flags NUMA_BALANCING 0x2000, RELATIVE 0x4000, STATIC 0x8000).
# Node 0 is on every NUMA host (and on a non-NUMA one); the tests use only it.
# runc 1.1.5 (Debian's) does not know the field and ignores it: there is no oracle to compare.

load helpers
load helpers/tools

setup_file() {
	common_setup_file
	vtool_in_template
}

# policy_of JSON: run vtool mempolicy in a container with linux.memoryPolicy = JSON (or none
# when JSON is empty); the line it printed is in $stdout.
policy_of() {
	need_tools
	set_args vtool mempolicy
	if [ -n "$1" ]; then
		cfg '.linux.memoryPolicy = $p' --argjson p "$1"
	fi
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
}

# policy_is JSON WANT: policy_of JSON printed the line WANT.
policy_is() {
	policy_of "$1"
	[ "$stdout" = "$2" ] || { echo "policy $1: got \"$stdout\", want \"$2\"" >&2; return 1; }
}

@test "memoryPolicy: none in the config leaves the default policy" {
	policy_is "" "mode=0 flags=0x0 nodes=0x0"
}

@test "memoryPolicy: MPOL_BIND to node 0" {
	policy_is '{"mode": "MPOL_BIND", "nodes": "0"}' "mode=2 flags=0x0 nodes=0x1"
}

@test "memoryPolicy: MPOL_PREFERRED on node 0, and with no nodes (local allocation)" {
	policy_is '{"mode": "MPOL_PREFERRED", "nodes": "0"}' "mode=1 flags=0x0 nodes=0x1"
	# the kernel keeps a preference for no node as what it means: MPOL_LOCAL
	ID=${ID}b policy_is '{"mode": "MPOL_PREFERRED"}' "mode=4 flags=0x0 nodes=0x0"
}

@test "memoryPolicy: MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE and MPOL_PREFERRED_MANY over node 0" {
	policy_is '{"mode": "MPOL_INTERLEAVE", "nodes": "0"}' "mode=3 flags=0x0 nodes=0x1"
	ID=${ID}b policy_is '{"mode": "MPOL_WEIGHTED_INTERLEAVE", "nodes": "0"}' "mode=6 flags=0x0 nodes=0x1"
	ID=${ID}c policy_is '{"mode": "MPOL_PREFERRED_MANY", "nodes": "0"}' "mode=5 flags=0x0 nodes=0x1"
}

@test "memoryPolicy: MPOL_LOCAL and an explicit MPOL_DEFAULT" {
	policy_is '{"mode": "MPOL_LOCAL"}' "mode=4 flags=0x0 nodes=0x0"
	ID=${ID}b policy_is '{"mode": "MPOL_DEFAULT", "nodes": ""}' "mode=0 flags=0x0 nodes=0x0"
}

@test "memoryPolicy: flags reach the kernel with the mode" {
	policy_is '{"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}' "mode=2 flags=0x8000 nodes=0x1"
	ID=${ID}b policy_is '{"mode": "MPOL_INTERLEAVE", "nodes": "0", "flags": ["MPOL_F_RELATIVE_NODES"]}' "mode=3 flags=0x4000 nodes=0x1"
	ID=${ID}c policy_is '{"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_NUMA_BALANCING"]}' "mode=2 flags=0x2000 nodes=0x1"
}

@test "memoryPolicy: the policy survives the switch to a non-root user and the exec" {
	cfg '.process.user = {uid: 1000, gid: 1000}'
	policy_is '{"mode": "MPOL_BIND", "nodes": "0"}' "mode=2 flags=0x0 nodes=0x1"
}

# refused: each fails create with one error naming the field, leaving nothing behind

@test "memoryPolicy: an unknown mode is refused naming linux.memoryPolicy.mode" {
	cfg '.linux.memoryPolicy = {mode: "MPOL_NOSUCH", nodes: "0"}'
	expect_create_error "linux.memoryPolicy.mode" "MPOL_NOSUCH"
}

@test "memoryPolicy: a missing mode is refused" {
	cfg '.linux.memoryPolicy = {nodes: "0"}'
	expect_create_error "linux.memoryPolicy.mode"
}

@test "memoryPolicy: an unknown flag is refused naming its index" {
	cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES", "MPOL_F_NOSUCH"]}'
	expect_create_error "linux.memoryPolicy.flags[1]" "MPOL_F_NOSUCH"
}

@test "memoryPolicy: MPOL_F_STATIC_NODES with MPOL_F_RELATIVE_NODES is refused" {
	cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]}'
	expect_create_error "linux.memoryPolicy.flags" "exclude each other"
}

@test "memoryPolicy: malformed node lists are refused naming linux.memoryPolicy.nodes" {
	local bad
	for bad in "x" "0-" "-1" "1-0" "0,,1" "0," " 0" "0 " "1024" "99999999999999999999"; do
		cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: $n}' --arg n "$bad"
		expect_create_error "linux.memoryPolicy.nodes" "is not a node list"
	done
}

@test "memoryPolicy: nodes with MPOL_DEFAULT or MPOL_LOCAL are refused" {
	cfg '.linux.memoryPolicy = {mode: "MPOL_DEFAULT", nodes: "0"}'
	expect_create_error "linux.memoryPolicy.nodes" "MPOL_DEFAULT takes no nodes"
	cfg '.linux.memoryPolicy = {mode: "MPOL_LOCAL", nodes: "0"}'
	expect_create_error "linux.memoryPolicy.nodes" "MPOL_LOCAL takes no nodes"
}

@test "memoryPolicy: the modes over a set refuse an empty or missing node list" {
	local m
	for m in MPOL_BIND MPOL_INTERLEAVE MPOL_WEIGHTED_INTERLEAVE MPOL_PREFERRED_MANY; do
		cfg '.linux.memoryPolicy = {mode: $m}' --arg m "$m"
		expect_create_error "linux.memoryPolicy.nodes" "$m needs at least one node"
		cfg '.linux.memoryPolicy = {mode: $m, nodes: ""}' --arg m "$m"
		expect_create_error "linux.memoryPolicy.nodes" "$m needs at least one node"
	done
}

@test "memoryPolicy: what the kernel refuses fails create, named, with nothing left" {
	# a node that does not exist here (the list is well formed)
	[ ! -d /sys/devices/system/node/node1000 ] || skip "this host has a node 1000"
	cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "1000"}'
	expect_create_error "linux.memoryPolicy" "MPOL_BIND"
	# NUMA balancing is only for MPOL_BIND and MPOL_PREFERRED_MANY
	cfg '.linux.memoryPolicy = {mode: "MPOL_INTERLEAVE", nodes: "0", flags: ["MPOL_F_NUMA_BALANCING"]}'
	expect_create_error "linux.memoryPolicy" "MPOL_INTERLEAVE"
}

@test "memoryPolicy: veil features lists every mode and flag create accepts" {
	run_veil features
	[ "$status" -eq 0 ]
	[ "$(jq -c '.linux.memoryPolicy.modes | sort' <<<"$output")" = \
		'["MPOL_BIND","MPOL_DEFAULT","MPOL_INTERLEAVE","MPOL_LOCAL","MPOL_PREFERRED","MPOL_PREFERRED_MANY","MPOL_WEIGHTED_INTERLEAVE"]' ]
	[ "$(jq -c '.linux.memoryPolicy.flags | sort' <<<"$output")" = \
		'["MPOL_F_NUMA_BALANCING","MPOL_F_RELATIVE_NODES","MPOL_F_STATIC_NODES"]' ]
}

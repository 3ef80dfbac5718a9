#!/bin/sh
# hook.sh OUTDIR PHASE: a hook of tests/diff; records what it was given (its
# working directory, its environment, the state on stdin) in OUTDIR as
# PHASE.N.{cwd,env,state}, N counting the hooks of that phase.  It runs on
# the host (with the host's sh) or, for startContainer, in the container
# (busybox sh), so it uses nothing but sh builtins, env and cat.
out=$1 phase=$2
n=0
while [ -e "$out/$phase.$n.state" ]; do
	n=$((n + 1))
done
pwd >"$out/$phase.$n.cwd"
env >"$out/$phase.$n.env"
cat >"$out/$phase.$n.state"

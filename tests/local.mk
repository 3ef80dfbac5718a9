# Behaviour tests (bats), included from the top-level Makefile.am; paths are
# relative to the top directory.  "make check" runs them through
# tests/run-bats, which needs root, bats, jq and busybox-static.

EXTRA_DIST += \
	tests/helpers.bash \
	tests/cli-compat.bats \
	tests/compat-mounts.bats \
	tests/schema-validate \
	tests/data/schema/LICENSE \
	tests/data/schema/README.md \
	tests/data/schema/config-linux.json \
	tests/data/schema/config-schema.json \
	tests/data/schema/defs-linux.json \
	tests/data/schema/defs.json \
	tests/cli.bats \
	tests/lifecycle.bats \
	tests/debug.bats \
	tests/namespaces.bats \
	tests/rootless.bats \
	tests/errors.bats \
	tests/spec.bats \
	tests/exec.bats \
	tests/mounts.bats \
	tests/devices.bats \
	tests/resources.bats \
	tests/cgroups.bats \
	tests/sysctl.bats \
	tests/ns.bats \
	tests/check.bats \
	tests/mempolicy.bats \
	tests/ids.bats \
	tests/security.bats \
	tests/process.bats \
	tests/terminal.bats \
	tests/fds.bats \
	tests/cve.bats \
	tests/helpers/cve-attack.c \
	tests/state-integrity.bats \
	tests/helpers/state-soak \
	tests/helpers/tools.bash \
	tests/helpers/vtool.c \
	tests/helpers/recvtty.c \
	tests/pidfd-socket.bats \
	tests/helpers/pidfd-recv.c \
	tests/run-bats \
	tests/helpers/host-guard \
	tests/hooks.bats \
	tests/seccomp.bats \
	tests/helpers/seccomp-listener.c \
	tests/run-sanitizers \
	tests/cfgedit \
	contrib/mkbundle \
	tests/bench/run-bench \
	tests/bench/README.md \
	tests/features.bats \
	tests/packaging.bats \
	tests/inputs.bats \
	tests/clients/run \
	tests/clients/common.bash \
	tests/clients/docker.bats \
	tests/clients/docker-userns.bats \
	tests/clients/dockerd.bash \
	tests/clients/containerd.bats \
	tests/clients/podman.bats \
	tests/clients/podman-rootless.bats \
	tests/diff/run \
	tests/diff/probe.c \
	tests/diff/hook.sh \
	tests/diff/corpus.py \
	tests/diff/compare.py \
	tests/diff/allowed.tsv \
	tests/diff/base-docker.json \
	tests/diff/record-docker-config \
	tests/vm/run \
	tests/vm/build-image \
	tests/vm/guest-run \
	tests/vm/v2.bats \
	tests/vm/systemd.bats \
	tests/vm/docker.bats \
	tests/vm/containerd.bats

# libFuzzer targets, their seed corpora and dictionaries: tests/fuzz/run-fuzz builds and runs
# them (clang; not part of make check), see tests/fuzz/README.md
EXTRA_DIST += \
	tests/fuzz/README.md \
	tests/fuzz/run-fuzz \
	tests/fuzz/fuzz.h \
	tests/fuzz/fuzz-caps.c \
	tests/fuzz/fuzz-config.c \
	tests/fuzz/fuzz-cpu-list.c \
	tests/fuzz/fuzz-id.c \
	tests/fuzz/fuzz-mount-options.c \
	tests/fuzz/fuzz-process.c \
	tests/fuzz/fuzz-resources.c \
	tests/fuzz/fuzz-seccomp.c \
	tests/fuzz/fuzz-signal.c \
	tests/fuzz/fuzz-size.c \
	tests/fuzz/fuzz-state.c \
	tests/fuzz/fuzz-user.c \
	tests/fuzz/corpus \
	tests/fuzz/dict

# --enable-smoke-check (make distcheck): only these; otherwise every tests/*.bats

if SMOKE_CHECK
BATS_RUN = $(srcdir)/tests/cli.bats $(srcdir)/tests/lifecycle.bats $(srcdir)/tests/packaging.bats
else
BATS_RUN =
endif

# run-bats writes its log to the current directory: the build directory
CLEANFILES += run-bats.log

if HAVE_BATS
check-local: veil$(EXEEXT) $(man_MANS)
	VEIL=$(abs_top_builddir)/veil$(EXEEXT) bash $(srcdir)/tests/run-bats $(BATS_RUN)
else
check-local:
	@echo "tests/local.mk: bats not found at configure time (apt-get install bats);" >&2
	@echo "tests/local.mk: the behaviour tests cannot run" >&2
	@exit 1
endif

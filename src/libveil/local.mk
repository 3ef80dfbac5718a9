noinst_LIBRARIES += src/libveil/libveil.a
src_libveil_libveil_a_SOURCES = \
	src/libveil/error.h src/libveil/error.c \
	src/libveil/binary-guard.h src/libveil/binary-guard.c \
	src/libveil/util.h src/libveil/util.c \
	src/libveil/log.h src/libveil/log.c \
	src/libveil/phase.h src/libveil/phase.c \
	src/libveil/state.h src/libveil/state.c \
	src/libveil/spawn.h src/libveil/spawn.c \
	src/libveil/namespaces.h src/libveil/namespaces.c \
	src/libveil/idmap.h src/libveil/idmap.c \
	src/libveil/mounts.h src/libveil/mounts.c \
	src/libveil/idmap-mount.h src/libveil/idmap-mount.c \
	src/libveil/copyup.h src/libveil/copyup.c \
	src/libveil/procfs.h src/libveil/procfs.c \
	src/libveil/sysctl.h src/libveil/sysctl.c \
	src/libveil/devices.h src/libveil/devices.c \
	src/libveil/rootfs.h src/libveil/rootfs.c \
	src/libveil/process.h src/libveil/process.c \
	src/libveil/seccomp-filter.h src/libveil/seccomp.c \
	src/libveil/seccomp-enosys.h src/libveil/seccomp-enosys.c \
	src/libveil/cpusched.h src/libveil/cpusched.c \
	src/libveil/mempolicy.h src/libveil/mempolicy.c \
	src/libveil/terminal.h src/libveil/terminal.c \
	src/libveil/pidfd-socket.h src/libveil/pidfd-socket.c \
	src/libveil/hooks.h src/libveil/hooks.c \
	src/libveil/init.h src/libveil/init.c \
	src/libveil/cgroup.h src/libveil/cgroup-internal.h src/libveil/cgroup.c \
	src/libveil/cgroup-v1.c src/libveil/cgroup-v2.c \
	src/libveil/cgroup-systemd.h src/libveil/cgroup-systemd.c \
	src/libveil/cgroup-systemd-props.h src/libveil/cgroup-systemd-props.c \
	src/libveil/cgroup-systemd-bus.c \
	src/libveil/cgroup-resources.h src/libveil/cgroup-resources.c src/libveil/cgroup-apply.c \
	src/libveil/cgroup-devices-bpf.c src/libveil/cgroup-stats.h src/libveil/cgroup-stats.c \
	src/libveil/container-resources.h src/libveil/container-resources.c \
	src/libveil/config-load.h src/libveil/config-load.c \
	src/libveil/container.h src/libveil/container.c \
	src/libveil/create-sync.h src/libveil/create-sync.c \
	src/libveil/container-cgroup.c \
	src/libveil/nsview.h src/libveil/nsview.c \
	src/libveil/validate.h src/libveil/validate.c \
	src/libveil/exec.h src/libveil/exec.c \
	src/libveil/features-doc.h src/libveil/features-doc.c
src_libveil_libveil_a_CFLAGS = $(AM_CFLAGS) $(CAP_CFLAGS) $(SECCOMP_CFLAGS) $(SYSTEMD_CFLAGS)

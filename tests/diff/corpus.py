#!/usr/bin/env python3
"""corpus.py: the bundle configs of tests/diff, each a small edit of a base.

    corpus.py BASEDIR OUTDIR      write OUTDIR/list and OUTDIR/NAME.{json,setup,flags}
    corpus.py --coverage BASEDIR  which spec fields the corpus touches, and which not

BASEDIR holds veil.json (`veil spec`), runc.json (`runc spec`) and
docker.json (tests/diff/base-docker.json, placeholders kept).  Every base is
first made runnable by the harness the same way (no terminal, /probe as the
process, root.path "rootfs"); a case then edits one thing.

A case's name is FIELD.CLASS-DETAIL, CLASS one of absent, empty, typical,
boundary, invalid (or base: a base config as it is).  Strings in a config may
hold placeholders the harness replaces per runtime: @ID@ (container id),
@BUNDLE@, @HOST@ (a fresh directory on the host for this config and
runtime), @HOOK@ (the host hook script), @PEER@ (pid of a process in its own
net, uts and ipc namespaces), @CGPARENT@ (the harness's cgroup parent).
A case's setup is shell run before each runtime with ROOTFS, HOST, BUNDLE
set; its flags go between `run` and the id.
"""
import copy
import json
import os
import sys

CASES = []
BASEDIR = "."


def case(name, edit=None, base="veil", setup=None, flags=None):
    assert name not in {c[0] for c in CASES}, name
    CASES.append((name, base, edit, setup, flags))


def at(cfg, path, create=True):
    """the dict holding the last key of a dotted path, and that key"""
    keys = path.split(".")
    d = cfg
    for k in keys[:-1]:
        if k not in d:
            if not create:
                return None, keys[-1]
            d[k] = {}
        d = d[k]
    return d, keys[-1]


def put(path, value):
    def edit(cfg):
        d, k = at(cfg, path)
        d[k] = copy.deepcopy(value)
    return edit


def drop(path):
    def edit(cfg):
        d, k = at(cfg, path, create=False)
        if d is not None:
            d.pop(k, None)
    return edit


def chain(*edits):
    def edit(cfg):
        for e in edits:
            e(cfg)
    return edit


def add_mount(m):
    def edit(cfg):
        cfg.setdefault("mounts", []).append(copy.deepcopy(m))
    return edit


def add_ns(*types):
    def edit(cfg):
        ns = cfg["linux"].setdefault("namespaces", [])
        for t in types:
            ns.append({"type": t} if isinstance(t, str) else t)
    return edit


def drop_ns(*types):
    def edit(cfg):
        cfg["linux"]["namespaces"] = [n for n in cfg["linux"].get("namespaces", []) if n["type"] not in types]
    return edit


def with_hostname(cfg):
    """a config without a uts namespace may not set a hostname"""
    if not any(n["type"] == "uts" for n in cfg["linux"].get("namespaces", [])):
        cfg.pop("hostname", None)


def res(path, value):
    return put("linux.resources." + path, value)


USERNS = chain(add_ns("user"),
               put("linux.uidMappings", [{"containerID": 0, "hostID": 100000, "size": 65536}]),
               put("linux.gidMappings", [{"containerID": 0, "hostID": 100000, "size": 65536}]))
CGPATH = put("linux.cgroupsPath", "/@CGPARENT@/@ID@")
RW = put("root.readonly", False)
ALL_CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
            "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
            "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
            "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE"]


def caps(**sets):
    def edit(cfg):
        cfg["process"]["capabilities"] = {k: list(v) for k, v in sets.items()}
    return edit


def hook(phase, inside=False, **extra):
    """a hook that records its cwd, env and state (tests/diff/hook.sh)"""
    if inside:  # startContainer: resolved and run in the container
        h = {"path": "/hook.sh", "args": ["hook.sh", "/hookout", phase]}
    else:
        h = {"path": "@HOOK@", "args": ["hook.sh", "@HOST@/hooks", phase]}
    h.update(extra)

    def edit(cfg):
        cfg.setdefault("hooks", {}).setdefault(phase, []).append(h)
    return edit


def seccomp(default="SCMP_ACT_ALLOW", syscalls=(), **extra):
    prof = {"defaultAction": default, "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
            "syscalls": list(syscalls)}
    prof.update(extra)
    return put("linux.seccomp", prof)


BLOCK_MKDIR = {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}

# ---------------------------------------------------------------------------
# the bases, as they are
case("base.base-veil")
case("base.base-runc", base="runc")
case("base.base-docker", base="docker")
case("base.base-docker-readonly", put("root.readonly", True), base="docker")
case("base.base-docker-user", put("process.user", {"uid": 1000, "gid": 1000}), base="docker")
case("base.base-docker-capdrop", caps(bounding=[], effective=[], permitted=[]), base="docker")
case("base.base-docker-privileged-ish", chain(caps(bounding=ALL_CAPS, effective=ALL_CAPS, permitted=ALL_CAPS),
                                               drop("linux.seccomp"), put("linux.maskedPaths", []),
                                               put("linux.readonlyPaths", [])), base="docker")
case("base.base-runc-ambient-inheritable", lambda c: c["process"]["capabilities"].update(
    inheritable=c["process"]["capabilities"]["ambient"]), base="runc")

# ociVersion
case("ociVersion.absent", drop("ociVersion"))
case("ociVersion.empty", put("ociVersion", ""))
case("ociVersion.typical-1.0.0", put("ociVersion", "1.0.0"))
case("ociVersion.boundary-9.0.0", put("ociVersion", "9.0.0"))
case("ociVersion.invalid-notsemver", put("ociVersion", "version one"))

# root
case("root.path.typical-absolute", put("root.path", "@BUNDLE@/rootfs"))
case("root.path.invalid-missing", put("root.path", "nosuchdir"))
case("root.path.invalid-file", put("root.path", "rootfs/probe"))
case("root.absent", drop("root"))
case("root.readonly.absent", drop("root.readonly"))
case("root.readonly.typical-false", put("root.readonly", False))

# mounts
TMPFS = {"destination": "/mnt", "type": "tmpfs", "source": "tmpfs"}
BIND = {"destination": "/mnt", "type": "bind", "source": "@HOST@/src"}
MKSRC = "mkdir -p \"$HOST/src/sub\" && echo x >\"$HOST/src/file\""
case("mounts.absent", drop("mounts"))
case("mounts.empty", put("mounts", []))
case("mounts.typical-tmpfs", add_mount(dict(TMPFS, options=["nosuid", "nodev", "mode=1777", "size=1m"])))
case("mounts.boundary-tmpfs-size-4k", add_mount(dict(TMPFS, options=["size=4k"])))
case("mounts.options.empty", add_mount(dict(TMPFS, options=[])))
case("mounts.options.invalid-unknown", add_mount(dict(TMPFS, options=["nosuchoption=1"])))
case("mounts.options.typical-atime", add_mount(dict(TMPFS, options=["noatime", "nodiratime", "nosymfollow"])))
case("mounts.options.typical-strictatime-sync", add_mount(dict(TMPFS, options=["strictatime", "sync", "dirsync"])))
case("mounts.options.typical-ro-tmpfs", add_mount(dict(TMPFS, options=["ro"])))
case("mounts.type.absent-bind-option", add_mount({"destination": "/mnt", "source": "@HOST@/src",
                                                   "options": ["rbind", "ro"]}), setup=MKSRC)
case("mounts.type.invalid-unknown", add_mount(dict(TMPFS, type="nosuchfs")))
case("mounts.source.typical-bind-rw", add_mount(dict(BIND, options=["rbind", "rw"])), setup=MKSRC)
case("mounts.source.typical-bind-ro", add_mount(dict(BIND, options=["bind", "ro"])), setup=MKSRC)
case("mounts.source.typical-bind-nosuid-nodev-noexec",
     add_mount(dict(BIND, options=["rbind", "nosuid", "nodev", "noexec"])), setup=MKSRC)
case("mounts.source.typical-bind-file", add_mount(dict(BIND, destination="/etc/bound", source="@HOST@/src/file",
                                                       options=["bind"])), setup=MKSRC)
case("mounts.source.invalid-missing", add_mount(dict(BIND, source="@HOST@/nosuch", options=["bind"])))
case("mounts.source.typical-inside-rootfs", add_mount(dict(BIND, source="@BUNDLE@/rootfs/etc", options=["bind"])))
case("mounts.source.typical-after-earlier-mount", chain(
    add_mount(dict(TMPFS, destination="/srv", options=["size=1m"])),
    add_mount(dict(BIND, source="@BUNDLE@/rootfs/srv", options=["bind"]))), setup="mkdir -p \"$ROOTFS/srv\"")
case("mounts.source.typical-locked-flags-inherited", chain(USERNS, add_mount(dict(BIND, source="@HOST@/ro",
                                                                                 options=["bind"]))),
     setup="mkdir -p \"$HOST/ro\" && mount -t tmpfs -o ro,nosuid,nodev,size=16k vdiff \"$HOST/ro\"")
case("mounts.destination.typical-nested-new", add_mount(dict(TMPFS, destination="/a/b/c")))
case("mounts.destination.boundary-root-slash", add_mount(dict(TMPFS, destination="/tmp/")))
case("mounts.destination.invalid-relative", add_mount(dict(TMPFS, destination="mnt")))
case("mounts.destination.typical-dangling-symlink", add_mount(dict(TMPFS, destination="/mnt/link")),
     setup="mkdir -p \"$ROOTFS/mnt\" && ln -s /target-missing \"$ROOTFS/mnt/link\"")
case("mounts.destination.typical-escaping-symlink", add_mount(dict(TMPFS, destination="/mnt/out/x")),
     setup="mkdir -p \"$ROOTFS/mnt\" && ln -s ../../../../.. \"$ROOTFS/mnt/out\"")
case("mounts.destination.typical-proc-over-tmp", add_mount({"destination": "/tmp/proc2", "type": "proc",
                                                            "source": "proc"}))
case("mounts.typical-dev-readonly-bind", add_mount({"destination": "/dev", "type": "bind", "source": "/dev",
                                                    "options": ["rbind", "ro"]}))
case("mounts.typical-sysfs-rw", lambda c: [m.update(options=["nosuid", "noexec", "nodev"])
                                           for m in c["mounts"] if m["destination"] == "/sys"])
case("mounts.typical-cgroup-rw", lambda c: [m.update(options=["nosuid", "noexec", "nodev"])
                                            for m in c["mounts"] if m["destination"] == "/sys/fs/cgroup"])
case("mounts.typical-proc-hidepid", lambda c: [m.update(options=["hidepid=2"])
                                               for m in c["mounts"] if m["destination"] == "/proc"])
case("mounts.options.typical-rshared-bind", add_mount(dict(BIND, options=["rbind", "rshared"])), setup=MKSRC)
case("mounts.options.typical-rslave-bind", add_mount(dict(BIND, options=["rbind", "rslave"])), setup=MKSRC)
case("mounts.options.typical-recursive-ro", add_mount(dict(BIND, options=["rbind", "rro"])), setup=MKSRC)
case("mounts.options.typical-tmpcopyup", add_mount(dict(TMPFS, destination="/etc", options=["tmpcopyup"])))
case("mounts.options.invalid-idmap-no-userns", add_mount(dict(BIND, options=["rbind", "idmap"])), setup=MKSRC)
case("mounts.uidMappings.typical-idmapped", chain(USERNS, add_mount(dict(
    BIND, options=["rbind"], uidMappings=[{"containerID": 0, "hostID": 100000, "size": 65536}],
    gidMappings=[{"containerID": 0, "hostID": 100000, "size": 65536}]))), setup=MKSRC)
case("mounts.typical-mqueue-second", add_mount({"destination": "/mnt", "type": "mqueue", "source": "mqueue"}))
case("mounts.typical-devpts-second", add_mount({"destination": "/mnt", "type": "devpts", "source": "devpts",
                                                "options": ["newinstance", "ptmxmode=0666"]}))

# process
case("process.absent", drop("process"))
case("process.terminal.absent", drop("process.terminal"))
case("process.consoleSize.typical-no-terminal", put("process.consoleSize", {"height": 40, "width": 120}))
case("process.cwd.typical-tmp", put("process.cwd", "/tmp"))
case("process.cwd.typical-missing-created", chain(RW, put("process.cwd", "/new/dir")))
case("process.cwd.typical-missing-readonly-root", put("process.cwd", "/new/dir"))
case("process.cwd.empty", put("process.cwd", ""))
case("process.cwd.invalid-relative", put("process.cwd", "tmp"))
case("process.cwd.invalid-file", put("process.cwd", "/probe"))
case("process.cwd.boundary-unreachable-user", chain(put("process.cwd", "/root"),
                                                     put("process.user", {"uid": 1000, "gid": 1000})))
case("process.env.absent", drop("process.env"))
case("process.env.empty", put("process.env", []))
case("process.env.typical", put("process.env", ["PATH=/bin", "A=1", "B=two words", "TERM=dumb"]))
case("process.env.typical-duplicate-keys", put("process.env", ["PATH=/bin", "A=1", "A=2", "B=x", "A=3"]))
case("process.env.typical-empty-home", put("process.env", ["PATH=/bin", "HOME="]))
case("process.env.typical-home-set", put("process.env", ["PATH=/bin", "HOME=/tmp"]))
case("process.env.typical-no-path", put("process.env", ["A=1"]))
case("process.env.invalid-no-equals", put("process.env", ["PATH=/bin", "JUSTAKEY"]))
case("process.env.boundary-long-value", put("process.env", ["PATH=/bin", "LONG=" + "x" * 100000]))
case("process.env.boundary-user-nobody-home", chain(put("process.env", ["PATH=/bin"]),
                                                     put("process.user", {"uid": 65534, "gid": 65534})))
case("process.args.absent", drop("process.args"))
case("process.args.empty", put("process.args", []))
case("process.args.typical-relative-path-lookup", put("process.args", ["probe", "x"]),
     setup="cp \"$ROOTFS/probe\" \"$ROOTFS/bin/probe\"")
case("process.args.typical-extra-args", put("process.args", ["/probe", "a b", "", "--c"]))
case("process.args.invalid-missing-binary", put("process.args", ["/nosuch"]))
case("process.args.invalid-not-executable", put("process.args", ["/etc/passwd"]))
case("process.args.typical-exit-42", put("process.args", ["/bin/sh", "-c", "exit 42"]))
case("process.args.typical-killed-by-signal", put("process.args", ["/bin/sh", "-c", "kill -9 $$"]))
case("process.args.invalid-directory", put("process.args", ["/tmp"]))
case("process.commandLine.typical-ignored", put("process.commandLine", "probe.exe"))
case("process.user.uid.typical-1000", put("process.user", {"uid": 1000, "gid": 1000}))
case("process.user.uid.boundary-65534", put("process.user", {"uid": 65534, "gid": 65534}))
case("process.user.uid.boundary-max", put("process.user", {"uid": 4294967294, "gid": 0}))
case("process.user.uid.invalid-minus-one", put("process.user", {"uid": 4294967295, "gid": 0}))
case("process.user.uid.absent", put("process.user", {"gid": 0}))
case("process.user.gid.absent", put("process.user", {"uid": 1000}))
case("process.user.additionalGids.typical", put("process.user", {"uid": 0, "gid": 0, "additionalGids": [1, 2, 3]}))
case("process.user.additionalGids.empty", put("process.user", {"uid": 1000, "gid": 1000, "additionalGids": []}))
case("process.user.additionalGids.boundary-duplicates", put("process.user", {"uid": 0, "gid": 5,
                                                                             "additionalGids": [5, 5, 65534]}))
case("process.user.umask.typical-077", put("process.user", {"uid": 0, "gid": 0, "umask": 63}))
case("process.user.umask.boundary-0", put("process.user", {"uid": 0, "gid": 0, "umask": 0}))
case("process.user.umask.boundary-0777", put("process.user", {"uid": 0, "gid": 0, "umask": 511}))
case("process.user.username.typical-ignored", put("process.user", {"uid": 0, "gid": 0, "username": "root"}))
case("process.capabilities.absent", drop("process.capabilities"))
case("process.capabilities.empty", put("process.capabilities", {}))
case("process.capabilities.empty-sets", caps(bounding=[], effective=[], permitted=[], inheritable=[], ambient=[]))
case("process.capabilities.typical-all", caps(bounding=ALL_CAPS, effective=ALL_CAPS, permitted=ALL_CAPS))
case("process.capabilities.ambient.typical-with-inheritable",
     caps(bounding=["CAP_KILL", "CAP_CHOWN"], effective=["CAP_KILL", "CAP_CHOWN"], permitted=["CAP_KILL", "CAP_CHOWN"],
          inheritable=["CAP_KILL"], ambient=["CAP_KILL"]))
case("process.capabilities.ambient.typical-without-inheritable",
     caps(bounding=["CAP_KILL"], effective=["CAP_KILL"], permitted=["CAP_KILL"], ambient=["CAP_KILL"]))
case("process.capabilities.ambient.typical-user-1000",
     chain(caps(bounding=["CAP_KILL"], effective=["CAP_KILL"], permitted=["CAP_KILL"], inheritable=["CAP_KILL"],
                ambient=["CAP_KILL"]), put("process.user", {"uid": 1000, "gid": 1000})))
case("process.capabilities.effective.boundary-not-permitted",
     caps(bounding=["CAP_KILL", "CAP_CHOWN"], effective=["CAP_KILL", "CAP_CHOWN"], permitted=["CAP_KILL"]))
case("process.capabilities.bounding.typical-only-bounding", caps(bounding=["CAP_SYS_ADMIN"]))
case("process.capabilities.invalid-unknown-name", caps(bounding=["CAP_KILL", "CAP_NO_SUCH"],
                                                        effective=["CAP_KILL"], permitted=["CAP_KILL"]))
case("process.capabilities.invalid-lowercase", caps(bounding=["cap_kill"], effective=["cap_kill"],
                                                     permitted=["cap_kill"]))
case("process.capabilities.typical-user-1000-effective",
     chain(caps(bounding=["CAP_KILL"], effective=["CAP_KILL"], permitted=["CAP_KILL"]),
           put("process.user", {"uid": 1000, "gid": 1000})))
case("process.rlimits.absent", drop("process.rlimits"))
case("process.rlimits.empty", put("process.rlimits", []))
case("process.rlimits.typical-core-nproc", put("process.rlimits", [{"type": "RLIMIT_CORE", "soft": 0, "hard": 0},
                                                                   {"type": "RLIMIT_NPROC", "soft": 100, "hard": 200}]))
case("process.rlimits.boundary-unlimited", put("process.rlimits", [
    {"type": "RLIMIT_STACK", "soft": 18446744073709551615, "hard": 18446744073709551615}]))
case("process.rlimits.boundary-nofile-raise", put("process.rlimits", [
    {"type": "RLIMIT_NOFILE", "soft": 1048576, "hard": 1048576}]))
case("process.rlimits.invalid-soft-above-hard", put("process.rlimits", [
    {"type": "RLIMIT_NOFILE", "soft": 2048, "hard": 1024}]))
case("process.rlimits.invalid-unknown-type", put("process.rlimits", [{"type": "RLIMIT_NOSUCH", "soft": 1, "hard": 1}]))
case("process.rlimits.boundary-duplicate-type", put("process.rlimits", [
    {"type": "RLIMIT_NOFILE", "soft": 100, "hard": 100}, {"type": "RLIMIT_NOFILE", "soft": 200, "hard": 200}]))
case("process.rlimits.typical-all-kinds", put("process.rlimits", [
    {"type": t, "soft": 1 << 20, "hard": 1 << 21} for t in
    ("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_LOCKS", "RLIMIT_MSGQUEUE", "RLIMIT_SIGPENDING", "RLIMIT_RTTIME")] + [
    {"type": "RLIMIT_NICE", "soft": 10, "hard": 20}, {"type": "RLIMIT_RTPRIO", "soft": 1, "hard": 2}]))
case("process.apparmorProfile.typical-no-apparmor", put("process.apparmorProfile", "vdiff-profile"))
case("process.apparmorProfile.empty", put("process.apparmorProfile", ""))
case("process.selinuxLabel.typical-no-selinux", put("process.selinuxLabel", "system_u:system_r:container_t:s0"))
case("process.selinuxLabel.empty", put("process.selinuxLabel", ""))
case("process.noNewPrivileges.absent", drop("process.noNewPrivileges"))
case("process.noNewPrivileges.typical-false", put("process.noNewPrivileges", False))
case("process.oomScoreAdj.absent", drop("process.oomScoreAdj"))
case("process.oomScoreAdj.typical-100", put("process.oomScoreAdj", 100))
case("process.oomScoreAdj.boundary-1000", put("process.oomScoreAdj", 1000))
case("process.oomScoreAdj.boundary-minus-1000", put("process.oomScoreAdj", -1000))
case("process.oomScoreAdj.invalid-1001", put("process.oomScoreAdj", 1001))
case("process.oomScoreAdj.typical-0-userns", chain(USERNS, put("process.oomScoreAdj", 0)))
case("process.scheduler.typical-batch-nice", put("process.scheduler", {"policy": "SCHED_BATCH", "nice": 5}))
case("process.scheduler.typical-fifo", put("process.scheduler", {"policy": "SCHED_FIFO", "priority": 10}))
case("process.scheduler.typical-idle-reset", put("process.scheduler", {"policy": "SCHED_IDLE",
                                                                       "flags": ["SCHED_FLAG_RESET_ON_FORK"]}))
case("process.scheduler.typical-deadline", put("process.scheduler", {
    "policy": "SCHED_DEADLINE", "runtime": 1000000, "deadline": 5000000, "period": 10000000}))
case("process.scheduler.invalid-policy", put("process.scheduler", {"policy": "SCHED_NOSUCH"}))
case("process.ioPriority.typical-be-4", put("process.ioPriority", {"class": "IOPRIO_CLASS_BE", "priority": 4}))
case("process.ioPriority.typical-idle", put("process.ioPriority", {"class": "IOPRIO_CLASS_IDLE", "priority": 0}))
case("process.ioPriority.invalid-class", put("process.ioPriority", {"class": "IOPRIO_CLASS_NOSUCH", "priority": 0}))
case("process.execCPUAffinity.typical", put("process.execCPUAffinity", {"initial": "0", "final": "0"}))

# hostname, domainname, annotations
case("hostname.absent", drop("hostname"))
case("hostname.empty", put("hostname", ""))
case("hostname.boundary-64", put("hostname", "h" * 64))
case("hostname.invalid-65", put("hostname", "h" * 65))
case("hostname.invalid-no-uts", drop_ns("uts"))
case("domainname.typical", put("domainname", "example.test"))
case("domainname.empty", put("domainname", ""))
case("domainname.boundary-64", put("domainname", "d" * 64))
case("domainname.invalid-no-uts", chain(drop_ns("uts"), drop("hostname"), put("domainname", "example.test")))
case("annotations.typical", put("annotations", {"org.example.key": "value", "vdiff": "1"}))
case("annotations.empty", put("annotations", {}))

# hooks
for phase in ("prestart", "createRuntime", "createContainer", "poststart", "poststop"):
    case("hooks.%s.typical" % phase, chain(RW, hook(phase)))
case("hooks.startContainer.typical", chain(RW, hook("startContainer", inside=True)))
case("hooks.startContainer.typical-seccomp", chain(RW, hook("startContainer", inside=True),
                                                   seccomp(syscalls=[BLOCK_MKDIR])))
case("hooks.createRuntime.typical-env", chain(RW, hook("createRuntime", env=["A=1", "PATH=/bin:/usr/bin"])))
case("hooks.poststop.typical-args-timeout", chain(RW, hook("poststop", timeout=10)))
case("hooks.empty", put("hooks", {}))
case("hooks.prestart.invalid-fails", put("hooks", {"prestart": [{"path": "/bin/false"}]}))
case("hooks.createRuntime.invalid-missing-path", put("hooks", {"createRuntime": [{"path": "/nosuch/hook"}]}))
# the probe starts late, so what it sees does not race with the hook
case("hooks.poststart.invalid-fails", chain(put("hooks", {"poststart": [{"path": "/bin/false"}]}),
                                            put("process.args", ["/bin/sh", "-c", "sleep 1; exec /probe"])))
case("hooks.poststop.invalid-fails", put("hooks", {"poststop": [{"path": "/bin/false"}]}))
case("hooks.createRuntime.boundary-timeout", put("hooks", {"createRuntime": [
    {"path": "/bin/sleep", "args": ["sleep", "5"], "timeout": 1}]}))

# linux.namespaces
case("linux.absent", chain(drop("linux"), drop("hostname")))
case("linux.namespaces.absent", chain(drop("linux.namespaces"), drop("hostname"),
                                      put("linux.maskedPaths", []), put("linux.readonlyPaths", [])))
case("linux.namespaces.empty", chain(put("linux.namespaces", []), drop("hostname"),
                                     put("linux.maskedPaths", []), put("linux.readonlyPaths", [])))
for t in ("pid", "network", "ipc", "cgroup"):
    case("linux.namespaces.typical-no-%s" % t, drop_ns(t))
case("linux.namespaces.typical-no-uts", chain(drop_ns("uts"), drop("hostname")))
case("linux.namespaces.typical-no-mount", chain(drop_ns("mount"), put("linux.maskedPaths", []),
                                                put("linux.readonlyPaths", [])))
case("linux.namespaces.typical-user", USERNS)
case("linux.namespaces.typical-time", add_ns("time"))
case("linux.namespaces.invalid-duplicate", add_ns("pid"))
case("linux.namespaces.invalid-unknown-type", add_ns("nosuch"))
case("linux.namespaces.path.typical-join-net", chain(drop_ns("network"),
                                                     add_ns({"type": "network", "path": "/proc/@PEER@/ns/net"})))
case("linux.namespaces.path.typical-join-uts-ipc", chain(
    drop_ns("uts", "ipc"), drop("hostname"), add_ns({"type": "uts", "path": "/proc/@PEER@/ns/uts"},
                                                    {"type": "ipc", "path": "/proc/@PEER@/ns/ipc"})))
case("linux.namespaces.path.invalid-wrong-type", chain(drop_ns("network"),
                                                       add_ns({"type": "network", "path": "/proc/@PEER@/ns/uts"})))
case("linux.namespaces.path.invalid-missing", chain(drop_ns("ipc"),
                                                    add_ns({"type": "ipc", "path": "/proc/nosuch/ns/ipc"})))
case("linux.namespaces.path.empty", chain(drop_ns("ipc"), add_ns({"type": "ipc", "path": ""})))

# user namespace mappings, time offsets
case("linux.uidMappings.boundary-size-1", chain(add_ns("user"), put("linux.uidMappings", [
    {"containerID": 0, "hostID": 100000, "size": 1}]), put("linux.gidMappings", [
        {"containerID": 0, "hostID": 100000, "size": 1}])))
case("linux.uidMappings.typical-multiple", chain(add_ns("user"), put("linux.uidMappings", [
    {"containerID": 0, "hostID": 100000, "size": 1000}, {"containerID": 1000, "hostID": 201000, "size": 1000}]),
    put("linux.gidMappings", [{"containerID": 0, "hostID": 100000, "size": 2000}])))
case("linux.uidMappings.invalid-without-userns", chain(put("linux.uidMappings", [
    {"containerID": 0, "hostID": 100000, "size": 65536}]), put("linux.gidMappings", [
        {"containerID": 0, "hostID": 100000, "size": 65536}])))
case("linux.uidMappings.absent-userns", add_ns("user"))
case("linux.gidMappings.invalid-overlap", chain(add_ns("user"), put("linux.uidMappings", [
    {"containerID": 0, "hostID": 100000, "size": 65536}]), put("linux.gidMappings", [
        {"containerID": 0, "hostID": 100000, "size": 100}, {"containerID": 50, "hostID": 300000, "size": 100}])))
case("linux.uidMappings.typical-user-1000", chain(USERNS, put("process.user", {"uid": 1000, "gid": 1000})))
case("linux.timeOffsets.typical", chain(add_ns("time"), put("linux.timeOffsets", {
    "monotonic": {"secs": 86400, "nanosecs": 0}, "boottime": {"secs": 3600, "nanosecs": 500}})))
case("linux.timeOffsets.invalid-without-timens", put("linux.timeOffsets", {"monotonic": {"secs": 10}}))

# linux.devices
FUSE = {"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0}
case("linux.devices.empty", put("linux.devices", []))
case("linux.devices.typical-fuse", put("linux.devices", [FUSE]))
case("linux.devices.typical-block-loop", put("linux.devices", [{"path": "/dev/vdiffloop", "type": "b", "major": 7,
                                                                "minor": 200}]))
case("linux.devices.typical-fifo", put("linux.devices", [{"path": "/dev/vdifffifo", "type": "p"}]))
case("linux.devices.typical-type-u", put("linux.devices", [{"path": "/dev/vdiffu", "type": "u", "major": 1,
                                                            "minor": 7}]))
case("linux.devices.path.boundary-trailing-slash", put("linux.devices", [dict(FUSE, path="/mnt/")]),
     setup="rmdir \"$ROOTFS/mnt\" 2>/dev/null; true")
case("linux.devices.path.typical-outside-dev", put("linux.devices", [dict(FUSE, path="/opt/fuse")]))
case("linux.devices.typical-owner-mode", put("linux.devices", [dict(FUSE, fileMode=0o600, uid=1000, gid=1000)]))
case("linux.devices.typical-mode-absent", put("linux.devices", [{k: v for k, v in FUSE.items()
                                                                 if k not in ("fileMode", "uid", "gid")}]))
case("linux.devices.boundary-redefine-null", put("linux.devices", [{"path": "/dev/null", "type": "c", "major": 1,
                                                                    "minor": 3}]))
case("linux.devices.invalid-type", put("linux.devices", [dict(FUSE, type="x")]))
case("linux.devices.invalid-relative-path", put("linux.devices", [dict(FUSE, path="dev/fuse")]))

# cgroupsPath
case("linux.cgroupsPath.absent", drop("linux.cgroupsPath"))
case("linux.cgroupsPath.empty", put("linux.cgroupsPath", ""))
case("linux.cgroupsPath.typical-absolute", CGPATH)
case("linux.cgroupsPath.typical-relative", put("linux.cgroupsPath", "@CGPARENT@/rel/@ID@"))
case("linux.cgroupsPath.typical-nested-cpuset", chain(put("linux.cgroupsPath", "/@CGPARENT@/pod-@ID@/@ID@"),
                                                      res("cpu", {"cpus": "0", "mems": "0"})))
case("linux.cgroupsPath.typical-nested-no-resources", put("linux.cgroupsPath", "/@CGPARENT@/pod2-@ID@/@ID@"))
case("linux.cgroupsPath.invalid-systemd-form", put("linux.cgroupsPath", "system.slice:vdiff:@ID@"))
case("linux.cgroupsPath.boundary-dotdot", put("linux.cgroupsPath", "/@CGPARENT@/../@CGPARENT@/@ID@"))

# resources (all in the harness's cgroup parent)
case("linux.resources.empty", chain(CGPATH, put("linux.resources", {})))
case("linux.resources.devices.empty", chain(CGPATH, res("devices", [])))
case("linux.resources.devices.typical-allow-all", chain(CGPATH, res("devices", [{"allow": True, "access": "rwm"}])))
case("linux.resources.devices.typical-allow-null", chain(CGPATH, res("devices", [
    {"allow": False, "access": "rwm"}, {"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rw"}])))
case("linux.resources.devices.access.typical-rwa", chain(CGPATH, res("devices", [
    {"allow": False, "access": "rwm"}, {"allow": True, "type": "c", "major": 1, "minor": 5, "access": "rwa"}])))
case("linux.resources.devices.access.empty", chain(CGPATH, res("devices", [{"allow": True, "access": ""}])))
case("linux.resources.devices.type.invalid", chain(CGPATH, res("devices", [{"allow": True, "type": "x",
                                                                           "access": "r"}])))
case("linux.resources.memory.typical-limit", chain(CGPATH, res("memory", {"limit": 67108864})))
case("linux.resources.memory.typical-reservation-swap", chain(CGPATH, res("memory", {
    "limit": 67108864, "reservation": 33554432, "swap": 134217728})))
case("linux.resources.memory.boundary-unlimited", chain(CGPATH, res("memory", {"limit": -1, "swap": -1})))
case("linux.resources.memory.invalid-swap-below-limit", chain(CGPATH, res("memory", {"limit": 67108864,
                                                                                     "swap": 33554432})))
case("linux.resources.memory.boundary-limit-tiny", chain(CGPATH, res("memory", {"limit": 4096})))
case("linux.resources.memory.typical-kernel", chain(CGPATH, res("memory", {"kernel": 67108864,
                                                                           "kernelTCP": 16777216})))
case("linux.resources.memory.swappiness.boundary-0", chain(CGPATH, res("memory", {"swappiness": 0})))
case("linux.resources.memory.swappiness.boundary-100", chain(CGPATH, res("memory", {"swappiness": 100})))
case("linux.resources.memory.swappiness.invalid-101", chain(CGPATH, res("memory", {"swappiness": 101})))
case("linux.resources.memory.disableOOMKiller.typical", chain(CGPATH, res("memory", {"disableOOMKiller": True})))
case("linux.resources.memory.useHierarchy.typical", chain(CGPATH, res("memory", {"useHierarchy": True})))
case("linux.resources.memory.checkBeforeUpdate.typical", chain(CGPATH, res("memory", {"checkBeforeUpdate": True,
                                                                                       "limit": 67108864})))
case("linux.resources.cpu.shares.typical-512", chain(CGPATH, res("cpu", {"shares": 512})))
case("linux.resources.cpu.shares.boundary-1", chain(CGPATH, res("cpu", {"shares": 1})))
case("linux.resources.cpu.shares.boundary-0", chain(CGPATH, res("cpu", {"shares": 0})))
case("linux.resources.cpu.quota.typical", chain(CGPATH, res("cpu", {"quota": 50000, "period": 100000})))
case("linux.resources.cpu.quota.boundary-unlimited", chain(CGPATH, res("cpu", {"quota": -1})))
case("linux.resources.cpu.period.invalid-too-small", chain(CGPATH, res("cpu", {"period": 100})))
case("linux.resources.cpu.realtime.typical", chain(CGPATH, res("cpu", {"realtimePeriod": 1000000,
                                                                       "realtimeRuntime": 0})))
case("linux.resources.cpu.realtime.invalid-runtime-above-parent", chain(CGPATH, res("cpu", {
    "realtimePeriod": 1000000, "realtimeRuntime": 500000})))
case("linux.resources.cpu.cpus.typical-0", chain(CGPATH, res("cpu", {"cpus": "0"})))
case("linux.resources.cpu.cpus.typical-range", chain(CGPATH, res("cpu", {"cpus": "0-1", "mems": "0"})))
case("linux.resources.cpu.cpus.invalid-missing-cpu", chain(CGPATH, res("cpu", {"cpus": "63"})))
case("linux.resources.cpu.cpus.empty", chain(CGPATH, res("cpu", {"cpus": ""})))
case("linux.resources.cpu.mems.invalid-missing-node", chain(CGPATH, res("cpu", {"mems": "7"})))
case("linux.resources.cpu.idle.typical", chain(CGPATH, res("cpu", {"idle": 1})))
case("linux.resources.cpu.burst.typical", chain(CGPATH, res("cpu", {"quota": 50000, "period": 100000,
                                                                    "burst": 10000})))
case("linux.resources.blockIO.weight.typical", chain(CGPATH, res("blockIO", {"weight": 500})))
case("linux.resources.blockIO.weight.boundary-10", chain(CGPATH, res("blockIO", {"weight": 10, "leafWeight": 10})))
case("linux.resources.blockIO.weight.invalid-1001", chain(CGPATH, res("blockIO", {"weight": 1001})))
case("linux.resources.blockIO.weightDevice.typical", chain(CGPATH, res("blockIO", {"weightDevice": [
    {"major": 7, "minor": 0, "weight": 500, "leafWeight": 300}]})))
case("linux.resources.blockIO.throttle.typical", chain(CGPATH, res("blockIO", {
    "throttleReadBpsDevice": [{"major": 7, "minor": 0, "rate": 1048576}],
    "throttleWriteBpsDevice": [{"major": 7, "minor": 0, "rate": 2097152}],
    "throttleReadIOPSDevice": [{"major": 7, "minor": 0, "rate": 100}],
    "throttleWriteIOPSDevice": [{"major": 7, "minor": 0, "rate": 200}]})))
case("linux.resources.blockIO.throttle.invalid-no-such-device", chain(CGPATH, res("blockIO", {
    "throttleReadBpsDevice": [{"major": 250, "minor": 250, "rate": 1}]})))
case("linux.resources.hugepageLimits.typical-2MB", chain(CGPATH, res("hugepageLimits", [
    {"pageSize": "2MB", "limit": 2097152}])))
case("linux.resources.hugepageLimits.invalid-pagesize", chain(CGPATH, res("hugepageLimits", [
    {"pageSize": "3MB", "limit": 0}])))
case("linux.resources.hugepageLimits.empty", chain(CGPATH, res("hugepageLimits", [])))
case("linux.resources.network.typical", chain(CGPATH, res("network", {"classID": 1048577, "priorities": [
    {"name": "lo", "priority": 5}]})))
case("linux.resources.pids.typical-10", chain(CGPATH, res("pids", {"limit": 10})))
case("linux.resources.pids.boundary-unlimited", chain(CGPATH, res("pids", {"limit": -1})))
case("linux.resources.pids.boundary-0", chain(CGPATH, res("pids", {"limit": 0})))
case("linux.resources.rdma.typical", chain(CGPATH, res("rdma", {"mlx5_0": {"hcaHandles": 3, "hcaObjects": 100}})))
case("linux.resources.unified.typical-v1-host", chain(CGPATH, res("unified", {"pids.max": "10"})))
case("linux.resources.unified.typical-hugetlb", chain(CGPATH, res("unified", {"hugetlb.2MB.max": "2097152"})))
case("linux.intelRdt.typical-no-resctrl", put("linux.intelRdt", {"closID": "vdiff", "l3CacheSchema": "L3:0=f"}))
case("linux.intelRdt.typical-monitoring", put("linux.intelRdt", {"enableMonitoring": True}))
case("linux.intelRdt.typical-schemata", put("linux.intelRdt", {"schemata": ["L3:0=f"], "memBwSchema": "MB:0=50"}))

# sysctl
case("linux.sysctl.empty", put("linux.sysctl", {}))
case("linux.sysctl.typical-net", put("linux.sysctl", {"net.ipv4.ip_forward": "1", "net.core.somaxconn": "256",
                                                      "net.ipv4.ping_group_range": "0 2147483647"}))
case("linux.sysctl.typical-ipc", put("linux.sysctl", {"kernel.shmmax": "1048576", "kernel.msgmax": "4096",
                                                      "fs.mqueue.queues_max": "128"}))
case("linux.sysctl.typical-uts-domainname", put("linux.sysctl", {"kernel.domainname": "sysctl.test"}))
case("linux.sysctl.invalid-net-host-netns", chain(drop_ns("network"), put("linux.sysctl", {
    "net.ipv4.ip_forward": "1"})))
case("linux.sysctl.invalid-not-namespaced", put("linux.sysctl", {"vm.swappiness": "10"}))
case("linux.sysctl.invalid-unknown-key", put("linux.sysctl", {"net.nosuch.key": "1"}))
case("linux.sysctl.typical-slash-form", put("linux.sysctl", {"net/ipv4/ip_forward": "1"}))

# seccomp
case("linux.seccomp.typical-allow-block-mkdir", seccomp(syscalls=[BLOCK_MKDIR]))


def docker_seccomp(**extra):
    """Docker's default profile (from the recorded base) with EXTRA set: a
    default-deny filter with the allow list real images and runtimes need"""
    def edit(cfg):
        with open(os.path.join(BASEDIR, "docker.json")) as f:
            prof = json.load(f)["linux"]["seccomp"]
        prof.update(extra)
        cfg["linux"]["seccomp"] = prof
    return edit


case("linux.seccomp.defaultAction.typical-errno", docker_seccomp())
case("linux.seccomp.defaultErrnoRet.typical", docker_seccomp(defaultErrnoRet=38))
case("linux.seccomp.defaultAction.typical-kill-process", docker_seccomp(defaultAction="SCMP_ACT_KILL_PROCESS"))
case("linux.seccomp.architectures.empty", seccomp(syscalls=[BLOCK_MKDIR], architectures=[]))
case("linux.seccomp.flags.typical-log", seccomp(syscalls=[BLOCK_MKDIR], flags=["SECCOMP_FILTER_FLAG_LOG"]))
case("linux.seccomp.flags.typical-spec-allow", seccomp(syscalls=[BLOCK_MKDIR],
                                                       flags=["SECCOMP_FILTER_FLAG_SPEC_ALLOW"]))
case("linux.seccomp.flags.invalid", seccomp(syscalls=[BLOCK_MKDIR], flags=["SECCOMP_FILTER_FLAG_NOSUCH"]))
case("linux.seccomp.syscalls.empty", seccomp())
case("linux.seccomp.syscalls.names.typical-unknown-name", seccomp(syscalls=[
    {"names": ["mkdir", "mkdirat", "no_such_syscall"], "action": "SCMP_ACT_ERRNO"}]))
case("linux.seccomp.syscalls.args.typical-masked-eq", seccomp(syscalls=[
    {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22,
     "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]},
    {"names": ["socket"], "action": "SCMP_ACT_ERRNO",
     "args": [{"index": 0, "value": 255, "valueTwo": 2, "op": "SCMP_CMP_MASKED_EQ"}]}]))
case("linux.seccomp.syscalls.action.typical-log-trace", seccomp(syscalls=[
    {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_LOG"}, {"names": ["getppid"], "action": "SCMP_ACT_TRACE"}]))
case("linux.seccomp.syscalls.action.typical-kill-unused", seccomp(syscalls=[
    {"names": ["reboot", "kexec_load"], "action": "SCMP_ACT_KILL_PROCESS"}, BLOCK_MKDIR]))
case("linux.seccomp.syscalls.action.invalid", seccomp(syscalls=[{"names": ["mkdir"], "action": "SCMP_ACT_NOSUCH"}]))
case("linux.seccomp.listenerPath.invalid-notify-no-listener", seccomp(syscalls=[
    {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]))
case("linux.seccomp.listenerMetadata.typical-no-notify", seccomp(syscalls=[BLOCK_MKDIR], listenerPath="",
                                                                 listenerMetadata="meta"))
case("linux.seccomp.defaultAction.invalid", seccomp(default="SCMP_ACT_NOSUCH"))

# propagation, masked and read-only paths, labels, personality, newer fields
for p in ("shared", "slave", "private", "rshared", "rslave", "rprivate", "unbindable"):
    case("linux.rootfsPropagation.typical-%s" % p, put("linux.rootfsPropagation", p))
case("linux.rootfsPropagation.invalid", put("linux.rootfsPropagation", "nosuch"))
case("linux.maskedPaths.absent", drop("linux.maskedPaths"))
case("linux.maskedPaths.empty", put("linux.maskedPaths", []))
case("linux.maskedPaths.typical-file-and-dir", lambda c: c["linux"]["maskedPaths"].extend(["/etc/passwd", "/etc"]))
case("linux.maskedPaths.boundary-missing", put("linux.maskedPaths", ["/nosuch", "/proc/nosuch"]))
case("linux.readonlyPaths.absent", drop("linux.readonlyPaths"))
case("linux.readonlyPaths.empty", put("linux.readonlyPaths", []))
case("linux.readonlyPaths.typical-dir", chain(RW, lambda c: c["linux"]["readonlyPaths"].extend(["/tmp", "/etc"])))
case("linux.readonlyPaths.boundary-missing", put("linux.readonlyPaths", ["/nosuch"]))
case("linux.mountLabel.typical-no-selinux", put("linux.mountLabel", "system_u:object_r:container_file_t:s0"))
case("linux.personality.typical-linux32", put("linux.personality", {"domain": "LINUX32"}))
case("linux.personality.typical-linux", put("linux.personality", {"domain": "LINUX", "flags": []}))
case("linux.personality.invalid-domain", put("linux.personality", {"domain": "SVR4"}))
case("linux.memoryPolicy.typical-bind", put("linux.memoryPolicy", {"mode": "MPOL_BIND", "nodes": "0",
                                                                  "flags": ["MPOL_F_STATIC_NODES"]}))
case("linux.memoryPolicy.invalid-mode", put("linux.memoryPolicy", {"mode": "MPOL_NOSUCH"}))
case("linux.netDevices.invalid-missing-host-device", put("linux.netDevices", {"vdiffnosuch0": {"name": "eth9"}}))

# run flags
case("flags.typical-no-pivot", flags=["--no-pivot"])
case("flags.typical-no-new-keyring", flags=["--no-new-keyring"])
case("flags.typical-no-pivot-readonly-proc-check", chain(RW), flags=["--no-pivot"])

# ---------------------------------------------------------------------------
FIELDS = """
ociVersion root.path root.readonly mounts[].destination mounts[].source mounts[].options mounts[].type
mounts[].uidMappings mounts[].gidMappings process.terminal process.consoleSize process.cwd process.env
process.args process.commandLine process.rlimits[].type process.rlimits[].soft process.rlimits[].hard
process.apparmorProfile process.capabilities.effective process.capabilities.bounding
process.capabilities.inheritable process.capabilities.permitted process.capabilities.ambient
process.noNewPrivileges process.oomScoreAdj process.scheduler.policy process.scheduler.nice
process.scheduler.priority process.scheduler.flags process.scheduler.runtime process.scheduler.deadline
process.scheduler.period process.ioPriority.class process.ioPriority.priority process.execCPUAffinity.initial
process.execCPUAffinity.final process.selinuxLabel process.user.uid process.user.gid process.user.umask
process.user.additionalGids process.user.username hostname domainname
hooks.prestart hooks.createRuntime hooks.createContainer hooks.startContainer hooks.poststart hooks.poststop
hooks.createRuntime[].env hooks.poststop[].timeout hooks.prestart[].path hooks.poststop[].args annotations
linux.namespaces[].type linux.namespaces[].path linux.uidMappings[].containerID linux.uidMappings[].hostID
linux.uidMappings[].size linux.gidMappings[].containerID linux.gidMappings[].hostID linux.gidMappings[].size
linux.timeOffsets.monotonic linux.timeOffsets.boottime linux.devices[].type linux.devices[].path
linux.devices[].major linux.devices[].minor linux.devices[].fileMode linux.devices[].uid linux.devices[].gid
linux.cgroupsPath linux.resources.devices[].allow linux.resources.devices[].type linux.resources.devices[].major
linux.resources.devices[].minor linux.resources.devices[].access linux.resources.memory.limit
linux.resources.memory.reservation linux.resources.memory.swap linux.resources.memory.kernel
linux.resources.memory.kernelTCP linux.resources.memory.swappiness linux.resources.memory.disableOOMKiller
linux.resources.memory.useHierarchy linux.resources.memory.checkBeforeUpdate linux.resources.cpu.shares
linux.resources.cpu.quota linux.resources.cpu.burst linux.resources.cpu.period linux.resources.cpu.realtimeRuntime
linux.resources.cpu.realtimePeriod linux.resources.cpu.cpus linux.resources.cpu.mems linux.resources.cpu.idle
linux.resources.blockIO.weight linux.resources.blockIO.leafWeight linux.resources.blockIO.weightDevice
linux.resources.blockIO.throttleReadBpsDevice linux.resources.blockIO.throttleWriteBpsDevice
linux.resources.blockIO.throttleReadIOPSDevice linux.resources.blockIO.throttleWriteIOPSDevice
linux.resources.hugepageLimits[].pageSize linux.resources.hugepageLimits[].limit linux.resources.network.classID
linux.resources.network.priorities linux.resources.pids.limit linux.resources.rdma linux.resources.unified
linux.intelRdt.closID linux.intelRdt.l3CacheSchema linux.intelRdt.memBwSchema linux.intelRdt.schemata
linux.intelRdt.enableMonitoring linux.sysctl linux.seccomp.defaultAction linux.seccomp.defaultErrnoRet
linux.seccomp.architectures linux.seccomp.flags linux.seccomp.listenerPath linux.seccomp.listenerMetadata
linux.seccomp.syscalls[].names linux.seccomp.syscalls[].action linux.seccomp.syscalls[].errnoRet
linux.seccomp.syscalls[].args[].index linux.seccomp.syscalls[].args[].value linux.seccomp.syscalls[].args[].valueTwo
linux.seccomp.syscalls[].args[].op linux.rootfsPropagation linux.maskedPaths linux.readonlyPaths linux.mountLabel
linux.personality.domain linux.personality.flags linux.memoryPolicy.mode linux.memoryPolicy.nodes
linux.memoryPolicy.flags linux.netDevices
""".split()
MAPS = {"annotations", "linux.sysctl", "linux.resources.unified", "linux.resources.rdma", "linux.netDevices"}


def leaf_paths(v, prefix=""):
    """dotted paths of every value in a JSON tree (array indices as [])"""
    if prefix in MAPS:
        return {prefix: json.dumps(v, sort_keys=True)}
    if isinstance(v, dict):
        out = {} if v else {prefix: "{}"}
        for k, x in v.items():
            out.update(leaf_paths(x, prefix + "." + k if prefix else k))
        return out
    if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
        out = {}
        for x in v:
            for p, val in leaf_paths(x, prefix + "[]").items():
                out[p] = out.get(p, "") + "|" + val
        return out
    return {prefix: json.dumps(v, sort_keys=True)}


def touched(before, after):
    a, b = leaf_paths(before), leaf_paths(after)
    return {p for p in a.keys() | b.keys() if a.get(p) != b.get(p)}


def prepare(base):
    """what the harness needs of every base: no terminal, the probe, rootfs"""
    cfg = copy.deepcopy(base)
    cfg.setdefault("process", {})["terminal"] = False
    cfg["process"]["args"] = ["/probe"]
    cfg.setdefault("root", {})["path"] = "rootfs"
    return cfg


def build(basedir):
    global BASEDIR
    BASEDIR = basedir
    bases = {}
    for b in ("veil", "runc", "docker"):
        with open(os.path.join(basedir, b + ".json")) as f:
            bases[b] = prepare(json.load(f))
    for name, base, edit, setup, flags in CASES:
        cfg = copy.deepcopy(bases[base])
        if edit:
            edit(cfg)
            if "linux" in cfg:
                with_hostname(cfg)
        yield name, bases[base], cfg, setup, flags


def coverage(basedir):
    hit = {f: 0 for f in FIELDS}
    for _, before, after, _, _ in build(basedir):
        for p in touched(before, after):
            for f in FIELDS:
                if p == f or p.startswith(f + ".") or p.startswith(f + "[]"):
                    hit[f] += 1
    missing = [f for f, n in hit.items() if n == 0]
    print("corpus: %d configs; %d of %d spec fields touched" % (len(CASES), len(FIELDS) - len(missing), len(FIELDS)))
    for f in missing:
        print("corpus: no config touches %s" % f)
    return 1 if missing else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--coverage":
        return coverage(argv[2])
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    basedir, outdir = argv[1], argv[2]
    os.makedirs(outdir, exist_ok=True)
    names = []
    for name, _, cfg, setup, flags in build(basedir):
        names.append(name)
        with open(os.path.join(outdir, name + ".json"), "w") as f:
            json.dump(cfg, f, indent=1)
        if setup:
            with open(os.path.join(outdir, name + ".setup"), "w") as f:
                f.write(setup + "\n")
        if flags:
            with open(os.path.join(outdir, name + ".flags"), "w") as f:
                f.write(" ".join(flags) + "\n")
    with open(os.path.join(outdir, "list"), "w") as f:
        f.write("\n".join(names) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

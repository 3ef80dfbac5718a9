/* libocispec: the OCI runtime-spec config.json model (config.md and
 * config-linux.md).  Included from oci.h; do not include directly.
 * JSON key names are given in the comments where the C name is not the
 * obvious snake_case of the key. */
#ifndef OCI_CONFIG_H
#define OCI_CONFIG_H

#ifndef OCI_H
#error "include oci.h instead of oci-config.h"
#endif

/* ---------------------------------------------------------------------- */
/* config.md */

typedef struct oci_root {
  char *path; /* REQUIRED */
  bool readonly;
} oci_root;

/* linux.uidMappings / gidMappings and mounts[].uidMappings / gidMappings */
typedef struct oci_id_mapping {
  uint32_t container_id; /* containerID, REQUIRED */
  uint32_t host_id;      /* hostID, REQUIRED */
  uint32_t size;         /* REQUIRED */
} oci_id_mapping;

typedef struct oci_mount {
  char *destination; /* REQUIRED */
  char *type;
  char *source;
  char **options;
  size_t options_len;
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
} oci_mount;

typedef struct oci_user {
  uint32_t uid; /* REQUIRED when "user" is present */
  uint32_t gid; /* REQUIRED when "user" is present */
  uint32_t umask;
  bool has_umask;
  uint32_t *additional_gids; /* additionalGids */
  size_t additional_gids_len;
  char *username; /* Windows only */
} oci_user;

typedef struct oci_capabilities {
  char **bounding;
  size_t bounding_len;
  char **effective;
  size_t effective_len;
  char **inheritable;
  size_t inheritable_len;
  char **permitted;
  size_t permitted_len;
  char **ambient;
  size_t ambient_len;
} oci_capabilities;

typedef struct oci_rlimit {
  char *type;    /* REQUIRED, e.g. "RLIMIT_NOFILE"; duplicates are rejected */
  uint64_t hard; /* REQUIRED */
  uint64_t soft; /* REQUIRED */
} oci_rlimit;

typedef struct oci_console_size {
  uint32_t height; /* REQUIRED */
  uint32_t width;  /* REQUIRED */
} oci_console_size;

/* process.scheduler (sched_setattr(2)) */
typedef struct oci_scheduler {
  char *policy; /* REQUIRED: SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH,
                   SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE (validated) */
  int32_t nice;
  bool has_nice;
  int32_t priority;
  bool has_priority;
  char **flags; /* SCHED_FLAG_* (not validated) */
  size_t flags_len;
  uint64_t runtime;
  bool has_runtime;
  uint64_t deadline;
  bool has_deadline;
  uint64_t period;
  bool has_period;
} oci_scheduler;

/* process.ioPriority */
typedef struct oci_io_priority {
  char *class; /* REQUIRED: IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE
                  (validated) */
  int32_t priority;
  bool has_priority;
} oci_io_priority;

/* process.execCPUAffinity */
typedef struct oci_exec_cpu_affinity {
  char *initial; /* cpu list, e.g. "0-3,7" */
  char *final;
} oci_exec_cpu_affinity;

typedef struct oci_process {
  bool terminal;
  oci_console_size *console_size; /* consoleSize */
  oci_user user;                  /* absent "user" means uid 0, gid 0; always generated */
  char **args;                    /* REQUIRED, at least one entry */
  size_t args_len;
  char *command_line; /* commandLine, Windows only */
  char **env;
  size_t env_len;
  bool env_present; /* "env" was present (possibly empty) */
  char *cwd;        /* REQUIRED */
  oci_capabilities *capabilities;
  oci_rlimit *rlimits;
  size_t rlimits_len;
  bool no_new_privileges; /* noNewPrivileges */
  char *apparmor_profile; /* apparmorProfile */
  int oom_score_adj;      /* oomScoreAdj */
  bool has_oom_score_adj;
  oci_scheduler *scheduler;
  char *selinux_label;                      /* selinuxLabel */
  oci_io_priority *io_priority;             /* ioPriority */
  oci_exec_cpu_affinity *exec_cpu_affinity; /* execCPUAffinity */
} oci_process;

typedef struct oci_hook {
  char *path; /* REQUIRED */
  char **args;
  size_t args_len;
  char **env;
  size_t env_len;
  int timeout; /* must be > 0 when set */
  bool has_timeout;
} oci_hook;

typedef struct oci_hooks {
  oci_hook *prestart; /* deprecated by the spec, still parsed */
  size_t prestart_len;
  oci_hook *create_runtime; /* createRuntime */
  size_t create_runtime_len;
  oci_hook *create_container; /* createContainer */
  size_t create_container_len;
  oci_hook *start_container; /* startContainer */
  size_t start_container_len;
  oci_hook *poststart;
  size_t poststart_len;
  oci_hook *poststop;
  size_t poststop_len;
} oci_hooks;

/* ---------------------------------------------------------------------- */
/* config-linux.md */

typedef struct oci_namespace {
  char *type; /* REQUIRED: pid network mount ipc uts user cgroup time;
                 validated, duplicates rejected */
  char *path;
} oci_namespace;

/* linux.timeOffsets is a JSON map clock -> {secs, nanosecs}; stored as an
 * array in document order with the key in `clock`. */
typedef struct oci_time_offset {
  char *clock; /* "monotonic" or "boottime" (validated) */
  int64_t secs;
  uint32_t nanosecs; /* < 1000000000 (validated) */
} oci_time_offset;

/* linux.devices[] */
typedef struct oci_device {
  char *type;         /* REQUIRED: c, b, u or p (validated) */
  char *path;         /* REQUIRED */
  int64_t major;      /* REQUIRED unless type is "p" */
  int64_t minor;      /* REQUIRED unless type is "p" */
  uint32_t file_mode; /* fileMode */
  bool has_file_mode;
  uint32_t uid;
  bool has_uid;
  uint32_t gid;
  bool has_gid;
} oci_device;

/* linux.resources.devices[] (device cgroup allow/deny list) */
typedef struct oci_device_cgroup {
  bool allow; /* REQUIRED */
  char *type; /* a, c or b; NULL means all */
  int64_t major;
  bool has_major;
  int64_t minor;
  bool has_minor;
  char *access; /* composition of r, w, m */
} oci_device_cgroup;

typedef struct oci_memory {
  int64_t limit; /* -1 = unlimited */
  bool has_limit;
  int64_t reservation;
  bool has_reservation;
  int64_t swap;
  bool has_swap;
  int64_t kernel;
  bool has_kernel;
  int64_t kernel_tcp; /* kernelTCP */
  bool has_kernel_tcp;
  uint64_t swappiness;
  bool has_swappiness;
  bool disable_oom_killer; /* disableOOMKiller */
  bool has_disable_oom_killer;
  bool use_hierarchy; /* useHierarchy */
  bool has_use_hierarchy;
  bool check_before_update; /* checkBeforeUpdate */
  bool has_check_before_update;
} oci_memory;

typedef struct oci_cpu {
  uint64_t shares;
  bool has_shares;
  int64_t quota;
  bool has_quota;
  uint64_t burst;
  bool has_burst;
  uint64_t period;
  bool has_period;
  int64_t realtime_runtime; /* realtimeRuntime */
  bool has_realtime_runtime;
  uint64_t realtime_period; /* realtimePeriod */
  bool has_realtime_period;
  char *cpus;
  char *mems;
  int64_t idle;
  bool has_idle;
} oci_cpu;

typedef struct oci_pids {
  int64_t limit; /* REQUIRED */
} oci_pids;

/* blockIO.weightDevice[] */
typedef struct oci_weight_device {
  int64_t major; /* REQUIRED */
  int64_t minor; /* REQUIRED */
  uint16_t weight;
  bool has_weight;
  uint16_t leaf_weight; /* leafWeight */
  bool has_leaf_weight;
} oci_weight_device;

/* blockIO.throttle*Device[] */
typedef struct oci_throttle_device {
  int64_t major; /* REQUIRED */
  int64_t minor; /* REQUIRED */
  uint64_t rate; /* REQUIRED */
} oci_throttle_device;

typedef struct oci_block_io {
  uint16_t weight;
  bool has_weight;
  uint16_t leaf_weight; /* leafWeight */
  bool has_leaf_weight;
  oci_weight_device *weight_device; /* weightDevice */
  size_t weight_device_len;
  oci_throttle_device *throttle_read_bps_device; /* throttleReadBpsDevice */
  size_t throttle_read_bps_device_len;
  oci_throttle_device *throttle_write_bps_device; /* throttleWriteBpsDevice */
  size_t throttle_write_bps_device_len;
  oci_throttle_device *throttle_read_iops_device; /* throttleReadIOPSDevice */
  size_t throttle_read_iops_device_len;
  oci_throttle_device *throttle_write_iops_device; /* throttleWriteIOPSDevice */
  size_t throttle_write_iops_device_len;
} oci_block_io;

typedef struct oci_hugepage_limit {
  char *page_size; /* pageSize, REQUIRED, e.g. "2MB" */
  uint64_t limit;  /* REQUIRED */
} oci_hugepage_limit;

typedef struct oci_interface_priority {
  char *name;        /* REQUIRED */
  uint32_t priority; /* REQUIRED */
} oci_interface_priority;

typedef struct oci_network {
  uint32_t class_id; /* classID */
  bool has_class_id;
  oci_interface_priority *priorities;
  size_t priorities_len;
} oci_network;

/* resources.rdma is a JSON map device -> limits; stored as an array in
 * document order with the key in `device`. */
typedef struct oci_rdma {
  char *device;
  uint32_t hca_handles; /* hcaHandles */
  bool has_hca_handles;
  uint32_t hca_objects; /* hcaObjects */
  bool has_hca_objects;
} oci_rdma;

typedef struct oci_resources {
  oci_device_cgroup *devices;
  size_t devices_len;
  oci_memory *memory;
  oci_cpu *cpu;
  oci_pids *pids;
  oci_block_io *block_io;              /* blockIO */
  oci_hugepage_limit *hugepage_limits; /* hugepageLimits */
  size_t hugepage_limits_len;
  oci_network *network;
  oci_rdma *rdma;
  size_t rdma_len;
  oci_map unified; /* cgroup v2 file -> value */
} oci_resources;

typedef struct oci_seccomp_arg {
  uint32_t index;     /* REQUIRED */
  uint64_t value;     /* REQUIRED */
  uint64_t value_two; /* valueTwo */
  bool has_value_two;
  char *op; /* REQUIRED: SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT, _MASKED_EQ */
} oci_seccomp_arg;

typedef struct oci_seccomp_syscall {
  char **names; /* REQUIRED, at least one entry */
  size_t names_len;
  char *action;       /* REQUIRED: SCMP_ACT_* (validated) */
  uint32_t errno_ret; /* errnoRet */
  bool has_errno_ret;
  oci_seccomp_arg *args;
  size_t args_len;
} oci_seccomp_syscall;

typedef struct oci_seccomp {
  char *default_action;       /* defaultAction, REQUIRED, SCMP_ACT_* (validated) */
  uint32_t default_errno_ret; /* defaultErrnoRet */
  bool has_default_errno_ret;
  char **architectures; /* SCMP_ARCH_* (not validated) */
  size_t architectures_len;
  char **flags; /* SECCOMP_FILTER_FLAG_* (not validated) */
  size_t flags_len;
  char *listener_path;     /* listenerPath */
  char *listener_metadata; /* listenerMetadata */
  oci_seccomp_syscall *syscalls;
  size_t syscalls_len;
} oci_seccomp;

typedef struct oci_personality {
  char *domain; /* REQUIRED: LINUX or LINUX32 (validated) */
  char **flags;
  size_t flags_len;
} oci_personality;

typedef struct oci_intel_rdt {
  char *clos_id;         /* closID */
  char *l3_cache_schema; /* l3CacheSchema */
  char *mem_bw_schema;   /* memBwSchema */
  char *schemata;
  bool enable_cmt; /* enableCMT */
  bool enable_mbm; /* enableMBM */
} oci_intel_rdt;

/* linux.netDevices is a JSON map host interface name -> {name}; stored as
 * an array in document order with the key in `host_name`. */
typedef struct oci_net_device {
  char *host_name;
  char *name; /* name inside the container; NULL = keep host name */
} oci_net_device;

typedef struct oci_memory_policy {
  char *mode;   /* REQUIRED, MPOL_* (not validated) */
  char *nodes;  /* e.g. "0-3,7" */
  char **flags; /* MPOL_F_* (not validated) */
  size_t flags_len;
} oci_memory_policy;

typedef struct oci_linux {
  oci_namespace *namespaces;
  size_t namespaces_len;
  oci_id_mapping *uid_mappings; /* uidMappings */
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings; /* gidMappings */
  size_t gid_mappings_len;
  oci_time_offset *time_offsets; /* timeOffsets */
  size_t time_offsets_len;
  oci_device *devices;
  size_t devices_len;
  char *cgroups_path; /* cgroupsPath */
  oci_resources *resources;
  char *rootfs_propagation; /* rootfsPropagation: private, rprivate, shared,
                               rshared, slave, rslave, unbindable,
                               runbindable (validated) */
  char **masked_paths;      /* maskedPaths */
  size_t masked_paths_len;
  char **readonly_paths; /* readonlyPaths */
  size_t readonly_paths_len;
  char *mount_label; /* mountLabel */
  oci_map sysctl;
  oci_seccomp *seccomp;
  oci_personality *personality;
  oci_intel_rdt *intel_rdt;    /* intelRdt */
  oci_net_device *net_devices; /* netDevices */
  size_t net_devices_len;
  oci_memory_policy *memory_policy; /* memoryPolicy */
} oci_linux;

typedef struct oci_config {
  char *oci_version; /* ociVersion, REQUIRED */
  oci_root *root;    /* REQUIRED on Linux (parse fails without it) */
  oci_mount *mounts;
  size_t mounts_len;
  oci_process *process;
  char *hostname;
  char *domainname;
  oci_hooks *hooks;
  oci_map annotations;
  oci_linux *linux;
} oci_config;

oci_config *oci_config_parse_file(const char *path, char **err);
oci_config *oci_config_parse_data(const char *json, size_t len, char **err);
char *oci_config_generate(const oci_config *cfg, size_t *len, char **err);
void oci_config_free(oci_config *cfg);

/* The process document for `exec --process FILE` (same JSON as
 * config.process; error paths are relative to it, e.g. "user.uid"). */
oci_process *oci_process_parse_file(const char *path, char **err);
oci_process *oci_process_parse_data(const char *json, size_t len, char **err);
char *oci_process_generate(const oci_process *p, size_t *len, char **err);
void oci_process_free(oci_process *p);

/* A linux.resources object on its own (e.g. `update --resources FILE`). */
oci_resources *oci_resources_parse_file(const char *path, char **err);
oci_resources *oci_resources_parse_data(const char *json, size_t len, char **err);
char *oci_resources_generate(const oci_resources *r, size_t *len, char **err);
void oci_resources_free(oci_resources *r);

/* Free a sub-object allocated by the caller or the parser (NULL no-op). */
void oci_root_free(oci_root *r);
void oci_hooks_free(oci_hooks *h);
void oci_linux_free(oci_linux *l);
void oci_seccomp_free(oci_seccomp *s);

#endif /* OCI_CONFIG_H */

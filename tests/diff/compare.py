#!/usr/bin/env python3
"""compare.py: compare what runc and veil showed for each config of tests/diff.

    compare.py WORK ALLOWED.tsv [--known FILE] [--emit FILE] [--partial]

WORK is tests/diff/run's work directory: WORK/ran (the configs, in order),
WORK/obs/CONFIG.{runc,veil} ("KEY<TAB>VALUE" lines from the probe and the
harness) and WORK/context.tsv (the host's namespaces, the caller's cgroups,
the paths of this run).  Both observations are first normalised (paths of
this run, the container id, the caller's cgroup, namespace inodes) so that
only what the runtimes did differs.

ALLOWED.tsv and the --known FILE hold lines "CONFIG<TAB>KEY<TAB>REASON", with
an optional fourth column VEIL-VALUE; CONFIG, KEY and VEIL-VALUE are shell
patterns (fnmatch), and a line with VEIL-VALUE matches only when what veil
showed for KEY matches it too; '#' starts a comment line.  A
difference listed in ALLOWED is accepted with its reason; one listed in the
known FILE is reported as known (not fixed yet) and does not fail the config.
"""
import fnmatch
import os
import re
import sys

NS_ORDER = ["user", "mnt", "pid", "pid_for_children", "net", "ipc", "uts", "cgroup", "time", "time_for_children"]
NS_TYPE = {"pid_for_children": "pid", "time_for_children": "time"}


def read_tsv(path):
    rows = []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                rows.append(line.split("\t"))
    return rows


def read_rules(path):
    rules = []
    for n, row in enumerate(read_tsv(path), 1):
        if len(row) < 3 or not row[2].strip():
            sys.exit("compare.py: %s: line %d needs CONFIG<TAB>KEY<TAB>REASON" % (path, n))
        rules.append([row[0], row[1], row[2], row[3] if len(row) > 3 else None, 0])
    return rules


def match(rules, config, key, veil_value):
    for r in rules:
        if (fnmatch.fnmatchcase(config, r[0]) and fnmatch.fnmatchcase(key, r[1])
                and (r[3] is None or fnmatch.fnmatchcase(veil_value or "<absent>", r[3]))):
            r[4] += 1
            return r
    return None


class Context:
    def __init__(self, work):
        self.work = work
        self.hostns, self.peerns, self.caller = {}, {}, set()
        for row in read_tsv(os.path.join(work, "context.tsv")):
            if row[0] == "cgparent":
                self.cgparent = row[1]
            elif row[0].startswith("hostns."):
                self.hostns[row[1]] = row[0][7:]
            elif row[0].startswith("peerns."):
                self.peerns[row[1]] = row[0][7:]
            elif row[0] == "caller" and len(row) > 2 and row[2] != "/":
                self.caller.add(row[2])

    def text(self, rt, value):
        """the paths and names of this run, made the same for both runtimes"""
        w = self.work
        for old, new in ((w + "/b/" + rt + "/rootfs", "<ROOTFS>"), (w + "/b/" + rt, "<BUNDLE>"),
                         (w + "/h/" + rt, "<HOST>"), (w + "/root-" + rt, "<ROOT>"), (w, "<WORK>")):
            value = value.replace(old, new)
        value = re.sub(r"vdiff-\d+-\d+", "<ID>", value)
        for c in sorted(self.caller, key=len, reverse=True):
            value = value.replace(c, "<CALLER>")
        return value.replace(self.cgparent, "<CGPARENT>")


def observe(ctx, rt, path):
    """KEY -> VALUE, normalised; repeated keys (mount) numbered"""
    obs, seen = {}, {}
    if not os.path.exists(path):
        return {"run.probe": "no observation"}
    for row in read_tsv(path):
        key, value = row[0], "\t".join(row[1:])
        if key in ("probe.start", "probe.end"):
            continue
        value = ctx.text(rt, value)
        if key == "host.cg.devices.list":
            # the kernel's order of the rules is not the order they were written in
            value = ";".join(sorted(value.split(";")))
        if key == "mount":
            point, _, rest = value.partition(" ")
            key, value = "mount " + point, rest
        if key.startswith("ns.") and value.isdigit():
            name = key[3:]
            if value in ctx.hostns:
                value = "host" if ctx.hostns[value] == NS_TYPE.get(name, name) else "host-" + ctx.hostns[value]
            elif value in ctx.peerns:
                value = "peer-" + ctx.peerns[value]
            else:
                value = "new:" + value
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = "%s #%d" % (key, seen[key])
        obs[key] = value
    return obs


def ns_labels(obs):
    """new namespaces named by the first namespace of the container that has
    the same inode ("new" alone says nothing of which ones are shared)"""
    first = {}
    for name in NS_ORDER:
        v = obs.get("ns." + name)
        if v and v.startswith("new:"):
            obs["ns." + name] = first.setdefault(v, "new(%s)" % name)
    return obs


def compare(a, b):
    """the keys whose values differ; a refusal is one difference"""
    # a probe that did not run to its end (refused, killed) is one difference
    if a.get("run.probe") != "ran" or b.get("run.probe") != "ran":
        keys = [k for k in ("run.probe", "run.status") if a.get(k) != b.get(k)]
        if a.get("run.probe") != b.get("run.probe"):
            keys = ["run.probe"]
        keys += [k for k in sorted(a.keys() | b.keys()) if k.startswith(("hook.", "leftover.", "setup."))
                 and a.get(k) != b.get(k)]
        return keys
    return [k for k in sorted(a.keys() | b.keys()) if not k.startswith("info.") and a.get(k) != b.get(k)]


def short(v, n=90):
    v = "<absent>" if v is None else v
    return v if len(v) <= n else v[:n - 3] + "..."


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    work, allowed_path = argv[1], argv[2]
    known_path = emit_path = None
    partial = False
    rest = argv[3:]
    while rest:
        if rest[0] == "--partial":  # a part of the corpus: unused allowed lines say nothing
            partial, rest = True, rest[1:]
            continue
        if rest[0] == "--known" and len(rest) > 1:
            known_path = rest[1]
        elif rest[0] == "--emit" and len(rest) > 1:
            emit_path = rest[1]
        else:
            print("compare.py: unknown argument %s" % rest[0], file=sys.stderr)
            return 2
        rest = rest[2:]
    allowed = read_rules(allowed_path)
    known = read_rules(known_path) if known_path else []
    ctx = Context(work)
    with open(os.path.join(work, "ran")) as f:
        configs = [line.strip() for line in f if line.strip()]

    counts = {"same": 0, "allowed": 0, "known": 0, "different": 0}
    passed = failed = 0
    n_allowed = n_known = 0
    emitted = []
    for config in configs:
        a = ns_labels(observe(ctx, "runc", os.path.join(work, "obs", config + ".runc")))
        b = ns_labels(observe(ctx, "veil", os.path.join(work, "obs", config + ".veil")))
        diffs = compare(a, b)
        bad, lines = 0, []
        for k in diffs:
            rule = match(allowed, config, k, b.get(k))
            tag = "allowed"
            if rule is None:
                rule = match(known, config, k, b.get(k))
                tag = "known"
            if rule is None:
                tag = "DIFF"
                bad += 1
                emitted.append("%s\t%s\trunc: %s; veil: %s" % (config, k, short(a.get(k), 60), short(b.get(k), 60)))
            elif tag == "allowed":
                n_allowed += 1
            else:
                n_known += 1
            lines.append("    %-7s %s\n            runc: %s\n            veil: %s%s" % (
                tag, k, short(a.get(k)), short(b.get(k)), "\n            (%s)" % rule[2] if rule else ""))
        if not diffs:
            counts["same"] += 1
            verdict = "same"
        elif bad:
            counts["different"] += 1
            verdict = "DIFFERENT"
        elif any(l.lstrip().startswith("known") for l in lines):
            counts["known"] += 1
            verdict = "known"
        else:
            counts["allowed"] += 1
            verdict = "allowed"
        if bad:
            failed += 1
        else:
            passed += 1
        print("%-9s %s" % (verdict, config))
        if bad or os.environ.get("VDIFF_VERBOSE"):
            for k in ("info.stderr",):
                for side, o in (("runc", a), ("veil", b)):
                    if o.get(k):
                        print("    %s stderr: %s" % (side, short(o[k], 160)))
        if diffs and (bad or os.environ.get("VDIFF_VERBOSE")):
            print("\n".join(lines))

    print()
    print("diff: %d configs run: %d same, %d different, %d with only allowed differences (%d differences), "
          "%d with only known ones (%d differences)" % (len(configs), counts["same"], counts["different"],
                                                        counts["allowed"], n_allowed, counts["known"], n_known))
    used = [r for r in allowed if r[4]]
    if used:
        print("allowed differences and their reasons (tests/diff/allowed.tsv):")
        for r in used:
            print("  %3d x %s / %s: %s" % (r[4], r[0], r[1], r[2]))
    for r in [] if partial else allowed:
        if not r[4]:
            print("note: allowed.tsv line matched nothing this run: %s / %s" % (r[0], r[1]))
    if emit_path:
        with open(emit_path, "w") as f:
            f.write("".join(line + "\n" for line in emitted))
    print("diff: %d passed, %d failed, 0 skipped" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env bats
# Mounts: every option of config.md's table, bind/rbind, propagation, the
# recursive (mount_setattr) forms, idmapped mounts, tmpcopyup, relative
# destinations, fs data; linux.rootfsPropagation, maskedPaths,
# readonlyPaths, root.readonly, mountLabel.

load helpers

setup() {
	common_setup
	HOSTMNTS="$BATS_TEST_TMPDIR/hostmnts"
	: >"$HOSTMNTS"
}

teardown() {
	local m
	# host mounts a test made for its sources, innermost first
	[ ! -s "$HOSTMNTS" ] || tac "$HOSTMNTS" | while read -r m; do umount -l "$m" 2>/dev/null || true; done
	common_teardown
}

# host_tmpfs DIR: a tmpfs on DIR on the host (undone in teardown).
host_tmpfs() {
	mkdir -p "$1"
	mount -t tmpfs tmpfs "$1"
	echo "$1" >>"$HOSTMNTS"
}

# add_mount JSON: append one entry to .mounts.
add_mount() {
	cfg '.mounts += [$m]' --argjson m "$1"
}

# mi_line DEST: the line of $stdout (a mountinfo dump) whose mount point is
# DEST (the last one: the top mount).
mi_line() {
	awk -v d="$1" '$5 == d { l = $0 } END { print l }' <<<"$stdout"
}

# mnt_opts DEST / super_opts DEST / optional_fields DEST
mnt_opts() { mi_line "$1" | awk '{ print $6 }'; }
super_opts() { mi_line "$1" | awk '{ print $NF }'; }
optional_fields() { mi_line "$1" | sed 's/ - .*//' | cut -d' ' -f7-; }

# has_opt LIST WORD: WORD is one of the comma-separated LIST.
has_opt() {
	case ",$1," in *",$2,"*) return 0 ;; esac
	echo "option $2 not in: $1" >&2
	return 1
}
lacks_opt() {
	case ",$1," in *",$2,"*)
		echo "option $2 unexpectedly in: $1" >&2
		return 1
		;;
	esac
}

@test "mounts: ro, nosuid, nodev, noexec on a tmpfs show in mountinfo" {
	add_mount '{"destination":"/mnt/x","type":"tmpfs","source":"tmpfs","options":["noexec","nosuid","nodev","ro"]}'
	run_sh 'cat /proc/self/mountinfo; touch /mnt/x/f 2>/dev/null && echo WROTE; true'
	o=$(mnt_opts /mnt/x)
	for w in ro nosuid nodev noexec; do has_opt "$o" "$w"; done
	[[ $stdout != *WROTE* ]]
}

@test "mounts: rw, suid, dev, exec undo their opposites (last one wins)" {
	add_mount '{"destination":"/mnt/x","type":"tmpfs","options":["ro","nosuid","nodev","noexec","rw","suid","dev","exec"]}'
	run_sh 'cat /proc/self/mountinfo'
	o=$(mnt_opts /mnt/x)
	has_opt "$o" rw
	for w in ro nosuid nodev noexec; do lacks_opt "$o" "$w"; done
}

@test "mounts: sync, dirsync and async; mand and nomand are accepted" {
	add_mount '{"destination":"/mnt/s","type":"tmpfs","options":["sync","dirsync","mand"]}'
	add_mount '{"destination":"/mnt/a","type":"tmpfs","options":["sync","async","mand","nomand"]}'
	run_sh 'cat /proc/self/mountinfo'
	s=$(super_opts /mnt/s)
	has_opt "$s" sync
	has_opt "$s" dirsync
	lacks_opt "$(super_opts /mnt/a)" sync
}

@test "mounts: the atime family (noatime, relatime, strictatime, nodiratime and the clearing forms)" {
	add_mount '{"destination":"/mnt/noatime","type":"tmpfs","options":["noatime"]}'
	add_mount '{"destination":"/mnt/relatime","type":"tmpfs","options":["relatime"]}'
	add_mount '{"destination":"/mnt/strict","type":"tmpfs","options":["strictatime"]}'
	add_mount '{"destination":"/mnt/nodir","type":"tmpfs","options":["nodiratime"]}'
	add_mount '{"destination":"/mnt/atime","type":"tmpfs","options":["noatime","atime"]}'
	add_mount '{"destination":"/mnt/dir","type":"tmpfs","options":["nodiratime","diratime"]}'
	add_mount '{"destination":"/mnt/nostrict","type":"tmpfs","options":["strictatime","nostrictatime"]}'
	add_mount '{"destination":"/mnt/norel","type":"tmpfs","options":["relatime","norelatime"]}'
	run_sh 'cat /proc/self/mountinfo'
	has_opt "$(mnt_opts /mnt/noatime)" noatime
	has_opt "$(mnt_opts /mnt/relatime)" relatime
	o=$(mnt_opts /mnt/strict)
	lacks_opt "$o" relatime
	lacks_opt "$o" noatime
	has_opt "$(mnt_opts /mnt/nodir)" nodiratime
	lacks_opt "$(mnt_opts /mnt/atime)" noatime
	lacks_opt "$(mnt_opts /mnt/dir)" nodiratime
	# without strictatime the kernel default, relatime, applies
	has_opt "$(mnt_opts /mnt/nostrict)" relatime
	[ -n "$(mi_line /mnt/norel)" ]
}

@test "mounts: nosymfollow stops symlinks, symfollow undoes it" {
	add_mount '{"destination":"/mnt/ns","type":"tmpfs","options":["nosymfollow"]}'
	add_mount '{"destination":"/mnt/sf","type":"tmpfs","options":["nosymfollow","symfollow"]}'
	run_sh 'cat /proc/self/mountinfo
		for d in ns sf; do echo hi >/mnt/$d/t; ln -s t /mnt/$d/l; cat /mnt/$d/l >/dev/null 2>&1 && echo "$d:FOLLOWED"; done; true'
	has_opt "$(mnt_opts /mnt/ns)" nosymfollow
	lacks_opt "$(mnt_opts /mnt/sf)" nosymfollow
	[[ $stdout != *ns:FOLLOWED* ]]
	[[ $stdout == *sf:FOLLOWED* ]]
}

@test "mounts: remount changes the mount already at the destination" {
	add_mount '{"destination":"/mnt/r","type":"tmpfs","options":["size=1m"]}'
	add_mount '{"destination":"/mnt/r","type":"tmpfs","options":["remount","ro","nosuid"]}'
	run_sh 'cat /proc/self/mountinfo'
	[ "$(grep -c ' /mnt/r ' <<<"$stdout")" -eq 1 ]
	has_opt "$(mnt_opts /mnt/r)" ro
	has_opt "$(mnt_opts /mnt/r)" nosuid
}

@test "mounts: unknown options are fs data (tmpfs size=1m)" {
	add_mount '{"destination":"/mnt/x","type":"tmpfs","options":["size=1m","mode=700"]}'
	run_sh 'cat /proc/self/mountinfo; df -k /mnt/x | tail -1; stat -c "mode=%a" /mnt/x'
	has_opt "$(super_opts /mnt/x)" size=1024k
	has_opt "$(super_opts /mnt/x)" mode=700
	[[ $stdout == *mode=700* ]]
}

# runc's rule, which Docker users meet with "--tmpfs /run": the image's 0755 /run must not
# become a world-writable tmpfs.
@test "mounts: a tmpfs on a directory the rootfs has keeps that directory's mode" {
	mkdir -p "$BUNDLE/rootfs/mnt/keep" "$BUNDLE/rootfs/mnt/keepro"
	chmod 0750 "$BUNDLE/rootfs/mnt/keep"
	chmod 1710 "$BUNDLE/rootfs/mnt/keepro"
	add_mount '{"destination":"/mnt/keep","type":"tmpfs","options":["mode=777"]}'
	add_mount '{"destination":"/mnt/keepro","type":"tmpfs","options":["ro"]}'
	add_mount '{"destination":"/mnt/made","type":"tmpfs","options":["mode=701"]}'
	run_sh 'stat -c "%a %n" /mnt/keep /mnt/keepro /mnt/made; cat /proc/self/mountinfo'
	[ "${lines[0]}" = "750 /mnt/keep" ]
	[ "${lines[1]}" = "1710 /mnt/keepro" ]
	# a directory veil had to create has nothing to keep: the tmpfs's own mode
	[ "${lines[2]}" = "701 /mnt/made" ]
	has_opt "$(mnt_opts /mnt/keepro)" ro
	has_opt "$(super_opts /mnt/keep)" mode=777
}

# runc's order, which Docker relies on with --tmpfs /etc:ro (it binds /etc/resolv.conf and
# /etc/hosts into it): a read-only tmpfs turns read-only after the other mounts.
@test "mounts: mounts inside a read-only tmpfs are made before it turns read-only" {
	echo hostfile >"$BATS_TEST_TMPDIR/f"
	add_mount '{"destination":"/mnt/ro","type":"tmpfs","options":["ro","nosuid"]}'
	add_mount "$(jq -nc --arg s "$BATS_TEST_TMPDIR/f" '{destination:"/mnt/ro/sub/f",type:"bind",source:$s,options:["bind"]}')"
	run_sh 'cat /mnt/ro/sub/f; cat /proc/self/mountinfo; touch /mnt/ro/x 2>/dev/null && echo WROTE; true'
	[ "${lines[0]}" = hostfile ]
	has_opt "$(mnt_opts /mnt/ro)" ro
	has_opt "$(mnt_opts /mnt/ro)" nosuid
	has_opt "$(super_opts /mnt/ro)" ro
	[[ $stdout != *WROTE* ]]
}

@test "mounts: bind of a host directory, read-only" {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	echo hostdata >"$BATS_TEST_TMPDIR/src/f"
	add_mount "$(jq -nc --arg s "$BATS_TEST_TMPDIR/src" '{destination:"/mnt/d",type:"bind",source:$s,options:["bind","ro"]}')"
	run_sh 'cat /mnt/d/f; cat /proc/self/mountinfo; echo x >/mnt/d/g && echo WROTE; true'
	[[ $stdout == *hostdata* ]]
	has_opt "$(mnt_opts /mnt/d)" ro
	[[ $stdout != *WROTE* ]]
	[ ! -e "$BATS_TEST_TMPDIR/src/g" ]
}

@test "mounts: bind of a host file creates the target as a file" {
	echo filedata >"$BATS_TEST_TMPDIR/hostfile"
	add_mount "$(jq -nc --arg s "$BATS_TEST_TMPDIR/hostfile" '{destination:"/etc/sub/bound",type:"bind",source:$s,options:["bind"]}')"
	run_sh 'cat /etc/sub/bound; [ -f /etc/sub/bound ] && echo ISFILE; [ -d /etc/sub ] && echo PARENTDIR'
	[[ $stdout == *filedata* ]]
	[[ $stdout == *ISFILE* ]]
	[[ $stdout == *PARENTDIR* ]]
	# the mount point left in the rootfs is an (empty) regular file
	[ -f "$BUNDLE/rootfs/etc/sub/bound" ]
	[ ! -s "$BUNDLE/rootfs/etc/sub/bound" ]
}

@test "mounts: rbind shows a submount, bind does not" {
	require_real_root "a non-recursive bind of a directory with a submount is refused (EINVAL) when the submount is locked in a user namespace"
	local src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src"
	host_tmpfs "$src/sub"
	echo insub >"$src/sub/f"
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/r",type:"bind",source:$s,options:["rbind"]}')"
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/b",type:"bind",source:$s,options:["bind"]}')"
	run_sh 'cat /mnt/r/sub/f; ls /mnt/b/sub | wc -l'
	[ "${lines[0]}" = insub ]
	[ "${lines[1]}" -eq 0 ]
}

@test "mounts: propagation options (shared, slave, private, unbindable) show in mountinfo" {
	require_real_root "makes its source shared on the host, and a non-recursive bind of it (with a locked submount) is refused in a user namespace"
	local src=$BATS_TEST_TMPDIR/src
	# a shared source: "slave" makes the bind a slave of its peer group
	host_tmpfs "$src"
	mount --make-shared "$src"
	for p in shared slave private unbindable; do
		add_mount "$(jq -nc --arg s "$src" --arg p "$p" '{destination:("/mnt/"+$p),type:"bind",source:$s,options:["bind",$p]}')"
	done
	# rshared on an rbind reaches the submount too
	host_tmpfs "$src/sub"
	mount --make-private "$src/sub"
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/rs",type:"bind",source:$s,options:["rbind","rshared"]}')"
	run_sh 'cat /proc/self/mountinfo'
	[[ $(optional_fields /mnt/shared) == *shared:* ]]
	[[ $(optional_fields /mnt/slave) == *master:* ]]
	[[ $(optional_fields /mnt/slave) != *shared:* ]]
	[[ $(optional_fields /mnt/private) != *shared:* ]]
	[[ $(optional_fields /mnt/private) != *master:* ]]
	[[ $(optional_fields /mnt/unbindable) == *unbindable* ]]
	[[ $(optional_fields /mnt/rs/sub) == *shared:* ]]
}

@test "mounts: rro on an rbind makes the submount read-only too (ro does not)" {
	local src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src"
	host_tmpfs "$src/sub"
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/rro",type:"bind",source:$s,options:["rbind","rro"]}')"
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/ro",type:"bind",source:$s,options:["rbind","ro"]}')"
	run_sh 'cat /proc/self/mountinfo; touch /mnt/rro/sub/f 2>/dev/null && echo WROTE-RRO; touch /mnt/ro/sub/g && echo WROTE-RO'
	has_opt "$(mnt_opts /mnt/rro)" ro
	has_opt "$(mnt_opts /mnt/rro/sub)" ro
	has_opt "$(mnt_opts /mnt/ro)" ro
	has_opt "$(mnt_opts /mnt/ro/sub)" rw
	[[ $stdout != *WROTE-RRO* ]]
	[[ $stdout == *WROTE-RO* ]]
	# the host's submount stays writable
	touch "$src/sub/host"
}

@test "mounts: recursive attribute forms reach every submount (rnosuid rnodev rnoexec rnoatime rnodiratime rnosymfollow)" {
	require_real_root "clears atime and other flags that are locked on mounts a user namespace inherited (EPERM)"
	local src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src"
	host_tmpfs "$src/sub"
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/r",type:"bind",source:$s,options:["rbind","rnosuid","rnodev","rnoexec","rnoatime","rnodiratime","rnosymfollow"]}')"
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/u",type:"bind",source:$s,options:["rbind","rnosuid","rsuid","rnodev","rdev","rnoexec","rexec","rnodiratime","rdiratime","rnosymfollow","rsymfollow","rro","rrw","rstrictatime"]}')"
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/rel",type:"bind",source:$s,options:["rbind","rnoatime","rrelatime"]}')"
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/at",type:"bind",source:$s,options:["rbind","rnoatime","ratime"]}')"
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/ns",type:"bind",source:$s,options:["rbind","rstrictatime","rnostrictatime","rnorelatime"]}')"
	run_sh 'cat /proc/self/mountinfo'
	for m in /mnt/r /mnt/r/sub; do
		o=$(mnt_opts $m)
		for w in nosuid nodev noexec noatime nodiratime nosymfollow; do has_opt "$o" "$w"; done
	done
	o=$(mnt_opts /mnt/u/sub)
	for w in nosuid nodev noexec nodiratime nosymfollow ro relatime noatime; do lacks_opt "$o" "$w"; done
	has_opt "$(mnt_opts /mnt/rel/sub)" relatime
	lacks_opt "$(mnt_opts /mnt/at/sub)" noatime
	has_opt "$(mnt_opts /mnt/ns/sub)" relatime
}

# An idmapped mount shows an on-disk id N as the host id that the mapping
# gives to "container" id N (the kernel's and runc's reading of the maps).
@test "mounts: idmapped bind mount (uidMappings/gidMappings) shows mapped owners" {
	require_real_root "idmapping a mount of the host's filesystem needs CAP_SYS_ADMIN in the initial user namespace"
	local src=$BATS_TEST_TMPDIR/idsrc
	mkdir -p "$src"
	chmod a+x "$BATS_TEST_TMPDIR"
	touch "$src/owned1000" "$src/owned0"
	chown 1000:1001 "$src/owned1000"
	chown 0:0 "$src/owned0"
	# on-disk 1000 -> 0
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/id",type:"bind",source:$s,options:["bind","idmap"],
		uidMappings:[{containerID:1000,hostID:0,size:1}],gidMappings:[{containerID:1001,hostID:0,size:1}]}')"
	# on-disk 0 -> 1000 (mappings alone, without "idmap", also make an idmapped mount)
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/id2",type:"bind",source:$s,options:["bind"],
		uidMappings:[{containerID:0,hostID:1000,size:1}],gidMappings:[{containerID:0,hostID:1001,size:1}]}')"
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/plain",type:"bind",source:$s,options:["bind"]}')"
	run_sh 'stat -c "id=%u:%g" /mnt/id/owned1000; stat -c "id2=%u:%g" /mnt/id2/owned0
		stat -c "plain=%u:%g" /mnt/plain/owned1000; grep " /mnt/id " /proc/self/mountinfo'
	[[ $stdout == *id=0:0* ]]
	[[ $stdout == *id2=1000:1001* ]]
	[[ $stdout == *plain=1000:1001* ]]
	[[ $stdout == *idmapped* ]]
	# the host's view is unchanged
	[ "$(stat -c %u:%g "$src/owned1000")" = 1000:1001 ]
	[ "$(stat -c %u:%g "$src/owned0")" = 0:0 ]
}

@test "mounts: ridmap idmaps the submounts of an rbind, idmap only the top" {
	require_real_root "idmapping a mount of the host's filesystem needs CAP_SYS_ADMIN in the initial user namespace"
	local src=$BATS_TEST_TMPDIR/idsrc
	mkdir -p "$src"
	host_tmpfs "$src/sub"
	touch "$src/sub/owned"
	chown 1000:1000 "$src/sub/owned"
	local maps='uidMappings:[{containerID:1000,hostID:0,size:1}],gidMappings:[{containerID:1000,hostID:0,size:1}]'
	add_mount "$(jq -nc --arg s "$src" "{destination:\"/mnt/r\",type:\"bind\",source:\$s,options:[\"rbind\",\"ridmap\"],$maps}")"
	add_mount "$(jq -nc --arg s "$src" "{destination:\"/mnt/t\",type:\"bind\",source:\$s,options:[\"rbind\",\"idmap\"],$maps}")"
	run_sh 'stat -c "r=%u" /mnt/r/sub/owned; stat -c "t=%u" /mnt/t/sub/owned'
	[[ $stdout == *r=0* ]]
	[[ $stdout == *t=1000* ]]
}

@test "mounts: idmap without mappings and without a user namespace is an error naming the mount" {
	add_mount "$(jq -nc --arg s "$BATS_TEST_TMPDIR" '{destination:"/mnt/id",type:"bind",source:$s,options:["bind","idmap"]}')"
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "mounts[7]"
	assert_contains "$stderr" "uidMappings"
	assert_no_leftovers
}

@test "mounts: tmpcopyup copies the rootfs directory into the new tmpfs" {
	mkdir -p "$BUNDLE/rootfs/opt/data/deep"
	echo one >"$BUNDLE/rootfs/opt/data/a"
	echo two >"$BUNDLE/rootfs/opt/data/deep/b"
	ln -s a "$BUNDLE/rootfs/opt/data/link"
	chmod 0751 "$BUNDLE/rootfs/opt/data"
	# unshare -r maps only 0: there the copy can keep only an owner it maps
	local own=7:8
	! in_unshare_mode || own=0:0
	chown "$own" "$BUNDLE/rootfs/opt/data/a"
	add_mount '{"destination":"/opt/data","type":"tmpfs","options":["tmpcopyup","nosuid"]}'
	run_sh 'grep " /opt/data " /proc/self/mountinfo; cat /opt/data/a /opt/data/deep/b; readlink /opt/data/link
		stat -c "a=%u:%g" /opt/data/a; stat -c "dir=%a" /opt/data; echo new >/opt/data/new'
	[[ $stdout == *" - tmpfs "* ]]
	[[ $stdout == *one*two* ]]
	[[ $stdout == *$'\n'a$'\n'* ]]
	[[ $stdout == *a=$own* ]]
	[[ $stdout == *dir=751* ]]
	# the write went to the tmpfs, not to the rootfs
	[ ! -e "$BUNDLE/rootfs/opt/data/new" ]
}

@test "mounts: a relative destination is relative to the container's /" {
	add_mount '{"destination":"mnt/rel","type":"tmpfs","options":["size=2m"]}'
	run_sh 'cat /proc/self/mountinfo'
	has_opt "$(super_opts /mnt/rel)" size=2048k
}

@test "mounts: linux.rootfsPropagation shared and private on /" {
	cfg '.linux.rootfsPropagation = "shared"'
	run_sh 'cat /proc/self/mountinfo'
	[[ $(optional_fields /) == *shared:* ]]
	cfg '.linux.rootfsPropagation = "private"'
	ID=${ID}b
	run_sh 'cat /proc/self/mountinfo'
	[[ $(optional_fields /) != *shared:* ]]
	[[ $(optional_fields /) != *master:* ]]
}

@test "mounts: linux.maskedPaths: a file reads empty, a directory is empty and read-only" {
	echo secret >"$BUNDLE/rootfs/etc/secret"
	mkdir -p "$BUNDLE/rootfs/etc/secretdir"
	echo secret >"$BUNDLE/rootfs/etc/secretdir/f"
	cfg '.linux.maskedPaths += ["/etc/secret", "/etc/secretdir", "/does/not/exist"]'
	run_sh 'echo "file=[$(cat /etc/secret)]"; echo "dir=[$(ls -A /etc/secretdir)]"; touch /etc/secretdir/x 2>/dev/null && echo WROTE; stat -c "%t:%T" /etc/secret'
	[[ $stdout == *"file=[]"* ]]
	[[ $stdout == *"dir=[]"* ]]
	[[ $stdout != *WROTE* ]]
	[[ $stdout == *1:3* ]]
	[ "$(cat "$BUNDLE/rootfs/etc/secret")" = secret ]
}

@test "mounts: linux.readonlyPaths: writes fail there" {
	mkdir -p "$BUNDLE/rootfs/etc/rodir"
	cfg '.linux.readonlyPaths += ["/etc/rodir"]'
	run_sh 'touch /etc/rodir/x 2>/dev/null && echo WROTE; touch /etc/rwok && echo RW-OK; cat /proc/self/mountinfo'
	[[ $stdout != *WROTE* ]]
	[[ $stdout == *RW-OK* ]]
	has_opt "$(mnt_opts /etc/rodir)" ro
}

@test "mounts: root.readonly makes / read-only" {
	cfg '.root.readonly = true'
	run_sh 'touch /x 2>/dev/null && echo WROTE; cat /proc/self/mountinfo; touch /tmp/y 2>/dev/null && echo TMPWROTE; true'
	[[ $stdout != *WROTE* ]]
	has_opt "$(mnt_opts /)" ro
	[ ! -e "$BUNDLE/rootfs/x" ]
}

@test "mounts: linux.mountLabel is refused without SELinux, with one clear line" {
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled on this host"
	cfg '.linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_one_error_line
	assert_contains "$stderr" "linux.mountLabel: SELinux is not enabled on this host"
	assert_no_leftovers
}

# The parent makes these (the init, in the container's user namespace, cannot
# idmap a host mount): "idmap" alone uses the container's mappings, so the
# container sees the on-disk ids; own mappings translate on-disk ids first.
@test "mounts: an idmapped mount in a container with a user namespace maps owners" {
	userns_config 100000 65536
	local src=$BATS_TEST_TMPDIR/idsrc
	mkdir -p "$src"
	chmod a+x "$BATS_TEST_TMPDIR"
	touch "$src/owned5"
	chown 5:6 "$src/owned5"
	# the container's root may not create them in the host-owned rootfs
	mkdir -p "$BUNDLE/rootfs/mnt/id" "$BUNDLE/rootfs/mnt/own" "$BUNDLE/rootfs/mnt/plain"
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/id",type:"bind",source:$s,options:["bind","idmap"]}')"
	# on-disk 5 -> host 100015 -> 15 in the container
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/own",type:"bind",source:$s,options:["bind","idmap"],
		uidMappings:[{containerID:0,hostID:100010,size:100}],gidMappings:[{containerID:0,hostID:100020,size:100}]}')"
	add_mount "$(jq -nc --arg s "$src" '{destination:"/mnt/plain",type:"bind",source:$s,options:["bind"]}')"
	run_sh 'stat -c "id=%u:%g" /mnt/id/owned5; stat -c "own=%u:%g" /mnt/own/owned5
		stat -c "plain=%u:%g" /mnt/plain/owned5; grep " /mnt/id " /proc/self/mountinfo'
	[[ $stdout == *id=5:6* ]]
	[[ $stdout == *own=15:26* ]]
	[[ $stdout == *plain=65534:65534* ]]
	[[ $stdout == *idmapped* ]]
	[ "$(stat -c %u:%g "$src/owned5")" = 5:6 ]
	assert_no_leftovers
}

# ---------------------------------------------------------------------------
# proc and sysfs go on an ordinary directory of the rootfs, never through a
# symlink (CVE-2019-16884 kin): what the image has there is refused, as runc
# refuses it ("must be mounted on ordinary directory").

# runc_refuses_too: runc 1.1.5 refuses the same bundle.
runc_refuses_too() {
	command -v runc >/dev/null || {
		echo "# runc is not installed: no comparison" >&3
		return 0
	}
	run --separate-stderr timeout -k 5 30 runc --root "$BATS_TEST_TMPDIR/runc" run \
		--bundle "$BUNDLE" "$ID-runc" </dev/null 3>&-
	echo "# runc -> $status: $stderr" >&2
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "must be mounted on ordinary directory"
}

# refused_on DEST INDEX: veil refuses the mount, nothing is left, runc agrees.
refused_on() {
	set_args true
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_one_error_line
	local fs=proc
	[ "$1" != /sys ] || fs=sysfs
	assert_contains "$stderr" "mounts[$2].destination: error mounting \"$fs\" to rootfs at \"$1\": filesystem \"$fs\" must be mounted on ordinary directory"
	assert_no_leftovers
	runc_refuses_too
}

@test "mounts: /proc a symlink to a directory inside the rootfs is refused" {
	rm -rf "$BUNDLE/rootfs/proc"
	mkdir "$BUNDLE/rootfs/bad-proc"
	ln -s /bad-proc "$BUNDLE/rootfs/proc"
	refused_on /proc 0
	[ -z "$(ls -A "$BUNDLE/rootfs/bad-proc")" ]
	[ -L "$BUNDLE/rootfs/proc" ]
}

@test "mounts: /proc a symlink to an absolute host path is refused, the host path untouched" {
	local xyz=$BATS_TEST_TMPDIR/xyz
	mkdir "$xyz"
	rm -rf "$BUNDLE/rootfs/proc"
	ln -s "$xyz" "$BUNDLE/rootfs/proc"
	refused_on /proc 0
	[ -z "$(ls -A "$xyz")" ]
	! grep -qF " $xyz " /proc/self/mountinfo
	# inside the rootfs the link resolves to a path there: nothing made it
	[ ! -e "$BUNDLE/rootfs$xyz" ]
}

@test "mounts: /proc a symlink is refused also when the destination ends in a slash" {
	rm -rf "$BUNDLE/rootfs/proc"
	mkdir "$BUNDLE/rootfs/bad-proc"
	ln -s /bad-proc "$BUNDLE/rootfs/proc"
	cfg '.mounts[0].destination = "/proc/"'
	set_args true
	vrun run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	assert_contains "$stderr" 'mounts[0].destination: error mounting "proc" to rootfs at "/proc/": filesystem "proc" must be mounted on ordinary directory'
	assert_no_leftovers
	[ -z "$(ls -A "$BUNDLE/rootfs/bad-proc")" ]
}

@test "mounts: /proc a regular file is refused" {
	rm -rf "$BUNDLE/rootfs/proc"
	echo image >"$BUNDLE/rootfs/proc"
	refused_on /proc 0
	[ "$(cat "$BUNDLE/rootfs/proc")" = image ]
}

@test "mounts: /sys a symlink is refused too" {
	rm -rf "$BUNDLE/rootfs/sys"
	mkdir "$BUNDLE/rootfs/bad-sys"
	ln -s bad-sys "$BUNDLE/rootfs/sys"
	refused_on /sys 5
}

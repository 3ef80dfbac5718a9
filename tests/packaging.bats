#!/usr/bin/env bats
# Packaging: the man pages (docs/man/*.md made into roff by go-md2man) render without warnings
# and cover every command and option that veil's --help shows; the bash completion offers them;
# "make install DESTDIR=..." installs a veil that runs, its man pages and the completion.
#
# The built pages, the Makefile and the completion are found from $VEIL: the build directory is
# the directory of the veil under test (as make check runs it, in-tree or VPATH).  A veil outside
# a build tree (VEIL=/usr/local/bin/veil) has none of them: those tests skip and say so.

load helpers

BUILDDIR=$(dirname -- "$VEIL")
COMPLETION=$TOP_SRCDIR/contrib/completions/bash/veil

# need_build_tree: skip, saying why, when $VEIL was not built in a tree configured here.
need_build_tree() {
	[ -f "$BUILDDIR/Makefile" ] || skip "VEIL=$VEIL is not in a build tree (no $BUILDDIR/Makefile)"
}

# need_man_pages: the pages must have been built (configure found go-md2man): a failure, not a
# skip, because CI installs go-md2man and a tree without pages ships none.
need_man_pages() {
	need_build_tree
	if ! grep -q '^GO_MD2MAN = /' "$BUILDDIR/Makefile" || [ ! -f "$BUILDDIR/docs/man/veil.8" ]; then
		echo "no man pages in $BUILDDIR/docs/man: configure did not find go-md2man" \
			"(apt-get install go-md2man, then ./configure && make)" >&2
		return 1
	fi
}

# the commands that "veil --help" lists
help_commands() {
	"$VEIL" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && $1 != "Commands:" { print $1 }'
}

# the options (-x and --xx) that "veil [COMMAND] --help" shows, one per line
help_options() {
	"$VEIL" "$@" --help | grep -oE '(^|[][ |,(])--?[a-zA-Z][-a-zA-Z]*' | sed -E 's/^[][ |,(]//' |
		sort -u
}

# the page as man shows it, wide enough that no option is broken across lines
render() {
	MANWIDTH=1000 man -l "$1" 2>/dev/null
}

# complete WORD...: the candidates the completion offers for the last WORD, one per line
complete_words() {
	bash -c 'source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_veil; printf "%s\n" "${COMPREPLY[@]}"' complete "$COMPLETION" "$VEIL" "$@"
}

@test "packaging: every man page renders with man -l and no warnings" {
	need_man_pages
	local page out n=0 failed=
	for page in "$BUILDDIR"/docs/man/*.8; do
		out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
		if [ -n "$out" ]; then
			echo "$page: $out" >&2
			failed+=" $page"
		fi
		render "$page" | grep -q '^NAME' || {
			echo "$page: no NAME section in what man shows" >&2
			failed+=" $page"
		}
		n=$((n + 1))
	done
	[ -z "$failed" ]
	[ "$n" -ge 18 ]
}

@test "packaging: every command of veil --help has a man page with its options" {
	need_man_pages
	local cmd opt page text failed= n=0
	for cmd in $(help_commands); do
		[ "$cmd" = help ] && continue # veil(8) describes it
		n=$((n + 1))
		page=$BUILDDIR/docs/man/veil-$cmd.8
		if [ ! -f "$page" ]; then
			echo "veil $cmd: no man page $page" >&2
			failed+=" $cmd"
			continue
		fi
		text=$(render "$page")
		for opt in $(help_options "$cmd"); do
			if ! grep -qF -- "$opt" <<<"$text"; then
				echo "veil-$cmd(8) does not mention $opt (from veil $cmd --help)" >&2
				failed+=" $cmd:$opt"
			fi
		done
	done
	[ -z "$failed" ]
	[ "$n" -ge 17 ]
}

@test "packaging: veil(8) names every command and every global option" {
	need_man_pages
	local text w failed=
	text=$(render "$BUILDDIR/docs/man/veil.8")
	for w in $(help_commands) $(help_options); do
		if ! grep -qE -- "(^|[^-a-z])$w([^-a-z]|$)" <<<"$text"; then
			echo "veil(8) does not mention $w (from veil --help)" >&2
			failed+=" $w"
		fi
	done
	[ -z "$failed" ]
	for w in /run/veil XDG_RUNTIME_DIR 'EXIT STATUS' FILES ENVIRONMENT 'SEE ALSO'; do
		grep -qF -- "$w" <<<"$text"
	done
}

@test "packaging: bash completion: the commands after veil, the global options after veil --" {
	local got cmd opt
	got=$(complete_words "")
	for cmd in $(help_commands); do
		grep -qx -- "$cmd" <<<"$got" || {
			echo "veil <TAB> does not offer $cmd: $got" >&2
			return 1
		}
	done
	got=$(complete_words --)
	for opt in $(help_options | grep -- '^--'); do
		grep -qx -- "$opt" <<<"$got" || {
			echo "veil --<TAB> does not offer $opt: $got" >&2
			return 1
		}
	done
	# a prefix narrows the list to what it starts
	[ "$(complete_words ex)" = exec ]
}

@test "packaging: bash completion: every command's long options, and the values of --format" {
	local got cmd opt failed=
	got=$(complete_words exec --)
	grep -qx -- --ignore-paused <<<"$got"
	grep -qx -- --cgroup <<<"$got"
	for cmd in $(help_commands); do
		[ "$cmd" = help ] && continue
		got=$(complete_words "$cmd" --)
		for opt in $(help_options "$cmd" | grep -- '^--'); do
			grep -qx -- "$opt" <<<"$got" || {
				echo "veil $cmd --<TAB> does not offer $opt" >&2
				failed+=" $cmd:$opt"
			}
		done
	done
	[ -z "$failed" ]
	[ "$(complete_words list --format "" | tr '\n' ' ')" = "table json " ]
	[ "$(complete_words --log-format "" | tr '\n' ' ')" = "text json " ]
	# after exec's id the words are the process's: no veil options
	run -0 complete_words exec someid sh --
	[ -z "$output" ]
}

@test "packaging: bash completion offers the ids of veil list -q under the --root typed" {
	veil create --bundle "$BUNDLE" "$ID"
	run -0 complete_words --root "$ROOT" kill ""
	[ "$output" = "$ID" ]
	# then the signals, after the id
	run -0 complete_words --root "$ROOT" kill "$ID" K
	[ "$output" = KILL ]
	# another root: not these ids
	mkdir -p "$BATS_TEST_TMPDIR/other"
	run -0 complete_words --root "$BATS_TEST_TMPDIR/other" delete ""
	[ -z "$output" ]
}

@test "packaging: make install DESTDIR: veil --version runs, man veil-run and the completion" {
	need_build_tree
	local dest=$BATS_TEST_TMPDIR/dest bin mandir
	# a make that runs this test must not hand its jobserver to the nested one
	run -0 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$BUILDDIR" install DESTDIR="$dest"
	bin=$(find "$dest" -path '*/bin/veil' -type f)
	[ -n "$bin" ]
	run -0 "$bin" --version
	[[ ${lines[0]} =~ ^veil\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	[ -n "$(find "$dest" -path '*/bash-completion/completions/veil' -type f)" ]
	if grep -q '^GO_MD2MAN = /' "$BUILDDIR/Makefile"; then
		mandir=$(dirname -- "$(find "$dest" -path '*/man8/veil-run.8' -type f)")
		[ -f "$mandir/veil-run.8" ]
		run -0 env MANWIDTH=80 man --warnings -M "$(dirname -- "$mandir")" veil-run
		[[ $output == *"veil-run - create and start a container"* ]]
	fi
}

# Shell completion, included from the top-level Makefile.am.  configure picks
# the directory: bash-completion's completionsdir (pkg-config), else
# $(datadir)/bash-completion/completions, or --with-bash-completion-dir.  The
# file itself is shipped with the rest of contrib/ (EXTRA_DIST).

bashcompletion_DATA = contrib/completions/bash/veil

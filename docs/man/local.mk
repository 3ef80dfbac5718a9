# The man pages, included from the top-level Makefile.am.  Each page is markdown
# (docs/man/NAME.md, shipped through EXTRA_DIST's docs) made into roff
# (docs/man/NAME.8, in the build directory) by go-md2man, with @VERSION@
# replaced by this package's version.  configure decides whether they are built
# (BUILD_MAN: go-md2man found, or --enable-man).

VEIL_MAN_PAGES = \
	docs/man/veil.8 \
	docs/man/veil-create.8 \
	docs/man/veil-run.8 \
	docs/man/veil-start.8 \
	docs/man/veil-exec.8 \
	docs/man/veil-kill.8 \
	docs/man/veil-delete.8 \
	docs/man/veil-state.8 \
	docs/man/veil-list.8 \
	docs/man/veil-ps.8 \
	docs/man/veil-pause.8 \
	docs/man/veil-resume.8 \
	docs/man/veil-update.8 \
	docs/man/veil-events.8 \
	docs/man/veil-spec.8 \
	docs/man/veil-features.8 \
	docs/man/veil-checkpoint.8 \
	docs/man/veil-restore.8 \
	docs/man/veil-ns.8 \
	docs/man/veil-check.8

SUFFIXES += .md .8

if BUILD_MAN
man_MANS = $(VEIL_MAN_PAGES)
CLEANFILES += $(VEIL_MAN_PAGES)

.md.8:
	$(AM_V_GEN)$(MKDIR_P) $(@D) && \
	sed -e 's|@VERSION@|$(PACKAGE_VERSION)|g' $< | $(GO_MD2MAN) -out $@.tmp && mv -f $@.tmp $@
endif

# "docs" is in EXTRA_DIST whole: the tarball takes the markdown, never pages an in-tree build
# made (they would shadow the markdown in a VPATH build from the tarball)
dist-hook: dist-hook-man
dist-hook-man:
	rm -f $(distdir)/docs/man/*.8 $(distdir)/docs/man/*.8.tmp
.PHONY: dist-hook-man

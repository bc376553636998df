# ---- installing and packaging (issue 9; docs/appliance.md) -------------
# Included at the end of the Makefile (it uses LIB_SRC, CTL_SRC, NAC_SRC).
#
#   make install [PREFIX=/usr/local] [DESTDIR=]   binaries, data, config,
#                systemd units, logrotate, man pages, docs
#   make uninstall [PREFIX=...] [DESTDIR=]        removes what install put
#   make deb     build/deb/spanhound_VERSION_ARCH.deb with dpkg-buildpackage
#                (packaging: appliance/debian/, copied to build/deb/.../debian)
#   make package-lint   fast checks (unit exposure <= 2.0, packaged config
#                loads, man pages, install/uninstall into a scratch DESTDIR)
#   make package-test   the .deb in a clean debootstrap root: install,
#                binaries, user, dirs, conffile, remove, purge
#
# The installed binaries are built apart (build/inst/) with the data
# directory baked in as PREFIX/share/spanhound; build/spanhound keeps the
# source tree's detect/data for the tests.

PREFIX        ?= /usr/local
BINDIR        ?= $(PREFIX)/bin
SBINDIR       ?= $(PREFIX)/sbin
SHAREDIR      ?= $(PREFIX)/share
PKGDATADIR    ?= $(SHAREDIR)/spanhound
MANDIR        ?= $(SHAREDIR)/man
DOCDIR        ?= $(SHAREDIR)/doc/spanhound
# /usr installs (the Debian package) use /etc and bookworm's /lib/systemd;
# any other prefix keeps everything under it
SYSCONFDIR    ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR       ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
LOCALSTATEDIR ?= /var
STATEDIR      := $(LOCALSTATEDIR)/lib/spanhound
LOGDIR        := $(LOCALSTATEDIR)/log/spanhound
INSTALL       ?= install

# Debian package tools (make deb, package-lint, package-test; systemd-nspawn
# boots the package test's root to start the unit; systemd-analyze gives the
# sandbox figure, man checks the pages)
DEBS += debhelper fakeroot lintian debootstrap systemd-container systemd man-db

INST_CFLAGS  = $(filter-out -DSH_DATADIR=%,$(ALL_CFLAGS)) -DSH_DATADIR='"$(PKGDATADIR)"' \
               $(CTL_PKG_CFLAGS) $(NAC_CFLAGS) $(CPPFLAGS)
INST_BIN    := build/inst/spanhound build/inst/spanhoundctl build/inst/spanhound-nac
MAN_PAGES   := build/inst/man/spanhound.8 build/inst/man/spanhound.conf.5 \
               build/inst/man/spanhoundctl.1 build/inst/man/spanhound-nac.1
# man page dates: the changelog's (dpkg-buildpackage sets SOURCE_DATE_EPOCH)
MAN_DATE     = $(shell date -u -d @$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null || date +%s)} +%Y-%m-%d)
DOC_FILES   := README.md $(wildcard docs/*.md) detect/data/README.md

.PHONY: install-build install uninstall man deb package-lint package-test FORCE

# the baked-in data directory: the objects of the sources that use it
# rebuild when PREFIX changes
build/inst/datadir: FORCE
	@mkdir -p $(dir $@)
	@[ "$$(cat $@ 2>/dev/null)" = "$(PKGDATADIR)" ] || echo "$(PKGDATADIR)" > $@
DATADIR_USERS := $(shell grep -l SH_DATADIR $(LIB_SRC) appliance/main.c $(CTL_SRC) $(NAC_SRC) 2>/dev/null)
$(DATADIR_USERS:%.c=build/inst/obj/%.o): build/inst/datadir

build/inst/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC inst $<")
	$(Q)$(CC) $(INST_CFLAGS) -c $< -o $@

build/inst/libspanhound.a: $(LIB_SRC:%.c=build/inst/obj/%.o)
	@rm -f $@
	ar rcs $@ $^

build/inst/spanhound: build/inst/obj/appliance/main.o build/inst/libspanhound.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

build/inst/spanhoundctl: $(CTL_SRC:%.c=build/inst/obj/%.o) build/inst/libspanhound.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CTL_PKG_LIBS) $(LIBS)

build/inst/spanhound-nac: $(NAC_SRC:%.c=build/inst/obj/%.o) build/inst/libspanhound.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(NAC_LIBS) $(LIBS)

build/inst/spanhound.conf: config/spanhound.conf appliance/packaged-conf.sh
	@mkdir -p $(dir $@)
	appliance/packaged-conf.sh config/spanhound.conf $(STATEDIR) $(LOGDIR) > $@.tmp && mv $@.tmp $@

build/inst/man/spanhound.conf.5: appliance/man/spanhound.conf.5.in appliance/man/conf-man.sh build/inst/spanhound
	@mkdir -p $(dir $@)
	appliance/man/conf-man.sh build/inst/spanhound $< $(VERSION) $(MAN_DATE) > $@.tmp && mv $@.tmp $@

build/inst/man/%: appliance/man/%
	@mkdir -p $(dir $@)
	sed -e 's/@VERSION@/$(VERSION)/g' -e 's/@DATE@/$(MAN_DATE)/g' $< > $@

man: $(MAN_PAGES)

install-build: $(INST_BIN) build/inst/spanhound.conf $(MAN_PAGES)

# the unit's paths follow PREFIX and SYSCONFDIR
UNIT_SED := -e 's|/usr/sbin/spanhound |$(SBINDIR)/spanhound |' \
            -e 's|/usr/bin/spanhound-nac |$(BINDIR)/spanhound-nac |' \
            -e 's|/etc/spanhound/|$(SYSCONFDIR)/spanhound/|g'

install: install-build
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGDATADIR) \
	  $(DESTDIR)$(SYSCONFDIR)/spanhound $(DESTDIR)$(SYSCONFDIR)/logrotate.d $(DESTDIR)$(UNITDIR) \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR)
	$(INSTALL) -m 0755 build/inst/spanhound $(DESTDIR)$(SBINDIR)/spanhound
	$(INSTALL) -m 0755 build/inst/spanhoundctl build/inst/spanhound-nac $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 $(filter-out %/README.md,$(wildcard detect/data/*)) $(DESTDIR)$(PKGDATADIR)/
	@# an existing, locally changed configuration is kept (the new one beside it)
	@c=$(DESTDIR)$(SYSCONFDIR)/spanhound/spanhound.conf; \
	if [ -e $$c ] && ! cmp -s $$c build/inst/spanhound.conf; then \
	  echo "$$c exists: keeping it, the new default is $$c.dist"; \
	  $(INSTALL) -m 0644 build/inst/spanhound.conf $$c.dist; \
	else echo "$(INSTALL) -m 0644 build/inst/spanhound.conf $$c"; \
	  $(INSTALL) -m 0644 build/inst/spanhound.conf $$c; fi
	$(INSTALL) -m 0644 appliance/spanhound.logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/spanhound
	sed $(UNIT_SED) appliance/spanhound.service > $(DESTDIR)$(UNITDIR)/spanhound.service
	sed $(UNIT_SED) appliance/spanhound-nac@.service > $(DESTDIR)$(UNITDIR)/spanhound-nac@.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/spanhound.service $(DESTDIR)$(UNITDIR)/spanhound-nac@.service
	$(INSTALL) -m 0644 build/inst/man/spanhoundctl.1 build/inst/man/spanhound-nac.1 $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 0644 build/inst/man/spanhound.conf.5 $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 0644 build/inst/man/spanhound.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 README.md $(wildcard docs/*.md) $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 0644 detect/data/README.md $(DESTDIR)$(DOCDIR)/README.data.md
	@if [ -z "$(DESTDIR)" ] && ! getent passwd spanhound >/dev/null 2>&1; then \
	  echo "make install: the service runs as user spanhound; create it with"; \
	  echo "  adduser --system --group --home $(STATEDIR) --no-create-home spanhound"; fi

# Removes what install put there; a configuration that differs from the
# shipped default, state and logs stay.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/spanhound $(DESTDIR)$(BINDIR)/spanhoundctl \
	  $(DESTDIR)$(BINDIR)/spanhound-nac \
	  $(DESTDIR)$(UNITDIR)/spanhound.service $(DESTDIR)$(UNITDIR)/spanhound-nac@.service \
	  $(DESTDIR)$(SYSCONFDIR)/logrotate.d/spanhound \
	  $(DESTDIR)$(MANDIR)/man1/spanhoundctl.1 $(DESTDIR)$(MANDIR)/man1/spanhound-nac.1 \
	  $(DESTDIR)$(MANDIR)/man5/spanhound.conf.5 $(DESTDIR)$(MANDIR)/man8/spanhound.8 \
	  $(DESTDIR)$(SYSCONFDIR)/spanhound/spanhound.conf.dist
	rm -f $(addprefix $(DESTDIR)$(PKGDATADIR)/,$(notdir $(filter-out %/README.md,$(wildcard detect/data/*))))
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir README.md $(wildcard docs/*.md)) README.data.md)
	@c=$(DESTDIR)$(SYSCONFDIR)/spanhound/spanhound.conf; \
	if [ -e $$c ]; then \
	  if [ -e build/inst/spanhound.conf ] && cmp -s $$c build/inst/spanhound.conf; then rm -f $$c; \
	  else echo "make uninstall: $$c was changed: kept"; fi; fi
	-@rmdir $(DESTDIR)$(PKGDATADIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/spanhound 2>/dev/null

# ---- the Debian package ------------------------------------------------
# The source tree (git's files, committed or not, else everything but
# build/) is copied to build/deb/spanhound-VERSION/ with appliance/debian/
# as its debian/, then dpkg-buildpackage builds the binary package there,
# unsigned; lintian checks the result (its tags end in build/deb/lintian.txt).
DEB_DIR := build/deb/spanhound-$(VERSION)
deb:
	@command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || \
	  { echo "make deb: needs debhelper (make deps)"; exit 1; }
	@cl=$$(dpkg-parsechangelog -l appliance/debian/changelog -S Version); \
	[ "$$cl" = "$(VERSION)" ] || { echo "make deb: appliance/debian/changelog is at $$cl, the Makefile at $(VERSION)"; exit 1; }
	rm -rf build/deb && mkdir -p $(DEB_DIR)
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git ls-files -z -co --exclude-standard | grep -zv '^build/' | \
	    xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
	    tar --null -T - -cf - | tar -xf - -C $(DEB_DIR); \
	else tar --exclude=./build -cf - . | tar -xf - -C $(DEB_DIR); fi
	cp -r appliance/debian $(DEB_DIR)/debian
	cd $(DEB_DIR) && dpkg-buildpackage -b -us -uc -j$$(nproc) > ../build.log 2>&1 || \
	  { tail -40 ../build.log; echo "make deb: dpkg-buildpackage failed (build/deb/build.log)"; exit 1; }
	@ls build/deb/*.deb
	@lintian --display-info --pedantic build/deb/spanhound_$(VERSION)_*.changes \
	  > build/deb/lintian.txt 2>&1; rc=$$?; \
	  grep -E '^[EW]: ' build/deb/lintian.txt && { echo "make deb: lintian errors or warnings"; exit 1; }; \
	  [ $$rc -eq 0 ] || { cat build/deb/lintian.txt; echo "make deb: lintian exit $$rc"; exit 1; }; \
	  echo "lintian: no errors or warnings ($$(grep -cE '^[IPX]: ' build/deb/lintian.txt) info/pedantic tags: build/deb/lintian.txt)"

-include $(LIB_SRC:%.c=build/inst/obj/%.d) build/inst/obj/appliance/main.d
-include $(CTL_SRC:%.c=build/inst/obj/%.d) $(NAC_SRC:%.c=build/inst/obj/%.d)

# everything as the Debian package has it (PREFIX=/usr)
package-lint: build/spanhound
	@$(MAKE) --no-print-directory -s PREFIX=/usr install-build
	@VERSION=$(VERSION) PKGS="$(sort $(PKGS) $(NAC_PKGS))" tests/package/lint.sh

package-test: deb
	@tests/package/run.sh

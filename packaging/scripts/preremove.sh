#!/bin/sh
# .deb prerm / .rpm %preun: stop and disable the system unit when the
# package is removed (not on upgrade: postinstall restarts it then).
set -e

case "$1" in
remove|deconfigure|0)
	if [ -d /run/systemd/system ]; then
		systemctl disable --now ferry.service >/dev/null 2>&1 || true
	fi
	;;
esac

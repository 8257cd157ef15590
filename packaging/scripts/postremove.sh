#!/bin/sh
# .deb postrm / .rpm %postun. On purge (.deb) remove what the package or
# the admin left in /etc/ferry and the system user ferry. rpm has no purge:
# it keeps a changed config as ferry.toml.rpmsave, and the user stays.
set -e

case "$1" in
purge)
	rm -rf /etc/ferry
	if getent passwd ferry >/dev/null 2>&1; then
		userdel ferry >/dev/null 2>&1 || true
	fi
	if getent group ferry >/dev/null 2>&1; then
		groupdel ferry >/dev/null 2>&1 || true
	fi
	;;
esac

if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null 2>&1 || true
fi

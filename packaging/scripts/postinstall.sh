#!/bin/sh
# .deb postinst / .rpm %post: create the system user ferry that the system
# unit runs as, give it read access to the config, and leave the unit
# disabled: it needs parents and credentials in /etc/ferry/ferry.toml first.
set -e

if ! getent group ferry >/dev/null 2>&1; then
	groupadd --system ferry
fi
if ! getent passwd ferry >/dev/null 2>&1; then
	useradd --system --gid ferry --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin --comment "ferry proxy" ferry
fi

# The config may hold a password: root writes it, the service reads it.
chgrp ferry /etc/ferry /etc/ferry/ferry.toml
chmod 0750 /etc/ferry
chmod 0640 /etc/ferry/ferry.toml
if [ -e /etc/ferry/ferry.env ]; then
	chmod 0600 /etc/ferry/ferry.env
fi

if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null 2>&1 || true
	# An upgrade restarts a service that was running; a fresh install
	# enables nothing.
	if systemctl is-active --quiet ferry.service; then
		systemctl try-restart ferry.service || true
	fi
fi

if ! systemctl is-enabled --quiet ferry.service 2>/dev/null; then
	echo "ferry: edit /etc/ferry/ferry.toml (parents, credentials), then: sudo systemctl enable --now ferry"
	echo "ferry: for your own session instead (Kerberos tickets, keyring): ferry service install"
fi

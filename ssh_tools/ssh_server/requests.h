/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * requests: the answers to a session channel's requests (RFC 4254 6), as
 * libssh channel callbacks whose userdata is the struct channel.
 */
#ifndef SHELLWIRE_SSH_SERVER_REQUESTS_H
#define SHELLWIRE_SSH_SERVER_REQUESTS_H

#include <libssh/libssh.h>

int request_pty(ssh_session session, ssh_channel channel, const char *term,
                int width, int height, int pxwidth, int pxheight,
                void *userdata);
int request_window_change(ssh_session session, ssh_channel channel, int width,
                          int height, int pxwidth, int pxheight,
                          void *userdata);
int request_shell(ssh_session session, ssh_channel channel, void *userdata);
int request_exec(ssh_session session, ssh_channel channel, const char *command,
                 void *userdata);
int request_subsystem(ssh_session session, ssh_channel channel,
                      const char *subsystem, void *userdata);
int request_env(ssh_session session, ssh_channel channel, const char *name,
                const char *value, void *userdata);

#endif

# SPDX-License-Identifier: GPL-3.0-or-later
"""A small SSH server on Paramiko's ServerInterface, for the interop tests.

    /usr/bin/python3 paramiko_server.py HOST_KEY AUTHORIZED_PUB PASSWORD MODE

Listens on 127.0.0.1 on a free port and prints "PORT n" when ready.  Key
(one authorized public key) and password logins; "exec" runs the command
in a subprocess; the "sftp" subsystem serves the local filesystem (and
notes each READ's offset and length in $SHELLWIRE_SFTP_READS, if set).  MODE
changes how an exec ends:
  plain        exit-status, then EOF and CLOSE (Paramiko's usual order);
  late-status  EOF first, the exit-status half a second later, then CLOSE;
  late-3       the same, with exit-status 3 whatever the command did;
  signal       exit-signal KILL instead of an exit-status;
  refuse       every exec request is refused (CHANNEL_FAILURE);
  echo-shell   a shell that echoes what it gets and never ends.
"""
import os
import socket
import subprocess
import sys
import threading
import time

import paramiko
from paramiko.common import cMSG_CHANNEL_REQUEST


class Handle(paramiko.SFTPHandle):
    """An open local file for paramiko's SFTPServer."""

    def stat(self):
        return paramiko.SFTPAttributes.from_stat(os.fstat(self.readfile.fileno()))

    def read(self, offset, length):
        log = os.environ.get("SHELLWIRE_SFTP_READS")
        if log:
            with open(log, "a") as f:
                f.write(f"{offset} {length}\n")
        return super().read(offset, length)


class LocalFiles(paramiko.SFTPServerInterface):
    """The local filesystem, read-only, with errors as SFTP statuses."""

    def _attrs(self, path, how):
        try:
            return paramiko.SFTPAttributes.from_stat(how(path))
        except OSError as e:
            return paramiko.SFTPServer.convert_errno(e.errno)

    def stat(self, path):
        return self._attrs(path, os.stat)

    def lstat(self, path):
        return self._attrs(path, os.lstat)

    def open(self, path, flags, attr):
        try:
            handle = Handle(flags)
            handle.readfile = open(path, "rb")
            return handle
        except OSError as e:
            return paramiko.SFTPServer.convert_errno(e.errno)

    def canonicalize(self, path):
        return os.path.normpath(os.path.join("/", path))


class Server(paramiko.ServerInterface):
    def __init__(self, authorized, password, mode):
        self.authorized, self.password, self.mode = authorized, password, mode

    def get_allowed_auths(self, username):
        return "publickey,password"

    def check_auth_publickey(self, username, key):
        ok = key.get_base64() == self.authorized
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_auth_password(self, username, password):
        ok = password == self.password
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_channel_request(self, kind, chanid):
        if kind == "session":
            return paramiko.OPEN_SUCCEEDED
        return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_pty_request(self, *args):
        return True

    def check_channel_shell_request(self, channel):
        if self.mode != "echo-shell":
            return False
        threading.Thread(target=echo, args=(channel,), daemon=True).start()
        return True

    def check_channel_exec_request(self, channel, command):
        if self.mode == "refuse":
            return False
        threading.Thread(target=run, args=(channel, command, self.mode),
                         daemon=True).start()
        return True


def echo(channel):
    """Send back what comes, ignore EOF, never close."""
    while True:
        data = channel.recv(4096)
        if data:
            channel.sendall(data)
        else:
            time.sleep(3600)


def run(channel, command, mode):
    """COMMAND in /bin/sh, its input from the channel, output back."""
    proc = subprocess.Popen(["/bin/sh", "-c", command.decode()],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)

    def feed():
        while True:
            data = channel.recv(4096)
            if not data:
                break
            proc.stdin.write(data)
            proc.stdin.flush()
        proc.stdin.close()
    threading.Thread(target=feed, daemon=True).start()
    err = threading.Thread(target=lambda: channel.sendall_stderr(
        proc.stderr.read()), daemon=True)
    err.start()
    for data in iter(lambda: proc.stdout.read1(4096), b""):
        channel.sendall(data)
    err.join()
    status = proc.wait()
    if mode in ("late-status", "late-3"):
        channel.shutdown_write()  # SSH_MSG_CHANNEL_EOF
        time.sleep(0.5)
        channel.send_exit_status(3 if mode == "late-3" else status)
    elif mode == "signal":
        send_exit_signal(channel, "KILL")
    else:
        channel.send_exit_status(status)
    channel.close()


def send_exit_signal(channel, name):
    """RFC 4254 6.10 "exit-signal": Paramiko has no call for it."""
    m = paramiko.Message()
    m.add_byte(cMSG_CHANNEL_REQUEST)
    m.add_int(channel.remote_chanid)
    m.add_string("exit-signal")
    m.add_boolean(False)
    m.add_string(name)
    m.add_boolean(False)  # no core dump
    m.add_string("")
    m.add_string("")
    channel.transport._send_user_message(m)


def serve(conn, host_key, server):
    transport = paramiko.Transport(conn)
    transport.add_server_key(host_key)
    transport.set_subsystem_handler("sftp", paramiko.SFTPServer, LocalFiles)
    try:
        transport.start_server(server=server)
        while transport.is_active():
            time.sleep(0.2)
    except (paramiko.SSHException, EOFError, OSError):
        pass
    transport.close()


def main():
    key_file, pub_file, password, mode = sys.argv[1:5]
    host_key = paramiko.Ed25519Key.from_private_key_file(key_file)
    authorized = open(pub_file).read().split()[1]
    server = Server(authorized, password, mode)
    listener = socket.create_server(("127.0.0.1", 0))
    print("PORT", listener.getsockname()[1], flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, host_key, server),
                         daemon=True).start()


if __name__ == "__main__":
    main()

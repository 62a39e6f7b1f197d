# SPDX-License-Identifier: GPL-3.0-or-later
"""Fake SSH servers that misbehave in time: they stall, drip or chatter.

Each listens on 127.0.0.1 on a free port, serves connections in a thread
of its own, and is stopped with stop() (its sockets closed, its thread
joined).  What a client must do with each: give up within its --timeout
and say so in one line (exit 5).
"""
import socket
import struct
import threading
import time

BANNER = b"SSH-2.0-Fake_1.0\r\n"


def packet(payload):
    """An unencrypted binary packet (RFC 4253 6): length, padding, MAC-less."""
    padding = 8 - (5 + len(payload)) % 8
    padding += 8 if padding < 4 else 0
    return (struct.pack(">IB", 1 + len(payload) + padding, padding) +
            payload + bytes(padding))


def kexinit(lists):
    """SSH_MSG_KEXINIT (RFC 4253 7.1) with these ten name-lists."""
    payload = bytes([20]) + bytes(range(16))
    for names in lists:
        data = ",".join(names).encode()
        payload += struct.pack(">I", len(data)) + data
    return packet(payload + b"\0" + struct.pack(">I", 0))


# Lists libssh2 1.10 can agree to, so that it goes on to the key exchange.
AGREEABLE = [["curve25519-sha256"], ["ssh-ed25519"], ["aes128-ctr"],
             ["aes128-ctr"], ["hmac-sha2-256"], ["hmac-sha2-256"],
             ["none"], ["none"], [], []]
# SSH_MSG_IGNORE (RFC 4253 11.2): a packet every side must accept, and drop.
IGNORE = packet(bytes([2]) + struct.pack(">I", 64) + b"x" * 64)


class FakeServer:
    """MODE says what each connection gets:
    stall    the identification, then nothing, ever;
    drip     lines before the identification, a byte each 0.2 s;
    chatter  lines before the identification, as fast as TCP takes them;
    ignore   identification, KEXINIT, then IGNORE packets without end;
    kexinit  identification and KEXINIT, then silence (for ssh_inspect's
             first look, before an `ignore` connection)."""

    def __init__(self, *modes):
        self.modes = list(modes)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.done = threading.Event()
        self.conns = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        for mode in self.modes:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self._talk, args=(conn, mode),
                             daemon=True).start()

    def _talk(self, conn, mode):
        try:
            if mode == "stall":
                conn.sendall(BANNER)
            elif mode in ("drip", "chatter"):
                self._lines(conn, 0.2 if mode == "drip" else 0)
            elif mode == "kexinit":
                conn.sendall(BANNER + kexinit(AGREEABLE))
            elif mode == "ignore":
                conn.sendall(BANNER + kexinit(AGREEABLE))
                while not self.done.is_set():
                    conn.sendall(IGNORE * 64)
            self.done.wait(120)
        except OSError:
            pass  # the client went away: that is what we wait for

    def _lines(self, conn, pause):
        line = b"this is not SSH, and there is more of it\r\n"
        while not self.done.is_set():
            if pause:
                for byte in line:
                    conn.sendall(bytes([byte]))
                    time.sleep(pause)
            else:
                conn.sendall(line * 100)

    def stop(self):
        self.done.set()
        self.listener.close()
        for conn in self.conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()
        self.thread.join(timeout=10)

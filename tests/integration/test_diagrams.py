# SPDX-License-Identifier: GPL-3.0-or-later
"""--diagram FILE.svg of ssh_server and telnet_codes: the SVG is valid XML,
a real renderer (librsvg's rsvg-convert; headless Chromium where it is
installed) draws it as a picture that is not blank and is as big as what
it holds; lesson 12's committed figure is what ssh_server draws today."""
import re
import shutil
import struct
import subprocess
import tempfile
import time
import zlib
from pathlib import Path

import pytest

from conftest import program, run
from fixtures_ssh_trace import FIGURE, draw_exec_figure

ZOOM = 0.25  # rendered small: the pixels are checked in Python
SVG_SIZE = re.compile(r'<svg [^>]*width="(\d+)" height="(\d+)"')
TEXT = re.compile(r'<text [^>]*fill="([^"]+)"[^>]*>([^<]*)</text>')


def png_pixels(data):
    """(width, height, rows of RGBA bytes) of an 8-bit RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 6), "not 8-bit RGBA"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows = zlib.decompress(idat), width * 4, []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(
            raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 4] if i >= 4 else 0
            b = previous[i]
            c = previous[i - 4] if i >= 4 else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                near = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + near) & 255
        rows.append(line)
        previous = line
    return width, height, rows


def check_picture(svg_path):
    """The SVG is well-formed, renders, is not blank, fits its content."""
    text = Path(svg_path).read_text()
    result = run(["xmllint", "--noout", str(svg_path)])
    assert result.returncode == 0, result.stderr
    width, height = map(int, SVG_SIZE.search(text).groups())
    # The rendering goes to a scratch folder, never beside a committed SVG.
    with tempfile.TemporaryDirectory() as scratch:
        png = Path(scratch) / "picture.png"
        result = run(["rsvg-convert", "-z", str(ZOOM), "-o", str(png),
                      str(svg_path)])
        assert result.returncode == 0, result.stderr
        w, h, rows = png_pixels(png.read_bytes())
    assert abs(w - width * ZOOM) <= 1 and abs(h - height * ZOOM) <= 1
    inked = [(x, y) for y, row in enumerate(rows) for x in range(w)
             if row[4 * x:4 * x + 3] != b"\xff\xff\xff"]
    assert len(inked) > w * h // 50, "the picture is (nearly) blank"
    # Sized to its content: ink within a few pixels of the left and right
    # edges (the two parties' boxes) and of the last row (the lifelines).
    xs = [x for x, _ in inked]
    ys = [y for _, y in inked]
    margin = 30 * ZOOM + 2
    assert min(xs) <= margin and max(xs) >= w - 1 - margin
    assert max(ys) >= h - 1 - margin
    return text


def labels(svg_text):
    """The texts of the arrows, by colour (one colour per direction)."""
    found = {}
    for colour, text in TEXT.findall(svg_text):
        found.setdefault(colour, []).append(text)
    return found


def test_ssh_server_draws_a_session(make_ssh_server, tmp_path):
    server = make_ssh_server("--diagram", str(tmp_path / "s.svg"))
    result = run(server.ssh_args("help"), stdin=subprocess.DEVNULL)
    assert result.returncode == 0
    drawn = tmp_path / "s-1.svg"
    deadline = time.monotonic() + 15
    while not drawn.exists():
        assert time.monotonic() < deadline, server.log_text()
        time.sleep(0.05)
    assert server.stop() == 0
    text = check_picture(drawn)
    assert "encrypted from here on" in text
    assert "CHANNEL_REQUEST channel=43 exec &quot;help&quot;" not in text
    assert 'CHANNEL_REQUEST channel=43 exec "help" want_reply=yes' in text


def test_ssh_server_writes_mermaid(make_ssh_server, tmp_path):
    server = make_ssh_server("--diagram", str(tmp_path / "s.mmd"))
    result = run(server.ssh_args("help"), stdin=subprocess.DEVNULL)
    assert result.returncode == 0
    drawn = tmp_path / "s-1.mmd"
    deadline = time.monotonic() + 15
    while not drawn.exists():
        assert time.monotonic() < deadline, server.log_text()
        time.sleep(0.05)
    assert server.stop() == 0
    lines = drawn.read_text().splitlines()
    assert lines[0] == "sequenceDiagram"
    assert re.fullmatch(r"    participant C as 127\.0\.0\.1 port \d+",
                        lines[1])
    assert lines[2:4] == ["    participant S as ssh_server",
                          "    S->>C: version SSH-2.0-libssh_0.10.6"]
    assert "    Note over C,S: encrypted from here on" in lines
    assert '    C->>S: CHANNEL_REQUEST channel=43 exec "help" ' \
        "want_reply=yes" in lines


def test_telnet_codes_draws_its_negotiation(make_telnet_server, tmp_path):
    server = make_telnet_server(login=False)
    drawing = tmp_path / "t.svg"
    result = run([program("telnet_codes"), "-p", str(server.port),
                  "--no-login", "--diagram", str(drawing), "127.0.0.1"])
    assert result.returncode == 0, result.stderr
    text = check_picture(drawing)
    assert f"127.0.0.1 port {server.port}</text>" in text
    assert "SB TTYPE IS &quot;mypython&quot;" not in text
    assert 'SB TTYPE IS "mypython"</text>' in text


def test_the_lesson_figure_is_what_ssh_server_draws(tmp_path):
    fresh = tmp_path / "fresh.svg"
    draw_exec_figure(fresh)
    check_picture(FIGURE)

    def normal(text):
        return re.sub(r"SSH-2\.0-OpenSSH_\S+( \S+)?", "SSH-2.0-OpenSSH_*",
                      text)
    committed = labels(normal(FIGURE.read_text()))
    drawn = labels(normal(fresh.read_text()))
    # Each direction in order; the two may interleave differently.
    assert drawn == committed, "run `make figures` and commit the figure"


def test_chromium_renders_the_figure(tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("headless Chromium is not installed (optional)")
    shot = tmp_path / "shot.png"
    result = run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                  f"--screenshot={shot}", "--window-size=400,300",
                  FIGURE.as_uri()], timeout=60)
    assert result.returncode == 0, result.stderr
    assert shot.stat().st_size > 1000

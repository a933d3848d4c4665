#!/usr/bin/env python3
"""Pictures: `export %2 a.svg`, `export %1..%2 d.svg` and `export %2 a.html`
are well-formed XML naming [heap], libc.so.6 and the program break; the
diff picture marks the heap as added.  Rendered in headless Chromium (when
it is installed; otherwise those cases are skipped, never passed) the
pictures are not blank, and the HTML's DOM holds the labels."""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.dom.minidom
import xml.etree.ElementTree as ET
import zlib

import ldtest
from ldtest import check

t = ldtest.Tap(13)
TMP = tempfile.mkdtemp(prefix="ldtest-pictures-")
CHROMIUM = "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None
LABELS = ("[heap]", "libc.so.6", "program break")

_files = {}


def exported():
    if not _files:
        a_svg, d_svg, a_html = (os.path.join(TMP, n) for n in ("a.svg", "d.svg", "a.html"))
        rc, out, err = ldtest.run_batch([ldtest.fixture("heap")],
                                        ["break calloc", "run", "snapshot", "finish",
                                         "snapshot", "export %2 " + a_svg,
                                         "export %1..%2 " + d_svg, "export %2 " + a_html])
        check(rc == 0, "exit status %d, stderr %r" % (rc, err), out)
        for f in (a_svg, d_svg, a_html):
            check(os.path.getsize(f) > 1000, "%s is (almost) empty" % f, out)
        _files.update(svg=a_svg, diff=d_svg, html=a_html)
    return _files


def well_formed(key, root):
    f = exported()[key]
    try:
        doc = xml.dom.minidom.parse(f)
    except Exception as e:       # expat errors carry line and column
        raise AssertionError("%s is not well-formed XML: %s" % (f, e))
    check(doc.documentElement.tagName == root, "root element <%s>, want <%s>"
          % (doc.documentElement.tagName, root))
    text = open(f, encoding="utf-8").read()
    for label in LABELS:
        check(label in text, "%s does not mention %r" % (os.path.basename(f), label))
    return doc, text


def svg_ok():
    doc, text = well_formed("svg", "svg")
    svg = doc.documentElement
    check(svg.getAttribute("xmlns") == "http://www.w3.org/2000/svg", "no SVG namespace")
    check(int(float(svg.getAttribute("width"))) > 100 and
          int(float(svg.getAttribute("height"))) > 100, "tiny picture")
    check(re.search(r"0x555555559000", text) and re.search(r"0x55555557a000", text),
          "the heap's addresses are not drawn")


t.case("export %2 a.svg: well-formed SVG with [heap], libc.so.6, program break", svg_ok)


def diff_svg_ok():
    doc, text = well_formed("diff", "svg")
    added = [g for g in doc.getElementsByTagName("g")
             if "added" in g.getAttribute("class").split()]
    check(len(added) == 1, "%d groups marked added, want 1 (the heap)" % len(added))
    check("[heap]" in added[0].toxml(), "the added group is not the heap: %s"
          % added[0].toxml()[:300])


t.case("export %1..%2 d.svg: well-formed, the heap marked `added`", diff_svg_ok)


def html_ok():
    doc, text = well_formed("html", "html")
    check(doc.getElementsByTagName("svg"), "the page embeds no SVG picture")
    check(not re.search(r"<(script|link|img)[^>]*\b(src|href)=\"(https?:)?//", text),
          "the page is not self-contained (loads a remote resource)")


t.case("export %2 a.html: well-formed, self-contained, with the labels", html_ok)


# ------------------------------------------------------------ geometry

NS = "{http://www.w3.org/2000/svg}"


def svg_tree(key):
    root = ET.parse(exported()[key]).getroot()
    check(root.tag == NS + "svg", "root %r" % root.tag)
    return root


def regions(root):
    """(start, end, y, height) of each mapping box: the first rect of each
    <g class="region">, its range from the <title>."""
    out = []
    for g in root.iter(NS + "g"):
        if "region" not in g.get("class", "").split():
            continue
        title = g.find(NS + "title").text
        m = re.search(r"^(0x[0-9a-f]+)-(0x[0-9a-f]+) ", title, re.M)
        check(m, "region title without a range: %r" % title)
        r = g.find(NS + "rect")
        out.append((int(m.group(1), 16), int(m.group(2), 16), float(r.get("y")),
                    float(r.get("height")), title.splitlines()[0]))
    check(len(out) > 10, "only %d regions" % len(out))
    return out


def brk_in_heap_box():
    """The program break (after calloc: the end of the new [heap]) is drawn
    inside the [heap] box, at its place to scale of the box."""
    root = svg_tree("svg")
    heap = [r for r in regions(root) if r[4] == "[heap]"]
    check(len(heap) == 1, "%d [heap] boxes" % len(heap))
    start, end, y, h, _ = heap[0]
    brk = [g for g in root.iter(NS + "g") if g.get("class") == "brk"]
    check(len(brk) == 1, "%d program break groups" % len(brk))
    line = brk[0].find(NS + "line")
    label = brk[0].find(NS + "text").text
    addr = int(re.search(r"0x[0-9a-f]+", label).group(0), 16)
    check(start < addr <= end, "the break %#x is not in the heap %#x-%#x" % (addr, start, end))
    ly = float(line.get("y1"))
    check(float(line.get("y2")) == ly, "the break line is not horizontal")
    check(y <= ly <= y + h, "break line y %.1f outside the [heap] box %.1f..%.1f"
          % (ly, y, y + h))
    want = y + h * (addr - start) / (end - start)
    check(abs(ly - want) <= 0.6, "break line at y %.1f, %#x is at %.1f in the box"
          % (ly, addr, want))


t.case("a.svg: the program-break line lies inside the [heap] box, at the break's place",
       brk_in_heap_box)


def heights_grow():
    """Box heights never shrink as sizes grow, and do grow over the range."""
    rs = sorted(regions(svg_tree("svg")), key=lambda r: r[1] - r[0])
    bad = [(hex(a[1] - a[0]), a[3], hex(b[1] - b[0]), b[3]) for a, b in zip(rs, rs[1:])
           if b[1] - b[0] > a[1] - a[0] and b[3] < a[3]]
    check(not bad, "a larger mapping drawn shorter: %r" % bad[:3])
    check(rs[-1][3] > rs[0][3], "every box is %.1f high" % rs[0][3])
    # above the smallest height, with log2 of the size: a larger mapping is
    # taller, also within one power of two (132 KiB taller than 128 KiB)
    floor = rs[0][3]
    flat = [(hex(a[1] - a[0]), hex(b[1] - b[0]), a[3]) for a, b in zip(rs, rs[1:])
            if b[1] - b[0] > a[1] - a[0] and a[3] > floor and b[3] <= a[3]]
    check(not flat, "larger mappings not taller: %r" % flat[:3])
    check(any(a[3] > floor and (a[1] - a[0]).bit_length() == (b[1] - b[0]).bit_length()
              and b[1] - b[0] > a[1] - a[0] for a, b in zip(rs, rs[1:])),
          "no two sizes within one power of two above the floor: the check proves little")


t.case("a.svg: box heights grow with mapping size (strictly, above the smallest)", heights_grow)


def text_extent(el):
    """Left and right x of a <text>, for a monospace font (0.6 em a char)."""
    size = float(el.get("font-size") or 11)
    w = 0.6 * size * len("".join(el.itertext()))
    x = float(el.get("x"))
    anchor = el.get("text-anchor", "start")
    return (x - w, x) if anchor == "end" else (x - w / 2, x + w / 2) \
        if anchor == "middle" else (x, x + w)


def labels_fit(key):
    root = svg_tree(key)
    width, height = float(root.get("width")), float(root.get("height"))
    over = []
    for el in root.iter(NS + "text"):
        lo, hi = text_extent(el)
        y = float(el.get("y"))
        if lo < 0 or hi > width or y < 0 or y > height:
            over.append("%r at x %.0f..%.0f y %.0f" % ("".join(el.itertext())[:60], lo, hi, y))
    check(not over, "%d labels overflow the %gx%g canvas: %s" % (len(over), width, height,
                                                                  "; ".join(over[:4])))


t.case("a.svg: no label overflows the canvas", labels_fit, "svg")
t.case("d.svg: no label overflows the canvas", labels_fit, "diff")


# ------------------------------------------------------------ rendering

def png_pixels(path):
    """Decode an 8-bit RGB/RGBA (optionally grey) PNG: (width, height,
    rows of bytes, channels).  Stdlib only: zlib and struct."""
    data = open(path, "rb").read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "%s is not a PNG" % path)
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    check(depth == 8 and interlace == 0 and ctype in (0, 2, 4, 6),
          "unsupported PNG: depth %d colour type %d interlace %d" % (depth, ctype, interlace))
    ch = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = w * ch
    rows, prev, p = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[p], bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        for i in range(stride):
            a = line[i - ch] if i >= ch else 0
            b = prev[i]
            c = prev[i - ch] if i >= ch else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, rows, ch


def chromium(args, timeout=60):
    if not CHROMIUM:
        raise ldtest.Skip("chromium is not installed (/usr/bin/chromium)")
    prof = tempfile.mkdtemp(prefix="profile-", dir=TMP)
    argv = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--user-data-dir=" + prof] + args
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, env=ldtest.env())
    except subprocess.TimeoutExpired:
        raise AssertionError("chromium did not finish within %ds" % timeout)
    return p


def rendered_not_blank(key):
    f = exported()[key]
    png = os.path.join(TMP, key + ".png")
    p = chromium(["--screenshot=" + png, "--window-size=1200,1600", "file://" + f])
    check(os.path.exists(png), "chromium wrote no screenshot: %s"
          % p.stderr.decode(errors="replace")[-800:])
    w, h, rows, ch = png_pixels(png)
    check((w, h) == (1200, 1600), "screenshot is %dx%d" % (w, h))
    colours = set()
    ink = 0
    for y in range(0, h, 4):
        row = rows[y]
        for x in range(0, w * ch, ch * 4):
            px = row[x:x + min(ch, 3)]
            colours.add(px)
            if px != bytes([255] * len(px)):
                ink += 1
    samples = (h // 4) * (w // 4)
    check(len(colours) > 12, "only %d distinct colours: a blank or broken render" % len(colours))
    check(ink > samples // 50, "only %d of %d sampled pixels are not white" % (ink, samples))


t.case("chromium renders a.svg: not blank", rendered_not_blank, "svg")
t.case("chromium renders d.svg: not blank", rendered_not_blank, "diff")
t.case("chromium renders a.html: not blank", rendered_not_blank, "html")


def dump_dom():
    f = exported()["html"]
    p = chromium(["--dump-dom", "file://" + f])
    dom = p.stdout.decode("utf-8", "replace")
    check("<html" in dom, "no DOM dumped: %s" % p.stderr.decode(errors="replace")[-800:])
    for label in LABELS:
        check(label in dom, "the rendered DOM lacks %r" % label)


t.case("chromium --dump-dom a.html: the DOM holds [heap], libc.so.6, program break", dump_dom)


def png_decoder_selftest():
    # The decoder above is what judges the renders: check it on a PNG we
    # build here with every filter type, so a blank verdict is never the
    # decoder's fault.
    w, h = 5, 5
    pix = [[((x * 50) & 255, (y * 50) & 255, ((x + y) * 25) & 255) for x in range(w)]
           for y in range(h)]
    raw = b""
    for y in range(h):
        line = bytes(c for px in pix[y] for c in px)
        f = y % 5
        prev = bytes(c for px in pix[y - 1] for c in px) if y else bytes(len(line))
        enc = bytearray()
        for i, v in enumerate(line):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if f == 0:
                pr = 0
            elif f == 1:
                pr = a
            elif f == 2:
                pr = b
            elif f == 3:
                pr = (a + b) // 2
            else:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            enc.append((v - pr) & 255)
        raw += bytes([f]) + bytes(enc)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xffffffff)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
           chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    path = os.path.join(TMP, "self.png")
    with open(path, "wb") as fh:
        fh.write(png)
    dw, dh, rows, ch = png_pixels(path)
    got = [[tuple(rows[y][x * 3:x * 3 + 3]) for x in range(w)] for y in range(h)]
    check((dw, dh, ch) == (w, h, 3) and got == pix, "decoder returned %r" % got)


t.case("the PNG decoder used to judge renders decodes all five filters", png_decoder_selftest)


def exports_refuse_unknown_type():
    rc, out, err = ldtest.run_batch([ldtest.fixture("heap")],
                                    ["break calloc", "run", "snapshot",
                                     "export %1 " + os.path.join(TMP, "x.png")])
    check(rc == 1 and re.match(r"^layoutdbg: export[^\n]*: .*\n$", err),
          "want one `layoutdbg: export ...` error line: %r" % err)
    check(not os.path.exists(os.path.join(TMP, "x.png")), "a .png file was written")


t.case("export to an unknown extension: one error line, no file", exports_refuse_unknown_type)

rc = t.done()
shutil.rmtree(TMP, ignore_errors=True)
sys.exit(rc)

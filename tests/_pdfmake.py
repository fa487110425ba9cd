"""Write small valid PDFs by hand for tests (no binary files in the repo).

A PDF here is: catalog -> pages -> page objects, each with a content stream drawing lines of
text in the standard Helvetica font, plus an optional /Info dictionary and a cross-reference
table with exact byte offsets (PDF 1.4, ISO 32000-1 section 7.5).
"""

from __future__ import annotations


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], title: str = "", author: str = "",
             encrypted: bool = False) -> bytes:
    """A PDF whose page i shows the lines pages[i]; an empty list makes a page with no text."""
    objects: list[bytes] = []
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, lines in enumerate(pages):
        content_id = 4 + 2 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            ops.append(f"({_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1") if lines else b""
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   b"/Encoding /WinAnsiEncoding >>")
    info_id = encrypt_id = None
    if title or author:
        objects.append(f"<< /Title ({_escape(title)}) /Author ({_escape(author)}) >>".encode())
        info_id = len(objects)
    if encrypted:
        # A standard-security handler whose user password is not empty: readers must ask for
        # it. The O/U strings are arbitrary, so no password opens it; that is all a test needs.
        objects.append(b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <" + b"11" * 32
                       + b"> /U <" + b"22" * 32 + b"> >>")
        encrypt_id = len(objects)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R"
    if info_id:
        trailer += f" /Info {info_id} 0 R"
    if encrypt_id:
        trailer += f" /Encrypt {encrypt_id} 0 R /ID [<{'ab' * 16}> <{'ab' * 16}>]"
    out += b"trailer\n" + (trailer + " >>\n").encode()
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)

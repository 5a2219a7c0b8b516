from __future__ import annotations

from pathlib import Path

from ingest.model import document_text
from ingest.readers.html import HTMLReader

PAGE = """<!DOCTYPE html>
<html><head><title>Digital ID | DGA</title><style>p { color: red }</style>
<script>var x = "script text";</script></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<h1>ระบบพิสูจน์ตัวตน</h1>
<p>การ<b>ดำ</b>เนินการ
   ผ่านระบบ <a href="https://x">Digital ID</a></p>
<h2>ขั้นตอน</h2>
<ul><li>ลงทะเบียน</li><li>ยืนยันตัวตน<br>ด้วยบัตร</li></ul>
<h3>ตาราง</h3>
<table><tr><th>รายการ</th><th>ค่า</th></tr><tr><td>API</td><td>v4</td></tr></table>
<pre>GET /api/v4
  ?id=1</pre>
<h2>อื่น ๆ</h2>
<div>Loose text in a div <span>with a span</span></div>
<!-- a comment -->
<footer>Copyright footer</footer>
</body></html>"""


def read(tmp_path: Path, html: str, name: str = "page.html"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return HTMLReader().run(path, name)


class TestHTMLReader:
    def test_title_from_title_tag(self, tmp_path: Path) -> None:
        assert read(tmp_path, PAGE).title == "Digital ID | DGA"

    def test_title_fallbacks(self, tmp_path: Path) -> None:
        assert read(tmp_path, "<h1>Heading One</h1><p>x</p>").title == "Heading One"
        assert read(tmp_path, "<p>x</p>", name="no-title.htm").title == "no-title"

    def test_furniture_dropped(self, tmp_path: Path) -> None:
        text = document_text(read(tmp_path, PAGE))
        for gone in ("script text", "color", "Home", "About", "Copyright", "a comment", "DOCTYPE", "html"):
            assert gone not in text

    def test_blocks_and_heading_paths(self, tmp_path: Path) -> None:
        blocks = read(tmp_path, PAGE).blocks
        assert [(b.text, b.heading_path, b.is_heading) for b in blocks] == [
            ("ระบบพิสูจน์ตัวตน", (), True),
            ("การดำเนินการ ผ่านระบบ Digital ID", ("ระบบพิสูจน์ตัวตน",), False),
            ("ขั้นตอน", ("ระบบพิสูจน์ตัวตน",), True),
            ("ลงทะเบียน", ("ระบบพิสูจน์ตัวตน", "ขั้นตอน"), False),
            ("ยืนยันตัวตน\nด้วยบัตร", ("ระบบพิสูจน์ตัวตน", "ขั้นตอน"), False),
            ("ตาราง", ("ระบบพิสูจน์ตัวตน", "ขั้นตอน"), True),
            ("รายการ; ค่า", ("ระบบพิสูจน์ตัวตน", "ขั้นตอน", "ตาราง"), False),
            ("API; v4", ("ระบบพิสูจน์ตัวตน", "ขั้นตอน", "ตาราง"), False),
            ("GET /api/v4\n?id=1", ("ระบบพิสูจน์ตัวตน", "ขั้นตอน", "ตาราง"), False),
            ("อื่น ๆ", ("ระบบพิสูจน์ตัวตน",), True),
            ("Loose text in a div with a span", ("ระบบพิสูจน์ตัวตน", "อื่น ๆ"), False),
        ]

    def test_thai_language(self, tmp_path: Path) -> None:
        assert read(tmp_path, PAGE).lang == "th"

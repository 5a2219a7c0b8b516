"""Thai marks a PDF font left unmapped, decoded per document with the dictionary."""

from __future__ import annotations

from ingest.readers.pdf_marks import recover_unmapped_marks

PAGES = [
    "การพัฒนา API ในการเรียกใชFขFอมูลบุคคล สJวนดังนี้ ระบบที่จะเรียกใชFขFอมูลผJานทาง EGAWS บนเครือขJาย GIN",
    "หFามทำสำเนากJอนไดFรับอนุญาต เลขรหัสประจำบFาน",
    "สำนักงานพัฒนารัฐบาลดิจิทัล (องคBการมหาชน) องคBการ องคBประกอบ คำศัพทB/ ปรับแกF ขFอ 5 หนFา 5",
]


def test_each_byte_becomes_the_mark_that_makes_words() -> None:
    fixed, mapping, replaced = recover_unmapped_marks(PAGES)
    assert mapping == {"F": "\u0e49", "J": "\u0e48", "B": "\u0e4c"}
    assert fixed[0] == "การพัฒนา API ในการเรียกใช้ข้อมูลบุคคล ส่วนดังนี้ ระบบที่จะเรียกใช้ข้อมูลผ่านทาง EGAWS บนเครือข่าย GIN"
    # word-final bytes too ("ปรับแกF"), but never the digits and Latin words around Thai
    assert fixed[2] == "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) องค์การ องค์ประกอบ คำศัพท์/ ปรับแก้ ข้อ 5 หน้า 5"
    assert replaced == 7 + 4 + 7


def test_a_byte_seen_too_rarely_or_explained_by_no_mark_is_left_alone() -> None:
    rare = ["ระบบใชFงาน ขFอมูล"]  # twice: too little to decide
    assert recover_unmapped_marks(rare) == (rare, {}, 0)
    unexplained = ["กขคQงจฉ ชซQฌญ ฎฏQฐฑ ฒณQดต"]  # no mark turns these into words
    assert recover_unmapped_marks(unexplained)[1] == {}


def test_correct_thai_is_unchanged() -> None:
    correct = ["หน่วยงานของรัฐต้องเปิดเผยข้อมูลตามมาตรฐาน Open Data ภายใน 30 วัน"]
    assert recover_unmapped_marks(correct) == (correct, {}, 0)

"""Stage 1 — decode: BOMs, declared charsets, lying labels, detection, truncation, speed."""

from __future__ import annotations

import codecs
import time

import pytest

from dechaff.decode import (
    DEFAULT_MAX_BYTES,
    META_SCAN_BYTES,
    Decoded,
    codec_for_label,
    decode,
)

RUSSIAN = (
    "Москва - столица России, крупнейший по численности населения город страны. "
    "Город расположен на реке Москве в центре Восточно-Европейской равнины. "
    "Здесь находятся органы государственной власти, многие музеи и театры."
)
JAPANESE = (
    "東京は日本の首都であり、世界有数の大都市です。多くの企業の本社が集まり、"
    "交通網も発達しています。春には桜が咲き、多くの人が公園で花見を楽しみます。"
)
CHINESE = (
    "北京是中华人民共和国的首都，是全国的政治中心和文化中心。"
    "这座城市有着三千多年的建城史，拥有众多名胜古迹，每年吸引大量游客前来参观。"
)
FRENCH = "Le théâtre était fermé à cause de la grève. « Où êtes-vous ? » demanda l'élève."


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>t</title></head><body>{body}</body></html>"


def paragraphs(text: str, times: int = 3) -> str:
    return "".join(f"<p>{text}</p>\n" for _ in range(times))


def same_codec(a: str, b: str) -> bool:
    return codecs.lookup(a).name == codecs.lookup(b).name


# --- basics -----------------------------------------------------------------------------------


def test_empty_bytes() -> None:
    assert decode(b"") == Decoded("", "utf-8", False)


def test_plain_ascii_is_utf8() -> None:
    result = decode(b"<p>hello</p>")
    assert result == Decoded("<p>hello</p>", "utf-8", False)


def test_undeclared_utf8() -> None:
    html = page(paragraphs(RUSSIAN + JAPANESE))
    assert decode(html.encode()) == Decoded(html, "utf-8", False)


def test_bytearray_and_memoryview_accepted() -> None:
    data = page("<p>café</p>").encode()
    assert decode(bytearray(data)).text == decode(memoryview(data)).text == data.decode()


# --- BOMs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_bom_wins_and_is_stripped(bom: bytes, codec: str) -> None:
    html = page(f"<p>{RUSSIAN}</p>", head='<meta charset="windows-1251">')
    result = decode(bom + html.encode(codec), http_charset="koi8-r")
    assert result.text == html
    assert same_codec(result.encoding, codec)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_sniffed(codec: str) -> None:
    html = page(f"<p>{FRENCH}</p>")
    result = decode(html.encode(codec))
    assert result.text == html
    assert result.encoding == codec


# --- declared charsets -------------------------------------------------------------------------


def test_http_charset_used() -> None:
    html = page(paragraphs(RUSSIAN))
    result = decode(html.encode("cp1251"), http_charset="windows-1251")
    assert result.text == html
    assert result.encoding == "cp1251"


def test_http_charset_beats_meta() -> None:
    html = page(paragraphs(RUSSIAN), head='<meta charset="windows-1251">')
    result = decode(html.encode("koi8-r"), http_charset="KOI8-R")
    assert result.text == html
    assert result.encoding == "koi8-r"


def test_invalid_http_charset_falls_back_to_meta() -> None:
    html = page(paragraphs(RUSSIAN), head='<meta charset="windows-1251">')
    result = decode(html.encode("cp1251"), http_charset="no-such-charset")
    assert result.text == html


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="windows-1251">',
        "<meta charset='windows-1251'>",
        "<meta charset=windows-1251>",
        '<META CHARSET="WINDOWS-1251" />',
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
        "<meta content='text/html;charset=cp1251' http-equiv='content-type'>",
    ],
)
def test_meta_charset_forms(meta: str) -> None:
    html = page(paragraphs(RUSSIAN), head=meta)
    result = decode(html.encode("cp1251"))
    assert result.text == html
    assert result.encoding == "cp1251"


def test_first_usable_meta_wins() -> None:
    html = page(paragraphs(RUSSIAN), head='<meta charset="bogus"><meta charset="koi8-r">')
    assert decode(html.encode("koi8-r")).encoding == "koi8-r"


def test_meta_inside_comment_ignored() -> None:
    head = '<!-- <meta charset="koi8-r"> --><meta charset="windows-1251">'
    html = page(paragraphs(RUSSIAN), head=head)
    assert decode(html.encode("cp1251")).encoding == "cp1251"


def test_meta_outside_scanned_prefix_ignored() -> None:
    filler = "<!--" + "x" * META_SCAN_BYTES + "-->"
    body = "<p>" + "\u201cquoted\u201d " * 40 + "</p>"
    html = filler + page(body, head='<meta charset="koi8-r">')
    result = decode(html.encode("cp1252"))
    assert result.encoding != "koi8-r"


def test_xml_declaration() -> None:
    html = '<?xml version="1.0" encoding="windows-1251"?>' + page(paragraphs(RUSSIAN))
    result = decode(html.encode("cp1251"))
    assert result.text == html
    assert result.encoding == "cp1251"


@pytest.mark.parametrize("label", ["iso-8859-1", "latin1", "ISO_8859-1", "us-ascii", "l1"])
def test_latin1_and_ascii_read_as_windows_1252(label: str) -> None:
    html = page("<p>\u201cSmart quotes\u201d \u2014 and a \u20ac sign, caf\u00e9</p>")
    result = decode(html.encode("cp1252"), http_charset=label)
    assert result.text == html
    assert result.encoding == "cp1252"


def test_x_user_defined_read_as_windows_1252() -> None:
    html = page(f"<p>{FRENCH}</p>", head='<meta charset="x-user-defined">')
    result = decode(html.encode("cp1252"))
    assert result.text == html


def test_utf7_label_ignored() -> None:
    html = page("<p>+ADw-script+AD4-alert(1)+ADw-/script+AD4-</p>", head='<meta charset="utf-7">')
    result = decode(html.encode("ascii"))
    assert result.text == html
    assert result.encoding == "utf-8"


@pytest.mark.parametrize("label", ["utf-16", "utf-16le", "UTF-16BE"])
def test_utf16_label_on_ascii_bytes_ignored(label: str) -> None:
    html = page(f"<p>{FRENCH}</p>", head=f'<meta charset="{label}">')
    result = decode(html.encode("utf-8"), http_charset=label)
    assert result.text == html
    assert result.encoding == "utf-8"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("utf-8", "utf-8"),
        (" UTF8 ", "utf-8"),
        ('"utf-8"', "utf-8"),
        ("unicode-1-1-utf-8", "utf-8"),
        ("windows-1251", "cp1251"),
        ("x-cp1251", "cp1251"),
        ("latin-1", "cp1252"),
        ("iso-8859-9", "cp1254"),
        ("iso-8859-15", "iso8859-15"),
        ("shift_jis", "cp932"),
        ("x-sjis", "cp932"),
        ("gb2312", "gb18030"),
        ("gbk", "gb18030"),
        ("big5", "big5hkscs"),
        ("euc-kr", "cp949"),
        ("tis-620", "cp874"),
        ("windows-874", "cp874"),
        ("iso-8859-8-i", "iso8859-8"),
        ("x-user-defined", "cp1252"),
        ("utf-7", None),
        ("utf-16", None),
        ("hz-gb-2312", None),
        ("iso-2022-kr", None),
        ("rot13", None),
        ("base64", None),
        ("idna", None),
        ("cp037", None),
        ("bogus", None),
        ("", None),
        (None, None),
        ("\x00", None),
        ("utf-8" * 20, None),
    ],
)
def test_codec_for_label(label: str | None, codec: str | None) -> None:
    assert codec_for_label(label) == codec


# --- lying charsets ----------------------------------------------------------------------------


def test_utf8_bytes_under_legacy_label_are_utf8() -> None:
    html = page(paragraphs(FRENCH + RUSSIAN), head='<meta charset="windows-1252">')
    result = decode(html.encode("utf-8"), http_charset="iso-8859-1")
    assert result.text == html
    assert result.encoding == "utf-8"


def test_utf8_bytes_under_shift_jis_label_are_utf8() -> None:
    html = page(paragraphs(JAPANESE), head='<meta charset="shift_jis">')
    assert decode(html.encode("utf-8")).text == html


def test_cp1251_bytes_under_utf8_label_are_detected() -> None:
    html = page(paragraphs(RUSSIAN, 5), head='<meta charset="utf-8">')
    result = decode(html.encode("cp1251"))
    assert result.text == html
    assert result.encoding == "cp1251"


def test_ascii_under_legacy_label_keeps_label() -> None:
    html = page("<p>plain</p>", head='<meta charset="windows-1251">')
    assert decode(html.encode()) == Decoded(html, "cp1251", False)


def test_stray_bad_bytes_in_utf8_page_are_read_as_windows_1252() -> None:
    html = page(paragraphs(RUSSIAN, 5), head='<meta charset="utf-8">')
    data = html.encode() + b"<p>\xff broken</p>"
    result = decode(data)
    assert result.encoding == "utf-8"
    assert RUSSIAN in result.text
    assert "\u00ff broken" in result.text


@pytest.mark.parametrize("head", ["", '<meta charset="utf-8">'])
def test_utf8_page_with_windows_1252_islands(head: str) -> None:
    """Pages glued from UTF-8 and windows-1252 parts: both parts come out right."""
    utf8_part = page(paragraphs("It’s a “quoted” café – naïve.", 3), head=head).encode()
    legacy_part = "<p>Caf\u00e9 \u2122 \u00a32.99</p>".encode("cp1252")
    result = decode(utf8_part + legacy_part)
    assert result.encoding == "utf-8"
    assert "It’s a “quoted” café – naïve." in result.text
    assert result.text.endswith("<p>Café ™ £2.99</p>")


def test_iso2022jp_without_declaration() -> None:
    html = page(f"<p>{JAPANESE}</p>")
    result = decode(html.encode("iso2022_jp"))
    assert result.text == html


# --- detection ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8-r"),
        (JAPANESE, "shift_jis"),
        (JAPANESE, "euc_jp"),
        (CHINESE, "gbk"),
        (FRENCH, "cp1252"),
    ],
)
def test_detection_without_declaration(text: str, codec: str) -> None:
    html = page(paragraphs(text, 4))
    result = decode(html.encode(codec))
    assert result.text == html


def test_detection_is_fast_on_large_legacy_page() -> None:
    html = page(paragraphs(RUSSIAN, 20_000))  # ~4 MB of cp1251
    data = html.encode("cp1251")
    decode(data)  # warm up the detector's imports
    start = time.perf_counter()
    result = decode(data)
    elapsed = time.perf_counter() - start
    assert result.encoding == "cp1251"
    assert elapsed < 0.5


# --- truncation and NULs -----------------------------------------------------------------------


def test_truncation_does_not_split_utf8_character() -> None:
    data = ("é" * 100).encode()  # 200 bytes
    result = decode(data, max_bytes=51)
    assert result.truncated
    assert result.text == "é" * 25


@pytest.mark.parametrize("codec", ["shift_jis", "gbk", "utf-16-le"])
def test_truncation_does_not_split_multibyte_character(codec: str) -> None:
    text = JAPANESE if codec == "shift_jis" else CHINESE
    http = "utf-16le" if codec == "utf-16-le" else codec
    data = (codecs.BOM_UTF16_LE if codec == "utf-16-le" else b"") + text.encode(codec)
    for cut in range(10, 41):
        result = decode(data, http_charset=http, max_bytes=cut)
        assert result.truncated
        assert "\ufffd" not in result.text
        assert text.startswith(result.text)


def test_no_truncation_at_exact_size() -> None:
    data = b"<p>abc</p>"
    assert decode(data, max_bytes=len(data)) == Decoded("<p>abc</p>", "utf-8", False)


def test_default_max_bytes_truncates() -> None:
    data = b"a" * (DEFAULT_MAX_BYTES + 10)
    result = decode(data)
    assert result.truncated
    assert len(result.text) == DEFAULT_MAX_BYTES


def test_nul_bytes_stripped() -> None:
    result = decode(b"<p>a\x00b\x00\x00c</p>")
    assert result.text == "<p>abc</p>"


def test_nul_bytes_stripped_in_legacy_page() -> None:
    html = page(paragraphs(RUSSIAN), head='<meta charset="windows-1251">')
    data = html.encode("cp1251").replace(b"<p>", b"<p>\x00", 1)
    assert decode(data).text == html


# --- robustness and speed ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"\x00" * 1000,
        b"\xff\xfe",
        b"\xfe\xff\x00",
        b"\xef\xbb\xbf",
        bytes(range(256)) * 40,
        b"<meta charset=" + b"\xff" * 50 + b">",
        b"<?xml encoding='\x80'?>",
        b"<meta charset>" * 500,
        b"\x1b$B" + b"\xff" * 20,
        b"<" * 10_000 + b"\x80",
    ],
)
def test_never_raises(data: bytes) -> None:
    for charset in (None, "utf-8", "bogus", "\x00", "utf-16", "x" * 1000):
        for limit in (0, 1, 3, 1_000_000):
            result = decode(data, http_charset=charset, max_bytes=limit)
            assert isinstance(result.text, str)
            assert "\x00" not in result.text


def test_common_path_is_fast() -> None:
    """A typical 200 KB UTF-8 page with <meta charset> decodes well under 1 ms."""
    body = paragraphs("Plain English text with links and markup. " * 20, 200)
    body += paragraphs(FRENCH + RUSSIAN, 40)
    data = page(body, head='<meta charset="utf-8">').encode()
    assert 150_000 < len(data) < 250_000
    timings = []
    for _ in range(20):
        start = time.perf_counter()
        decode(data)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.001

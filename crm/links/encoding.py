"""Character encoding of an HTML response, decided in the order the HTML Standard gives browsers."""

from __future__ import annotations

import codecs
import re

# WHATWG encoding labels whose Python codec has another name or a different repertoire. Browsers read
# "iso-8859-1" and "us-ascii" as windows-1252, "shift_jis" as Microsoft's cp932, "euc-kr" as cp949 and
# "gb2312" as gb18030, so pages declaring those labels rely on the wider tables.
_LABEL_GROUPS = {
    "utf-8": "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8",
    "cp1252": "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 iso88591 "
    "iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252 x-user-defined",
    "cp1250": "cp1250 windows-1250 x-cp1250",
    "cp1251": "cp1251 windows-1251 x-cp1251",
    "cp1253": "cp1253 windows-1253 x-cp1253",
    "cp1254": "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5 latin5 "
    "windows-1254 x-cp1254",
    "cp1255": "cp1255 windows-1255 x-cp1255",
    "cp1256": "cp1256 windows-1256 x-cp1256",
    "cp1257": "cp1257 windows-1257 x-cp1257",
    "cp1258": "cp1258 windows-1258 x-cp1258",
    "cp874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
    "iso8859-8": "csiso88598i iso-8859-8-i logical csiso88598e csisolatin hebrew iso-8859-8 iso-8859-8-e iso-ir-138 "
    "iso8859-8 iso88598 iso_8859-8 iso_8859-8:1988 visual",
    "koi8-r": "cskoi8r koi koi8 koi8-r koi8_r",
    "koi8-u": "koi8-ru koi8-u",
    "cp866": "866 cp866 csibm866 ibm866",
    "mac-roman": "csmacintosh mac macintosh x-mac-roman",
    "mac-cyrillic": "x-mac-cyrillic x-mac-ukrainian",
    "cp932": "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    "euc_jp": "cseucpkdfmtjapanese euc-jp x-euc-jp",
    "iso2022_jp": "csiso2022jp iso-2022-jp",
    "gb18030": "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk gb18030",
    "big5hkscs": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "cp949": "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 ksc_5601 "
    "windows-949",
    "utf-16-le": "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le",
    "utf-16-be": "unicodefffe utf-16be",
}
_LABELS = {label: codec for codec, labels in _LABEL_GROUPS.items() for label in labels.split()}
# Browsers refuse these outright (they can smuggle markup past filters), so a page cannot pick them.
_REFUSED = frozenset({"utf-7", "utf7", "utf-32", "utf-32le", "utf-32be", "hz-gb-2312", "iso-2022-kr", "iso-2022-cn"})

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF16_LE, "utf-16-le"))
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s,]+)""", re.I)
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_META = re.compile(rb"<meta[\s/]([^>]*)", re.I)
_ATTR = re.compile(rb"""([^\s=/>]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def codec_for(label: str | None) -> str | None:
    """The Python codec a browser's encoding label stands for; None for unknown or refused labels."""
    label = (label or "").strip().strip("\"'").lower()
    if not label or label in _REFUSED:
        return None
    if label in _LABELS:
        return _LABELS[label]
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # Python also knows "codecs" such as base64 or rot13 that are not text encodings at all.
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED:
        return None
    return info.name


def _meta_declaration(head: bytes) -> str | None:
    """The charset a <meta> in the first 1024 bytes declares (the HTML Standard's prescan, simplified)."""
    head = _COMMENT.sub(b"", head[:1024])
    for meta in _META.finditer(head):
        attrs: dict[str, str] = {}
        for name, dq, sq, bare in _ATTR.findall(meta.group(1)):
            key = name.decode("latin-1").lower()
            attrs.setdefault(key, (dq or sq or bare).decode("latin-1"))
        if "charset" in attrs:
            label = attrs["charset"]
        elif attrs.get("http-equiv", "").lower() == "content-type":
            found = _CHARSET.search(attrs.get("content", ""))
            label = found.group(1) if found else ""
        else:
            continue
        codec = codec_for(label)
        if codec:
            # A document that can say "utf-16" in ASCII is not UTF-16; browsers read it as UTF-8.
            return "utf-8" if codec.startswith("utf-16") else codec
    return None


def sniff_encoding(body: bytes, content_type: str = "") -> tuple[str, str]:
    """The codec to decode a page with and where it came from: bom, header, meta, detected or fallback."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec, "bom"
    header = _CHARSET.search(content_type or "")
    if header:
        codec = codec_for(header.group(1))
        if codec:
            return codec, "header"
    codec = _meta_declaration(body)
    if codec:
        return codec, "meta"
    # Undeclared pages: browsers fall back to a locale default (windows-1252 in the West) but Chromium
    # and Firefox first check whether the bytes are valid UTF-8, which most undeclared pages today are.
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252", "fallback"
    return "utf-8", "detected"


def _c1_controls(error: UnicodeError) -> tuple[str, int]:
    """Map the five bytes Python's cp1252 leaves undefined to the C1 controls browsers produce."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return chr(error.object[error.start]), error.start + 1


codecs.register_error("crm_c1_controls", _c1_controls)


def decode_html(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode a response body to text as a browser would; returns (text, codec name)."""
    codec, source = sniff_encoding(body, content_type)
    if source == "bom":
        body = body[len(next(bom for bom, name in _BOMS if name == codec)) :]
    errors = "crm_c1_controls" if codec == "cp1252" else "replace"
    return body.decode(codec, errors), codec

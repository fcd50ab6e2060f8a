"""Author names for the metadata stage: from raw byline strings to clean, de-duplicated names.

The rule throughout is that fewer authors beat wrong authors: a piece that does not look
like a name (a URL, an e-mail, a handle, a date, a job title, "Staff", a sentence) is
dropped rather than guessed at. News agencies ("Reuters", "AP", "AFP") are names here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from dechaff.dates import MONTHS


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a literal word list."""
    return frozenset(text.split())


MAX_NAME_WORDS = 6
"""'María del Carmen García López' has five words; longer pieces are sentences, not names."""

MAX_NAME_CHARS = 60
"""Longer than any plausible personal or agency name."""

MAX_RAW_CHARS = 300
"""A byline string longer than this is a paragraph (an author bio): not parsed."""

MAX_AUTHORS = 10
"""Group bylines rarely list more; past this it is a contributor list or a listing page."""

CREDENTIAL_MAX_CHARS = 5
"""All-caps pieces this short after a name are degrees or posts (MD, PhD, RD, FAND)."""

PREFIXES = (
    "written by", "posted by", "post by", "submitted by", "started by", "asked by",
    "reported by", "reporting by", "published by", "story by",
    "words by", "text by", "article by", "by", "from", "von", "vom", "par", "por", "door",
    "di", "af", "av", "przez", "autor", "autore", "auteur", "author", "authors",
    "text", "texto", "tekst", "redacción", "written", "posted",
)
"""Words that introduce a byline in the languages dechaff meets most (stripped at the start;
any 'X by' / 'X Y by' is too: 'Analysis by', 'Photos by')."""

CONNECTORS = ("and", "AND", "und", "et", "y", "e", "en", "og", "och", "ja", "és")
"""'A and B' in several languages (lower case only, so initials never match); split only
when both sides look like names."""

ROLE_WORDS = _words(
    """staff writer writers reporter reporters editor editors correspondent correspondents
    contributor contributors contributing columnist journalist photographer photographers
    senior chief managing associate assistant deputy executive digital news desk team
    editorial staffer freelance freelancer special guest host producer intern director
    manager marketing founder cofounder co-founder ceo cto cmo president head lead
    specialist consultant expert strategist analyst officer engineer developer designer
    content reviewer reviewed fact checked checker medically
    redaktion redakteur redakteurin korrespondent korrespondentin rédaction rédacteur
    redacción redactor redactora redazione giornalista redactie redacteur"""
)
"""Job words: a piece made only of them is a role ('Senior Editor'), not a name."""

PERSONAL_ROLES = _words(
    "writer reporter correspondent editor columnist photographer producer journalist"
)
"""A piece ending in one of these is a job description ('AP Auto Writer'); collective
bylines ('Podium Staff', 'News Desk', 'SFist Contributor') end otherwise and are kept."""

PARTICLES = _words(
    "van von der den de del della di da dos das du le la ten ter bin al el y zu af"
)
"""Lower-case words that belong inside names ('Ludwig van Beethoven')."""

JUNK_NAMES = _words(
    """admin administrator anonymous unknown webmaster author none null nobody user
    guest staff editor editors team"""
)
"""Placeholders that CMSs put where a name should be."""

CREDENTIALS = _words(
    """md phd ph.d rd rdn ms msc ma ba bsc mba mph rn np pa do dds dmd cpa cfa jd esq
    ld cdn fand facs facp lcsw lpc psyd edd dnp cpt cscs"""
)
"""Degrees and certifications written after a name: never names themselves."""

CALENDAR_WORDS = frozenset(MONTHS) | _words(
    """mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday
    saturday sunday today yesterday mo di mi do fr sa so lun mar mer jeu ven sam dim
    montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi mercredi
    jeudi vendredi samedi dimanche lunes martes miércoles jueves viernes sábado domingo"""
)
"""Day and month names: a 'name' that is one of them is a cut-off date."""

_URLISH = re.compile(r"https?:|www\.|/", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_SPLIT = re.compile(r"\s*(?:[,;|/•·»]|&|\s[-–—]\s|\n)\s*")
_GLUE = frozenset(c.casefold() for c in (*CONNECTORS, *PREFIXES))
_TEMPLATE = re.compile(r"[{}<>%$:=\[\]]|\w\.\w+\.\w+\.\w")
_HANDLE = re.compile(r"^[\w.\-]{3,}$")
_PREFIX = re.compile(
    r"^(?:(?:(?:[^\W\d_]+\s+){0,2}by|" + "|".join(re.escape(p) for p in PREFIXES)
    + r")\b[\s:.\-–—]*)+",
    re.IGNORECASE,
)
_CONNECTOR = re.compile(r"\s+(?:" + "|".join(re.escape(c) for c in CONNECTORS) + r")\s+")
_HAS_LETTER = re.compile(r"[^\W\d_]")


def strip_prefix(text: str) -> str:
    """'By Jane Doe' -> 'Jane Doe' ('Written by', 'Von', 'Par', ... likewise)."""
    return _PREFIX.sub("", text.strip())


def name_key(name: str) -> str:
    """Case-, width- and space-insensitive identity of a name (for de-duplication)."""
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", name).casefold()))


def _tidy(piece: str) -> str:
    """Trim spaces and stray punctuation (keeping a closing '.' of 'Jr.')."""
    piece = " ".join(piece.split())
    piece = re.sub(r"^[\W_]+", "", piece)
    return re.sub(r"[\s,;:|\-–—(\[]+$", "", piece)


def is_plausible_name(name: str, *, strict: bool) -> bool:
    """Whether ``name`` can be an author; ``strict`` (visible text) also wants it written
    like a name: capitalised words, or a single user handle."""
    words = name.split()
    if not words or len(words) > MAX_NAME_WORDS or len(name) > MAX_NAME_CHARS:
        return False
    if not _HAS_LETTER.search(name) or _URLISH.search(name) or _EMAIL.search(name):
        return False
    key = name_key(name)
    if name.startswith("@") or key in JUNK_NAMES or key in _GLUE or _TEMPLATE.search(name):
        return False
    if len(words) == 1 and name.casefold().strip(".") in CALENDAR_WORDS:
        return False
    if all(w.casefold().strip(".") in ROLE_WORDS for w in words):
        return False
    if len(words) > 1 and words[-1].casefold().strip(".").split("-")[0] in PERSONAL_ROLES:
        return False
    if len(words) == 1 and "admin" in key:
        return False
    return not strict or _looks_written_as_name(words)


def _looks_written_as_name(words: list[str]) -> bool:
    """Visible text: capitalised words (lower-case particles allowed), or one handle."""
    if any(c.isdigit() for c in "".join(words)) and len(words) > 1:
        return False
    if len(words) == 1:
        return bool(_HANDLE.match(words[0])) or not words[0].islower()
    return all(not w.islower() or w in PARTICLES for w in words[words[0] == "the" :])


def _is_credential(piece: str, after_name: bool) -> bool:
    """'MD', 'PhD', or a short all-caps piece right after a name ('FAND')."""
    key = piece.casefold().replace(" ", "")
    if key.strip(".") in CREDENTIALS:
        return True
    compact = piece.replace(".", "")
    return after_name and compact.isalpha() and compact.isupper() and len(compact) <= (
        CREDENTIAL_MAX_CHARS
    )


def _split_connectors(piece: str) -> list[str]:
    """'Jane Doe and John Roe' -> both, when each side is a plausible name."""
    parts = _CONNECTOR.split(piece)
    if len(parts) > 1 and all(is_plausible_name(p, strict=True) for p in parts):
        return parts
    return [piece]


def split_names(raw: str, *, strict: bool = False, split: bool = True) -> list[str]:
    """Clean names found in one raw author string.

    ``split`` (default) separates lists ('A, B & C'); turn it off for sources that hold
    exactly one name per value (e.g. ``citation_author``, which writes 'Doe, Jane').
    ``strict`` is for visible byline text: names there must be written like names
    (capitalised words, lower-case particles allowed) or be a single user handle.
    """
    if not raw or len(raw) > MAX_RAW_CHARS:
        return []
    text = _URL.sub(" ", _EMAIL.sub(" ", raw))
    text = _PREFIX.sub("", text.strip())
    pieces = _SPLIT.split(text) if split else [_flip_comma_name(text)]
    names: list[str] = []
    for piece in pieces:
        if piece.strip().startswith("@"):
            continue
        piece = _tidy(_PREFIX.sub("", _tidy(piece)))
        if not piece or _is_credential(piece, after_name=bool(names)):
            continue
        for part in _split_connectors(piece) if split else [piece]:
            part = _tidy(part)
            if is_plausible_name(part, strict=strict):
                names.append(part)
    return names


def _flip_comma_name(text: str) -> str:
    """'Doe, Jane' -> 'Jane Doe' (one comma: a surname, then one to three given names)."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2 and len(parts[0].split()) == 1 and 1 <= len(parts[1].split()) <= 3:
        return f"{parts[1]} {parts[0]}"
    return text


def dedupe(names: Iterable[str], limit: int = MAX_AUTHORS) -> tuple[str, ...]:
    """Names in first-seen order, without case/space duplicates, at most ``limit``."""
    seen: set[str] = set()
    kept: list[str] = []
    for name in names:
        key = name_key(name)
        if key and key not in seen:
            seen.add(key)
            kept.append(name)
    return tuple(kept[:limit])

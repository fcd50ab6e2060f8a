"""Date normalisation: many written forms of a date -> ISO 8601.

``normalize_date`` returns ``YYYY-MM-DD`` when only the day is known,
``YYYY-MM-DDTHH:MM:SS+HH:MM`` when a time and its offset are known (the offset is the
one written, so the calendar date stays the local one), and ``YYYY-MM-DDTHH:MM:SS``
for a time without an offset. It never raises; anything it cannot read, or a year
outside the plausible range, gives None.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_tz

MIN_YEAR = 1990  # the web publishing era: older "dates" on pages are mostly noise
FUTURE_YEARS = 1  # allow scheduled / time-zone-ahead dates, not typos like 2091
MAX_INPUT_CHARS = 200  # a date lives in a short string; longer text is cut before parsing
MAX_OFFSET = timedelta(hours=18)  # the widest UTC offset ISO 8601 / Python accept
EPOCH_S_DIGITS = 10  # a Unix time in seconds has 10 digits for 2001..2286
EPOCH_MS_DIGITS = 13  # the same in milliseconds

_MONTHS_BY_NUMBER: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio",
        "gen", "janeiro", "januari", "stycznia", "styczeń", "января", "январь", "ocak",
        "ledna", "tammikuuta", "ianuarie"),
    2: ("february", "feb", "februar", "feber", "février", "févr", "fév", "febrero",
        "febbraio", "fevereiro", "fev", "februari", "lutego", "luty", "февраля", "февраль",
        "şubat", "února", "helmikuuta", "februarie"),
    3: ("march", "mar", "märz", "maerz", "mär", "mrz", "mars", "marzo", "março", "maart",
        "mrt", "marts", "marca", "marzec", "марта", "март", "mart", "března",
        "maaliskuuta", "martie", "maret"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile", "kwietnia", "kwiecień",
        "апреля", "апрель", "nisan", "dubna", "huhtikuuta", "aprilie"),
    5: ("may", "mai", "mayo", "maggio", "mag", "maio", "mei", "maj", "maja", "мая", "май",
        "mayıs", "května", "toukokuuta"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho", "czerwca",
        "czerwiec", "июня", "июнь", "haziran", "června", "kesäkuuta", "iunie"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho",
        "lipca", "lipiec", "июля", "июль", "temmuz", "července", "heinäkuuta", "iulie"),
    8: ("august", "aug", "août", "aout", "agosto", "ago", "augustus", "augusti", "sierpnia",
        "sierpień", "августа", "август", "ağustos", "srpna", "elokuuta", "agustus"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "settembre",
        "set", "setembro", "września", "wrzesień", "сентября", "сентябрь", "eylül", "září",
        "syyskuuta", "septembrie"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott",
         "outubro", "out", "października", "październik", "октября", "октябрь", "ekim",
         "října", "lokakuuta", "octombrie"),
    11: ("november", "nov", "novembre", "noviembre", "novembro", "listopada", "listopad",
         "ноября", "ноябрь", "kasım", "listopadu", "marraskuuta", "noiembrie"),
    12: ("december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre",
         "dic", "dicembre", "dezembro", "desember", "grudnia", "grudzień", "декабря",
         "декабрь", "aralık", "prosince", "joulukuuta", "decembrie", "desember"),
}


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


MONTHS: dict[str, int] = {
    key: number
    for number, names in _MONTHS_BY_NUMBER.items()
    for name in names
    for key in (name, _strip_accents(name))
}

_TZ = r"(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)"
_TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
_ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    rf"(?:[T ]{_TIME}\s?{_TZ}?)?(?!\d)"
)
_YMD = re.compile(r"(?<!\d)(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})(?!\d)")
_DOTTED_DMY = re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4})(?!\d)")
_SLASHED = re.compile(r"(?<![\d/-])(?P<a>\d{1,2})([/-])(?P<b>\d{1,2})\2(?P<y>\d{4})(?!\d)")
_WORD_MONTH = r"(?P<mon>[^\W\d_]{3,})\.?"
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th|er|º|°)?"
_TEXT_DMY = re.compile(
    rf"(?<!\d){_DAY}\.?\s*(?:de |of )?{_WORD_MONTH},?\s*(?:de |del )?(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_TEXT_MDY = re.compile(rf"{_WORD_MONTH}\s+{_DAY},?\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE)
_CJK = re.compile(r"(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})")
_RFC2822 = re.compile(r"^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}")
_EPOCH = re.compile(rf"^\s*(\d{{{EPOCH_S_DIGITS}}}|\d{{{EPOCH_MS_DIGITS}}})\s*$")
_COMPACT = re.compile(r"^\s*(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})\s*$")


def max_plausible_year() -> int:
    """The latest year accepted: this year plus ``FUTURE_YEARS``."""
    return datetime.now(timezone.utc).year + FUTURE_YEARS


def make_date(year: int, month: int, day: int, max_year: int) -> date | None:
    """A valid date in the plausible range, or None."""
    if not MIN_YEAR <= year <= max_year:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _offset(text: str | None) -> timezone | None:
    """A ``Z`` / ``+HH`` / ``+HH:MM`` / ``+HHMM`` suffix as a timezone."""
    if not text:
        return None
    if text == "Z":
        return timezone.utc
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    delta = timedelta(hours=hours, minutes=minutes)
    if delta >= MAX_OFFSET or minutes >= 60:
        return None
    return timezone(-delta if text[0] == "-" else delta)


def _render(day: date, clock: tuple[int, int, int] | None, tz: timezone | None) -> str:
    """ISO 8601: the day alone, or with the time (and the offset when known)."""
    if clock is None:
        return day.isoformat()
    hour, minute, second = clock
    if hour > 23 or minute > 59 or second > 59:
        return day.isoformat()
    moment = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz)
    return moment.isoformat()


def _from_iso(text: str, max_year: int) -> str | None:
    match = _ISO.search(text)
    if not match:
        return None
    day = make_date(int(match["y"]), int(match["m"]), int(match["d"]), max_year)
    if day is None:
        return None
    if match["H"] is None:
        return day.isoformat()
    clock = (int(match["H"]), int(match["M"]), int(match["S"] or 0))
    return _render(day, clock, _offset(match["tz"]))


def _from_rfc2822(text: str, max_year: int) -> str | None:
    if not _RFC2822.match(text):
        return None
    parts = parsedate_tz(text.strip())
    if parts is None:
        return None
    day = make_date(parts[0], parts[1], parts[2], max_year)
    if day is None:
        return None
    offset = parts[9]
    tz = timezone(timedelta(seconds=offset)) if offset is not None and abs(offset) < 64800 else None
    return _render(day, (parts[3], parts[4], parts[5]), tz)


def _from_epoch(text: str, max_year: int) -> str | None:
    match = _EPOCH.match(text)
    if not match:
        return None
    seconds = int(match[1]) / (1000 if len(match[1]) == EPOCH_MS_DIGITS else 1)
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    if make_date(moment.year, moment.month, moment.day, max_year) is None:
        return None
    return moment.replace(microsecond=0).isoformat()


def _from_numeric(text: str, max_year: int, day_first: bool) -> str | None:
    """``2019/11/19``, ``19.11.2019``, ``11/19/2019`` or ``19/11/2019``, ``20191119``."""
    for pattern in (_YMD, _DOTTED_DMY, _COMPACT):
        match = pattern.search(text)
        if match:
            day = make_date(int(match["y"]), int(match["m"]), int(match["d"]), max_year)
            return day.isoformat() if day else None
    match = _SLASHED.search(text)
    if not match:
        return None
    first, second = int(match["a"]), int(match["b"])
    if first > 12 or (day_first and second <= 12):
        first, second = second, first
    day = make_date(int(match["y"]), first, second, max_year)
    return day.isoformat() if day else None


def _from_words(text: str, max_year: int) -> str | None:
    """``19 Nov 2019``, ``November 19, 2019``, ``19. November 2019``, ``2019年11月19日``."""
    for pattern in (_TEXT_DMY, _TEXT_MDY):
        for match in pattern.finditer(text):
            month = MONTHS.get(match["mon"].casefold().rstrip("."))
            if month:
                day = make_date(int(match["y"]), month, int(match["d"]), max_year)
                if day:
                    return day.isoformat()
    cjk = _CJK.search(text)
    if cjk:
        day = make_date(int(cjk["y"]), int(cjk["m"]), int(cjk["d"]), max_year)
        return day.isoformat() if day else None
    return None


def normalize_date(
    text: str | None, *, day_first: bool = True, max_year: int | None = None
) -> str | None:
    """The first date found in ``text`` as ISO 8601, or None.

    ``day_first`` settles ``01/02/2020`` (True: 1 February; False: January 2, as in
    US English). ``max_year`` defaults to this year plus ``FUTURE_YEARS``.
    """
    if not text or not isinstance(text, str):
        return None
    text = text[:MAX_INPUT_CHARS]
    limit = max_plausible_year() if max_year is None else max_year
    return (
        _from_epoch(text, limit)
        or _from_iso(text, limit)
        or _from_rfc2822(text, limit)
        or _from_words(text, limit)
        or _from_numeric(text, limit, day_first)
    )

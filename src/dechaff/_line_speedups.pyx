# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The hot loops of plain-text cleaning, compiled; each has a pure-Python reference it must match.

* ``key_columns``: the line-local facts of ``line_features`` (words, ending, character shares,
  capitals, separators, the repeat key) in one pass over each line's characters; the reference
  is ``line_features.reference_line_columns``. No per-line token lists: the few readers of a
  line's tokens split its key (``LineFeatures.tokens``), or walk it (``notice_names``,
  ``key_headline_again``). (A function whose arguments or results change gets a new name: an
  extension built from an older version lacks it, and the caller uses the reference.)

Characters are classified with CPython's own tables (``Py_UNICODE_ISALPHA`` ... are what
``str.isalpha`` ... and the ``re`` module's ``\\w`` use), so the results are the same for every
``str``. The extension is optional (see ``setup.py``); ``DECHAFF_PURE_PYTHON=1`` turns it off.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.stdint cimport uint8_t, uint16_t, uint32_t
from libc.stdlib cimport qsort
from cpython.unicode cimport (
    PyUnicode_1BYTE_KIND,
    PyUnicode_2BYTE_KIND,
    PyUnicode_4BYTE_KIND,
    PyUnicode_DATA,
    PyUnicode_FromKindAndData,
    PyUnicode_KIND,
    PyUnicode_READ,
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISALPHA,
    Py_UNICODE_ISDECIMAL,
    Py_UNICODE_ISDIGIT,
    Py_UNICODE_ISSPACE,
    Py_UNICODE_ISUPPER,
)

cdef extern from "Python.h":
    str PyUnicode_Substring(str text, Py_ssize_t start, Py_ssize_t end)
    bint PyUnicode_IS_ASCII(object text)


# Character classes of the ASCII characters, from ``str``'s own methods (the rest: CPython's
# tables through the ``Py_UNICODE_IS*`` functions, which those methods use).
cdef enum:
    C_SPACE = 1
    C_ALPHA = 2
    C_UPPER = 4
    C_DIGIT = 8
    C_WORD = 16

cdef unsigned char _ASCII[128]
for _code in range(128):
    _char = chr(_code)
    _ASCII[_code] = (
        (C_SPACE if _char.isspace() else 0) | (C_ALPHA if _char.isalpha() else 0)
        | (C_UPPER if _char.isupper() else 0) | (C_DIGIT if _char.isdigit() else 0)
        | (C_WORD if _char.isalnum() or _char == "_" else 0)
    )


cdef inline bint _space(Py_UCS4 c) noexcept:
    return _ASCII[c] & C_SPACE if c < 128 else Py_UNICODE_ISSPACE(c)


cdef inline bint _alpha(Py_UCS4 c) noexcept:
    return _ASCII[c] & C_ALPHA if c < 128 else Py_UNICODE_ISALPHA(c)


cdef inline bint _upper(Py_UCS4 c) noexcept:
    return _ASCII[c] & C_UPPER if c < 128 else Py_UNICODE_ISUPPER(c)


cdef inline bint _digit(Py_UCS4 c) noexcept:
    return _ASCII[c] & C_DIGIT if c < 128 else Py_UNICODE_ISDIGIT(c)


cdef inline bint _word(Py_UCS4 c) noexcept:
    """``\\w`` of the ``re`` module: alphanumeric or ``_``."""
    return _ASCII[c] & C_WORD if c < 128 else (Py_UNICODE_ISALNUM(c) or c == u"_")


cdef inline bint _is_cjk(Py_UCS4 c) noexcept:
    """``line_features._CJK_RE``'s ranges (Hangul, kana, CJK ideographs)."""
    return (
        (0x1100 <= c <= 0x11FF) or (0x3040 <= c <= 0x30FF) or (0x3130 <= c <= 0x318F)
        or (0x3400 <= c <= 0x4DBF) or (0x4E00 <= c <= 0x9FFF) or (0xAC00 <= c <= 0xD7AF)
        or (0xF900 <= c <= 0xFAFF)
    )


cdef inline bint _is_terminal(Py_UCS4 c) noexcept:
    """``line_features._TERMINALS``."""
    return c in u".!?。！？؟।॥።;…"


cdef inline bint _is_closer(Py_UCS4 c) noexcept:
    """``line_features._CLOSERS``."""
    return c in u"\"'”’»›)]}」』）】"


cdef inline bint _is_ellipsis_strip(Py_UCS4 c) noexcept:
    """The characters ``_ending`` strips from an ellipsis-ended line: ``.…[]()`` and space."""
    return c in u".…[]() "


cdef struct Text:
    int kind
    void *data
    Py_ssize_t length


cdef inline Text _text(str text) noexcept:
    cdef Text out
    out.kind = PyUnicode_KIND(text)
    out.data = PyUnicode_DATA(text)
    out.length = len(text)
    return out


cdef inline Py_UCS4 _at(Text t, Py_ssize_t i) noexcept:
    return PyUnicode_READ(t.kind, t.data, i)


cdef struct CharSet:
    # A set of characters: ASCII as a bitmap (low: 0-63, high: 64-127), the rest (few or
    # none) as a ``str`` searched one by one.
    unsigned long long low
    unsigned long long high
    void *rest


cdef CharSet _charset(str chars, list keep):
    """The characters of ``chars`` as a bitmap (ASCII) and a string (the rest); ``keep`` holds
    that string while the set is in use."""
    cdef CharSet out
    cdef Py_ssize_t i
    cdef unsigned int code
    cdef Text t = _text(chars)
    cdef list rest = []
    out.low = out.high = 0
    for i in range(t.length):
        code = _at(t, i)
        if code < 64:
            out.low |= 1ULL << code
        elif code < 128:
            out.high |= 1ULL << (code - 64)
        else:
            rest.append(chars[i])
    others = "".join(rest)
    keep.append(others)
    out.rest = <void *>others
    return out


cdef inline bint _in(CharSet *chars, Py_UCS4 c):
    cdef unsigned int code = c
    if code < 64:
        return (chars.low >> code) & 1
    if code < 128:
        return (chars.high >> (code - 64)) & 1
    return c in <str><object>chars.rest


cdef bint _ends_with(Text t, str suffix):
    cdef Py_ssize_t m = len(suffix), i
    cdef Py_UCS4 b
    if m > t.length:
        return False
    for i in range(m):
        b = suffix[i]
        if _at(t, t.length - m + i) != b:
            return False
    return True


cdef bint _ellipsis_end(Text t):
    """``text.endswith(("…", "...", "[…]", "[...]", "(…)", "(...)"))``."""
    if t.length == 0:
        return False
    cdef Py_UCS4 last = _at(t, t.length - 1)
    if last == u"…":
        return True
    if last == u".":
        return _ends_with(t, u"...")
    if last == u"]":
        return _ends_with(t, u"[…]") or _ends_with(t, u"[...]")
    if last == u")":
        return _ends_with(t, u"(…)") or _ends_with(t, u"(...)")
    return False


cdef Py_ssize_t _separators(Text t) noexcept:
    """``len(_SEPARATOR_RE.findall(text))`` for ``[|»›]| [>/·•–] ``: matches never overlap."""
    cdef Py_ssize_t i = 0, found = 0, n = t.length
    cdef Py_UCS4 c
    while i < n:
        c = _at(t, i)
        if c == u"|" or c == u"»" or c == u"›":
            found += 1
            i += 1
            continue
        if c == u" " and i + 2 < n and _at(t, i + 2) == u" " and (
            _at(t, i + 1) in u">/·•–"
        ):
            found += 1
            i += 3
            continue
        i += 1
    return found


# The case folding of each BMP character, filled in from ``str.casefold`` when first met: the
# one character it folds to, ``FOLD_SEVERAL`` when it folds to more (``ß`` -> ``ss``).
cdef enum:
    FOLD_UNKNOWN = -1
    FOLD_SEVERAL = -2
    BMP = 0x10000

cdef long *_FOLDS = <long *>PyMem_Malloc(BMP * sizeof(long))
if _FOLDS == NULL:
    raise MemoryError()
for _code in range(BMP):
    _FOLDS[_code] = FOLD_UNKNOWN


cdef inline long _fold(Py_UCS4 c) except -3:
    """``c.casefold()`` as one character, or ``FOLD_SEVERAL`` (more than one, or beyond the
    BMP: not looked up)."""
    cdef long code = <long>c
    if code < 128:
        return code + 32 if 65 <= code <= 90 else code
    if code >= BMP:
        return FOLD_SEVERAL
    if _FOLDS[code] == FOLD_UNKNOWN:
        folded = chr(code).casefold()
        _FOLDS[code] = ord(folded) if len(folded) == 1 else FOLD_SEVERAL
    return _FOLDS[code]


cdef object _joined_runs(Text t, bint collapse, bint fold, Py_ssize_t *parts):
    """The runs of a line's characters joined by one space: with ``collapse`` the runs of
    non-space (``" ".join(text.split())``), else the runs of ``\\w`` (``" ".join(
    _WORD_RE.findall(text))``); ``parts`` receives the number of runs. With ``fold`` each
    character is casefolded on the way, giving the key of ``text.casefold()``, or None when a
    character folds to several (the caller then folds the whole text and joins without
    ``fold``). Casefolding maps each character on its own, so folding them one at a time
    gives the same string."""
    cdef Py_ssize_t i, size = 0
    cdef long folded
    cdef Py_UCS4 c
    cdef bint inside = False, keep
    cdef Py_UCS4 *buffer = <Py_UCS4 *>PyMem_Malloc((t.length + 1) * sizeof(Py_UCS4))
    if buffer == NULL:
        raise MemoryError()
    parts[0] = 0
    try:
        for i in range(t.length):
            c = _at(t, i)
            if fold:
                folded = _fold(c)
                if folded == FOLD_SEVERAL:
                    return None
                c = <Py_UCS4>folded
            keep = not _space(c) if collapse else _word(c)
            if keep:
                if not inside:
                    if size:
                        buffer[size] = u" "
                        size += 1
                    inside = True
                    parts[0] += 1
                buffer[size] = c
                size += 1
            else:
                inside = False
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buffer, size)
    finally:
        PyMem_Free(buffer)


def key_columns(list texts, Py_ssize_t long_line_chars, Py_ssize_t spaced_chars_per_word,
                Py_ssize_t cjk_chars_per_word, Py_ssize_t cue_max_words):
    """``line_features.reference_line_columns(texts)`` with the module's thresholds given (the
    repeat key last, no token lists: readers split the key)."""
    cdef unsigned char *buffer = <unsigned char *>PyMem_Malloc(long_line_chars + 1)
    cdef Py_UCS4 *wide = <Py_UCS4 *>PyMem_Malloc((long_line_chars + 1) * sizeof(Py_UCS4))
    if buffer == NULL or wide == NULL:
        PyMem_Free(buffer)
        PyMem_Free(wide)
        raise MemoryError()
    try:
        return _line_columns(texts, long_line_chars, spaced_chars_per_word, cjk_chars_per_word,
                             cue_max_words, buffer, wide)
    finally:
        PyMem_Free(buffer)
        PyMem_Free(wide)


ctypedef fused Unit:
    # The code units of a ``str`` (PEP 393: one, two or four bytes per character).
    uint8_t
    uint16_t
    uint32_t


# The class bits (``C_*``) of each BMP character beyond ASCII, filled in when first met from
# the same ``Py_UNICODE_IS*`` functions as ``_space`` ... (``C_KNOWN``: filled).
cdef enum:
    C_KNOWN = 128

cdef unsigned char *_CLASSES = <unsigned char *>PyMem_Malloc(BMP)
if _CLASSES == NULL:
    raise MemoryError()
for _code in range(BMP):
    _CLASSES[_code] = 0


cdef inline unsigned char _computed_bits(Py_UCS4 c) noexcept:
    """A character's class bits from CPython's tables (what ``_space`` ... say)."""
    return (
        (C_SPACE if Py_UNICODE_ISSPACE(c) else 0) | (C_ALPHA if Py_UNICODE_ISALPHA(c) else 0)
        | (C_UPPER if Py_UNICODE_ISUPPER(c) else 0) | (C_DIGIT if Py_UNICODE_ISDIGIT(c) else 0)
        | (C_WORD if Py_UNICODE_ISALNUM(c) or c == u"_" else 0) | C_KNOWN
    )


cdef inline unsigned char _bits(Py_UCS4 c) noexcept:
    """The class bits of any character: ``_ASCII``, the BMP table, or computed."""
    cdef unsigned char bits
    if c < 128:
        return _ASCII[c]
    if c < BMP:
        bits = _CLASSES[c]
        if bits == 0:
            bits = _computed_bits(c)
            _CLASSES[c] = bits
        return bits
    return _computed_bits(c)


cdef struct ShortFacts:
    # What one pass over a line of at most ``LONG_LINE_CHARS`` characters finds.
    Py_ssize_t parts, cjk, total, letters, upper, digits, initial_alpha, initial_upper, size
    bint several  # a character folds to several: the key is not in the buffer


cdef int _short_facts(const Unit *data, Py_ssize_t n, bint ascii, unsigned char *buffer,
                      Py_UCS4 *wide, ShortFacts *out) except -1:
    """The facts ``_line_columns`` takes from a line short enough to have a ``\\w`` key, in one
    pass: the key (as ``_ascii_key`` into ``buffer`` for an ASCII line, else as
    ``_joined_runs`` into ``wide``), ``_parts``, the CJK characters (``_is_cjk``) and the
    character shares and initials of the cue loop, each counted as there."""
    cdef Py_ssize_t i, size = 0
    cdef Py_UCS4 c, folded_c
    cdef long folded
    cdef unsigned char bits, folded_bits
    cdef bint inside_part = False, inside_key = False, at_start = True, several = False
    cdef Py_ssize_t parts = 0, cjk = 0, total = 0, letters = 0, upper = 0, digits = 0
    cdef Py_ssize_t initial_alpha = 0, initial_upper = 0
    for i in range(n):
        c = data[i]
        if c < 128:
            bits = _ASCII[c]
            folded_c = <Py_UCS4>(<unsigned int>c + 32) if 65 <= c <= 90 else c
            folded_bits = bits
        else:
            bits = _bits(c)
            if Unit is not uint8_t:
                if _is_cjk(c):
                    cjk += 1
            if not several:
                folded = _fold(c)
                if folded == FOLD_SEVERAL:
                    several = True
                else:
                    folded_c = <Py_UCS4>folded
                    folded_bits = _bits(folded_c)
        if not several:
            if folded_bits & C_WORD:
                if not inside_key:
                    if size:
                        if ascii:
                            buffer[size] = 32  # (a space)
                        else:
                            wide[size] = u" "
                        size += 1
                    inside_key = True
                if ascii:
                    buffer[size] = <unsigned char>folded_c
                else:
                    wide[size] = folded_c
                size += 1
            else:
                inside_key = False
        if c != u" ":
            total += 1
        if bits & C_ALPHA:
            letters += 1
        if bits & C_UPPER:
            upper += 1
        if bits & C_DIGIT:
            digits += 1
        if bits & C_SPACE:
            inside_part = False
            at_start = True
        else:
            if not inside_part:
                inside_part = True
                parts += 1
            if at_start:
                at_start = False
                if bits & C_ALPHA:
                    initial_alpha += 1
                if bits & C_UPPER:
                    initial_upper += 1
    out.parts, out.cjk, out.total, out.letters, out.upper = parts, cjk, total, letters, upper
    out.digits, out.initial_alpha, out.initial_upper = digits, initial_alpha, initial_upper
    out.size, out.several = size, several
    return 0


cdef void _ascii_facts(const uint8_t *data, Py_ssize_t n, unsigned char *buffer,
                       ShortFacts *out) noexcept:
    """``_short_facts`` for an ASCII line: every character's classes from ``_ASCII``, the key
    into ``buffer`` (casefolding lowers ``A``-``Z``: the upper-case bit, ``C_UPPER`` = 4,
    moved to 32), counted without branches where it can be. A part opens where a word's
    initial is counted: after a space or at the start (``at_start``)."""
    cdef Py_ssize_t i, size = 0
    cdef unsigned char c, bits
    cdef bint inside_key = False, at_start = True
    cdef Py_ssize_t parts = 0, total = 0, letters = 0, upper = 0, digits = 0
    cdef Py_ssize_t initial_alpha = 0, initial_upper = 0
    for i in range(n):
        c = data[i]
        bits = _ASCII[c]
        total += c != 32
        letters += (bits & C_ALPHA) != 0
        upper += (bits & C_UPPER) != 0
        digits += (bits & C_DIGIT) != 0
        if bits & C_WORD:
            if not inside_key:
                if size:
                    buffer[size] = 32  # (a space)
                    size += 1
                inside_key = True
            buffer[size] = c + ((bits & C_UPPER) << 3)
            size += 1
        else:
            inside_key = False
        if bits & C_SPACE:
            at_start = True
        elif at_start:
            at_start = False
            parts += 1
            initial_alpha += (bits & C_ALPHA) != 0
            initial_upper += (bits & C_UPPER) != 0
    out.parts, out.cjk, out.total, out.letters, out.upper = parts, 0, total, letters, upper
    out.digits, out.initial_alpha, out.initial_upper = digits, initial_alpha, initial_upper
    out.size, out.several = size, False


cdef tuple _line_columns(list texts, Py_ssize_t long_line_chars,
                         Py_ssize_t spaced_chars_per_word, Py_ssize_t cjk_chars_per_word,
                         Py_ssize_t cue_max_words, unsigned char *buffer, Py_UCS4 *wide):
    """``key_columns`` with scratch buffers of ``long_line_chars`` + 1 characters: a line that
    long or shorter in one pass (``_short_facts``), a longer one as before (its key collapses
    whitespace; its shares only counted when it has few words)."""
    cdef list words_col = [], chars_col = [], terminal_col = [], ellipsis_col = [], cut_col = []
    cdef list colon_col = [], digit_col = [], letter_col = [], upper_col = [], capital_col = []
    cdef list separator_col = [], key_col = []
    cdef str text, key, folded_text
    cdef object mapped
    cdef Text t
    cdef ShortFacts f
    cdef Py_ssize_t n, i, j, parts, words, cjk, total, letters, upper, digits, unused
    cdef Py_ssize_t initial_alpha, initial_upper
    cdef bint terminal, ellipsis, cut, at_start, ascii
    cdef Py_UCS4 c
    for text in texts:
        t = _text(text)
        n = t.length
        ascii = PyUnicode_IS_ASCII(text)
        if n <= long_line_chars:
            if ascii:
                _ascii_facts(<const uint8_t *>t.data, n, buffer, &f)
            elif t.kind == PyUnicode_1BYTE_KIND:
                _short_facts(<const uint8_t *>t.data, n, ascii, buffer, wide, &f)
            elif t.kind == PyUnicode_2BYTE_KIND:
                _short_facts(<const uint16_t *>t.data, n, ascii, buffer, wide, &f)
            else:
                _short_facts(<const uint32_t *>t.data, n, ascii, buffer, wide, &f)
            if f.several:
                folded_text = text.casefold()  # (kept alive while its characters are read)
                key = _joined_runs(_text(folded_text), False, False, &unused)
            elif ascii:
                key = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, buffer, f.size)
            else:
                key = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, wide, f.size)
            parts = f.parts
            words = parts
            if parts * spaced_chars_per_word < n and not ascii:
                words = parts + f.cjk // cjk_chars_per_word
        else:
            # (casefolding keeps every space a space and makes none: the same parts)
            mapped = _joined_runs(t, True, True, &parts)
            if mapped is None:
                folded_text = text.casefold()
                mapped = _joined_runs(_text(folded_text), True, False, &parts)
            key = <str>mapped
            # words: whitespace parts, plus half the CJK characters of a line with few spaces
            words = parts
            if parts * spaced_chars_per_word < n and not ascii:
                cjk = 0
                for i in range(n):
                    if _is_cjk(_at(t, i)):
                        cjk += 1
                words = parts + cjk // cjk_chars_per_word
        # the ending
        if _ellipsis_end(t):
            terminal = ellipsis = True
            j = n
            while j > 0 and _is_ellipsis_strip(_at(t, j - 1)):
                j -= 1
            cut = (
                j > 0 and _alpha(_at(t, j - 1))
                and not (_ends_with(t, u" …") or _ends_with(t, u" ..."))
            )
        else:
            ellipsis = cut = False
            j = n
            while j > 0 and _is_closer(_at(t, j - 1)):
                j -= 1
            terminal = j > 0 and _is_terminal(_at(t, j - 1))
        words_col.append(words)
        chars_col.append(n)
        terminal_col.append(terminal)
        ellipsis_col.append(ellipsis)
        cut_col.append(cut)
        colon_col.append(n > 0 and _at(t, n - 1) == u":")
        key_col.append(key)
        if words > cue_max_words:
            digit_col.append(0.0)
            letter_col.append(1.0)
            upper_col.append(0.0)
            capital_col.append(0.0)
            separator_col.append(0)
            continue
        if n <= long_line_chars:
            total, letters, upper, digits = f.total, f.letters, f.upper, f.digits
            initial_alpha, initial_upper = f.initial_alpha, f.initial_upper
        else:
            total = letters = upper = digits = 0
            initial_alpha = initial_upper = 0
            at_start = True
            for i in range(n):
                c = _at(t, i)
                if c != u" ":
                    total += 1
                if _alpha(c):
                    letters += 1
                if _upper(c):
                    upper += 1
                if _digit(c):
                    digits += 1
                if _space(c):
                    at_start = True
                elif at_start:
                    at_start = False
                    if _alpha(c):
                        initial_alpha += 1
                    if _upper(c):
                        initial_upper += 1
        if total <= 0:
            digit_col.append(0.0)
            letter_col.append(0.0)
            upper_col.append(0.0)
        else:
            digit_col.append(digits / <double>total)
            letter_col.append(letters / <double>total)
            upper_col.append(upper / <double>letters if letters else 0.0)
        if n > long_line_chars:  # (a long line has no parts: no capitals counted)
            capital_col.append(0.0)
        else:
            capital_col.append(initial_upper / <double>initial_alpha if initial_alpha else 0.0)
        separator_col.append(_separators(t))
    return (
        words_col, chars_col, terminal_col, ellipsis_col, cut_col, colon_col, digit_col,
        letter_col, upper_col, capital_col, separator_col, key_col,
    )


# --- the matrix for a learned model ----------------------------------------------------------

MATRIX_NAMES = (
    "log_words", "log_chars", "terminal", "ellipsis", "cut_word", "colon", "digit_share",
    "letter_share", "upper_share", "capital_words", "separators", "bullet", "numbered",
    "heading", "quote", "indent", "blank_before", "log_repeats", "first_of_repeats",
    "title_overlap", "title_cover", "position", "prose", "short", "dated", "byline_cue",
    "credit_cue", "named", "teaser_hint", "title_hint",
    "same_as_previous", "same_as_next", "in_body", "before_body", "after_body", "body_distance",
    "run_length", "prose_before", "prose_after", "prose_density", "previous_log_words",
    "next_log_words", "previous_prose", "next_prose", "previous_named", "next_named",
    "previous_credit", "next_credit", "previous_terminal", "next_terminal", "previous_ellipsis",
    "next_ellipsis", "dated_density", "repeated_density", "since_prose", "until_prose",
    "second_previous_prose", "second_next_prose", "relative_length",
    "doc_log_lines", "doc_prose_share", "doc_short_share", "doc_body_share", "doc_blank_share",
    "doc_bullet_share",
)
"""The columns ``fill_logged_matrix`` writes, in order (``line_features`` checks them against its own)."""
FEATURE_FIELDS = (
    "line", "words", "chars", "terminal", "ellipsis", "cut_word", "colon", "digit_share",
    "letter_share", "upper_share", "capital_words", "separators", "key", "repeats", "first",
    "title_overlap", "title_cover", "position", "dated", "byline_cue", "credit_cue",
)
"""The fields of ``LineFeatures`` read here by position (checked like ``MATRIX_NAMES``)."""
LINE_FIELDS = ("number", "start", "end", "text", "indent", "marker", "blank_before")
"""The fields of ``Line`` read here by position."""
RAW_ROWS = ("words", "chars", "body_distance", "run_length", "since_prose", "until_prose",
            "repeats")
"""The rows of ``raw``: what the caller takes the logarithm of (log1p; log for repeats)."""

cdef enum:
    LOG_WORDS, LOG_CHARS, TERMINAL, ELLIPSIS, CUT_WORD, COLON, DIGIT_SHARE, LETTER_SHARE
    UPPER_SHARE, CAPITAL_WORDS, SEPARATORS, BULLET, NUMBERED, HEADING, QUOTE, INDENT
    BLANK_BEFORE, LOG_REPEATS, FIRST_OF_REPEATS, TITLE_OVERLAP, TITLE_COVER, POSITION, PROSE
    SHORT, DATED, BYLINE_CUE, CREDIT_CUE, NAMED, TEASER_HINT, TITLE_HINT
    SAME_AS_PREVIOUS, SAME_AS_NEXT, IN_BODY, BEFORE_BODY, AFTER_BODY, BODY_DISTANCE, RUN_LENGTH
    PROSE_BEFORE, PROSE_AFTER, PROSE_DENSITY, PREVIOUS_LOG_WORDS, NEXT_LOG_WORDS, PREVIOUS_PROSE
    NEXT_PROSE, PREVIOUS_NAMED, NEXT_NAMED, PREVIOUS_CREDIT, NEXT_CREDIT, PREVIOUS_TERMINAL
    NEXT_TERMINAL, PREVIOUS_ELLIPSIS, NEXT_ELLIPSIS, DATED_DENSITY, REPEATED_DENSITY
    SINCE_PROSE, UNTIL_PROSE, SECOND_PREVIOUS_PROSE, SECOND_NEXT_PROSE, RELATIVE_LENGTH
    DOC_LOG_LINES, DOC_PROSE_SHARE, DOC_SHORT_SHARE, DOC_BODY_SHARE, DOC_BLANK_SHARE
    DOC_BULLET_SHARE

cdef enum:
    F_LINE, F_WORDS, F_CHARS, F_TERMINAL, F_ELLIPSIS, F_CUT_WORD, F_COLON, F_DIGIT_SHARE
    F_LETTER_SHARE, F_UPPER_SHARE, F_CAPITAL_WORDS, F_SEPARATORS, F_KEY, F_REPEATS
    F_FIRST, F_TITLE_OVERLAP, F_TITLE_COVER, F_POSITION, F_DATED, F_BYLINE_CUE, F_CREDIT_CUE

cdef enum:
    L_NUMBER, L_START, L_END, L_TEXT, L_INDENT, L_MARKER, L_BLANK_BEFORE

cdef enum:
    R_WORDS, R_CHARS, R_BODY_DISTANCE, R_RUN_LENGTH, R_SINCE_PROSE, R_UNTIL_PROSE, R_REPEATS


cdef void _window_mean(double[:, ::1] out, Py_ssize_t source, Py_ssize_t target,
                       Py_ssize_t half, double *sums) noexcept:
    """``line_features._window_mean`` of column ``source`` into column ``target`` (``sums``:
    scratch of n + 1 values for the running sums)."""
    cdef Py_ssize_t n = out.shape[0], i, lo, hi
    sums[0] = 0.0
    for i in range(n):
        sums[i + 1] = sums[i] + out[i, source]
    for i in range(n):
        lo = i - half if i > half else 0
        hi = i + half + 1 if i + half + 1 < n else n
        out[i, target] = (sums[hi] - sums[lo]) / <double>(hi - lo)


def fill_logged_matrix(double[:, ::1] out, double[:, ::1] raw, list features, list named,
                       list hints, list regions, double long_line_words, double prose_min_words,
                       double short_line_words, double max_separators, double max_indent,
                       Py_ssize_t density_window, Py_ssize_t repeat_window,
                       const double[::1] log1p_table, const double[::1] log_table,
                       double doc_log_lines):
    """``line_features.line_matrix`` without its logarithms: every column but ``log_*``,
    ``body_distance``, ``run_length``, ``since_prose``, ``until_prose``, their neighbours'
    copies, ``relative_length`` and ``doc_log_lines``, whose arguments go into the rows of
    ``raw`` (:data:`RAW_ROWS`). Then, when every row of ``raw`` holds whole numbers the tables cover
    (below their length; a repeat count at least 1), what ``line_features.line_matrix`` does
    with numpy after it: the ``log1p`` of the first rows and the ``log`` of the repeats (from
    ``log1p_table``/``log_table``, numpy's values for each whole number), the previous and
    next line's ``log_words``, ``relative_length`` (minus the median, as ``_median`` takes
    it) and ``doc_log_lines`` (given). Returns whether it did (False: the caller takes the
    logarithms itself, from ``raw``)."""
    cdef Py_ssize_t n = out.shape[0], i, row, middle
    cdef double median
    cdef double *ordered
    _fill(out, raw, features, named, hints, regions, long_line_words, prose_min_words,
          short_line_words, max_separators, max_indent, density_window, repeat_window)
    if n == 0:
        return True
    for row in range(R_REPEATS + 1):
        for i in range(n):
            if not _in_table(raw[row, i], log1p_table.shape[0] if row < R_REPEATS
                             else log_table.shape[0], 0.0 if row < R_REPEATS else 1.0):
                return False
    for i in range(n):
        out[i, LOG_WORDS] = log1p_table[<Py_ssize_t>raw[R_WORDS, i]]
        out[i, LOG_CHARS] = log1p_table[<Py_ssize_t>raw[R_CHARS, i]]
        out[i, BODY_DISTANCE] = log1p_table[<Py_ssize_t>raw[R_BODY_DISTANCE, i]]
        out[i, RUN_LENGTH] = log1p_table[<Py_ssize_t>raw[R_RUN_LENGTH, i]]
        out[i, SINCE_PROSE] = log1p_table[<Py_ssize_t>raw[R_SINCE_PROSE, i]]
        out[i, UNTIL_PROSE] = log1p_table[<Py_ssize_t>raw[R_UNTIL_PROSE, i]]
        out[i, LOG_REPEATS] = log_table[<Py_ssize_t>raw[R_REPEATS, i]]
        out[i, DOC_LOG_LINES] = doc_log_lines
    for i in range(n):
        out[i, PREVIOUS_LOG_WORDS] = out[i - 1, LOG_WORDS] if i > 0 else 0.0
        out[i, NEXT_LOG_WORDS] = out[i + 1, LOG_WORDS] if i + 1 < n else 0.0
    ordered = <double *>PyMem_Malloc(n * sizeof(double))
    if ordered == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            ordered[i] = out[i, LOG_WORDS]
        qsort(ordered, n, sizeof(double), _compare_doubles)
        middle = n // 2
        median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    finally:
        PyMem_Free(ordered)
    for i in range(n):
        out[i, RELATIVE_LENGTH] = out[i, LOG_WORDS] - median
    return True


cdef inline bint _in_table(double value, Py_ssize_t size, double least) noexcept:
    """Whether ``value`` is a whole number from ``least`` up to below ``size``."""
    return least <= value < <double>size and value == <double><Py_ssize_t>value


cdef int _compare_doubles(const void *a, const void *b) noexcept nogil:
    """``qsort``'s order of doubles (no NaN here: logarithms of whole numbers)."""
    cdef double x = (<const double *>a)[0], y = (<const double *>b)[0]
    return (x > y) - (x < y)


cdef int _fill(double[:, ::1] out, double[:, ::1] raw, list features, list named, list hints,
               list regions, double long_line_words, double prose_min_words,
               double short_line_words, double max_separators, double max_indent,
               Py_ssize_t density_window, Py_ssize_t repeat_window) except -1:
    """The work of ``fill_logged_matrix`` before the logarithms."""
    cdef Py_ssize_t n = out.shape[0], i, j, first_body = 0, last_body = 0, last, run
    cdef tuple item, line
    cdef str hint, marker
    cdef double words, prose, total_words = 0.0, total_prose = 0.0, cumulative = 0.0
    cdef double prose_words, short_sum = 0.0, body_words = 0.0, blank_sum = 0.0
    cdef double bullet_sum = 0.0, prose_sum
    cdef str key, previous_key = ""
    cdef double *sums
    for i in range(n):
        item = <tuple>features[i]
        line = <tuple>item[F_LINE]
        words = <double>item[F_WORDS]
        raw[R_WORDS, i] = words
        raw[R_CHARS, i] = <double>item[F_CHARS]
        raw[R_REPEATS, i] = <double>item[F_REPEATS]
        out[i, TERMINAL] = 1.0 if item[F_TERMINAL] else 0.0
        out[i, ELLIPSIS] = 1.0 if item[F_ELLIPSIS] else 0.0
        out[i, CUT_WORD] = 1.0 if item[F_CUT_WORD] else 0.0
        out[i, COLON] = 1.0 if item[F_COLON] else 0.0
        out[i, DIGIT_SHARE] = <double>item[F_DIGIT_SHARE]
        out[i, LETTER_SHARE] = <double>item[F_LETTER_SHARE]
        out[i, UPPER_SHARE] = <double>item[F_UPPER_SHARE]
        out[i, CAPITAL_WORDS] = <double>item[F_CAPITAL_WORDS]
        out[i, TITLE_OVERLAP] = <double>item[F_TITLE_OVERLAP]
        out[i, TITLE_COVER] = <double>item[F_TITLE_COVER]
        out[i, POSITION] = <double>item[F_POSITION]
        out[i, DATED] = 1.0 if item[F_DATED] else 0.0
        out[i, BYLINE_CUE] = 1.0 if item[F_BYLINE_CUE] else 0.0
        out[i, CREDIT_CUE] = 1.0 if item[F_CREDIT_CUE] else 0.0
        out[i, SEPARATORS] = min(<double>item[F_SEPARATORS], max_separators)
        marker = line[L_MARKER]
        out[i, BULLET] = 1.0 if marker == "bullet" else 0.0
        out[i, NUMBERED] = 1.0 if marker == "number" else 0.0
        out[i, HEADING] = 1.0 if marker == "heading" else 0.0
        out[i, QUOTE] = 1.0 if marker == "quote" else 0.0
        out[i, INDENT] = min(<double>line[L_INDENT], max_indent) / 4
        out[i, BLANK_BEFORE] = 1.0 if line[L_BLANK_BEFORE] else 0.0
        out[i, FIRST_OF_REPEATS] = (
            1.0 if <Py_ssize_t>item[F_FIRST] == <Py_ssize_t>line[L_NUMBER] else 0.0
        )
        prose = 1.0 if words >= long_line_words or (
            words >= prose_min_words and out[i, TERMINAL] > 0
        ) else 0.0
        out[i, PROSE] = prose
        out[i, SHORT] = 1.0 if words <= short_line_words else 0.0
        out[i, NAMED] = 1.0 if named[i] else 0.0
        hint = hints[i]
        out[i, TEASER_HINT] = 1.0 if hint == "teaser" else 0.0
        out[i, TITLE_HINT] = 1.0 if hint == "title" else 0.0
        key = <str>item[F_KEY]
        out[i, SAME_AS_PREVIOUS] = 1.0 if i > 0 and key == previous_key and key != "" else 0.0
        previous_key = key
        # the document's sums (of whole numbers and 0/1 values: exact in any order)
        prose_words = words * prose
        total_words += words
        total_prose += prose_words
        short_sum += out[i, SHORT]
        blank_sum += out[i, BLANK_BEFORE]
        bullet_sum += out[i, BULLET]
        out[i, REPEATED_DENSITY] = out[i, SHORT] if raw[R_REPEATS, i] > 1.0 else 0.0
    prose_sum = total_prose
    if total_words == 0.0:
        total_words = 1.0
    if total_prose == 0.0:
        total_prose = 1.0
    # the body region(s)
    for i in range(n):
        out[i, IN_BODY] = 0.0
    for start, end in regions:
        for i in range(<Py_ssize_t>start, <Py_ssize_t>end):
            out[i, IN_BODY] = 1.0
    if regions:
        first_body = <Py_ssize_t>regions[0][0]
        last_body = <Py_ssize_t>regions[len(regions) - 1][1]
    for i in range(n):
        if not regions:
            out[i, BEFORE_BODY] = out[i, AFTER_BODY] = raw[R_BODY_DISTANCE, i] = 0.0
        elif i < first_body:
            out[i, BEFORE_BODY], out[i, AFTER_BODY] = 1.0, 0.0
            raw[R_BODY_DISTANCE, i] = <double>(first_body - i)
        elif i >= last_body:
            out[i, BEFORE_BODY], out[i, AFTER_BODY] = 0.0, 1.0
            raw[R_BODY_DISTANCE, i] = <double>(i - last_body + 1)
        else:
            out[i, BEFORE_BODY] = out[i, AFTER_BODY] = raw[R_BODY_DISTANCE, i] = 0.0
        body_words += raw[R_WORDS, i] * out[i, IN_BODY]
    # prose before and after, runs of other lines, distances to prose
    last = -1
    for i in range(n):
        prose_words = raw[R_WORDS, i] * out[i, PROSE]
        cumulative += prose_words
        out[i, PROSE_BEFORE] = (cumulative - prose_words) / total_prose
        out[i, PROSE_AFTER] = (total_prose - cumulative) / total_prose
        if out[i, PROSE] > 0:
            last = i
        raw[R_SINCE_PROSE, i] = <double>(i - last)
    last = n
    for i in range(n - 1, -1, -1):
        if out[i, PROSE] > 0:
            last = i
        raw[R_UNTIL_PROSE, i] = <double>(last - i)
    i = 0
    while i < n:
        if out[i, PROSE] > 0:
            raw[R_RUN_LENGTH, i] = 0.0
            i += 1
            continue
        run = i
        while run < n and not out[run, PROSE] > 0:
            run += 1
        for j in range(i, run):
            raw[R_RUN_LENGTH, j] = <double>(run - i)
        i = run
    # neighbours
    for i in range(n):
        out[i, SAME_AS_NEXT] = out[i + 1, SAME_AS_PREVIOUS] if i + 1 < n else 0.0
        if i > 0:
            out[i, PREVIOUS_PROSE] = out[i - 1, PROSE]
            out[i, PREVIOUS_NAMED] = out[i - 1, NAMED]
            out[i, PREVIOUS_CREDIT] = out[i - 1, CREDIT_CUE]
            out[i, PREVIOUS_TERMINAL] = out[i - 1, TERMINAL]
            out[i, PREVIOUS_ELLIPSIS] = out[i - 1, ELLIPSIS]
        else:
            out[i, PREVIOUS_PROSE] = out[i, PREVIOUS_NAMED] = out[i, PREVIOUS_CREDIT] = 0.0
            out[i, PREVIOUS_TERMINAL] = out[i, PREVIOUS_ELLIPSIS] = 0.0
        if i + 1 < n:
            out[i, NEXT_PROSE] = out[i + 1, PROSE]
            out[i, NEXT_NAMED] = out[i + 1, NAMED]
            out[i, NEXT_CREDIT] = out[i + 1, CREDIT_CUE]
            out[i, NEXT_TERMINAL] = out[i + 1, TERMINAL]
            out[i, NEXT_ELLIPSIS] = out[i + 1, ELLIPSIS]
        else:
            out[i, NEXT_PROSE] = out[i, NEXT_NAMED] = out[i, NEXT_CREDIT] = 0.0
            out[i, NEXT_TERMINAL] = out[i, NEXT_ELLIPSIS] = 0.0
        out[i, SECOND_PREVIOUS_PROSE] = out[i - 2, PROSE] if i >= 2 else 0.0
        out[i, SECOND_NEXT_PROSE] = out[i + 2, PROSE] if i + 2 < n else 0.0
    # densities over windows (the repeated lines' flags were put in their column above)
    sums = <double *>PyMem_Malloc((n + 1) * sizeof(double))
    if sums == NULL:
        raise MemoryError()
    try:
        _window_mean(out, PROSE, PROSE_DENSITY, density_window, sums)
        _window_mean(out, DATED, DATED_DENSITY, repeat_window, sums)
        _window_mean(out, REPEATED_DENSITY, REPEATED_DENSITY, repeat_window, sums)
    finally:
        PyMem_Free(sums)
    for i in range(n):
        out[i, DOC_PROSE_SHARE] = prose_sum / total_words
        out[i, DOC_SHORT_SHARE] = short_sum / <double>n
        out[i, DOC_BODY_SHARE] = body_words / total_words
        out[i, DOC_BLANK_SHARE] = blank_sum / <double>n
        out[i, DOC_BULLET_SHARE] = bullet_sum / <double>n
    return 0


# --- lines -----------------------------------------------------------------------------------

cdef extern from "Python.h":
    ctypedef struct PyTypeObject:
        pass
    object PyType_GenericAlloc(PyTypeObject *type, Py_ssize_t nitems)
    int PyObject_GenericSetAttr(object obj, object name, object value) except -1

from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_SET_ITEM

cdef extern from "Python.h":
    bint PyObject_GC_IsTracked(object obj)
    void PyObject_GC_UnTrack(void *obj)
    bint PyObject_IS_GC(object obj)


cdef inline void _untrack_if_atomic(object record, Py_ssize_t width) noexcept:
    """Stop the garbage collector from tracking a new tuple (``record``, of ``width`` items)
    none of whose items it tracks: CPython's own rule for tuples (``_PyTuple_MaybeUntrack``,
    applied at its first collection), applied at once, so collections do not walk the many
    records of a document. Such a tuple can be in no reference cycle."""
    cdef Py_ssize_t j
    cdef object value
    for j in range(width):
        value = <object>PyTuple_GET_ITEM(record, j)
        if PyObject_IS_GC(value) and PyObject_GC_IsTracked(value):
            return
    PyObject_GC_UnTrack(<void *>record)


cdef inline Py_ssize_t _line_end_units(const Unit *data, Py_ssize_t i, Py_ssize_t n) noexcept:
    """The first place from ``i`` where ``str.splitlines`` cuts (``\\n \\x0b \\x0c \\r
    \\x1c \\x1d \\x1e \\x85 \\u2028 \\u2029``; ``\\r\\n`` is one break), or ``n``: over the
    code units, most characters passed after one or two comparisons."""
    cdef Py_UCS4 c
    while i < n:
        c = data[i]
        if c > u"\x1e" or c < u"\x0a":
            if c == u"\x85" or c == u"\u2028" or c == u"\u2029":
                return i
        elif c <= u"\x0d" or c >= u"\x1c":
            return i
        i += 1
    return n


cdef inline Py_ssize_t _line_end(Text t, Py_ssize_t i) noexcept:
    """``_line_end_units`` for a text of any kind."""
    if t.kind == PyUnicode_1BYTE_KIND:
        return _line_end_units(<const uint8_t *>t.data, i, t.length)
    if t.kind == PyUnicode_2BYTE_KIND:
        return _line_end_units(<const uint16_t *>t.data, i, t.length)
    return _line_end_units(<const uint32_t *>t.data, i, t.length)


cdef inline void _put(object record, Py_ssize_t i, object value):
    Py_INCREF(value)
    PyTuple_SET_ITEM(record, i, value)


cdef object _line(type cls, Py_ssize_t number, Py_ssize_t start, Py_ssize_t end, str text,
                  Py_ssize_t indent, object marker, bint blank_before):
    """``cls(number, start, end, text, indent, marker, blank_before)`` for ``lines.Line``."""
    cdef object out = PyType_GenericAlloc(<PyTypeObject *>cls, 7)
    _put(out, L_NUMBER, number)
    _put(out, L_START, start)
    _put(out, L_END, end)
    _put(out, L_TEXT, text)
    _put(out, L_INDENT, indent)
    _put(out, L_MARKER, marker)
    _put(out, L_BLANK_BEFORE, blank_before)
    _untrack_if_atomic(out, 7)
    return out


cdef inline Py_ssize_t _run(Text t, Py_ssize_t i, Py_ssize_t hi, Py_UCS4 c) noexcept:
    """Where the run of ``c`` starting at ``i`` ends (at most ``hi``)."""
    while i < hi and _at(t, i) == c:
        i += 1
    return i


cdef tuple _MARKERS = ("", "heading", "quote", "number", "bullet")
"""The marker kinds (``lines._MARKER_RE``'s group names), by the numbers ``_marker_end`` gives."""


cdef Py_ssize_t _marker_end(Text t, Py_ssize_t lo, Py_ssize_t hi, str bullets, int *kind):
    """``lines._MARKER_RE.match(t[lo:hi])`` for a stripped line: the end of the match (``lo``
    when there is none), its group (``_MARKERS``) in ``kind``. Each group is picked by the first
    character (none of ``bullets`` is ``#``, ``>``, ``(`` or a digit) and takes its whole run:
    giving any back leaves a ``#``, ``>`` or digit before the spaces, so the regex cannot match
    with less either; nor with fewer spaces, which leave a space where ``\\S`` must follow."""
    cdef Py_UCS4 first = _at(t, lo)
    cdef Py_ssize_t at, end
    if first == u"#":
        at = _run(t, lo, hi, first)
        if at - lo > 6:
            return lo
        kind[0] = 1
    elif first == u">":
        at = _run(t, lo, hi, first)
        kind[0] = 2
    elif first == u"(" or Py_UNICODE_ISDECIMAL(first):
        at = lo + 1 if first == u"(" else lo
        end = at
        while end < hi and Py_UNICODE_ISDECIMAL(_at(t, end)):
            end += 1
        if not 1 <= end - at <= 3 or end >= hi or not (_at(t, end) == u"." or _at(t, end) == u")"):
            return lo
        at = end + 1
        kind[0] = 3
    elif first in bullets:
        at = lo + 1
        kind[0] = 4
    else:
        return lo
    end = at
    while end < hi and _at(t, end) in u" \t\xa0":
        end += 1
    if end == at or end >= hi or Py_UNICODE_ISSPACE(_at(t, end)):
        kind[0] = 0
        return lo
    return end


def split_marked_lines(str text, Py_ssize_t max_lines, Py_ssize_t tab_width, type line_type,
                       str bullets):
    """``lines.reference_split_lines(text, max_lines=max_lines)``, or None when the text has
    more than ``max_lines`` lines (the reference cuts those); the list markers (``lines._marker``)
    found here (``bullets``: ``lines.BULLETS``)."""
    cdef Text t = _text(text)
    cdef Py_ssize_t n = t.length, offset = 0, end, next_offset, lo, hi, i, indent, raw_lines = 0
    cdef Py_ssize_t body
    cdef bint blank_before = False
    cdef list out = []
    cdef int kind
    while offset < n:
        raw_lines += 1
        if raw_lines > max_lines:
            return None
        end = _line_end(t, offset)
        next_offset = end + 1
        if end < n and _at(t, end) == u"\r" and end + 1 < n and _at(t, end + 1) == u"\n":
            next_offset = end + 2
        if next_offset > n:
            next_offset = n
        lo, hi = offset, end
        while lo < hi and _space(_at(t, lo)):
            lo += 1
        while hi > lo and _space(_at(t, hi - 1)):
            hi -= 1
        if lo == hi:
            blank_before = True
            offset = next_offset
            continue
        indent = 0
        for i in range(offset, lo):
            indent += tab_width if _at(t, i) == u"\t" else 1
        kind = 0
        # (the marker's spaces come before a non-space: what follows it is stripped already)
        body = _marker_end(t, lo, hi, bullets, &kind)
        out.append(_line(line_type, len(out), lo, hi, PyUnicode_Substring(text, body, hi), indent,
                         _MARKERS[kind], blank_before))
        blank_before = False
        offset = next_offset
    return out


# --- the result ------------------------------------------------------------------------------

cdef str _KIND = "kind", _START = "start", _END = "end", _TEXT = "text", _REASON = "reason"


def assemble(str source, list lines, list decisions, object main, type removed_type):
    """``clean._reference_assemble``'s (kept text, removed records): the lines whose decision's
    kind is ``main`` joined (a blank line where the input had one), a ``removed_type`` record
    (kind value, start, end, text, reason) for every other line."""
    cdef list parts = [], removed = []
    cdef bint gap = False
    cdef Py_ssize_t i, n = len(lines)
    cdef tuple line
    cdef object decision, kind, record, start, end
    if len(decisions) != n:
        raise ValueError("one decision per line")
    for i in range(n):
        line = <tuple>lines[i]
        decision = decisions[i]
        gap = gap or line[L_BLANK_BEFORE]
        start, end = line[L_START], line[L_END]
        kind = decision.kind
        if kind is main:
            if parts:
                parts.append("\n\n" if gap else "\n")
            parts.append(PyUnicode_Substring(source, start, end))
            gap = False
            continue
        record = PyType_GenericAlloc(<PyTypeObject *>removed_type, 0)
        PyObject_GenericSetAttr(record, _KIND, kind._value_)
        PyObject_GenericSetAttr(record, _START, start)
        PyObject_GenericSetAttr(record, _END, end)
        PyObject_GenericSetAttr(record, _TEXT, PyUnicode_Substring(source, start, end))
        PyObject_GenericSetAttr(record, _REASON, decision.reason)
        removed.append(record)
    return "".join(parts), removed


# --- the document's facts and the records ----------------------------------------------------

def repeat_columns(list keys, list numbers, list chars):
    """``line_features.reference_repeat_columns(keys, numbers, chars)``: (repeats, first line
    with the same key, position) per line."""
    cdef Py_ssize_t i, n = len(keys), total = 0, before = 0, at
    cdef dict seen = {}
    cdef list repeats = [], firsts = [], positions = []
    cdef str key
    cdef object found
    cdef Py_ssize_t *first = <Py_ssize_t *>PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t *count = <Py_ssize_t *>PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    if first == NULL or count == NULL:
        PyMem_Free(first)
        PyMem_Free(count)
        raise MemoryError()
    try:
        # first[i]: the line where line i's key first came (i itself for an empty key);
        # count[j]: the lines with the key first seen at j
        for i in range(n):
            key = <str>keys[i]
            total += <Py_ssize_t>chars[i]
            count[i] = 0
            if not key:
                first[i] = i
                continue
            found = seen.get(key)
            if found is None:
                seen[key] = i
                first[i] = i
            else:
                first[i] = <Py_ssize_t>found
            count[first[i]] += 1
        if total == 0:
            total = 1
        for i in range(n):
            at = first[i]
            if <str>keys[i]:
                repeats.append(count[at])
            else:
                repeats.append(1)
            firsts.append(numbers[at])
            positions.append(before / <double>total)
            before += <Py_ssize_t>chars[i]
    finally:
        PyMem_Free(first)
        PyMem_Free(count)
    return repeats, firsts, positions


cdef inline bint _credit_gate(Text t, Py_ssize_t head, Py_ssize_t tail) noexcept:
    """Whether ``line_features._credit``'s cheap check passes: ``:/(|`` or ``etty`` among the
    first ``head`` or the last ``tail`` characters. (The places of the last ones already seen
    among the first are not looked at again: a mark there was found there.)"""
    cdef Py_ssize_t hi = min(head, t.length), lo = max(t.length - tail, 0)
    if t.kind == PyUnicode_1BYTE_KIND:
        return (_credit_mark(<const uint8_t *>t.data, 0, 0, hi)
                or _credit_mark(<const uint8_t *>t.data, lo, max(lo, hi), t.length))
    if t.kind == PyUnicode_2BYTE_KIND:
        return (_credit_mark(<const uint16_t *>t.data, 0, 0, hi)
                or _credit_mark(<const uint16_t *>t.data, lo, max(lo, hi), t.length))
    return (_credit_mark(<const uint32_t *>t.data, 0, 0, hi)
            or _credit_mark(<const uint32_t *>t.data, lo, max(lo, hi), t.length))


# What ``_credit_mark`` stops at: a delimiter, or the ``y`` that may end ``etty``.
cdef enum:
    MARK_DELIMITER = 1
    MARK_Y = 2

cdef unsigned char _CREDIT_MARKS[128]
for _code in range(128):
    _CREDIT_MARKS[_code] = 0
for _char in ":/(|":
    _CREDIT_MARKS[ord(_char)] = MARK_DELIMITER
_CREDIT_MARKS[ord("y")] = MARK_Y


cdef inline bint _credit_mark(const Unit *data, Py_ssize_t lo, Py_ssize_t start,
                              Py_ssize_t hi) noexcept:
    """``:/(|`` or ``etty`` in ``data[lo:hi]`` (a line's code units), looking from ``start``
    on (``etty`` ends at a ``y`` with ``ett`` before it, inside the range)."""
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    cdef unsigned char mark
    for i in range(start, hi):
        c = data[i]
        if c >= 128:
            continue
        mark = _CREDIT_MARKS[c]
        if mark == 0:
            continue
        if mark == MARK_DELIMITER:
            return True
        if (i - 3 >= lo and data[i - 3] == u"e" and data[i - 2] == u"t"
                and data[i - 1] == u"t"):
            return True
    return False


cdef bint _dated(str text, object date_match):
    """``_DATE_RE.search(text) is not None``: every match starts with a decimal digit at a word
    boundary, so only those places are tried (``match`` at a place sees the characters before
    it, as ``search`` does)."""
    cdef Text t = _text(text)
    if t.kind == PyUnicode_1BYTE_KIND:
        return _dated_units(<const uint8_t *>t.data, t.length, text, date_match)
    if t.kind == PyUnicode_2BYTE_KIND:
        return _dated_units(<const uint16_t *>t.data, t.length, text, date_match)
    return _dated_units(<const uint32_t *>t.data, t.length, text, date_match)


cdef enum:
    DATE_MAX_RUN = 4  # the most digits of a date pattern's number before a separator (a year)
    TIME_MAX_RUN = 2  # ...and of an hour before ``:``


cdef inline bint _decimal(Py_UCS4 c) noexcept:
    """``Py_UNICODE_ISDECIMAL`` (``0``-``9`` among the ASCII characters)."""
    return u"0" <= c <= u"9" if c < 128 else Py_UNICODE_ISDECIMAL(c)


cdef bint _dated_units(const Unit *data, Py_ssize_t n, str text, object date_match) except -1:
    """``_dated`` over a line's code units. A place is tried only where one of the date
    pattern's alternatives may match: its run of decimal digits is of at most four followed by
    ``./-`` (``\\d{1,4}[./-]``), of at most two followed by ``:`` (``\\d{1,2}:``), or of
    exactly four opening with ``19`` or ``20`` (``(?:19|20)\\d{2}\\b``). (A digit count can
    not stop inside a run: the next character would be a digit, neither a separator nor a word
    boundary.)"""
    cdef Py_ssize_t i, end, run
    cdef Py_UCS4 after
    for i in range(n):
        if _decimal(data[i]) and (i == 0 or not _word(data[i - 1])):
            end = i + 1
            while end < n and end - i <= DATE_MAX_RUN and _decimal(data[end]):
                end += 1
            run = end - i  # (DATE_MAX_RUN + 1: a longer run)
            after = data[end] if end < n else 0
            if not (
                (run <= DATE_MAX_RUN and (after == u"." or after == u"/" or after == u"-"))
                or (run <= TIME_MAX_RUN and after == u":")
                or (run == DATE_MAX_RUN and ((data[i] == u"1" and data[i + 1] == u"9")
                                             or (data[i] == u"2" and data[i + 1] == u"0")))
            ):
                continue
            if date_match(text, i) is not None:
                return True
    return False


cdef inline bint _followed_by(Text t, Py_ssize_t i, CharSet *chars):
    """Whether the first character after place ``i`` and any spaces is one of ``chars``."""
    i += 1
    while i < t.length and Py_UNICODE_ISSPACE(_at(t, i)):
        i += 1
    return i < t.length and _in(chars, _at(t, i))


cdef inline bint _credit_run(Text t, Py_ssize_t i, CharSet *firsts,
                             unsigned long long lengths) noexcept:
    """Whether the run of ``\\w`` characters after place ``i`` and any spaces of a reversed
    text may be a credit word read backwards: as long as one (``lengths``: a bit per length; a
    case-insensitive match takes one character for one) and ending with one of ``firsts``. The
    reversed pattern's ``\\s*\\b...\\b`` takes all the spaces and the whole run."""
    cdef Py_ssize_t j = i + 1, k
    while j < t.length and Py_UNICODE_ISSPACE(_at(t, j)):
        j += 1
    k = j
    while k < t.length and _word(_at(t, k)):
        k += 1
    return 0 < k - j < 64 and (lengths >> (k - j)) & 1 and _in(firsts, _at(t, k - 1))


cdef inline bint _credit_run_before(const Py_UCS4 *ends, Py_ssize_t i, CharSet *firsts,
                                    CharSet *lasts, unsigned long long lengths) noexcept:
    """``_followed_by(r, size - 1 - i, lasts) and _credit_run(r, size - 1 - i, firsts,
    lengths)`` for ``r`` the reverse of ``ends`` (of ``size`` characters), read forwards: the
    run of ``\\w`` characters before place ``i`` and any spaces ends with one of ``lasts``,
    opens with one of ``firsts`` and is as long as a credit word."""
    cdef Py_ssize_t j = i - 1, k
    while j >= 0 and Py_UNICODE_ISSPACE(ends[j]):
        j -= 1
    if j < 0 or not _in(lasts, ends[j]):
        return False
    k = j
    while k >= 0 and _word(ends[k]):
        k -= 1
    return 0 < j - k < 64 and (lengths >> (j - k)) & 1 and _in(firsts, ends[k + 1])


cdef inline Py_ssize_t _copy_units(const Unit *data, Py_ssize_t lo, Py_ssize_t hi,
                                   Py_UCS4 *out) noexcept:
    """Copy the code units ``data[lo:hi]`` into ``out`` as characters; their number."""
    cdef Py_ssize_t i
    for i in range(lo, hi):
        out[i - lo] = data[i]
    return hi - lo


cdef Py_ssize_t _copy_text(Text t, Py_ssize_t lo, Py_ssize_t hi, Py_UCS4 *out) noexcept:
    """``_copy_units`` for a line of any kind."""
    if t.kind == PyUnicode_1BYTE_KIND:
        return _copy_units(<const uint8_t *>t.data, lo, hi, out)
    if t.kind == PyUnicode_2BYTE_KIND:
        return _copy_units(<const uint16_t *>t.data, lo, hi, out)
    return _copy_units(<const uint32_t *>t.data, lo, hi, out)


cdef bint _credited(str text, object opening_match, object closed_match,
                    Py_ssize_t head, Py_ssize_t tail, CharSet *firsts, CharSet *lasts,
                    unsigned long long lengths, Py_UCS4 *scratch):
    """``line_features._credit(text)`` past its cheap check: the opening pattern tried where
    its matches may start (``/`` before a credit word's first letter, ``(p``, ``ge`` at a word
    boundary: ``\\bgetty``), the reversed closing one where its may (``:/|)`` after a credit
    word: see ``_credit_run_before``); ``firsts``, ``lasts``: those letters, any case. The two
    ends are put together in ``scratch`` (2 * (``head`` + ``tail`` + 3) characters), reversed
    after them only when the closing pattern is to be tried; a ``str`` is made only for a
    pattern to be tried (whether any place matches does not depend on the order tried)."""
    cdef Py_ssize_t n = len(text), i, j, size, lo = max(n - tail, 0)
    cdef Text source = _text(text), t
    cdef Py_UCS4 c, after
    cdef Py_UCS4 *backwards = NULL
    cdef bint candidate
    cdef str ends = None, reversed_ends = None
    size = _copy_text(source, 0, min(head, n), scratch)
    scratch[size], scratch[size + 1], scratch[size + 2] = u" ", u"…", u" "
    size += 3
    size += _copy_text(source, lo, n, scratch + size)
    t.kind, t.data, t.length = PyUnicode_4BYTE_KIND, scratch, size
    for i in range(size):
        c = scratch[i]
        after = scratch[i + 1] if i + 1 < size else 0
        if c == u"/":
            candidate = _followed_by(t, i, firsts)
        elif c == u"(":
            candidate = after == u"p" or after == u"P"
        elif c == u"g" or c == u"G":
            candidate = (after == u"e" or after == u"E") and (i == 0 or not _word(scratch[i - 1]))
        else:
            candidate = False
        if candidate:
            if ends is None:
                ends = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, scratch, size)
            if opening_match(ends, i) is not None:
                return True
        if ((c == u":" or c == u"/" or c == u"|" or c == u")")
                and _credit_run_before(scratch, i, firsts, lasts, lengths)):
            if reversed_ends is None:
                backwards = scratch + size
                for j in range(size):
                    backwards[j] = scratch[size - 1 - j]
                reversed_ends = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, backwards, size)
            if closed_match(reversed_ends, size - 1 - i) is not None:
                return True
    return False


cdef inline bint _byline_gate(Text t, Py_ssize_t lo, Py_ssize_t hi) noexcept:
    """A space or ``:`` at one of the places ``_BYLINE_RE`` needs one (after its shortest to
    its longest cue word)."""
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    for i in range(lo, min(hi + 1, t.length)):
        c = _at(t, i)
        if c == u":" or Py_UNICODE_ISSPACE(c):
            return True
    return False


def gated_cue_columns(list texts, list words, list digits, object date_match,
                      object byline_match, object opening_match, object closed_match,
                      Py_ssize_t cue_max_words, Py_ssize_t credit_max_words,
                      Py_ssize_t credit_head, Py_ssize_t credit_tail, Py_ssize_t byline_min,
                      Py_ssize_t byline_max, str byline_openers, str credit_firsts,
                      str credit_lasts, tuple credit_lengths):
    """``line_features.reference_cue_columns``: (dated, byline cue, credit cue) per line, the
    patterns (``*_match``: the ``match`` of ``_DATE_RE``, ``_BYLINE_RE``,
    ``_CREDIT_OPENING_RE``, ``_CREDIT_CLOSED_REVERSED_RE``) tried only where they may hold
    (a byline opens with one of ``byline_openers``; a credit word with one of ``credit_firsts``
    and ends with one of ``credit_lasts``, and has one of the ``credit_lengths``)."""
    cdef Py_ssize_t i, n = len(texts), count
    cdef list dated = [], byline = [], credits = [], keep = []
    cdef str text
    cdef CharSet firsts = _charset(credit_firsts, keep), lasts = _charset(credit_lasts, keep)
    cdef Text t
    cdef bint found
    cdef unsigned long long lengths = 0
    for length in credit_lengths:
        if not 0 < length < 64:
            raise ValueError("credit words of 1 to 63 characters")
        lengths |= 1ULL << <Py_ssize_t>length
    cdef Py_UCS4 *scratch = <Py_UCS4 *>PyMem_Malloc(
        2 * (credit_head + credit_tail + 3) * sizeof(Py_UCS4)
    )
    if scratch == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            text = <str>texts[i]
            count = <Py_ssize_t>words[i]
            t = _text(text)
            found = <double>digits[i] > 0 and _dated(text, date_match)
            dated.append(found)
            found = (
                count <= cue_max_words and t.length > 0 and _at(t, 0) in byline_openers
                and _byline_gate(t, byline_min, byline_max)
            )
            byline.append(found and byline_match(text) is not None)
            found = count <= credit_max_words and _credit_gate(t, credit_head, credit_tail)
            credits.append(
                found and _credited(text, opening_match, closed_match, credit_head, credit_tail,
                                    &firsts, &lasts, lengths, scratch)
            )
    finally:
        PyMem_Free(scratch)
    return dated, byline, credits


def records(type cls, list columns):
    """``list(map(cls._make, zip(*columns)))`` for a named tuple class ``cls`` (the columns of
    one length, one per field)."""
    cdef Py_ssize_t i, j, n, width = len(columns)
    cdef list out = [], column
    cdef object record, value
    n = len(columns[0]) if width else 0
    for column in columns:
        if len(column) != n:
            raise ValueError("columns of different lengths")
    for i in range(n):
        record = PyType_GenericAlloc(<PyTypeObject *>cls, width)
        for j in range(width):
            value = (<list>columns[j])[i]
            Py_INCREF(value)
            PyTuple_SET_ITEM(record, j, value)
        _untrack_if_atomic(record, width)
        out.append(record)
    return out


# --- names -----------------------------------------------------------------------------------

cdef str _AD_STRIP = u" .:…>»"


cdef Py_ssize_t _stripped_length(str text, str strip):
    """``len(text.rstrip(strip))``."""
    cdef Text t = _text(text)
    cdef Py_ssize_t n = t.length
    while n > 0 and _at(t, n - 1) in strip:
        n -= 1
    return n


cdef bint _advertising(str text, object ad_match, str openers, Py_ssize_t min_chars):
    """``ad_match(text.rstrip(_AD_STRIP))``, tried only on labels long enough that open with
    one of ``openers``."""
    cdef Py_ssize_t n = _stripped_length(text, _AD_STRIP)
    if n < min_chars or text[0] not in openers:
        return False
    return bool(ad_match(text if n == len(text) else PyUnicode_Substring(text, 0, n)))


# A set of tokens as a 4096-bit filter of their hashes: a span of a key whose bit is clear is
# not one of them, so only the few others are made into a ``str`` and looked up in the set.
cdef enum:
    FILTER_WORDS = 64  # (64-bit words: 4096 bits, a few per cent of false hits for 100 tokens)

cdef struct TokenFilter:
    unsigned long long bits[FILTER_WORDS]


cdef inline unsigned long long _span_hash(Text t, Py_ssize_t lo, Py_ssize_t hi) noexcept:
    """FNV-1a over the code points of ``t[lo:hi]``."""
    cdef unsigned long long h = 14695981039346656037ULL
    cdef Py_ssize_t i
    cdef unsigned long long code
    for i in range(lo, hi):
        code = <unsigned long long>_at(t, i)
        h = (h ^ code) * 1099511628211ULL
    return h >> 52  # (the top 12 bits: a bit of the filter)


cdef void _token_filter(TokenFilter *out, frozenset tokens):
    """The filter of ``tokens`` (all ``str``)."""
    cdef Py_ssize_t i
    cdef unsigned long long h
    cdef Text t
    cdef object token
    for i in range(FILTER_WORDS):
        out.bits[i] = 0
    for token in tokens:
        t = _text(<str>token)
        h = _span_hash(t, 0, t.length)
        out.bits[h >> 6] |= 1ULL << (h & 63)


cdef inline bint _may_hold(TokenFilter *tokens, Text t, Py_ssize_t lo, Py_ssize_t hi) noexcept:
    cdef unsigned long long h = _span_hash(t, lo, hi)
    return (tokens.bits[h >> 6] >> (h & 63)) & 1


cdef inline Py_ssize_t _span_end(Text t, Py_ssize_t lo) noexcept:
    """Where the token of a key starting at ``lo`` ends (the next space or the key's end)."""
    while lo < t.length and _at(t, lo) != u" ":
        lo += 1
    return lo


cdef bint _key_holds(str key, TokenFilter *filter, frozenset tokens):
    """Whether a token of ``key`` (its tokens joined by single spaces) is in ``tokens``."""
    cdef Text t = _text(key)
    if t.kind == PyUnicode_1BYTE_KIND:
        return _key_units_hold(<const uint8_t *>t.data, t.length, key, filter, tokens)
    if t.kind == PyUnicode_2BYTE_KIND:
        return _key_units_hold(<const uint16_t *>t.data, t.length, key, filter, tokens)
    return _key_units_hold(<const uint32_t *>t.data, t.length, key, filter, tokens)


cdef bint _key_units_hold(const Unit *data, Py_ssize_t n, str key, TokenFilter *filter,
                          frozenset tokens) except -1:
    """``_key_holds`` over the key's code units: each token's ``_span_hash`` taken as its end
    is looked for."""
    cdef Py_ssize_t lo = 0, hi
    cdef unsigned long long h
    while lo < n:
        h = 14695981039346656037ULL
        hi = lo
        while hi < n and data[hi] != 32:  # (a space)
            h = (h ^ <unsigned long long>data[hi]) * 1099511628211ULL
            hi += 1
        h >>= 52
        if (filter.bits[h >> 6] >> (h & 63)) & 1 and PyUnicode_Substring(key, lo, hi) in tokens:
            return True
        lo = hi + 1
    return False


def notice_names(list features, frozenset hint_tokens, object ad_match, object notice,
                 tuple decisions, Py_ssize_t nav_max_words, Py_ssize_t caption_min_words,
                 Py_ssize_t pattern_max_words, Py_ssize_t long_line_words,
                 Py_ssize_t prose_min_words, Py_ssize_t ad_min_chars, str ad_openers,
                 Py_ssize_t long_line_chars):
    """``line_rules.reference_pattern_names(features)``: ``decisions`` are (only symbols, an
    advertising label, a credited caption); ``notice`` names the lines that hold one of
    ``hint_tokens`` (or ``©``, ``(c)``); ``ad_match`` is tried on labels of at least
    ``ad_min_chars`` characters (its shortest match) opening with one of ``ad_openers``. A
    line's tokens are its key's (none beyond ``long_line_chars``: ``LineFeatures.tokens``)."""
    cdef list out = []
    cdef tuple item
    cdef str text
    cdef object entry
    cdef Py_ssize_t words
    cdef bint hinted, prose
    cdef TokenFilter filter
    _token_filter(&filter, hint_tokens)
    symbols, ad_label, credited = decisions
    for entry in features:
        item = <tuple>entry
        text = <str>(<tuple>item[F_LINE])[L_TEXT]
        words = <Py_ssize_t>item[F_WORDS]
        if <double>item[F_LETTER_SHARE] == 0.0 and <double>item[F_DIGIT_SHARE] == 0.0:
            out.append(symbols)
            continue
        if words <= nav_max_words and _advertising(text, ad_match, ad_openers, ad_min_chars):
            out.append(ad_label)
            continue
        prose = words >= long_line_words or (words >= prose_min_words and item[F_TERMINAL])
        if item[F_CREDIT_CUE] and not prose and words >= caption_min_words:
            out.append(credited)
            continue
        if words > pattern_max_words:
            out.append(None)
            continue
        hinted = u"©" in text or u"(c)" in text
        if not hinted and <Py_ssize_t>item[F_CHARS] <= long_line_chars:
            hinted = _key_holds(<str>item[F_KEY], &filter, hint_tokens)
        out.append(notice(item) if hinted else None)
    return out


def shape_columns(list features, Py_ssize_t long_line_words, Py_ssize_t prose_min_words,
                  Py_ssize_t headline_min_words, Py_ssize_t headline_max_words):
    """``line_rules.reference_shape_columns(features)``: (prose, headline-shaped) per line."""
    cdef list prose = [], shaped = []
    cdef tuple item
    cdef object entry
    cdef Py_ssize_t words
    cdef bint terminal
    cdef str text
    cdef Py_UCS4 last
    for entry in features:
        item = <tuple>entry
        words = <Py_ssize_t>item[F_WORDS]
        terminal = item[F_TERMINAL]
        prose.append(words >= long_line_words or (words >= prose_min_words and terminal))
        if headline_min_words <= words <= headline_max_words and not item[F_ELLIPSIS]:
            if terminal:
                text = <str>(<tuple>item[F_LINE])[L_TEXT]
                last = text[len(text) - 1] if text else 0
                shaped.append(last == u"?" or last == u"!")
            else:
                shaped.append(True)
        else:
            shaped.append(False)
    return prose, shaped


cdef inline bint _cut_snippet(tuple item, Py_ssize_t snippet_max_words):
    """``line_rules._cut_snippet``: ends with an ellipsis or unfinished, not too long."""
    return <Py_ssize_t>item[F_WORDS] <= snippet_max_words and (
        item[F_ELLIPSIS] or not item[F_TERMINAL]
    )


def teaser_pairs(list features, list named, list hinted, list shaped, object repeated_then_cut,
                 object repeated, Py_ssize_t snippet_max_words):
    """``line_rules.reference_teaser_pairs(features, named, hinted, shaped)``: the headline +
    cut snippet pairs; a headline repeated is named ``repeated_then_cut`` with the cut snippet
    after it, else hinted ``repeated`` (in the line order: a named line is skipped later)."""
    cdef Py_ssize_t index, position, end, n = len(features)
    cdef list pairs = []
    cdef tuple head, following
    cdef bint full
    if len(named) != n or len(hinted) != n or len(shaped) != n:
        raise ValueError("one name, hint and shape per line")
    for index in range(n - 1):
        if not shaped[index] or named[index] is not None:
            continue
        head = <tuple>features[index]
        following = <tuple>features[index + 1]
        if <str>following[F_KEY] == <str>head[F_KEY]:
            full = (
                index + 2 < n
                and _cut_snippet(<tuple>features[index + 2], snippet_max_words)
                and (index + 3 >= n or <str>(<tuple>features[index + 3])[F_KEY]
                     != <str>(<tuple>features[index + 2])[F_KEY])
            )
            end = index + 3 if full else index + 2
            for position in range(index, end):
                if full:
                    named[position] = repeated_then_cut
                else:
                    hinted[position] = repeated
            continue
        if (following[F_ELLIPSIS] and <Py_ssize_t>following[F_WORDS] <= snippet_max_words
                and named[index + 1] is None):
            pairs.append((index, index + 1))
    return pairs


def key_headline_again(list features, list out, frozenset tokens, object again_decision,
                       Py_ssize_t headline_max_words, double title_overlap,
                       double title_cover, Py_ssize_t long_line_chars):
    """``line_rules.reference_headline_again(features, out, tokens)``: the lines sharing
    enough of the headline's ``tokens`` are named ``again_decision`` (a line's tokens are its
    key's, none beyond ``long_line_chars``: ``LineFeatures.tokens``)."""
    cdef Py_ssize_t i, n = len(features), inside, m, lo, hi
    cdef tuple item
    cdef str key, token
    cdef set shared
    cdef Text t
    cdef TokenFilter filter
    _token_filter(&filter, tokens)
    for i in range(1, n):
        item = <tuple>features[i]
        key = <str>item[F_KEY]
        if (out[i] is not None or <Py_ssize_t>item[F_WORDS] > headline_max_words
                or <Py_ssize_t>item[F_CHARS] > long_line_chars or not key):
            continue
        inside = m = lo = 0
        shared = None
        t = _text(key)
        while lo < t.length:
            hi = _span_end(t, lo)
            m += 1
            if _may_hold(&filter, t, lo, hi):
                token = PyUnicode_Substring(key, lo, hi)
                if token in tokens:
                    inside += 1
                    if shared is None:
                        shared = set()
                    shared.add(token)
            lo = hi + 1
        if shared is None:
            continue
        if (inside / <double>m >= title_overlap
                and len(shared) / <double>len(tokens) >= title_cover):
            out[i] = again_decision
    return None


def scan_comments(list features, list named, list prose, object header_match,
                  object time_search, Py_ssize_t body_min_words, Py_ssize_t min_lines,
                  Py_ssize_t anchor_max_words, Py_ssize_t header_max_words):
    """``line_rules.reference_comment_scan(features, named, prose)``: (the heading's index or
    the number of lines, the possible signature lines before it). ``line_rules._comment_header``
    inline: ``header_match`` (``_COMMENT_HEADER_RE.match``) is tried on the lines of at most
    ``header_max_words`` words that do not end like a sentence."""
    cdef Py_ssize_t i, n = len(features), prose_words = 0, words
    cdef list found = []
    cdef tuple item
    for i in range(n):
        item = <tuple>features[i]
        words = <Py_ssize_t>item[F_WORDS]
        if prose_words >= body_min_words and named[i] is None:
            if (n - i > min_lines and words <= header_max_words and not item[F_TERMINAL]
                    and header_match((<tuple>item[F_LINE])[L_TEXT]) is not None):
                return i, found
            if (item[F_DATED] and words <= anchor_max_words
                    and time_search((<tuple>item[F_LINE])[L_TEXT])):
                found.append(i)
        if prose[i]:
            prose_words += words
    return n, found


def gated_scan_comments(list features, list named, list prose, object header_match,
                        object time_search, Py_ssize_t body_min_words, Py_ssize_t min_lines,
                        Py_ssize_t anchor_max_words, Py_ssize_t header_max_words,
                        str header_openers):
    """``scan_comments``, ``header_match`` tried only on lines opening with a decimal digit or
    one of ``header_openers`` (the characters a heading may start with, besides ``\\d``)."""
    cdef Py_ssize_t i, n = len(features), prose_words = 0, words
    cdef list found = [], keep = []
    cdef tuple item
    cdef str text
    cdef Py_UCS4 first
    cdef CharSet openers = _charset(header_openers, keep)
    for i in range(n):
        item = <tuple>features[i]
        words = <Py_ssize_t>item[F_WORDS]
        if prose_words >= body_min_words and named[i] is None:
            text = <str>(<tuple>item[F_LINE])[L_TEXT]
            if n - i > min_lines and words <= header_max_words and not item[F_TERMINAL]:
                first = text[0] if len(text) else 0
                if ((_decimal(first) or _in(&openers, first))
                        and header_match(text) is not None):
                    return i, found
            if item[F_DATED] and words <= anchor_max_words and time_search(text):
                found.append(i)
        if prose[i]:
            prose_words += words
    return n, found


# --- the body region -------------------------------------------------------------------------

def region_scores(list features, list named, double named_cost, double short_cost,
                  Py_ssize_t long_line_words, Py_ssize_t prose_min_words):
    """``line_features.reference_region_scores(features, named)``."""
    cdef Py_ssize_t i, n = len(features), words
    cdef list out = []
    cdef tuple item
    if len(named) != n:
        raise ValueError("one flag per line")
    for i in range(n):
        item = <tuple>features[i]
        words = <Py_ssize_t>item[F_WORDS]
        if named[i]:
            out.append(-named_cost)
        elif words >= long_line_words or (words >= prose_min_words and item[F_TERMINAL]):
            out.append(<double>words)
        else:
            out.append(-short_cost)
    return out


def best_run(list scores, Py_ssize_t lo, Py_ssize_t hi):
    """``line_features.reference_best_run(scores, lo, hi)``."""
    cdef double best = 0.0, total = 0.0
    cdef Py_ssize_t best_start = lo, best_end = lo, start = lo, index
    for index in range(lo, hi):
        if total <= 0:
            total, start = 0.0, index
        total += <double>scores[index]
        if total > best:
            best, best_start, best_end = total, start, index + 1
    return best, best_start, best_end


# --- decisions -------------------------------------------------------------------------------

cdef inline bint _prose(tuple item, Py_ssize_t long_line_words, Py_ssize_t prose_min_words):
    """``LineFeatures.prose``."""
    cdef Py_ssize_t words = <Py_ssize_t>item[F_WORDS]
    return words >= long_line_words or (words >= prose_min_words and item[F_TERMINAL])


cdef inline bint _shaped(tuple item, Py_ssize_t headline_min_words,
                         Py_ssize_t headline_max_words):
    """``line_rules._headline_shaped(item)``."""
    cdef Py_ssize_t words = <Py_ssize_t>item[F_WORDS]
    cdef str text
    cdef Py_ssize_t n
    if not (headline_min_words <= words <= headline_max_words) or item[F_ELLIPSIS]:
        return False
    if not item[F_TERMINAL]:
        return True
    text = <str>(<tuple>item[F_LINE])[L_TEXT]
    n = len(text)
    return n > 0 and (text[n - 1] == u"?" or text[n - 1] == u"!")


def decide(list features, list named, list hinted, list keep, tuple names, tuple limits):
    """``line_rules.reference_decide``: ``names`` are the decisions (keep, duplicate, byline,
    dateline before/after, credit, tag, menu before/after, teaser after, outside before/after),
    ``limits`` the word counts (duplicate min, byline max, dateline max, tag max, nav max,
    headline min, headline max, long line, prose min)."""
    cdef Py_ssize_t i, n = len(features), words
    cdef Py_ssize_t duplicate_min, byline_max, dateline_max, tag_max, nav_max
    cdef Py_ssize_t headline_min, headline_max, long_line, prose_min
    cdef list out = []
    cdef tuple item
    cdef object decision, hint
    cdef str key, previous = ""
    cdef bint seen_body = False, head, terminal
    (keep_it, duplicate, byline, dateline_head, dateline_tail, credit, tag, menu_head,
     menu_tail, teaser_after, outside_head, outside_tail) = names
    (duplicate_min, byline_max, dateline_max, tag_max, nav_max, headline_min, headline_max,
     long_line, prose_min) = limits
    if len(named) != n or len(hinted) != n or len(keep) != n:
        raise ValueError("one name, hint and keep per line")
    for i in range(n):
        item = <tuple>features[i]
        decision = named[i]
        if decision is None and keep[i]:
            key = <str>item[F_KEY]
            if key and key == previous and <Py_ssize_t>item[F_WORDS] >= duplicate_min:
                decision = duplicate
            else:
                decision = keep_it
                seen_body = seen_body or _prose(item, long_line, prose_min)
            previous = key
        elif decision is None:
            hint = hinted[i]
            if hint:
                decision = hint
            else:
                head = not seen_body
                words = <Py_ssize_t>item[F_WORDS]
                terminal = item[F_TERMINAL]
                if head and words <= byline_max and item[F_BYLINE_CUE]:
                    decision = byline
                elif words <= dateline_max and item[F_DATED] and not terminal:
                    decision = dateline_head if head else dateline_tail
                elif item[F_CREDIT_CUE]:
                    decision = credit
                elif head and words <= tag_max and not terminal:
                    decision = tag
                elif words <= nav_max or item[F_SEPARATORS]:
                    decision = menu_head if head else menu_tail
                elif not head and _shaped(item, headline_min, headline_max):
                    decision = teaser_after
                else:
                    decision = outside_head if head else outside_tail
        out.append(decision)
    return out


def found_from(object match, str text, str openers):
    """``pattern.search(text) is not None`` for the ``pattern`` whose ``match`` is given and
    whose every match starts with one of ``openers``: only those places are tried (``match``
    at a place sees the characters before it, as ``search`` does)."""
    cdef Text t = _text(text)
    cdef Py_ssize_t i
    cdef list keep = []
    cdef CharSet starts = _charset(openers, keep)
    for i in range(t.length):
        if _in(&starts, _at(t, i)) and match(text, i) is not None:
            return True
    return False


def found_paired(object match, str text, str openers, str seconds, str solos):
    """``found_from(match, text, openers)`` for a pattern each of whose matches is one of
    ``solos`` alone or goes on with one of ``seconds``: a place is tried only when its
    character is one of ``solos``, or one of ``openers`` followed by one of ``seconds``."""
    cdef Text t = _text(text)
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    cdef list keep = []
    cdef CharSet starts = _charset(openers, keep), nexts = _charset(seconds, keep)
    cdef CharSet alone = _charset(solos, keep)
    for i in range(t.length):
        c = _at(t, i)
        if not _in(&starts, c):
            continue
        if not (_in(&alone, c) or (i + 1 < t.length and _in(&nexts, _at(t, i + 1)))):
            continue
        if match(text, i) is not None:
            return True
    return False


# --- the line model's decisions --------------------------------------------------------------

cdef enum:
    TREE_LANES = 8  # rows walked down each tree together (as ``_speedups.tree_sums``)
    BOUND_EVERY = 2  # trees walked between two looks at whether every row is decided


cdef inline int _verdict(double total, double most, double least, double low,
                         double high) noexcept:
    """1: keep, 0: drop, -1: not decided by the bounds (the sum so far ``total``, the most and
    least the remaining trees can add, the cut's ``low``/``high`` edges)."""
    if total + most < low:
        return 0
    if total + least > high:
        return 1
    return -1


def open_row_decisions(const double[:, ::1] features, list named,
                       const Py_ssize_t[:, ::1] node_feature, const double[:, ::1] node_threshold,
                       const double[:, ::1] leaf_value, const double[::1] most_after,
                       const double[::1] least_after, double cut, double margin):
    """``line_model.LineModel.reference_open_decisions``: per row of ``features``, whether the
    trees' P(keep) reaches the threshold whose log-odds is ``cut`` (False for a ``named`` row,
    never walked). The trees are ``classify.Trees``' heap-ordered arrays, walked as
    ``_speedups.tree_sums`` walks them (``TREE_LANES`` open rows down two trees together) and
    summed in the same order. A group of rows stops early once each row's sum so far plus the
    most (``most_after[k]``: the sum of the largest leaf of each tree from ``k`` on) or the
    least the remaining trees can add leaves it more than ``margin`` below or above ``cut``
    (the margin dwarfs any rounding of the sums). Returns (kept, near rows, their raw sums): a
    row whose full sum lies within ``margin`` of ``cut`` is False in ``kept`` and listed in
    ``near`` for the caller to decide with the reference's sigmoid."""
    cdef Py_ssize_t n = features.shape[0], n_trees = node_feature.shape[0]
    cdef Py_ssize_t n_leaves = leaf_value.shape[1], first_leaf = n_leaves - 1, depth = 0
    cdef Py_ssize_t i, n_open = 0, group, lane, level, tree, width
    cdef Py_ssize_t j[TREE_LANES]
    cdef Py_ssize_t j2[TREE_LANES]
    cdef const double *x[TREE_LANES]
    cdef double total[TREE_LANES]
    cdef const Py_ssize_t *feature
    cdef const Py_ssize_t *feature2
    cdef const double *threshold
    cdef const double *threshold2
    cdef const double *leaves
    cdef const double *leaves2
    cdef double low = cut - margin, high = cut + margin
    cdef int verdict
    cdef bint open_left
    cdef list kept, near = [], raws = []
    if len(named) != n:
        raise ValueError("one named flag per row")
    if node_threshold.shape[0] != n_trees or leaf_value.shape[0] != n_trees or n_trees == 0:
        raise ValueError("one row of nodes, thresholds and leaves per tree")
    if most_after.shape[0] != n_trees + 1 or least_after.shape[0] != n_trees + 1:
        raise ValueError("bounds for every number of trees walked")
    while (1 << depth) < n_leaves:
        depth += 1
    if node_feature.shape[1] < n_leaves - 1 or node_threshold.shape[1] < n_leaves - 1:
        raise ValueError("a tree's nodes are fewer than its leaves")
    kept = [False] * n
    cdef Py_ssize_t *rows = <Py_ssize_t *>PyMem_Malloc((n + 1) * sizeof(Py_ssize_t))
    if rows == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            if not named[i]:
                rows[n_open] = i
                n_open += 1
        for group in range(0, n_open, TREE_LANES):
            width = min(TREE_LANES, n_open - group)
            for lane in range(TREE_LANES):
                # (past the last open row, the last again: its sums are computed and dropped)
                x[lane] = &features[rows[min(group + lane, n_open - 1)], 0]
                total[lane] = 0.0
            tree = 0
            while tree + 1 < n_trees:
                feature = &node_feature[tree, 0]
                threshold = &node_threshold[tree, 0]
                feature2 = &node_feature[tree + 1, 0]
                threshold2 = &node_threshold[tree + 1, 0]
                for lane in range(TREE_LANES):
                    j[lane] = 0
                    j2[lane] = 0
                for level in range(depth):
                    for lane in range(TREE_LANES):
                        j[lane] = 2 * j[lane] + 2 - (x[lane][feature[j[lane]]] <= threshold[j[lane]])
                        j2[lane] = 2 * j2[lane] + 2 - (x[lane][feature2[j2[lane]]] <= threshold2[j2[lane]])
                leaves = &leaf_value[tree, 0]
                leaves2 = &leaf_value[tree + 1, 0]
                for lane in range(TREE_LANES):
                    total[lane] += leaves[j[lane] - first_leaf]
                    total[lane] += leaves2[j2[lane] - first_leaf]
                tree += 2
                if tree % BOUND_EVERY == 0:
                    open_left = False
                    for lane in range(width):
                        if _verdict(total[lane], most_after[tree], least_after[tree], low,
                                    high) < 0:
                            open_left = True
                            break
                    if not open_left:
                        break
            if tree + 1 == n_trees:  # (an odd number of trees: the last one alone)
                feature = &node_feature[tree, 0]
                threshold = &node_threshold[tree, 0]
                leaves = &leaf_value[tree, 0]
                for lane in range(TREE_LANES):
                    j[lane] = 0
                for level in range(depth):
                    for lane in range(TREE_LANES):
                        j[lane] = 2 * j[lane] + 2 - (x[lane][feature[j[lane]]] <= threshold[j[lane]])
                for lane in range(TREE_LANES):
                    total[lane] += leaves[j[lane] - first_leaf]
                tree += 1
            for lane in range(width):
                verdict = _verdict(total[lane], most_after[tree], least_after[tree], low, high)
                if verdict == 1:
                    kept[rows[group + lane]] = True
                elif verdict < 0:  # (every tree walked: the sum is the full one)
                    near.append(rows[group + lane])
                    raws.append(total[lane])
    finally:
        PyMem_Free(rows)
    return kept, near, raws

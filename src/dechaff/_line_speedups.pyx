# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The hot loops of plain-text cleaning, compiled; each has a pure-Python reference it must match.

* ``line_columns``: the line-local facts of ``line_features`` (words, ending, character shares,
  capitals, separators, the repeat key and its tokens) in one pass over each line's characters;
  the reference is ``line_features.reference_line_columns``.

Characters are classified with CPython's own tables (``Py_UNICODE_ISALPHA`` ... are what
``str.isalpha`` ... and the ``re`` module's ``\\w`` use), so the results are the same for every
``str``. The extension is optional (see ``setup.py``); ``DECHAFF_PURE_PYTHON=1`` turns it off.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport (
    PyUnicode_4BYTE_KIND,
    PyUnicode_DATA,
    PyUnicode_FromKindAndData,
    PyUnicode_KIND,
    PyUnicode_READ,
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISALPHA,
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


cdef Py_ssize_t _parts(Text t) noexcept:
    """``len(text.split())``."""
    cdef Py_ssize_t i, parts = 0
    cdef bint inside = False
    for i in range(t.length):
        if _space(_at(t, i)):
            inside = False
        elif not inside:
            inside = True
            parts += 1
    return parts


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


cdef list _tokens(str folded):
    """``_WORD_RE.findall(folded)``: the runs of ``\\w`` characters."""
    cdef Text t = _text(folded)
    cdef Py_ssize_t i, start = -1
    cdef list out = []
    for i in range(t.length):
        if _word(_at(t, i)):
            if start < 0:
                start = i
        elif start >= 0:
            out.append(PyUnicode_Substring(folded, start, i))
            start = -1
    if start >= 0:
        out.append(PyUnicode_Substring(folded, start, t.length))
    return out


cdef str _collapsed(str folded, Py_ssize_t *parts):
    """``" ".join(folded.split())``; ``parts`` receives ``len(folded.split())``."""
    cdef Text t = _text(folded)
    cdef Py_ssize_t i, size = 0
    cdef Py_UCS4 c
    cdef bint inside = False
    cdef Py_UCS4 *buffer = <Py_UCS4 *>PyMem_Malloc((t.length + 1) * sizeof(Py_UCS4))
    if buffer == NULL:
        raise MemoryError()
    parts[0] = 0
    try:
        for i in range(t.length):
            c = _at(t, i)
            if _space(c):
                inside = False
            else:
                if not inside:
                    inside = True
                    if parts[0]:
                        buffer[size] = u" "
                        size += 1
                    parts[0] += 1
                buffer[size] = c
                size += 1
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buffer, size)
    finally:
        PyMem_Free(buffer)


def line_columns(list texts, Py_ssize_t long_line_chars, Py_ssize_t spaced_chars_per_word,
                 Py_ssize_t cjk_chars_per_word, Py_ssize_t cue_max_words):
    """``line_features.reference_line_columns(texts)`` with the module's thresholds given."""
    cdef list words_col = [], chars_col = [], terminal_col = [], ellipsis_col = [], cut_col = []
    cdef list colon_col = [], digit_col = [], letter_col = [], upper_col = [], capital_col = []
    cdef list separator_col = [], key_col = [], token_col = []
    cdef str text, key
    cdef list tokens
    cdef Text t
    cdef Py_ssize_t n, i, j, parts, words, cjk, total, letters, upper, digits
    cdef Py_ssize_t initial_alpha, initial_upper
    cdef bint terminal, ellipsis, cut, at_start
    cdef Py_UCS4 c
    for text in texts:
        t = _text(text)
        n = t.length
        if n > long_line_chars:
            # (casefolding keeps every space a space and makes none: the same parts)
            key = _collapsed(text.casefold(), &parts)
            tokens = []
        else:
            tokens = _tokens(text.casefold())
            key = " ".join(tokens)
            parts = _parts(t)
        # words: whitespace parts, plus half the CJK characters of a line with few spaces
        words = parts
        if parts * spaced_chars_per_word < n and not PyUnicode_IS_ASCII(text):
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
        token_col.append(tokens)
        if words > cue_max_words:
            digit_col.append(0.0)
            letter_col.append(1.0)
            upper_col.append(0.0)
            capital_col.append(0.0)
            separator_col.append(0)
            continue
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
        letter_col, upper_col, capital_col, separator_col, key_col, token_col,
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
"""The columns ``fill_matrix`` writes, in order (``line_features`` checks them against its own)."""
FEATURE_FIELDS = (
    "line", "words", "chars", "terminal", "ellipsis", "cut_word", "colon", "digit_share",
    "letter_share", "upper_share", "capital_words", "separators", "key", "tokens", "repeats",
    "first", "title_overlap", "title_cover", "position", "dated", "byline_cue", "credit_cue",
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
    F_LETTER_SHARE, F_UPPER_SHARE, F_CAPITAL_WORDS, F_SEPARATORS, F_KEY, F_TOKENS, F_REPEATS
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


def fill_matrix(double[:, ::1] out, double[:, ::1] raw, list features, list named, list hints,
                list regions, double long_line_words, double prose_min_words,
                double short_line_words, double max_separators, double max_indent,
                Py_ssize_t density_window, Py_ssize_t repeat_window):
    """``line_features.line_matrix`` without its logarithms: every column but ``log_*``,
    ``body_distance``, ``run_length``, ``since_prose``, ``until_prose``, their neighbours'
    copies, ``relative_length`` and ``doc_log_lines``, whose arguments go into the rows of
    ``raw`` (:data:`RAW_ROWS`) for the caller (numpy's logarithms, as the reference's)."""
    cdef Py_ssize_t n = out.shape[0], i, j, first_body = 0, last_body = 0, last, run
    cdef tuple item, line
    cdef object hint, marker
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
        out[i, FIRST_OF_REPEATS] = 1.0 if item[F_FIRST] == line[L_NUMBER] else 0.0
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

"""Line rules: line features in, one kind (and a short reason) per line out.

The text-side counterpart of ``classify``: the same shape (features → labels), so a learned
model can replace a rule without touching the rest. The finer kinds of plain-text cleaning map
onto the HTML path's :class:`~dechaff.classify.Label` through :data:`LABELS`.

Two steps, around a keeper (the body region here, or the learned model of ``line_model``):

1. :func:`name_lines`, before the keeper: lines the rules remove on their own are *named*
   (notices: copyright, cookies, share buttons, newsletters, image file names, symbol rows;
   photo captions with a credit; the full teaser signature, a headline, the same headline
   again and a snippet cut short; the given headline; a comment thread after the article);
   others get a *hint*, what they would be if dropped (a headline repeated, headline + cut
   snippet pairs, runs of headline-shaped list items after the body, a headline-shaped first
   line and its repeats), which the keeper reads as a feature;
2. :func:`decide`, after it: kept lines stay (one repeating the kept line before it is a
   duplicate); dropped ones take their hint or are named by shape and place (byline, dateline,
   caption, tag, navigation, teaser, boilerplate).

The signals are structure first (repetition, truncation, position, shape, runs, overlap with the
headline); the few word lists (``By``, ``Photo``, cookie, ©) are secondary, multilingual hints.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import compress, pairwise
from typing import NamedTuple

from dechaff.classify import Label
from dechaff.line_features import (
    LONG_LINE_CHARS,
    LONG_LINE_WORDS,
    PROSE_MIN_WORDS,
    SHORT_LINE_WORDS,
    LineFeatures,
    body_regions,
    region_scores,
)
from dechaff.lines import compiled_line


class Kind(str, Enum):
    """What a line of plain text is. Only ``MAIN`` lines are kept."""

    MAIN = "main"
    TITLE = "title"
    BYLINE = "byline"
    DATELINE = "dateline"
    TAG = "tag"
    CAPTION = "caption"
    TEASER = "teaser"
    NAVIGATION = "navigation"
    SHARE = "share"
    COOKIE = "cookie"
    NEWSLETTER = "newsletter"
    COPYRIGHT = "copyright"
    COMMENT = "comment"
    DUPLICATE = "duplicate"
    BOILERPLATE = "boilerplate"


LABELS: dict[Kind, Label] = {
    Kind.MAIN: Label.MAIN,
    Kind.TITLE: Label.TITLE,
    Kind.BYLINE: Label.BYLINE,
    Kind.DATELINE: Label.BYLINE,
    Kind.TAG: Label.BOILERPLATE,
    Kind.CAPTION: Label.CAPTION,
    Kind.TEASER: Label.TEASER,
    Kind.NAVIGATION: Label.NAVIGATION,
    Kind.SHARE: Label.NAVIGATION,
    Kind.COOKIE: Label.BOILERPLATE,
    Kind.NEWSLETTER: Label.BOILERPLATE,
    Kind.COPYRIGHT: Label.BOILERPLATE,
    Kind.COMMENT: Label.COMMENT,
    Kind.DUPLICATE: Label.BOILERPLATE,
    Kind.BOILERPLATE: Label.BOILERPLATE,
}
"""The HTML path's label for each kind (the shared interface of both classifiers)."""

# --- thresholds ------------------------------------------------------------------------------

HEADLINE_MIN_WORDS = 3
"""A teaser headline has a few words; one or two are a menu entry or a label."""
HEADLINE_MAX_WORDS = 30
"""Headlines are short: a longer line is a paragraph."""
SNIPPET_MAX_WORDS = 80
"""A teaser snippet is a sentence or two; a longer cut-off line is a truncated paragraph."""
TEASER_MIN_PAIRS = 2
"""Headline + cut snippet pairs come in lists; one pair inside the body may be a quotation."""
TEASER_RUN_MIN = 3
"""List items shaped like headlines, this many in a row after the body, are a teaser list."""
TEASER_ITEM_MIN_WORDS = 4
"""A list item with this many words and no sentence ending reads as a teaser headline."""
TITLE_OVERLAP = 0.8
"""A line whose tokens are at least this share headline tokens..."""
TITLE_COVER = 0.6
"""...and that holds at least this share of the headline is the headline (maybe + site name)."""
TITLE_MAX_EXTRA_WORDS = 8
"""The headline with a site name or section attached is at most this much longer."""
TAG_MAX_WORDS = 3
"""A tag or section label is one to three words."""
BYLINE_MAX_WORDS = 10
"""A byline names a few people, an agency, maybe a date."""
DATELINE_MAX_WORDS = 12
"""A dateline is a date, a time, maybe a place and an 'updated' label."""
DUPLICATE_MIN_WORDS = 4
"""A repeated line this long is a duplicate; shorter repeats may be real (list values)."""
CAPTION_MIN_WORDS = 4
"""A line with a photo credit and a few words besides is a caption ("Getty Images" alone may
be a label the keeper decides on)."""
PATTERN_MAX_WORDS = 60
"""Copyright, cookie and newsletter notices are short; a long paragraph merely mentions them."""
NAV_MAX_WORDS = SHORT_LINE_WORDS
"""Menu entries are one to four words."""
COMMENT_HEADER_MAX_WORDS = 12
"""A comment section's heading ("34 responses to ...", "Leave a Reply") is short."""
COMMENT_ANCHOR_MAX_WORDS = 15
"""A comment's signature line ("Ann on May 2, 2019 at 4:47 pm said:") is short."""
COMMENT_MIN_ANCHORS = 3
"""Signature lines of one shape, this many after the body, make a comment thread."""
COMMENT_BODY_MIN_WORDS = 120
"""Comments follow an article: with less prose before them, the thread is the page (a forum)."""
COMMENT_MIN_LINES = 2
"""A comment heading needs something under it (a lone "Comments" is a link, named elsewhere)."""
COMMENT_MIN_GAP = 2
"""Signature lines are separated by the comments themselves: adjacent dated lines are a list."""

# --- secondary word hints (a few languages; structure decides first) -------------------------

_COPYRIGHT_RE = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|alle rechte vorbehalten"
    r"|tous droits réservés|todos los derechos reservados|tutti i diritti riservati"
    r"|todos os direitos reservados|wszelkie prawa zastrzeżone|все права защищены",
    re.IGNORECASE,
)
_COOKIE_RE = re.compile(r"cookie|куки", re.IGNORECASE)
_CONSENT_RE = re.compile(
    r"accept|consent|agree|brows|website|site|privacy|experience|einwillig|zustimm|akzept"
    r"|datenschutz|navega|aceptar|accetta|navigazione|accepter|naviga|zgod|согла",
    re.IGNORECASE,
)
_NEWSLETTER_RE = re.compile(r"newsletter|subscribe|abonn|suscrib|iscriviti|подпис", re.IGNORECASE)
_COPYRIGHT_OPENERS = "©(ACTWactwВвᲀ"
"""The characters a match of ``_COPYRIGHT_RE`` may start with (its alternatives' first
characters and their case-insensitive equivalents, as ``re`` has them)."""
_COOKIE_OPENERS = "CcКк"
"""The same for ``_COOKIE_RE``..."""
_CONSENT_OPENERS = "ABCDENPSWZabcdenpswzſСсᲃ"
"""...``_CONSENT_RE``..."""
_NEWSLETTER_OPENERS = "AINSainsİıſПп"
"""...and ``_NEWSLETTER_RE`` (checked against the patterns by the tests)."""
_COPYRIGHT_SECONDS = "CLOSUclosuſСсᲃ"
"""The characters a match of ``_COPYRIGHT_RE`` longer than one character may go on with (its
alternatives' second characters, any case, as ``re`` has them)..."""
_COPYRIGHT_SOLOS = "©"
"""...and its one-character matches."""
_COOKIE_SECONDS = "OoУу"
"""The same for ``_COOKIE_RE``..."""
_CONSENT_SECONDS = "ACEGIKORUXacegikoruxİıОоᲂ\u212a"
"""...``_CONSENT_RE``..."""
_NEWSLETTER_SECONDS = "BESUbesuſОоᲂ"
"""...and ``_NEWSLETTER_RE`` (none of these has a one-character match; checked by the
tests)."""


class _Starts(NamedTuple):
    """Where the matches of ``pattern`` may start: at one of ``solos``, or at one of
    ``openers`` followed by one of ``seconds``."""

    pattern: re.Pattern[str]
    openers: str
    seconds: str
    solos: str


_COPYRIGHT_STARTS = _Starts(_COPYRIGHT_RE, _COPYRIGHT_OPENERS, _COPYRIGHT_SECONDS,
                            _COPYRIGHT_SOLOS)
_COOKIE_STARTS = _Starts(_COOKIE_RE, _COOKIE_OPENERS, _COOKIE_SECONDS, "")
_CONSENT_STARTS = _Starts(_CONSENT_RE, _CONSENT_OPENERS, _CONSENT_SECONDS, "")
_NEWSLETTER_STARTS = _Starts(_NEWSLETTER_RE, _NEWSLETTER_OPENERS, _NEWSLETTER_SECONDS, "")
_SHARE_WORDS = frozenset(
    "share shares sharing tweet facebook twitter x whatsapp linkedin pinterest reddit email e mail"
    " print telegram messenger flipboard tumblr vk weibo wechat xing pocket threads bluesky"
    " copy link this on via teilen partager compartir condividi delen dela udostępnij"
    " поделиться instagram youtube tiktok snapchat sms mastodon".split()
)
_SHARE_BRANDS = frozenset(
    "facebook twitter whatsapp linkedin pinterest reddit telegram flipboard tumblr vk weibo"
    " wechat xing instagram youtube tiktok snapchat mastodon bluesky tweet share".split()
)
_IMAGE_FILE_RE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|svg|avif|bmp|tiff?)$", re.IGNORECASE)
_HINT_TOKENS = frozenset(
    "copyright reserved réservés reservados riservati vorbehalten zastrzeżone защищены cookie"
    " cookies newsletter newsletters subscribe subscription abonnieren abonnez abonner"
    " suscríbete suscribirse iscriviti подписаться подпишитесь jpg jpeg png gif webp svg avif"
    " bmp tif tiff teilen partager compartir condividi delen dela udostępnij поделиться".split()
) | _SHARE_BRANDS
"""Tokens of the notice patterns below: a line holding none (and no ©) skips them all."""
_COMMENT_WORDS = (
    r"(?:comments?|responses?|replies|reactions|kommentare?|commentaires?|comentarios?|commenti"
    r"|comentários?|reacties|komentarz[ey]?|комментари[ийя]\w*)"
)
_COMMENT_HEADER_RE = re.compile(
    rf"^(?:\d+\s+{_COMMENT_WORDS}\b.*|(?!respon){_COMMENT_WORDS}\s*(?:\(\d+\))?:?"
    r"|leave a (?:reply|comment)|join the discussion|post a comment|add a comment)$",
    re.IGNORECASE,
)
"""A comment section's heading: "34 responses to ...", "Comments (12)", "Leave a Reply"."""
_COMMENT_HEADER_OPENERS = "ACJKLPRacjklprКк\u212a"
"""The characters a comment heading may open with besides a decimal digit (the first letters
of its alternatives, any case, as ``re`` has them; checked by the tests)."""
AD_MIN_CHARS = 6
"""The shortest label ``_AD_RE`` matches ("annons", "mainos"): shorter lines are not tried."""
_AD_OPENERS = "ACLMPRSWaclmprsw\u017f\u0420\u0440"
"""The characters a match of ``_AD_RE`` may start with (checked by the tests)."""
_TEMPLATE_TOKEN_RE = re.compile(r"\d+|[^\W\d_]+")
_TIME_RE = re.compile(r"\b\d{1,2}:\d{2}\b")
_AD_RE = re.compile(
    r"^(?:advertisement|advertising|sponsored|anzeige|werbung|publicidad|publicité|pubblicità"
    r"|реклама|advertentie|reklama|annons|mainos|scroll to continue.*|read more|weiterlesen"
    r"|lire la suite|leer más|leggi anche|continue reading)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Decision:
    """One line's kind and the short reason the rules give for it."""

    kind: Kind
    reason: str


KEEP = Decision(Kind.MAIN, "body")
_DUPLICATE = Decision(Kind.DUPLICATE, "repeats the line before")

Named = list["Decision | None"]


@dataclass(frozen=True, slots=True)
class Naming:
    """What the rules say before the keeper decides.

    ``named``: lines the rules remove on their own (a notice, the full teaser signature, the
    given headline). ``hinted``: what a line would be if dropped (a repeated headline, a
    headline + cut snippet, a headline-shaped first line); the keeper decides whether it goes.
    """

    named: Named
    hinted: Named


def name_lines(features: Sequence[LineFeatures], *, has_title: bool = False) -> Naming:
    """The rules' names for the lines (``None`` where they have nothing to say)."""
    named = _pattern_names(features)
    hinted: Named = [None] * len(features)
    prose, shaped = shape_columns(features)
    _teasers(features, named, hinted, prose, shaped)
    _headline(features, named if has_title else hinted, given=has_title, shaped=shaped)
    _comments(features, named, prose)
    return Naming(named, hinted)


def reference_shape_columns(features: Sequence[LineFeatures]) -> tuple[list[bool], list[bool]]:
    """(prose, headline-shaped) per line (the reference for the compiled pass)."""
    return [item.prose for item in features], [_headline_shaped(item) for item in features]


def shape_columns(features: Sequence[LineFeatures]) -> tuple[list[bool], list[bool]]:
    """:func:`reference_shape_columns`, compiled when the extension is there."""
    if _compiled_shapes is None:
        return reference_shape_columns(features)
    return _compiled_shapes(
        list(features), LONG_LINE_WORDS, PROSE_MIN_WORDS, HEADLINE_MIN_WORDS, HEADLINE_MAX_WORDS
    )


_compiled_shapes: Callable[..., tuple[list[bool], list[bool]]] | None = compiled_line(
    "shape_columns"
)


def reference_pattern_names(features: Sequence[LineFeatures]) -> Named:
    """The notices and symbol rows the rules name on their own (the reference for the compiled
    pass)."""
    return [_pattern(item) if _may_name(item) else None for item in features]


def _pattern_names(features: Sequence[LineFeatures]) -> Named:
    """:func:`reference_pattern_names`, compiled when the extension is there."""
    if _compiled_patterns is None:
        return reference_pattern_names(features)
    named: Named = _compiled_patterns(
        list(features), _HINT_TOKENS, _AD_RE.match, _notice, _PATTERN_DECISIONS, NAV_MAX_WORDS,
        CAPTION_MIN_WORDS, PATTERN_MAX_WORDS, LONG_LINE_WORDS, PROSE_MIN_WORDS, AD_MIN_CHARS,
        _AD_OPENERS, LONG_LINE_CHARS,
    )
    return named


def decide(
    features: Sequence[LineFeatures], naming: Naming, keep: Sequence[bool]
) -> list[Decision]:
    """Every line's decision: named by a rule, kept, or dropped and named by hint or shape.

    ``keep`` says, for each line the rules did not name, whether the keeper (the body region or
    a learned model) keeps it. A kept line that only repeats the kept line before it is dropped.
    """
    if _compiled_decide is None:
        return reference_decide(features, naming, keep)
    decisions: list[Decision] = _compiled_decide(
        list(features), list(naming.named), list(naming.hinted), list(keep), _DECIDE_NAMES,
        _DECIDE_LIMITS,
    )
    return decisions


_compiled_decide: Callable[..., list[Decision]] | None = compiled_line("decide")


def reference_decide(
    features: Sequence[LineFeatures], naming: Naming, keep: Sequence[bool]
) -> list[Decision]:
    """:func:`decide` in Python alone (the reference for the compiled pass)."""
    decisions: list[Decision] = []
    seen_body = False
    previous = ""
    for item, decision, hint, kept in zip(
        features, naming.named, naming.hinted, keep, strict=True
    ):
        if decision is None and kept:
            if item.key and item.key == previous and item.words >= DUPLICATE_MIN_WORDS:
                decision = _DUPLICATE
            else:
                decision = KEEP
                seen_body = seen_body or item.prose
            previous = item.key
        elif decision is None:
            decision = hint or name_dropped(item, head=not seen_body)
        decisions.append(decision)
    return decisions


def rule_keep(features: Sequence[LineFeatures], naming: Naming) -> list[bool]:
    """The rules' keeper: lines inside the body region(s); everything when there is no body."""
    named = [
        a is not None or b is not None for a, b in zip(naming.named, naming.hinted, strict=True)
    ]
    regions = body_regions(region_scores(features, named))
    if not regions:
        return [True] * len(features)
    inside = [False] * len(features)
    for start, end in regions:
        inside[start:end] = [True] * (end - start)
    return inside


# --- names -----------------------------------------------------------------------------------


_SYMBOLS = Decision(Kind.BOILERPLATE, "only symbols")
_AD_LABEL = Decision(Kind.BOILERPLATE, "advertising or read-more label")
_CREDITED = Decision(Kind.CAPTION, "photo caption with a credit")
_COPYRIGHT = Decision(Kind.COPYRIGHT, "copyright notice")
_COOKIE = Decision(Kind.COOKIE, "cookie notice")
_IMAGE_FILE = Decision(Kind.CAPTION, "image file name")
_SHARE = Decision(Kind.SHARE, "share buttons")
_NEWSLETTER = Decision(Kind.NEWSLETTER, "newsletter sign-up")


_PATTERN_DECISIONS = (_SYMBOLS, _AD_LABEL, _CREDITED)
"""The names the compiled pattern pass gives itself, in its order."""
_AD_STRIP = " .:…>»"
"""What a label may trail (``Read more »``, ``Advertisement:``) before it is matched."""
_compiled_patterns: Callable[..., Named] | None = compiled_line("notice_names")


def _pattern(item: LineFeatures) -> Decision | None:
    text = item.line.text
    if item.letter_share == 0.0 and item.digit_share == 0.0:
        return _SYMBOLS
    if item.words <= NAV_MAX_WORDS and _AD_RE.match(text.rstrip(_AD_STRIP)):
        return _AD_LABEL
    if item.credit_cue and not item.prose and item.words >= CAPTION_MIN_WORDS:
        return _CREDITED
    if item.words > PATTERN_MAX_WORDS:
        return None
    if "©" not in text and "(c)" not in text and _HINT_TOKENS.isdisjoint(item.tokens):
        return None
    return _notice(item)


def _notice(item: LineFeatures) -> Decision | None:
    """The notice patterns of :func:`_pattern`, for a line holding one of their tokens."""
    text = item.line.text
    if _found(_COPYRIGHT_STARTS, text):
        return _COPYRIGHT
    if _found(_COOKIE_STARTS, text) and _found(_CONSENT_STARTS, text):
        return _COOKIE
    if _IMAGE_FILE_RE.match(text):
        return _IMAGE_FILE
    if item.words <= NAV_MAX_WORDS * 2 and _is_share(item.tokens):
        return _SHARE
    if item.words <= HEADLINE_MAX_WORDS and _found(_NEWSLETTER_STARTS, text):
        return _NEWSLETTER
    return None


def _found(starts: _Starts, text: str) -> bool:
    """``starts.pattern.search(text) is not None``; compiled, only the places where a match may
    start are tried (``found_paired``; ``found_from``, openers alone, in an older build)."""
    if _compiled_paired is not None:
        return _compiled_paired(
            starts.pattern.match, text, starts.openers, starts.seconds, starts.solos
        )
    if _compiled_found is not None:
        return _compiled_found(starts.pattern.match, text, starts.openers)
    return starts.pattern.search(text) is not None


_compiled_found: Callable[[Callable[[str, int], object], str, str], bool] | None = (
    compiled_line("found_from")
)
_compiled_paired: Callable[[Callable[[str, int], object], str, str, str, str], bool] | None = (
    compiled_line("found_paired")
)


def _may_name(item: LineFeatures) -> bool:
    """Whether :func:`_pattern` can name the line (most lines fail every cheap check here)."""
    return (
        item.words <= NAV_MAX_WORDS
        or item.credit_cue
        or (item.letter_share == 0.0 and item.digit_share == 0.0)
        or (
            item.words <= PATTERN_MAX_WORDS
            and not (_HINT_TOKENS.isdisjoint(item.tokens) and "©" not in item.line.text
                     and "(c)" not in item.line.text)
        )
    )


def _is_share(key_tokens: Sequence[str]) -> bool:
    tokens = [token for token in key_tokens if not token.isdigit()]
    return bool(tokens) and all(t in _SHARE_WORDS for t in tokens) and any(
        t in _SHARE_BRANDS for t in tokens
    )


_BYLINE = Decision(Kind.BYLINE, "byline before the body")
_DATELINE = {
    head: Decision(Kind.DATELINE, f"date line {place} the body")
    for head, place in ((True, "before"), (False, "after"))
}
_OUTSIDE_CREDIT = Decision(Kind.CAPTION, "photo credit outside the body")
_TAG = Decision(Kind.TAG, "short label before the body")
_MENU_LIKE = {
    head: Decision(Kind.NAVIGATION, f"menu-like line {place} the body")
    for head, place in ((True, "before"), (False, "after"))
}
_TEASER_AFTER = Decision(Kind.TEASER, "headline after the body")
_OUTSIDE = {
    head: Decision(Kind.BOILERPLATE, f"{place} the body, not part of it")
    for head, place in ((True, "before"), (False, "after"))
}
"""The names of dropped lines, shared (a decision is a frozen value)."""


_DECIDE_NAMES = (
    KEEP, _DUPLICATE, _BYLINE, _DATELINE[True], _DATELINE[False], _OUTSIDE_CREDIT, _TAG,
    _MENU_LIKE[True], _MENU_LIKE[False], _TEASER_AFTER, _OUTSIDE[True], _OUTSIDE[False],
)
"""The decisions the compiled :func:`decide` gives, in its order."""
_DECIDE_LIMITS = (
    DUPLICATE_MIN_WORDS, BYLINE_MAX_WORDS, DATELINE_MAX_WORDS, TAG_MAX_WORDS, NAV_MAX_WORDS,
    HEADLINE_MIN_WORDS, HEADLINE_MAX_WORDS, LONG_LINE_WORDS, PROSE_MIN_WORDS,
)
"""The word counts the compiled :func:`decide` reads, in its order."""


def name_dropped(item: LineFeatures, *, head: bool) -> Decision:
    """Name a line the keeper dropped, by its shape and its place (``head``: before the body)."""
    words = item.words
    if head and words <= BYLINE_MAX_WORDS and item.byline_cue:
        return _BYLINE
    if words <= DATELINE_MAX_WORDS and item.dated and not item.terminal:
        return _DATELINE[head]
    if item.credit_cue:
        return _OUTSIDE_CREDIT
    if head and words <= TAG_MAX_WORDS and not item.terminal:
        return _TAG
    if words <= NAV_MAX_WORDS or item.separators:
        return _MENU_LIKE[head]
    if not head and _headline_shaped(item):
        return _TEASER_AFTER
    return _OUTSIDE[head]


# --- teasers ---------------------------------------------------------------------------------


def _headline_shaped(item: LineFeatures) -> bool:
    return (
        HEADLINE_MIN_WORDS <= item.words <= HEADLINE_MAX_WORDS
        and not item.ellipsis
        and (not item.terminal or item.line.text.endswith(("?", "!")))
    )


def _snippet(item: LineFeatures) -> bool:
    """A snippet cut short: ends with an ellipsis."""
    return item.ellipsis and item.words <= SNIPPET_MAX_WORDS


def _cut_snippet(item: LineFeatures) -> bool:
    """After a repeated headline: ends with an ellipsis, or stops without finishing a sentence."""
    return item.words <= SNIPPET_MAX_WORDS and (item.ellipsis or not item.terminal)


_PAIRED_HEADLINE = Decision(Kind.TEASER, "headline before a cut snippet")
_PAIRED_SNIPPET = Decision(Kind.TEASER, "snippet cut short after a headline")


def _teasers(
    features: Sequence[LineFeatures],
    named: Named,
    hinted: Named,
    prose: Sequence[bool],
    shaped: Sequence[bool],
) -> None:
    """The full signature (a headline, the same headline again, a snippet cut short) is named;
    a headline repeated, headline + cut snippet pairs and headline lists are hinted
    (``prose``, ``shaped``: :func:`shape_columns`)."""
    if _compiled_teasers is None:
        pairs = reference_teaser_pairs(features, named, hinted, shaped)
    else:
        pairs = _compiled_teasers(
            list(features), named, hinted, list(shaped), _REPEATED_THEN_CUT, _REPEATED,
            SNIPPET_MAX_WORDS,
        )
    last_prose = _last_prose(features, prose)
    for head_index, snippet_index in pairs:
        if len(pairs) >= TEASER_MIN_PAIRS or head_index > last_prose:
            hinted[head_index] = _PAIRED_HEADLINE
            hinted[snippet_index] = _PAIRED_SNIPPET
    _teaser_runs(features, hinted, last_prose, shaped)


_REPEATED_THEN_CUT = Decision(Kind.TEASER, "headline repeated, then a cut snippet")
_REPEATED = Decision(Kind.TEASER, "headline repeated")


def reference_teaser_pairs(
    features: Sequence[LineFeatures], named: Named, hinted: Named, shaped: Sequence[bool]
) -> list[tuple[int, int]]:
    """The headline + cut snippet pairs (their indices); a headline repeated is named with the
    cut snippet after it, else hinted (the reference for the compiled pass)."""
    pairs: list[tuple[int, int]] = []
    n = len(features)
    for index in compress(range(n - 1), shaped):
        head = features[index]
        if named[index] is not None:
            continue
        following = features[index + 1]
        if following.key == head.key:
            full = (
                index + 2 < n
                and _cut_snippet(features[index + 2])
                and (index + 3 >= n or features[index + 3].key != features[index + 2].key)
            )
            end = index + 3 if full else index + 2
            for position in range(index, end):
                if full:
                    named[position] = _REPEATED_THEN_CUT
                else:
                    hinted[position] = _REPEATED
            continue
        if _snippet(following) and named[index + 1] is None:
            pairs.append((index, index + 1))
    return pairs


_compiled_teasers: Callable[..., list[tuple[int, int]]] | None = compiled_line("teaser_pairs")


def _last_prose(features: Sequence[LineFeatures], prose: Sequence[bool]) -> int:
    for index in range(len(features) - 1, -1, -1):
        if prose[index] and not features[index].ellipsis:
            return index
    return -1


def _teaser_item(item: LineFeatures, shaped: bool) -> bool:
    """A bullet shaped like a headline (``shaped``: :func:`_headline_shaped`)."""
    return shaped and item.line.marker == "bullet" and item.words >= TEASER_ITEM_MIN_WORDS


_HEADLINE_LIST = Decision(Kind.TEASER, "list of headlines after the body")


def _teaser_runs(
    features: Sequence[LineFeatures], named: Named, last_prose: int, shaped: Sequence[bool]
) -> None:
    """Runs of headline-shaped list items after the last paragraph of prose."""
    index = last_prose + 1
    n = len(features)
    while index < n:
        end = index
        while end < n and named[end] is None and _teaser_item(features[end], shaped[end]):
            end += 1
        if end - index >= TEASER_RUN_MIN:
            for position in range(index, end):
                named[position] = _HEADLINE_LIST
        index = max(end, index + 1)


# --- the headline ----------------------------------------------------------------------------


def _is_title(item: LineFeatures, title_words: int) -> bool:
    return (
        item.title_overlap >= TITLE_OVERLAP
        and item.title_cover >= TITLE_COVER
        and item.words <= title_words + TITLE_MAX_EXTRA_WORDS
    )


_THE_HEADLINE = Decision(Kind.TITLE, "the headline")
_FIRST_LINE_HEADLINE = Decision(Kind.TITLE, "headline-shaped first line")
_HEADLINE_AGAIN = Decision(Kind.TITLE, "the headline again")


def _headline(
    features: Sequence[LineFeatures], out: Named, *, given: bool, shaped: Sequence[bool]
) -> None:
    """The given headline and its repeats; without one, a headline-shaped first line and its."""
    if not features:
        return
    if given:
        words = min(
            (item.words for item in features if item.title_cover >= 1.0), default=HEADLINE_MAX_WORDS
        )
        for index, item in enumerate(features):
            if out[index] is None and _is_title(item, words):
                out[index] = _THE_HEADLINE
        return
    first = features[0]
    if not shaped[0] or first.line.marker == "bullet":
        return
    out[0] = _FIRST_LINE_HEADLINE
    tokens = frozenset(first.tokens)
    if not tokens:
        return
    if _compiled_again is None:
        reference_headline_again(features, out, tokens)
    else:
        _compiled_again(
            list(features), out, tokens, _HEADLINE_AGAIN, HEADLINE_MAX_WORDS, TITLE_OVERLAP,
            TITLE_COVER, LONG_LINE_CHARS,
        )


def reference_headline_again(
    features: Sequence[LineFeatures], out: Named, tokens: frozenset[str]
) -> None:
    """Name the lines after the first that repeat its ``tokens`` (the reference for the
    compiled pass)."""
    for index in range(1, len(features)):
        item = features[index]
        if out[index] is not None or item.words > HEADLINE_MAX_WORDS:
            continue
        line_tokens = item.tokens
        if not line_tokens or tokens.isdisjoint(line_tokens):  # (nothing shared: no overlap)
            continue
        if _again(line_tokens, tokens):
            out[index] = _HEADLINE_AGAIN


def _again(line_tokens: Sequence[str], tokens: frozenset[str]) -> bool:
    """Whether a line sharing tokens with the first line's ``tokens`` is that headline again."""
    inside = sum(token in tokens for token in line_tokens) / len(line_tokens)
    cover = len(tokens & set(line_tokens)) / len(tokens)
    return inside >= TITLE_OVERLAP and cover >= TITLE_COVER


_compiled_again: Callable[..., None] | None = compiled_line("key_headline_again")


# --- comments --------------------------------------------------------------------------------


_COMMENT = Decision(Kind.COMMENT, "comment thread after the article")


def _comments(features: Sequence[LineFeatures], named: Named, prose: Sequence[bool]) -> None:
    """A comment thread after the article: from its heading, or from the first of several
    signature lines of one shape, to the end of the document."""
    if _compiled_scan is None:
        start, found = reference_comment_scan(features, named, prose)
    else:
        start, found = _compiled_scan(
            list(features), named, prose, _COMMENT_HEADER_RE.match, _TIME_RE.search,
            COMMENT_BODY_MIN_WORDS, COMMENT_MIN_LINES, COMMENT_ANCHOR_MAX_WORDS,
            COMMENT_HEADER_MAX_WORDS, _COMMENT_HEADER_OPENERS,
        )
    anchors: dict[str, list[int]] = {}
    for index in found:
        anchors.setdefault(_template(features[index].line.text), []).append(index)
    signed = [indices[0] for key, indices in anchors.items() if _signatures(key, indices)]
    start = min([start, *signed])
    for index in range(start, len(features)):
        if named[index] is None:
            named[index] = _COMMENT


def reference_comment_scan(
    features: Sequence[LineFeatures], named: Named, prose: Sequence[bool]
) -> tuple[int, list[int]]:
    """(the comment heading's index, or the number of lines; the possible signature lines
    before it) among the lines after enough prose (the reference for the compiled pass)."""
    prose_words = 0
    found: list[int] = []
    for index, item in enumerate(features):
        if prose_words >= COMMENT_BODY_MIN_WORDS and named[index] is None:
            if _comment_header(item) and len(features) - index > COMMENT_MIN_LINES:
                return index, found
            if (
                item.dated
                and item.words <= COMMENT_ANCHOR_MAX_WORDS
                and _TIME_RE.search(item.line.text)
            ):
                found.append(index)
        if prose[index]:
            prose_words += item.words
    return len(features), found


_compiled_scan: Callable[..., tuple[int, list[int]]] | None = compiled_line(
    "gated_scan_comments"
)


def _signatures(template: str, found: Sequence[int]) -> bool:
    """Lines of one shape are comment signatures: a name, a word (``said``, ``on``), a time,
    several of them, each followed by the comment's text."""
    if len(found) < COMMENT_MIN_ANCHORS or "A" not in template.split():
        return False
    if not any(part.isalpha() and part.islower() for part in template.split()):
        return False
    return all(b - a >= COMMENT_MIN_GAP for a, b in pairwise(found))


def _comment_header(item: LineFeatures) -> bool:
    return (
        item.words <= COMMENT_HEADER_MAX_WORDS
        and not item.terminal
        and _COMMENT_HEADER_RE.match(item.line.text) is not None
    )


def _template(text: str) -> str:
    """A signature line's shape: numbers and the word after each as ``0``, capitalised words as
    ``A`` (runs collapsed), other words kept: "Ann Lee on May 2, 2019 at 4:47 pm said" and
    "Bo on June 10, 2020 at 9:05 am said" are both ``A on A 0 0 0 0 0 0 said``."""
    shape: list[str] = []
    after_number = False
    for token in _TEMPLATE_TOKEN_RE.findall(text):
        if token.isdigit() or after_number:
            shape.append("0")
        elif token[0].isupper():
            if not shape or shape[-1] != "A":
                shape.append("A")
        else:
            shape.append(token.lower())
        after_number = token.isdigit()
    return " ".join(shape)

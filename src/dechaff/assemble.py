"""Stage 6 — assemble: turn labelled blocks into the article body and its separated parts.

Input: the page's blocks with P(main) from the classifier. Output: which blocks form the body
(in document order), and the captions, related items and comments found beside it.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from urllib.parse import urljoin

import numpy as np

from dechaff.article import Comment, Metadata, Related
from dechaff.blocks import (
    IN_ASIDE,
    IN_FOOTER,
    IN_FORM,
    IN_LIST,
    IN_NAV,
    IN_TABLE,
    IN_TIME,
    PARAGRAPH_MIN_CHARS,
    Block,
    FloatArray,
    Page,
    starting_words,
)
from dechaff.classify import Label, captions_of, comment_containers
from dechaff.features import (
    COMMENT_NAME_RE,
    HEADLINE_SIMILARITY,
    TEASER_HEAD_LINK_DENSITY,
    TEASER_HEAD_WORDS,
    block_words,
    word_count,
)

TEASER_MIN_WORDS = TEASER_HEAD_WORDS
"""A link reads as a teaser headline (not a menu entry) from this many words on."""
TEASER_LINK_DENSITY = TEASER_HEAD_LINK_DENSITY
"""A block mostly made of link text is a teaser headline or a menu entry."""
TEASER_MIN_ITEMS = 3
"""Teasers come in runs: one or two headline links are in-text references, not a list."""
TEASER_MIN_CJK_CHARS = 8
"""Chinese/Japanese/Korean headlines have no spaces: count characters instead of words."""
TEASER_ITEM_DEPTH = 6
"""How far above a headline block its card may reach (heading → link → text → card → li)."""
TEASER_CARD_SPAN = 3
"""Linked lines this close together (headline, then a linked dek) belong to one card."""
TEASER_CARD_MAX_CHARS = 800
"""A card (headline, dek, snippet, date) is short; a larger element is a section, not a card."""
IN_BODY_SHARE = 0.2
"""A run with at least this share of the body's prose on each side sits inside the article."""
TEASER_BODY_MIN_CHARS = 300
"""A teaser run is chaff only beside a real body; without one (a listing page) it is content."""
TEASER_BODY_RATIO = 0.5
"""...and only when that body is at least this large relative to the run."""
RUN_HEADING_MAX_CHARS = 60
"""A run's own heading ("Related stories", "Más leídas") is short."""
MIN_BODY_CHARS = 250
"""Below this much body text the first pass probably missed the article (trafilatura: 250)."""
RELAXED_THRESHOLDS = (0.25, 0.15)
"""Lower P(main) cut-offs tried in turn, like Readability's relaxed retries."""
PROSE_MIN_CHARS = PARAGRAPH_MIN_CHARS
"""A relaxed pass admits only blocks this long (one full sentence or more)..."""
PROSE_MAX_LINK_DENSITY = 0.3
"""...and mostly free of links."""
LAST_RESORT_THRESHOLD = 0.2
"""With no body at all, sentences the model gives at least this chance are kept."""
BYLINE_MAX_CHARS = 120
"""A byline is one short line; anything longer is prose that mentions the author."""
BYLINE_MAX_WORDS = 12
"""A line opening with "By" is a byline if it is this short ("By Jane Doe and John Roe,
Reuters · 3 min read"); a longer one is a sentence ("By noon the square was full ...")."""
BYLINE_EXTRA_CHARS = 60
"""Room beside the author's name in a byline ("By X, Staff Writer · Updated 3 hours ago")."""
BYLINE_MAX_OFFSET = 6
"""Bylines sit at the top: at most this many blocks after the body starts."""
DATELINE_MAX_CHARS = 40
"""A ``<time>`` line this short near the top is a dateline, not prose."""
TITLE_SIMILARITY = HEADLINE_SIMILARITY
"""Word overlap with the page title above which a heading is the headline itself."""
CAPTION_MAX_CHARS = 400
"""Longer text inside a figure is prose laid out in a figure, not a caption."""
CAPTION_MAX_BODY_SHARE = 0.5
"""Captions are a small part of an article: "captions" holding more of the body's prose are
the body."""
STORY_MIN_PARAGRAPHS = 2
"""Body above a long comment thread is a story of its own with at least this many paragraphs
..."""
STORY_MIN_CHARS = 300
"""... and this many characters of prose (a short post, a video with a few lines)."""
COMMENT_AUTHOR_MAX_CHARS = 60
"""A commenter's name is short; longer text in an "author" element is the comment itself."""
BOX_MAX_PROSE_SHARE = 0.5
"""Without a headline, a template box (sidebar, author or post box) holding more of the
prose is the article."""

CORE_BODY_SHARE = 0.85
"""The body's core is the deepest element holding this share of the body text."""
ARTICLE_BOX_SHARE = 0.5
"""An element named as the article's body is where the article is when it holds half of it."""
SURE_PROBABILITY = 0.8
"""P(main) of a paragraph the model is sure of: where such paragraphs sit is the article."""
SURE_MIN_PARAGRAPHS = 2
"""Sure paragraphs needed to place the article by them (one could be a lone blurb)."""
STRAY_MAX_CHARS = 100
"""Outside the core, lines shorter than this are widget furniture..."""
STRAY_LINK_DENSITY = 0.5
"""...and so are link-heavy ones."""
GAP_MAX_BLOCKS = 6
"""Body blocks on both sides of at most this many others, under one parent, take them in (a
poem's lines, a list's short items the model scored lower than their neighbours)..."""
GAP_MIN_PROBABILITY = 0.2
"""...when the model gives each some chance of being body (a widget in the gap scores lower)."""
ORPHAN_LOOKAHEAD = 3
"""A heading whose next blocks hold no body text introduces something else (a widget)."""
KICKER_MAX_WORDS = 3
"""Above the headline, a line this short is a section label; body text comes below it."""
LABEL_MAX_WORDS = 2
"""A linked line this short between paragraphs is a tag or section label, not a sentence."""
AD_SLOT_MAX_PARAGRAPHS = 2
"""An ad slot holds at most one paragraph of prose (an advertorial blurb)."""
AD_TOKEN_DEPTH = 3
"""Ad-slot class names count on the block's element and its two nearest ancestors."""
COMMENT_WRAPPER_SHARE = 0.5
"""A comment-named element holding this share of the body text wraps the article (or the page
is a thread whose posts are the content): it is not a comment section."""
MAX_RELATED = 50
"""Related lists longer than this are site indexes, not recommendations."""

_WORD_RE = re.compile(r"\w+")
_CJK_RE = re.compile("[\u3040-\u9fff\uac00-\ud7af]")
_SENTENCE_END = frozenset(".!?。！？؟")
_LIST_TAGS = frozenset({"li", "td", "th", "dd", "dt", "pre"})
_AD_TOKENS = frozenset({"ad", "ads", "advert", "advertisement", "adslot", "sponsored", "promo"})
_SIDEBAR_NAME = re.compile(rf"{starting_words(('sidebar',))}s?(?!\S)")
"""A class or id that is the word itself: the column blog and CMS templates stack their boxes
in (archives, categories, "about me", recent comments). Compounds are layout modifiers as
often ("sidebar-first-only" on the content column, "has-sidebar"), and "widget" names page
builders' content components ("so-panel widget", "elementor-widget")."""
_POST_BOX_NAME = re.compile(
    r"author[-_]?(?:bio|box|profile|info|about|description|details|card)|"
    r"(?:about|bio)[-_]?(?:the[-_]?)?author|"
    r"(?:entry|post)[-_]?(?:footer|meta|metadata|utility|info)"
)
"""The boxes a post template puts around the text: the writer's introduction, and the post's
metadata ("Posted in ... | Tags ... | 3 comments", "This entry was filed under ...")."""
_NOCONTENT_NAME = re.compile(rf"{starting_words(('robots-nocontent', 'nocontent'))}(?!\S)")
"""The publisher's own mark for "not content": Google's site search skips ``nocontent``,
Yahoo's crawler skips ``robots-nocontent`` (navigation, recent posts, blog furniture)."""
_POST_LIST_NAME = re.compile(
    rf"{starting_words(('related', 'recent'))}[-_]?(?:posts?|articles?|stories|entries)(?!\S)"
)
"""A box of other posts named as such ("related-posts", "recent_posts", "related-articles"):
the blog engines' and their plugins' own class names, exact words only."""
_ARTICLE_BOX_NAME = re.compile(
    starting_words(("entry", "post", "article", "story"), r"[\w-]")
    + r"[-_]?(?:content|body|text)(?![\w-])"
)
"""Names publishers give the element holding an article's body (``entry-content``,
``post-body``, ``articleBody``, ``story_text``), as whole words."""
_TEMPLATE_BOX_NAME = re.compile(
    f"{_SIDEBAR_NAME.pattern}|{_POST_BOX_NAME.pattern}|{_NOCONTENT_NAME.pattern}|"
    f"{_POST_LIST_NAME.pattern}"
)
_FURNITURE_NAME = re.compile(rf"{_TEMPLATE_BOX_NAME.pattern}|{starting_words(('footer',))}(?!\S)")
"""Template boxes and elements named exactly "footer": never admitted by a relaxed pass."""
_FURNITURE_FLAGS = IN_NAV | IN_FOOTER | IN_FORM | IN_ASIDE
"""Blocks under these tags are never admitted by a relaxed pass either."""
_AUTHOR_TOKENS = frozenset({"author", "name", "fn", "username", "user"})
_BYLINE_RE = re.compile(
    r"^\s*(?:by|von|par|por|door|di|da|av|af|od|przez|автор|от|بقلم|作者|文)\s*[:\-]?\s+\S",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Assembly:
    """What the assemble stage decided, block by block."""

    labels: list[Label]
    body: list[Block]
    captions: list[str] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    comment_blocks: list[Block] = field(default_factory=list)


def _words(text: str) -> set[str]:
    return set(_WORD_RE.findall(unicodedata.normalize("NFKC", text).lower()))


def _similarities(page: Page, blocks: list[Block], ref: set[str]) -> list[float]:
    """Word overlap (Jaccard) of each block's text with ``ref``."""
    if not ref:
        return [0.0] * len(blocks)
    known = page.title_similarity  # (worked out by the features, for the title's words)
    similarity = known[1] if known is not None and known[0] == ref else None
    out = []
    for b in blocks:
        if unicodedata.is_normalized("NFKC", b.text):
            if similarity is not None:
                out.append(similarity[b.index])
                continue
            # (the words of NFKC text, when it is that already)
            words = set(block_words(page)[b.index])
        else:
            words = _words(b.text)
        out.append(len(words & ref) / len(words | ref) if words else 0.0)
    return out


def assemble(
    page: Page,
    probs: list[float],
    meta: Metadata,
    threshold: float,
    *,
    include_tables: bool = True,
) -> Assembly:
    """Label every block, then gather the body and the parts separated from it."""
    blocks = page.blocks
    labels = [Label.MAIN if p >= threshold else Label.BOILERPLATE for p in probs]
    if not include_tables:
        for b in blocks:
            if b.flags & IN_TABLE:
                labels[b.index] = Label.BOILERPLATE
    _mark_labels(page, labels)
    # A page scored low throughout gets its relaxed pass first, so that the rules below
    # (comments, teasers, sidebars) judge the blocks it admits; again at the end, in case
    # they took away most of the body.
    _relax_if_empty(page, probs, labels)
    _mark_headline(page, labels, meta)
    _mark_bylines(blocks, labels, meta)
    captions = _mark_captions(page, labels)
    comment_blocks = _mark_comments(page, probs, labels, meta.discussion)
    related = _mark_teasers(page, labels, meta.url)
    _drop_template_boxes(page, labels)
    _drop_orphan_headings(page, labels)
    _drop_outside_core(page, probs, labels)
    if _fill_gaps(page, probs, labels):
        _mark_labels(page, labels)
    _relax_if_empty(page, probs, labels)
    body = [b for b in blocks if labels[b.index] is Label.MAIN]
    return Assembly(
        labels=labels,
        body=body,
        captions=captions,
        related=related,
        comments=_comments(page, comment_blocks),
        comment_blocks=comment_blocks,
    )


def _mark_labels(page: Page, labels: list[Label]) -> None:
    """Lone short lines that are links (topic tags, kickers) or sit in ad slots are not prose.

    A short link between two body blocks is kept: inside the body it is part of the text
    (an embed's account line, a "Read more" the page's own gold keeps)."""
    blocks = page.blocks
    last = len(blocks) - 1
    ad_slots = _ad_slots(page)
    for b in blocks:
        if labels[b.index] is not Label.MAIN or b.heading_level or b.tag in _LIST_TAGS:
            continue
        in_ad_slot = bool(ad_slots) and _in_ad_slot(page, b, ad_slots)
        inside = (
            0 < b.index < last
            and labels[b.index - 1] is Label.MAIN
            and labels[b.index + 1] is Label.MAIN
        )
        tag_label = (
            not inside and b.link_density > 0.5 and word_count(page, b) <= LABEL_MAX_WORDS
        )
        if in_ad_slot or tag_label:
            labels[b.index] = Label.BOILERPLATE


def _ad_slots(page: Page) -> set[int]:
    """Elements named as ads ("ad", "sponsored", "promo", ...) that hold no prose: an element
    with paragraphs under such a name is a story (a post in a "promo" category), not a slot."""
    paragraphs = page.table.n_paragraphs
    return {
        i for i in page.elements_named(_AD_TOKENS) if paragraphs[i] < AD_SLOT_MAX_PARAGRAPHS
    }


def _in_ad_slot(page: Page, block: Block, slots: set[int]) -> bool:
    """Whether the block's element or one of its nearest ancestors is an ad slot."""
    return any(a in slots for a in page.ancestors(block.element)[:AD_TOKEN_DEPTH])


def _relax_if_empty(page: Page, probs: list[float], labels: list[Label]) -> None:
    """Too little body: retry with lower thresholds, admitting only prose-like blocks, and
    none from the template's furniture (sidebars, footers, forms, navigation)."""
    blocks = page.blocks
    body = sum(b.chars for b in blocks if labels[b.index] is Label.MAIN)
    if body >= MIN_BODY_CHARS:
        return
    furniture = _furniture(page)
    for relaxed in RELAXED_THRESHOLDS:
        if body >= MIN_BODY_CHARS:
            return
        for b in blocks:
            if labels[b.index] is not Label.BOILERPLATE or probs[b.index] < relaxed:
                continue
            if b.index in furniture:
                continue
            if b.chars >= PROSE_MIN_CHARS and b.link_density < PROSE_MAX_LINK_DENSITY:
                labels[b.index] = Label.MAIN
                body += b.chars
    if body == 0:
        _last_resort(blocks, probs, labels, furniture)


def _furniture(page: Page) -> set[int]:
    """Blocks in the template's furniture: navigation, footers, forms, asides (by tag), and
    elements named as a sidebar, a post's metadata box or a footer."""
    out = {b.index for b in page.blocks if b.flags & _FURNITURE_FLAGS}
    table = page.table
    for i in page.elements_named(_FURNITURE_NAME):
        out.update(range(table.first_block[i], table.last_block[i] + 1))
    return out


def _last_resort(
    blocks: list[Block], probs: list[float], labels: list[Label], furniture: set[int]
) -> None:
    """Nothing at all: keep the best-scored sentences (a tiny page of short posts)."""
    for b in blocks:
        if (
            labels[b.index] is Label.BOILERPLATE
            and b.index not in furniture
            and probs[b.index] >= LAST_RESORT_THRESHOLD
            and b.link_density < PROSE_MAX_LINK_DENSITY
            and b.text.rstrip()[-1:] in _SENTENCE_END
        ):
            labels[b.index] = Label.MAIN


def _headline(labels: list[Label]) -> int:
    """The index of the first block labelled as the headline; -1 when there is none."""
    return next((i for i, label in enumerate(labels) if label is Label.TITLE), -1)


def _first_main(labels: list[Label]) -> int:
    for i, label in enumerate(labels):
        if label is Label.MAIN:
            return i
    return len(labels)


def _mark_headline(page: Page, labels: list[Label], meta: Metadata) -> None:
    """The headline is the title, not body text: drop it (and repeats of it) from the body."""
    blocks = page.blocks
    title_words = _words(meta.title or "")
    first = _first_main(labels)
    short = [b for b in blocks if b.chars <= 300]
    for b, similar in zip(short, _similarities(page, short, title_words), strict=True):
        near_top = b.index <= first + 2
        if title_words and similar >= TITLE_SIMILARITY:
            # (a heading saying the title is the headline wherever the scores put it)
            if labels[b.index] is Label.MAIN or near_top or b.heading_level:
                labels[b.index] = Label.TITLE
        elif b.tag == "h1" and near_top and labels[b.index] is Label.MAIN and b.index <= first:
            labels[b.index] = Label.TITLE
    _drop_kickers(page, labels)


def _drop_outside_core(page: Page, probs: list[float], labels: list[Label]) -> None:
    """Short or link-heavy body blocks outside the element that holds most of the body are
    stray widget lines (classless sidebars), not part of the article. Headings are left to
    the orphan-heading rule: a section title may sit just outside the body's container.

    Two things place the article better than where most body text sits, since a sidebar of
    many middling blocks (a blogroll, a reading list) can outweigh a short post: an element
    the page names as the article's body (``entry-content``, ``post-body``, ...) holding much
    of the body, then the element holding the paragraphs the model is sure of. Outside the
    latter, short blocks go only when they are also outside the body's bulk, or are middling
    list items."""
    main = [b for b in page.blocks if labels[b.index] is Label.MAIN]
    if not main:
        return
    chars = np.zeros(len(page.blocks))
    index = np.fromiter((b.index for b in main), dtype=np.intp, count=len(main))
    chars[index] = page.block_chars[index]
    bulk = _core(page, chars)
    core = _article_box(page, chars)
    guard: tuple[int, int] | None = None
    if core is None:
        sure = [
            b.index for b in main
            if probs[b.index] >= SURE_PROBABILITY
            and b.chars >= PROSE_MIN_CHARS
            and not b.heading_level
        ]
        if len(sure) >= SURE_MIN_PARAGRAPHS:
            sure_chars = np.zeros(len(page.blocks))
            sure_chars[sure] = chars[sure]
            core, guard = _core(page, sure_chars), bulk
        else:
            core = bulk
    for b in main:
        if core[0] <= b.index <= core[1] or b.heading_level:
            continue
        if b.chars >= STRAY_MAX_CHARS and b.link_density <= STRAY_LINK_DENSITY:
            continue
        in_guard = guard is not None and guard[0] <= b.index <= guard[1]
        if not in_guard or (b.flags & IN_LIST and probs[b.index] < SURE_PROBABILITY):
            labels[b.index] = Label.BOILERPLATE


def _article_box(page: Page, chars: FloatArray) -> tuple[int, int] | None:
    """The first and last block of the element named as the article's body that holds the
    most of ``chars`` (the body's characters, per block), when that is at least
    ``ARTICLE_BOX_SHARE`` of them."""
    boxes = page.elements_named(_ARTICLE_BOX_NAME)
    if not boxes:
        return None
    table = page.table
    cumulative = np.concatenate(([0.0], np.cumsum(chars)))
    first = np.asarray([table.first_block[i] for i in boxes])
    last = np.asarray([table.last_block[i] for i in boxes])
    held = cumulative[last + 1] - cumulative[first]
    best = int(np.argmax(held))
    if held[best] <= 0 or held[best] < ARTICLE_BOX_SHARE * cumulative[-1]:
        return None
    return int(first[best]), int(last[best])


def _core(page: Page, chars: FloatArray) -> tuple[int, int]:
    """The first and last block of the deepest element holding ``CORE_BODY_SHARE`` of
    ``chars`` (characters per block)."""
    held = page.subtree_sum(chars)
    candidates = np.flatnonzero(held >= CORE_BODY_SHARE * float(chars.sum()))
    table = page.table
    core = int(candidates[np.argmax(np.asarray(table.depth)[candidates])])
    return table.first_block[core], table.last_block[core]


def _fill_gaps(page: Page, probs: list[float], labels: list[Label]) -> bool:
    """A short run of blocks between two body blocks, all under the same parent, is body too
    when none is a heading or mostly links (jusText's rule for short blocks between good
    ones, with the parent as the guard that keeps the gap inside the article's element)."""
    blocks = page.blocks
    filled = False
    start = 0
    while start < len(blocks):
        end = _gap_end(labels, start)
        if end > start + 1 and _fills(page, probs, labels, start, end):
            for k in range(start + 1, end):
                labels[k] = Label.MAIN
            filled = True
        start = max(end, start + 1)
    return filled


def _gap_end(labels: list[Label], start: int) -> int:
    """The next block after ``start`` that is not boilerplate (``start`` when it is not body)."""
    if labels[start] is not Label.MAIN:
        return start
    end = start + 1
    while end < len(labels) and labels[end] is Label.BOILERPLATE:
        end += 1
    return end


def _fills(page: Page, probs: list[float], labels: list[Label], start: int, end: int) -> bool:
    """Whether the boilerplate between body blocks ``start`` and ``end`` is body after all."""
    blocks = page.blocks
    if end >= len(blocks) or labels[end] is not Label.MAIN or end - start - 1 > GAP_MAX_BLOCKS:
        return False
    parents = page.table.parent
    parent = parents[blocks[start].element]
    return parents[blocks[end].element] == parent and all(
        parents[blocks[k].element] == parent
        and probs[k] >= GAP_MIN_PROBABILITY
        and blocks[k].link_density < PROSE_MAX_LINK_DENSITY
        and not blocks[k].heading_level
        for k in range(start + 1, end)
    )


def _drop_template_boxes(page: Page, labels: list[Label]) -> None:
    """Body blocks inside an element named as a sidebar, an author box or a post's metadata
    are the template's, not the article's, unless that element holds the headline (a site
    that names its whole layout "sidebar") or, on a page without a headline, much of its
    prose."""
    boxes = page.elements_named(_TEMPLATE_BOX_NAME)
    if not boxes:
        return
    table = page.table
    headline = _headline(labels)
    prose = np.array([_prose_chars(b) if labels[b.index] is Label.MAIN else 0
                      for b in page.blocks], float)
    held = page.subtree_sum(prose)
    total = float(prose.sum())
    for i in boxes:
        first, last = table.first_block[i], table.last_block[i]
        if first <= headline <= last:
            continue
        if headline < 0 and held[i] > BOX_MAX_PROSE_SHARE * total:
            continue
        for k in range(first, last + 1):
            if labels[k] is Label.MAIN:
                labels[k] = Label.BOILERPLATE


def _drop_orphan_headings(page: Page, labels: list[Label]) -> None:
    """A heading must introduce body text: one followed by no body block is a widget title."""
    blocks = page.blocks
    n = len(blocks)
    for b in blocks:
        if labels[b.index] is not Label.MAIN or not b.heading_level:
            continue
        following = range(b.index + 1, min(n, b.index + 1 + ORPHAN_LOOKAHEAD))
        if not any(labels[i] is Label.MAIN for i in following):
            labels[b.index] = Label.BOILERPLATE


def _drop_kickers(page: Page, labels: list[Label]) -> None:
    """Short lines above the headline (section kicker, "World", "Analysis") are not body."""
    headline = max(_headline(labels), 0)
    for b in page.blocks[:headline]:
        if labels[b.index] is Label.MAIN and word_count(page, b) <= KICKER_MAX_WORDS:
            labels[b.index] = Label.BOILERPLATE


def _mark_bylines(blocks: list[Block], labels: list[Label], meta: Metadata) -> None:
    """Short lines naming the author ("By Jane Doe", "Reuters · 3 min read") are metadata."""
    names = [a.lower() for a in meta.authors if len(a) >= 2]
    first = _first_main(labels)
    for b in blocks:
        if labels[b.index] is not Label.MAIN or b.chars > BYLINE_MAX_CHARS:
            continue
        if b.index > first + BYLINE_MAX_OFFSET and not (b.flags & IN_TIME):
            continue
        low = b.text.lower()
        named = any(n in low for n in names)
        longest = len(max(names, key=len, default=""))
        if (
            (named and b.chars < longest + BYLINE_EXTRA_CHARS)
            or (_BYLINE_RE.match(b.text) and len(_WORD_RE.findall(b.text)) <= BYLINE_MAX_WORDS)
            or (b.flags & IN_TIME and b.chars < DATELINE_MAX_CHARS)
        ):
            labels[b.index] = Label.BYLINE


def _mark_captions(page: Page, labels: list[Label]) -> list[str]:
    """Short text in figures or caption-named elements, unless it is most of the body: a page
    that lays out its story as captioned photos (or names its text boxes "caption") keeps it."""
    caption = captions_of(page)
    found = [
        b
        for b in page.blocks
        if caption[b.index]
        and b.chars <= CAPTION_MAX_CHARS
        and labels[b.index] not in (Label.TITLE, Label.BYLINE)
    ]
    main = [b for b in page.blocks if labels[b.index] is Label.MAIN]
    weigh = _prose_chars if any(map(_prose_chars, main)) else _chars
    in_captions = sum(weigh(b) for b in found if labels[b.index] is Label.MAIN)
    if in_captions > CAPTION_MAX_BODY_SHARE * sum(map(weigh, main)):
        return []
    captions: list[str] = []
    for b in found:
        if labels[b.index] is Label.MAIN or _near_main(labels, b.index):
            captions.append(b.text)
        labels[b.index] = Label.CAPTION
    return captions


def _prose_chars(block: Block) -> int:
    """The block's characters if it reads as prose (long, few links), else 0."""
    prose = block.chars >= PROSE_MIN_CHARS and block.link_density < PROSE_MAX_LINK_DENSITY
    return block.chars if prose else 0


def _chars(block: Block) -> int:
    return block.chars


def _near_main(labels: list[Label], i: int) -> bool:
    lo, hi = max(0, i - 2), min(len(labels), i + 3)
    return any(labels[j] is Label.MAIN for j in range(lo, hi))


def _prose_above(page: Page, probs: list[float], first: Block) -> bool:
    """Whether a block before ``first`` is prose that a relaxed pass could take as body."""
    furniture = _furniture(page)
    return any(
        probs[b.index] >= RELAXED_THRESHOLDS[-1]
        and b.chars >= PROSE_MIN_CHARS
        and b.link_density < PROSE_MAX_LINK_DENSITY
        and b.index not in furniture
        for b in page.blocks[: first.index]
    )


def _mark_comments(
    page: Page, probs: list[float], labels: list[Label], discussion: bool
) -> list[Block]:
    """Blocks inside a comment-named container, unless that container holds most of the body."""
    main_total = sum(b.chars for b in page.blocks if labels[b.index] is Label.MAIN)
    verdict: dict[int, bool] = {}
    out = []
    before: list[Label] = []
    inside = page.inside_named(COMMENT_NAME_RE)
    for b in page.blocks:
        if not inside[b.element] or labels[b.index] in (Label.TITLE, Label.CAPTION):
            continue
        for container in comment_containers(page, b):
            if container not in verdict:
                verdict[container] = _is_comment_section(page, labels, container, main_total)
            if verdict[container]:
                before.append(labels[b.index])
                labels[b.index] = Label.COMMENT
                out.append(b)
                break
    if discussion and _posts_are_content(page, probs, out, before, main_total):
        for b, label in zip(out, before, strict=True):
            labels[b.index] = label
        return []
    return out


def _posts_are_content(
    page: Page, probs: list[float], out: list[Block], before: list[Label], main_total: int
) -> bool:
    """On a page that says it is a discussion: whether nothing but the comments is body and
    no article above them would be found by a relaxed pass (then its posts are the content)."""
    posts = [b for b, label in zip(out, before, strict=True) if label is Label.MAIN]
    chars = sum(b.chars for b in posts)
    return main_total - chars < MIN_BODY_CHARS <= chars and not _prose_above(
        page, probs, posts[0]
    )


def _is_comment_section(page: Page, labels: list[Label], container: int, main_total: int) -> bool:
    """A comment-named element is a comment section when it holds a minor part of the body,
    or when a story of its own comes before it (a short article with a long thread under it);
    otherwise it wraps the content (an article, or a thread whose posts are the content)."""
    el = page.elements[container]
    inside = sum(
        b.chars
        for b in page.blocks[el.first_block : el.last_block + 1]
        if labels[b.index] is Label.MAIN
    )
    if inside < COMMENT_WRAPPER_SHARE * main_total:
        return True
    above = page.blocks[: el.first_block]
    story = [b for b in above if labels[b.index] is Label.MAIN and _prose_chars(b)]
    if len(story) < STORY_MIN_PARAGRAPHS or sum(b.chars for b in story) < STORY_MIN_CHARS:
        return False
    # (a thread's opening post is laid out as its replies are: then the replies are content)
    thread = page.blocks[el.first_block : el.last_block + 1]
    return not {_layout(page, b) for b in story} & {_layout(page, b) for b in thread}


def _layout(page: Page, block: Block) -> tuple[int, int]:
    """The class/id names of a block's element and its parent."""
    table = page.table
    return table.name[block.element], table.name[table.parent[block.element]]


def _comments(page: Page, blocks: list[Block]) -> list[Comment]:
    """Group comment blocks by their innermost comment-named container."""
    groups: dict[int, list[Block]] = {}
    names, name_of = page.table.names, page.table.name
    keys: dict[int, int] = {}
    for b in blocks:
        key = keys.get(b.element)
        if key is None:
            key = next(
                (i for i in page.ancestors(b.element) if "comment" in names[name_of[i]]),
                b.element,
            )
            keys[b.element] = key
        groups.setdefault(key, []).append(b)
    comments = []
    for members in groups.values():
        author = next((m.text for m in members if _is_author_block(page, m)), None)
        date = next((m.text for m in members if m.flags & IN_TIME), None)
        text = "\n".join(m.text for m in members if m.text not in (author, date))
        if text:
            comments.append(Comment(text=text, author=author, date=date))
    return comments


def _is_author_block(page: Page, block: Block) -> bool:
    tokens = page.elements[block.element].tokens
    return block.chars < COMMENT_AUTHOR_MAX_CHARS and any(t in _AUTHOR_TOKENS for t in tokens)


def _teaser_heads(page: Page) -> list[tuple[Block, str, str]]:
    """Blocks that read as a linked headline: mostly link text, several words, not a menu."""
    heads = []
    for b in page.blocks:
        if b.flags & IN_NAV or not b.links or b.link_density < TEASER_LINK_DENSITY:
            continue
        if _headline_like(page, b):
            href = max(b.links, key=lambda link: len(link[0]))[1]
            heads.append((b, b.text, href))
    return heads


def _headline_like(page: Page, block: Block) -> bool:
    if word_count(page, block) >= TEASER_MIN_WORDS:
        return True
    return len(_CJK_RE.findall(block.text)) >= TEASER_MIN_CJK_CHARS


def _item_of(page: Page, block: Block, heads: list[int]) -> int:
    """The largest element around a teaser headline that holds no other headline (its card)."""
    table = page.table
    item = block.element
    for _ in range(TEASER_ITEM_DEPTH):
        parent = table.parent[item]
        if parent < 0:
            break
        if table.chars[parent] > TEASER_CARD_MAX_CHARS:
            break
        lo = bisect_left(heads, table.first_block[parent])
        hi = bisect_right(heads, table.last_block[parent])
        if hi - lo > 1 and heads[hi - 1] - heads[lo] > TEASER_CARD_SPAN:
            break
        item = parent
    return item


def _mark_teasers(page: Page, labels: list[Label], base_url: str | None) -> list[Related]:
    """Runs of similar items, each a linked headline (maybe with a snippet), beside a body.

    A run is chaff when the body outside it is substantial; on a listing page the run *is* the
    content and stays.
    """
    groups: dict[int, list[tuple[int, Block, str, str]]] = {}
    found = _teaser_heads(page)
    head_indices = [b.index for b, *_ in found]
    headline = _headline(labels)
    table = page.table
    for b, anchor, href in found:
        item = _item_of(page, b, head_indices)
        if table.first_block[item] <= headline <= table.last_block[item]:
            continue  # the item holding the page's headline is the article, not a teaser
        groups.setdefault(table.parent[item], []).append((item, b, anchor, href))
    runs = []
    for members in groups.values():
        items = {item for item, *_ in members}
        if len(items) >= TEASER_MIN_ITEMS:
            runs.append((members, _blocks_in_items(page, items)))
    in_runs = {b.index for _, blocks in runs for b in blocks}
    outside = sum(
        b.chars for b in page.blocks if labels[b.index] is Label.MAIN and b.index not in in_runs
    )
    related: list[Related] = []
    for members, blocks in runs:
        inside = sum(b.chars for b in blocks)
        if outside < max(TEASER_BODY_MIN_CHARS, TEASER_BODY_RATIO * inside):
            continue
        if _inside_body(page.blocks, labels, blocks[0].index, blocks[-1].index):
            continue
        related += _collect(page, labels, members, blocks, base_url)
        _mark_run_heading(page, labels, blocks)
    return related[:MAX_RELATED]


def _inside_body(blocks: list[Block], labels: list[Label], first: int, last: int) -> bool:
    """A run with a good part of the body on both sides is in the article (a list of links)."""

    def prose(part: list[Block]) -> int:
        return sum(
            b.chars
            for b in part
            if labels[b.index] is Label.MAIN
            and b.chars >= PROSE_MIN_CHARS
            and b.link_density < PROSE_MAX_LINK_DENSITY
        )

    before, after = prose(blocks[:first]), prose(blocks[last + 1 :])
    total = before + after
    return total > 0 and min(before, after) >= IN_BODY_SHARE * total


def _blocks_in_items(page: Page, items: set[int]) -> list[Block]:
    out = []
    first, last = page.table.first_block, page.table.last_block
    for item in items:
        if first[item] >= 0:
            out += page.blocks[first[item] : last[item] + 1]
    return sorted(out, key=lambda b: b.index)


def _collect(
    page: Page,
    labels: list[Label],
    members: list[tuple[int, Block, str, str]],
    blocks: list[Block],
    base_url: str | None,
) -> list[Related]:
    """Label the run's blocks as teasers and make one ``Related`` per item (its headline link,
    and its other lines as the snippet)."""
    by_item: dict[int, list[Block]] = {}
    for b in blocks:
        labels[b.index] = Label.TEASER
    first, last = page.table.first_block, page.table.last_block
    for item, *_ in members:
        by_item[item] = page.blocks[first[item] : last[item] + 1]
    out = []
    seen: set[int] = set()
    for item, head, anchor, href in members:
        if item in seen:
            continue
        seen.add(item)
        title_key = anchor.lower()
        snippet = " ".join(
            b.text for b in by_item[item]
            if b is not head and b.text.lower() != title_key and not (b.flags & IN_TIME)
        )
        url = _absolute(href, base_url)
        out.append(Related(title=anchor, url=url, snippet=snippet))
    return out


def _absolute(href: str, base_url: str | None) -> str | None:
    """The link as an absolute URL when the page's own URL is known."""
    if not href:
        return None
    if base_url and not href.startswith(("http://", "https://")):
        try:
            return urljoin(base_url, href)
        except ValueError:
            return href
    return href


def _mark_run_heading(page: Page, labels: list[Label], blocks: list[Block]) -> None:
    """The short heading right above a teaser run ("Related stories") belongs to the run."""
    before = blocks[0].index - 1
    if before >= 0:
        b = page.blocks[before]
        if b.chars <= RUN_HEADING_MAX_CHARS and (b.heading_level or b.link_density == 0):
            labels[b.index] = Label.TEASER

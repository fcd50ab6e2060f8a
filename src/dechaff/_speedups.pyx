# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The hot loops of extraction, compiled; each has a pure-Python reference it must match.

* ``walk``: the block cutter's DOM walk, ``blocks._walk`` with the DOM read in C. Instead of a
  Python object per node (what selectolax's ``LexborNode`` properties create), it follows
  Lexbor's node pointers through the C functions that selectolax's extension exports
  (``lxb_dom_node_next_noi``, ...), looked up by ``blocks`` with ctypes and handed over by
  ``bind``. Text is read from the text node's character data, at the offset ``bind`` is given.
  Everything else (the element table, flushing blocks, links) stays in ``blocks._Cutter``.
  ``blocks`` checks this walk against the reference on a probe page before using it, and falls
  back to the reference when the extension is missing or disagrees.
* ``tree_sums``: the gradient-boosted trees of ``classify.Trees``, a few rows at a time (the
  numpy reference walks every tree for every row at once, level by level).
* ``block_text_counts``, ``title_similarities``, ``path_scores``, ``own_scores``,
  ``block_codes``, ``block_columns`` and ``context_columns``: the block features of
  ``features``, one loop over the blocks (or characters, or elements) each instead of many
  small numpy operations; ``features`` holds their references (``reference_*``). (A function
  whose arguments or results change gets a new name: an extension built from an older
  version lacks it, and ``features`` uses the reference.)

The extension is optional (see ``setup.py``); ``DECHAFF_PURE_PYTHON=1`` turns it off.
"""

from cpython.mem cimport PyMem_Calloc, PyMem_Free, PyMem_Realloc
from cpython.unicode cimport (
    PyUnicode_1BYTE_KIND, PyUnicode_2BYTE_KIND, PyUnicode_DATA, PyUnicode_DecodeUTF8, PyUnicode_KIND,
)
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uintptr_t
from libc.math cimport fabs
from libc.string cimport memcmp, memset

import numpy as np

cdef extern from *:
    """
    typedef struct dechaff_str { unsigned char *data; size_t length; } dechaff_str;
    """
    ctypedef struct dechaff_str:
        unsigned char *data
        size_t length

ctypedef void *(*nav_f)(void *) noexcept nogil
ctypedef uintptr_t (*tag_id_f)(void *) noexcept nogil
ctypedef int (*type_f)(void *) noexcept nogil
ctypedef const unsigned char *(*name_f)(void *, size_t *) noexcept nogil

cdef nav_f _next = NULL
cdef nav_f _first_child = NULL
cdef tag_id_f _tag_id = NULL
cdef type_f _type = NULL
cdef name_f _qualified_name = NULL
cdef nav_f _first_attr = NULL
cdef nav_f _next_attr = NULL
cdef name_f _attr_name = NULL
cdef name_f _attr_value = NULL
cdef size_t _text_offset = 0

# Lexbor's node types (``lxb_dom_node_type_t``).
cdef enum:
    ELEMENT_NODE = 1
    TEXT_NODE = 3

# What the walk does with a node: the values of ``blocks._TEXT`` ... ``blocks._INLINE``.
cdef enum:
    K_TEXT = 0
    K_SKIP = 1
    K_BR = 2
    K_BLOCK = 3
    K_MARK = 4
    K_LINK = 5
    K_INLINE = 6

# Tag ids below this are Lexbor's built-in tags (fixed per build): their names are cached.
cdef enum:
    CACHED_IDS = 4096

cdef object _kinds = None          # tag name -> kind (blocks._KINDS)
cdef object _tag_flags = None      # tag name -> flag bits (blocks._TAG_FLAGS)
cdef object _inline_marks = None   # tag name -> Markdown mark (blocks._INLINE_MARKS)
cdef object _close_mark = None     # blocks._close_mark
cdef object _squeeze = None        # blocks._squeeze
cdef object _hidden_style = None   # blocks._HIDDEN_STYLE_RE.search
cdef object _block_type = None     # blocks.Block
cdef long _max_blocks = 0
cdef long _in_pre = 0
cdef long _max_elements = 0
cdef dict _names_by_id = {}


def bind(dict functions, size_t text_offset, dict kinds, dict tag_flags, dict inline_marks,
         close_mark, squeeze, hidden_style, block_type, long in_pre, long max_elements,
         long max_blocks):
    """Take the Lexbor function addresses (by name) and ``blocks``' tables and helpers."""
    global _next, _first_child, _tag_id, _type, _qualified_name, _first_attr, _next_attr
    global _attr_name, _attr_value, _text_offset, _kinds, _tag_flags, _inline_marks
    global _close_mark, _squeeze, _hidden_style, _in_pre, _max_elements, _block_type
    global _max_blocks
    _next = <nav_f><uintptr_t>functions["lxb_dom_node_next_noi"]
    _first_child = <nav_f><uintptr_t>functions["lxb_dom_node_first_child_noi"]
    _tag_id = <tag_id_f><uintptr_t>functions["lxb_dom_node_tag_id_noi"]
    _type = <type_f><uintptr_t>functions["lxb_dom_node_type_noi"]
    _qualified_name = <name_f><uintptr_t>functions["lxb_dom_element_qualified_name"]
    _first_attr = <nav_f><uintptr_t>functions["lxb_dom_element_first_attribute_noi"]
    _next_attr = <nav_f><uintptr_t>functions["lxb_dom_element_next_attribute_noi"]
    _attr_name = <name_f><uintptr_t>functions["lxb_dom_attr_qualified_name"]
    _attr_value = <name_f><uintptr_t>functions["lxb_dom_attr_value_noi"]
    _text_offset = text_offset
    _kinds, _tag_flags, _inline_marks = kinds, tag_flags, inline_marks
    _close_mark, _squeeze, _hidden_style = close_mark, squeeze, hidden_style
    _in_pre, _max_elements, _max_blocks = in_pre, max_elements, max_blocks
    _block_type = block_type
    _names_by_id.clear()


cdef inline str _decode(const unsigned char *data, size_t length):
    return PyUnicode_DecodeUTF8(<const char *>data, length, "replace")


cdef inline object _text(void *node):
    cdef dechaff_str *data = <dechaff_str *>(<char *>node + _text_offset)
    if data.data == NULL:
        return None
    return _decode(data.data, data.length)


cdef inline int _ascii_spaces(void *node) noexcept:
    """For a text node: -1 if it has no text, 1 if all of it is ASCII whitespace (as Python's
    ``str.isspace`` counts it: tab to carriage return, the four separators \x1c-\x1f and the
    space), else 0 (then the text is decoded and looked at)."""
    cdef dechaff_str *data = <dechaff_str *>(<char *>node + _text_offset)
    cdef size_t i
    cdef unsigned char c
    if data.data == NULL or data.length == 0:
        return -1
    for i in range(data.length):
        c = data.data[i]
        if not (c == 0x20 or 0x09 <= c <= 0x0D or 0x1C <= c <= 0x1F):
            return 0
    return 1


cdef str _tag_name(void *node):
    """An element's tag name, as selectolax's ``LexborNode.tag`` gives it."""
    cdef uintptr_t tag_id = _tag_id(node)
    cdef size_t length = 0
    cdef const unsigned char *name
    cdef str tag
    if tag_id < CACHED_IDS:
        cached = _names_by_id.get(tag_id)
        if cached is not None:
            return <str>cached
    name = _qualified_name(node, &length)
    tag = _decode(name, length) if name != NULL else None
    if tag_id < CACHED_IDS and tag is not None:
        _names_by_id[tag_id] = tag
    return tag


cdef int _kind_of(str tag):
    cdef object kind = _kinds.get(tag)
    if kind is not None:
        return <int>kind
    return K_INLINE if tag and tag[0] != "-" else K_SKIP


cdef struct Open:
    void *after
    long index
    long block_el
    int kind


cdef class _Stack:
    """A growable C array of open elements (the page's depth is unbounded)."""

    cdef Open *items
    cdef Py_ssize_t size
    cdef Py_ssize_t capacity

    def __cinit__(self):
        self.items = NULL
        self.size = 0
        self.capacity = 0

    def __dealloc__(self):
        PyMem_Free(self.items)

    cdef int push(self, void *after, long index, long block_el, int kind) except -1:
        cdef Open *grown
        if self.size == self.capacity:
            self.capacity = self.capacity * 2 + 64
            grown = <Open *>PyMem_Realloc(self.items, self.capacity * sizeof(Open))
            if grown == NULL:
                raise MemoryError()
            self.items = grown
        self.items[self.size] = Open(after, index, block_el, kind)
        self.size += 1
        return 0


cdef inline bint _is(const unsigned char *name, size_t length, const char *word, size_t size):
    return length == size and memcmp(name, word, size) == 0


cdef inline object _value(void *attr):
    cdef size_t length = 0
    cdef const unsigned char *raw = _attr_value(attr, &length)
    return _decode(raw, length) if raw != NULL else None


cdef dict _attribute_dict(void *node):
    """All of an element's attributes, as selectolax's ``LexborNode.attributes`` has them."""
    cdef void *attr = _first_attr(node)
    cdef size_t length = 0
    cdef const unsigned char *key
    cdef dict out = {}
    while attr != NULL:
        key = _attr_name(attr, &length)
        if key != NULL:
            out[_decode(key, length)] = _value(attr)
        attr = _next_attr(attr)
    return out


cdef object _href(void *node):
    """An element's ``href`` as its ``attributes`` dict has it."""
    cdef void *attr = _first_attr(node)
    cdef size_t length = 0
    cdef const unsigned char *key
    cdef object href = None
    while attr != NULL:
        key = _attr_name(attr, &length)
        if key != NULL and _is(key, length, "href", 4):
            href = _value(attr)
        attr = _next_attr(attr)
    return href


cdef long _name(void *node, dict name_ids, list names) except? -2:
    """``_Cutter.name_of(node.attributes)``, reading only the attributes it needs: a
    value-less attribute is ``None``, a later duplicate wins."""
    cdef void *attr = _first_attr(node)
    cdef size_t length = 0
    cdef const unsigned char *key
    cdef bint hidden = False
    cdef object cls = None, ident = None, style = None
    if attr == NULL:
        return 0
    while attr != NULL:
        key = _attr_name(attr, &length)
        if key == NULL:
            pass
        elif _is(key, length, "class", 5):
            cls = _value(attr)
        elif _is(key, length, "id", 2):
            ident = _value(attr)
        elif _is(key, length, "style", 5):
            style = _value(attr)
        elif _is(key, length, "hidden", 6):
            hidden = True
        elif _is(key, length, "aria-hidden", 11):
            if _value(attr) == "true":
                hidden = True
        attr = _next_attr(attr)
    if hidden or (style and _hidden_style(style)):
        return -1
    if not (cls or ident):
        return 0
    raw = f"{cls or ''} {ident or ''}"
    name = name_ids.get(raw)
    if name is None:
        name = name_ids[raw] = len(names)
        names.append(raw)
    return <long>name


cdef class _Gather:
    """The text gathered for the block being built, and the open links: ``blocks._Cutter``'s
    ``flush``, ``open_link`` and ``close_link`` with their state in C."""

    cdef list text, markdown, links, link_text, open_hrefs, blocks, elements, chars_of, links_of
    cdef list tags, flags_of
    cdef long link_chars, link_depth, offset
    cdef bint include_links, truncated

    def __cinit__(self, object cut):
        self.text, self.markdown, self.links, self.link_text, self.open_hrefs = [], [], [], [], []
        self.blocks = cut.blocks
        self.elements, self.chars_of, self.links_of = cut.columns
        self.tags, self.flags_of = cut.table.tag, cut.table.flags
        self.link_chars = self.link_depth = self.offset = 0
        self.include_links = cut.include_links
        self.truncated = False

    cdef inline void add(self, str raw, bint counts):
        """Text of the block (``counts``: its non-space characters count as link text)."""
        self.text.append(raw)
        self.markdown.append(raw)
        if self.link_depth:
            if counts:
                self.link_chars += len(raw.strip())
            self.link_text.append(raw)

    cdef int open_link(self, object href) except -1:
        if self.link_depth == 0:
            self.link_text = []
        self.link_depth += 1
        self.open_hrefs.append(href or "")
        if self.include_links and href:
            self.markdown.append("[")
        return 0

    cdef int close_link(self, object href) except -1:
        if not self.link_depth:
            return 0
        self.link_depth -= 1
        if self.open_hrefs:
            self.open_hrefs.pop()
        if self.link_depth == 0:
            anchor = " ".join("".join(self.link_text).split())  # (whitespace runs: one space)
            if anchor:
                self.links.append((anchor, href or ""))
        if self.include_links and href:
            self.markdown.append(f"]({href})")
        return 0

    cdef int flush(self, long element) except -1:
        """Emit the gathered text as a block of ``element`` (if there is any text)."""
        cdef long flags, chars, link_chars
        cdef str text
        if not self.text:
            return 0
        flags = self.flags_of[element]
        text = "".join(self.text)
        text = text.strip("\n") if flags & _in_pre else text.strip()
        if text:
            links = self.links
            if self.link_depth and not links:
                # A link wrapping block elements (a card): credit the block to that link.
                # (``wraparound`` is off: no negative indices)
                href = self.open_hrefs[len(self.open_hrefs) - 1] if self.open_hrefs else ""
                links.append((text, href))
            chars = len(text)
            link_chars = min(self.link_chars, chars)
            self.blocks.append(
                _block_type(
                    len(self.blocks), text, element, self.tags[element], flags, chars,
                    link_chars, "".join(self.markdown).strip(), links, self.offset,
                )
            )
            self.elements.append(element)
            self.chars_of.append(chars)
            self.links_of.append(link_chars)
            self.offset += chars
            self.links = []
            if len(self.blocks) >= _max_blocks:
                self.truncated = True
        else:
            self.links.clear()
        self.text.clear()
        self.markdown.clear()
        self.link_chars = 0
        return 0


def walk(uintptr_t body, object cut, long root):
    """``blocks._walk`` over the children of the ``<body>`` node at address ``body``, whose
    element ``cut`` has recorded as ``root``."""
    table = cut.table
    cdef list tags = table.tag
    cdef list parents = table.parent
    cdef list flags_of = table.flags
    cdef list names = table.name
    cdef list ends = table.end
    cdef dict hrefs = table.hrefs
    cdef _Gather gather = _Gather(cut)
    cdef long last_element = _max_elements - 1
    cdef _Stack stack = _Stack()
    cdef Open top
    cdef long block_el = root, parent_el = root, index
    cdef long flags = flags_of[root]
    cdef int kind, node_type
    cdef long name
    cdef void *node = _first_child(<void *>body)
    cdef str tag
    cdef object raw
    cdef int spaces
    cdef object href
    cdef dict name_ids = cut.name_ids
    cdef bint include_images = cut.include_images
    cdef list table_names = table.names
    stack.push(NULL, root, root, K_BLOCK)
    while True:
        if node == NULL:  # the innermost open element ends
            stack.size -= 1
            top = stack.items[stack.size]
            index, block_el, kind = top.index, top.block_el, top.kind
            ends[index] = len(tags)
            if kind == K_BLOCK:
                if gather.text:
                    gather.flush(index)
                    if gather.truncated:
                        break
            elif kind == K_MARK:
                _close_mark(gather.markdown, _inline_marks[tags[index]])
            elif kind == K_LINK:
                gather.close_link(hrefs[index])
            if stack.size == 0:
                break
            parent_el = parents[index]
            flags = flags_of[parent_el]
            node = top.after
            continue
        node_type = _type(node)
        if node_type == TEXT_NODE:
            spaces = _ascii_spaces(node)
            if spaces == 1 and not flags & _in_pre:  # (what ``raw.isspace()`` does below)
                if gather.text:
                    gather.add(" ", False)
                node = _next(node)
                continue
            raw = _text(node) if spaces >= 0 else None
            if not raw:
                pass
            elif flags & _in_pre:
                if gather.text or raw.strip():
                    gather.add(raw, True)
            elif raw.isspace():  # collapses to one space, kept only inside a block's text
                if gather.text:
                    gather.add(" ", False)
            else:
                if not raw.isprintable() or "  " in raw:  # (printable: only ASCII spaces)
                    raw = _squeeze(raw)
                gather.add(raw, True)
            node = _next(node)
            continue
        if node_type != ELEMENT_NODE:
            node = _next(node)
            continue
        tag = _tag_name(node)
        kind = _kind_of(tag) if tag is not None else K_SKIP
        if kind == K_SKIP:
            if include_images and tag == "img":
                cut.add_image(_attribute_dict(node))
            node = _next(node)
            continue
        name = _name(node, name_ids, table_names)
        if name < 0:
            node = _next(node)
            continue
        if kind == K_BR:
            if <long>flags_of[block_el] & _in_pre:
                if gather.text:
                    gather.add("\n", False)
            elif gather.text:
                gather.flush(block_el)
                if gather.truncated:
                    break
            node = _next(node)
            continue
        # An element: record it, then enter it.
        index = len(tags)
        tags.append(tag)
        parents.append(parent_el)
        flags |= <long>_tag_flags.get(tag, 0)
        flags_of.append(flags)
        names.append(name)
        ends.append(-1)
        stack.push(_next(node), index, block_el, kind)
        if kind == K_BLOCK:
            if gather.text:
                gather.flush(block_el)
                if gather.truncated:
                    break
            block_el = index
        elif kind == K_MARK:
            gather.markdown.append(_inline_marks[tag])
        elif kind == K_LINK:
            href = _href(node)
            hrefs[index] = href
            gather.open_link(href)
        if index == last_element:
            gather.truncated = True
            break
        parent_el = index
        node = _first_child(node)
    cut.truncated = gather.truncated
    cut.offset = gather.offset


# -- trees ------------------------------------------------------------------------------------

cdef enum:
    LANES = 8  # rows walked down each tree together


def tree_sums(const double[:, ::1] features, const Py_ssize_t[:, ::1] node_feature,
              const double[:, ::1] node_threshold, const double[:, ::1] leaf_value,
              double[::1] out):
    """``classify.Trees``' raw score per row of ``features``: the sum over trees of the leaf
    each row reaches. Each tree is laid out as a perfect binary tree in heap order (node ``j``'s
    children are ``2j + 1``, left, taken when ``x <= threshold``, and ``2j + 2``), one row of
    ``node_*`` per tree, its leaves in order in the tree's row of ``leaf_value``: every row
    takes the same number of steps and no branch depends on the data. ``LANES`` rows go down
    two trees together, so the CPU overlaps their (otherwise serial) chains of loads; each
    row's leaf values are added in the trees' order."""
    cdef Py_ssize_t group, row, tree, level, lane, n_rows = features.shape[0]
    cdef Py_ssize_t n_trees = node_feature.shape[0], n_leaves = leaf_value.shape[1]
    cdef Py_ssize_t depth = 0, first_leaf = n_leaves - 1
    cdef Py_ssize_t j[LANES]
    cdef Py_ssize_t j2[LANES]
    cdef const Py_ssize_t *feature2
    cdef const double *threshold2
    cdef const double *leaves2
    cdef const double *x[LANES]
    cdef double total[LANES]
    cdef const Py_ssize_t *feature
    cdef const double *threshold
    cdef const double *leaves
    while (1 << depth) < n_leaves:
        depth += 1
    if n_rows == 0:
        return
    with nogil:
        for group in range((n_rows + LANES - 1) // LANES):
            row = group * LANES
            for lane in range(LANES):
                # (past the last row, the last row again: its sums are computed and dropped)
                x[lane] = &features[min(row + lane, n_rows - 1), 0]
                total[lane] = 0.0
            tree = 0
            while tree + 1 < n_trees:  # (two trees at a time: twice the chains in flight)
                feature = &node_feature[tree, 0]
                threshold = &node_threshold[tree, 0]
                feature2 = &node_feature[tree + 1, 0]
                threshold2 = &node_threshold[tree + 1, 0]
                for lane in range(LANES):
                    j[lane] = 0
                    j2[lane] = 0
                for level in range(depth):
                    for lane in range(LANES):
                        j[lane] = 2 * j[lane] + 2 - (x[lane][feature[j[lane]]] <= threshold[j[lane]])
                        j2[lane] = 2 * j2[lane] + 2 - (x[lane][feature2[j2[lane]]] <= threshold2[j2[lane]])
                leaves = &leaf_value[tree, 0]
                leaves2 = &leaf_value[tree + 1, 0]
                for lane in range(LANES):
                    total[lane] += leaves[j[lane] - first_leaf]
                    total[lane] += leaves2[j2[lane] - first_leaf]
                tree += 2
            if tree < n_trees:
                feature = &node_feature[tree, 0]
                threshold = &node_threshold[tree, 0]
                leaves = &leaf_value[tree, 0]
                for lane in range(LANES):
                    j[lane] = 0
                for level in range(depth):
                    for lane in range(LANES):
                        j[lane] = 2 * j[lane] + 2 - (x[lane][feature[j[lane]]] <= threshold[j[lane]])
                for lane in range(LANES):
                    total[lane] += leaves[j[lane] - first_leaf]
            for lane in range(min(LANES, n_rows - row)):
                out[row + lane] = total[lane]


# -- text counts ------------------------------------------------------------------------------

ctypedef fused _Unit:
    # The code units of a ``str`` (PEP 393: one, two or four bytes per character).
    uint8_t
    uint16_t
    uint32_t


cdef struct _Classes:
    # ``features``' character classes: the bits of each character below ``covered`` (U+10000),
    # and the bit of each class.
    const unsigned char *table
    Py_UCS4 covered
    unsigned char word, letter, digit, upper, space, sentence, end


cdef _Classes _classes(const unsigned char[::1] classes, unsigned char word,
                       unsigned char letter, unsigned char digit, unsigned char upper,
                       unsigned char space, unsigned char sentence, unsigned char end) except *:
    if classes.shape[0] < 0x10000:
        raise ValueError("the class table must cover every character below U+10000")
    return _Classes(&classes[0], <Py_UCS4>classes.shape[0], word, letter, digit, upper, space,
                    sentence, end)


cdef unsigned char _astral_bits(object astral_class, Py_UCS4 ch) except? 0:
    """The class bits of a character at or above U+10000, from ``astral_class``."""
    return <unsigned char>astral_class(chr(ch))


cdef inline unsigned char _bits(const _Classes *c, object astral_class, Py_UCS4 ch) except? 0:
    """A character's class bits: from the table below U+10000, else from ``astral_class``."""
    if ch < c.covered:
        return c.table[ch]
    return _astral_bits(astral_class, ch)


cdef int _count_units(const _Unit *data, Py_ssize_t length, const _Classes *c,
                      object astral_class, long long[:, ::1] out, Py_ssize_t i) except -1:
    """``block_text_counts``' rows 0 to 7 for one text (``data``: its code units), into column ``i``.
    The per-character counts add without branches; what the ends say is read from the ends."""
    cdef Py_ssize_t k
    cdef uint32_t ch
    cdef unsigned char bits = 0
    cdef bint in_word = False, after_mark = False, word
    cdef long long words = 0, letters = 0, digits = 0, upper = 0, sentences = 0, commas = 0
    for k in range(length):
        ch = data[k]
        if _Unit is uint32_t:
            bits = _bits(c, astral_class, ch)
        else:  # (the table covers every character of one or two bytes)
            bits = c.table[ch]
        word = (bits & c.word) != 0
        words += word and not in_word
        in_word = word
        letters += (bits & c.letter) != 0
        digits += (bits & c.digit) != 0
        upper += (bits & c.upper) != 0
        sentences += after_mark and (bits & c.space) != 0
        after_mark = (bits & c.sentence) != 0
        commas += ch == 0x2C  # ","
    out[0, i] = words
    out[1, i] = letters
    out[2, i] = digits
    out[3, i] = upper
    out[4, i] = sentences + after_mark  # (texts are scanned as if a space followed each)
    out[5, i] = commas
    out[6, i] = (bits & c.end) != 0
    k = length - 1
    while k >= 0 and _bits(c, astral_class, data[k]) & c.space:
        k -= 1
    out[7, i] = k >= 0 and (
        data[k] == 0x2026  # "…"
        or (k >= 2 and data[k] == 0x2E and data[k - 1] == 0x2E and data[k - 2] == 0x2E)
    )
    return 0


def block_text_counts(list texts, const unsigned char[::1] classes, object astral_class,
                unsigned char word_bit, unsigned char letter_bit, unsigned char digit_bit,
                unsigned char upper_bit, unsigned char space_bit, unsigned char sentence_bit,
                unsigned char end_bit, long long[:, ::1] out):
    """``features._text_counts`` per text, one pass each: rows of ``out`` are words (starts of
    ``\\w`` runs), letters, digits, upper-case letters, sentence ends (a mark before whitespace
    or the text's end), commas, whether the last character is an end mark, whether the text
    trails off (ends in an ellipsis before trailing whitespace) and whether another text is the
    same. ``classes`` gives the class bits of characters below U+10000, ``astral_class`` (a
    function of a one-character string) of the others."""
    cdef Py_ssize_t i
    cdef str text
    cdef dict repeated = {}
    cdef _Classes c = _classes(classes, word_bit, letter_bit, digit_bit, upper_bit, space_bit,
                               sentence_bit, end_bit)
    for i in range(len(texts)):
        text = texts[i]
        kind = PyUnicode_KIND(text)
        if kind == PyUnicode_1BYTE_KIND:
            _count_units(<const uint8_t *>PyUnicode_DATA(text), len(text), &c, astral_class, out, i)
        elif kind == PyUnicode_2BYTE_KIND:
            _count_units(<const uint16_t *>PyUnicode_DATA(text), len(text), &c, astral_class, out, i)
        else:
            _count_units(<const uint32_t *>PyUnicode_DATA(text), len(text), &c, astral_class, out, i)
        repeated[text] = text in repeated
    for i in range(len(texts)):
        out[8, i] = <bint>repeated[texts[i]]


# -- title overlap ----------------------------------------------------------------------------

cdef extern from *:
    """
    #define DECHAFF_FNV_PRIME 1099511628211ULL
    #define DECHAFF_FNV_START 14695981039346656037ULL
    """
    unsigned long long FNV_PRIME "DECHAFF_FNV_PRIME"
    unsigned long long FNV_START "DECHAFF_FNV_START"


cdef inline unsigned long long _fold(unsigned long long h, Py_UCS4 ch) noexcept nogil:
    """One step of FNV-1a over code points: a word's hash (64 bits: collisions are negligible
    among the few thousand words of a page)."""
    return (h ^ <unsigned long long>ch) * FNV_PRIME


cdef class _HashSet:
    """Open addressing over 64-bit word hashes (0 stands for an empty slot)."""

    cdef unsigned long long *slots
    cdef Py_ssize_t *used  # the slots filled, in order (so that clearing touches only them)
    cdef Py_ssize_t mask, size

    def __cinit__(self, Py_ssize_t capacity):
        cdef Py_ssize_t n = 16
        while n < 2 * capacity:
            n *= 2
        self.slots = <unsigned long long *>PyMem_Calloc(n, sizeof(unsigned long long))
        self.used = <Py_ssize_t *>PyMem_Calloc(n, sizeof(Py_ssize_t))
        if self.slots == NULL or self.used == NULL:
            raise MemoryError()
        self.mask = n - 1
        self.size = 0

    def __dealloc__(self):
        PyMem_Free(self.slots)
        PyMem_Free(self.used)

    cdef inline Py_ssize_t _slot(self, unsigned long long h) noexcept:
        """Where ``h`` is, or the empty slot where it would go (``h`` is never 0)."""
        cdef Py_ssize_t i = <Py_ssize_t>(h & <unsigned long long>self.mask)
        while self.slots[i] != 0 and self.slots[i] != h:
            i = (i + 1) & self.mask
        return i

    cdef inline bint add(self, unsigned long long h) noexcept:
        """Add ``h``; whether it was new."""
        cdef Py_ssize_t i = self._slot(h if h != 0 else 1)
        if self.slots[i] != 0:
            return False
        self.slots[i] = h if h != 0 else 1
        self.used[self.size] = i
        self.size += 1
        return True

    cdef inline bint has(self, unsigned long long h) noexcept:
        return self.slots[self._slot(h if h != 0 else 1)] != 0

    cdef void clear(self) noexcept:
        cdef Py_ssize_t k
        for k in range(self.size):
            self.slots[self.used[k]] = 0
        self.size = 0


cdef unsigned long long _word_hash(str word):
    cdef unsigned long long h = FNV_START
    cdef Py_UCS4 ch
    for ch in word:
        h = _fold(h, ch)
    return h


cdef enum:
    _NO_SIMPLE_LOWER = 0xFFFFFFFF  # in ``lower``: a character that ``str.lower`` maps otherwise


cdef long long _shared_words(const _Unit *data, Py_ssize_t length, const _Classes *c,
                             object astral_class, _HashSet title, _HashSet seen,
                             const uint32_t *lower) except -2:
    """How many of one text's distinct words are in ``title`` (``data``: its code units);
    ``seen`` gathers its distinct words. With ``lower`` (the lower case of each character below
    U+10000), the text is lowercased a character at a time: -1 when a character is not lowered
    alone (the text must go through ``str.lower``)."""
    cdef Py_ssize_t k
    cdef uint32_t ch
    cdef unsigned char bits
    cdef bint in_word = False
    cdef unsigned long long h = FNV_START
    cdef long long shared = 0
    for k in range(length):
        ch = data[k]
        if _Unit is uint32_t:
            bits = _bits(c, astral_class, ch)
        else:  # (the tables cover every character of one or two bytes)
            if lower != NULL:
                ch = lower[ch]
                if ch == _NO_SIMPLE_LOWER:
                    return -1
            bits = c.table[ch] if ch < c.covered else _astral_bits(astral_class, ch)
        if bits & c.word:
            h = _fold(h, ch)
            in_word = True
        elif in_word:
            if seen.add(h) and title.has(h):
                shared += 1
            h = FNV_START
            in_word = False
    if in_word and seen.add(h) and title.has(h):
        shared += 1
    return shared


def title_similarities(list texts, list title_words, const unsigned char[::1] classes,
                   const uint32_t[::1] lower, object astral_class, unsigned char word_bit,
                   double[::1] out):
    """``features._title_similarities`` without building word lists: per text, lowercased, the
    Jaccard overlap of its distinct ``\\w+`` words with ``title_words`` (distinct), with words
    compared by hash. Text is lowercased here a character at a time, by ``lower``, unless it
    has a character above U+FFFF or one that ``str.lower`` maps otherwise (``İ``, which
    becomes two, or ``Σ``, which depends on its neighbours): then by ``str.lower``."""
    cdef _HashSet title = _HashSet(len(title_words))
    cdef _HashSet seen
    cdef Py_ssize_t i, longest = 0, n_title
    cdef long long shared
    cdef str text
    cdef _Classes c = _classes(classes, word_bit, 0, 0, 0, 0, 0, 0)
    if lower.shape[0] < 0x10000:
        raise ValueError("the lower-case table must cover every character below U+10000")
    for word in title_words:
        title.add(_word_hash(word))
    n_title = title.size
    for text in texts:
        longest = max(longest, len(text))
    seen = _HashSet(longest // 2 + 1)  # (a word and its separator: two characters at least)
    for i in range(len(texts)):
        text = texts[i]
        seen.clear()
        shared = _text_shared(text, &c, astral_class, title, seen, &lower[0])
        if shared < 0:
            text = text.lower()
            seen.clear()
            if len(text) // 2 + 1 > (seen.mask + 1) // 2:  # (``str.lower`` may lengthen it)
                seen = _HashSet(len(text) // 2 + 1)
            shared = _text_shared(text, &c, astral_class, title, seen, NULL)
        out[i] = shared / <double>(seen.size + n_title - shared) if shared else 0.0


cdef long long _text_shared(str text, const _Classes *c, object astral_class, _HashSet title,
                            _HashSet seen, const uint32_t *lower) except -2:
    """``_shared_words`` of ``text``, read by its kind (-1 for text above U+FFFF when it is
    still to be lowercased)."""
    kind = PyUnicode_KIND(text)
    if kind == PyUnicode_1BYTE_KIND:
        return _shared_words(<const uint8_t *>PyUnicode_DATA(text), len(text), c, astral_class,
                             title, seen, lower)
    if kind == PyUnicode_2BYTE_KIND:
        return _shared_words(<const uint16_t *>PyUnicode_DATA(text), len(text), c, astral_class,
                             title, seen, lower)
    if lower != NULL:
        return -1
    return _shared_words(<const uint32_t *>PyUnicode_DATA(text), len(text), c, astral_class,
                         title, seen, NULL)


# -- element totals ---------------------------------------------------------------------------

def element_totals(list parent, list end, list block_element, list block_chars,
                   list block_links, long long paragraph_min_chars,
                   double paragraph_max_link_density):
    """``blocks._total``'s columns in one pass each way: per element (rows of the returned
    int64 array) its parent, subtree end (elements still open: the table's size), depth, and
    over the blocks below it: characters, link characters, blocks, paragraphs, first and last
    block (-1: none)."""
    cdef Py_ssize_t size = len(parent), n = len(block_element), i, b, p
    cdef long long chars, links
    out = np.zeros((9, size), dtype=np.int64)
    cdef long long[:, ::1] o = out
    for i in range(size):
        o[0, i] = <long long>parent[i]
        o[1, i] = <long long>end[i]
        if o[1, i] < 0:
            o[1, i] = size
        o[7, i] = n
        o[8, i] = -1
    for i in range(1, size):  # (a parent comes before its children)
        p = o[0, i]
        o[2, i] = o[2, p] + 1 if p >= 0 else 0
    for b in range(n):
        i = <Py_ssize_t>block_element[b]
        chars = block_chars[b]
        links = block_links[b]
        o[3, i] += chars
        o[4, i] += links
        o[5, i] += 1
        if chars >= paragraph_min_chars and (
            <double>links / (chars if chars > 1 else 1) < paragraph_max_link_density
        ):
            o[6, i] += 1
        if b < o[7, i]:
            o[7, i] = b
        if b > o[8, i]:
            o[8, i] = b
    for i in range(size - 1, 0, -1):  # (children after their parent: fold upwards)
        p = o[0, i]
        if p < 0:
            continue
        o[3, p] += o[3, i]
        o[4, p] += o[4, i]
        o[5, p] += o[5, i]
        o[6, p] += o[6, i]
        if o[7, i] < o[7, p]:
            o[7, p] = o[7, i]
        if o[8, i] > o[8, p]:
            o[8, p] = o[8, i]
    for i in range(size):
        if o[7, i] >= n:
            o[7, i] = -1
    return out


# -- token scores -----------------------------------------------------------------------------

cdef double _tokens_total(tuple tokens, dict weights) except? -1.0:
    """The weights of ``tokens`` added in order (0.0 for a token without one)."""
    cdef double total = 0.0
    for token in tokens:
        total += <double>weights.get(token, 0.0)
    return total


cdef class _NameScores:
    """Per class/id name (an index into ``name_tokens``): its tokens' total weight, worked out
    on first use."""

    cdef double *score
    cdef unsigned char *known
    cdef list name_tokens
    cdef dict weights

    def __cinit__(self, list name_tokens, dict weights):
        cdef Py_ssize_t size = max(len(name_tokens), 1)
        self.score = <double *>PyMem_Calloc(size, sizeof(double))
        self.known = <unsigned char *>PyMem_Calloc(size, sizeof(unsigned char))
        if self.score == NULL or self.known == NULL:
            raise MemoryError()
        self.name_tokens = name_tokens
        self.weights = weights

    def __dealloc__(self):
        PyMem_Free(self.score)
        PyMem_Free(self.known)

    cdef double get(self, Py_ssize_t name) except? -1.0:
        if not self.known[name]:
            self.score[name] = _tokens_total(self.name_tokens[name], self.weights)
            self.known[name] = 1
        return self.score[name]


def path_scores(const long long[::1] elements, const long long[::1] names, list tags,
                 const long long[::1] parents, list name_tokens, dict weights, double decay,
                 double[::1] out):
    """``features.token_scores``: per element (only ``elements`` are scored, in order, parents
    first; the others keep their value in ``out``), the decayed sum of its path's class/id
    token weights."""
    cdef _NameScores by_name = _NameScores(name_tokens, weights)
    cdef dict by_tag = {}
    cdef Py_ssize_t j, index
    cdef long long parent
    cdef double tag_score, above
    for j in range(elements.shape[0]):
        index = elements[j]
        tag = tags[index]
        cached = by_tag.get(tag)
        if cached is None:
            tag_score = weights.get(f"<{tag}>", 0.0)
            by_tag[tag] = tag_score
        else:
            tag_score = cached
        parent = parents[index]
        above = out[parent] if parent >= 0 else 0.0
        out[index] = by_name.get(names[index]) + tag_score + decay * above


def own_scores(const long long[::1] elements, const long long[::1] names, list name_tokens,
               dict weights, double[::1] out):
    """``features._near_scores``: per element of ``elements``, the total weight of its own
    class/id tokens (-1, no element: 0.0)."""
    cdef _NameScores by_name = _NameScores(name_tokens, weights)
    cdef Py_ssize_t i
    cdef long long element
    for i in range(elements.shape[0]):
        element = elements[i]
        out[i] = by_name.get(names[element]) if element >= 0 else 0.0


# -- block codes ----------------------------------------------------------------------------

def block_codes(list blocks, dict tag_index, dict heading_level, long long[:, ::1] out):
    """``features._block_codes``: per block (columns of ``out``) its tag's index in
    ``tag_index`` (-1: none), its flags and its heading level (``heading_level``, 0: none);
    returns the blocks' texts."""
    cdef Py_ssize_t i
    cdef list texts = []
    for i in range(len(blocks)):
        block = blocks[i]
        tag = block.tag
        out[0, i] = tag_index.get(tag, -1)
        out[1, i] = block.flags
        out[2, i] = heading_level.get(tag, 0)
        texts.append(block.text)
    return texts


# -- block features ---------------------------------------------------------------------------

cdef enum:
    # Rows of ``block_columns``' ``block`` (see ``features._BLOCK_ROWS``).
    B_ELEMENT, B_CHARS, B_LINKS, B_TAG, B_FLAGS, B_HEADING, B_WORDS, B_LETTERS, B_DIGITS,
    B_UPPER, B_SENTENCES, B_COMMAS, B_END_MARK, B_ELLIPSIS, B_DUPLICATE
    # Rows of its ``values`` (see ``features._VALUE_ROWS``).
    V_LOG_CHARS = 0, V_LOG_WORDS, V_TITLE_SIM, V_TOKEN, V_NEAR


cdef enum:
    _BASE_COLUMNS = 32  # the columns before the tag columns (``features._N_BASE``)


cdef Py_ssize_t _deepest(const double[::1] held, double floor,
                         const long long[::1] parent) except -1:
    """The deepest element whose ``held`` is at least ``floor`` (the first of equals; 0: none).
    Depths are counted from ``parent`` (a parent comes before its children)."""
    cdef Py_ssize_t size = parent.shape[0], i, best = 0
    cdef long long best_depth = -1
    cdef long long[::1] depth = np.zeros(size, dtype=np.int64)
    for i in range(size):
        depth[i] = depth[parent[i]] + 1 if parent[i] >= 0 else 0
        if held[i] >= floor and depth[i] > best_depth:
            best, best_depth = i, depth[i]
    return best


cdef void _running(const double[::1] values, double[::1] sums) noexcept:
    """``sums[k]``: the first ``k`` values added in order (``numpy.cumsum`` after a 0)."""
    cdef Py_ssize_t k
    sums[0] = 0.0
    for k in range(values.shape[0]):
        sums[k + 1] = sums[k] + values[k] if k else values[0]


cdef inline double _window(const double[::1] sums, Py_ssize_t i, Py_ssize_t half) noexcept:
    """Mean of the values ``i - half .. i + half`` (those there are), from their ``_running``
    sums."""
    cdef Py_ssize_t n = sums.shape[0] - 1
    cdef Py_ssize_t lo = max(i - half, 0), hi = min(i + half + 1, n)
    return (sums[hi] - sums[lo]) / <double>(hi - lo)


cdef inline double _outside(Py_ssize_t i, long long first, long long last, Py_ssize_t n) noexcept:
    """How far block ``i`` is from the blocks ``first .. last``, in blocks per block (0: in)."""
    if first <= i <= last:
        return 0.0
    return min(fabs(<double>i - <double>first), fabs(<double>i - <double>last)) / <double>n


cdef Py_ssize_t _headline(const long long[:, ::1] block, const double[:, ::1] values,
                          double similarity, long long h1_tag) noexcept:
    """The first block as similar to the title as ``similarity``, else the first ``<h1>``
    (-1: none)."""
    cdef Py_ssize_t i, n = block.shape[1]
    for i in range(n):
        if values[V_TITLE_SIM, i] >= similarity:
            return i
    for i in range(n):
        if block[B_TAG, i] == h1_tag:
            return i
    return -1


def block_columns(double[:, ::1] out, const long long[:, ::1] block, const double[:, ::1] values,
                  const long long[::1] parent, const long long[::1] end,
                  const long long[::1] el_chars, const long long[::1] el_links,
                  const long long[::1] first_block, const long long[::1] last_block,
                  const double[::1] el_log_paras, list inside, const long long[::1] flag_bits,
                  double page_log_chars, Py_ssize_t n_tags, long long h1_tag,
                  double paragraph_min_chars, double paragraph_max_link_density,
                  double main_share, double all_link_density, long long sentence_cap,
                  double comma_words_scale, Py_ssize_t window, Py_ssize_t levels,
                  double headline_similarity, double teaser_link_density, double teaser_words):
    """``features.reference_block_columns``: the rows of ``out`` (one per block, the columns in
    ``FEATURE_NAMES`` order) from the blocks' counts and codes (``block``), their precomputed
    values (``values``) and the element table's columns."""
    cdef Py_ssize_t n = out.shape[0], size = parent.shape[0], i, k, level, main, at
    cdef long long e, bp, first, last
    cdef double c, total, pchars, offset = 0.0, ce
    cdef double *row
    cdef double[::1] link_d = np.empty(n)
    cdef double[::1] para = np.empty(n)
    cdef double[::1] link_sums = np.empty(n + 1)
    cdef double[::1] para_sums = np.empty(n + 1)
    cdef double[::1] prose = np.zeros(size)
    cdef double[::1] running = np.empty(size + 1)
    if out.shape[1] != _BASE_COLUMNS + n_tags + flag_bits.shape[0] + 4 * levels + 5 or (
        block.shape[0] <= B_DUPLICATE or block.shape[1] != n
        or values.shape[0] <= V_NEAR or values.shape[1] != n
    ):
        raise ValueError("block_columns: the arrays do not match the feature names")
    for i in range(n):
        c = <double>block[B_CHARS, i]
        link_d[i] = block[B_LINKS, i] / max(c, 1.0)
        para[i] = 1.0 if c >= paragraph_min_chars and link_d[i] < paragraph_max_link_density else 0.0
        prose[block[B_ELEMENT, i]] += c * para[i]
    _running(prose, running)
    for k in range(size):  # (the prose characters below each element)
        prose[k] = running[end[k]] - running[k]
    _running(link_d, link_sums)
    _running(para, para_sums)
    total = max(<double>el_chars[0], 1.0)
    main = _deepest(prose, main_share * prose[0], parent) if prose[0] > 0 else 0
    first, last = first_block[main], last_block[main]
    at = _headline(block, values, headline_similarity, h1_tag)
    for i in range(n):
        row = &out[i, 0]
        e = block[B_ELEMENT, i]
        c = <double>block[B_CHARS, i]
        row[0] = values[V_LOG_CHARS, i]
        row[1] = link_d[i]
        row[2] = values[V_LOG_WORDS, i]
        row[3] = <double>block[B_END_MARK, i]
        row[4] = <double>min(block[B_SENTENCES, i], sentence_cap) / <double>sentence_cap
        row[5] = <double>block[B_DIGITS, i] / <double>block[B_CHARS, i]
        row[6] = (<double>block[B_UPPER, i] / <double>max(block[B_LETTERS, i], 1)
                  if block[B_LETTERS, i] > 0 else 0.0)
        row[7] = <double>block[B_ELLIPSIS, i]
        row[8] = offset / total
        offset += c
        row[9] = <double>i / <double>n
        row[10] = 1.0 if link_d[i] > all_link_density else 0.0
        row[11] = values[V_TITLE_SIM, i]
        row[12] = <double>block[B_DUPLICATE, i]
        row[13] = values[V_TOKEN, i]
        row[14] = values[V_NEAR, i]
        row[15] = 1.0 if first <= i <= last else 0.0
        row[16] = _outside(i, first, last, n)
        row[17] = 1.0 if i < first else 0.0
        row[18] = 1.0 if i > last else 0.0
        row[19] = el_chars[main] / total
        row[20] = page_log_chars
        row[21] = el_links[0] / total
        row[22] = (<double>block[B_WORDS, i] / <double>(block[B_COMMAS, i] + 1)
                   / comma_words_scale)
        row[23] = <double>block[B_HEADING, i]
        row[24] = link_d[i - 1] if i > 0 else 1.0
        row[25] = link_d[i + 1] if i + 1 < n else 1.0
        row[26] = _window(link_sums, i, window)
        row[27] = values[V_LOG_CHARS, i - 1] if i > 0 else 0.0
        row[28] = values[V_LOG_CHARS, i + 1] if i + 1 < n else 0.0
        row[29] = _window(para_sums, i, window)
        bp = parent[e]
        pchars = <double>el_chars[bp if bp >= 0 else 0]
        row[30] = c / max(pchars, 1.0) if bp >= 0 and pchars > 0 else 0.0
        row[31] = (
            (1.0 if i > 0 and block[B_TAG, i - 1] == block[B_TAG, i] else 0.0)
            + (1.0 if i + 1 < n and block[B_TAG, i + 1] == block[B_TAG, i] else 0.0)
        ) / 2.0
        k = _BASE_COLUMNS
        for level in range(n_tags):
            row[k + level] = 1.0 if block[B_TAG, i] == level else 0.0
        k += n_tags
        for level in range(flag_bits.shape[0]):
            row[k + level] = 1.0 if block[B_FLAGS, i] & flag_bits[level] else 0.0
        k += flag_bits.shape[0]
        for level in range(levels):
            if e >= 0:
                ce = max(<double>el_chars[e], 1.0)
                row[k] = el_chars[e] / total
                row[k + 1] = el_links[e] / ce
                row[k + 2] = el_log_paras[e]
                row[k + 3] = prose[e] / ce
                e = parent[e]
            else:
                row[k], row[k + 1], row[k + 2], row[k + 3] = 1.0, 0.0, 0.0, 0.0
            k += 4
        row[k] = (<double>i - <double>at) / <double>n if at >= 0 else 0.0
        row[k + 1] = 1.0 if at >= 0 and i > at else 0.0
        row[k + 2] = 1.0 if at >= 0 else 0.0
        row[k + 3] = 1.0 if inside[block[B_ELEMENT, i]] else 0.0
        row[k + 4] = (1.0 if link_d[i] >= teaser_link_density
                      and block[B_WORDS, i] >= teaser_words else 0.0)


# -- context features -------------------------------------------------------------------------

def context_columns(double[:, ::1] out, Py_ssize_t column, const double[::1] p,
                    const long long[::1] chars, const long long[::1] element,
                    const long long[::1] parent, const long long[::1] first_block,
                    const long long[::1] last_block, const long long[::1] order,
                    tuple windows, Py_ssize_t levels, double core_share):
    """``features.reference_context_features`` into ``out``'s columns from ``column`` on: each
    block's first-pass P(main) ``p`` in its neighbourhood. ``order``: the blocks by falling
    ``p`` (``numpy.argsort(-p)``)."""
    cdef Py_ssize_t n = p.shape[0], size = parent.shape[0], i, k, level, core
    cdef long long index, lo, hi, first, last
    cdef double total_w, w_sum, c_sum
    cdef double *row
    cdef double[::1] weighted = np.empty(n)
    cdef double[::1] char_values = np.empty(n)
    cdef double[::1] cum_w = np.empty(n + 1)
    cdef double[::1] cum_c = np.empty(n + 1)
    cdef double[::1] p_sums = np.empty(n + 1)
    cdef double[::1] held = np.empty(size)
    if out.shape[0] != n or out.shape[1] < column + 3 + len(windows) + 2 * levels + 3:
        raise ValueError("context_columns: no room for the context features")
    for i in range(n):
        char_values[i] = <double>chars[i]
        weighted[i] = p[i] * char_values[i]
    _running(weighted, cum_w)
    _running(char_values, cum_c)
    _running(p, p_sums)
    total_w = max(cum_w[n], 1e-9)
    for k in range(size):
        held[k] = cum_w[last_block[k] + 1] - cum_w[first_block[k]] if first_block[k] >= 0 else 0.0
    core = _deepest(held, core_share * total_w, parent)
    first, last = first_block[core], last_block[core]
    for i in range(n):
        row = &out[i, column]
        row[0] = p[i]
        row[1] = p[i - 1] if i > 0 else 0.0
        row[2] = p[i + 1] if i + 1 < n else 0.0
        k = 3
        for half in windows:
            row[k] = _window(p_sums, i, half)
            k += 1
        index = element[i]
        for level in range(levels):
            if index >= 0:
                lo, hi = max(first_block[index], 0), last_block[index] + 1
                w_sum = cum_w[hi] - cum_w[lo]
                c_sum = max(cum_c[hi] - cum_c[lo], 1.0)
                row[k + level] = w_sum / c_sum
                row[k + levels + level] = w_sum / total_w
                index = parent[index]
            else:
                row[k + level] = 0.0
                row[k + levels + level] = 1.0
        k += 2 * levels
        row[k] = 1.0 if first <= i <= last else 0.0
        row[k + 1] = _outside(i, first, last, n)
    k = column + 3 + len(windows) + 2 * levels + 2
    for i in range(n):
        out[order[i], k] = <double>i / <double>n

"""Serbian Latin to Serbian Cyrillic (Вуков азбука), for generating the `sr` catalogue and the
instruments' `sr` texts from their reviewed `sr-latn` versions.

The two alphabets map one to one, except three digraphs (lj, nj, dž) that are one letter in
Cyrillic (љ, њ, џ) and, in a handful of words, two (инјекција, наджњети). What must not change:
- placeholders and markup: %(name)s, %s, {name}, <tags>, &entities;, URLs and e-mail addresses;
- names and codes written in Latin in Serbian Cyrillic text: tokens with q, w, x or y, upper-case
  acronyms (PDF, CSV, API, TOTP), and the product's name.
"""

import re

_SINGLE = dict(zip(
    "abcčćdđefghijklmnoprsštuvzž",
    "абцчћдђефгхијклмнопрсштувзж", strict=True))
_SINGLE.update({k.upper(): v.upper() for k, v in list(_SINGLE.items())})
_DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ", "Lj": "Љ", "Nj": "Њ", "Dž": "Џ", "LJ": "Љ",
             "NJ": "Њ", "DŽ": "Џ"}
# Words in which the letters of a digraph belong to two morphemes (prefix + root): written as
# two letters. Matched at the start of a word, lower case.
_SPLIT_PREFIXES = ("injek", "konjuk", "konjug", "konjunk", "nadž", "odžal", "odživ", "podžanr",
                   "vanjez", "tanjug")
KEEP_WORDS = frozenset({"Alliance", "Django", "WebAuthn"})

# What is copied as it is: placeholders, markup, addresses, then words.
_PROTECTED = re.compile(r"""
    %\([^)]*\)[#0\- +]*\d*(?:\.\d+)?[sdfir]   # %(name)s
  | %[#0\- +]*\d*(?:\.\d+)?[sdfir%]            # %s %d %%
  | \{[^{}\s]*\}                               # {name}
  | <[^>]*>                                    # <tags>
  | &[a-zA-Z]+;|&\#\d+;                        # &entities;
  | (?:https?://|www\.)\S+                     # URLs
  | [\w.+-]+@[\w-]+\.[\w.]+                    # e-mail addresses
  | `[^`]*`                                    # `code`
""", re.VERBOSE)
_WORD = re.compile(r"[^\W\d_]+")


def _keep(word: str) -> bool:
    return (word in KEEP_WORDS or bool(re.search(r"[qwxyQWXY]", word))
            or (len(word) > 1 and word.isupper() and word.isascii()))


def _word(word: str) -> str:
    if _keep(word):
        return word
    lower = word.lower()
    split = any(lower.startswith(p) for p in _SPLIT_PREFIXES)
    out, i = [], 0
    while i < len(word):
        pair = word[i:i + 2]
        if not split and pair in _DIGRAPHS:
            out.append(_DIGRAPHS[pair])
            i += 2
            continue
        out.append(_SINGLE.get(word[i], word[i]))
        i += 1
    return "".join(out)


def _plain(text: str) -> str:
    return _WORD.sub(lambda m: _word(m.group(0)), text)


def to_cyrillic(text: str) -> str:
    """`text` in Serbian Cyrillic, with placeholders, markup, addresses and Latin names kept."""
    out, last = [], 0
    for match in _PROTECTED.finditer(text):
        out.append(_plain(text[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_plain(text[last:]))
    return "".join(out)

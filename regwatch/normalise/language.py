"""Which language a notice is written in: ISO 639-1 code, so that its text goes to the rules of that language.

The script decides first where it alone tells the language (Thai, Hangul, kana, Han, Hebrew, Arabic, Burmese):
a character test costs nothing. Latin and Cyrillic texts go to lingua (lingua-language-detector, offline,
n-gram models shipped in the wheel), restricted to the languages of the nations regwatch watches: fewer
candidates are faster and more accurate. The detector is built once per process (its models load lazily,
and only those of the candidates that the text's alphabet allows), and a text is detected once (cached).
Callers detect only texts that name kratom in some script (classify.py): most notices never reach here.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

# The languages lingua chooses among (Latin and Cyrillic scripts; the others are told by their script).
# Norwegian is Bokmål or Nynorsk in lingua, reported as "nb"/"nn".
DETECTED = [
    "en",
    "ms",
    "id",
    "vi",
    "da",
    "sv",
    "nb",
    "nn",
    "fi",
    "de",
    "nl",
    "fr",
    "pl",
    "lt",
    "lv",
    "et",
    "ro",
    "it",
    "es",
    "pt",
    "cs",
    "sk",
    "is",
    "hu",
    "tr",
    "ru",
    "uk",
    # Not watched nations' languages, but read in the press about kratom (Koper port seizures, Bulgarian
    # encyclopedias): without them lingua names their closest watched neighbour (Slovene as Slovak,
    # Bulgarian as Russian), and that neighbour's rules read a text they were not written for. Detected,
    # they go to their own rules, or, with none, to review.
    "sl",
    "bg",
]
ENGLISH = "en"
# How much text the detector reads: the title and the opening lines decide; longer texts only cost time.
SAMPLE = 600
# A Latin-script reading less sure than this stays English: the English rules are the broadest, and a
# short English title misread as Dutch would lose them.
MIN_CONFIDENCE = 0.5

# English function words. A Latin-script text where they make a good share of the words is English, and
# lingua is not asked: it would load every Latin language's models (hundreds of MB) to say so, for the
# English notices that are nearly all of them. No other watched language writes these words.
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "is",
        "are",
        "for",
        "that",
        "with",
        "by",
        "on",
        "from",
        "this",
        "which",
        "be",
        "has",
        "have",
        "was",
        "were",
    ]
)
_WORD = re.compile(r"[a-z]+")
ENGLISH_SHARE = 0.1

# Unicode ranges whose script names one language among those watched.
_SCRIPTS = (
    ("th", 0x0E00, 0x0E7F),  # Thai
    ("my", 0x1000, 0x109F),  # Myanmar (Burmese)
    ("ko", 0xAC00, 0xD7AF),  # Hangul syllables
    ("ko", 0x1100, 0x11FF),  # Hangul jamo
    ("ja", 0x3040, 0x30FF),  # Hiragana and Katakana (before Han: Japanese writes Han too)
    ("he", 0x0590, 0x05FF),  # Hebrew
    ("ar", 0x0600, 0x06FF),  # Arabic
    ("zh", 0x4E00, 0x9FFF),  # CJK unified ideographs without kana: Chinese
)


@cache
def detector() -> LanguageDetector:
    """The lingua detector for the watched Latin and Cyrillic languages, built once."""
    codes = [getattr(IsoCode639_1, code.upper()) for code in DETECTED]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def by_script(text: str) -> str | None:
    """The language a text's script names on its own (Thai, Korean, Japanese, ...), or None (Latin, Cyrillic)."""
    counts: dict[str, int] = {}
    for ch in text:
        point = ord(ch)
        if point < 0x0590:
            continue
        for code, low, high in _SCRIPTS:
            if low <= point <= high:
                counts[code] = counts.get(code, 0) + 1
                break
    if not counts:
        return None
    if counts.get("ja") and counts.get("zh"):
        return "ja"
    best = max(counts.items(), key=lambda kv: kv[1])[0]
    return _persian_or_arabic(text) if best == "ar" else best


# Letters Persian writes and Arabic does not (keheh, Farsi yeh, gaf, peh, tcheh, jeh), and the Arabic
# letters Persian replaces with them (kaf, yeh) or seldom writes (teh marbuta): Persian "کراتوم" is not
# Arabic "كراتوم", and the Arabic rules must not read it.
_PERSIAN = frozenset("\u06a9\u06cc\u06af\u067e\u0686\u0698")
_ARABIC = frozenset("\u0643\u064a\u0629")


def _persian_or_arabic(text: str) -> str:
    persian = sum(1 for ch in text if ch in _PERSIAN)
    arabic = sum(1 for ch in text if ch in _ARABIC)
    return "fa" if persian > arabic else "ar"


@lru_cache(maxsize=65536)
def detect(text: str) -> str:
    """ISO 639-1 code of the language `text` is written in ("en" when unsure)."""
    sample = text[:SAMPLE]
    script = by_script(sample)
    if script is not None:
        return script
    if looks_english(sample):
        return ENGLISH
    values = detector().compute_language_confidence_values(sample)
    if not values or values[0].value < MIN_CONFIDENCE:
        return ENGLISH
    return values[0].language.iso_code_639_1.name.lower()


def looks_english(sample: str) -> bool:
    """Whether English function words make at least ENGLISH_SHARE of a text's words (three at least)."""
    words = _WORD.findall(sample.lower())
    hits = sum(1 for w in words if w in _ENGLISH_WORDS)
    return hits >= 3 and hits >= ENGLISH_SHARE * len(words)

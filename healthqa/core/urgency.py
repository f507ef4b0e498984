"""Reading reader submissions: signs of an emergency, and contact details to mask.

URGENT_PATTERNS is the one maintained list of phrases that put an urgent-care notice
(templates/includes/urgent_notice.html, its phone numbers `tel:` links) at the top of the
thank-you pages of /ask/ and the report form, and of those forms when a rate limit refuses them.
Add to it here; nothing else decides what counts as an emergency.
"""

import re

# Each entry: (what it suggests, regular expression matched case-insensitively on the text).
URGENT_PATTERNS = [
    ("chest pain", r"\bchest\s+(pain|pains|tightness|pressure)\b|\bheart\s+attack\b"),
    ("stroke", r"\bstroke\b|\bface\s+(is\s+)?droop(ing|s|ed)?\b|\bdrooping\s+face\b"),
    ("stroke", r"\bslurr(ed|ing)\s+(speech|words)\b|\bcan'?t\s+(speak|talk)\s+properly\b"),
    ("stroke", r"\b(arm|leg|one\s+side)\s+(is\s+)?(weak|weakness|numb|numbness)\b"),
    ("stroke", r"\bsudden(ly)?\s+(numb|numbness|weakness|confusion|blind|loss\s+of\s+vision)\b"),
    (
        "breathing",
        r"\b(can'?t|cannot|can\s+not|unable\s+to|struggling\s+to|hard\s+to)\s+breathe?\b"
        r"|\bshort(ness)?\s+of\s+breath\b|\bchoking\b|\bturning\s+blue\b",
    ),
    ("bleeding", r"\b(severe|heavy|uncontrolled|won'?t\s+stop|nonstop)\s+bleed(ing)?\b"),
    ("bleeding", r"\bbleeding\s+(heavily|a\s+lot|won'?t\s+stop|that\s+won'?t\s+stop)\b"),
    ("bleeding", r"\b(vomiting|coughing)\s+(up\s+)?blood\b"),
    ("overdose", r"\bover\s?dos(e|ed|ing)\b|\btook\s+too\s+many\s+(pills|tablets)\b"),
    ("poisoning", r"\bpoison(ed|ing)?\b|\bswallowed\s+(bleach|detergent|batteries)\b"),
    (
        "suicide or self-harm",
        r"\bsuicid(e|al)\b|\bkill(ing)?\s+myself\b|\bend(ing)?\s+my\s+life\b"
        r"|\bwant\s+to\s+die\b|\bself[-\s]?harm(ing)?\b|\bhurt(ing)?\s+myself\b"
        r"|\bcut(ting)?\s+myself\b|\bno\s+reason\s+to\s+live\b",
    ),
    (
        "anaphylaxis",
        r"\banaphyla(xis|ctic)\b|\b(throat|tongue|lips?)\s+(is\s+|are\s+)?(swelling|swollen|closing)\b",
    ),
    ("unconscious", r"\b(unconscious|unresponsive|passed\s+out|fainted|seizure|fitting)\b"),
    ("meningitis", r"\brash\s+(that\s+)?(doesn'?t|does\s+not|won'?t)\s+fade\b|\bstiff\s+neck\b"),
    ("head injury", r"\bhead\s+injury\b|\bhit\s+(my|his|her|their)\s+head\b"),
    ("pregnancy", r"\bpregnan(t|cy)\b.{0,40}\b(bleeding|severe\s+pain)\b"),
]

_URGENT = [(label, re.compile(pattern, re.IGNORECASE)) for label, pattern in URGENT_PATTERNS]


def urgent_signs(text):
    """The labels of URGENT_PATTERNS found in `text`, in list order, without repeats."""
    found = []
    for label, pattern in _URGENT:
        if label not in found and pattern.search(text or ""):
            found.append(label)
    return found


def needs_urgent_care(text):
    return bool(urgent_signs(text))


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.IGNORECASE)
# Seven or more digits, optionally with a leading +, grouped by spaces, dots, dashes or brackets.
PHONE = re.compile(r"(?<![\w])\+?\(?\d(?:[\s().-]{0,2}\d){6,14}(?![\w])")

EMAIL_MASK = "[email hidden]"
PHONE_MASK = "[phone number hidden]"


def mask_contact_details(text):
    """Replace email addresses and phone numbers in a reader's text with neutral markers."""
    if not text:
        return text or ""
    return PHONE.sub(PHONE_MASK, EMAIL.sub(EMAIL_MASK, text))

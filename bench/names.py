"""Saudi names, places and numbers as a registry holds them, with the frequencies and the spellings of real data.

Weights are rough shares of how often a name is given (Muhammad, Abdullah and Fahd far ahead; a long tail
after), so a generated registry has the crowded names a real one has: at a million, thousands of
«محمد ... القحطاني». Compound names come both ways («عبد الله» and «عبدالله»), and the letters people
write interchangeably (ة/ه, ى/ي, أ/إ/ا) vary from row to row, as in spreadsheets typed by many hands.
"""


# (name, weight). Male first names: also the father's and grandfather's names.
MALE = [
    ("محمد", 120), ("عبد الله", 70), ("فهد", 35), ("عبد الرحمن", 35), ("عبد العزيز", 35), ("سعد", 30),
    ("خالد", 30), ("أحمد", 30), ("سلطان", 25), ("فيصل", 25), ("ناصر", 22), ("سعود", 22), ("تركي", 20),
    ("بندر", 18), ("ماجد", 18), ("إبراهيم", 18), ("علي", 18), ("عبد الإله", 12), ("عبد المجيد", 10),
    ("نايف", 15), ("مشعل", 14), ("يوسف", 14), ("عمر", 14), ("حمد", 14), ("صالح", 16), ("سليمان", 14),
    ("عبد الملك", 8), ("عبد الكريم", 10), ("عبد اللطيف", 8), ("منصور", 12), ("بدر", 12), ("راشد", 10),
    ("مصطفى", 6), ("موسى", 6), ("عيسى", 6), ("يحيى", 8), ("حسن", 10), ("حسين", 8), ("زياد", 9), ("ريان", 8),
    ("مساعد", 7), ("عادل", 8), ("وليد", 8), ("هشام", 6), ("طلال", 7), ("مشاري", 7), ("عبد المحسن", 6),
    ("متعب", 6), ("ثامر", 6), ("مرزوق", 4), ("عايض", 5), ("ظافر", 5), ("مفلح", 4), ("سعيد", 10), ("عوض", 5),
    ("جابر", 4), ("عبد الهادي", 4), ("هادي", 4), ("مانع", 4), ("شايع", 3), ("غرم الله", 3), ("عطية", 4),
    ("حامد", 5), ("محسن", 5), ("فارس", 7), ("نواف", 8), ("عبد الرحيم", 4), ("إسماعيل", 4), ("أنس", 5),
    ("أسامة", 6), ("حمزة", 5), ("طارق", 6), ("مازن", 5), ("رائد", 4), ("ياسر", 7), ("عبد الوهاب", 5),
    ("سامي", 5), ("جمعان", 3), ("عبيد", 3), ("فلاح", 3), ("مبارك", 6), ("مرعي", 3), ("دخيل الله", 2),
]
FEMALE = [
    ("نورة", 40), ("فاطمة", 35), ("سارة", 30), ("مريم", 25), ("هيا", 18), ("منيرة", 16), ("عائشة", 16),
    ("نوف", 18), ("ريم", 16), ("العنود", 14), ("الجوهرة", 12), ("لطيفة", 12), ("حصة", 12), ("أمل", 12),
    ("هند", 12), ("مها", 12), ("أسماء", 10), ("خديجة", 10), ("رهف", 12), ("شهد", 12), ("جواهر", 8),
    ("بشرى", 6), ("ليلى", 8), ("سلمى", 8), ("هدى", 10), ("منى", 10), ("نجلاء", 6), ("أروى", 6), ("رنا", 6),
    ("دلال", 6), ("عبير", 6), ("غادة", 6), ("وعد", 6), ("شيخة", 8), ("موضي", 6), ("بدرية", 5), ("فوزية", 6),
    ("صفية", 4), ("زينب", 6), ("رقية", 4), ("آمنة", 6), ("حليمة", 4), ("مضاوي", 3), ("لمى", 6), ("جود", 8),
    ("لجين", 6), ("رغد", 8), ("أريج", 5), ("تهاني", 4), ("سمية", 4), ("عزيزة", 4), ("وضحى", 4), ("نوال", 5),
]
FAMILY = [
    ("القحطاني", 60), ("الشهري", 45), ("العسيري", 40), ("الغامدي", 40), ("الزهراني", 40), ("العتيبي", 45),
    ("المطيري", 40), ("الحربي", 40), ("الدوسري", 35), ("الشمري", 35), ("العنزي", 35), ("السبيعي", 20),
    ("المالكي", 25), ("الرشيدي", 20), ("الجهني", 18), ("البقمي", 10), ("الأحمري", 15), ("الشهراني", 15),
    ("العمري", 18), ("اليامي", 10), ("الهاجري", 12), ("المري", 10), ("الخالدي", 12), ("القرني", 14),
    ("الثبيتي", 8), ("السهلي", 10), ("الرويلي", 8), ("البلوي", 10), ("الفيفي", 8), ("المالكى", 0),
    ("آل سعيد", 5), ("آل مانع", 4), ("الحارثي", 12), ("الزهيري", 3), ("الخثعمي", 5), ("البيشي", 6),
    ("الوادعي", 6), ("الشريف", 8), ("الأسمري", 8), ("العلياني", 4), ("النفيعي", 5), ("الصاعدي", 6),
    ("اللحياني", 5), ("الأنصاري", 5), ("التميمي", 10), ("السديري", 3), ("الفهيد", 3), ("الراجحي", 3),
    ("الموسى", 5), ("العيسى", 5), ("الحمدان", 4), ("السالم", 5), ("الفرحان", 3), ("المحمدي", 6),
    ("السلمي", 10), ("الشمراني", 8), ("الكثيري", 4), ("باوزير", 3), ("بن لادن", 1), ("الشهوان", 2),
    ("الجعيد", 4), ("الرفاعي", 3), ("المنصور", 4), ("الدوسرى", 0), ("القرشي", 6), ("الهذلي", 5),
    ("عسيري", 4), ("مدخلي", 6), ("حكمي", 5), ("النعمي", 4), ("صميلي", 3), ("معافا", 3), ("المباركي", 4),
]
FAMILY = [(name, weight) for name, weight in FAMILY if weight]

# Regions: (code, weight by population), with cities the spreadsheet names.
REGIONS = [
    ("riyadh", 26, ["الرياض", "الخرج", "الدوادمي", "المجمعة"]),
    ("makkah", 26, ["جدة", "مكة المكرمة", "الطائف", "القنفذة"]),
    ("eastern", 15, ["الدمام", "الأحساء", "الخبر", "حفر الباطن"]),
    ("asir", 7, ["أبها", "خميس مشيط", "بيشة", "محايل عسير"]),
    ("madinah", 7, ["المدينة المنورة", "ينبع", "العلا"]),
    ("qassim", 4, ["بريدة", "عنيزة", "الرس"]),
    ("jazan", 4, ["جازان", "صبيا", "أبو عريش"]),
    ("tabuk", 3, ["تبوك", "ضباء"]),
    ("hail", 2, ["حائل"]),
    ("najran", 2, ["نجران", "شرورة"]),
    ("al_jawf", 2, ["سكاكا", "دومة الجندل"]),
    ("al_baha", 1, ["الباحة", "بلجرشي"]),
    ("northern_borders", 1, ["عرعر", "رفحاء"]),
]

# Mobile prefixes in use (050, 053-059): phonenumbers accepts these as Saudi mobiles.
MOBILE_PREFIXES = ["50", "53", "54", "55", "56", "58", "59"]

# The interchangeable letters, as a typist would swap them (what `lib.arabic.normalize` folds together).
_SWAPS = [("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ة", "ه"), ("ى", "ي")]
_LETTERS = "ابتثجحخدذرسشصضطظعغفقكلمنهويء"
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


class Names:
    """Weighted draws from the pools, from one seeded `random.Random` (so a run can be repeated)."""

    def __init__(self, rng):
        self.rng = rng
        self._male, self._male_w = zip(*MALE)
        self._female, self._female_w = zip(*FEMALE)
        self._family, self._family_w = zip(*FAMILY)
        self._regions = REGIONS
        self._region_w = [weight for _code, weight, _cities in REGIONS]

    def _draw(self, names, weights, k):
        return self.rng.choices(names, weights=weights, k=k)

    def person(self, gender):
        """(first, father, grandfather, family) as the association knows them (canonical spelling)."""
        first = self._draw(self._male if gender == "male" else self._female,
                           self._male_w if gender == "male" else self._female_w, 1)[0]
        father, grandfather = self._draw(self._male, self._male_w, 2)
        family = self._draw(self._family, self._family_w, 1)[0]
        return first, father, grandfather, family

    def region(self):
        code, _weight, cities = self.rng.choices(self._regions, weights=self._region_w, k=1)[0]
        return code, self.rng.choice(cities)


def as_typed(name, rng, rate=0.25):
    """The name as some typist writes it: «عبد الله» or «عبدالله», a hamza dropped, ة as ه, ى as ي."""
    if name.startswith("عبد ") and rng.random() < 0.5:
        name = name.replace("عبد ", "عبد", 1)
    for a, b in _SWAPS:
        if a in name and rng.random() < rate:
            name = name.replace(a, b)
    return name


def variant(name, rng):
    """A different spelling of the same name, as people really write it: a hamza dropped or added on an
    initial alef, a final ة as ه (or back), a final ى as ي (or back), «عبد الله» joined or split."""
    words = name.split(" ")
    options = []
    for i, word in enumerate(words):
        for a in "أإآ":
            if a in word:
                options.append((i, word.replace(a, "ا", 1)))
        if word.startswith("ا") and not word.startswith("ال") and len(word) > 2:
            options.append((i, "أ" + word[1:]))
        for a, b in (("ة", "ه"), ("ه", "ة"), ("ى", "ي"), ("ي", "ى")):
            if word.endswith(a) and len(word) > 2:
                options.append((i, word[:-1] + b))
    if name.startswith("عبد "):
        options.append((None, name.replace("عبد ", "عبد", 1)))
    elif name.startswith("عبد") and len(name) > 4 and " " not in name:
        options.append((None, "عبد " + name[3:]))
    if not options:
        return name
    i, changed = rng.choice(options)
    if i is None:
        return changed
    words[i] = changed
    return " ".join(words)


def typo(name, rng):
    """One slip of the keyboard inside one word of `name` (of 4 letters or more, never its first letter,
    never across a space): a letter replaced, dropped, doubled, or two neighbours swapped."""
    words = name.split(" ")
    long_words = [i for i, word in enumerate(words) if len(word) >= 4]
    if not long_words:
        return name
    w = rng.choice(long_words)
    word = words[w]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["replace", "drop", "double", "swap"])
    if kind == "replace":
        word = word[:i] + rng.choice([c for c in _LETTERS if c != word[i]]) + word[i + 1:]
    elif kind == "drop":
        word = word[:i] + word[i + 1:]
    elif kind == "double":
        word = word[:i] + word[i] + word[i:]
    else:
        word = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    words[w] = word
    return " ".join(words)


def mobile_digits(rng):
    """A Saudi mobile's 9 national digits (5XXXXXXXX)."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"


def mobile_as_typed(national, rng):
    """A mobile in one of the ways spreadsheets hold it: 05…, +9665…, 9665…, 009665…, spaced, Arabic-Indic digits."""
    form = rng.random()
    if form < 0.45:
        text = "0" + national
    elif form < 0.65:
        text = "+966" + national
    elif form < 0.78:
        text = "966" + national
    elif form < 0.83:
        text = "00966" + national
    elif form < 0.90:
        text = f"0{national[:2]} {national[2:5]} {national[5:]}"
    else:
        text = ("0" + national).translate(ARABIC_INDIC)
    return text


def other_format(e164, rng):
    """The stored E.164 mobile typed another way (what a search types)."""
    national = e164[4:]
    return rng.choice(["0" + national, ("0" + national).translate(ARABIC_INDIC), "966" + national,
                       f"0{national[:2]} {national[2:5]} {national[5:]}"])

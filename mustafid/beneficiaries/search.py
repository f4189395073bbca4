"""The name index behind registry search and the duplicate check.

A name search must find the person at a million records in milliseconds, however the name was
typed, and give the same people on SQLite and PostgreSQL. `name_key__contains` cannot do that
(a `LIKE '%…%'` reads every row), so names are kept as tokens:

* `NameToken`: the vocabulary, one row per distinct normalised name word (`arabic.name_tokens`),
  with how many beneficiaries carry it (`frequency`, to start from the rarest word);
* `NameTokenVariant`: each vocabulary word with one letter deleted (a "symmetric delete" table),
  which finds the words one typo away from what was typed through an index;
* `BeneficiaryNameToken`: which words each beneficiary's four-part name holds, indexed on
  (token, beneficiary).

A typed word expands to vocabulary words (the same word, with or without «ال»; words it begins;
words one edit away) and the people holding a word of every typed word's expansion are read
from the rarest expansion, newest first, a bounded number at a time. Both databases serve this
from plain b-tree indexes, so both return the same people in the same order.

On PostgreSQL, when few people are expected to hold every typed word, the same people are found in one
step from `BeneficiaryNameSet` (each person's word ids as a `bigint[]`, the first name's negated too) by a
GIN bitmap intersection (`_by_name_sets`): at a million, merging the (token, beneficiary) rows of two
common names read tens of thousands of index entries for a handful of people. A test compares both ways.

The rows (and the name sets) are written in one place, `index_names`: by `Beneficiary.save()` (so the registration and
edit actions, the admin and any other save keep them), by the import's `_write_batch` after its bulk
write (`lib.bulk`), and by `rebuild_name_index` (the management command and the data migration).
"""

import datetime
import heapq
import time
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy

from mustafid.lib import arabic, bulk

NAME_PARTS = ("first_name", "father_name", "grandfather_name", "family_name")
# A typed word expands to at most this many vocabulary words it begins (the most frequent) ...
PREFIX_EXPANSION = 40
# (read at most PREFIX_READ of them) ...
PREFIX_READ = 5000
# ... and this many words one typo away.
TYPO_EXPANSION = 20
# Only typed words held by fewer people than this as typed are widened to prefixes and typos (a common
# name typed whole is taken as meant).
WIDEN_IF_FEWER = 50
# When fewer than a page were found, every word is widened to typos too (a typo can make another common name:
# «سعود» typed «سعد»), unless the rarest typed word, so widened, is held by more people than this.
WIDEN_ALL_READ = 20000
# Typos are looked for in words of at least this many letters (shorter ones have too many neighbours).
TYPO_MIN_LENGTH = 3
# The words a typed word stands for are read together in one sorted query when they are held by this many
# people at most; the most frequent are read each on its own (an index range, newest first, stopping early).
COMMON_WORD = 2000
# At most this many words of the rarest expansion are read one by one (the rest together).
SINGLE_READS = 6
# SQLite's limit on variables per statement is far above this; it keeps IN lists short on both.
CHUNK = 500
ARTICLE = "ال"
# A rank step reads everyone holding the words first (and picks out the first-name matches from them) when
# fewer than FEW × the page are expected to hold them; else it reads the first-name matches first. Wrong the
# first way costs a read that stops early (many hold them); wrong the other way, a second whole intersection.
FEW = 2

# On PostgreSQL, when about this many people at most are expected to hold every typed word (their
# frequencies, as if drawn independently), they are found by the name sets' GIN index (`_by_name_sets`),
# reading at most SET_READ ids.
SET_EXPECTED = 3000
SET_READ = 5000

EXACT, PREFIX, TYPO = 0, 1, 2


# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------

def name_words(first_name="", father_name="", grandfather_name="", family_name="", *, repeats=False):
    """The normalised words of a four-part name, each with the part it first appears in (0 first … 3 family);
    `repeats`: also `repeated(word)` for a word in two parts, with the part it appears in again."""
    words = {}
    for position, part in enumerate((first_name, father_name, grandfather_name, family_name)):
        for word in arabic.name_tokens(part or ""):
            word = word[:40]
            if repeats and word in words:
                words.setdefault(repeated(word), position)
            words.setdefault(word, position)
    return words


# A word a name holds twice («محمد محمد العتيبي») is indexed a second time with this in front: the index holds
# each person's words as a set, and this is how it knows «محمد» twice from once. No typed word, which never
# holds a space, equals or begins it, and it has no typo variants: only `_doubled` looks it up.
REPEATED = " "


def repeated(word):
    return REPEATED + word[:39]


def words_of(beneficiary):
    """The words the index holds for a beneficiary, its repeated words included."""
    return name_words(*(getattr(beneficiary, part) for part in NAME_PARTS), repeats=True)


def deletions(word):
    """`word` with one letter removed, each way (the symmetric-delete variants)."""
    return {word[:i] + word[i + 1:] for i in range(len(word))} if len(word) >= TYPO_MIN_LENGTH else set()


def within_one_edit(a, b):
    """Whether `a` becomes `b` by one insertion, deletion, substitution or swap of two neighbours."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    # b is one letter longer: removing one letter of b gives a.
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def _article_forms(word):
    """The word with and without the definite article: «قحطاني» also finds «القحطاني», and the reverse."""
    forms = [word]
    if word.startswith(ARTICLE) and len(word) > len(ARTICLE) + 1:
        forms.append(word[len(ARTICLE):])
    elif not word.startswith(ARTICLE):
        forms.append(ARTICLE + word)
    return forms


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


# ---------------------------------------------------------------------------------------------
# Writing the index
# ---------------------------------------------------------------------------------------------

def _models(apps=None):
    if apps is None:
        from .models import Beneficiary, BeneficiaryNameToken, NameToken, NameTokenVariant
    else:  # a data migration passes its historical models
        Beneficiary = apps.get_model("beneficiaries", "Beneficiary")
        NameToken = apps.get_model("beneficiaries", "NameToken")
        NameTokenVariant = apps.get_model("beneficiaries", "NameTokenVariant")
        BeneficiaryNameToken = apps.get_model("beneficiaries", "BeneficiaryNameToken")
    return Beneficiary, NameToken, NameTokenVariant, BeneficiaryNameToken


def _name_set_model(apps=None):
    """`BeneficiaryNameSet`, or None in a data migration older than it (0006 fills it from the rows)."""
    if apps is None:
        from .models import BeneficiaryNameSet

        return BeneficiaryNameSet
    try:
        return apps.get_model("beneficiaries", "BeneficiaryNameSet")
    except LookupError:
        return None


def set_of(ids_and_positions):
    """A name set's array: every word's id, and the first name's words negated too."""
    return [pk for pk, _position in ids_and_positions] + [-pk for pk, position in ids_and_positions if position == 0]


def vocabulary_ids(words, *, apps=None):
    """The vocabulary id of each word, adding the words (and their typo variants) not there yet."""
    _b, NameToken, NameTokenVariant, _l = _models(apps)
    words = set(words)
    ids = {}
    for chunk in _chunks(words):
        ids.update(NameToken.objects.filter(token__in=chunk).values_list("token", "pk"))
    missing = words - ids.keys()
    if missing:
        # ignore_conflicts: a registration at the same moment may add the same word first.
        NameToken.objects.bulk_create([NameToken(token=word) for word in sorted(missing)], ignore_conflicts=True)
        added = {}
        for chunk in _chunks(missing):
            added.update(NameToken.objects.filter(token__in=chunk).values_list("token", "pk"))
        NameTokenVariant.objects.bulk_create(
            [NameTokenVariant(variant=variant, token_id=pk)
             for word, pk in added.items() if not word.startswith(REPEATED) for variant in deletions(word)],
            ignore_conflicts=True, batch_size=2000,
        )
        ids.update(added)
    return ids


def index_names(beneficiaries, *, fresh=False, apps=None):
    """Write the name index rows of these saved beneficiaries, replacing any they had.

    `fresh=True` when they are new and have none (the import's batches): the old rows are not read.
    The vocabulary's frequencies move by the difference, so an unchanged name writes no counter.
    """
    _b, NameToken, _v, BeneficiaryNameToken = _models(apps)
    wanted = {b.pk: words_of(b) for b in beneficiaries}
    if not wanted:
        return
    NameSet = _name_set_model(apps)
    with transaction.atomic():
        delta = Counter()
        if not fresh:
            for chunk in _chunks(wanted):
                old = BeneficiaryNameToken.objects.filter(beneficiary_id__in=chunk)
                delta.subtract(token_id for token_id in old.values_list("token_id", flat=True))
                old.delete()
                if NameSet is not None:
                    NameSet.objects.filter(beneficiary_id__in=chunk).delete()
        ids = vocabulary_ids({word for words in wanted.values() for word in words}, apps=apps)
        rows, sets = [], []
        for pk, words in wanted.items():
            held = [(ids[word], position) for word, position in words.items()]
            for token_id, position in held:
                rows.append((pk, token_id, position))
                delta[token_id] += 1
            if NameSet is not None and held:
                sets.append((pk, set_of(held)))
        bulk.insert_rows(BeneficiaryNameToken, ["beneficiary_id", "token_id", "position"], rows)
        if NameSet is not None:
            bulk.insert_rows(NameSet, ["beneficiary_id", "tokens"], sets)
        by_change = defaultdict(list)
        for token_id, change in delta.items():
            if change:
                by_change[change].append(token_id)
        for change, token_ids in sorted(by_change.items()):
            for chunk in _chunks(sorted(token_ids)):
                NameToken.objects.filter(pk__in=chunk).update(frequency=F("frequency") + change)


def rebuild_name_index(*, apps=None, batch_size=5000, progress=None):
    """Rebuild the whole name index from the beneficiaries' names (after restoring old data, or once
    when the index is introduced). Returns how many beneficiaries were indexed."""
    Beneficiary, NameToken, NameTokenVariant, BeneficiaryNameToken = _models(apps)
    NameSet = _name_set_model(apps)
    with transaction.atomic():
        if NameSet is not None:
            NameSet.objects.all().delete()
        BeneficiaryNameToken.objects.all().delete()
        NameTokenVariant.objects.all().delete()
        NameToken.objects.all().delete()
    done, last = 0, 0
    while True:
        batch = list(Beneficiary.objects.filter(pk__gt=last).order_by("pk")
                     .only("pk", *NAME_PARTS)[:batch_size])
        if not batch:
            return done
        index_names(batch, fresh=True, apps=apps)
        done += len(batch)
        last = batch[-1].pk
        if progress:
            progress(done)


# ---------------------------------------------------------------------------------------------
# Reading the index
# ---------------------------------------------------------------------------------------------

class Expansion:
    """The vocabulary words one typed word stands for, each with how it matched (EXACT, PREFIX, TYPO)."""

    def __init__(self, typed):
        self.typed = typed
        self.kind = {}  # token id -> best match kind
        self.frequency = {}  # token id -> people holding it
        self.typos_added = False

    def add(self, pk, kind, frequency):
        if pk not in self.kind or kind < self.kind[pk]:
            self.kind[pk] = kind
        self.frequency[pk] = frequency

    def ids(self, up_to):
        return {pk for pk, kind in self.kind.items() if kind <= up_to}

    def weight(self, up_to):
        return sum(self.frequency[pk] for pk in self.ids(up_to))


def _vocabulary(sql, params):
    """Rows of a vocabulary query. These few statements run on every keystroke of a name search, a dozen per
    search with typos: written as SQL once here, not built by the ORM each time (about a millisecond apiece)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _in(values):
    return ", ".join(["%s"] * len(values))


def _vocabulary_tables():
    from .models import NameToken, NameTokenVariant

    return NameToken._meta.db_table, NameTokenVariant._meta.db_table


def _begins(column):
    """`column LIKE 'form%'` as Django's `startswith` writes it: on PostgreSQL the text cast its pattern index
    serves in any collation; elsewhere with the escape character made explicit."""
    if connection.vendor == "postgresql":
        return f"{column}::text LIKE %s"
    return f"{column} LIKE %s ESCAPE '\\'"


def _like_prefix(form):
    return connection.ops.prep_for_like_query(form) + "%"


def expand(typed, *, prefixes=True, typos=False):
    """How one typed (normalised) word reaches the vocabulary: the same word (with or without «ال»),
    and the words it begins; `typos` adds the words one edit away (`add_typos`)."""
    tokens, _variants = _vocabulary_tables()
    expansion = Expansion(typed)
    forms = _article_forms(typed)
    whole = f"SELECT id, frequency FROM {tokens} WHERE token IN ({_in(forms)})"
    if prefixes and len(typed) >= 2:
        begins = " OR ".join(_begins("token") for _form in forms)
        found = _vocabulary(f"SELECT id, frequency, token FROM {tokens} WHERE {begins} LIMIT {PREFIX_READ}",
                            [_like_prefix(form) for form in forms])
        exact = [(pk, frequency) for pk, frequency, token in found if token in forms]
        if len(found) == PREFIX_READ:  # a very short prefix: the whole words may be past what was read
            exact = _vocabulary(whole, forms)
        for pk, frequency in exact:
            expansion.add(pk, EXACT, frequency)
        for pk, frequency, _token in heapq.nlargest(PREFIX_EXPANSION, found, key=lambda row: (row[1], -row[0])):
            expansion.add(pk, PREFIX, frequency)
    else:
        for pk, frequency in _vocabulary(whole, forms):
            expansion.add(pk, EXACT, frequency)
    if typos:
        add_typos(expansion)
    return expansion


def add_typos(expansion):
    """Add the vocabulary words one edit away from the typed word (through the symmetric-delete table):
    the words sharing a one-letter deletion with it, and the words that are one of its deletions."""
    tokens, variants = _vocabulary_tables()
    typed = expansion.typed
    expansion.typos_added = True
    if len(typed) < TYPO_MIN_LENGTH:
        return expansion
    probes = sorted(deletions(typed) | {typed})
    shorter = sorted(deletions(typed))
    candidates = {}
    rows = _vocabulary(
        f"SELECT t.id, t.token, t.frequency FROM {variants} v JOIN {tokens} t ON t.id = v.token_id "
        f"WHERE v.variant IN ({_in(probes)}) "
        f"UNION SELECT id, token, frequency FROM {tokens} WHERE token IN ({_in(shorter)})",
        probes + shorter,
    )
    for pk, token, frequency in rows:
        candidates[pk] = (token, frequency)
    near = [(frequency, -pk, pk) for pk, (token, frequency) in candidates.items()
            if pk not in expansion.kind and within_one_edit(typed, token)]
    for frequency, _order, pk in heapq.nlargest(TYPO_EXPANSION, near):
        expansion.add(pk, TYPO, frequency)
    return expansion


def people_holding(groups, *, limit, scope=None, extra=None, first_at=None):
    """The ids of up to `limit` beneficiaries, newest first, who hold a word of every group of token ids.

    `groups`: `[({token id: frequency}, weight), ...]`. Reading starts from the group held by the fewest
    people; each other group is a probe on the (beneficiary, token) index. `scope`: a Beneficiary queryset
    the people must be in (what the reader may see); `extra`: a Q on the link's `beneficiary__…` fields
    (the duplicate check's birth year); `first_at`: the name part (0 = first name) the first group's word
    must be in.
    """
    from .models import BeneficiaryNameToken as Link

    groups = [(ids, weight, first_at if i == 0 else None) for i, (ids, weight) in enumerate(groups)]
    if limit <= 0 or not groups or any(not ids for ids, _weight, _at in groups):
        return []
    # A word typed twice («عبد الرحمن عبدالرحمن»): one probe is enough (the first keeps its name part).
    unique = []
    for group in groups:
        if not any(set(group[0]) == set(kept[0]) and group[2] is None for kept in unique):
            unique.append(group)
    groups = unique
    groups.sort(key=lambda group: group[1])
    if connection.vendor == "postgresql" and _expected([(ids, weight) for ids, weight, _at in groups]) <= SET_EXPECTED:
        found = _by_name_sets(groups, limit=limit, scope=scope, extra=extra)
        if found is not None:
            return found
    (driver, _weight, driver_at), others = groups[0], groups[1:]
    links = Link.objects.all()
    if driver_at is not None:
        links = links.filter(position=driver_at)
    for ids, _weight, at in others:
        probe = Link.objects.filter(beneficiary_id=OuterRef("beneficiary_id"), token_id__in=sorted(ids))
        links = links.filter(Exists(probe if at is None else probe.filter(position=at)))
    if scope is not None and scope.query.where:
        links = links.filter(beneficiary__in=scope.values("pk"))
    if extra is not None:
        links = links.filter(extra)
    # The most frequent words are read one by one until the rest together are few enough to sort.
    rare = sorted(driver, key=lambda pk: (-driver[pk], pk))
    common = []
    while rare and len(common) < SINGLE_READS and sum(driver[pk] for pk in rare) > COMMON_WORD:
        common.append(rare.pop(0))
    found = set()
    # A common word is read on its own, newest first along its index, stopping at `limit`.
    for pk in sorted(common):
        found.update(links.filter(token_id=pk).order_by("-beneficiary_id")
                     .values_list("beneficiary_id", flat=True)[:limit])
    if rare:
        # Few rows (COMMON_WORD at most, by the frequencies, unless SINGLE_READS stopped short): read them
        # all and sort here. An ORDER BY …
        # LIMIT would tempt PostgreSQL to walk the whole (beneficiary, token) index backwards instead.
        found.update(links.filter(token_id__in=sorted(rare)).order_by()
                     .values_list("beneficiary_id", flat=True))
    return sorted(found, reverse=True)[:limit]


def _first_name_ids(ids):
    """A name set holds its first name's token ids negated (so «first name is X» is one overlap too)."""
    return sorted(-pk for pk in ids)


def _name_sets(groups, *, scope=None, extra=None):
    """The name sets (`BeneficiaryNameSet`) holding a word of every group, unordered: `groups` is
    `[(token ids, None or 0 for «as the first name»), ...]`; `scope` and `extra` as in `people_holding`."""
    from .models import BeneficiaryNameSet

    sets = BeneficiaryNameSet.objects.order_by()
    for ids, at in groups:
        sets = sets.filter(tokens__overlaps=sorted(ids) if at is None else _first_name_ids(ids))
    if scope is not None and scope.query.where:
        sets = sets.filter(beneficiary__in=scope.values("pk"))
    if extra is not None:
        sets = sets.filter(extra)
    return sets


def _by_name_sets(groups, *, limit, scope=None, extra=None):
    """`people_holding` on PostgreSQL when few are expected to hold the words: one GIN bitmap intersection
    of the name sets (`BeneficiaryNameSet`), every matching id read (no ORDER BY … LIMIT, which would tempt
    the planner to walk the primary key backwards) and the newest kept here. None when more than SET_READ
    hold them: the caller reads the (token, beneficiary) index newest first instead. Same people, same order."""
    sets = _name_sets([(ids, at) for ids, _weight, at in groups], scope=scope, extra=extra)
    found = list(sets.values_list("beneficiary_id", flat=True)[:SET_READ + 1])
    if len(found) > SET_READ:
        return None
    return sorted(found, reverse=True)[:limit]


def _by_name_sets_staged(groups, *, wanted, scope=None):
    """A rank step's two stages from one GIN read of the name sets: the newest `wanted` holding every group
    whose first name is a word of the first group, and the newest `wanted` holding every group — what the
    two `people_holding` reads (with and without `first_at=0`) give, in one statement. None when more than
    SET_READ hold them (the caller reads the rows)."""
    from django.db.models import BooleanField, ExpressionWrapper

    sets = _name_sets([(ids, None) for ids, _weight in groups], scope=scope)
    first_name = ExpressionWrapper(Q(tokens__overlaps=_first_name_ids(groups[0][0])), output_field=BooleanField())
    rows = list(sets.annotate(first=first_name).values_list("beneficiary_id", "first")[:SET_READ + 1])
    if len(rows) > SET_READ:
        return None
    rows.sort(reverse=True)
    return [pk for pk, first in rows if first][:wanted], [pk for pk, _first in rows][:wanted]


def find_by_name(query_words, *, limit, scope=None):
    """Ranked ids of the people whose name holds every typed word: first where every word is a whole
    name word, then where some word is the beginning of one, then where some word has one typo; at each
    step, first those whose first name is the first word typed (people type names in their order).

    A word that is a common name as typed (WIDEN_IF_FEWER) is taken as meant and not widened to the
    words it begins or to typos (else «سعد» would read every «سعدون», «السعدي», «سعود» too) — unless
    fewer than `limit` are found (and one of the words so widened is held by WIDEN_ALL_READ people at most):
    a typo can make another real name («الشمري» typed «المري»), found after those holding it as typed.
    """
    if not query_words or limit <= 0:
        return []
    query_words = list(query_words[: arabic.QUERY_MAX_TOKENS])
    ranked = _find_by_words(query_words, limit=limit, scope=scope)
    joined = _joined_compounds(query_words)
    if joined != query_words and len(ranked) < limit:
        # «عبد اعلزيز»: a slip in the «ال» of a compound name kept «عبد» apart from it (`arabic.normalize`
        # joins «عبد» only to a word beginning with «ال»), so it is looked for joined as well, after.
        seen = set(ranked)
        ranked += [pk for pk in _find_by_words(joined, limit=limit, scope=scope) if pk not in seen]
    return ranked[:limit]


COMPOUND_HEAD = "عبد"


def _joined_compounds(words):
    """The typed words with a lone «عبد» joined to the word after it, as the registry holds compound names."""
    joined = []
    for word in words:
        if joined and joined[-1] == COMPOUND_HEAD:
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def _find_by_words(query_words, *, limit, scope=None):
    expansions = [expand(word) for word in query_words]
    ranked, seen, previous = [], set(), None
    steps = [(EXACT, False), (PREFIX, False), (TYPO, False), (TYPO, True)]
    for tier, widen_all in steps:
        if widen_all and (len(ranked) >= limit or (ranked and _too_common(expansions))):
            break
        widened = [widen_all or e.weight(EXACT) < WIDEN_IF_FEWER for e in expansions]
        if tier == TYPO:
            for expansion, widen in zip(expansions, widened):
                if widen and not expansion.typos_added:
                    add_typos(expansion)
        groups = []
        for expansion, widen in zip(expansions, widened):
            ids = expansion.ids(tier if widen else EXACT)
            groups.append(({pk: expansion.frequency[pk] for pk in ids}, sum(expansion.frequency[pk] for pk in ids)))
        if any(not ids for ids, _weight in groups) or groups == previous:
            continue
        if widen_all and ranked and _too_common(expansions):
            break
        previous = groups
        wanted = limit + len(seen)
        doubled = _doubled(groups)
        if doubled:
            # Two typed words that can be the same name word («محمد محمد», or «مححمد محمد» with a slip in one):
            # first those who hold it twice, as typed, before those who hold it once.
            for pk in people_holding(doubled, limit=wanted, scope=scope):
                if pk not in seen:
                    seen.add(pk)
                    ranked.append(pk)
            if len(ranked) >= limit:
                return ranked[:limit]
        staged = None
        if connection.vendor == "postgresql" and _expected(groups) <= SET_EXPECTED:
            staged = _by_name_sets_staged(groups, wanted=wanted, scope=scope)
        if staged is not None:
            stages = staged
        elif _expected(groups) < wanted * FEW:
            # Few people hold all the words (by the words' frequencies): read them all, newest first, and
            # pick out those whose first name is the first word typed by one probe on the few ids found,
            # instead of a second intersection of the same posting lists restricted to the first name.
            holding = people_holding(groups, limit=wanted, scope=scope)
            if len(holding) < wanted:
                first = _first_word_first(holding, groups[0][0])
                stages = ([pk for pk in holding if pk in first], holding)
            else:
                stages = (people_holding(groups, limit=wanted, scope=scope, first_at=0), holding)
        else:
            # Many: the first names first, which often fill the page on their own.
            stages = (lambda: people_holding(groups, limit=wanted, scope=scope, first_at=0),
                      lambda: people_holding(groups, limit=wanted, scope=scope))
        for found in stages:
            for pk in (found() if callable(found) else found):
                if pk not in seen:
                    seen.add(pk)
                    ranked.append(pk)
            if len(ranked) >= limit:
                return ranked[:limit]
    return ranked[:limit]


def _doubled(groups):
    """The groups with each two that share words made one, of those words held twice (`repeated`): None when no
    two typed words can be the same word, or nobody holds a shared word twice."""
    shared = []
    used = set()
    for i, (ids_i, _w) in enumerate(groups):
        for j in range(i + 1, len(groups)):
            both = ids_i.keys() & groups[j][0].keys()
            if both and i not in used and j not in used:
                shared.append(both)
                used.update((i, j))
    if not shared:
        return None
    tokens, _variants = _vocabulary_tables()
    ids = sorted(set().union(*shared))
    words = dict(_vocabulary(f"SELECT id, token FROM {tokens} WHERE id IN ({_in(ids)})", ids))
    marks = sorted({repeated(word) for word in words.values()})
    marked = {token: (pk, frequency) for pk, frequency, token in _vocabulary(
        f"SELECT id, frequency, token FROM {tokens} WHERE token IN ({_in(marks)}) AND frequency > 0", marks)}
    doubled = [group for i, group in enumerate(groups) if i not in used]
    for both in shared:
        held = dict(marked[repeated(words[pk])] for pk in sorted(both) if repeated(words[pk]) in marked)
        if not held:
            return None
        doubled.append((held, sum(held.values())))
    return doubled


def _too_common(expansions):
    """Whether every typed word, as widened so far, is held by more than WIDEN_ALL_READ people: too many to
    read again with every word widened to typos once some people were found."""
    return min(e.weight(TYPO) for e in expansions) > WIDEN_ALL_READ


def _expected(groups):
    """About how many people hold a word of every group, were names drawn independently."""
    weights = sorted(weight for _ids, weight in groups)
    expected = weights[0]
    if len(weights) > 1:
        people = _registry_size()
        for weight in weights[1:]:
            expected *= min(1.0, weight / people)
    return expected


_SIZE = {"at": -1e9, "people": 1}


def _registry_size(ttl=600):
    """About how many people are in the name index: each holds about four words (read at most every `ttl` s)."""
    from django.db.models import Sum

    from .models import NameToken

    now = time.monotonic()
    if now - _SIZE["at"] > ttl:
        total = NameToken.objects.aggregate(total=Sum("frequency"))["total"] or 0
        _SIZE.update(at=now, people=max(1, total // 4))
    return _SIZE["people"]


def _first_word_first(people, token_ids):
    """Which of these people have one of these words as their first name (position 0)."""
    from .models import BeneficiaryNameToken as Link

    first = set()
    for chunk in _chunks(people):
        first.update(Link.objects.filter(beneficiary_id__in=chunk, token_id__in=sorted(token_ids), position=0)
                     .values_list("beneficiary_id", flat=True))
    return first


# ---------------------------------------------------------------------------------------------
# The duplicate check at registration
# ---------------------------------------------------------------------------------------------

SAME_ID = gettext_lazy("رقم الهوية نفسه")
SAME_MOBILE = gettext_lazy("رقم الجوال نفسه")
SAME_NAME = gettext_lazy("الاسم الرباعي نفسه وسنة الميلاد نفسها")
SIMILAR_NAME = gettext_lazy("اسم مشابه وسنة الميلاد نفسها")
HOUSEHOLD_ID = gettext_lazy("رقم الهوية لفرد من أسرته")
DUPLICATES_SHOWN = 10


def likely_duplicates(*, national_id="", mobile="", names=(), birth_date=None, exclude_pk=None):
    """The registered people a new registration may be, each with its reasons, most certain first:
    the same national ID; the same mobile (any format); someone whose household holds this ID; the same
    or a similar normalised four-part name (each word the same or one typo away, «ال» or not) born the
    same year — or, failing that, the same first, father's and family names born the same year.

    `names`: (first, father, grandfather, family). Returns `[(beneficiary, [reason, ...]), ...]`, at most
    DUPLICATES_SHOWN, read through indexes only (the name index of `index_names`). Used by the
    registration form and by the benchmark; the caller decides what the reader may see of them.
    """
    from .models import Beneficiary, HouseholdMember

    reasons = defaultdict(list)
    national_id = arabic.to_ascii_digits(str(national_id or "")).strip()
    if national_id:
        for pk in Beneficiary.objects.filter(national_id=national_id).values_list("pk", flat=True):
            reasons[pk].append(SAME_ID)
        for pk in (HouseholdMember.objects.filter(national_id=national_id)
                   .values_list("beneficiary_id", flat=True)[:DUPLICATES_SHOWN]):
            if HOUSEHOLD_ID not in reasons[pk]:
                reasons[pk].append(HOUSEHOLD_ID)
    phone = _clean_mobile(mobile)
    if phone:
        same_mobile = Beneficiary.objects.filter(mobile=phone).order_by("-pk").values_list("pk", flat=True)
        for pk in same_mobile[:DUPLICATES_SHOWN]:
            reasons[pk].append(SAME_MOBILE)
    parts = (list(names) + ["", "", "", ""])[:4]
    if birth_date is not None and any(parts):
        typed = name_words(*parts)
        for pk in _same_name(typed, birth_date.year, exclude_pk):
            reasons[pk].append(SAME_NAME)
        if not any(SAME_NAME in found for found in reasons.values()):
            for pk, same in _similar_names(typed, parts, birth_date.year, exclude_pk):
                reasons[pk].append(SAME_NAME if same else SIMILAR_NAME)
    reasons.pop(exclude_pk, None)
    weight = {SAME_ID: 0, HOUSEHOLD_ID: 1, SAME_MOBILE: 2, SAME_NAME: 3, SIMILAR_NAME: 4}
    order = sorted(reasons, key=lambda pk: (min(weight[r] for r in reasons[pk]), -len(reasons[pk]), -pk))
    order = order[:DUPLICATES_SHOWN]
    found = Beneficiary.objects.in_bulk(order)
    return [(found[pk], reasons[pk]) for pk in order if pk in found]


def _clean_mobile(mobile):
    from mustafid.lib import saudi

    if not mobile:
        return ""
    try:
        return saudi.clean_mobile(arabic.to_ascii_digits(str(mobile)))
    except Exception:  # not a Saudi mobile: no match by mobile
        return ""


def _born(year):
    return Q(beneficiary__birth_date__gte=datetime.date(year, 1, 1),
             beneficiary__birth_date__lte=datetime.date(year, 12, 31))


def _exact_groups(words):
    from .models import NameToken

    groups = []
    for word in words:
        rows = dict(NameToken.objects.filter(token__in=_article_forms(word)).values_list("pk", "frequency"))
        groups.append((rows, sum(rows.values())))
    return groups


def _same_name(typed, year, exclude_pk):
    """People whose name holds exactly these words (normalised), born in `year`."""
    from .models import BeneficiaryNameToken

    if not typed:
        return []
    found = people_holding(_exact_groups(typed), limit=DUPLICATES_SHOWN + 1, extra=_born(year))
    # Exactly: no word more or fewer than typed (the «ال» aside).
    words = defaultdict(set)
    for pk, token in BeneficiaryNameToken.objects.filter(beneficiary_id__in=found).values_list(
            "beneficiary_id", "token__token"):
        words[pk].add(_bare(token))
    wanted = {_bare(word) for word in typed}
    return [pk for pk in found if pk != exclude_pk and words[pk] == wanted]


def _bare(word):
    return word[len(ARTICLE):] if word.startswith(ARTICLE) and len(word) > len(ARTICLE) + 1 else word


def _similar_names(typed, parts, year, exclude_pk):
    """(pk, same) for people born in `year` whose name holds every typed word or a word one typo away;
    failing that, every word of the first, father's and family names."""
    expansions = []
    for word in typed:
        expansions.append(add_typos(expand(word, prefixes=False)))
    groups = [({pk: e.frequency[pk] for pk in e.kind}, sum(e.frequency[pk] for pk in e.kind)) for e in expansions]
    found = people_holding(groups, limit=DUPLICATES_SHOWN, extra=_born(year))
    if not found:
        three = name_words(parts[0], parts[1], "", parts[3])
        if len(three) >= 2:
            found = people_holding(_exact_groups(three), limit=DUPLICATES_SHOWN, extra=_born(year))
    return [(pk, False) for pk in found if pk != exclude_pk]

"""«معاني الكلمات»: the portal's own words, each explained in plain Arabic (and English).

A page of the portal that uses one of these words puts `{% term "declaration" %}` where it appears (the
`portal_terms` template tags): the word, then a small «ما معنى هذا؟» that opens its explanation right there (a real
<button aria-expanded> made by portal/static/portal/glossary.js; without the script, a link to the word on the
«معاني الكلمات» page, `/portal/words/`, which lists them all). Never a hover-only tooltip: a finger, a keyboard and a
screen reader open it the same way.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Term:
    key: str
    word: str
    meaning: str


TERMS = [
    Term("declaration", pgettext_lazy("glossary", "الإقرار"),
         _("تعهد مكتوب منك بأن كل ما قدمته للجمعية صحيح وكامل. توقّعه بكتابة اسمك وبرمز يصل إلى جوالك.")),
    Term("committee", pgettext_lazy("glossary", "لجنة البحث"),
         _("مجموعة من أعضاء الجمعية تجتمع لتقرأ الطلبات وتقرر الموافقة على كل طلب أو رفضه.")),
    Term("researcher", pgettext_lazy("glossary", "الباحث الاجتماعي"),
         _("موظف في الجمعية قد يتصل بك أو يزورك ليعرف حالتك ويكتب عنها تقريرًا للجنة.")),
    Term("document", pgettext_lazy("glossary", "المستند"),
         _("ورقة رسمية تثبت شيئًا في طلبك، مثل صورة الهوية أو عقد الإيجار. ترفعها صورة أو ملف PDF.")),
    Term("code", pgettext_lazy("glossary", "رمز التحقق"),
         _("ستة أرقام تصلك في رسالة على جوالك لتتأكد الجمعية أنك أنت. صالح لدقائق قليلة، ولا تعطه لأحد.")),
    Term("appeal", pgettext_lazy("glossary", "التظلم"),
         _("طلب منك بأن تعيد الجمعية النظر في قرار لم توافق عليه اللجنة. طريقته ومدته مكتوبتان في خطاب القرار.")),
    Term("information", pgettext_lazy("glossary", "استكمال المعلومات"),
         _("أن تطلب منك لجنة البحث معلومة أو مستندًا ينقص طلبك قبل أن تقرر. تتوقف مدة الرد حتى ترسله.")),
    Term("due", pgettext_lazy("glossary", "مدة الرد"),
         _("الأيام التي تلتزم الجمعية أن تقرر فيها في طلبك بعد أن يكتمل ويصل إلى لجنة البحث.")),
    Term("decision_letter", pgettext_lazy("glossary", "خطاب القرار"),
         _("رسالة رسمية من الجمعية فيها قرار اللجنة في طلبك وأسبابه. يمكنك تنزيلها وحفظها.")),
    Term("support_type", pgettext_lazy("glossary", "نوع الدعم"),
         _("ما تطلبه من الجمعية، مثل مساعدة في الإيجار أو سلة غذائية. لكل نوع مستنداته.")),
    Term("reference", pgettext_lazy("glossary", "رقم المراجعة"),
         _("رقم يخص رسالتك أو طلبك. احتفظ به، واذكره إذا سألت الجمعية عنه.")),
    Term("draft", pgettext_lazy("glossary", "المسودة"),
         _("ما كتبته في نموذج ولم ترسله بعد. نحفظه لك لتكمله لاحقًا، ويُحذف حين ترسل النموذج أو تحذفه.")),
]
BY_KEY = {term.key: term for term in TERMS}

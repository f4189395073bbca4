"""The demo's frequently asked questions: a few per preset, in Arabic and English, added through the manager's
action (`interactions.faq.add_faq_entry`) as the system, so the public page, the officer's suggestions and the
portal have something to show from the first run."""

from django.db import transaction

from mustafid.audit.actors import Actor
from mustafid.association.models import Association
from mustafid.interactions import faq
from mustafid.interactions.models import FaqEntry

from .presets import PRESETS


def entries(preset):
    """(question_ar, answer_ar, question_en, answer_en) for `preset`, its response period and services named."""
    days = preset["policy"]["response_days"]
    services_ar = "، و".join(name_ar for name_ar, _name_en, _docs in preset["support_types"])
    services_en = " and ".join(name_en.lower() for _name_ar, name_en, _docs in preset["support_types"])
    return [
        ("كيف أقدم طلب دعم؟",
         "من «خدمات المستفيد» على موقع الجمعية: ادخل برقم هويتك ورمز يصل إلى جوالك، ثم اختر «طلب جديد». "
         "ويمكنك أيضًا زيارة مقر الجمعية أو أحد مكاتبها، أو الاتصال بها، وسيساعدك الموظف على تعبئة الطلب.",
         "How do I apply for support?",
         "Through «Beneficiary services» on the association's website: sign in with your ID number and a code sent "
         "to your mobile, then choose «New request». You may also visit the association's office or one of its "
         "branches, or call, and a staff member will help you fill in the request."),
        ("ما الخدمات التي تقدمها الجمعية؟",
         f"تقدم الجمعية: {services_ar}. وتحدد لجنة البحث ما يناسب كل أسرة بعد دراسة الطلب.",
         "What services does the association offer?",
         f"The association offers {services_en}. The research committee decides what suits each family after "
         "studying the request."),
        ("ما المستندات المطلوبة مع الطلب؟",
         "صورة الهوية الوطنية أو الإقامة سارية، ومستندات نوع الدعم الذي تطلبه (مثل سجل الأسرة أو إثبات الدخل أو "
         "تقرير طبي). تظهر لك القائمة كاملة عند اختيار نوع الدعم، ويمكنك رفعها من جوالك.",
         "Which documents do I need?",
         "A valid copy of your national ID or iqama, and the documents of the support you ask for (such as the family "
         "record, proof of income or a medical report). The full list appears when you choose the type of support, "
         "and you can upload them from your phone."),
        ("متى يصلني الرد على طلبي؟",
         f"خلال {days} يومًا من اكتمال طلبك بمستنداته وتوقيع الإقرار، كما تنص سياسة الجمعية. "
         "تصلك رسالة بالقرار، ويمكنك متابعة طلبك في أي وقت من «تتبع طلبي».",
         "When will I hear back about my request?",
         f"Within {days} days of your request being complete with its documents and the declaration signed, as the "
         "association's policy sets. You will receive a message with the decision, and you can follow your request "
         "at any time from «Track my request»."),
        ("ما الإقرار ولماذا أوقّعه؟",
         "الإقرار تعهد منك بأن البيانات والمستندات التي قدمتها صحيحة، وأنك مسؤول عن صحتها. يُوقَّع مرة واحدة "
         "لكل طلب، على الشاشة أو على الورق في مقر الجمعية، ولا يُرفع الطلب إلى لجنة البحث قبله.",
         "What is the declaration and why do I sign it?",
         "The declaration is your statement that the data and documents you gave are correct and that you are "
         "responsible for them. It is signed once per request, on screen or on paper at the association, and the "
         "request goes to the research committee only after it."),
        ("هل بياناتي سرية؟",
         "نعم. لا يطّلع على بياناتك إلا الموظفون الذين يحتاجون إليها لخدمتك، ويُسجَّل كل اطلاع عليها، ولا تُذكر "
         "فئتك أو حالتك في الرسائل التي تصلك.",
         "Is my information kept confidential?",
         "Yes. Only the staff who need your information to serve you can see it, every look at it is recorded, and "
         "the messages you receive never mention your category or situation."),
    ]


@transaction.atomic
def load_demo_faq(name):
    """The preset's questions, once: nothing is added when the association already has any."""
    if Association.objects.current() is None or FaqEntry.objects.exists():
        return []
    by = Actor.system("load_demo")
    return [faq.add_faq_entry(question_ar=q_ar, answer_ar=a_ar, question_en=q_en, answer_en=a_en, by=by)
            for q_ar, a_ar, q_en, a_en in entries(PRESETS[name])]

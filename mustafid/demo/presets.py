"""The five seed policies (../shared/seeds/) as configuration.

Each preset is what an association would type into the settings: its names,
region, the policy's approval, response period, enabled channels and staff
tools. The goals are the policies' own words; the two variants are Qader's
and Ma'man's «متطلباتهم ومقترحاتهم» for the others' «متطلباتهم ومقرراتهم».
"""

import datetime

ALL_CHANNELS = [
    "interview", "phone", "social_media", "letter", "help_request", "volunteering", "website", "branch_rep",
]


def general_goal(word_ar, word_en):
    return (
        "تقديم خدمة متميزة للمستفيدين من كافة الشرائح بإتقان وسرعة وجودة عالية لإنجاز معاملاتهم ومتابعة "
        f"متطلباتهم و{word_ar} والعمل على مواصلة التطوير والتحسين التي تتم بالتعاون مع كافة الجهات للوصول إلى "
        "تحقيق الأهداف، والوصول إليهم بأسهل الطرق دون الحاجة إلى طلب المستفيد.",
        "To provide an outstanding service to beneficiaries of every group, with mastery, speed and high quality, "
        f"to complete their transactions and follow up their requirements and {word_en}; to keep developing and "
        "improving in cooperation with all parties to achieve the goals; and to reach beneficiaries in the easiest "
        "ways without their having to ask.",
    )


DETAILED_GOALS_AR = """\
تقدير حاجة المستفيد وكافة الفئات المستفيدة في الجمعية من خلال تسهيل الإجراءات وحصولهم على كافة الخدمات المطلوبة دون عناء ومشقة
تقديم الخدمات المتكاملة بأحدث الأساليب الإلكترونية في خدمة المستفيد
تقديم المعلومات والإجابات بشكل ملائم بما يتناسب مع تساؤلات المستفيدين واستفساراتهم من خلال عدة قنوات
تقديم خدمة للمستفيد من موقعه حفاظًا لوقته وتقديرًا لظروفه وسرعة إنجاز خدمته
التركيز على عملية قياس رضا المستفيد كوسيلة لرفع جودة الخدمة المقدمة والتحسين المستمر لإجراء تقديم الخدمة وأداء مقدم الخدمة
زيادة ثقة وانتماء المستفيدين بالجمعية من خلال تبني أفضل المعايير والممارسات في تقديم الخدمة للمستفيد، وذلك عن طريق: تصحيح المفاهيم السائدة لدى المستفيد عن الخدمات المقدمة في الجمعية، وتكوين انطباعات وقناعات إيجابية جديدة نحو الجمعية وما تقدمه من خدمات
نشر ثقافة تقييم الخدمة لدى المستفيد والتشجيع على ذلك، والتأكيد على أن تقييم جودة الخدمة حق من حقوق المستفيد، وأنه أداة للتقويم والتطوير لا للعقاب والتشهير
نشر ثقافة جودة الخدمة بين جميع الأقسام التي تقدم خدماتها للمستفيدين الداخليين أو الخارجيين
ابتكار مفاهيم وتقنيات إدارية للارتقاء بمستوى ونوعية الخدمات المقدمة للمستفيد، ومحاولة القضاء على معوقات تقديم خدمات ذات جودة عالية من خلال التطوير والتحسين المستمر وتلمس آراء المستفيدين"""

DETAILED_GOALS_EN = """\
To assess the needs of the beneficiary and of every group the association serves, by simplifying procedures so that they obtain all the services they need without hardship
To provide integrated services with the latest electronic means of serving the beneficiary
To provide information and answers suited to beneficiaries' questions and inquiries through several channels
To serve the beneficiary from their own location, saving their time, respecting their circumstances and completing their service quickly
To focus on measuring beneficiary satisfaction as a means of raising the quality of the service and continuously improving how it is delivered and how its providers perform
To increase beneficiaries' trust in and belonging to the association by adopting the best standards and practices of service, by correcting prevailing misconceptions about the association's services and forming new, positive impressions of the association and what it offers
To spread the culture of rating the service among beneficiaries and encourage it, affirming that rating the quality of the service is a right of the beneficiary and a tool for evaluation and development, not for punishment or defamation
To spread the culture of service quality among all departments that serve internal or external beneficiaries
To devise administrative concepts and techniques that raise the level and kind of services offered to the beneficiary, and to remove obstacles to high-quality services through continuous development and by listening to beneficiaries' views"""


def staff_tools(research_title_ar="دليل خدمات البحث الاجتماعي", research_title_en="Social research services guide"):
    return [
        ("bylaws", "اللائحة الأساسية للجمعية", "The association's bylaws",
         "اللائحة الأساسية المعتمدة: أهداف الجمعية ونطاق خدماتها وصلاحيات مجلس الإدارة واللجان. "
         "يُرجع إليها عند الإجابة عن أسئلة المستفيد عن الجمعية وعند قرارات لجنة البحث.",
         "The approved bylaws: the association's purposes, the scope of its services and the powers of the "
         "board and its committees. Consult them when answering questions about the association and when the "
         "research committee decides."),
        ("research_guide", research_title_ar, research_title_en,
         "خطوات الإحالة إلى الباحث الاجتماعي، ودراسة الحالة، والزيارة المنزلية، وكتابة تقرير البحث الاجتماعي "
         "الذي يعرض على لجنة البحث.",
         "How a case is referred to the social researcher, studied and visited at home, and how the social "
         "research report for the research committee is written."),
        ("support_policy", "دليل سياسة الدعم للمستفيدين", "Beneficiary support policy guide",
         "أنواع الدعم التي تقدمها الجمعية، وشروط استحقاق كل نوع، والمستندات المطلوبة له، وحدود المبالغ والكميات.",
         "The kinds of support the association offers, who is eligible for each, the documents each requires, "
         "and the limits on amounts and quantities."),
        ("request_form", "نموذج طلب دعم مستفيد", "Beneficiary support request form",
         "النموذج الذي يعبئه طالب الدعم: بياناته وبيانات أسرته ونوع الدعم المطلوب، والإقرار بصحة البيانات "
         "والتوقيع عليه. تطبع منه نسخة مملوءة من صفحة الطلب عند التوقيع الورقي.",
         "The form the applicant fills in: their data, their household, the support requested, and the signed "
         "declaration that the data are correct. A filled-in copy prints from the request page for signing on paper."),
    ]


PRESETS = {
    "aoun": {
        "name_ar": "جمعية عون لعلاج وتأهيل مدمني المخدرات بمنطقة عسير",
        "name_en": "Aoun Association for the Treatment & Rehabilitation of Drug Addicts in Asir",
        "short_name_ar": "جمعية عون",
        "short_name_en": "Aoun",
        "registration_number": "",
        "region": "asir",
        "city": "أبها",
        "address": "حي ذهر، أبها، عسير 62521",
        "phone": "0502407666",
        "email": "Info@awn.org.sa",
        "website": "awn.org.sa",
        "branches": [("المقر الرئيسي - أبها", "Head office - Abha", "أبها", True),
                     ("مكتب خميس مشيط", "Khamis Mushait office", "خميس مشيط", False),
                     ("مكتب بيشة", "Bisha office", "بيشة", False)],
        "policy": {
            "response_days": 14,
            "channels": ALL_CHANNELS,
            "board_meeting": "اجتماع مجلس الإدارة الرابع لعام 2024م",
            "board_meeting_en": "the board's fourth meeting of 2024",
            "approved_on": None,
            "effective_from": datetime.date(2024, 1, 1),
            "goal_word": ("مقرراتهم", "entitlements"),
        },
        "tools": staff_tools(),
        "categories": [("المتعافون من الإدمان", "People in recovery from addiction"),
                       ("أسر المتعافين", "Families of people in recovery")],
        "support_types": [
            ("برنامج العلاج والتأهيل", "Treatment and rehabilitation programme", ["national_id", "medical_report"]),
            ("دعم أسرة المتعافي", "Support for the family of a person in recovery",
             ["national_id", "family_record", "income_proof"]),
        ],
    },
    "makkah": {
        "name_ar": "جمعية مراكز الأحياء بمنطقة مكة المكرمة",
        "name_en": "Neighbourhood Centres Association in Makkah Region",
        "short_name_ar": "جمعية مراكز الأحياء",
        "short_name_en": "Neighbourhood Centres",
        "registration_number": "262",
        "region": "makkah",
        "city": "مكة المكرمة",
        "address": "",
        "phone": "",
        "email": "",
        "website": "",
        "branches": [("المقر الرئيسي - مكة المكرمة", "Head office - Makkah", "مكة المكرمة", True),
                     ("مركز حي العوالي", "Al-Awali neighbourhood centre", "مكة المكرمة", False),
                     ("مركز حي الشرائع", "Al-Sharaie neighbourhood centre", "مكة المكرمة", False)],
        "policy": {
            "response_days": 14,
            "channels": ALL_CHANNELS,
            "board_meeting": "",
            "board_meeting_en": "",
            "approved_on": None,
            "effective_from": datetime.date(2024, 1, 1),
            "goal_word": ("مقرراتهم", "entitlements"),
        },
        "tools": staff_tools(),
        "categories": [("الأسر المحتاجة", "Families in need"), ("كبار السن", "Elderly people"),
                       ("الأيتام", "Orphans")],
        "support_types": [
            ("سلة غذائية", "Food basket", ["national_id", "family_record"]),
            ("دعم إيجار السكن", "Rent support", ["national_id", "family_record", "lease"]),
        ],
    },
    "qader": {
        "name_ar": "جمعية قادر لتعزيز الصحة النفسية بتبوك",
        "name_en": "Qader Association for Promoting Mental Health in Tabuk",
        "short_name_ar": "جمعية قادر",
        "short_name_en": "Qader",
        "registration_number": "",
        "region": "tabuk",
        "city": "تبوك",
        "address": "",
        "phone": "",
        "email": "",
        "website": "",
        "branches": [("المقر الرئيسي - تبوك", "Head office - Tabuk", "تبوك", True),
                     ("مكتب تيماء", "Tayma office", "تيماء", False)],
        "policy": {
            "response_days": 30,
            "channels": [c for c in ALL_CHANNELS if c != "branch_rep"],
            "referral_step": False,
            "board_meeting": "الجلسة الثامنة لمجلس الإدارة",
            "board_meeting_en": "the board's eighth session",
            "approved_hijri": (1442, 12, 22),
            "goal_word": ("مقترحاتهم", "suggestions"),
        },
        "tools": staff_tools("لائحة البحث الاجتماعي", "Social research regulation"),
        "categories": [("المستفيدون من خدمات الصحة النفسية", "Mental health service users"),
                       ("أسر المستفيدين", "Families of service users")],
        "support_types": [
            ("جلسات الدعم النفسي", "Psychological support sessions", ["national_id", "medical_report"]),
            ("دعم تكاليف العلاج", "Help with treatment costs", ["national_id", "medical_report", "income_proof"]),
        ],
    },
    "maamen": {
        "name_ar": "جمعية مأمن لرعاية السجناء وأسرهم بمنطقة جازان",
        "name_en": "Ma'man Association for the Care of Prisoners and their Families in Jazan",
        "short_name_ar": "جمعية مأمن",
        "short_name_en": "Ma'man",
        "registration_number": "",
        "region": "jazan",
        "city": "جازان",
        "address": "",
        "phone": "",
        "email": "",
        "website": "",
        "branches": [("المقر الرئيسي - جازان", "Head office - Jazan", "جازان", True),
                     ("مكتب صبيا", "Sabya office", "صبيا", False),
                     ("مكتب أبو عريش", "Abu Arish office", "أبو عريش", False)],
        "policy": {
            "response_days": 14,
            "channels": ALL_CHANNELS,
            "board_meeting": "الجلسة الثانية لمجلس الإدارة",
            "board_meeting_en": "the board's second session",
            "approved_hijri": (1446, 8, 28),
            "goal_word": ("مقترحاتهم", "suggestions"),
        },
        "tools": staff_tools(),
        "categories": [("أسر السجناء", "Prisoners' families"), ("المفرج عنهم", "Released prisoners")],
        "support_types": [
            ("دعم أسرة سجين", "Support for a prisoner's family", ["national_id", "family_record", "prison_letter"]),
            ("سلة غذائية", "Food basket", ["national_id", "family_record"]),
        ],
    },
    "labas": {
        "name_ar": "جمعية لاباس الصحية بالقنفذة",
        "name_en": "Labas Health Association in Al-Qunfudhah",
        "short_name_ar": "جمعية لاباس",
        "short_name_en": "Labas",
        "registration_number": "",
        "region": "makkah",
        "city": "القنفذة",
        "address": "",
        "phone": "",
        "email": "",
        "website": "",
        "branches": [("المقر الرئيسي - القنفذة", "Head office - Al-Qunfudhah", "القنفذة", True),
                     ("مكتب القوز", "Al-Qawz office", "القوز", False)],
        "policy": {
            "response_days": 14,
            "channels": ALL_CHANNELS,
            "board_meeting": "اجتماع مجلس الإدارة رقم (5)",
            "board_meeting_en": "board meeting no. 5",
            "approved_on": datetime.date(2021, 1, 1),
            "goal_word": ("مقرراتهم", "entitlements"),
        },
        "tools": staff_tools(),
        "categories": [("المرضى", "Patients"), ("ذوو الإعاقة", "People with disabilities")],
        "support_types": [
            ("دعم العلاج", "Treatment support", ["national_id", "medical_report"]),
            ("الأجهزة الطبية", "Medical devices", ["national_id", "medical_report", "income_proof"]),
        ],
    },
}

DOCUMENT_TYPES = {
    "national_id": ("صورة الهوية الوطنية / الإقامة", "National ID / iqama copy", True),
    "medical_report": ("تقرير طبي", "Medical report", True),
    "family_record": ("سجل الأسرة", "Family record", False),
    "income_proof": ("إثبات الدخل", "Proof of income", True),
    "lease": ("عقد الإيجار", "Lease contract", True),
    "prison_letter": ("خطاب إثبات سجن العائل", "Letter proving the provider's imprisonment", True),
}

SERVICES = [
    ("دعم مالي", "Cash support", "amount", "", ""),
    ("سلة غذائية", "Food basket", "quantity", "سلة", "basket"),
    ("جلسة إرشاد", "Counselling session", "sessions", "جلسة", "session"),
]

DEMO_PASSWORD = "mustafid-demo"

# (username, first name, family name, role, branch index or None)
DEMO_STAFF = [
    ("officer", "نورة", "العتيبي", "officer", 0),
    ("researcher", "خالد", "الشهري", "researcher", 0),
    ("committee", "عبدالله", "القحطاني", "committee_member", 0),
    ("chair", "فيصل", "العمري", "committee_chair", 0),
    # A third member: the default quorum (a majority, chair included) is then two of three.
    ("member", "سارة", "الحربي", "committee_member", 0),
    ("branch_rep", "سعد", "الغامدي", "branch_rep", 1),
    ("volunteer", "ريم", "الزهراني", "volunteer", 0),
    ("manager", "محمد", "العسيري", "manager", 0),
    ("auditor", "هند", "المالكي", "auditor", 0),
]

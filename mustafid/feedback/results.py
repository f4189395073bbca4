"""The survey results the managers and auditors read: rates, averages, the recommendation score, distributions.

Anonymous by construction: the figures are read from `SurveyResponse` and `Answer` rows, never joined to the
beneficiary; below the association's threshold of responses in the selection only the counts are given (no
distribution, no comment), so no single person's answer can be picked out.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Avg, Count, Q
from django.utils import timezone

from .forms import FACES, YES_NO
from .models import Answer, Question, SurveyInvitation, SurveyResponse, SurveySettings

COMMENTS_SHOWN = 50


@dataclass
class Distribution:
    question: Question
    total: int
    bars: list = field(default_factory=list)  # (label, count, percent)


@dataclass
class Results:
    invited: int
    answered: int
    threshold: int
    anonymous: bool
    satisfaction: float | None = None
    nps: int | None = None
    promoters: int = 0
    detractors: int = 0
    recommenders: int = 0
    follow_ups: int = 0
    distributions: list = field(default_factory=list)
    comments: list = field(default_factory=list)

    @property
    def rate(self):
        return round(100 * self.answered / self.invited) if self.invited else None


def _labels(question):
    if question.kind == Question.Kind.RATING:
        return [(value, f"{face} {label}") for value, face, label in FACES]
    if question.kind == Question.Kind.YES_NO:
        return list(YES_NO)
    if question.kind == Question.Kind.NPS:
        return [(value, str(value)) for value in range(10, -1, -1)]
    return list(enumerate(question.option_labels()))


def compute(*, survey=None, days=None, now=None):
    now = now or timezone.now()
    invitations = SurveyInvitation.objects.all()
    responses = SurveyResponse.objects.all()
    if survey is not None:
        invitations, responses = invitations.filter(survey=survey), responses.filter(survey=survey)
    if days:
        since = now - timedelta(days=days)
        invitations, responses = invitations.filter(created_at__gte=since), responses.filter(
            invitation__created_at__gte=since)
    threshold = SurveySettings.current().anonymity_threshold
    answered = responses.count()
    results = Results(invited=invitations.count(), answered=answered, threshold=threshold,
                      anonymous=answered < threshold)
    if results.anonymous:
        return results
    figures = responses.aggregate(
        satisfaction=Avg("satisfaction"),
        recommenders=Count("pk", filter=Q(recommendation__isnull=False)),
        promoters=Count("pk", filter=Q(recommendation__gte=9)),
        detractors=Count("pk", filter=Q(recommendation__lte=6)),
        follow_ups=Count("follow_up"),
    )
    results.satisfaction = round(figures["satisfaction"], 2) if figures["satisfaction"] is not None else None
    results.recommenders, results.promoters = figures["recommenders"], figures["promoters"]
    results.detractors, results.follow_ups = figures["detractors"], figures["follow_ups"]
    if results.recommenders:
        results.nps = round(100 * (results.promoters - results.detractors) / results.recommenders)
    answers = Answer.objects.filter(response__in=responses)
    counts = {}
    for question_id, number, count in (answers.filter(number__isnull=False).values_list("question", "number")
                                       .annotate(n=Count("pk")).order_by()):
        counts[(question_id, number)] = count
    questions = Question.objects.filter(answers__response__in=responses).distinct().order_by("survey", "position", "pk")
    for question in questions:
        if question.kind == Question.Kind.TEXT:
            continue
        bars = [(label, counts.get((question.pk, value), 0)) for value, label in _labels(question)]
        total = sum(count for _label, count in bars)
        results.distributions.append(Distribution(
            question=question, total=total,
            bars=[(label, count, round(100 * count / total) if total else 0) for label, count in bars]))
    # Comments alone: no date, no person, newest first only as the order of the rows.
    results.comments = list(
        answers.filter(question__kind=Question.Kind.TEXT).exclude(text="")
        .order_by("-response__answered_at", "-pk").values_list("text", flat=True)[:COMMENTS_SHOWN]
    )
    return results

"""«إحصاءات المستفيدين»: the public statistics page, open to everyone, read from the snapshot (public_stats.py)."""

from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from mustafid.lib.arabic import to_ascii_digits

from .board_report import published_recommendations
from .public_stats import snapshot


def _year(text):
    text = to_ascii_digits(str(text or ""))[:4]
    return int(text) if text.isascii() and text.isdigit() else None  # not «²», which isdigit() accepts


def _text(cell):
    """A published figure with its thousands separated (the words «أقل من ٥» and «نحو» are the template's)."""
    n = cell.get("n") if cell else None
    if n is None:
        return cell
    if isinstance(n, str):
        whole, _dot, fraction = n.partition(".")
        text = f"{int(whole):,}" + (f".{fraction}" if fraction and fraction.strip("0") else "")
    else:
        text = f"{n:,}"
    return {**cell, "text": text}


def present(data):
    """The snapshot's figures as the page shows them: names in the page's language, numbers formatted."""
    english = (get_language() or "ar").startswith("en")

    def name(row, key=""):
        ar, en = row.get(f"{key}ar", ""), row.get(f"{key}en", "")
        return en if english and en else ar

    people = data["beneficiaries"]
    aid = data["aid"]
    return {
        **data,
        "beneficiaries": {
            **people, "total": _text(people["total"]),
            "by_category": [{"name": name(row), "cell": _text(row)} for row in people["by_category"]],
            "by_region": [{"name": name(row), "cell": _text(row)} for row in people["by_region"]],
        },
        "decisions": {**data["decisions"], "total": _text(data["decisions"]["total"]),
                      "rows": [{**row, "cell": _text(row)} for row in data["decisions"]["rows"]]},
        "aid": {**aid, "cash": _text(aid["cash"]),
                "rows": [{"name": name(row), "unit": name(row, "unit_"), "cash": row["cash"],
                          "people": _text(row["people"]), "amount": _text(row["amount"])} for row in aid["rows"]]},
    }


@require_GET
def statistics(request):
    chosen, years = snapshot(_year(request.GET.get("year")))
    return render(request, "reports/public_statistics.html", {
        "snapshot": chosen, "figures": present(chosen.data) if chosen else None, "years": years,
        "recommendations": published_recommendations(),
        "nav_section": "statistics",
    })

from .models import Association


def association(request):
    """The association (one per deployment) for the header of every page, read once per request."""
    if not hasattr(request, "_association"):
        request._association = Association.objects.current()
    return {"association": request._association}

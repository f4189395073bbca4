from django.shortcuts import get_object_or_404

from .models import StaffTool


def access_staff_tool(user, pk):
    """Every signed-in staff member may read the staff library; nobody else (the view requires sign-in)."""
    return get_object_or_404(StaffTool, pk=pk)

"""One blueprint per user journey: views.py (thin) and forms.py."""

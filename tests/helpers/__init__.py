"""Helpers shared by the tests, one module per kind of data they set up.

web.py: users, sign-in and forms with their CSRF token; bulk_responses.py:
an open survey and many stored answers (safeguards, backup, push);
offline_entry.py: surveys for kiosk, paper entry and offline sync;
analysis_surveys.py and results_survey.py: hand-made surveys for the
analysis and results tests; workshops.py: live workshops and phones.
"""

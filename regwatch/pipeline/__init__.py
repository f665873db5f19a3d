"""Running a pass: its stages (steps.py), crawl subprocesses, the Airflow task bodies and the demo."""

"""Running regwatch on Airflow's CeleryExecutor with PostgreSQL: the cluster policy that puts each crawl in its
politeness domain's pool, the hostname Celery workers report, and `make cluster-demo` (python -m regwatch.cluster).
"""

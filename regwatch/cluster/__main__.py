"""`python -m regwatch.cluster [options]`: the cluster demo (see regwatch.cluster.demo);
`python -m regwatch.cluster pools`: the pools a deployment needs, as a file for `airflow pools import`."""

from __future__ import annotations

import json
import sys

from regwatch.cluster.demo import main, pool_file

if __name__ == "__main__":
    if sys.argv[1:2] == ["pools"]:
        print(json.dumps(pool_file(), indent=2))
        sys.exit(0)
    sys.exit(main())

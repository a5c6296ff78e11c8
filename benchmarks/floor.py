"""The floor of a warm lookup: the same query on the same cache file, in ten lines of sqlite3.

    python benchmarks/floor.py CACHE.sqlite search 异质结         # like `facts search 异质结 | cat`
    python benchmarks/floor.py CACHE.sqlite get gdp-2023 value    # like `facts get gdp-2023 value`

No ranking, no figures, no checks: what any Python program pays to start, open the index
read-only and print the rows. benchmarks/run.py divides `facts` by it (target <= 1.3).
"""

import json
import sqlite3
import sys

db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro&immutable=1", uri=True)
if sys.argv[2] == "search":
    sql = "SELECT e.json FROM fts JOIN entries e ON e.n = fts.rowid WHERE fts MATCH ? ORDER BY rank LIMIT 20"
    for (raw,) in db.execute(sql, ('"' + sys.argv[3].replace('"', '""') + '"',)):
        record = json.loads(raw)
        print(record["id"], record["kind"], record["name"], record.get("value", ""), record["year"], sep="\t")
else:
    (raw,) = db.execute("SELECT json FROM entries WHERE id = ?", (sys.argv[3],)).fetchone()
    print(json.loads(raw)[sys.argv[4]])

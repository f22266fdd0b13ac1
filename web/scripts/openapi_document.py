"""Print the gateway's OpenAPI document (the one `GET /openapi.json` serves) for `npm run gen:types`.

Built from the route table itself, so no stack has to run to regenerate the workbench's types.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from services.gateway.openapi import build_document  # noqa: E402
from services.gateway.routes import ROUTES  # noqa: E402

if __name__ == "__main__":
    json.dump(build_document(ROUTES), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")

"""schemathesis hooks for rentald: steer part of the generated data to things that exist.

Loaded by Tests/api/schemathesis.sh through SCHEMATHESIS_HOOKS; reads the daemon's base URL from
RENTALD_API_BASE. Schema-driven data almost never names a real family, unit or centre, so checkouts,
returns, renewals and reservations would rarely get past their lookups. These hooks fetch the demo
daemon's identifiers once and let Hypothesis choose, for a share of the cases, a body or path whose
identifiers exist (and, for a checkout, fit together: a unit with the centre where it is). The
generated value itself stays one of the choices, so nothing the schema allows is left out. The
contract (openapi/rentald.openapi.yaml) is not changed by any of this.
"""

from __future__ import annotations

import json
import os
import time
import urllib.parse
import urllib.request
from typing import Any

from hypothesis import strategies as st

import schemathesis

BASE = os.environ.get("RENTALD_API_BASE", "")
REFRESH_SECONDS = 20.0  # the run changes the data (loans close, units move): look again now and then
_known: dict[str, list[Any]] | None = None
_fetched_at = 0.0


def _get(path: str, **query: Any) -> Any:
    url = BASE + path + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def _pages(path: str, cursor: str, **query: Any) -> list[dict]:
    items: list[dict] = []
    for _ in range(50):  # bounded: at most 50 pages of 1000
        page = _get(path, limit=1000, **query)
        items += page["items"]
        if "next" not in page:
            break
        query[cursor] = page["next"]
    return items


def known() -> dict[str, list[Any]]:
    """Identifiers of the daemon under test, fetched on first use and again every REFRESH_SECONDS."""
    global _known, _fetched_at
    if _known is None or time.monotonic() - _fetched_at > REFRESH_SECONDS:
        _fetched_at = time.monotonic()
        units = _pages("/v1/units", "after")
        loans = _pages("/v1/loans", "after", state="all")
        # Every demo surname has an «а»; the search takes 1–500 results.
        families = [f["reference"] for f in _get("/v1/families", q="а", limit=500)["items"]]
        _known = {
            "centres": [c["code"] for c in _get("/v1/centres")["items"]],
            "types": [t["code"] for t in _get("/v1/catalogue")["items"]],
            "units": [(u["inventoryNumber"], u["currentCentre"], u["itemType"]) for u in units],
            "available": [(u["inventoryNumber"], u["currentCentre"]) for u in units if u["status"] == "available"],
            "families": families,
            "loans": [loan["id"] for loan in loans],
            "open_ids": [loan["id"] for loan in loans if loan["state"] == "open"],
            "open": [loan["inventoryNumber"] for loan in loans if loan["state"] == "open"],
            "holds": [hold["id"] for hold in _get("/v1/holds")["items"]],
        }
        placeholders = {"units": ("NONE", "none", "none"), "available": ("NONE", "none"), "loans": 1, "open_ids": 1, "holds": 1}
        for key, values in _known.items():
            if not values:  # sampled_from needs at least one value
                _known[key] = [placeholders.get(key, "none")]
    return _known


def _operation(ctx: Any) -> tuple[str, str]:
    operation = getattr(ctx, "operation", None)
    if operation is None:
        return "", ""
    return str(operation.method).upper(), str(operation.path)


def _either(original: Any, steered: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.just(original), steered)


@schemathesis.hook
def flatmap_body(ctx: Any, body: Any) -> st.SearchStrategy:
    if not BASE or not isinstance(body, dict):
        return st.just(body)
    method, path = _operation(ctx)
    k = known()
    families, centres, types = st.sampled_from(k["families"]), st.sampled_from(k["centres"]), st.sampled_from(k["types"])

    if (method, path) == ("POST", "/v1/loans"):
        def checkout(pick: tuple, family: str, cross: bool, centre: str) -> dict:
            # Mostly the centre where the unit is; sometimes another one (unit_not_at_centre).
            return dict(body, family=family, unit=pick[0], centre=centre if cross else pick[1])
        return _either(body, st.builds(checkout, st.sampled_from(k["available"] + [u[:2] for u in k["units"]]),
                                       families, st.sampled_from([False, False, False, True]), centres))
    if (method, path) == ("POST", "/v1/returns"):
        return _either(body, st.builds(lambda unit, centre: dict(body, unit=unit, centre=centre),
                                       st.sampled_from(k["open"] * 4 + [u[0] for u in k["units"]][:50]), centres))
    if (method, path) == ("POST", "/v1/reservations"):
        return _either(body, st.builds(lambda f, t, c: dict(body, family=f, itemType=t, centre=c), families, types, centres))
    if (method, path) == ("POST", "/v1/units/{inventoryNumber}/send"):
        return _either(body, st.builds(lambda c: dict(body, centre=c), centres))
    if (method, path) == ("POST", "/v1/recalls"):
        return _either(body, st.builds(lambda t: dict(body, itemType=t), types))
    if (method, path) == ("POST", "/v1/units"):
        return _either(body, st.builds(lambda t, c: dict(body, itemType=t, centre=c), types, centres))
    if (method, path) == ("POST", "/v1/units/{inventoryNumber}/status"):
        return _either(body, st.builds(lambda c: dict(body, destination=c, centre=c), centres))
    if (method, path) == ("PUT", "/v1/rules") and isinstance(body.get("scope", {}), dict):
        def rule(centre: str | None, item_type: str | None) -> dict:
            scope = {key: value for key, value in body.get("scope", {}).items() if key not in ("centre", "itemType")}
            if centre is not None:
                scope["centre"] = centre
            if item_type is not None and "category" not in scope:
                scope["itemType"] = item_type
            return dict(body, scope=scope)
        return _either(body, st.builds(rule, st.none() | centres, st.none() | types))
    return st.just(body)


@schemathesis.hook
def flatmap_path_parameters(ctx: Any, path_parameters: Any) -> st.SearchStrategy:
    if not BASE or not isinstance(path_parameters, dict) or not path_parameters:
        return st.just(path_parameters)
    _, path = _operation(ctx)
    k = known()
    choices: dict[str, st.SearchStrategy] = {}
    for name in path_parameters:
        if name == "code":
            pool = k["types"] if path.startswith(("/v1/catalogue", "/v1/recalls")) else k["centres"]
        elif name == "type":
            pool = k["types"]
        elif name == "inventoryNumber":
            pool = [u[0] for u in k["units"]]
        elif name == "reference":
            pool = k["families"]
        elif name == "id" and path.startswith("/v1/loans/{id}/"):
            pool = k["open_ids"] + k["loans"][-20:]  # renew, lost: mostly open loans
        elif name == "id" and path.startswith("/v1/loans"):
            pool = k["loans"]
        elif name == "id" and path.startswith(("/v1/holds", "/v1/reservations")):
            pool = k["holds"]
        else:
            continue
        choices[name] = st.sampled_from(pool)
    if not choices:
        return st.just(path_parameters)

    # Raw values: schemathesis percent-encodes path parameters after the hooks (idempotently).
    return _either(path_parameters, st.fixed_dictionaries(choices).map(lambda values: dict(path_parameters, **values)))

"""Seeds a compendium-ils database for the peer benchmark (untimed).

Runs under the throwaway virtual environment's interpreter, because it uses compendium-ils's own
SQLAlchemy models (so every value is stored exactly as the application stores it). The database must
already be initialised (`compendium db init`); COMPENDIUM_DATABASE_URL names it.

    python peer_seed.py --items N --patrons P [--loans] [--overdue K]

Without --loans: N available items (barcodes B-0000001…) and P patrons (cards C-000001…).
With --loans: the same, and one open loan per item, item i lent to patron i mod P; the first K loans
(spread evenly over the list) are overdue: checked out 24 days ago, due 10 days ago. The others were
checked out now and are due in 14 days (the default policy's loan period).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select

from compendium.db.engine import get_engine
from compendium.domain.models import Branch, Item, Loan, MediaType, Patron, PatronCategory, Work


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, required=True)
    parser.add_argument("--patrons", type=int, required=True)
    parser.add_argument("--loans", action="store_true")
    parser.add_argument("--overdue", type=int, default=0)
    args = parser.parse_args()

    engine = get_engine()
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        branch_id = conn.execute(select(Branch.id).where(Branch.is_default.is_(True))).scalar_one()
        media_id = conn.execute(select(MediaType.id).where(MediaType.code == "book")).scalar_one()
        category_id = conn.execute(
            select(PatronCategory.id).where(PatronCategory.is_default.is_(True))
        ).scalar_one()

        # One work per 10 items (copies of the same title), like a small library's shelves.
        works = (args.items + 9) // 10
        conn.execute(
            insert(Work),
            [
                {
                    "title": f"Benchmark title {w:06d}",
                    "media_type_id": media_id,
                    "extra_metadata": {},
                    "external_ids": {},
                    "search_text": f"benchmark title {w:06d}",
                    "sort_title": f"benchmark title {w:06d}",
                }
                for w in range(1, works + 1)
            ],
        )
        first_work = conn.execute(select(Work.id).order_by(Work.id)).scalars().first()

        status = "checked_out" if args.loans else "available"
        conn.execute(
            insert(Item),
            [
                {
                    "work_id": first_work + (i - 1) // 10,
                    "branch_id": branch_id,
                    "barcode": f"B-{i:07d}",
                    "accession_number": f"A-{i:07d}",
                    "status": status,
                    "is_loanable": True,
                }
                for i in range(1, args.items + 1)
            ],
        )
        conn.execute(
            insert(Patron),
            [
                {
                    "library_card_number": f"C-{p:06d}",
                    "full_name": f"Patron {p:06d}",
                    "contact_email": f"patron{p:06d}@example.invalid",
                    "category_id": category_id,
                    "is_active": True,
                    "receive_notifications": True,
                }
                for p in range(1, args.patrons + 1)
            ],
        )
        if args.loans:
            item_ids = conn.execute(select(Item.id).order_by(Item.id)).scalars().all()
            patron_ids = conn.execute(select(Patron.id).order_by(Patron.id)).scalars().all()
            step = len(item_ids) / args.overdue if args.overdue else 0
            overdue_at = {int(k * step) for k in range(args.overdue)}
            rows = []
            for index, item_id in enumerate(item_ids):
                late = index in overdue_at
                rows.append(
                    {
                        "item_id": item_id,
                        "patron_id": patron_ids[index % len(patron_ids)],
                        "branch_id": branch_id,
                        "checked_out_at": now - timedelta(days=24) if late else now,
                        "due_at": now - timedelta(days=10) if late else now + timedelta(days=14),
                        "renewal_count": 0,
                    }
                )
            for start in range(0, len(rows), 20_000):
                conn.execute(insert(Loan), rows[start : start + 20_000])
    return 0


if __name__ == "__main__":
    sys.exit(main())

import GRDB

/// The schema of holds, transfers and recalls (migration `v6-holds-transfers`).
enum HoldsSchema {
    /// Reservations gain the states of a hold (`held`, `expired`) and the facts of one: the unit kept, the
    /// last day to collect it (a local date of the pickup centre), why the family was passed over, why it
    /// was closed, and the loan that fulfilled it. The table is rebuilt because SQLite cannot change a
    /// CHECK constraint. A family has at most one open (waiting or held) reservation per item type, and a
    /// unit is kept for at most one reservation.
    ///
    /// Units gain who sent them and when, and the reservation they travel for. Item types gain the
    /// instant of their recall. `circulation_notice` queues the journal notices of holds and recalls
    /// (hold ready, hold expired, recalled item on loan) until the daemon has sent them.
    static func v6(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE reservation_v6 (
                id INTEGER PRIMARY KEY,
                family_id INTEGER NOT NULL REFERENCES family(id),
                item_type_id INTEGER NOT NULL REFERENCES item_type(id),
                centre_id INTEGER NOT NULL REFERENCES centre(id),
                placed_at INTEGER NOT NULL,
                state TEXT NOT NULL DEFAULT 'waiting'
                    CHECK (state IN ('waiting', 'held', 'fulfilled', 'expired', 'cancelled')),
                closed_at INTEGER,
                held_unit_id INTEGER REFERENCES unit(id),
                held_at INTEGER,
                pickup_by TEXT CHECK (pickup_by GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                skip_reason TEXT CHECK (length(skip_reason) <= 60),
                close_reason TEXT CHECK (length(close_reason) <= 60),
                loan_id INTEGER REFERENCES loan(id),
                CHECK (state <> 'held' OR (held_unit_id IS NOT NULL AND pickup_by IS NOT NULL AND held_at IS NOT NULL)),
                CHECK (state <> 'waiting' OR held_unit_id IS NULL),
                CHECK ((state IN ('waiting', 'held')) = (closed_at IS NULL))
            );
            INSERT INTO reservation_v6 (id, family_id, item_type_id, centre_id, placed_at, state, closed_at)
                SELECT id, family_id, item_type_id, centre_id, placed_at, state,
                       CASE WHEN state = 'waiting' THEN NULL ELSE IFNULL(closed_at, placed_at) END
                FROM reservation;
            DROP TABLE reservation;
            ALTER TABLE reservation_v6 RENAME TO reservation;
            CREATE UNIQUE INDEX reservation_one_open
                ON reservation(family_id, item_type_id) WHERE state IN ('waiting', 'held');
            CREATE INDEX reservation_queue ON reservation(centre_id, item_type_id, id) WHERE state = 'waiting';
            CREATE UNIQUE INDEX reservation_held_unit ON reservation(held_unit_id) WHERE state = 'held';
            CREATE INDEX reservation_held_by_pickup ON reservation(pickup_by, id) WHERE state = 'held';
            CREATE INDEX reservation_by_family ON reservation(family_id, state);

            ALTER TABLE unit ADD COLUMN sent_by TEXT CHECK (length(sent_by) <= 200);
            ALTER TABLE unit ADD COLUMN sent_at INTEGER;
            ALTER TABLE unit ADD COLUMN transfer_reservation_id INTEGER REFERENCES reservation(id);
            CREATE INDEX unit_in_transit ON unit(transit_to_centre_id) WHERE status = 'in_transit';

            ALTER TABLE item_type ADD COLUMN recalled_at INTEGER;
            UPDATE item_type SET recalled_at = 0 WHERE recalled = 1;

            CREATE TABLE circulation_notice (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('hold-ready', 'hold-expired', 'recall')),
                reservation_id INTEGER REFERENCES reservation(id),
                loan_id INTEGER REFERENCES loan(id),
                at INTEGER NOT NULL,
                sent_at INTEGER,
                CHECK ((kind = 'recall') = (loan_id IS NOT NULL)),
                CHECK ((kind = 'recall') = (reservation_id IS NULL))
            );
            CREATE INDEX circulation_notice_pending ON circulation_notice(id) WHERE sent_at IS NULL;
            """)
    }
}

import GRDB

/// The schema, as named migrations. A migration once released never changes: add a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial", migrate: v1)
        migrator.registerMigration("v2-checkout-request-key", migrate: v2)
        migrator.registerMigration("v3-notices", migrate: v3)
        migrator.registerMigration("v4-audit-hash-chain", migrate: v4)
        migrator.registerMigration("v5-open-loans-by-id", migrate: v5)
        migrator.registerMigration("v6-holds-transfers", migrate: HoldsSchema.v6)
        migrator.registerMigration("v7-privacy", migrate: v7Privacy)
        migrator.registerMigration("v8-loans-by-unit", migrate: v8LoansByUnit)
        migrator.registerMigration("v9-audit-renewals", migrate: v9AuditRenewals)
        migrator.registerMigration("v10-open-loan-listing", migrate: v10OpenLoanListing)
        return migrator
    }

    /// Dates are `YYYY-MM-DD` text (checked by GLOB), instants are integer milliseconds since 1970 UTC.
    private static func v1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE centre (
                id INTEGER PRIMARY KEY,
                code TEXT NOT NULL UNIQUE
                    CHECK (length(code) BETWEEN 1 AND 40 AND code NOT GLOB '*[^a-z0-9-]*'),
                name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                region TEXT NOT NULL CHECK (length(region) <= 200),
                time_zone TEXT NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
                open_days INTEGER NOT NULL CHECK (open_days BETWEEN 0 AND 127)
            );

            CREATE TABLE closure (
                id INTEGER PRIMARY KEY,
                centre_id INTEGER NOT NULL REFERENCES centre(id) ON DELETE CASCADE,
                first_day TEXT NOT NULL CHECK (first_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                last_day TEXT NOT NULL CHECK (last_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                kind TEXT NOT NULL CHECK (kind IN ('holiday', 'emergency', 'other')),
                note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 500),
                CHECK (first_day <= last_day)
            );
            CREATE INDEX closure_by_centre ON closure(centre_id, first_day);

            CREATE TABLE item_type (
                id INTEGER PRIMARY KEY,
                code TEXT NOT NULL UNIQUE
                    CHECK (length(code) BETWEEN 1 AND 40 AND code NOT GLOB '*[^a-z0-9-]*'),
                name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                category TEXT NOT NULL CHECK (category IN ('appliance', 'infant', 'furniture', 'other')),
                sanitise_after_return INTEGER NOT NULL CHECK (sanitise_after_return IN (0, 1)),
                safety_check_days INTEGER CHECK (safety_check_days > 0),
                infant_age_limit_months INTEGER CHECK (infant_age_limit_months > 0),
                recalled INTEGER NOT NULL DEFAULT 0 CHECK (recalled IN (0, 1)),
                recall_note TEXT CHECK (length(recall_note) <= 500)
            );

            CREATE TABLE unit (
                id INTEGER PRIMARY KEY,
                inventory_number TEXT NOT NULL UNIQUE CHECK (length(inventory_number) BETWEEN 1 AND 40),
                item_type_id INTEGER NOT NULL REFERENCES item_type(id),
                home_centre_id INTEGER NOT NULL REFERENCES centre(id),
                current_centre_id INTEGER NOT NULL REFERENCES centre(id),
                transit_to_centre_id INTEGER REFERENCES centre(id),
                status TEXT NOT NULL CHECK (status IN
                    ('available', 'on_loan', 'held', 'in_transit', 'sanitising', 'in_repair', 'lost', 'retired')),
                condition TEXT NOT NULL CHECK (condition IN ('new', 'good', 'fair', 'damaged')),
                acquired_on TEXT CHECK (acquired_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                cost_minor INTEGER CHECK (cost_minor >= 0),
                funding_source TEXT CHECK (length(funding_source) <= 200),
                last_safety_check TEXT CHECK (last_safety_check GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                note TEXT CHECK (length(note) <= 500),
                CHECK ((status = 'in_transit') = (transit_to_centre_id IS NOT NULL))
            );
            -- Stock per centre, and "is there a free cot at centre X".
            CREATE INDEX unit_stock ON unit(current_centre_id, item_type_id, status);
            CREATE INDEX unit_availability ON unit(item_type_id, status, current_centre_id);

            CREATE TABLE family (
                id INTEGER PRIMARY KEY,
                reference TEXT NOT NULL UNIQUE CHECK (length(reference) BETWEEN 1 AND 40),
                contact_surname TEXT NOT NULL CHECK (length(contact_surname) BETWEEN 1 AND 100),
                contact_given_names TEXT NOT NULL CHECK (length(contact_given_names) <= 200),
                -- Lower-cased surname with ё folded to е: SQLite's LIKE folds ASCII only.
                surname_folded TEXT NOT NULL,
                phone TEXT NOT NULL CHECK (length(phone) <= 40),
                phone_digits TEXT NOT NULL,
                address TEXT NOT NULL CHECK (length(address) <= 500),
                low_income_until TEXT NOT NULL
                    CHECK (low_income_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                social_contract TEXT CHECK (length(social_contract) <= 60),
                consent_on TEXT CHECK (consent_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                status TEXT NOT NULL CHECK (status IN ('active', 'suspended'))
            );
            CREATE INDEX family_by_surname ON family(surname_folded);
            CREATE INDEX family_by_phone ON family(phone_digits);

            CREATE TABLE child (
                id INTEGER PRIMARY KEY,
                family_id INTEGER NOT NULL REFERENCES family(id) ON DELETE CASCADE,
                birth_date TEXT NOT NULL CHECK (birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                expected INTEGER NOT NULL CHECK (expected IN (0, 1))
            );
            CREATE INDEX child_by_family ON child(family_id);

            CREATE TABLE loan_rule (
                id INTEGER PRIMARY KEY,
                centre_id INTEGER REFERENCES centre(id) ON DELETE CASCADE,
                category TEXT CHECK (category IN ('appliance', 'infant', 'furniture', 'other')),
                item_type_id INTEGER REFERENCES item_type(id) ON DELETE CASCADE,
                period_count INTEGER NOT NULL CHECK (period_count BETWEEN 1 AND 3660),
                period_unit TEXT NOT NULL CHECK (period_unit IN ('days', 'months')),
                renewals_allowed INTEGER NOT NULL CHECK (renewals_allowed BETWEEN 0 AND 100),
                renewal_count INTEGER NOT NULL CHECK (renewal_count BETWEEN 1 AND 3660),
                renewal_unit TEXT NOT NULL CHECK (renewal_unit IN ('days', 'months')),
                max_open_loans INTEGER CHECK (max_open_loans >= 0),
                max_open_loans_in_category INTEGER CHECK (max_open_loans_in_category >= 0),
                infant_age_limit_months INTEGER CHECK (infant_age_limit_months > 0),
                count_open_days_only INTEGER NOT NULL CHECK (count_open_days_only IN (0, 1)),
                CHECK (category IS NULL OR item_type_id IS NULL)
            );
            -- One rule per scope (NULL means "all", so compare through IFNULL).
            CREATE UNIQUE INDEX loan_rule_scope
                ON loan_rule(IFNULL(centre_id, 0), IFNULL(category, ''), IFNULL(item_type_id, 0));

            CREATE TABLE loan (
                id INTEGER PRIMARY KEY,
                unit_id INTEGER NOT NULL REFERENCES unit(id),
                family_id INTEGER NOT NULL REFERENCES family(id),
                centre_id INTEGER NOT NULL REFERENCES centre(id),
                issued_by TEXT NOT NULL,
                issued_at INTEGER NOT NULL,
                issued_on TEXT NOT NULL CHECK (issued_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                backdated INTEGER NOT NULL DEFAULT 0 CHECK (backdated IN (0, 1)),
                due_date TEXT NOT NULL CHECK (due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                renewals INTEGER NOT NULL DEFAULT 0 CHECK (renewals >= 0),
                state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'returned', 'lost')),
                closed_at INTEGER,
                closed_by TEXT,
                returned_to_centre_id INTEGER REFERENCES centre(id),
                return_condition TEXT CHECK (return_condition IN ('new', 'good', 'fair', 'damaged')),
                return_note TEXT CHECK (length(return_note) <= 500),
                CHECK (due_date >= issued_on),
                CHECK ((state = 'open') = (closed_at IS NULL)),
                CHECK (state = 'returned' OR returned_to_centre_id IS NULL)
            );
            -- A unit is on at most one open loan.
            CREATE UNIQUE INDEX loan_one_open_per_unit ON loan(unit_id) WHERE state = 'open';
            -- The overdue scan: open loans only, covering (SQLite 3.40 needs `state` in the index to skip the table).
            CREATE INDEX loan_open_by_due ON loan(centre_id, due_date, unit_id, family_id, state)
                WHERE state = 'open';
            CREATE INDEX loan_open_by_family ON loan(family_id) WHERE state = 'open';
            CREATE INDEX loan_by_family ON loan(family_id, id);

            CREATE TABLE reservation (
                id INTEGER PRIMARY KEY,
                family_id INTEGER NOT NULL REFERENCES family(id),
                item_type_id INTEGER NOT NULL REFERENCES item_type(id),
                centre_id INTEGER NOT NULL REFERENCES centre(id),
                placed_at INTEGER NOT NULL,
                state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'fulfilled', 'cancelled')),
                closed_at INTEGER
            );
            CREATE UNIQUE INDEX reservation_one_waiting
                ON reservation(family_id, item_type_id, centre_id) WHERE state = 'waiting';
            CREATE INDEX reservation_queue ON reservation(centre_id, item_type_id, id) WHERE state = 'waiting';

            CREATE TABLE audit_event (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                entity TEXT NOT NULL,
                entity_key TEXT NOT NULL,
                details TEXT NOT NULL DEFAULT '{}'
            );
            CREATE INDEX audit_by_entity ON audit_event(entity, entity_key);
            CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
                BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
            CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
                BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
            """)
    }

    /// A client-chosen key per checkout (HTTP `Idempotency-Key`), unique per issuing user, recorded in the
    /// same transaction as the loan so that a retried checkout finds the first one.
    private static func v2(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE loan ADD COLUMN request_key TEXT CHECK (length(request_key) BETWEEN 1 AND 200);
            CREATE UNIQUE INDEX loan_request_key ON loan(issued_by, request_key) WHERE request_key IS NOT NULL;
            """)
    }

    /// Reminders sent about loans: one row per loan, due date and stage, so that a stage is never sent
    /// twice for the same due date (a renewal starts a new cycle). `sent = 0` marks a stage skipped
    /// because a later one was reached first.
    private static func v3(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE notice (
                id INTEGER PRIMARY KEY,
                loan_id INTEGER NOT NULL REFERENCES loan(id),
                due_date TEXT NOT NULL CHECK (due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                stage TEXT NOT NULL CHECK (stage IN ('due-soon', 'overdue', 'escalated', 'final')),
                days_overdue INTEGER NOT NULL,
                sent INTEGER NOT NULL CHECK (sent IN (0, 1)),
                at INTEGER NOT NULL,
                UNIQUE (loan_id, due_date, stage)
            );
            CREATE INDEX notice_sent ON notice(id) WHERE sent = 1;
            """)
    }

    /// Each audit event carries the SHA-256 of the previous event's hash and its own content, so that a
    /// change or deletion made behind the store's back breaks the chain (`RentalStore.verifyAudit`).
    /// Existing events are chained in order.
    private static func v4(_ db: Database) throws {
        try db.execute(sql: """
            DROP TRIGGER audit_event_no_update;
            ALTER TABLE audit_event ADD COLUMN hash TEXT;
            """)
        var previous = ""
        for row in try Row.fetchAll(db, sql: "SELECT * FROM audit_event ORDER BY seq") {
            previous = AuditChain.hash(previous: previous, row: row)
            try db.execute(sql: "UPDATE audit_event SET hash = ? WHERE seq = ?", arguments: [previous, row["seq"] as Int64])
        }
        try db.execute(sql: """
            CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
                BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
            """)
    }

    /// Open loans in id order, covering the columns the overdue listing filters on: each page of
    /// `GET /v1/loans?overdue=true` reads only the index entries after its cursor instead of collecting
    /// every overdue loan again.
    private static func v5(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX loan_open_by_id ON loan(id, centre_id, due_date, state) WHERE state = 'open'")
    }

    /// Personal data over its life: the day a family was anonymised (retention or erasure on request).
    ///
    /// The audit trail needs no change: its events (and so the hash chain) carry family references,
    /// inventory numbers, centre codes, dates and the staff's user names, never a family's name, phone or
    /// address, so anonymising a family leaves every hash valid.
    private static func v7Privacy(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE family ADD COLUMN anonymised_on TEXT
                CHECK (anonymised_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
            """)
    }

    /// Every loan of a unit, for the reports: whether a unit was ever lent, and when a unit lost with a
    /// loan left service (without it each is a scan of all loans).
    private static func v8LoansByUnit(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX loan_by_unit ON loan(unit_id, state, closed_at)")
    }

    /// The renewals in the audit trail, which reports count (a loan keeps only its count): without it each
    /// report reads the whole trail, which only grows. Partial, so that other events do not pay for it.
    private static func v9AuditRenewals(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX audit_renewals ON audit_event(at) WHERE action = 'loan.renew'")
    }

    /// Open loans in id order holding every column of the loan a listing shows, in place of v5's
    /// `loan_open_by_id`: a page of `GET /v1/loans?overdue=true` reads its loans from the index and never
    /// looks each one up in the loan table (a fifth of the listing's SQL on a store with one
    /// open loan in twenty overdue, and a third with one in two). The index takes about 70 bytes per open
    /// loan, twice v5's (6.8 MB for 100,000 open loans).
    private static func v10OpenLoanListing(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX loan_open_listing ON loan(id, centre_id, due_date, state, unit_id, family_id, issued_by,
                issued_at, issued_on, backdated, renewals, closed_at, closed_by, returned_to_centre_id,
                return_condition, return_note) WHERE state = 'open';
            DROP INDEX loan_open_by_id;
            """)
    }
}

import Foundation
import GRDB

extension RentalStore {
    /// Finds loans that reached a notice stage (due soon, overdue, escalated, final) in their centre's
    /// zone, hands each notice to `deliver`, and records it in the same transaction that decided it, so
    /// that restarts and repeated scans never send a stage twice for the same due date. A notice is
    /// recorded only when `deliver` returns true; the next scan retries the others. When a loan reached
    /// a later stage before any earlier one was sent (the daemon was down), only the latest is sent and
    /// the earlier ones are recorded as superseded.
    ///
    /// - Parameters:
    ///   - centre: Only this centre's loans (nil: every centre).
    ///   - schedule: When the stages are reached.
    ///   - batchSize: Loans per transaction.
    ///   - deliver: Sends one notice (to the journal); false when it could not.
    ///   - pause: Awaited after each batch with the number delivered in it (to pace the sending).
    public func scanNotices(centre: String? = nil, schedule: NoticeSchedule = NoticeSchedule(), batchSize: Int = 200,
                            deliver: @escaping @Sendable (Notice) -> Bool,
                            pause: @Sendable (Int) async -> Void = { _ in }) async throws(RentalError) -> NoticeScanSummary {
        let now = clock.now()
        let (candidates, context) = try await read { db in try NoticeContext.load(db, centre: centre, schedule: schedule, now: now) }
        var summary = NoticeScanSummary()
        var start = 0
        while start < candidates.count {
            let batch = Array(candidates[start..<min(start + batchSize, candidates.count)])
            start += batch.count
            let part = try await writeAlone { db in try self.noticeBatch(db, batch, context: context, schedule: schedule, deliver: deliver) }
            for (centre, stages) in part.sent {
                for (stage, count) in stages { summary.sent[centre, default: [:]][stage, default: 0] += count }
            }
            summary.failed += part.failed
            summary.superseded += part.superseded
            await pause(part.total)
        }
        return summary
    }

    /// Notices sent, oldest first, after id `since`, optionally for one centre.
    public func notices(centre: String? = nil, since: Int64 = 0, limit: Int = 100) async throws(RentalError) -> [Notice] {
        let limit = try Validate.range(limit, 1...1000, field: "limit")
        return try await read { db in
            var sql = """
                SELECT n.id, n.stage, n.loan_id, n.due_date, n.days_overdue, n.at, c.code AS centre, c.name AS centre_name,
                       u.inventory_number, t.code AS type_code, t.name AS type_name, f.reference
                FROM notice n JOIN loan l ON l.id = n.loan_id JOIN centre c ON c.id = l.centre_id
                JOIN unit u ON u.id = l.unit_id JOIN item_type t ON t.id = u.item_type_id JOIN family f ON f.id = l.family_id
                WHERE n.sent = 1 AND n.id > ?
                """
            var arguments: StatementArguments = [since]
            if let centre {
                sql += " AND l.centre_id = ?"
                arguments += [try Lookup.centreID(db, centre)]
            }
            sql += " ORDER BY n.id LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                Notice(id: row["id"], stage: NoticeStage(rawValue: row["stage"]) ?? .overdue, loan: row["loan_id"],
                       centre: row["centre"], centreName: row["centre_name"], unit: row["inventory_number"],
                       itemType: row["type_code"], itemTypeName: row["type_name"], family: row["reference"],
                       dueDate: Lookup.date(row["due_date"]), daysOverdue: row["days_overdue"],
                       sentAt: RentalStore.date(millis: row["at"]))
            }
        }
    }

    private func noticeBatch(_ db: Database, _ loanIDs: [Int64], context: NoticeContext, schedule: NoticeSchedule,
                             deliver: @Sendable (Notice) -> Bool) throws -> NoticeScanSummary {
        var summary = NoticeScanSummary()
        for loanID in loanIDs {
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT l.due_date, l.centre_id, u.inventory_number, t.code AS type_code, t.name AS type_name,
                       t.category, f.reference
                FROM loan l JOIN unit u ON u.id = l.unit_id JOIN item_type t ON t.id = u.item_type_id
                JOIN family f ON f.id = l.family_id
                WHERE l.id = ? AND l.state = 'open'
                """), arguments: [loanID]), let centre = context.centres[row["centre_id"]] else { continue }
            let due = Lookup.date(row["due_date"])
            let typeCode: String = row["type_code"]
            let category = Category(rawValue: row["category"]) ?? .other
            let rule = LoanRule.mostSpecific(of: context.rules, centre: centre.value.code, itemType: typeCode, category: category)
            let today = centre.today
            var days = due.days(until: today)
            if days > 0, rule?.countOpenDaysOnly == true {
                days = centre.value.calendar.openDays(after: due, through: today)
            }
            guard let stage = schedule.stage(daysOverdue: days) else { continue }
            let recorded = Set(try String.fetchAll(db.cachedStatement(sql: "SELECT stage FROM notice WHERE loan_id = ? AND due_date = ?"),
                                                   arguments: [loanID, due.description]).compactMap(NoticeStage.init(rawValue:)))
            guard !recorded.contains(stage), !recorded.contains(where: { $0 > stage }) else { continue }
            let notice = Notice(id: 0, stage: stage, loan: loanID, centre: centre.value.code, centreName: centre.value.name,
                                unit: row["inventory_number"], itemType: typeCode, itemTypeName: row["type_name"],
                                family: row["reference"], dueDate: due, daysOverdue: days, sentAt: clock.now())
            guard deliver(notice) else {
                summary.failed += 1
                continue
            }
            let at = nowMillis
            for earlier in schedule.stages(through: stage) where !recorded.contains(earlier) {
                try db.cachedStatement(sql: """
                    INSERT INTO notice (loan_id, due_date, stage, days_overdue, sent, at) VALUES (?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [loanID, due.description, earlier.rawValue, days, earlier == stage, at])
                if earlier != stage { summary.superseded += 1 }
            }
            summary.sent[centre.value.code, default: [:]][stage.rawValue, default: 0] += 1
        }
        return summary
    }
}

/// What a scan needs once: centres with their "today", rules, and the loans to look at.
struct NoticeContext: Sendable {
    struct CentreDay: Sendable {
        var value: Centre
        var today: LocalDate
    }

    var centres: [Int64: CentreDay]
    var rules: [LoanRule]

    /// Open loans due on or before the last day a stage can be reached (today + the due-soon lead), per
    /// centre, from the covering partial index.
    static func load(_ db: Database, centre: String?, schedule: NoticeSchedule, now: Date) throws -> ([Int64], NoticeContext) {
        var centres: [Int64: CentreDay] = [:]
        let closures = try Lookup.closuresByCentre(db)
        for (id, value) in try db.all(Lookup.centreSelect + " ORDER BY id", read: { row in
            (try row[0] as Int64, try Lookup.centre(row, closures: closures[row[0]] ?? []))
        }) {
            guard centre == nil || value.code == centre else { continue }
            centres[id] = CentreDay(value: value, today: LocalDate(now, in: Lookup.zone(value)))
        }
        if let centre, centres.isEmpty { throw RentalError(.centreNotFound, "no centre with code \(centre)") }
        var loans: [Int64] = []
        for (id, centre) in centres.sorted(by: { $0.key < $1.key }) {
            let last = centre.today.adding(days: max(0, schedule.dueSoonDays))
            loans += try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT id FROM loan WHERE state = 'open' AND centre_id = ? AND due_date <= ? ORDER BY due_date, id
                """), arguments: [id, last.description])
        }
        return (loans, NoticeContext(centres: centres, rules: try RentalStore.allRules(db)))
    }
}

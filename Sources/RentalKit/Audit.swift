import Foundation
import GRDB

extension RentalStore {
    /// Appends an audit event inside the caller's transaction.
    func audit(_ db: Database, _ who: Principal, _ action: String, _ entity: String, _ key: String,
               _ details: [String: String] = [:]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(details), as: UTF8.self)
        try db.execute(
            sql: "INSERT INTO audit_event (at, actor, action, entity, entity_key, details) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [nowMillis, who.name, action, entity, key, json])
    }

    /// Audit events after sequence number `since`, oldest first, optionally for one entity kind
    /// (and key).
    /// - Parameters:
    ///   - since: Return events with a larger sequence number (0 for the start).
    ///   - entity: Only this entity kind (`loan`, `unit`, `family`, …).
    ///   - key: Only this entity key (with `entity`).
    ///   - limit: At most this many, 1…1000.
    public func auditEvents(since: Int64 = 0, entity: String? = nil, key: String? = nil,
                            limit: Int = 100) async throws(RentalError) -> [AuditEvent] {
        let limit = try Validate.range(limit, 1...1000, field: "limit")
        return try await read { db in
            var sql = "SELECT * FROM audit_event WHERE seq > ?"
            var arguments: StatementArguments = [since]
            if let entity {
                sql += " AND entity = ?"
                arguments += [entity]
                if let key {
                    sql += " AND entity_key = ?"
                    arguments += [key]
                }
            }
            sql += " ORDER BY seq LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let details = (try? JSONDecoder().decode([String: String].self, from: Data((row["details"] as String).utf8))) ?? [:]
                return AuditEvent(sequence: row["seq"], at: RentalStore.date(millis: row["at"]), actor: row["actor"],
                                  action: row["action"], entity: row["entity"], entityKey: row["entity_key"],
                                  details: details)
            }
        }
    }
}

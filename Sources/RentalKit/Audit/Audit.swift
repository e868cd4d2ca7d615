import Crypto
import Foundation
import GRDB

extension RentalStore {
    /// Appends an audit event, chained to the previous one, inside the caller's transaction.
    func audit(_ db: Database, _ who: Principal, _ action: String, _ entity: String, _ key: String,
               _ details: [String: String] = [:]) throws {
        // What JSONEncoder with .sortedKeys writes (the trail's format since the first schema), by hand.
        let json = String(decoding: JSONBytes.object(details, escapingSlashes: true), as: UTF8.self)
        let last = try db.first("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1") { row in
            (seq: try row[0] as Int64, hash: try row[1] as String?)
        }
        let seq = (last?.seq ?? 0) + 1
        let at = nowMillis
        let hash = AuditChain.hash(previous: last?.hash ?? "", seq: seq, at: at, actor: who.name, action: action,
                                   entity: entity, key: key, details: json)
        try db.run("INSERT INTO audit_event (seq, at, actor, action, entity, entity_key, details, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   seq, at, who.name, action, entity, key, json, hash)
    }

    /// Recomputes the audit trail's hash chain and reports the first event that does not match (changed,
    /// inserted out of order, or following a deleted one).
    public func verifyAudit() async throws(RentalError) -> AuditVerification {
        try await readWholeStore { db in
            var previous = ""
            var expectedSeq: Int64 = 1
            var checked = 0
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT seq, at, actor, action, entity, entity_key, details, hash FROM audit_event ORDER BY seq")
            while let row = try cursor.next() {
                let seq: Int64 = row["seq"]
                let stored: String? = row["hash"]
                let computed = AuditChain.hash(previous: previous, row: row)
                if seq != expectedSeq {
                    return AuditVerification(checked: checked, firstBroken: seq, problem: "event \(expectedSeq) is missing")
                }
                if stored != computed {
                    return AuditVerification(checked: checked, firstBroken: seq, problem: "event \(seq) does not match its hash")
                }
                previous = computed
                expectedSeq = seq + 1
                checked += 1
            }
            return AuditVerification(checked: checked, firstBroken: nil, problem: nil)
        }
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

/// The audit trail's hash chain: SHA-256 (swift-crypto) over the previous hash and the event's fields, as
/// 64 lower-case hex digits.
enum AuditChain {
    static func hash(previous: String, seq: Int64, at: Int64, actor: String, action: String, entity: String, key: String,
                     details: String) -> String {
        sha256Hex([previous, "\(seq)", "\(at)", actor, action, entity, key, details].joined(separator: "\u{1F}").utf8)
    }

    /// The SHA-256 digest of `message` as lower-case hex digits.
    static func sha256Hex(_ message: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(message)) {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hash(previous: String, row: Row) -> String {
        hash(previous: previous, seq: row["seq"], at: row["at"], actor: row["actor"], action: row["action"],
             entity: row["entity"], key: row["entity_key"], details: row["details"])
    }
}

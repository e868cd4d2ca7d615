#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One recorded change. Audit events are append-only: the schema refuses updates and deletes.
public struct AuditEvent: Sendable, Hashable, Codable {
    /// Sequence number, increasing.
    public var sequence: Int64
    /// When.
    public var at: Date
    /// Who (the principal's name).
    public var actor: String
    /// What, e.g. `loan.checkout`, `unit.return`, `family.update`.
    public var action: String
    /// The kind of entity: `centre`, `item_type`, `unit`, `family`, `rule`, `loan`, `reservation`.
    public var entity: String
    /// The entity's key: a code, inventory number, reference or id.
    public var entityKey: String
    /// Details as key → value; never personal data (changed family fields are named, not shown).
    public var details: [String: String]

    /// Creates a value.
    public init(sequence: Int64, at: Date, actor: String, action: String, entity: String, entityKey: String, details: [String: String]) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entityKey = entityKey
        self.details = details
    }
}

/// The result of checking the audit trail's hash chain.
public struct AuditVerification: Sendable, Hashable, Codable {
    /// Events checked and found intact, from the first.
    public var checked: Int
    /// The sequence number of the first event that breaks the chain, or nil when all are intact.
    public var firstBroken: Int64?
    /// What is wrong there.
    public var problem: String?

    /// Creates a value.
    public init(checked: Int, firstBroken: Int64?, problem: String?) {
        self.checked = checked
        self.firstBroken = firstBroken
        self.problem = problem
    }
}

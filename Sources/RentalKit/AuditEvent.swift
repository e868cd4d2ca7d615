import Foundation

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
}

/// Who performs an operation: the name written to the audit trail and the role that decides what
/// is allowed. The daemon builds one from the Unix peer credentials of each connection; a service that
/// links RentalKit builds its own.
public struct Principal: Sendable, Hashable {
    /// What a principal may do.
    public enum Role: Sendable, Hashable {
        /// Everything, including catalogue, centres, rules and backdated checkouts.
        case admin
        /// Circulation (checkout, renew, return, lost, units, reservations) at the listed centre
        /// codes; families everywhere; reading everything.
        case staff(centres: Set<String>)
        /// Reading only.
        case readOnly
    }

    /// The name recorded in audit events (for the daemon: the Unix user name).
    public let name: String
    /// The role.
    public let role: Role

    /// Creates a principal.
    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }

    /// An administrator named `name`.
    public static func admin(_ name: String) -> Principal { Principal(name: name, role: .admin) }

    /// Whether this principal may change circulation data at a centre.
    public func mayCirculate(at centre: String) -> Bool {
        switch role {
        case .admin: true
        case .staff(let centres): centres.contains(centre)
        case .readOnly: false
        }
    }

    /// Whether this principal may change data that belongs to no single centre (families).
    public var mayWrite: Bool {
        if case .readOnly = role { return false }
        return true
    }

    /// Whether this principal is an administrator.
    public var isAdmin: Bool { role == .admin }

    package func requireAdmin(_ operation: String) throws(RentalError) {
        guard isAdmin else { throw RentalError(.forbidden, "\(operation) needs the admin role") }
    }

    package func requireCirculation(at centre: String, _ operation: String) throws(RentalError) {
        guard mayCirculate(at: centre) else {
            throw RentalError(.forbidden, "\(operation) at centre \(centre) needs admin or staff of that centre")
        }
    }

    package func requireWrite(_ operation: String) throws(RentalError) {
        guard mayWrite else { throw RentalError(.forbidden, "\(operation) needs a staff or admin role") }
    }
}

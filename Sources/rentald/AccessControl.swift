import Glibc
import RentalKit
import Synchronization

/// Maps a connection's peer to a ``Principal`` with the `[access]` rules in force; reloadable.
final class AccessControl: Sendable {
    private let rules: Mutex<AccessRules>
    private let daemonUID = geteuid()

    init(_ rules: AccessRules) {
        self.rules = Mutex(rules)
    }

    /// Replaces the rules (on reload).
    func replace(_ new: AccessRules) {
        rules.withLock { $0 = new }
    }

    /// The principal for a peer: root and the daemon's own user are admin; others as the rules say;
    /// nil when the peer has no role.
    func principal(for peer: PeerIdentity) -> Principal? {
        if peer.uid == 0 || peer.uid == daemonUID { return Principal(name: peer.userName, role: .admin) }
        return rules.withLock { $0.role(user: peer.userName, groups: peer.groups) }.map { Principal(name: peer.userName, role: $0) }
    }
}

extension Principal.Role {
    /// `admin`, `staff` or `read-only`.
    var label: String {
        switch self {
        case .admin: "admin"
        case .staff: "staff"
        case .readOnly: "read-only"
        }
    }
}

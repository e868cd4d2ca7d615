import Glibc

/// Who is at the other end of a Unix socket connection: `SO_PEERCRED`, resolved to names.
struct PeerIdentity: Sendable, Hashable {
    /// The peer's user id.
    var uid: UInt32
    /// The peer's primary group id.
    var gid: UInt32
    /// The peer's process id.
    var pid: Int32
    /// The user name (`uid:N` when the user has no passwd entry).
    var userName: String
    /// Names of the primary group and of the user's supplementary groups.
    var groups: Set<String>

    /// Resolves names for a credential.
    init(uid: UInt32, gid: UInt32, pid: Int32) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        let name = Self.userName(uid)
        userName = name ?? "uid:\(uid)"
        groups = Self.groupNames(user: name, primary: gid)
    }

    private static func userName(_ uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else {
            return nil
        }
        return String(cString: name)
    }

    private static func groupNames(user: String?, primary: UInt32) -> Set<String> {
        var ids: [gid_t] = [primary]
        if let user {
            var count: Int32 = 64
            var list = [gid_t](repeating: 0, count: Int(count))
            if getgrouplist(user, primary, &list, &count) == -1, count > 64 {
                list = [gid_t](repeating: 0, count: Int(count))
                _ = getgrouplist(user, primary, &list, &count)
            }
            ids += list.prefix(Int(max(0, count)))
        }
        var names: Set<String> = []
        for id in Set(ids) {
            var entry = group()
            var result: UnsafeMutablePointer<group>?
            var buffer = [CChar](repeating: 0, count: 8192)
            if getgrgid_r(id, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.gr_name {
                names.insert(String(cString: name))
            }
        }
        return names
    }
}

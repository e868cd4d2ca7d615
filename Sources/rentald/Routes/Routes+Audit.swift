import RentalKit
import RentalProtocol

extension Routes {
    static let audit: [Route] = [
        Route(.GET, "audit/verify", "verifyAudit", .read) { api, call in
            try call.json(try await api.store.verifyAudit())
        },
        Route(.GET, "audit", "listAuditEvents", .read) { api, call in
            let limit = try call.limit()
            let events = try await api.store.auditEvents(since: try call.query["since"].map { try call.id($0, field: "since") } ?? 0,
                                                         entity: call.query["entity"], key: call.query["key"], limit: limit)
            return try call.json(Page(items: events, next: events.count == limit ? events.last.map { "\($0.sequence)" } : nil))
        },
    ]
}

import RentalKit
import RentalProtocol

extension Routes {
    static let notices: [Route] = [
        Route(.GET, "notices", "listNotices", .read) { api, call in
            let limit = try call.limit()
            let sent = try await api.store.notices(centre: call.query["centre"],
                                                   since: try call.query["since"].map { try call.id($0, field: "since") } ?? 0, limit: limit)
            return try call.json(Page(items: sent, next: sent.count == limit ? sent.last.map { "\($0.id)" } : nil))
        },
        Route(.POST, "notices/scan", "scanNotices", .admin) { api, call in
            guard let summary = try await api.notices.scan(centre: call.query["centre"]) else {
                throw RentalError(.scanInProgress, "a notice scan is running; it was not started twice")
            }
            return try call.json(summary)
        },
    ]
}

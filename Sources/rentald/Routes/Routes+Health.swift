import Foundation
import RentalKit
import RentalProtocol

extension Routes {
    static let health: [Route] = [
        // Open to a caller with no role (monitoring, or a user to be told what to ask for), without the counts.
        Route(.GET, "health", "getHealth", .anyone) { api, call in
            let who = call.principal
            let summary = try await api.store.summary()  // the store answers: also for a caller with no role
            return try call.json(Health(status: "ok", version: api.version, apiVersion: RentalAPI.version,
                                        uptimeSeconds: Int(Date().timeIntervalSince(api.startedAt)), caller: who.name,
                                        role: call.hasNoRole ? "none" : who.role.label,
                                        summary: call.hasNoRole ? nil : summary))
        },
    ]
}

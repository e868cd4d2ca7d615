import Foundation
import RentalKit
import RentalProtocol

extension Routes {
    static let health: [Route] = [
        Route(.GET, "health", "getHealth", .read) { api, call in
            let who = call.principal
            return try call.json(Health(status: "ok", version: api.version, apiVersion: RentalAPI.version,
                                        uptimeSeconds: Int(Date().timeIntervalSince(api.startedAt)), caller: who.name,
                                        role: who.role.label, summary: try await api.store.summary()))
        },
    ]
}

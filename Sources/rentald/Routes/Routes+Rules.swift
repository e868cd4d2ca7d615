import RentalKit
import RentalProtocol

extension Routes {
    static let rules: [Route] = [
        Route(.GET, "rules", "listRules", .read) { api, call in
            try call.json(Page(items: try await api.store.rules()))
        },
        Route(.PUT, "rules", "setRule", .admin) { api, call in
            try call.json(try await api.store.setRule(try call.body(LoanRule.self), by: call.principal))
        },
        Route(.DELETE, "rules/:id", "removeRule", .admin, success: .noContent) { api, call in
            try await api.store.removeRule(id: try call.id(call["id"]), by: call.principal)
            return call.noContent()
        },
        Route(.GET, "rules/effective", "getEffectiveRule", .read) { api, call in
            try call.json(try await api.store.effectiveRule(centre: try call.required("centre"), itemType: try call.required("type")))
        },
    ]
}

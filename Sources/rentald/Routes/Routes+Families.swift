import RentalKit
import RentalProtocol

extension Routes {
    static let families: [Route] = [
        Route(.GET, "families", "findFamilies", .read) { api, call in
            guard let query = call.query["q"] else { throw RentalError(.invalidInput, "q: required (a reference, a phone or part of a surname)") }
            return try call.json(Page(items: try await api.store.findFamilies(query, limit: try call.limit(default: 50, max: 500))))
        },
        Route(.POST, "families", "registerFamily", .write, success: .created) { api, call in
            try call.json(try await api.store.registerFamily(try call.body(Family.self), by: call.principal))
        },
        Route(.GET, "families/:reference", "getFamily", .read) { api, call in
            try call.json(try await api.store.family(call["reference"]))
        },
        Route(.GET, "families/:reference/card", "getFamilyCard", .read) { api, call in
            try call.json(try await api.store.familyCard(call["reference"], at: try call.required("centre")))
        },
        Route(.PATCH, "families/:reference", "updateFamily", .write) { api, call in
            try call.json(try await api.store.updateFamily(call["reference"], try call.body(FamilyUpdate.self), by: call.principal))
        },
        Route(.POST, "families/:reference/status", "setFamilyStatus", .write) { api, call in
            try call.json(try await api.store.setFamilyStatus(try call.body(FamilyStatusRequest.self).status, family: call["reference"],
                                                              by: call.principal))
        },
    ]
}

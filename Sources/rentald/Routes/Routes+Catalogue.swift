import RentalKit
import RentalProtocol

extension Routes {
    static let catalogue: [Route] = [
        Route(.GET, "catalogue", "listItemTypes", .read) { api, call in
            try call.json(Page(items: try await api.store.itemTypes()))
        },
        Route(.POST, "catalogue", "addItemType", .admin, success: .created) { api, call in
            try call.json(try await api.store.addItemType(try call.body(ItemType.self), by: call.principal))
        },
        Route(.GET, "catalogue/:code", "getItemType", .read) { api, call in
            try call.json(try await api.store.itemType(call["code"]))
        },
        Route(.POST, "catalogue/:code/recall", "setRecall", .admin) { api, call in
            let body = try call.body(RecallRequest.self)
            return try call.json(try await api.store.setRecall(body.recalled, itemType: call["code"], note: body.note, by: call.principal))
        },
    ]
}

import RentalKit
import RentalProtocol

extension Routes {
    /// Holds, transfers and recalls.
    static let holds: [Route] = [
        Route(.GET, "reservations/:id", "getReservation", .read) { api, call in
            try call.json(try await api.store.reservation(try call.id(call["id"])))
        },
        Route(.GET, "holds", "listHolds", .read) { api, call in
            try call.json(Page(items: try await api.store.holds(centre: call.query["centre"])))
        },
        Route(.DELETE, "holds/:id", "cancelHold", .circulation) { api, call in
            try call.json(try await api.store.cancelHold(reservation: try call.id(call["id"]), by: call.principal))
        },
        Route(.POST, "units/:inventoryNumber/send", "sendUnit", .circulation) { api, call in
            let body = try call.body(SendRequest.self)
            return try call.json(try await api.store.send(unit: call["inventoryNumber"], to: body.centre, for: body.reservation,
                                                          note: body.note, by: call.principal))
        },
        Route(.POST, "units/:inventoryNumber/receive", "receiveUnit", .circulation) { api, call in
            let body = try call.optionalBody(NoteRequest.self)
            return try call.json(try await api.store.receive(unit: call["inventoryNumber"], note: body?.note, by: call.principal))
        },
        Route(.GET, "transfers", "listTransfers", .read) { api, call in
            try call.json(Page(items: try await api.store.transfers(centre: call.query["centre"])))
        },
        Route(.GET, "transfers/proposals", "listTransferProposals", .read) { api, call in
            try call.json(Page(items: try await api.store.transferProposals(centre: call.query["centre"])))
        },
        Route(.POST, "recalls", "recallItemType", .admin, success: .created) { api, call in
            let body = try call.body(RecallRunRequest.self)
            return try call.json(try await api.store.recall(itemType: body.itemType, note: body.note, by: call.principal))
        },
        Route(.POST, "recalls/:code/lift", "liftRecall", .admin) { api, call in
            try call.json(try await api.store.liftRecall(itemType: call["code"], by: call.principal))
        },
        Route(.GET, "notices/holds", "listHoldNotices", .read) { api, call in
            let limit = try call.limit()
            let sent = try await api.store.circulationNotices(
                since: try call.query["since"].map { try call.id($0, field: "since") } ?? 0, limit: limit)
            return try call.json(Page(items: sent, next: sent.count == limit ? sent.last.map { "\($0.id)" } : nil))
        },
    ]
}

import RentalKit
import RentalProtocol

extension Routes {
    static let centres: [Route] = [
        Route(.GET, "centres", "listCentres", .read) { api, call in
            try call.json(Page(items: try await api.store.centres()))
        },
        Route(.POST, "centres", "addCentre", .admin, success: .created) { api, call in
            try call.json(try await api.store.addCentre(try call.body(NewCentre.self), by: call.principal))
        },
        Route(.GET, "centres/:code", "getCentre", .read) { api, call in
            try call.json(try await api.store.centre(call["code"]))
        },
        Route(.PUT, "centres/:code/open-days", "setOpenDays", .admin) { api, call in
            try call.json(try await api.store.setOpenDays(try call.body(OpenDaysRequest.self).openDays, centre: call["code"],
                                                          by: call.principal))
        },
        Route(.POST, "centres/:code/closures", "addClosure", .circulation, success: .created) { api, call in
            let body = try call.body(ClosureRequest.self)
            return try call.json(try await api.store.addClosure(centre: call["code"], from: body.firstDay, through: body.lastDay,
                                                                kind: body.kind, note: body.note ?? "", by: call.principal))
        },
        Route(.DELETE, "centres/:code/closures/:id", "removeClosure", .circulation, success: .noContent) { api, call in
            try await api.store.removeClosure(id: try call.id(call["id"]), centre: call["code"], by: call.principal)
            return call.noContent()
        },
        Route(.POST, "centres/:code/shift-due-dates", "shiftDueDates", .circulation) { api, call in
            call.json(Page(items: try await api.store.shiftDueDates(centre: call["code"], by: call.principal)))
        },
    ]
}

import RentalKit
import RentalProtocol

extension Routes {
    static let reservations: [Route] = [
        Route(.GET, "reservations", "listReservations", .read) { api, call in
            if let family = call.query["family"] {
                return try call.json(Page(items: try await api.store.reservations(family: family)))
            }
            return try call.json(Page(items: try await api.store.reservations(itemType: try call.required("type"),
                                                                              at: try call.required("centre"))))
        },
        Route(.POST, "reservations", "reserve", .circulation, success: .created) { api, call in
            let body = try call.body(ReservationRequest.self)
            return try call.json(try await api.store.reserve(family: body.family, itemType: body.itemType, at: body.centre,
                                                             by: call.principal))
        },
        Route(.DELETE, "reservations/:id", "cancelReservation", .circulation, success: .noContent) { api, call in
            try await api.store.closeReservation(try call.id(call["id"]), by: call.principal)
            return call.noContent()
        },
    ]
}

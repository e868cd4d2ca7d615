import RentalKit
import RentalProtocol

extension Routes {
    static let units: [Route] = [
        Route(.GET, "units", "listUnits", .read) { api, call in
            let limit = try call.limit()
            let units = try await api.store.units(centre: call.query["centre"], itemType: call.query["type"],
                                                  status: try call.enumQuery("status", UnitStatus.self),
                                                  after: call.query["after"], limit: limit)
            return try call.json(Page(items: units, next: units.count == limit ? units.last?.inventoryNumber : nil))
        },
        Route(.POST, "units", "addUnit", .circulation, success: .created) { api, call in
            try call.json(try await api.store.addUnit(try call.body(NewUnit.self), by: call.principal))
        },
        Route(.GET, "units/:inventoryNumber", "getUnit", .read) { api, call in
            try call.json(try await api.store.unit(call["inventoryNumber"]))
        },
        Route(.POST, "units/:inventoryNumber/status", "changeUnitStatus", .circulation) { api, call in
            let body = try call.body(UnitStatusRequest.self)
            return try call.json(try await api.store.change(try body.unitChange(), unit: call["inventoryNumber"], note: body.note,
                                                            by: call.principal))
        },
        Route(.POST, "units/:inventoryNumber/safety-checks", "recordSafetyCheck", .circulation) { api, call in
            let body = try call.body(SafetyCheckRequest.self)
            return try call.json(try await api.store.recordSafetyCheck(unit: call["inventoryNumber"], on: body.on, passed: body.passed,
                                                                       by: call.principal))
        },
        Route(.GET, "stock", "getStock", .read) { api, call in
            try call.json(Page(items: try await api.store.stock(centre: call.query["centre"], itemType: call.query["type"])))
        },
        Route(.GET, "availability/:type", "getAvailability", .read) { api, call in
            try call.json(try await api.store.availability(of: call["type"], at: call.query["centre"]))
        },
    ]
}

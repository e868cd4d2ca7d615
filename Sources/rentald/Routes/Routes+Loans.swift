import RentalKit
import RentalProtocol

extension Routes {
    static let loans: [Route] = [
        Route(.GET, "loans", "listLoans", .read) { api, call in
            let limit = try call.limit()
            let filter = LoanFilter(centre: call.query["centre"], family: call.query["family"],
                                    openOnly: try call.enumQuery("state", LoanListState.self) != .all,
                                    overdueOnly: try call.boolQuery("overdue") ?? false,
                                    dueBefore: try call.dateQuery("due-before"),
                                    afterID: try call.query["after"].map { try call.id($0, field: "after") }, limit: limit)
            return call.json(page: try await LoanPage.json(api.store, filter))
        },
        Route(.POST, "loans", "checkout", .circulation, success: .created) { api, call in
            let body = try call.body(CheckoutRequest.self)
            let key = call.headers.first(name: RentalAPI.idempotencyKeyHeader)
            return call.json(try await api.store.checkout(family: body.family, unit: body.unit, at: body.centre,
                                                          issuedAt: body.issuedAt, requestKey: key, by: call.principal))
        },
        Route(.GET, "loans/:id", "getLoan", .read) { api, call in
            call.json(try await api.store.loan(try call.id(call["id"])))
        },
        Route(.POST, "loans/:id/renew", "renewLoan", .circulation) { api, call in
            call.json(try await api.store.renew(loan: try call.id(call["id"]), by: call.principal))
        },
        Route(.POST, "loans/:id/lost", "markLoanLost", .circulation) { api, call in
            let body = try call.optionalBody(NoteRequest.self)
            return call.json(try await api.store.markLost(loan: try call.id(call["id"]), note: body?.note, by: call.principal))
        },
        Route(.POST, "returns", "returnUnit", .circulation) { api, call in
            let body = try call.body(ReturnRequest.self)
            return call.json(try await api.store.returnUnit(body.unit, at: body.centre, condition: body.condition, note: body.note,
                                                            by: call.principal))
        },
    ]
}

/// `state=open|all` for loan lists.
enum LoanListState: String, CaseIterable {
    case open, all
}

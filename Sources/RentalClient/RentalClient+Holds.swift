import RentalProtocol

extension RentalClient {
    // MARK: Reservations and holds

    /// `GET /v1/reservations?family=`: a family's reservations, open ones first.
    public func reservations(family: String) async throws(RentalError) -> [Reservation] {
        try await send(.get, ["reservations"], query: [("family", family)], as: Page<Reservation>.self).items
    }

    /// `GET /v1/reservations/{id}`: one reservation, with its position, expected date and transfer proposal.
    public func reservation(_ id: Int64) async throws(RentalError) -> Reservation {
        try await send(.get, ["reservations", "\(id)"])
    }

    /// `GET /v1/holds`: units held for families, soonest pickup deadline first.
    public func holds(centre: String? = nil) async throws(RentalError) -> [Reservation] {
        try await send(.get, ["holds"], query: [("centre", centre)], as: Page<Reservation>.self).items
    }

    /// `DELETE /v1/holds/{id}`: cancels a hold; the unit goes on to the next family.
    public func cancelHold(_ id: Int64) async throws(RentalError) -> Reservation {
        try await send(.delete, ["holds", "\(id)"])
    }

    /// `GET /v1/notices/holds`: notices about holds and recalls sent, after id `since`.
    public func holdNotices(since: Int64 = 0, limit: Int? = nil) async throws(RentalError) -> Page<CirculationNotice> {
        try await send(.get, ["notices", "holds"], query: [("since", since > 0 ? "\(since)" : nil), ("limit", limit.map(String.init))])
    }

    // MARK: Transfers

    /// `POST /v1/units/{inventoryNumber}/send`.
    public func send(unit: String, _ request: SendRequest) async throws(RentalError) -> Transfer {
        try await send(.post, ["units", unit, "send"], body: request)
    }

    /// `POST /v1/units/{inventoryNumber}/receive`.
    public func receive(unit: String, note: String? = nil) async throws(RentalError) -> TransferReceipt {
        try await send(.post, ["units", unit, "receive"], body: NoteRequest(note: note))
    }

    /// `GET /v1/transfers`: units in transit, to or from `centre`.
    public func transfers(centre: String? = nil) async throws(RentalError) -> [Transfer] {
        try await send(.get, ["transfers"], query: [("centre", centre)], as: Page<Transfer>.self).items
    }

    /// `GET /v1/transfers/proposals`: free units that could go to families waiting elsewhere.
    public func transferProposals(centre: String? = nil) async throws(RentalError) -> [TransferProposal] {
        try await send(.get, ["transfers", "proposals"], query: [("centre", centre)], as: Page<TransferProposal>.self).items
    }

    // MARK: Recalls

    /// `POST /v1/recalls` (admin).
    public func recall(_ request: RecallRunRequest) async throws(RentalError) -> RecallReport {
        try await send(.post, ["recalls"], body: request)
    }

    /// `POST /v1/recalls/{code}/lift` (admin): refused with `recall_safety_check_missing` until every unit
    /// in service passed a safety check since the recall.
    public func liftRecall(itemType: String) async throws(RentalError) -> ItemType {
        try await send(.post, ["recalls", itemType, "lift"])
    }
}

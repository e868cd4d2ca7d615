#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalProtocol

// One method per endpoint of `/v1`. Lists that page return a `Page`; pass its `next` as `after`.
extension RentalClient {
    // MARK: Health

    /// `GET /v1/health`: version, caller, role and counts.
    public func health() async throws(RentalError) -> Health {
        try await send(.get, ["health"])
    }

    // MARK: Centres

    /// `GET /v1/centres`.
    public func centres() async throws(RentalError) -> [Centre] {
        try await send(.get, ["centres"], as: Page<Centre>.self).items
    }

    /// `GET /v1/centres/{code}`.
    public func centre(_ code: String) async throws(RentalError) -> Centre {
        try await send(.get, ["centres", code])
    }

    /// `POST /v1/centres` (admin).
    public func addCentre(_ centre: NewCentre) async throws(RentalError) -> Centre {
        try await send(.post, ["centres"], body: centre)
    }

    /// `PUT /v1/centres/{code}/open-days` (admin).
    public func setOpenDays(_ days: Set<Weekday>, centre: String) async throws(RentalError) -> Centre {
        try await send(.put, ["centres", centre, "open-days"], body: OpenDaysRequest(openDays: days))
    }

    /// `POST /v1/centres/{code}/closures`.
    public func addClosure(_ closure: ClosureRequest, centre: String) async throws(RentalError) -> Closure {
        try await send(.post, ["centres", centre, "closures"], body: closure)
    }

    /// `DELETE /v1/centres/{code}/closures/{id}`.
    public func removeClosure(_ id: Int64, centre: String) async throws(RentalError) {
        _ = try await send(.delete, ["centres", centre, "closures", "\(id)"], as: Empty.self)
    }

    /// `POST /v1/centres/{code}/shift-due-dates`: moves due dates off closed days.
    public func shiftDueDates(centre: String) async throws(RentalError) -> [Loan] {
        try await send(.post, ["centres", centre, "shift-due-dates"], as: Page<Loan>.self).items
    }

    // MARK: Catalogue

    /// `GET /v1/catalogue`.
    public func itemTypes() async throws(RentalError) -> [ItemType] {
        try await send(.get, ["catalogue"], as: Page<ItemType>.self).items
    }

    /// `GET /v1/catalogue/{code}`.
    public func itemType(_ code: String) async throws(RentalError) -> ItemType {
        try await send(.get, ["catalogue", code])
    }

    /// `POST /v1/catalogue` (admin).
    public func addItemType(_ type: ItemType) async throws(RentalError) -> ItemType {
        try await send(.post, ["catalogue"], body: type)
    }

    /// `POST /v1/catalogue/{code}/recall` (admin).
    public func setRecall(_ request: RecallRequest, itemType: String) async throws(RentalError) -> ItemType {
        try await send(.post, ["catalogue", itemType, "recall"], body: request)
    }

    // MARK: Units and stock

    /// `GET /v1/units`.
    public func units(centre: String? = nil, itemType: String? = nil, status: UnitStatus? = nil, after: String? = nil,
                      limit: Int? = nil) async throws(RentalError) -> Page<RentalUnit> {
        try await send(.get, ["units"], query: [("centre", centre), ("type", itemType), ("status", status?.rawValue),
                                                ("after", after), ("limit", limit.map(String.init))])
    }

    /// `GET /v1/units/{inventoryNumber}`.
    public func unit(_ inventoryNumber: String) async throws(RentalError) -> RentalUnit {
        try await send(.get, ["units", inventoryNumber])
    }

    /// `POST /v1/units`.
    public func addUnit(_ unit: NewUnit) async throws(RentalError) -> RentalUnit {
        try await send(.post, ["units"], body: unit)
    }

    /// `POST /v1/units/{inventoryNumber}/status`.
    public func changeUnit(_ inventoryNumber: String, _ change: UnitStatusRequest) async throws(RentalError) -> RentalUnit {
        try await send(.post, ["units", inventoryNumber, "status"], body: change)
    }

    /// `POST /v1/units/{inventoryNumber}/safety-checks`.
    public func recordSafetyCheck(_ inventoryNumber: String, _ check: SafetyCheckRequest) async throws(RentalError) -> RentalUnit {
        try await send(.post, ["units", inventoryNumber, "safety-checks"], body: check)
    }

    /// `GET /v1/stock`.
    public func stock(centre: String? = nil, itemType: String? = nil) async throws(RentalError) -> [StockLine] {
        try await send(.get, ["stock"], query: [("centre", centre), ("type", itemType)], as: Page<StockLine>.self).items
    }

    /// `GET /v1/availability/{type}`.
    public func availability(of itemType: String, at centre: String? = nil) async throws(RentalError) -> Availability {
        try await send(.get, ["availability", itemType], query: [("centre", centre)])
    }

    // MARK: Families

    /// `GET /v1/families?q=`: by reference, phone or part of a surname.
    public func findFamilies(_ query: String, limit: Int? = nil) async throws(RentalError) -> [Family] {
        try await send(.get, ["families"], query: [("q", query), ("limit", limit.map(String.init))], as: Page<Family>.self).items
    }

    /// `GET /v1/families/{reference}`.
    public func family(_ reference: String) async throws(RentalError) -> Family {
        try await send(.get, ["families", reference])
    }

    /// `GET /v1/families/{reference}/card?centre=`: the desk's card of a family at a centre.
    public func familyCard(_ reference: String, centre: String) async throws(RentalError) -> FamilyCard {
        try await send(.get, ["families", reference, "card"], query: [("centre", centre)])
    }

    /// `POST /v1/families`.
    public func registerFamily(_ family: Family) async throws(RentalError) -> Family {
        try await send(.post, ["families"], body: family)
    }

    /// `PATCH /v1/families/{reference}`.
    public func updateFamily(_ reference: String, _ update: FamilyUpdate) async throws(RentalError) -> Family {
        try await send(.patch, ["families", reference], body: update)
    }

    /// `POST /v1/families/{reference}/status`.
    public func setFamilyStatus(_ status: FamilyStatus, family reference: String) async throws(RentalError) -> Family {
        try await send(.post, ["families", reference, "status"], body: FamilyStatusRequest(status: status))
    }

    // MARK: Rules

    /// `GET /v1/rules`.
    public func rules() async throws(RentalError) -> [LoanRule] {
        try await send(.get, ["rules"], as: Page<LoanRule>.self).items
    }

    /// `PUT /v1/rules` (admin): creates or replaces the rule of a scope.
    public func setRule(_ rule: LoanRule) async throws(RentalError) -> LoanRule {
        try await send(.put, ["rules"], body: rule)
    }

    /// `DELETE /v1/rules/{id}` (admin).
    public func removeRule(_ id: Int64) async throws(RentalError) {
        _ = try await send(.delete, ["rules", "\(id)"], as: Empty.self)
    }

    /// `GET /v1/rules/effective`: the rule that governs `itemType` at `centre`.
    public func effectiveRule(centre: String, itemType: String) async throws(RentalError) -> LoanRule {
        try await send(.get, ["rules", "effective"], query: [("centre", centre), ("type", itemType)])
    }

    // MARK: Loans

    /// `POST /v1/loans`: a checkout. With `idempotencyKey`, a retry returns the first loan.
    public func checkout(_ request: CheckoutRequest, idempotencyKey: String? = nil) async throws(RentalError) -> Loan {
        try await send(.post, ["loans"], body: request,
                       headers: idempotencyKey.map { [(RentalAPI.idempotencyKeyHeader, $0)] } ?? [])
    }

    /// `POST /v1/loans/{id}/renew`.
    public func renew(loan id: Int64) async throws(RentalError) -> Loan {
        try await send(.post, ["loans", "\(id)", "renew"])
    }

    /// `POST /v1/returns`.
    public func returnUnit(_ request: ReturnRequest) async throws(RentalError) -> ReturnReceipt {
        try await send(.post, ["returns"], body: request)
    }

    /// `POST /v1/loans/{id}/lost`.
    public func markLost(loan id: Int64, note: String? = nil) async throws(RentalError) -> Loan {
        try await send(.post, ["loans", "\(id)", "lost"], body: NoteRequest(note: note))
    }

    /// `GET /v1/loans/{id}`.
    public func loan(_ id: Int64) async throws(RentalError) -> Loan {
        try await send(.get, ["loans", "\(id)"])
    }

    /// `GET /v1/loans`.
    public func loans(_ filter: LoanFilter = LoanFilter()) async throws(RentalError) -> Page<Loan> {
        try await send(.get, ["loans"], query: [
            ("centre", filter.centre), ("family", filter.family), ("state", filter.openOnly ? nil : "all"),
            ("overdue", filter.overdueOnly ? "true" : nil), ("due-before", filter.dueBefore?.description),
            ("after", filter.afterID.map { "\($0)" }), ("limit", "\(filter.limit)"),
        ])
    }

    // MARK: Reservations

    /// `GET /v1/reservations`: the waiting list for an item type at a centre.
    public func reservations(itemType: String, centre: String) async throws(RentalError) -> [Reservation] {
        try await send(.get, ["reservations"], query: [("type", itemType), ("centre", centre)], as: Page<Reservation>.self).items
    }

    /// `POST /v1/reservations`.
    public func reserve(_ request: ReservationRequest) async throws(RentalError) -> Reservation {
        try await send(.post, ["reservations"], body: request)
    }

    /// `DELETE /v1/reservations/{id}`: cancels a waiting reservation.
    public func cancelReservation(_ id: Int64) async throws(RentalError) {
        _ = try await send(.delete, ["reservations", "\(id)"], as: Empty.self)
    }

    // MARK: Notices

    /// `GET /v1/notices`: overdue notices sent, after id `since`.
    public func notices(centre: String? = nil, since: Int64 = 0, limit: Int? = nil) async throws(RentalError) -> Page<Notice> {
        try await send(.get, ["notices"], query: [("centre", centre), ("since", since > 0 ? "\(since)" : nil),
                                                  ("limit", limit.map(String.init))])
    }

    /// `POST /v1/notices/scan` (admin): scans now; refused with `scan_in_progress` while one runs.
    public func scanNotices(centre: String? = nil) async throws(RentalError) -> NoticeScanSummary {
        try await send(.post, ["notices", "scan"], query: [("centre", centre)])
    }

    // MARK: Backups

    /// `POST /v1/backups` (admin): a checked hot backup named `name` in the daemon's backup directory.
    public func backup(name: String) async throws(RentalError) -> BackupResult {
        try await send(.post, ["backups"], body: BackupRequest(name: name))
    }

    // MARK: Audit

    /// `GET /v1/audit/verify`: checks the audit trail's hash chain.
    public func verifyAudit() async throws(RentalError) -> AuditVerification {
        try await send(.get, ["audit", "verify"])
    }

    /// `GET /v1/audit`: events after sequence number `since`.
    public func audit(since: Int64 = 0, entity: String? = nil, key: String? = nil,
                      limit: Int? = nil) async throws(RentalError) -> Page<AuditEvent> {
        try await send(.get, ["audit"], query: [("since", since > 0 ? "\(since)" : nil), ("entity", entity), ("key", key),
                                                ("limit", limit.map(String.init))])
    }
}

import Foundation
import NIOHTTP1
import RentalKit
import RentalProtocol

/// The routes of holds, transfers and recalls (matched in ``API``'s chain; each handler here).
extension API {
    /// `GET /v1/reservations?family=`, or the waiting list with `type` and `centre`.
    func listReservations(_ call: APICall) async throws -> HTTPResponse {
        if let family = call.query["family"] {
            return try call.json(Page(items: try await store.reservations(family: family)))
        }
        return try call.json(Page(items: try await store.reservations(itemType: try call.required("type"), at: try call.required("centre"))))
    }

    /// `GET /v1/reservations/{id}`.
    func getReservation(_ call: APICall, _ id: String) async throws -> HTTPResponse {
        try call.json(try await store.reservation(try call.id(id)))
    }

    /// `GET /v1/holds?centre=`.
    func listHolds(_ call: APICall) async throws -> HTTPResponse {
        try call.json(Page(items: try await store.holds(centre: call.query["centre"])))
    }

    /// `DELETE /v1/holds/{id}`.
    func cancelHold(_ call: APICall, _ id: String) async throws -> HTTPResponse {
        try call.json(try await store.cancelHold(reservation: try call.id(id), by: call.principal))
    }

    /// `GET /v1/notices/holds?since=&limit=`.
    func listHoldNotices(_ call: APICall) async throws -> HTTPResponse {
        let limit = try call.limit()
        let sent = try await store.circulationNotices(since: try call.query["since"].map { try call.id($0, field: "since") } ?? 0,
                                                      limit: limit)
        return try call.json(Page(items: sent, next: sent.count == limit ? sent.last.map { "\($0.id)" } : nil))
    }

    /// `POST /v1/units/{inventoryNumber}/send`.
    func sendUnit(_ call: APICall, _ number: String) async throws -> HTTPResponse {
        let body = try call.body(SendRequest.self)
        return try call.json(try await store.send(unit: number, to: body.centre, for: body.reservation, note: body.note,
                                                  by: call.principal))
    }

    /// `POST /v1/units/{inventoryNumber}/receive`.
    func receiveUnit(_ call: APICall, _ number: String) async throws -> HTTPResponse {
        let body = try call.optionalBody(NoteRequest.self)
        return try call.json(try await store.receive(unit: number, note: body?.note, by: call.principal))
    }

    /// `GET /v1/transfers?centre=`.
    func listTransfers(_ call: APICall) async throws -> HTTPResponse {
        try call.json(Page(items: try await store.transfers(centre: call.query["centre"])))
    }

    /// `GET /v1/transfers/proposals?centre=`.
    func listTransferProposals(_ call: APICall) async throws -> HTTPResponse {
        try call.json(Page(items: try await store.transferProposals(centre: call.query["centre"])))
    }

    /// `POST /v1/recalls` (admin).
    func runRecall(_ call: APICall) async throws -> HTTPResponse {
        let body = try call.body(RecallRunRequest.self)
        return try call.json(try await store.recall(itemType: body.itemType, note: body.note, by: call.principal), status: .created)
    }

    /// `POST /v1/recalls/{code}/lift` (admin).
    func liftRecall(_ call: APICall, _ code: String) async throws -> HTTPResponse {
        try call.json(try await store.liftRecall(itemType: code, by: call.principal))
    }
}

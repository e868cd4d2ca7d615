import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RentalKit
import RentalProtocol

/// The `/v1` API: routes a request to a ``RentalStore`` operation as the caller's ``Principal`` and
/// turns the result, or the ``RentalError``, into JSON or a problem body.
struct API: HTTPHandler {
    let store: RentalStore
    let access: AccessControl
    let notices: NoticeService
    let backupDirectory: String
    let startedAt: Date
    let version: String
    let logger: Logger

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard let principal = access.principal(for: request.peer) else {
            logger.notice("refused a caller with no role", metadata: ["user": "\(request.peer.userName)", "uid": "\(request.peer.uid)"])
            return problem(RentalError(.forbidden, "user \(request.peer.userName) has no role in rentald; an administrator can add it to [access] in \(RentalPaths.systemConfig)"))
        }
        do {
            let call = try APICall(request, principal: principal)
            let response = try await route(call)
            logger.debug("request", metadata: ["method": "\(request.method.rawValue)", "path": "\(call.path.joined(separator: "/"))",
                                               "user": "\(principal.name)", "status": "\(response.status.code)"])
            return response
        } catch {
            let failure = RentalError(mapping: error)
            if failure.code.httpStatus >= 500 {
                logger.error("request failed", metadata: ["code": "\(failure.code.rawValue)", "user": "\(principal.name)"])
            }
            return problem(failure)
        }
    }

    func problem(_ error: RentalError) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: RentalAPI.problemMediaType)
        let body = (try? RentalJSON.encoder().encode(Problem(error))) ?? Data()
        return HTTPResponse(status: HTTPResponseStatus(statusCode: error.code.httpStatus), headers: headers,
                            body: ByteBuffer(bytes: body))
    }

    private func route(_ call: APICall) async throws -> HTTPResponse {
        let who = call.principal
        if call.matches(.GET, "health") {
            return try call.json(Health(status: "ok", version: version, apiVersion: RentalAPI.version,
                                        uptimeSeconds: Int(Date().timeIntervalSince(startedAt)), caller: who.name,
                                        role: who.role.label, summary: try await store.summary()))
        }

        // Centres and their calendars
        if call.matches(.GET, "centres") {
            return try call.json(Page(items: try await store.centres()))
        }
        if call.matches(.POST, "centres") {
            return try call.json(try await store.addCentre(try call.body(NewCentre.self), by: who), status: .created)
        }
        if let code = call.match(.GET, "centres/:code")?.first {
            return try call.json(try await store.centre(code))
        }
        if let code = call.match(.PUT, "centres/:code/open-days")?.first {
            return try call.json(try await store.setOpenDays(try call.body(OpenDaysRequest.self).openDays, centre: code, by: who))
        }
        if let code = call.match(.POST, "centres/:code/closures")?.first {
            let body = try call.body(ClosureRequest.self)
            return try call.json(try await store.addClosure(centre: code, from: body.firstDay, through: body.lastDay,
                                                            kind: body.kind, note: body.note ?? "", by: who), status: .created)
        }
        if let p = call.match(.DELETE, "centres/:code/closures/:id") {
            let code = p[0], id = p[1]
            try await store.removeClosure(id: try call.id(id), centre: code, by: who)
            return call.noContent()
        }
        if let code = call.match(.POST, "centres/:code/shift-due-dates")?.first {
            return call.json(Page(items: try await store.shiftDueDates(centre: code, by: who)))
        }

        // Catalogue
        if call.matches(.GET, "catalogue") {
            return try call.json(Page(items: try await store.itemTypes()))
        }
        if call.matches(.POST, "catalogue") {
            return try call.json(try await store.addItemType(try call.body(ItemType.self), by: who), status: .created)
        }
        if let code = call.match(.GET, "catalogue/:code")?.first {
            return try call.json(try await store.itemType(code))
        }
        if let code = call.match(.POST, "catalogue/:code/recall")?.first {
            let body = try call.body(RecallRequest.self)
            return try call.json(try await store.setRecall(body.recalled, itemType: code, note: body.note, by: who))
        }

        // Units and stock
        if call.matches(.GET, "units") {
            let limit = try call.limit()
            let units = try await store.units(centre: call.query["centre"], itemType: call.query["type"],
                                              status: try call.enumQuery("status", UnitStatus.self),
                                              after: call.query["after"], limit: limit)
            return try call.json(Page(items: units, next: units.count == limit ? units.last?.inventoryNumber : nil))
        }
        if call.matches(.POST, "units") {
            return try call.json(try await store.addUnit(try call.body(NewUnit.self), by: who), status: .created)
        }
        if let number = call.match(.GET, "units/:number")?.first {
            return try call.json(try await store.unit(number))
        }
        if let number = call.match(.POST, "units/:number/status")?.first {
            let body = try call.body(UnitStatusRequest.self)
            return try call.json(try await store.change(try body.unitChange(), unit: number, note: body.note, by: who))
        }
        if let number = call.match(.POST, "units/:number/safety-checks")?.first {
            let body = try call.body(SafetyCheckRequest.self)
            return try call.json(try await store.recordSafetyCheck(unit: number, on: body.on, passed: body.passed, by: who))
        }
        if call.matches(.GET, "stock") {
            return try call.json(Page(items: try await store.stock(centre: call.query["centre"], itemType: call.query["type"])))
        }
        if let type = call.match(.GET, "availability/:type")?.first {
            return try call.json(try await store.availability(of: type, at: call.query["centre"]))
        }

        // Families
        if call.matches(.GET, "families") {
            guard let query = call.query["q"] else { throw RentalError(.invalidInput, "q: required (a reference, a phone or part of a surname)") }
            return try call.json(Page(items: try await store.findFamilies(query, limit: try call.limit(default: 50, max: 500))))
        }
        if call.matches(.POST, "families") {
            return try call.json(try await store.registerFamily(try call.body(Family.self), by: who), status: .created)
        }
        if let reference = call.match(.GET, "families/:reference")?.first {
            return try call.json(try await store.family(reference))
        }
        if let reference = call.match(.PATCH, "families/:reference")?.first {
            return try call.json(try await store.updateFamily(reference, try call.body(FamilyUpdate.self), by: who))
        }
        if let reference = call.match(.POST, "families/:reference/status")?.first {
            return try call.json(try await store.setFamilyStatus(try call.body(FamilyStatusRequest.self).status, family: reference, by: who))
        }

        // Rules
        if call.matches(.GET, "rules") {
            return try call.json(Page(items: try await store.rules()))
        }
        if call.matches(.PUT, "rules") {
            return try call.json(try await store.setRule(try call.body(LoanRule.self), by: who))
        }
        if let id = call.match(.DELETE, "rules/:id")?.first {
            try await store.removeRule(id: try call.id(id), by: who)
            return call.noContent()
        }
        if call.matches(.GET, "rules/effective") {
            return try call.json(try await store.effectiveRule(centre: try call.required("centre"), itemType: try call.required("type")))
        }

        // Loans
        if call.matches(.GET, "loans") {
            let limit = try call.limit()
            let filter = LoanFilter(centre: call.query["centre"], family: call.query["family"],
                                    openOnly: try call.enumQuery("state", LoanListState.self) != .all,
                                    overdueOnly: try call.boolQuery("overdue") ?? false,
                                    dueBefore: try call.dateQuery("due-before"),
                                    afterID: try call.query["after"].map { try call.id($0, field: "after") }, limit: limit)
            let loans = try await store.loans(filter)
            return call.json(Page(items: loans, next: loans.count == limit ? loans.last.map { "\($0.id)" } : nil))
        }
        if call.matches(.POST, "loans") {
            let body = try call.body(CheckoutRequest.self)
            let key = call.headers.first(name: RentalAPI.idempotencyKeyHeader)
            return call.json(try await store.checkout(family: body.family, unit: body.unit, at: body.centre,
                                                          issuedAt: body.issuedAt, requestKey: key, by: who), status: .created)
        }
        if let id = call.match(.GET, "loans/:id")?.first {
            return call.json(try await store.loan(try call.id(id)))
        }
        if let id = call.match(.POST, "loans/:id/renew")?.first {
            return call.json(try await store.renew(loan: try call.id(id), by: who))
        }
        if let id = call.match(.POST, "loans/:id/lost")?.first {
            let body = try call.optionalBody(NoteRequest.self)
            return call.json(try await store.markLost(loan: try call.id(id), note: body?.note, by: who))
        }
        if call.matches(.POST, "returns") {
            let body = try call.body(ReturnRequest.self)
            return call.json(try await store.returnUnit(body.unit, at: body.centre, condition: body.condition, note: body.note, by: who))
        }

        // Reservations
        if call.matches(.GET, "reservations") {
            return try call.json(Page(items: try await store.reservations(itemType: try call.required("type"), at: try call.required("centre"))))
        }
        if call.matches(.POST, "reservations") {
            let body = try call.body(ReservationRequest.self)
            return try call.json(try await store.reserve(family: body.family, itemType: body.itemType, at: body.centre, by: who),
                                 status: .created)
        }
        if let id = call.match(.DELETE, "reservations/:id")?.first {
            try await store.closeReservation(try call.id(id), by: who)
            return call.noContent()
        }

        // Reports (Routes+Reports.swift)
        if let name = call.match(.GET, "reports/:name")?.first {
            return try await report(call, name: name)
        }

        // Notices
        if call.matches(.GET, "notices") {
            let limit = try call.limit()
            let sent = try await store.notices(centre: call.query["centre"], since: try call.query["since"].map { try call.id($0, field: "since") } ?? 0,
                                               limit: limit)
            return try call.json(Page(items: sent, next: sent.count == limit ? sent.last.map { "\($0.id)" } : nil))
        }
        if call.matches(.POST, "notices/scan") {
            try who.requireAdmin("a notice scan")
            guard let summary = try await notices.scan(centre: call.query["centre"]) else {
                throw RentalError(.scanInProgress, "a notice scan is running; it was not started twice")
            }
            return try call.json(summary)
        }

        // Backups
        if call.matches(.POST, "backups") {
            try who.requireAdmin("a backup")
            let name = try call.body(BackupRequest.self).name
            let allowed = name.hasSuffix(".sqlite") && !name.hasPrefix(".") && name.count <= 100
                && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
            guard allowed else {
                throw RentalError(.invalidInput, "name: a file name of letters, digits, '.', '_', '-' ending in .sqlite (it is written to the backup directory)")
            }
            do {
                try FileManager.default.createDirectory(atPath: backupDirectory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw RentalError(.storageReadOnly, "cannot create the backup directory")
            }
            let file = backupDirectory + "/" + name
            let bytes = try await store.backup(to: file, by: who)
            logger.notice("backup written", metadata: ["file": "\(file)", "bytes": "\(bytes)", "user": "\(who.name)"])
            return try call.json(BackupResult(file: file, bytes: bytes, integrity: "ok"), status: .created)
        }

        // Audit
        if call.matches(.GET, "audit/verify") {
            return try call.json(try await store.verifyAudit())
        }
        if call.matches(.GET, "audit") {
            let limit = try call.limit()
            let events = try await store.auditEvents(since: try call.query["since"].map { try call.id($0, field: "since") } ?? 0,
                                                     entity: call.query["entity"], key: call.query["key"], limit: limit)
            return try call.json(Page(items: events, next: events.count == limit ? events.last.map { "\($0.sequence)" } : nil))

        }
        throw APICall.unknownRoute(call)
    }
}

/// `state=open|all` for loan lists.
enum LoanListState: String, CaseIterable {
    case open, all
}

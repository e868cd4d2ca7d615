import Foundation
import NIOCore
import NIOHTTP1
import RentalKit
import RentalProtocol

/// Registers in and out (`imports`, `exports`) and personal data (`families/:reference/erase`,
/// `families/:reference/export`, `privacy/anonymise`).
extension API {
    /// The response to one of these routes, or nil when the call is none of them.
    func privacyRoute(_ call: APICall) async throws -> HTTPResponse? {
        let who = call.principal
        if let kind = call.match(.POST, "imports/:kind")?.first {
            return try await importRegister(call, kind: kind)
        }
        if let kind = call.match(.GET, "exports/:kind")?.first {
            guard let kind = ExportKind(rawValue: kind) else {
                throw RentalError(.routeNotFound, "exports are units, families, loans or centres")
            }
            let format = try call.enumQuery("format", ExportFormat.self) ?? .csv
            let data = try await store.export(kind, format: format, centre: call.query["centre"], by: who)
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: format == .csv ? "text/csv; charset=utf-8" : "application/json")
            return HTTPResponse(status: .ok, headers: headers, body: ByteBuffer(bytes: data))
        }
        if let reference = call.match(.POST, "families/:reference/erase")?.first {
            return try call.json(try await store.eraseFamily(reference, by: who))
        }
        if let reference = call.match(.GET, "families/:reference/export")?.first {
            return try call.json(try await store.familyRecord(reference, by: who))
        }
        if call.matches(.POST, "privacy/anonymise") {
            let dryRun = try flag(call, "dry-run")
            guard let period = privacy.anonymiseAfter else {
                throw RentalError(.invalidInput, "anonymise_after is never in [privacy]: nothing to do")
            }
            let result = try await store.anonymiseInactiveFamilies(after: period, dryRun: dryRun, by: who)
            if !dryRun {
                logger.notice("families anonymised on request", metadata: ["count": "\(result.families)", "user": "\(who.name)"])
            }
            return try call.json(result)
        }
        return nil
    }

    /// `POST /v1/imports/{kind}`: the body is the CSV file itself (`text/csv`), up to `[limits]
    /// max_import_bytes`; the report comes back whole (200), problems included.
    private func importRegister(_ call: APICall, kind: String) async throws -> HTTPResponse {
        guard let kind = ImportKind(rawValue: kind) else {
            throw RentalError(.routeNotFound, "imports are units, families or centres")
        }
        let contentType = call.headers.first(name: "content-type")?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard contentType == "text/csv" else {
            throw RentalError(.unsupportedMediaType, "send the register as text/csv")
        }
        let options = ImportOptions(dryRun: try flag(call, "dry-run"), update: try flag(call, "update"),
                                    encoding: try call.enumQuery("encoding", ImportEncoding.self))
        let bytes = Data(call.bodyBytes.readableBytesView)
        let report = try await store.importCSV(kind, from: .bytes(bytes), options: options, by: call.principal)
        if report.written {
            logger.notice("register imported", metadata: ["kind": "\(kind.rawValue)", "added": "\(report.added)",
                                                          "updated": "\(report.updated)", "user": "\(call.principal.name)"])
        }
        return try call.json(report)
    }

    private func flag(_ call: APICall, _ name: String) throws(RentalError) -> Bool {
        switch call.query[name] {
        case nil, "false": false
        case "true", "": true
        default: throw RentalError(.invalidInput, "\(name): must be true or false")
        }
    }
}

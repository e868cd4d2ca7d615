import Foundation
import NIOCore
import NIOHTTP1
import RentalKit
import RentalProtocol
import Synchronization

/// Registers in and out (`imports`, `exports`) and personal data (`families/:reference/erase|export`,
/// `privacy/anonymise`).
extension Routes {
    static let registers: [Route] = [
        // The body is the CSV file itself (text/csv), up to `[limits] max_import_bytes` (HTTPServer); the report
        // comes back whole (200), problems included.
        Route(.POST, "imports/:kind", "importRegister", .admin) { api, call in
            guard let kind = ImportKind(rawValue: call["kind"]) else {
                throw RentalError(.routeNotFound, "imports are units, families or centres")
            }
            let contentType = call.headers.first(name: "content-type")?.split(separator: ";").first?
                .trimmingCharacters(in: .whitespaces).lowercased()
            guard contentType == "text/csv" else {
                throw RentalError(.unsupportedMediaType, "send the register as text/csv")
            }
            let options = ImportOptions(dryRun: try call.boolQuery("dry-run") ?? false, update: try call.boolQuery("update") ?? false,
                                        encoding: try call.enumQuery("encoding", ImportEncoding.self))
            let report = try await api.store.importCSV(kind, from: .bytes(Data(call.bodyBytes.readableBytesView)),
                                                       options: options, by: call.principal)
            if report.written {
                api.logger.notice("register imported", metadata: ["kind": "\(kind.rawValue)", "added": "\(report.added)",
                                                                  "updated": "\(report.updated)", "user": "\(call.principal.name)"])
            }
            return try call.json(report)
        },
        // Families only for administrators: the store checks.
        Route(.GET, "exports/:kind", "exportRegister", .read) { api, call in
            guard let kind = ExportKind(rawValue: call["kind"]) else {
                throw RentalError(.routeNotFound, "exports are units, families, loans or centres")
            }
            let format = try call.enumQuery("format", ExportFormat.self) ?? .csv
            // Streamed as the store reads it (bounded memory for any size); a refusal still gets its status.
            // Each export holds one of the store's few readers while its client reads: two at a time.
            guard Exports.begin() else {
                throw RentalError(.serviceUnavailable, "\(Exports.limit) exports are being sent already; try again when one is done")
            }
            let body = StreamedBody()
            let (store, centre, principal) = (api.store, call.query["centre"], call.principal)
            Task {
                defer { Exports.end() }
                do {
                    try await store.export(kind, format: format, centre: centre, by: principal, write: body.push)
                    body.finish()
                } catch {
                    body.finish(throwing: error)
                }
            }
            try await body.firstPiece()
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: format == .csv ? "text/csv; charset=utf-8" : "application/json")
            return HTTPResponse(status: .ok, headers: headers, body: ByteBuffer(), streamed: body)
        },
        Route(.POST, "families/:reference/erase", "eraseFamily", .admin) { api, call in
            try call.json(try await api.store.eraseFamily(call["reference"], by: call.principal))
        },
        Route(.GET, "families/:reference/export", "exportFamily", .admin) { api, call in
            try call.json(try await api.store.familyRecord(call["reference"], by: call.principal))
        },
        Route(.POST, "privacy/anonymise", "anonymiseFamilies", .admin) { api, call in
            let dryRun = try call.boolQuery("dry-run") ?? false
            guard let period = api.privacy.anonymiseAfter else {
                throw RentalError(.invalidInput, "anonymise_after is never in [privacy]: nothing to do")
            }
            let result = try await api.store.anonymiseInactiveFamilies(after: period, dryRun: dryRun, by: call.principal)
            if !dryRun {
                api.logger.notice("families anonymised on request", metadata: ["count": "\(result.families)",
                                                                              "user": "\(call.principal.name)"])
            }
            return try call.json(result)
        },
    ]
}

/// Register exports being sent now.
enum Exports {
    /// At most this many at once.
    static let limit = 2
    private static let running = Mutex(0)

    /// Takes a place, or false when ``limit`` exports run.
    static func begin() -> Bool {
        running.withLock { running in
            guard running < limit else { return false }
            running += 1
            return true
        }
    }

    static func end() {
        running.withLock { $0 -= 1 }
    }
}

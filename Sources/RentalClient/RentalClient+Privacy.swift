#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalProtocol

// Registers in and out, and personal data.
extension RentalClient {
    /// `POST /v1/imports/{kind}` (admin): the CSV file's bytes as they are; the report lists every problem.
    public func importRegister(_ kind: ImportKind, csv: [UInt8], options: ImportOptions) async throws(RentalError) -> ImportReport {
        let raw = try await sendRaw(.post, ["imports", kind.rawValue], query: [
            ("dry-run", options.dryRun ? "true" : nil), ("update", options.update ? "true" : nil),
            ("encoding", options.encoding?.rawValue),
        ], body: csv)
        do {
            return try RentalJSON.decoder().decode(ImportReport.self, from: raw)
        } catch {
            throw RentalError(.protocolError, "the daemon's answer could not be read as an import report")
        }
    }

    /// `GET /v1/exports/{kind}`: CSV as the importer reads it, or JSON (families: admin).
    public func export(_ kind: ExportKind, format: ExportFormat = .csv, centre: String? = nil) async throws(RentalError) -> Data {
        try await sendRaw(.get, ["exports", kind.rawValue], query: [("format", format.rawValue), ("centre", centre)])
    }

    /// `POST /v1/families/{reference}/erase` (admin): anonymises the family now; refused while a loan is open.
    public func eraseFamily(_ reference: String) async throws(RentalError) -> ErasureResult {
        try await send(.post, ["families", reference, "erase"])
    }

    /// `GET /v1/families/{reference}/export` (admin): everything stored about the family.
    public func familyRecord(_ reference: String) async throws(RentalError) -> FamilyRecord {
        try await send(.get, ["families", reference, "export"])
    }

    /// `POST /v1/privacy/anonymise` (admin): anonymises families inactive for `[privacy] anonymise_after`.
    public func anonymise(dryRun: Bool) async throws(RentalError) -> AnonymisationResult {
        try await send(.post, ["privacy", "anonymise"], query: [("dry-run", dryRun ? "true" : "false")])
    }
}
